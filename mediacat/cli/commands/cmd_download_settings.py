"""`mediacat download-settings`: show or change the library's download limits (size, minimum rate, overall
time), NASA API URL and mirror. Every download of the library (CLI and app) obeys them; a command's own
--max-size/--min-rate/--max-time override them for that command."""

from __future__ import annotations

import argparse

from mediacat.cli.common import open_library, print_json
from mediacat.cli.downloading import parse_seconds, parse_size
from mediacat.core.download import format_bytes
from mediacat.core.download_settings import KEEP, DownloadSettingsUpdate, apply_download_settings, download_settings
from mediacat.core.nasa import API_ENV

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
    update = DownloadSettingsUpdate(
        max_bytes=getattr(args, "max_size", KEEP),
        min_rate=getattr(args, "min_rate", KEEP),
        max_time=getattr(args, "max_time", KEEP),
        nasa_api_url=(None if args.nasa_api == DEFAULT else args.nasa_api) if hasattr(args, "nasa_api") else KEEP,
        media_mirror_url=(None if args.mirror in ("none", "") else args.mirror) if hasattr(args, "mirror") else KEEP,
    )
    with open_library(args) as library:
        if update.given():
            apply_download_settings(library, update)
        settings = download_settings(library)
        if args.json:
            print_json(settings.to_json())
        else:
            rate = (f"{settings.min_rate:g} bytes/s over {settings.rate_window:g} s" if settings.min_rate > 0
                    else "none")
            print(f"download size limit: {settings.max_bytes} bytes ({format_bytes(settings.max_bytes)})")
            print(f"minimum rate:        {rate}")
            print(f"time limit:          {f'{settings.max_time:g} s' if settings.max_time else 'none'}")
            print(f"NASA API:            {settings.nasa_api_url}")
            print(f"media mirror:        {settings.media_mirror_url or 'none'}")
    return 0
