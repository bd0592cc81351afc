"""`mediacat clip-start ATTACHMENT_ID [TIME]`: where a video attachment's first frame sits in SCET (Play Together)."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from mediacat.cli.common import open_library, print_json
from mediacat.core.timeline import TimelineError, clear_clip_start, clip_starts, set_clip_start
from mediacat.core.timeline_seed import iso


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "clip-start", parents=[common], help="show or set the SCET of a video attachment's first frame",
        description="TIME is an ISO UTC time such as 2021-02-18T20:41:02.5Z. Without TIME, prints the saved start.")
    parser.add_argument("attachment_id", metavar="ATTACHMENT_ID", type=int)
    parser.add_argument("time", metavar="TIME", nargs="?")
    parser.add_argument("--basis", choices=["known", "aligned"], default="known",
                        help="known: from a source; aligned: matched by eye with an event (default known)")
    parser.add_argument("--note", default="")
    parser.add_argument("--clear", action="store_true", help="forget the saved start")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    with open_library(args) as library:
        if args.clear:
            clear_clip_start(library, args.attachment_id)
        elif args.time is not None:
            try:
                start = datetime.fromisoformat(args.time.replace("Z", "+00:00"))
            except ValueError:
                raise TimelineError(f"{args.time!r} is not an ISO UTC time") from None
            if start.tzinfo is None:
                raise TimelineError(f"{args.time!r}: give the time zone (Z for UTC)")
            set_clip_start(library, args.attachment_id, start.astimezone(UTC), args.basis, args.note)
        saved = clip_starts(library, [args.attachment_id]).get(args.attachment_id)
        data = None if saved is None else {"attachment_id": saved.attachment_id, "start_scet": iso(saved.start_scet),
                                           "basis": saved.basis, "note": saved.note}
        if args.json:
            print_json(data)
        else:
            print(f"#{args.attachment_id}: " + ("no start saved" if data is None else
                                                f"{data['start_scet']} SCET ({data['basis']})"))
    return 0
