"""`mediacat detach ATTACHMENT_ID [--delete-copy]`: remove an attachment; a linked original is never deleted."""

from __future__ import annotations

import argparse

from mediacat.cli.common import EXIT_OK, open_library, report_warning
from mediacat.core.attachments import detach


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "detach",
        parents=[common],
        help="remove an attachment from its item",
        description="Linked originals are never deleted. With --delete-copy a managed copy is deleted too, "
        "but only when no other attachment uses the same file.",
    )
    parser.add_argument("attachment_id", metavar="ATTACHMENT_ID", type=int)
    parser.add_argument("--delete-copy", action="store_true",
                        help="also delete the managed copy when nothing else references it")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    with open_library(args) as library:
        result = detach(library, args.attachment_id, delete_managed_copy=args.delete_copy)
    attachment = result.attachment
    print(f"detached #{attachment.id} ({attachment.original_name}) from {attachment.item_id}")
    if result.deleted_file:
        print(f"deleted the managed copy {result.deleted_file}")
    if result.kept_reason:
        report_warning(result.kept_reason)
    return EXIT_OK
