"""`mediacat add-item --title T --type image|video|audio [...] [--from-nasa NASA_ID] [--from-file PATH]`:
add an item of the user's own (from a NASA Image Library record and its media, or from a file's facts)."""

from __future__ import annotations

import argparse
from typing import Any

from mediacat.cli.commands.cmd_attach import video_prober
from mediacat.cli.common import ProgressLine, open_library, print_json, report_warning
from mediacat.core.errors import MediaCatError
from mediacat.core.model import KINDS, MEDIA_TYPES
from mediacat.core.nasa import RENDITIONS, NasaImageLibrary, api_url
from mediacat.core.new_items import add_item_from_file, add_item_from_nasa
from mediacat.core.user_items import add_item, check_external_source


def add_field_arguments(parser: argparse.ArgumentParser, *, required: bool = False) -> None:
    """The item fields `add-item` and `edit` share."""
    parser.add_argument("--title")
    parser.add_argument("--type", dest="media_type", choices=MEDIA_TYPES)
    parser.add_argument("--kind", choices=KINDS)
    parser.add_argument("--camera")
    parser.add_argument("--date", dest="date_taken", metavar="YYYY-MM-DD")
    parser.add_argument("--phase", dest="mission_phase", metavar="PHASE_ID")
    parser.add_argument("--credit")
    parser.add_argument("--description")
    parser.add_argument("--nasa-id", dest="nasa_ids", action="append", metavar="ID", help="(repeatable)")
    parser.add_argument("--url", dest="official_urls", action="append", metavar="URL",
                        help="an official page about the item (repeatable)")
    parser.add_argument("--media-url", dest="media_urls", action="append", metavar="URL",
                        help="a direct link to the media file (repeatable)")


def field_values(args: argparse.Namespace) -> dict[str, Any]:
    names = ("title", "media_type", "kind", "camera", "date_taken", "mission_phase", "credit", "description",
             "nasa_ids", "official_urls", "media_urls")
    return {name: getattr(args, name) for name in names if getattr(args, name) is not None}


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("add-item", parents=[common], help="add an item of your own")
    add_field_arguments(parser)
    parser.add_argument("--id", dest="item_id", help="the new item's id (default: user-<title>)")
    parser.add_argument("--tag", dest="tags", action="append", default=[], help="(repeatable)")
    parser.add_argument("--source", nargs=2, action="append", default=[], metavar=("ARTICLE_ID", "QUOTE"),
                        help="a shipped article that mentions it and the quote, word for word (repeatable)")
    parser.add_argument("--source-url", nargs=2, action="append", default=[], metavar=("URL", "QUOTE"),
                        help="an outside page that mentions it and your quote from it (repeatable)")
    parser.add_argument("--from-nasa", metavar="NASA_ID",
                        help="fill title, date, credit, description, keywords from the NASA Image Library and "
                        "attach the media")
    parser.add_argument("--rendition", choices=RENDITIONS, default="orig", help="with --from-nasa")
    parser.add_argument("--from-file", metavar="PATH", help="fill from the file's facts and attach it")
    parser.add_argument("--link", action="store_true", help="with --from-file: link the file instead of copying")
    parser.add_argument("--api", metavar="URL", help="the NASA API address (default: the library's setting)")
    parser.add_argument("--json", action="store_true", help="print the new item as `show --json` does")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.from_nasa and args.from_file:
        raise MediaCatError("add-item: use --from-nasa or --from-file, not both")
    values = field_values(args)
    with open_library(args) as library:
        extra = {
            "item_id": args.item_id,
            "tags": args.tags,
            "sources": [tuple(pair) for pair in args.source],
            "external_sources": [check_external_source(url, quote) for url, quote in args.source_url],
        }
        attached = None
        if args.from_nasa:
            progress = ProgressLine("download")
            try:
                nasa = NasaImageLibrary(args.api or api_url(library))
                added, attached = add_item_from_nasa(library, args.from_nasa, values, rendition=args.rendition,
                                                     nasa=nasa, job=progress.job(), video_prober=video_prober,
                                                     **extra)
            finally:
                progress.finish()
        elif args.from_file:
            added, attached = add_item_from_file(library, args.from_file, values,
                                                 mode="link" if args.link else "copy", video_prober=video_prober,
                                                 **extra)
        else:
            if "title" not in values or "media_type" not in values:
                raise MediaCatError("add-item needs --title and --type (or --from-nasa / --from-file)")
            added = add_item(library, values, **extra)
        item = library.item(added.item_id)
        if attached is not None:
            for warning in attached.warnings:
                report_warning(warning)
        if args.json:
            print_json(item.to_json())
        else:
            files = f", {len(item.attachments)} file(s) attached" if item.attachments else ""
            print(f"added {item.id}: {item.title} ({item.media_type}{files})")
    return 0
