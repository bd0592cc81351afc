"""HTTP for downloads: one GET with its redirects, timeouts and cancel, error answers, small bodies in memory."""

from __future__ import annotations

import contextlib
import functools
import http.client
import socket
import ssl
from urllib.parse import urlsplit

from mediacat.core.download_policy import (
    ConnectionFailed,
    DownloadError,
    DownloadPolicy,
    DownloadTimeout,
    DownloadTooLarge,
    HTTPStatusError,
    IncompleteDownload,
    Interrupted,
    RedirectRefused,
    format_bytes,
)
from mediacat.core.download_urls import check_url, normalize_url, redirect_target
from mediacat.core.download_watchdog import Watchdog
from mediacat.core.jobs import Job

CHUNK_SIZE = 64 * 1024
ERROR_BODY_LIMIT = 64 * 1024
_REDIRECTS = {301, 302, 303, 307, 308}


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
        except (DownloadError, Interrupted):
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
        length = content_length(response)
        if length is not None and length > limit:
            raise DownloadTooLarge(url, f"{format_bytes(length)} is over the limit of {format_bytes(limit)}")
        chunks: list[bytes] = []
        received = 0
        while True:
            if job is not None:
                job.check()
            chunk = read_chunk(response, received, length, policy)
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
    except Interrupted as interruption:
        if job is not None:
            job.check()
        error_class = DownloadTimeout if interruption.timed_out else IncompleteDownload
        raise error_class(url, interruption.problem) from None
    finally:
        response.close()
        conn.close()


def content_length(response: http.client.HTTPResponse) -> int | None:
    value = response.getheader("Content-Length")
    if value is None or not value.strip().isdigit():
        return None
    return int(value.strip())


def read_chunk(response: http.client.HTTPResponse, done: int, total: int | None, policy: DownloadPolicy) -> bytes:
    of_total = f" of {total}" if total is not None else ""
    try:
        return response.read1(CHUNK_SIZE)
    except TimeoutError:
        raise Interrupted(
            f"the server sent nothing for {policy.idle_timeout:g} s (after {done}{of_total} bytes)", timed_out=True
        ) from None
    except (ConnectionError, http.client.IncompleteRead, ssl.SSLError) as error:
        raise Interrupted(f"the connection was broken after {done}{of_total} bytes ({error})") from None
    except (OSError, http.client.HTTPException) as error:
        raise Interrupted(f"reading failed after {done}{of_total} bytes ({error})") from None


