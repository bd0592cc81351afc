"""Fetching public media over http(s) into a `.part` file: limits, redirects, timeouts, Range resume, provenance."""

from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import json
import os
import re
import shutil
import socket
import tempfile
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote, urljoin, urlsplit, urlunsplit

from mediacat import __version__
from mediacat.core.download_watchdog import Watchdog
from mediacat.core.errors import MediaCatError
from mediacat.core.filestore import process_marker
from mediacat.core.jobs import Job
from mediacat.core.probe import SNIFF_BYTES, sniff_bytes

if TYPE_CHECKING:  # http.client, ssl and email cost ~35 ms to import: imported where a request is made
    import http.client

DEFAULT_MAX_BYTES = 2 * 1024**3
CHUNK_SIZE = 64 * 1024
MAX_FILENAME_BYTES = 150
ERROR_BODY_LIMIT = 64 * 1024
_REDIRECTS = {301, 302, 303, 307, 308}
_MARKUP_PREFIXES = (b"<!doctype", b"<html", b"<head", b"<body", b"<?xml", b"<!--", b"{", b"[")
_MARKUP_TYPES = {"text/html", "application/xhtml+xml", "application/json", "text/xml", "application/xml"}
_UNSAFE_FILENAME_CHARS = re.compile(r'[<>:"|?*\\/]')


# -- errors ---------------------------------------------------------------------------------------------------


class DownloadError(MediaCatError):
    """A download that failed; the message names the URL and the problem."""

    def __init__(self, url: str, problem: str) -> None:
        super().__init__(f"{redact_url(url)}: {problem}")
        self.url = url
        self.problem = problem


class UnsupportedURL(DownloadError):
    """Not an http(s) URL, or not a URL at all."""


class RedirectRefused(DownloadError):
    """Too many redirects, a loop, or a redirect to another scheme."""


class ConnectionFailed(DownloadError):
    """The server could not be reached, or its answer was not HTTP."""


class DownloadTimeout(DownloadError):
    """The server accepted no connection, or sent nothing, within the time limit."""


class HTTPStatusError(DownloadError):
    """The server answered with an error status; `body` holds the start of its answer."""

    def __init__(self, url: str, problem: str, status: int, body: bytes = b"", content_type: str = "") -> None:
        super().__init__(url, problem)
        self.status = status
        self.body = body
        self.content_type = content_type


class IncompleteDownload(DownloadError):
    """The connection ended before the announced length arrived."""


class DownloadTooLarge(DownloadError):
    """The file is larger than the policy allows."""


class SaveFailed(DownloadError):
    """The download could not be written to disk (full, read-only, not a folder); the message says which."""

    def __init__(self, url: str, folder: Path, error: OSError) -> None:
        if error.errno in (errno.ENOSPC, errno.EDQUOT):
            problem = f"the disk is full: cannot save the download in {folder}; nothing was kept"
        else:
            problem = f"cannot save the download in {folder} ({error.strerror or error}); nothing was kept"
        super().__init__(url, problem)


class NotMediaFile(DownloadError):
    """The bytes are not an image, audio or video file (an HTML page, for example)."""


class _Interrupted(Exception):
    """The body stopped early (closed, reset, stalled); may be resumed with Range."""

    def __init__(self, problem: str, timed_out: bool = False) -> None:
        super().__init__(problem)
        self.problem = problem
        self.timed_out = timed_out


# -- policy and result ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DownloadPolicy:
    """The limits every download obeys."""

    max_bytes: int = DEFAULT_MAX_BYTES
    max_redirects: int = 5
    connect_timeout: float = 20.0
    idle_timeout: float = 60.0  # the longest wait for the next bytes
    deadline: float | None = None  # the longest a whole download (every request and redirect) may take
    min_rate: float = 1024.0  # bytes/s: less than this over `rate_window` (headers included) is stopped
    rate_window: float = 60.0
    allowed_schemes: tuple[str, ...] = ("http", "https")
    resume_attempts: int = 3  # re-requests with Range after the body stops early (when the server allows it)
    user_agent: str = f"MediaCat/{__version__}"

    def watchdog(self) -> Watchdog:
        return Watchdog(deadline=self.deadline, min_rate=self.min_rate, rate_window=self.rate_window)


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


# -- URLs and names -------------------------------------------------------------------------------------------


def normalize_url(url: str) -> str:
    """Percent-encode spaces and other unsafe characters in the path and query (never twice); drop the fragment."""
    parts = urlsplit(url.strip())
    host = parts.netloc
    if parts.hostname and not parts.hostname.isascii():  # rebuilt: `hostname` is lower-cased, netloc is not
        userinfo, at, _ = parts.netloc.rpartition("@")
        port = f":{parts.port}" if parts.port is not None else ""
        host = f"{userinfo}{at}{parts.hostname.encode('idna').decode('ascii')}{port}"
    path = quote(parts.path, safe="/%:@!$&'()*+,;=~")
    query = quote(parts.query, safe="/%:@!$&'()*+,;=~?")
    return urlunsplit((parts.scheme, host, path, query, ""))


def check_url(url: str, policy: DownloadPolicy | None = None) -> str:
    """The normalized URL, or UnsupportedURL when its scheme is not allowed or it has no host."""
    policy = policy or DownloadPolicy()
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 (validates the port)
    except ValueError as error:
        raise UnsupportedURL(url, f"not a valid URL ({error})") from error
    scheme = parts.scheme.lower()
    if scheme not in policy.allowed_schemes:
        allowed = " and ".join(policy.allowed_schemes)
        shown = f"{scheme}:" if scheme else "no scheme"
        raise UnsupportedURL(url, f"{shown} URLs are refused; only {allowed} can be downloaded")
    if not parts.hostname:
        raise UnsupportedURL(url, "the URL names no host")
    try:
        return normalize_url(url)
    except UnicodeError as error:  # a host name IDNA cannot encode (a label over 63 characters, ...)
        raise UnsupportedURL(url, f"the host name is not a valid international domain name ({error})") from error


def redact_url(url: str) -> str:
    """The URL without a `user:password@` part (never kept in provenance or shown in messages)."""
    return _USERINFO.sub(r"\1", url)


_USERINFO = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)[^/?#]*@")


def redirect_target(url: str, current: str, location: str, policy: DownloadPolicy) -> str:
    """Where a redirect from `current` leads: http(s) only, and never from https down to plain http."""
    target = urljoin(current, location.strip())
    try:
        parts = urlsplit(target)
        parts.port  # noqa: B018 (validates the port: a redirect to port 99999 is refused, not a traceback)
        scheme = parts.scheme.lower()
        if scheme in policy.allowed_schemes and not parts.hostname:
            raise ValueError("no host")
        if scheme in policy.allowed_schemes:
            normalize_url(target)
    except ValueError as error:  # UnicodeError (IDNA) is a ValueError too
        raise RedirectRefused(url, f"redirected to {redact_url(target)}, which is not a valid URL ({error})") from error
    if scheme not in policy.allowed_schemes:
        raise RedirectRefused(url, f"redirected to {target}, which is not an http or https URL; refused")
    if urlsplit(current).scheme.lower() == "https" and scheme == "http":
        raise RedirectRefused(url, f"redirected from https to plain http ({target}); refused")
    return normalize_url(target)


def is_url(text: str) -> bool:
    """Whether a command-line argument looks like a URL (any scheme), rather than a file path."""
    return bool(re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", text)) and not re.match(r"^[A-Za-z]:[\\/]", text)


def sanitize_filename(name: str, fallback: str = "download") -> str:
    """A safe file name: no path separators, no `..`, no control characters, at most 150 bytes (UTF-8)."""
    name = unicodedata.normalize("NFC", name)
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = _UNSAFE_FILENAME_CHARS.sub("_", name).strip().lstrip(".").strip()
    if not name:
        return fallback
    stem, dot, suffix = name.rpartition(".")
    if not dot or len(suffix) > 10:
        stem, suffix = name, ""
    else:
        suffix = "." + suffix
    while len((stem + suffix).encode("utf-8")) > MAX_FILENAME_BYTES and stem:
        stem = stem[:-1]
    result = (stem.rstrip() + suffix) if stem.strip() else fallback + suffix
    return result


def filename_from(content_disposition: str | None, url: str) -> str:
    """The server's suggested name (Content-Disposition, RFC 6266/2231), else the URL's last path segment."""
    if content_disposition:
        from email.message import Message

        message = Message()
        message["content-disposition"] = content_disposition
        try:
            suggested = message.get_filename()
        except (ValueError, LookupError):
            suggested = None
        if suggested:
            return sanitize_filename(str(suggested))
    segment = PurePosixPath(unquote(urlsplit(url).path)).name
    return sanitize_filename(segment)


def format_bytes(count: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if abs(count) < 1000 or unit == "GB":
            return f"{count:.0f} {unit}" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1000
    return f"{count:.1f} GB"  # pragma: no cover


# -- HTTP -----------------------------------------------------------------------------------------------------


def open_url(
    url: str, *, policy: DownloadPolicy, headers: dict[str, str] | None = None, job: Job | None = None,
    watchdog: Watchdog | None = None,
) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse, str]:
    """GET `url` following at most `policy.max_redirects` http(s) redirects; the caller closes both.

    With a `job`, cancelling it shuts the connection down, so a worker blocked on a slow server stops at once.
    """
    current = check_url(url, policy)
    seen = {current}
    for hop in range(policy.max_redirects + 1):
        conn, response = _request(url, current, policy, headers or {}, job, watchdog)
        if response.status not in _REDIRECTS:
            return conn, response, current
        location = response.getheader("Location")
        response.close()
        conn.close()
        if not location:
            raise RedirectRefused(url, f"the server answered {response.status} (redirect) without a Location")
        target = redirect_target(url, current, location, policy)
        if target in seen:
            raise RedirectRefused(url, f"redirect loop: {current} redirects back to {target}")
        if hop == policy.max_redirects:
            raise RedirectRefused(url, f"more than {policy.max_redirects} redirects (the last one to {target})")
        seen.add(target)
        current = target
    raise AssertionError("unreachable")  # pragma: no cover


def _request(
    url: str, current: str, policy: DownloadPolicy, headers: dict[str, str], job: Job | None,
    watchdog: Watchdog | None = None,
) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
    import http.client  # on the first request, not with the module

    parts = urlsplit(current)
    host = parts.hostname or ""
    connection_class = http.client.HTTPSConnection if parts.scheme.lower() == "https" else http.client.HTTPConnection
    conn = connection_class(host, parts.port, timeout=policy.connect_timeout)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        try:
            conn.connect()
        except TimeoutError as error:
            raise DownloadTimeout(url, f"{host} accepted no connection within {policy.connect_timeout:g} s") from error
        assert conn.sock is not None
        conn.sock.settimeout(policy.idle_timeout)
        if watchdog is not None:
            watchdog.watch(conn.sock)
        if job is not None:
            job.on_cancel(functools.partial(_shut_down, conn.sock))
            job.check()
        conn.request(
            "GET",
            target,
            headers={"User-Agent": policy.user_agent, "Accept-Encoding": "identity", **headers},
        )
        return conn, conn.getresponse()
    except (OSError, http.client.HTTPException) as error:
        conn.close()
        raise _request_error(url, host, policy, error, watchdog) from error
    except BaseException:  # a DownloadError, or Cancelled by job.check(): the socket is closed either way
        conn.close()
        raise


def _request_error(url: str, host: str, policy: DownloadPolicy, error: OSError | http.client.HTTPException,
                   watchdog: Watchdog | None) -> DownloadError:
    import http.client
    import ssl

    if watchdog is not None and watchdog.reason:
        return DownloadTimeout(url, watchdog.reason)
    if isinstance(error, TimeoutError):
        return DownloadTimeout(url, f"{host} sent no answer within {policy.idle_timeout:g} s")
    if isinstance(error, ssl.SSLError):
        return ConnectionFailed(url, f"the secure connection to {host} failed ({error.reason or error})")
    if isinstance(error, http.client.HTTPException):
        return ConnectionFailed(url, f"{host} did not answer with valid HTTP ({type(error).__name__})")
    return ConnectionFailed(url, f"cannot connect to {host} ({error.strerror or error})")


def _shut_down(sock: socket.socket) -> None:
    """Unblock a thread reading from `sock` (called from the thread that cancels the job).

    The socket itself, not `conn.sock`: http.client hands the socket to the response and clears `conn.sock`.
    """
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


def status_error(url: str, response: http.client.HTTPResponse, final_url: str) -> HTTPStatusError:
    """An HTTPStatusError for an error answer, keeping the start of its body (APIs explain errors there)."""
    import http.client

    try:
        body = response.read(ERROR_BODY_LIMIT)
    except (OSError, http.client.HTTPException):
        body = b""
    where = f" (at {final_url})" if final_url != normalize_url(url) else ""
    problem = f"the server answered {response.status} {response.reason}".rstrip() + where
    return HTTPStatusError(url, problem, response.status, body, response.getheader("Content-Type") or "")


def fetch_bytes(
    url: str, *, policy: DownloadPolicy | None = None, max_bytes: int = 16 * 1024**2, job: Job | None = None
) -> tuple[bytes, str]:
    """A small document (JSON, a thumbnail) in memory: (body, final URL). Same limits and errors as download()."""
    policy = policy or DownloadPolicy()
    with policy.watchdog() as watchdog:
        try:
            body, final_url = _fetch_bytes(url, policy, min(max_bytes, policy.max_bytes), job, watchdog)
        except (DownloadError, _Interrupted):
            if watchdog.reason:
                raise DownloadTimeout(url, watchdog.reason) from None
            raise
        if watchdog.reason:  # the shut-down socket looked like the end of a body of unknown length
            raise DownloadTimeout(url, watchdog.reason)
        return body, final_url


def _fetch_bytes(url: str, policy: DownloadPolicy, limit: int, job: Job | None, watchdog: Watchdog
                 ) -> tuple[bytes, str]:
    try:
        conn, response, final_url = open_url(url, policy=policy, job=job, watchdog=watchdog)
    except DownloadError:
        if job is not None:
            job.check()
        raise
    try:
        if response.status != 200:
            raise status_error(url, response, final_url)
        length = _content_length(response)
        if length is not None and length > limit:
            raise DownloadTooLarge(url, f"{format_bytes(length)} is over the limit of {format_bytes(limit)}")
        chunks: list[bytes] = []
        received = 0
        while True:
            if job is not None:
                job.check()
            chunk = _read_chunk(response, received, length, policy)
            if not chunk:
                break
            received += len(chunk)
            watchdog.received(len(chunk))
            if received > limit:
                raise DownloadTooLarge(url, f"the body passed the limit of {format_bytes(limit)}")
            chunks.append(chunk)
        if length is not None and received < length:
            raise IncompleteDownload(url, f"the server closed the connection after {received} of {length} bytes")
        return b"".join(chunks), final_url
    except _Interrupted as interruption:
        if job is not None:
            job.check()
        error_class = DownloadTimeout if interruption.timed_out else IncompleteDownload
        raise error_class(url, interruption.problem) from None
    finally:
        response.close()
        conn.close()


def _content_length(response: http.client.HTTPResponse) -> int | None:
    value = response.getheader("Content-Length")
    if value is None or not value.strip().isdigit():
        return None
    return int(value.strip())


def _read_chunk(response: http.client.HTTPResponse, done: int, total: int | None, policy: DownloadPolicy) -> bytes:
    import http.client  # already imported by the request: a dictionary look-up
    import ssl

    of_total = f" of {total}" if total is not None else ""
    try:
        return response.read1(CHUNK_SIZE)
    except TimeoutError:
        raise _Interrupted(
            f"the server sent nothing for {policy.idle_timeout:g} s (after {done}{of_total} bytes)", timed_out=True
        ) from None
    except (ConnectionError, http.client.IncompleteRead, ssl.SSLError) as error:
        raise _Interrupted(f"the connection was broken after {done}{of_total} bytes ({error})") from None
    except (OSError, http.client.HTTPException) as error:
        raise _Interrupted(f"reading failed after {done}{of_total} bytes ({error})") from None


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


_STATE_FILE = "download.json"
_PART_FILE = "download.part"


def _save_state(transfer: _Transfer) -> None:
    """Note what a later process needs to continue this partial file with Range / If-Range."""
    if transfer.state_path is None:
        return
    state = {"url": transfer.url, "final_url": transfer.final_url, "content_type": transfer.content_type,
             "etag": transfer.etag, "last_modified": transfer.last_modified, "disposition": transfer.disposition,
             "ranges": transfer.ranges, "total": transfer.total}
    temporary = transfer.state_path.with_suffix(".tmp")
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
        final_path = folder / filename
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
        except _Interrupted as interruption:
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
    transfer.total = _content_length(response)
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
        chunk = _read_chunk(response, transfer.done, transfer.total, policy)
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
        raise _Interrupted(f"the server closed the connection after {transfer.done} of {transfer.total} bytes")


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
