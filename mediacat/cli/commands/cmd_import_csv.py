"""`mediacat import-csv FILE [--create]`: read tags and notes back from an exported (spreadsheet-edited) CSV file;
with --create, rows with an id not in the catalog become items of your own."""

from __future__ import annotations

import argparse

from mediacat.cli.common import EXIT_PROBLEMS, open_library, report_error, report_warning
from mediacat.core.csv_create import NewRow, create_items, plan_new_items
from mediacat.core.csv_import import ImportPlan, apply_import, read_import


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "import-csv", parents=[common], help="update tags and notes from a CSV file, by id (all or nothing)"
    )
    parser.add_argument("file", metavar="FILE")
    parser.add_argument("--dry-run", action="store_true", help="show what would change; change nothing")
    parser.add_argument("--create", action="store_true",
                        help="rows whose id is not in the catalog become new items of your own (title and "
                        "media_type columns needed)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        return _import(args)
    except _Abandon as stop:
        return stop.code


class _Abandon(Exception):
    """Rolls the import's transaction back (a dry run, or problems in the file)."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


def _import(args: argparse.Namespace) -> int:
    with open_library(args) as library:
        new_rows, problems = plan_new_items(library, args.file) if args.create else ([], [])
        if problems:
            _report(args, problems)
            return EXIT_PROBLEMS
        with library.store.transaction():  # the new items, tags and notes: all or nothing
            create_items(library, new_rows)
            plan = read_import(library, args.file)
            if not plan.ok:
                _report(args, plan.problems())
                raise _Abandon(EXIT_PROBLEMS)
            for row in new_rows:
                print(f"{row.item_id}: new item {row.values['title']!r}")
            for change in plan.changes:
                if change.tags_after is not None:
                    print(f"{change.item_id}: tags {_tags(change.tags_before)} -> {_tags(change.tags_after)}")
                if change.note_after is not None:
                    print(f"{change.item_id}: note {_short(change.note_before)} -> {_short(change.note_after)}")
            if args.dry_run:
                print(f"{_summary(plan, new_rows)} (dry run: nothing was changed)")
                raise _Abandon(0)
            apply_import(library, plan)
            print(f"{_summary(plan, new_rows)}: imported")
    return 0


def _report(args: argparse.Namespace, problems: list[str]) -> None:
    for problem in problems:
        report_error(problem)
    hint = "" if args.create else " (--create makes new items of rows with unknown ids)"
    report_warning(f"{args.file}: {len(problems)} problem(s); nothing was imported{hint}")


def _summary(plan: ImportPlan, new_rows: list[NewRow]) -> str:
    created = f"{len(new_rows)} new items, " if new_rows else ""
    return created + plan.summary()


def _tags(tags: tuple[str, ...]) -> str:
    return "[" + ", ".join(tags) + "]"


def _short(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return repr(flat if len(flat) <= limit else flat[: limit - 1] + "…")
