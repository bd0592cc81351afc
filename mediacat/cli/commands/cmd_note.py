"""`mediacat note ID TEXT`: set an item's note (`-` reads it from standard input; "" clears it)."""

from __future__ import annotations

import argparse
import sys

from mediacat.cli.common import open_library
from mediacat.core.tags import set_note


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("note", parents=[common], help="set an item's note")
    parser.add_argument("item_id", metavar="ID")
    parser.add_argument("text", metavar="TEXT", help="the note; '-' reads it from standard input; '' clears it")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    text = sys.stdin.read() if args.text == "-" else args.text
    with open_library(args) as library:
        edit = set_note(library, args.item_id, text)
    if not edit.after:
        print(f"{args.item_id}: note cleared")
    elif edit.changed:
        print(f"{args.item_id}: note saved ({len(edit.after)} characters)")
    else:
        print(f"{args.item_id}: note unchanged")
    return 0
