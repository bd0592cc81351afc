"""`mediacat export-bag DIR [--saved NAME | filters of list] [--organization TEXT] [--description TEXT]`:
the selected items, their files, source articles and event log as a BagIt bag (RFC 8493)."""

from __future__ import annotations

import argparse
import sys

from mediacat.cli.commands.cmd_list import add_query_arguments, query_from_args
from mediacat.cli.common import ProgressLine, open_library
from mediacat.core.bag_export import export_bag


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("export-bag", parents=[common],
                                   help="export items with their files, articles and event log as a BagIt bag")
    parser.add_argument("folder", metavar="DIR", help="the bag's folder (new, or empty)")
    add_query_arguments(parser)
    parser.add_argument("--organization", metavar="TEXT", help="bag-info Source-Organization (default: MediaCat user)")
    parser.add_argument("--description", metavar="TEXT", help="bag-info External-Description")
    parser.add_argument("--include-builtin", action="store_true",
                        help="also pack the NASA files shipped with the catalog for the selected items")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    with open_library(args) as library:
        ids = library.item_ids(query_from_args(args, library))
        progress = ProgressLine("export-bag")
        try:
            report = export_bag(library, ids, args.folder, source_organization=args.organization,
                                description=args.description, include_builtin=args.include_builtin,
                                job=progress.job())
        finally:
            progress.finish()
    print(f"bagged {report.items} items, {report.files} files ({report.bytes} bytes) and {report.events} events "
          f"in {report.path}", file=sys.stderr)
    return 0
