"""`mediacat download-settings`: show or change the library's download size limit, NASA API URL and mirror."""

from __future__ import annotations

import argparse

from mediacat.cli.common import open_library, print_json
from mediacat.cli.downloading import parse_size
from mediacat.core.download import format_bytes
from mediacat.core.download_attach import download_policy, set_max_download_bytes
from mediacat.core.fetch_queue import media_mirror, set_media_mirror
from mediacat.core.nasa import API_ENV, api_url, set_api_url


def _size_or_default(text: str) -> int | None:
    return None if text == "default" else parse_size(text)


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("download-settings", parents=[common],
                                   help="show or set the download size limit and the NASA API URL")
    parser.add_argument("--max-size", metavar="BYTES", type=_size_or_default, default=argparse.SUPPRESS,
                        help="the largest download allowed (e.g. 500M, 2G; 'default' = 2G)")
    parser.add_argument("--nasa-api", metavar="URL", default=argparse.SUPPRESS,
                        help=f"the NASA Image Library API base URL ('default' = official; ${API_ENV} overrides)")
    parser.add_argument("--mirror", metavar="URL", default=argparse.SUPPRESS,
                        help="fetch-media fetches https://HOST/PATH from URL/HOST/PATH ('none' = no mirror)")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    with open_library(args) as library:
        if hasattr(args, "max_size"):
            set_max_download_bytes(library, args.max_size)
        if hasattr(args, "nasa_api"):
            set_api_url(library, None if args.nasa_api == "default" else args.nasa_api)
        if hasattr(args, "mirror"):
            set_media_mirror(library, None if args.mirror in ("none", "") else args.mirror)
        max_bytes = download_policy(library).max_bytes
        settings = {"max_bytes": max_bytes, "nasa_api_url": api_url(library), "media_mirror_url": media_mirror(library)}
        if args.json:
            print_json(settings)
        else:
            print(f"download size limit: {max_bytes} bytes ({format_bytes(max_bytes)})")
            print(f"NASA API:            {settings['nasa_api_url']}")
            print(f"media mirror:        {settings['media_mirror_url'] or 'none'}")
    return 0
