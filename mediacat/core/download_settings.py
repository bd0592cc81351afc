"""The library's download settings as one thing: the size limit, the minimum rate, the overall time limit, the
NASA API URL and the media mirror (`mediacat download-settings` and the app's Tools ▸ Download Settings…).

`download_settings(library)` reads them (`DownloadSettings`, whose `to_json()` is the `download-settings --json`
object); `apply_download_settings(library, update)` changes any of them in one transaction, through the setters
each setting has (`download_attach.set_max_download_bytes` ..., `nasa.set_api_url`, `fetch_queue.set_media_mirror`),
and logs one `download-settings` event naming what changed. `parse_size` / `parse_seconds` / `format_size` are the
text forms the CLI's options and the app's dialog share.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, fields
from typing import Any, Literal

from mediacat.core import events
from mediacat.core.changes import NO_CHANGES, Changes
from mediacat.core.download import DownloadPolicy, check_url
from mediacat.core.download_attach import (
    check_download_max_time,
    check_download_min_rate,
    check_max_download_bytes,
    download_policy,
    set_download_max_time,
    set_download_min_rate,
    set_max_download_bytes,
)
from mediacat.core.errors import MediaCatError
from mediacat.core.fetch_queue import media_mirror, set_media_mirror
from mediacat.core.library import Library
from mediacat.core.nasa import API_SETTING, DEFAULT_API_URL, api_url, set_api_url

# -- the text forms -------------------------------------------------------------------------------------------

_SIZE = re.compile(r"^\s*(\d+)\s*([kmgt]?)(i?b?)\s*$", re.IGNORECASE)
_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}


def parse_size(text: str) -> int:
    """`1500000`, `500M`, `2G`, `2GiB` (K/M/G/T are powers of 1024) as a positive number of bytes."""
    match = _SIZE.match(text)
    if not match or int(match.group(1)) <= 0:
        raise MediaCatError(f"{text!r} is not a size in bytes (e.g. 1500000, 500M, 2G)")
    return int(match.group(1)) * _UNITS[match.group(2).lower()]


def parse_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0:
        raise MediaCatError(f"{text!r} is not a positive number of seconds")
    return value


def format_size(count: float) -> str:
    """A byte count as `parse_size` reads it back: the largest unit it is a whole number of (`2G`, `500M`,
    `1500000`); a fractional count (only ever set through the API) as it is."""
    if count != int(count) or count <= 0:
        return f"{count:g}"
    whole = int(count)
    for letter in ("T", "G", "M", "K"):
        unit = _UNITS[letter.lower()]
        if whole % unit == 0:
            return f"{whole // unit}{letter}"
    return str(whole)


# -- reading ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DownloadSettings:
    """What a library's downloads obey. `min_rate` 0: no minimum; `max_time` None: no limit; `nasa_api_url` is
    the one used ($MEDIACAT_NASA_API wins), `nasa_api_setting` the library's own (None: the official default)."""

    max_bytes: int
    min_rate: float
    max_time: float | None
    nasa_api_url: str
    media_mirror_url: str | None
    nasa_api_setting: str | None = None
    rate_window: float = DownloadPolicy.rate_window

    def to_json(self) -> dict[str, Any]:
        """The `download-settings --json` object (field names are a contract)."""
        return {"max_bytes": self.max_bytes, "nasa_api_url": self.nasa_api_url,
                "media_mirror_url": self.media_mirror_url, "min_rate": self.min_rate, "max_time": self.max_time}

    def library_values(self) -> dict[str, Any]:
        """The values kept in the library, by `to_json()` name (the NASA API URL without the environment's)."""
        return {**self.to_json(), "nasa_api_url": self.nasa_api_setting or DEFAULT_API_URL}


_POLICY = DownloadPolicy()
DEFAULT_DOWNLOAD_SETTINGS = DownloadSettings(max_bytes=_POLICY.max_bytes, min_rate=_POLICY.min_rate,
                                             max_time=_POLICY.deadline, nasa_api_url=DEFAULT_API_URL,
                                             media_mirror_url=None)


def download_settings(library: Library) -> DownloadSettings:
    """The library's download settings now."""
    policy = download_policy(library)
    stored_api = (library.store.get_meta(API_SETTING) or "").rstrip("/") or None
    return DownloadSettings(max_bytes=policy.max_bytes, min_rate=policy.min_rate, max_time=policy.deadline,
                            nasa_api_url=api_url(library), media_mirror_url=media_mirror(library),
                            nasa_api_setting=stored_api, rate_window=policy.rate_window)


# -- changing --------------------------------------------------------------------------------------------------


class _Keep(enum.Enum):
    KEEP = "keep"


KEEP = _Keep.KEEP  # a setting an update leaves as it is


class DownloadSettingError(MediaCatError):
    """A value a download setting cannot take; `setting` is its `download-settings --json` name. The message is
    the setting's own check's (the CLI prints it as it always did; the dialog puts its field's name first)."""

    def __init__(self, setting: str, message: str) -> None:
        super().__init__(message)
        self.setting = setting


@dataclass(frozen=True)
class DownloadSettingsUpdate:
    """New values for some download settings; `KEEP` leaves one as it is. None is the default: the 2 GiB size
    limit, the 1 KiB/s minimum rate (`min_rate=0`: no minimum), no time limit, the official NASA API, no mirror."""

    max_bytes: int | Literal[_Keep.KEEP] | None = KEEP
    min_rate: float | Literal[_Keep.KEEP] | None = KEEP
    max_time: float | Literal[_Keep.KEEP] | None = KEEP
    nasa_api_url: str | Literal[_Keep.KEEP] | None = KEEP
    media_mirror_url: str | Literal[_Keep.KEEP] | None = KEEP

    @classmethod
    def defaults(cls) -> DownloadSettingsUpdate:
        """Every setting back to its default (Restore Defaults)."""
        return cls(None, None, None, None, None)

    def given(self) -> list[str]:
        """The names of the settings this update changes."""
        return [f.name for f in fields(self) if getattr(self, f.name) is not KEEP]

    def check(self) -> None:
        """Raise DownloadSettingError for the first value that cannot be kept (in the fields' order)."""
        checks: dict[str, Any] = {"max_bytes": check_max_download_bytes, "min_rate": check_download_min_rate,
                                  "max_time": check_download_max_time, "nasa_api_url": _check_setting_url,
                                  "media_mirror_url": _check_setting_url}
        for name in self.given():
            try:
                checks[name](getattr(self, name))
            except MediaCatError as error:
                raise DownloadSettingError(name, str(error)) from error


def _check_setting_url(url: str | None) -> None:
    if url:
        check_url(url)


@dataclass(frozen=True)
class DownloadSettingsResult:
    before: DownloadSettings
    after: DownloadSettings

    @property
    def changed(self) -> list[str]:
        """The `download-settings --json` names of the settings whose value in the library changed."""
        old, new = self.before.library_values(), self.after.library_values()
        return [name for name in old if old[name] != new[name]]

    @property
    def changes(self) -> Changes:
        return Changes(download_settings=True, events=True) if self.changed else NO_CHANGES


def apply_download_settings(library: Library, update: DownloadSettingsUpdate) -> DownloadSettingsResult:
    """Give the library the update's settings, all or none (one transaction), and log what changed."""
    update.check()
    with library.store.transaction() as conn:
        before = download_settings(library)
        if update.max_bytes is not KEEP:
            set_max_download_bytes(library, update.max_bytes)
        if update.min_rate is not KEEP:
            set_download_min_rate(library, update.min_rate)
        if update.max_time is not KEEP:
            set_download_max_time(library, update.max_time)
        if update.nasa_api_url is not KEEP:
            set_api_url(library, update.nasa_api_url or None)
        if update.media_mirror_url is not KEEP:
            set_media_mirror(library, update.media_mirror_url or None)
        result = DownloadSettingsResult(before, download_settings(library))
        changed = result.changed
        if changed:
            old, new = before.library_values(), result.after.library_values()
            events.record(conn, "download-settings", before={name: old[name] for name in changed},
                          after={name: new[name] for name in changed})
    return result


__all__ = [
    "DEFAULT_DOWNLOAD_SETTINGS", "KEEP", "DownloadSettingError", "DownloadSettings", "DownloadSettingsResult",
    "DownloadSettingsUpdate", "apply_download_settings", "download_settings", "format_size",
    "parse_seconds", "parse_size",
]  # fmt: skip
