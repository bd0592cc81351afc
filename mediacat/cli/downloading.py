"""What the download commands share: --max-size/--timeout, the library's limits, a progress line per download."""

from __future__ import annotations

import argparse
import functools
from collections.abc import Callable
from typing import TypeVar

from mediacat.cli.common import ProgressLine
from mediacat.core import download_settings
from mediacat.core.attachments import AttachResult
from mediacat.core.download import DownloadPolicy
from mediacat.core.download_attach import attach_from_nasa, attach_from_url, download_policy
from mediacat.core.errors import MediaCatError
from mediacat.core.library import Library
from mediacat.core.nasa import NasaImageLibrary
from mediacat.qtmedia.probe import video_prober

T = TypeVar("T")


def _argument_type(parse: Callable[[str], T]) -> Callable[[str], T]:
    """A core text form as an argparse `type`: its MediaCatError becomes the usage error, word for word."""

    @functools.wraps(parse)
    def parse_argument(text: str) -> T:
        try:
            return parse(text)
        except MediaCatError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    return parse_argument


parse_size = _argument_type(download_settings.parse_size)  # `500M`, `2G` (see core.download_settings)
parse_seconds = _argument_type(download_settings.parse_seconds)


def add_download_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--max-size", metavar="BYTES", type=parse_size, default=None,
                        help="refuse downloads larger than this (e.g. 500M; default: the library's limit, 2G)")
    parser.add_argument("--timeout", metavar="SECONDS", type=parse_seconds, default=None,
                        help="give up when connecting, or waiting for more data, takes longer than this")
    parser.add_argument("--max-time", metavar="SECONDS", type=parse_seconds, default=None,
                        help="give up on a download that takes longer than this in all "
                             "(default: the library's, see download-settings; no limit)")
    parser.add_argument("--min-rate", metavar="BYTES", type=parse_size, default=None,
                        help="give up when less than this many bytes a second arrive over a minute, headers "
                             "included (default: the library's, see download-settings; 1K)")


def policy_from_args(library: Library, args: argparse.Namespace) -> DownloadPolicy:
    timeout = getattr(args, "timeout", None)
    return download_policy(library, max_bytes=getattr(args, "max_size", None), connect_timeout=timeout,
                           idle_timeout=timeout, deadline=getattr(args, "max_time", None),
                           min_rate=getattr(args, "min_rate", None))


def attach_url_with_progress(
    library: Library, item_id: str, url: str, args: argparse.Namespace, *, allow_duplicate: bool = False
) -> AttachResult:
    """attach_from_url with a terminal progress line (bytes, total, rate)."""
    progress = ProgressLine(f"downloading {url}")
    try:
        return attach_from_url(library, item_id, url, policy=policy_from_args(library, args), job=progress.job(),
                               video_prober=video_prober, allow_duplicate=allow_duplicate)
    finally:
        progress.finish()


def attach_nasa_with_progress(
    library: Library, item_id: str, nasa_id: str, args: argparse.Namespace, nasa: NasaImageLibrary
) -> AttachResult:
    progress = ProgressLine(f"downloading {nasa_id}")
    try:
        return attach_from_nasa(library, item_id, nasa_id, rendition=args.rendition, nasa=nasa,
                                policy=policy_from_args(library, args), job=progress.job(),
                                video_prober=video_prober, allow_duplicate=args.allow_duplicate)
    finally:
        progress.finish()


def describe_attached(result: AttachResult) -> str:
    attachment = result.attachment
    source = attachment.provenance.get("final_url") or attachment.provenance.get("source_url", "")
    return (f"attached #{attachment.id} to {attachment.item_id}: {attachment.original_name} "
            f"({attachment.mime}, {attachment.size} bytes) from {source}")
