"""`mediacat import-csv FILE`: read tags and notes back from an exported (spreadsheet-edited) CSV file."""

from __future__ import annotations

import argparse

from mediacat.cli.common import EXIT_PROBLEMS, open_library, report_error, report_warning
from mediacat.core.csvio import apply_import, read_import


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "import-csv", parents=[common], help="update tags and notes from a CSV file, by id (all or nothing)"
    )
    parser.add_argument("file", metavar="FILE")
    parser.add_argument("--dry-run", action="store_true", help="show what would change; change nothing")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    with open_library(args) as library:
        plan = read_import(library, args.file)
        if not plan.ok:
            for problem in plan.problems():
                report_error(problem)
            report_warning(f"{args.file}: {len(plan.problems())} problem(s); nothing was imported")
            return EXIT_PROBLEMS
        for change in plan.changes:
            if change.tags_after is not None:
                print(f"{change.item_id}: tags {_tags(change.tags_before)} -> {_tags(change.tags_after)}")
            if change.note_after is not None:
                print(f"{change.item_id}: note {_short(change.note_before)} -> {_short(change.note_after)}")
        if args.dry_run:
            print(f"{plan.summary()} (dry run: nothing was changed)")
            return 0
        apply_import(library, plan)
        print(f"{plan.summary()}: imported")
    return 0


def _tags(tags: tuple[str, ...]) -> str:
    return "[" + ", ".join(tags) + "]"


def _short(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return repr(flat if len(flat) <= limit else flat[: limit - 1] + "…")
