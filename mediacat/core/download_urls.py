"""Download URLs and file names: validation and normalization, redirects, safe names from the server's answer."""

from __future__ import annotations

import re
import unicodedata
from email.message import Message
from pathlib import PurePosixPath
from urllib.parse import quote, unquote, urljoin, urlsplit, urlunsplit

from mediacat.core.download_policy import DownloadPolicy, RedirectRefused, UnsupportedURL, redact_url

MAX_FILENAME_BYTES = 150
_UNSAFE_FILENAME_CHARS = re.compile(r'[<>:"|?*\\/]')


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


