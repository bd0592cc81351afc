"""`mediacat timeline`: the EDL events and the dated items in time order, on one of three clocks."""

from __future__ import annotations

import argparse

from mediacat.cli.commands.cmd_list import add_query_arguments, query_from_args
from mediacat.cli.common import open_library, print_json, print_table
from mediacat.core.timeline import CLOCKS, load_timeline


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "timeline", parents=[common], help="the landing's events and the items in time order",
        description="Events and dated items in order of spacecraft event time. A time is a span as long as its "
                    "precision (second, minute, hour, day); ERT = SCET + the one-way light time of that day; "
                    "LMST is Mars24 local mean solar time at Jezero (77.45 E), sols counted from landing (sol 0).")
    parser.add_argument("--clock", choices=CLOCKS, default="scet", help="the clock of the TIME column (default scet)")
    parser.add_argument("--json", action="store_true",
                        help="a list of {kind, id, title, scet, ert, sol, lmst, precision, evidence, ...}")
    parser.add_argument("--events-only", action="store_true", help="only the EDL events")
    add_query_arguments(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    with open_library(args) as library:
        item_ids = [] if args.events_only else library.item_ids(query_from_args(args))
        timeline = load_timeline(library, item_ids)
        entries = timeline.entries()
        if args.json:
            print_json([entry.to_json(timeline.clock) for entry in entries])
            return 0
        clock = timeline.clock
        print_table(
            [[clock.label(e.time, args.clock), e.time.precision, e.kind, e.id, e.title] for e in entries],
            ["TIME (" + args.clock.upper() + ")", "PRECISION", "KIND", "ID", "TITLE"],
        )
    return 0
