"""New user items filled from somewhere: a NASA Image Library record (and its media), or a file's own facts."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mediacat.core.attachments import AttachResult, attach_file
from mediacat.core.download import DownloadedFile, DownloadPolicy, download
from mediacat.core.download_attach import attach_download, attach_from_nasa
from mediacat.core.errors import MediaCatError
from mediacat.core.jobs import Job
from mediacat.core.library import Library
from mediacat.core.nasa import NasaImageLibrary, NasaResult, NoSuchNasaRecord, api_url
from mediacat.core.probe import VideoProber, probe_file
from mediacat.core.user_items import ItemAdded, add_item, delete_item

_DEFAULT_KIND = {"image": "still", "video": "clip", "audio": "recording"}
_CREDIT = re.compile(r"(?:Image |Video )?Credit:\s*(.+?)\.?\s*$", re.IGNORECASE)


def values_from_nasa(nasa: NasaImageLibrary, nasa_id: str) -> tuple[dict[str, Any], list[str]]:
    """Title, date, credit, description, media type and the official page of a NASA record; and its keywords."""
    result, data = nasa.record(nasa_id)
    credit = data.get("photographer") or data.get("secondary_creator")
    if not credit:
        found = _CREDIT.search(result.description.strip().splitlines()[-1] if result.description.strip() else "")
        credit = found.group(1) if found else None
    media_type = result.media_type if result.media_type in _DEFAULT_KIND else "image"
    values: dict[str, Any] = {
        "title": result.title,
        "media_type": media_type,
        "kind": _DEFAULT_KIND[media_type],
        "description": result.description,
        "date_taken": (result.date_created or "")[:10] or None,
        "credit": str(credit) if credit else None,
        "nasa_ids": [result.nasa_id],
        "official_urls": [f"https://images.nasa.gov/details/{result.nasa_id}"],
    }
    return values, [k for k in result.keywords if k.strip() and ";" not in k]


@dataclass(frozen=True)
class NasaLookup:
    """What a NASA id or search words found: the record's values and keywords when the words were an id,
    else the search's results to choose from."""

    nasa_id: str | None = None
    values: dict[str, Any] = field(default_factory=dict)
    keywords: list[str] = field(default_factory=list)
    results: list[NasaResult] = field(default_factory=list)


def look_up_nasa(job: Job, nasa: NasaImageLibrary, text: str) -> NasaLookup:
    """A NASA id gives its record; anything else is searched for (one page of results). No database."""
    job.check()
    words = text.strip()
    if not words:
        raise MediaCatError("type a NASA id (e.g. PIA24428) or some words to search for")
    try:
        values, keywords = values_from_nasa(nasa, words)
    except NoSuchNasaRecord:
        page = nasa.search(words)  # not an id: the words are a search
    else:
        return NasaLookup(words, values, keywords)
    if not page.items:
        raise MediaCatError(f"the NASA Image Library has no record {words!r} and finds nothing for it")
    return NasaLookup(results=page.items)


def nasa_record(job: Job, nasa: NasaImageLibrary, nasa_id: str) -> NasaLookup:
    """One NASA record's values and keywords (a search result chosen). No database."""
    job.check()
    values, keywords = values_from_nasa(nasa, nasa_id)
    return NasaLookup(nasa_id, values, keywords)


@dataclass(frozen=True)
class NasaDownload:
    downloaded: DownloadedFile
    nasa_id: str
    rendition: str


def download_nasa_rendition(job: Job, nasa: NasaImageLibrary, nasa_id: str, rendition: str, incoming: Path,
                            policy: DownloadPolicy) -> NasaDownload:
    """The transfer half of a new item from NASA (no database): the chosen rendition, else the best offered."""
    chosen, url = nasa.best_rendition(nasa_id, rendition)
    return NasaDownload(download(url, incoming, policy=policy, job=job), nasa_id, chosen)


def add_item_with_download(
    library: Library,
    values: Mapping[str, Any],
    fetched: NasaDownload,
    *,
    video_prober: VideoProber | None = None,
    job: Job | None = None,
    **add_arguments: Any,
) -> tuple[ItemAdded, AttachResult]:
    """The write half: a user item with the downloaded NASA file attached; if the file cannot be attached, the
    new item is deleted again and the error raised (the download is discarded either way)."""
    try:
        added = add_item(library, values, **add_arguments)
    except BaseException:
        fetched.downloaded.discard()
        raise
    try:
        attached = attach_download(library, added.item_id, fetched.downloaded, nasa_id=fetched.nasa_id,
                                   rendition=fetched.rendition, allow_duplicate=True, video_prober=video_prober,
                                   job=job)
    except BaseException:
        delete_item(library, added.item_id, remove_files=True)
        raise
    return added, attached


def values_from_file(path: Path, video_prober: VideoProber | None = None) -> dict[str, Any]:
    """What a media file says about itself: its type, title tag (else its name), camera, date, artist."""
    facts = probe_file(path, video_prober)
    extra = facts.facts
    date = str(extra.get("exif_date") or extra.get("year") or "")[:10] or None
    values: dict[str, Any] = {
        "title": str(extra.get("title") or path.stem),
        "media_type": facts.media_type,
        "kind": _DEFAULT_KIND.get(facts.media_type, "still"),
        "camera": extra.get("camera"),
        "date_taken": date if date and re.match(r"^\d{4}(-\d{2}(-\d{2})?)?$", date) else None,
        "credit": extra.get("artist"),
    }
    return {key: value for key, value in values.items() if value is not None}


def file_values(job: Job, path: str, video_prober: VideoProber | None = None) -> dict[str, Any]:
    """`values_from_file` for a background task (no database): what a chosen file will fill in."""
    job.check()
    source = Path(path)
    if not source.is_file():
        raise MediaCatError(f"{source}: no such file")
    return values_from_file(source, video_prober)


def add_item_from_nasa(
    library: Library,
    nasa_id: str,
    overrides: Mapping[str, Any] | None = None,
    *,
    rendition: str = "orig",
    nasa: NasaImageLibrary | None = None,
    job: Job | None = None,
    video_prober: VideoProber | None = None,
    **add_arguments: Any,
) -> tuple[ItemAdded, AttachResult]:
    """A user item from a NASA record (the user's own values win), with the chosen rendition attached.
    If the media cannot be downloaded and attached, the new item is deleted again and the error raised."""
    nasa = nasa or NasaImageLibrary(api_url(library))
    values, keywords = values_from_nasa(nasa, nasa_id)
    values.update({key: value for key, value in (overrides or {}).items() if value not in (None, [], "")})
    added = add_item(library, values, tags=[*keywords, *add_arguments.pop("tags", [])], **add_arguments)
    try:
        attached = attach_from_nasa(library, added.item_id, nasa_id, rendition=rendition, nasa=nasa, job=job,
                                    video_prober=video_prober, allow_duplicate=True)
    except BaseException:
        delete_item(library, added.item_id, remove_files=True)
        raise
    return added, attached


def add_item_from_file(
    library: Library,
    path: str | os.PathLike[str],
    overrides: Mapping[str, Any] | None = None,
    *,
    mode: str = "copy",
    video_prober: VideoProber | None = None,
    job: Job | None = None,
    **add_arguments: Any,
) -> tuple[ItemAdded, AttachResult]:
    """A user item from a media file's facts (the user's own values win), with the file attached."""
    source = Path(path)
    if not source.is_file():
        raise MediaCatError(f"{source}: no such file")
    values = values_from_file(source, video_prober)
    values.update({key: value for key, value in (overrides or {}).items() if value not in (None, [], "")})
    added = add_item(library, values, **add_arguments)
    try:
        attached = attach_file(library, added.item_id, source, mode=mode, video_prober=video_prober, job=job,
                               allow_duplicate=True)
    except BaseException:
        delete_item(library, added.item_id, remove_files=True)
        raise
    return added, attached
