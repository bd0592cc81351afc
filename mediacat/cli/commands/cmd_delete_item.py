"""`mediacat delete-item ID [--remove-files]`: delete an item of your own (shipped items cannot be deleted)."""

from __future__ import annotations

import argparse

from mediacat.cli.common import open_library
from mediacat.core.user_items import delete_item


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("delete-item", parents=[common], help="delete an item you added")
    parser.add_argument("item_id", metavar="ID")
    parser.add_argument("--remove-files", action="store_true",
                        help="also delete its managed copies (linked originals are never deleted); default: keep")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    with open_library(args) as library:
        result = delete_item(library, args.item_id, remove_files=args.remove_files)
    count = len(result.snapshot["attachments"])
    files = f"; {len(result.removed_files)} managed cop(ies) deleted" if result.removed_files else (
        f"; its {count} file(s) kept on disk" if count else "")
    print(f"deleted {args.item_id}{files}")
    return 0
