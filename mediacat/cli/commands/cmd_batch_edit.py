"""`mediacat batch-edit ID... --field credit|camera|date_taken|kind|mission_phase --value V [--dry-run]`:
set one field on many items at once, after showing the change of each."""

from __future__ import annotations

import argparse

from mediacat.cli.common import open_library
from mediacat.core.user_items import BATCH_FIELDS, batch_edit, preview_batch_edit


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("batch-edit", parents=[common], help="set one field on many items")
    parser.add_argument("item_ids", metavar="ID", nargs="+")
    parser.add_argument("--field", required=True, choices=BATCH_FIELDS)
    parser.add_argument("--value", required=True, help='the new value ("" clears it)')
    parser.add_argument("--dry-run", action="store_true", help="only show what would change")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    with open_library(args) as library:
        preview = preview_batch_edit(library, args.item_ids, args.field, args.value)
        for item_id, old, new in preview:
            print(f"{item_id}: {args.field} {old!r} -> {new!r}")
        if args.dry_run:
            print(f"{len(preview)} item(s) would change (dry run: nothing was changed)")
            return 0
        result = batch_edit(library, args.item_ids, args.field, args.value)
        print(f"{len(result.edits)} item(s) changed")
    return 0
