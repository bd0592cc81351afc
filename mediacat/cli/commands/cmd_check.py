"""`mediacat check [--json]`: re-hash every attachment; exit status 1 when any is missing, modified or unreadable."""

from __future__ import annotations

import argparse
from collections import Counter

from mediacat.cli.common import EXIT_OK, EXIT_PROBLEMS, ProgressLine, open_library, print_json, print_table
from mediacat.core.attachments import check_attachments


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "check",
        parents=[common],
        help="re-hash every attachment: ok, missing, modified or unreadable",
        description="Exit status 1 when any attachment is not ok.",
    )
    parser.add_argument("--json", action="store_true",
                        help="a list of {attachment_id, item_id, path, status, expected_sha256, actual_sha256, "
                        "message}")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    progress = ProgressLine("check")
    with open_library(args) as library:
        try:
            results = check_attachments(library, progress.job())
        finally:
            progress.finish()
    problems = [result for result in results if not result.ok]
    if args.json:
        print_json([result.to_json() for result in results])
    else:
        if problems:
            print_table(
                [[r.status, f"#{r.attachment_id}", r.item_id, r.message] for r in problems],
                ["status", "id", "item", "problem"],
            )
        counts = Counter(result.status for result in results)
        summary = ", ".join(f"{counts[s]} {s}" for s in ("ok", "missing", "modified", "unreadable") if counts[s])
        print(f"{len(results)} attachments checked" + (f": {summary}" if summary else ""))
    return EXIT_PROBLEMS if problems else EXIT_OK
