"""The limits every download obeys (DownloadPolicy) and the errors a download fails with."""

from __future__ import annotations

import errno
import re
from dataclasses import dataclass
from pathlib import Path

from mediacat import __version__
from mediacat.core.download_watchdog import Watchdog
from mediacat.core.errors import MediaCatError

DEFAULT_MAX_BYTES = 2 * 1024**3


def redact_url(url: str) -> str:
    """The URL without a `user:password@` part (never kept in provenance or shown in messages)."""
    return _USERINFO.sub(r"\1", url)


_USERINFO = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)[^/?#]*@")


def format_bytes(count: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if abs(count) < 1000 or unit == "GB":
            return f"{count:.0f} {unit}" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1000
    return f"{count:.1f} GB"  # pragma: no cover




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


class Interrupted(Exception):
    """The body stopped early (closed, reset, stalled); may be resumed with Range."""

    def __init__(self, problem: str, timed_out: bool = False) -> None:
        super().__init__(problem)
        self.problem = problem
        self.timed_out = timed_out


# -- policy --------- ----------------------------------------------------------------------------------------


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
