"""`mediacat tags`: every tag with its item count; also renames and merges tags."""

from __future__ import annotations

import argparse

from mediacat.cli.common import open_library, print_json, print_table
from mediacat.core.tags import merge_tags, rename_tag, tag_counts


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("tags", parents=[common], help="list tags with counts; rename or merge tags")
    parser.add_argument("--json", action="store_true", help="an array of {name, count} objects")
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--rename", nargs=2, metavar=("OLD", "NEW"),
                        help="rename a tag (onto an existing tag: merge them)")
    action.add_argument("--merge", nargs="+", metavar="TAG", help="merge these tags (with --into)")
    parser.add_argument("--into", metavar="TAG", help="the tag --merge moves the items to")
    parser.set_defaults(handler=run, parser=parser)


def run(args: argparse.Namespace) -> int:
    if args.merge and not args.into:
        args.parser.error("--merge needs --into TAG")
    if args.into and not args.merge:
        args.parser.error("--into goes with --merge")
    with open_library(args) as library:
        if args.rename:
            edit = rename_tag(library, *args.rename)
            print(f"renamed {args.rename[0]!r} to {args.rename[1]!r} on {len(edit.changed_ids)} items")
        elif args.merge:
            edit = merge_tags(library, args.merge, args.into)
            print(f"merged {', '.join(map(repr, args.merge))} into {args.into!r} on {len(edit.changed_ids)} items")
        counts = tag_counts(library)
    if args.json:
        print_json([{"name": name, "count": count} for name, count in counts])
    elif not (args.rename or args.merge):
        if counts:
            print_table([[str(count), name] for name, count in counts], ["ITEMS", "TAG"])
        else:
            print("no tags yet (add some with `mediacat tag ID --add TAG`)")
    return 0
