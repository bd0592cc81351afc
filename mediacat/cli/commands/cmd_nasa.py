"""`mediacat nasa-search` and `mediacat nasa-attach`: the NASA Image and Video Library from the command line."""

from __future__ import annotations

import argparse

from mediacat.cli.common import open_library, print_json, print_table, report_warning
from mediacat.cli.downloading import add_download_arguments, attach_nasa_with_progress, describe_attached
from mediacat.core.nasa import NASA_MEDIA_TYPES, RENDITIONS, NasaImageLibrary, api_url


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("nasa-search", parents=[common], help="search the NASA Image and Video Library")
    parser.add_argument("query", metavar="QUERY", nargs="?", default="", help="words to search for")
    parser.add_argument("--type", dest="media_type", choices=NASA_MEDIA_TYPES, help="only this media type")
    parser.add_argument("--page-url", metavar="URL", help="the next page (printed after a page of results)")
    parser.add_argument("--api", metavar="URL", help="the API's base URL (default: $MEDIACAT_NASA_API, the "
                        "library's setting, else https://images-api.nasa.gov)")
    parser.add_argument("--json", action="store_true", help="{items, next_url, total_hits}")
    parser.set_defaults(handler=run_search)

    parser = subparsers.add_parser("nasa-attach", parents=[common],
                                   help="download a NASA Image Library asset and attach it to an item")
    parser.add_argument("item_id", metavar="ID")
    parser.add_argument("nasa_id", metavar="NASA_ID")
    parser.add_argument("--rendition", choices=RENDITIONS[:3], default="orig",
                        help="which file NASA offers (default: orig; the largest available when missing)")
    parser.add_argument("--allow-duplicate", action="store_true", help="attach even if the content is attached")
    parser.add_argument("--api", metavar="URL", help="the API's base URL")
    add_download_arguments(parser)
    parser.set_defaults(handler=run_attach)


def run_search(args: argparse.Namespace) -> int:
    if args.api:
        nasa = NasaImageLibrary(args.api)
    else:
        with open_library(args) as library:
            nasa = NasaImageLibrary(api_url(library))
    page = nasa.search(args.query, args.media_type, page_url=args.page_url)
    if args.json:
        print_json({
            "items": [result.to_json() for result in page.items],
            "next_url": page.next_url,
            "total_hits": page.total_hits,
        })
        return 0
    rows = [[r.nasa_id, r.media_type, (r.date_created or "")[:10], r.title] for r in page.items]
    if rows:
        print_table(rows, ["NASA_ID", "TYPE", "DATE", "TITLE"])
    hits = f"{page.total_hits} hits" if page.total_hits is not None else f"{len(rows)} results"
    report_warning(f"{hits}; this page: {len(rows)}")
    if page.next_url:
        report_warning(f"next page: --page-url '{page.next_url}'")
    return 0


def run_attach(args: argparse.Namespace) -> int:
    with open_library(args) as library:
        nasa = NasaImageLibrary(args.api or api_url(library))
        result = attach_nasa_with_progress(library, args.item_id, args.nasa_id, args, nasa)
        print(describe_attached(result))
        for warning in result.warnings:
            report_warning(warning)
    return 0
