"""Fetching public media over http(s) into a `.part` file: limits, redirects, timeouts, Range resume, provenance.

The parts: `download_policy` (limits and errors), `download_urls` (URL checks, redirects, file names),
`download_http` (one GET, small bodies); this module streams a body to disk and resumes it. Everything is
importable from here, as it always was.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mediacat.core.download_http import (
    CHUNK_SIZE,
    ERROR_BODY_LIMIT,
    content_length,
    fetch_bytes,
    open_url,
    read_chunk,
    status_error,
)
from mediacat.core.download_policy import (
    DEFAULT_MAX_BYTES,
    ConnectionFailed,
    DownloadError,
    DownloadPolicy,
    DownloadTimeout,
    DownloadTooLarge,
    HTTPStatusError,
    IncompleteDownload,
    Interrupted,
    NotMediaFile,
    RedirectRefused,
    SaveFailed,
    UnsupportedURL,
    format_bytes,
    redact_url,
)
from mediacat.core.download_urls import (
    MAX_FILENAME_BYTES,
    check_url,
    filename_from,
    is_url,
    normalize_url,
    redirect_target,
    sanitize_filename,
)
from mediacat.core.download_watchdog import Watchdog
from mediacat.core.filestore import PART_FILE, STATE_FILE, process_marker
from mediacat.core.jobs import Job
from mediacat.core.probe import SNIFF_BYTES, sniff_bytes

__all__ = [
    "CHUNK_SIZE", "DEFAULT_MAX_BYTES", "ERROR_BODY_LIMIT", "MAX_FILENAME_BYTES", "ConnectionFailed",
    "DownloadError", "DownloadPolicy", "DownloadTimeout", "DownloadTooLarge", "DownloadedFile", "HTTPStatusError",
    "IncompleteDownload", "NotMediaFile", "RedirectRefused", "SaveFailed", "UnsupportedURL", "check_url",
    "download", "fetch_bytes", "filename_from", "format_bytes", "is_url", "normalize_url", "open_url",
    "redact_url", "redirect_target", "sanitize_filename", "status_error",
]

_MARKUP_PREFIXES = (b"<!doctype", b"<html", b"<head", b"<body", b"<?xml", b"<!--", b"{", b"[")
_MARKUP_TYPES = {"text/html", "application/xhtml+xml", "application/json", "text/xml", "application/xml"}


# -- result ---------------------------------------------------------------------------------------------------



@dataclass(frozen=True)
class DownloadedFile:
    """A completed download, renamed from its `.part` file to `path` (in a folder of its own)."""

    path: Path
    source_url: str
    final_url: str
    size: int
    sha256: str
    content_type: str
    etag: str | None
    last_modified: str | None
    retrieved_at: str
    filename: str
    resumed: int = 0  # how many times the transfer was resumed with Range

    def provenance(self, **extra: Any) -> dict[str, Any]:
        """What the attachment keeps about where its file came from."""
        data: dict[str, Any] = {
            "source_url": redact_url(self.source_url),
            "final_url": redact_url(self.final_url),
            "retrieved_at": self.retrieved_at,
            "etag": self.etag,
            "last_modified": self.last_modified,
            "content_type": self.content_type,
        }
        data.update({key: value for key, value in extra.items() if value is not None})
        return data

    def discard(self) -> None:
        """Remove the downloaded file (if still there) and its private folder."""
        self.path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            self.path.parent.rmdir()



# -- download -------------------------------------------------------------------------------------------------


@dataclass
class _Transfer:
    url: str
    part: Path
    policy: DownloadPolicy
    job: Job
    watchdog: Watchdog | None = None
    done: int = 0
    total: int | None = None
    hasher: Any = field(default_factory=hashlib.sha256)
    final_url: str = ""
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None
    disposition: str | None = None
    ranges: bool = False
    resumed: int = 0
    started: float = field(default_factory=time.monotonic)
    session_start_bytes: int = 0
    state_path: Path | None = None  # a kept partial download: what a later process needs to resume it


_STATE_FILE, _PART_FILE = STATE_FILE, PART_FILE


def _save_state(transfer: _Transfer) -> None:
    """Note what a later process needs to continue this partial file with Range / If-Range."""
    if transfer.state_path is None:
        return
    state = {"url": transfer.url, "final_url": transfer.final_url, "content_type": transfer.content_type,
             "etag": transfer.etag, "last_modified": transfer.last_modified, "disposition": transfer.disposition,
             "ranges": transfer.ranges, "total": transfer.total}
    temporary = transfer.state_path.with_name(f"{process_marker()}-{_STATE_FILE}.tmp")  # a kill leaves it marked
    temporary.write_text(json.dumps(state), encoding="utf-8")
    os.replace(temporary, transfer.state_path)


def _restore_state(transfer: _Transfer) -> bool:
    """Pick up a partial file a cancelled or killed run left (same URL, a validator, ranges): True if resumed."""
    if transfer.state_path is None:
        return False
    try:
        state = json.loads(transfer.state_path.read_text(encoding="utf-8"))
        size = transfer.part.stat().st_size
    except (OSError, ValueError):
        return False
    if (not isinstance(state, dict) or state.get("url") != transfer.url or not state.get("ranges")
            or not (state.get("etag") or state.get("last_modified")) or not size
            or not isinstance(state.get("total"), int) or size > state["total"]):
        return False
    hasher = hashlib.sha256()
    with transfer.part.open("rb") as part:
        for block in iter(lambda: part.read(1024 * 1024), b""):
            hasher.update(block)
    transfer.hasher = hasher
    transfer.done = size
    transfer.total = state["total"]
    transfer.final_url = state.get("final_url") or transfer.url
    transfer.content_type = state.get("content_type") or ""
    transfer.etag = state.get("etag")
    transfer.last_modified = state.get("last_modified")
    transfer.disposition = state.get("disposition")
    transfer.ranges = True
    return True


def _resumable(error: BaseException) -> bool:
    """Whether a partial file is worth keeping after this failure (a cancel, a kill, a network problem)."""
    from mediacat.core.jobs import Cancelled

    return isinstance(error, Cancelled | IncompleteDownload | DownloadTimeout | ConnectionFailed | KeyboardInterrupt)


def download(
    url: str,
    dest_dir: str | os.PathLike[str],
    *,
    policy: DownloadPolicy | None = None,
    job: Job | None = None,
    resume: bool = True,
    sniff: Callable[[bytes], object | None] | None = sniff_bytes,
    keep_partial: str | None = None,
) -> DownloadedFile:
    """Stream `url` to a `.part` file in a private folder under `dest_dir`, check it, rename it to its real name.

    `sniff(first bytes)` names the media type of the finished file, or returns None when the bytes are not an
    image, audio or video file (default: `mediacat.core.probe.sniff_bytes`; None skips the check).
    On any failure the folder and its `.part` file are removed and a DownloadError (or Cancelled) is raised.

    `keep_partial` names a folder under `dest_dir` of its own (e.g. `fetch-<item id>`): after a cancel, a
    network failure or a killed process, its `.part` file and a note of the validators stay, and the next
    download of the same URL into that folder continues it with Range / If-Range (or starts again when the
    server's file changed or ignores the Range).
    """
    policy = policy or DownloadPolicy()
    job = job or Job()
    check_url(url, policy)
    dest = Path(dest_dir)
    try:
        dest.mkdir(parents=True, exist_ok=True)
        if keep_partial is not None:
            folder = dest / sanitize_filename(keep_partial)
            folder.mkdir(exist_ok=True)
        else:
            folder = Path(tempfile.mkdtemp(prefix=f"download-{process_marker()}-", dir=dest))
    except OSError as error:
        raise SaveFailed(url, dest, error) from error
    transfer = _Transfer(url=url, part=folder / _PART_FILE, policy=policy, job=job,
                         state_path=folder / _STATE_FILE if keep_partial is not None else None)
    resumed = _restore_state(transfer)
    try:
        with transfer.part.open("r+b" if resumed else "wb") as handle, policy.watchdog() as transfer.watchdog:
            if resumed:
                handle.seek(transfer.done)
                transfer.job.report(transfer.done, transfer.total, f"resuming at {format_bytes(transfer.done)}")
            if not (resumed and transfer.done == transfer.total):  # a killed run may have had it all
                _transfer(transfer, handle, resume=resume)
            if transfer.watchdog.reason:  # the shut-down socket looked like the end of a body of unknown length
                raise DownloadTimeout(url, transfer.watchdog.reason)
            handle.flush()
            os.fsync(handle.fileno())
        size = transfer.part.stat().st_size
        if size != transfer.done or (transfer.total is not None and size != transfer.total):
            raise IncompleteDownload(url, f"wrote {size} bytes but expected {transfer.total or transfer.done}")
        if sniff is not None:
            with transfer.part.open("rb") as part:
                head = part.read(SNIFF_BYTES)
            if sniff(head) is None:
                raise NotMediaFile(url, f"the file ({transfer.content_type or 'no type given'}) is not an image, "
                                        "audio or video file MediaCat knows")
        filename = filename_from(transfer.disposition, transfer.final_url)
        if filename == "download":
            filename = filename_from(None, url)
        if filename in (_PART_FILE, _STATE_FILE):
            filename = "media-" + filename
        # In a kept folder the finished file is named after its process too, so that when the process is killed
        # before attaching it, the next open knows the file is nobody's (`recovery`); the name stays `filename`.
        final_path = folder / (filename if keep_partial is None else f"{process_marker()}-{filename}")
        os.replace(transfer.part, final_path)
        if transfer.state_path is not None:
            transfer.state_path.unlink(missing_ok=True)
        return DownloadedFile(
            path=final_path,
            source_url=url,
            final_url=transfer.final_url,
            size=size,
            sha256=transfer.hasher.hexdigest(),
            content_type=transfer.content_type,
            etag=transfer.etag,
            last_modified=transfer.last_modified,
            retrieved_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            filename=filename,
            resumed=transfer.resumed + (1 if resumed else 0),
        )
    except BaseException as error:
        if transfer.state_path is not None and transfer.done > 0 and transfer.ranges and _resumable(error):
            with contextlib.suppress(OSError):
                _save_state(transfer)  # keep the .part file for the next run
        else:
            shutil.rmtree(folder, ignore_errors=True)
        if isinstance(error, OSError):  # writing the .part file: a full disk, a removed drive
            raise SaveFailed(url, dest, error) from error
        raise


def _transfer(transfer: _Transfer, handle: Any, *, resume: bool) -> None:
    url, policy = transfer.url, transfer.policy
    while True:
        transfer.job.check()
        headers = _resume_headers(transfer)
        try:
            conn, response, final_url = open_url(url, policy=policy, headers=headers, job=transfer.job,
                                                 watchdog=transfer.watchdog)
        except DownloadError:
            transfer.job.check()  # a cancel that shut the connection down is a cancel, not a network failure
            raise
        try:
            _start_body(transfer, response, final_url, handle)
            _stream_body(transfer, response, handle)
            return
        except Interrupted as interruption:
            transfer.job.check()
            if transfer.watchdog is not None and transfer.watchdog.reason:
                raise DownloadTimeout(url, transfer.watchdog.reason) from None
            can_resume = (
                resume
                and transfer.ranges
                and transfer.total is not None
                and transfer.done > 0
                and (transfer.etag or transfer.last_modified)
                and transfer.resumed < policy.resume_attempts
            )
            if not can_resume:
                error_class = DownloadTimeout if interruption.timed_out else IncompleteDownload
                raise error_class(url, interruption.problem) from None
            transfer.resumed += 1
            transfer.job.report(transfer.done, transfer.total, f"resuming at {format_bytes(transfer.done)}")
        finally:
            response.close()
            conn.close()


def _resume_headers(transfer: _Transfer) -> dict[str, str]:
    if transfer.done == 0:
        return {}
    headers = {"Range": f"bytes={transfer.done}-"}
    if transfer.etag and not transfer.etag.startswith("W/"):
        headers["If-Range"] = transfer.etag
    elif transfer.last_modified:
        headers["If-Range"] = transfer.last_modified
    return headers


def _start_body(transfer: _Transfer, response: http.client.HTTPResponse, final_url: str, handle: Any) -> None:
    url, policy = transfer.url, transfer.policy
    status = response.status
    if status == 206 and transfer.done > 0:
        start, total = _content_range(response.getheader("Content-Range"))
        if start != transfer.done or (total is not None and total != transfer.total):
            raise DownloadError(url, f"the server resumed at byte {start} of {total}, "
                                     f"not at {transfer.done} of {transfer.total}")
        transfer.session_start_bytes = transfer.done
        transfer.started = time.monotonic()
        return
    if status != 200:
        if status >= 400:
            raise status_error(url, response, final_url)
        raise DownloadError(url, f"unexpected answer {status} {response.reason}")
    if transfer.done > 0:  # the server ignored the Range (or the file changed): start again
        handle.seek(0)
        handle.truncate()
        transfer.done = 0
        transfer.hasher = hashlib.sha256()
    transfer.final_url = final_url
    transfer.content_type = (response.getheader("Content-Type") or "").split(";")[0].strip().lower()
    transfer.etag = response.getheader("ETag")
    transfer.last_modified = response.getheader("Last-Modified")
    transfer.disposition = response.getheader("Content-Disposition")
    transfer.ranges = (response.getheader("Accept-Ranges") or "").strip().lower() == "bytes"
    transfer.total = content_length(response)
    transfer.session_start_bytes = 0
    transfer.started = time.monotonic()
    if transfer.ranges and transfer.total is not None:
        _save_state(transfer)  # written before the body, so a killed process leaves a resumable file
    if transfer.total is not None and transfer.total > policy.max_bytes:
        raise DownloadTooLarge(url, f"the file is {format_bytes(transfer.total)}, over the limit of "
                                    f"{format_bytes(policy.max_bytes)}")
    transfer.job.report(0, transfer.total, "connected")


def _content_range(value: str | None) -> tuple[int | None, int | None]:
    match = re.match(r"^\s*bytes\s+(\d+)-(\d+)/(\d+|\*)\s*$", value or "")
    if not match:
        return None, None
    total = None if match.group(3) == "*" else int(match.group(3))
    return int(match.group(1)), total


def _stream_body(transfer: _Transfer, response: http.client.HTTPResponse, handle: Any) -> None:
    url, policy, job = transfer.url, transfer.policy, transfer.job
    while True:
        job.check()
        chunk = read_chunk(response, transfer.done, transfer.total, policy)
        if not chunk:
            break
        if transfer.done == 0:
            _refuse_markup(transfer, chunk)
        if transfer.done + len(chunk) > policy.max_bytes:
            raise DownloadTooLarge(url, f"the body passed the limit of {format_bytes(policy.max_bytes)} "
                                        "while downloading")
        handle.write(chunk)
        transfer.hasher.update(chunk)
        transfer.done += len(chunk)
        if transfer.watchdog is not None:
            transfer.watchdog.received(len(chunk))
        job.report(transfer.done, transfer.total, _rate_message(transfer))
    if transfer.total is not None and transfer.done < transfer.total:
        raise Interrupted(f"the server closed the connection after {transfer.done} of {transfer.total} bytes")


def _refuse_markup(transfer: _Transfer, head: bytes) -> None:
    start = head[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if transfer.content_type in _MARKUP_TYPES or start.startswith(_MARKUP_PREFIXES):
        kind = "an HTML page" if b"html" in start[:200] or "html" in transfer.content_type else "a text document"
        raise NotMediaFile(transfer.url, f"the server sent {kind} ({transfer.content_type or 'no type given'}), "
                                         "not an image, audio or video file")


def _rate_message(transfer: _Transfer) -> str:
    elapsed = time.monotonic() - transfer.started
    sent = transfer.done - transfer.session_start_bytes
    rate = sent / elapsed if elapsed > 0 else 0.0
    total = f" of {format_bytes(transfer.total)}" if transfer.total is not None else ""
    return f"{format_bytes(transfer.done)}{total}, {format_bytes(rate)}/s"
