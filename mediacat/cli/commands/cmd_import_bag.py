"""`mediacat import-bag DIR`: bring a bag made by `export-bag` into this library (validated first, all or nothing)."""

from __future__ import annotations

import argparse

from mediacat.cli.commands.cmd_attach import video_prober
from mediacat.cli.common import ProgressLine, open_library, report_warning
from mediacat.core.bag_import import import_bag


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("import-bag", parents=[common],
                                   help="import a MediaCat BagIt bag: items, tags, notes, files, event log")
    parser.add_argument("folder", metavar="DIR")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    with open_library(args) as library:
        progress = ProgressLine("import-bag")
        try:
            report = import_bag(library, args.folder, job=progress.job(), video_prober=video_prober)
        finally:
            progress.finish()
    for item_id in report.notes_kept:
        report_warning(f"{item_id}: this library's own note was kept (the bag's note differs)")
    print(f"imported {args.folder}: {report.summary()}")
    return 0
