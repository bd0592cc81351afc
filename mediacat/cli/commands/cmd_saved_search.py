"""`mediacat saved-search add NAME [filters of list] [--replace] | list [--json] | remove NAME | rename OLD NEW`:
searches kept in the library; `list --saved NAME` and `export --saved NAME` use them."""

from __future__ import annotations

import argparse
import json

from mediacat.cli.commands.cmd_list import add_query_arguments, query_from_args
from mediacat.cli.common import open_library, print_json, print_table
from mediacat.core.saved_searches import (
    query_to_json,
    remove_saved_search,
    rename_saved_search,
    save_search,
    saved_search_counts,
)


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("saved-search", parents=[common], help="searches kept in the library")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", parents=[common], help="save the filters given (those of `list`) as NAME")
    add.add_argument("name", metavar="NAME")
    add_query_arguments(add)
    add.add_argument("--replace", action="store_true", help="replace the filters of an existing saved search")
    listing = actions.add_parser("list", parents=[common], help="the saved searches with their item counts")
    listing.add_argument("--json", action="store_true", help="an array of {name, query, count, ...}")
    remove = actions.add_parser("remove", parents=[common], help="forget a saved search (the items stay)")
    remove.add_argument("name", metavar="NAME")
    rename = actions.add_parser("rename", parents=[common], help="rename a saved search")
    rename.add_argument("old", metavar="OLD")
    rename.add_argument("new", metavar="NEW")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    with open_library(args) as library:
        if args.action == "add":
            change = save_search(library, args.name, query_from_args(args, library), replace=args.replace)
            count = library.count_items(change.after.query) if change.after else 0
            print(f"{'updated' if change.before else 'saved'} {change.name!r}: {count} items")
        elif args.action == "remove":
            print(f"removed {remove_saved_search(library, args.name).name!r}")
        elif args.action == "rename":
            change = rename_saved_search(library, args.old, args.new)
            print(f"renamed {change.before.name if change.before else args.old!r} to {change.name!r}")
        else:
            found = saved_search_counts(library)
            if args.json:
                print_json([search.to_json(count) for search, count in found])
            else:
                print_table([[str(count), search.name, json.dumps(query_to_json(search.query), ensure_ascii=False)]
                             for search, count in found], ["ITEMS", "NAME", "FILTERS"])
    return 0
