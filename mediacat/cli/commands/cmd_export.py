"""`mediacat export`: the items (filtered like `list`) as CSV, to a file or standard output."""

from __future__ import annotations

import argparse
import io
import sys

from mediacat.cli.commands.cmd_list import add_query_arguments, query_from_args
from mediacat.cli.common import ProgressLine, open_library
from mediacat.core.csv_cells import PROFILES
from mediacat.core.csv_export import export_csv


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("export", parents=[common], help="export items as CSV")
    add_query_arguments(parser)
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE (atomically); default: standard output")
    parser.add_argument("--columns", metavar="A,B,...", help="only these columns, in this order")
    parser.add_argument("--profile", choices=list(PROFILES), default="default",
                        help="column set: MediaCat's own, or Dublin Core (dc:title, dc:type ...)")
    parser.add_argument("--raw", action="store_true",
                        help="write cells as they are (no ' before a leading = + - @ tab CR LF)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    columns = args.columns.split(",") if args.columns is not None else None
    with open_library(args) as library:
        ids = library.item_ids(query_from_args(args, library))
        if args.output:
            progress = ProgressLine("export")
            try:
                count = export_csv(library, ids, args.output, columns=columns, profile=args.profile,
                                   raw=args.raw, job=progress.job())
            finally:
                progress.finish()
            print(f"exported {count} items to {args.output}", file=sys.stderr)
            return 0
        sys.stdout.flush()
        binary = getattr(sys.stdout, "buffer", None)
        if binary is not None:
            export_csv(library, ids, binary, columns=columns, profile=args.profile, raw=args.raw)
            binary.flush()
        else:  # a text-only stdout (embedding, some test harnesses)
            buffer = io.BytesIO()
            export_csv(library, ids, buffer, columns=columns, profile=args.profile, raw=args.raw)
            sys.stdout.write(buffer.getvalue().decode("utf-8"))
    return 0
