"""`mediacat relink ATTACHMENT_ID NEW_PATH [--all-from-folder] [--force]`: point an attachment at its moved file."""

from __future__ import annotations

import argparse
from pathlib import Path

from mediacat.cli.common import EXIT_OK, EXIT_PROBLEMS, open_library, report_error
from mediacat.core.attachment_upkeep import ContentDiffers, relink_from_folder, relink_with_siblings
from mediacat.core.probe import display_path
from mediacat.qtmedia.probe import video_prober


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "relink",
        parents=[common],
        help="point a missing attachment at the file's new place",
        description="The new file must have the same SHA-256 as the one attached (unless --force). With "
        "--all-from-folder every other missing linked file from the same old folder is relinked too when it "
        "is found, with the same content, at the same relative place under the new folder.",
    )
    parser.add_argument("attachment_id", metavar="ATTACHMENT_ID", type=int)
    parser.add_argument("new_path", metavar="NEW_PATH")
    parser.add_argument("--all-from-folder", action="store_true",
                        help="also relink the other missing files from the same old folder")
    parser.add_argument("--force", action="store_true",
                        help="relink a linked attachment even though the content differs (its facts are re-read)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    with open_library(args) as library:
        try:
            result = relink_with_siblings(library, args.attachment_id, Path(args.new_path), force=args.force,
                                          video_prober=video_prober)
        except ContentDiffers as error:  # the CLI's own words for how to force it
            raise ContentDiffers(f"{error} (force it to relink anyway)", error.attachment) from None
        attachment = result.attachment
        print(f"relinked #{attachment.id} to {display_path(attachment.resolved_path)}")
        if not result.siblings:
            return EXIT_OK
        if not args.all_from_folder:
            print(f"{len(result.siblings)} other missing files from {display_path(result.old_folder)} are in "
                  f"{display_path(result.new_folder)}: run again with --all-from-folder to relink them")
            return EXIT_OK
        relinked, failures = relink_from_folder(library, result.old_folder, result.new_folder)
    for other in relinked:
        print(f"relinked #{other.id} to {display_path(other.resolved_path)}")
    for _path, message in failures:
        report_error(message)
    return EXIT_PROBLEMS if failures else EXIT_OK
