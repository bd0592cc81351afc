"""What the download commands share: --max-size/--timeout, the library's limits, a progress line per download."""

from __future__ import annotations

import argparse
import re

from mediacat.cli.common import ProgressLine
from mediacat.core.attachments import AttachResult
from mediacat.core.download import DownloadPolicy
from mediacat.core.download_attach import attach_from_nasa, attach_from_url, download_policy
from mediacat.core.library import Library
from mediacat.core.nasa import NasaImageLibrary
from mediacat.qtmedia.probe import video_prober

_SIZE = re.compile(r"^\s*(\d+)\s*([kmgt]?)(i?b?)\s*$", re.IGNORECASE)
_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}


def parse_size(text: str) -> int:
    """`1500000`, `500M`, `2G`, `2GiB` (K/M/G/T are powers of 1024) as a positive number of bytes."""
    match = _SIZE.match(text)
    if not match or int(match.group(1)) <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size in bytes (e.g. 1500000, 500M, 2G)")
    return int(match.group(1)) * _UNITS[match.group(2).lower()]


def parse_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number of seconds")
    return value


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
