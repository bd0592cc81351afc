"""`mediacat check [--json]`: re-hash every attachment; exit status 1 when any is missing, modified or unreadable."""

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
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
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
