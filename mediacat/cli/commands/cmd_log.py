"""`mediacat log [ID] [--since DATE] [--attachment N] [--json]`: the event log, of one item or the whole library."""

from __future__ import annotations

import argparse

from mediacat.cli.common import open_library, print_json, print_table
from mediacat.core.errors import UnknownItem
from mediacat.core.events import events, normalize_since


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "log", parents=[common], help="what happened in the library: attach, check, download, tag ... (oldest first)"
    )
    parser.add_argument("item_id", metavar="ID", nargs="?", help="only this item's events (it may be deleted)")
    parser.add_argument("--attachment", metavar="N", type=int, help="only this attachment's events")
    parser.add_argument("--since", metavar="DATE", help="only events from this UTC date or time on")
    parser.add_argument("--json", action="store_true", help="an array of event objects")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    since = normalize_since(args.since) if args.since else None
    with open_library(args) as library:
        found = events(library, item_id=args.item_id, attachment_id=args.attachment, since=since)
        if args.item_id and not found and library.store.execute(
                "SELECT 1 FROM items WHERE id = ?", (args.item_id,)).fetchone() is None:
            raise UnknownItem(args.item_id)
        if args.json:
            print_json([event.to_json() for event in found])
            return 0
        rows = [[event.at, event.action, event.outcome, event.item_id or "-",
                 f"#{event.attachment_id}" if event.attachment_id is not None else "-", event.summary()]
                for event in found]
        print_table(rows, ["WHEN (UTC)", "ACTION", "OUTCOME", "ITEM", "FILE", "DETAILS"])
    return 0
