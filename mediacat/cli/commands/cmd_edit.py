"""`mediacat edit ID [--title T] [--credit C] ... [--revert FIELD]`: change an item's fields.

A user item can be changed freely. A shipped item's facts can be corrected: the correction is kept beside
the seed's value (shown by `show`), survives seed updates, and `--revert FIELD` brings the seed's value back.
"""

from __future__ import annotations

import argparse

from mediacat.cli.commands.cmd_add_item import add_field_arguments, field_values
from mediacat.cli.common import open_library, print_json
from mediacat.core.errors import MediaCatError
from mediacat.core.user_items import FIELDS, add_sources, check_external_source, edit_item, revert_to_seed


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("edit", parents=[common], help="change an item's fields (or correct a shipped "
                                   "item's facts)")
    parser.add_argument("item_id", metavar="ID")
    add_field_arguments(parser)
    parser.add_argument("--revert", metavar="FIELD", action="append", default=[], choices=FIELDS,
                        help="drop your correction of a shipped item's field (repeatable)")
    parser.add_argument("--add-source", nargs=2, action="append", default=[], metavar=("ARTICLE_ID", "QUOTE"),
                        help="user items: a shipped article and its verbatim quote (repeatable)")
    parser.add_argument("--add-source-url", nargs=2, action="append", default=[], metavar=("URL", "QUOTE"),
                        help="user items: an outside page and your quote from it (repeatable)")
    parser.add_argument("--json", action="store_true", help="print the item as `show --json` does")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    values = field_values(args)
    if not values and not args.revert and not args.add_source and not args.add_source_url:
        raise MediaCatError("edit: give at least one field to change (e.g. --credit TEXT) or --revert FIELD")
    with open_library(args) as library, library.store.transaction():  # all the changes, or none
        changed: list[str] = []
        if values:
            changed += list(edit_item(library, args.item_id, values).after)
        if args.revert:
            changed += list(revert_to_seed(library, args.item_id, args.revert).after)
        if args.add_source or args.add_source_url:
            add_sources(library, args.item_id, [tuple(p) for p in args.add_source],
                        [check_external_source(url, quote) for url, quote in args.add_source_url])
            changed.append("sources")
    with open_library(args) as library:
        item = library.item(args.item_id)
        if args.json:
            print_json(item.to_json())
        else:
            print(f"{item.id}: {', '.join(changed) + ' changed' if changed else 'nothing changed'}")
            for name, seed in item.overrides.items():
                print(f"  {name}: {getattr(item, name)!r} (your correction; the catalog says {seed!r})")
    return 0
