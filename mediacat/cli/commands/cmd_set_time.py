"""`mediacat set-time ID TIME --precision P`: say when an item's media were taken (the user's own time)."""

from __future__ import annotations

import argparse

from mediacat.cli.common import open_library, print_json
from mediacat.core.timeline import clear_item_time, item_times_json, set_item_time
from mediacat.core.timeline_seed import PRECISIONS


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "set-time", parents=[common], help="set when an item's media were taken (UTC spacecraft event time)",
        description="TIME is ISO UTC written to its precision: 2021-02-20, 2021-02-18T20Z, 2021-02-18T20:44Z, "
                    "2021-02-18T20:44:11Z. A time you set is never overwritten by seed updates.")
    parser.add_argument("item_id", metavar="ID")
    parser.add_argument("time", metavar="TIME", nargs="?")
    parser.add_argument("--precision", choices=list(PRECISIONS), default="day")
    parser.add_argument("--evidence", default="", help="a URL or a short citation for the time")
    parser.add_argument("--note", default="")
    parser.add_argument("--clear", action="store_true", help="forget the item's time")
    parser.add_argument("--json", action="store_true", help="print the item's time afterwards as JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    with open_library(args) as library:
        if args.clear:
            clear_item_time(library, args.item_id)
        elif args.time is None:
            raise SystemExit("mediacat set-time: error: give TIME or --clear")
        else:
            set_item_time(library, args.item_id, args.time, args.precision, evidence=args.evidence, note=args.note)
        time = item_times_json(library, [args.item_id]).get(args.item_id)
        if args.json:
            print_json(time)
        elif time is None:
            print(f"{args.item_id}: no time")
        else:
            print(f"{args.item_id}: {time['scet']} ({time['precision']}), sol {time['sol']}, {time['lmst']} LMST")
    return 0
