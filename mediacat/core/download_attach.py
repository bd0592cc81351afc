"""Downloading a public media file and attaching it to an item, with where it came from kept as provenance."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from mediacat.core import events
from mediacat.core.attachments import AttachResult, DuplicateContent, attach_file, require_item
from mediacat.core.download import DownloadedFile, DownloadError, DownloadPolicy, download
from mediacat.core.errors import MediaCatError
from mediacat.core.jobs import Cancelled, Job
from mediacat.core.library import Library
from mediacat.core.nasa import NasaImageLibrary, api_url
from mediacat.core.probe import VideoProber

MAX_BYTES_SETTING = "download_max_bytes"  # keys in the library's meta table
MIN_RATE_SETTING = "download_min_rate"  # bytes/s; 0: no minimum
MAX_TIME_SETTING = "download_max_time"  # seconds a whole download may take


def _stored_number(library: Library, key: str) -> float | None:
    stored = library.store.get_meta(key)
    try:
        value = float(stored) if stored else None
    except ValueError:
        return None
    return value if value is not None and value >= 0 else None


def download_policy(library: Library | None = None, **overrides: object) -> DownloadPolicy:
    """The library's download limits (size limit, minimum rate, overall deadline), with per-call overrides."""
    values: dict[str, object] = {}
    if library is not None:
        max_bytes = _stored_number(library, MAX_BYTES_SETTING)
        if max_bytes:
            values["max_bytes"] = int(max_bytes)
        min_rate = _stored_number(library, MIN_RATE_SETTING)
        if min_rate is not None:
            values["min_rate"] = min_rate
        deadline = _stored_number(library, MAX_TIME_SETTING)
        if deadline:
            values["deadline"] = deadline
    values.update({key: value for key, value in overrides.items() if value is not None})
    return DownloadPolicy(**values)  # type: ignore[arg-type]


def _set_setting(library: Library, key: str, value: float | None) -> None:
    with library.store.transaction():
        if value is None:
            library.store.execute("DELETE FROM meta WHERE key = ?", (key,))
        else:
            library.store.set_meta(key, f"{value:g}" if isinstance(value, float) else str(value))


def check_max_download_bytes(max_bytes: int | None) -> None:
    """A size limit `set_max_download_bytes` keeps (None: the default), else a MediaCatError saying why not."""
    if max_bytes is not None and max_bytes <= 0:
        raise MediaCatError(f"the download size limit must be a positive number of bytes, not {max_bytes}")


def check_download_min_rate(bytes_per_second: float | None) -> None:
    if bytes_per_second is not None and not bytes_per_second >= 0:
        raise MediaCatError(f"the minimum download rate must be 0 or more bytes a second, not {bytes_per_second}")


def check_download_max_time(seconds: float | None) -> None:
    if seconds is not None and not seconds > 0:
        raise MediaCatError(f"the download time limit must be a positive number of seconds, not {seconds}")


def set_max_download_bytes(library: Library, max_bytes: int | None) -> None:
    """Keep the download size limit in the library (None: back to the default, 2 GiB)."""
    check_max_download_bytes(max_bytes)
    _set_setting(library, MAX_BYTES_SETTING, max_bytes)


def set_download_min_rate(library: Library, bytes_per_second: float | None) -> None:
    """Keep the minimum rate in the library: a download (headers included) receiving less than this over a
    minute is stopped. 0: no minimum; None: back to the default, 1 KiB/s."""
    check_download_min_rate(bytes_per_second)
    _set_setting(library, MIN_RATE_SETTING, None if bytes_per_second is None else float(bytes_per_second))


def set_download_max_time(library: Library, seconds: float | None) -> None:
    """Keep the overall deadline in the library: a download taking longer in all is stopped (None: no limit)."""
    check_download_max_time(seconds)
    _set_setting(library, MAX_TIME_SETTING, None if seconds is None else float(seconds))


def attach_from_url(
    library: Library,
    item_id: str,
    url: str,
    *,
    policy: DownloadPolicy | None = None,
    job: Job | None = None,
    nasa_id: str | None = None,
    rendition: str | None = None,
    video_prober: VideoProber | None = None,
    allow_duplicate: bool = False,
    resume: bool = True,
) -> AttachResult:
    """Download `url` into the library's incoming folder, check it is media, and attach it to `item_id`.

    The file is moved (renamed) into the managed folder; the attachment's provenance keeps the source and
    final URL, retrieval time, ETag, Last-Modified (and `nasa_id`/`rendition` when given). On any failure
    nothing is attached and no file is left behind.
    """
    require_item(library, item_id)
    try:
        downloaded = download(url, library.paths.incoming, policy=policy or download_policy(library), job=job,
                              resume=resume)
    except DownloadError as error:
        record_download_failure(library, item_id, url, error)
        raise
    return attach_download(library, item_id, downloaded, nasa_id=nasa_id, rendition=rendition,
                           allow_duplicate=allow_duplicate, video_prober=video_prober, job=job)


def record_download_failure(library: Library, item_id: str, url: str, error: DownloadError) -> None:
    """The event of a download that failed (the app records it through its writer)."""
    events.record_alone(library, "download", item_id=item_id, outcome="failed", url=url,
                        http_status=getattr(error, "status", None), message=str(error))


def attach_download(
    library: Library,
    item_id: str,
    downloaded: DownloadedFile,
    *,
    nasa_id: str | None = None,
    rendition: str | None = None,
    allow_duplicate: bool = False,
    video_prober: VideoProber | None = None,
    job: Job | None = None,
) -> AttachResult:
    """Attach a file `download()` fetched into the library's incoming folder (the write half of
    `attach_from_url`: the app downloads on its download pool, then attaches on its one writer). The
    download's folder is removed either way."""
    try:
        provenance = downloaded.provenance(source="download", nasa_id=nasa_id, rendition=rendition,
                                           http_status=206 if downloaded.resumed else 200)
        return attach_downloaded(library, item_id, downloaded, provenance, allow_duplicate=allow_duplicate,
                                 video_prober=video_prober, job=job)
    finally:
        downloaded.discard()  # after a move only the empty private folder is left; after a failure, the file too


def attach_downloaded(
    library: Library,
    item_id: str,
    downloaded: DownloadedFile,
    provenance: dict[str, Any],
    *,
    allow_duplicate: bool = False,
    video_prober: VideoProber | None = None,
    job: Job | None = None,
) -> AttachResult:
    """Attach a finished download (attach_file(move=True)), with errors naming the URL, not the temporary file."""
    url = downloaded.source_url
    try:
        return attach_file(
            library,
            item_id,
            downloaded.path,
            mode="copy",
            move=True,
            allow_duplicate=allow_duplicate,
            video_prober=video_prober,
            job=job,
            provenance=provenance,
            original_name=downloaded.filename,
        )
    except Cancelled:
        raise
    except DuplicateContent as error:
        raise DuplicateContent(url, error.existing) from error
    except MediaCatError as error:
        problem = str(error).replace(str(downloaded.path), downloaded.filename)
        raise DownloadError(url, f"downloaded but not attached: {problem}") from error


def attach_from_nasa(
    library: Library,
    item_id: str,
    nasa_id: str,
    *,
    rendition: str = "orig",
    nasa: NasaImageLibrary | None = None,
    policy: DownloadPolicy | None = None,
    job: Job | None = None,
    video_prober: VideoProber | None = None,
    allow_duplicate: bool = False,
) -> AttachResult:
    """Attach a NASA Image Library asset: the chosen rendition (else the best offered), keeping `nasa_id`."""
    require_item(library, item_id)
    nasa = nasa or NasaImageLibrary(api_url(library))
    chosen, url = nasa.best_rendition(nasa_id, rendition)
    return attach_from_url(library, item_id, url, policy=policy, job=job, nasa_id=nasa_id, rendition=chosen,
                           video_prober=video_prober, allow_duplicate=allow_duplicate)


def nasa_id_in_url(url: str, nasa_ids: tuple[str, ...] | list[str]) -> str | None:
    """The first of an item's NASA ids that appears in one of its media URLs (kept in the provenance)."""
    text = unquote(url)
    for nasa_id in nasa_ids:
        if nasa_id and nasa_id in text:
            return nasa_id
    return None


__all__ = [
    "DownloadError",
    "attach_download",
    "attach_downloaded",
    "attach_from_nasa",
    "attach_from_url",
    "download_policy",
    "nasa_id_in_url",
    "set_max_download_bytes",
]
