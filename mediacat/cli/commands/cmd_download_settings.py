"""`mediacat download-settings`: show or change the library's download limits (size, minimum rate, overall
time), NASA API URL and mirror. Every download of the library (CLI and app) obeys them; a command's own
--max-size/--min-rate/--max-time override them for that command."""

from __future__ import annotations

import argparse

from mediacat.cli.common import open_library, print_json
from mediacat.cli.downloading import parse_seconds, parse_size
from mediacat.core.download import format_bytes
from mediacat.core.download_attach import (
    download_policy,
    set_download_max_time,
    set_download_min_rate,
    set_max_download_bytes,
)
from mediacat.core.fetch_queue import media_mirror, set_media_mirror
from mediacat.core.nasa import API_ENV, api_url, set_api_url

DEFAULT = "default"


def _size_or_default(text: str) -> int | None:
    return None if text == DEFAULT else parse_size(text)


def _rate_or_default(text: str) -> float | None:
    if text == DEFAULT:
        return None
    return 0.0 if text == "none" else float(parse_size(text))


def _seconds_or_none(text: str) -> float | None:
    return None if text in (DEFAULT, "none") else parse_seconds(text)


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("download-settings", parents=[common],
                                   help="show or set the download limits (size, minimum rate, time) and the NASA "
                                        "API URL")
    parser.add_argument("--max-size", metavar="BYTES", type=_size_or_default, default=argparse.SUPPRESS,
                        help="the largest download allowed (e.g. 500M, 2G; 'default' = 2G)")
    parser.add_argument("--min-rate", metavar="BYTES", type=_rate_or_default, default=argparse.SUPPRESS,
                        help="stop a download (headers included) receiving less than this many bytes a second "
                             "over a minute (e.g. 4K; 'none' = no minimum; 'default' = 1K)")
    parser.add_argument("--max-time", metavar="SECONDS", type=_seconds_or_none, default=argparse.SUPPRESS,
                        help="stop a download taking longer than this in all ('none' or 'default' = no limit)")
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
        if hasattr(args, "min_rate"):
            set_download_min_rate(library, args.min_rate)
        if hasattr(args, "max_time"):
            set_download_max_time(library, args.max_time)
        if hasattr(args, "nasa_api"):
            set_api_url(library, None if args.nasa_api == DEFAULT else args.nasa_api)
        if hasattr(args, "mirror"):
            set_media_mirror(library, None if args.mirror in ("none", "") else args.mirror)
        policy = download_policy(library)
        settings = {"max_bytes": policy.max_bytes, "nasa_api_url": api_url(library),
                    "media_mirror_url": media_mirror(library), "min_rate": policy.min_rate,
                    "max_time": policy.deadline}
        if args.json:
            print_json(settings)
        else:
            rate = (f"{policy.min_rate:g} bytes/s over {policy.rate_window:g} s" if policy.min_rate > 0
                    else "none")
            print(f"download size limit: {policy.max_bytes} bytes ({format_bytes(policy.max_bytes)})")
            print(f"minimum rate:        {rate}")
            print(f"time limit:          {f'{policy.deadline:g} s' if policy.deadline else 'none'}")
            print(f"NASA API:            {settings['nasa_api_url']}")
            print(f"media mirror:        {settings['media_mirror_url'] or 'none'}")
    return 0
