"""`mediacat check [--json]`: re-hash every attachment; exit status 1 when any is missing, modified or unreadable.

`mediacat check --database [--json]`: SQLite's quick_check of the library file and FTS5's check of the search
index, which is rebuilt when it fails; exit status 1 when anything was found (even if the rebuild repaired it).
"""

from __future__ import annotations

import argparse
from collections import Counter

from mediacat.cli.common import EXIT_OK, EXIT_PROBLEMS, ProgressLine, open_library, print_json, print_table
from mediacat.core.attachments import check_attachments
from mediacat.core.builtin_media import check_builtin_media


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "check",
        parents=[common],
        help="re-hash every attachment and built-in file: ok, missing, modified or unreadable",
        description="Exit status 1 when any attachment or built-in file of the seed catalog is not ok.",
    )
    parser.add_argument("--json", action="store_true",
                        help="a list of {attachment_id, item_id, path, status, expected_sha256, actual_sha256, "
                        "message, builtin} (builtin: a shipped file of the seed catalog, attachment_id null)")
    parser.add_argument("--database", action="store_true",
                        help="check the library database instead: SQLite's quick_check and the search index "
                        "(rebuilt when damaged)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.database:
        return run_database_check(args)
    progress = ProgressLine("check")
    with open_library(args) as library:
        try:
            results = check_attachments(library, progress.job())
            builtin = check_builtin_media(library, progress.job())
        finally:
            progress.finish()
    problems = [result for result in [*results, *builtin] if not result.ok]
    if args.json:
        print_json([result.to_json() for result in [*results, *builtin]])
    else:
        if problems:
            print_table(
                [[r.status, "built-in" if r.builtin else f"#{r.attachment_id}", r.item_id, r.message]
                 for r in problems],
                ["status", "id", "item", "problem"],
            )
        counts = Counter(result.status for result in results)
        summary = ", ".join(f"{counts[s]} {s}" for s in ("ok", "missing", "modified", "unreadable") if counts[s])
        print(f"{len(results)} attachments checked" + (f": {summary}" if summary else ""))
        builtin_bad = sum(1 for r in builtin if not r.ok)
        print(f"{len(builtin)} built-in files checked: " + (f"{builtin_bad} not ok" if builtin_bad else "all ok"))
    return EXIT_PROBLEMS if problems else EXIT_OK


def run_database_check(args: argparse.Namespace) -> int:
    from mediacat.core.store.health import check_database

    progress = ProgressLine("check --database")
    with open_library(args) as library:
        try:
            result = check_database(progress.job(), library)
        finally:
            progress.finish()
    if args.json:
        print_json(result.to_json())
    else:
        print(f"{result.path}: " + ("quick_check ok" if not result.quick_check
                                    else "damaged: " + "; ".join(result.quick_check)))
        index = result.search_index
        if index is None:
            print("search index: not checked (the file itself is damaged: restore a backup)")
        elif index.problem is None:
            print("search index: ok")
        elif index.ok:
            print(f"search index: damaged ({index.problem}); rebuilt from the items, now ok")
        else:
            print(f"search index: damaged ({index.problem}); the rebuild did not repair it "
                  f"({index.problem_after_rebuild})")
    found = bool(result.quick_check) or (result.search_index is not None and result.search_index.problem is not None)
    return EXIT_PROBLEMS if found else EXIT_OK
