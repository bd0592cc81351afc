"""`mediacat tag ID... --add TAG --remove TAG`: add and remove tags on one or many items at once."""

from __future__ import annotations

import argparse

from mediacat.cli.common import EXIT_ERROR, open_library, report_error
from mediacat.core.tags import add_tags, remove_tags, tags_of


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("tag", parents=[common], help="add or remove tags on items")
    parser.add_argument("item_ids", metavar="ID", nargs="+")
    parser.add_argument("--add", metavar="TAG", action="append", default=[], help="add this tag (repeatable)")
    parser.add_argument("--remove", metavar="TAG", action="append", default=[],
                        help="remove this tag (repeatable)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if not args.add and not args.remove:
        report_error("tag: give at least one --add TAG or --remove TAG")
        return EXIT_ERROR
    with open_library(args) as library:
        with library.store.transaction():  # adds and removes: all or nothing
            if args.add:
                add_tags(library, args.item_ids, args.add)
            if args.remove:
                remove_tags(library, args.item_ids, args.remove)
        for item_id, tags in tags_of(library, args.item_ids).items():
            print(f"{item_id}: {', '.join(tags) if tags else '(no tags)'}")
    return 0
