"""A client for the NASA Image and Video Library API (images-api.nasa.gov): search, paging, asset renditions."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote, unquote, urlencode, urlsplit

from mediacat.core.download import DownloadError, DownloadPolicy, HTTPStatusError, check_url, fetch_bytes
from mediacat.core.errors import MediaCatError

DEFAULT_API_URL = "https://images-api.nasa.gov"
API_ENV = "MEDIACAT_NASA_API"
API_SETTING = "nasa_api_url"  # key in the library's meta table
RENDITIONS = ("orig", "large", "medium", "small", "thumb")
NASA_MEDIA_TYPES = ("image", "video", "audio")


class NasaApiError(MediaCatError):
    """The NASA API could not be asked or gave an unusable answer; the message names the URL."""

    def __init__(self, url: str, problem: str, status: int | None = None) -> None:
        super().__init__(f"{url}: {problem}")
        self.url = url
        self.problem = problem
        self.status = status


class NoSuchNasaRecord(NasaApiError):
    """The API answered, and has no record with that nasa_id."""


@dataclass(frozen=True)
class NasaResult:
    nasa_id: str
    title: str
    description: str
    media_type: str
    date_created: str | None
    center: str | None
    keywords: tuple[str, ...] = ()
    preview_url: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "nasa_id": self.nasa_id,
            "title": self.title,
            "description": self.description,
            "media_type": self.media_type,
            "date_created": self.date_created,
            "center": self.center,
            "keywords": list(self.keywords),
            "preview_url": self.preview_url,
        }


@dataclass(frozen=True)
class SearchPage:
    items: list[NasaResult] = field(default_factory=list)
    next_url: str | None = None
    total_hits: int | None = None


def api_url(library: Any = None) -> str:
    """The API base URL: $MEDIACAT_NASA_API, else the library's `nasa_api_url` setting, else the official one."""
    env = os.environ.get(API_ENV, "").strip()
    if env:
        return env.rstrip("/")
    if library is not None:
        stored = library.store.get_meta(API_SETTING)
        if stored:
            return stored.rstrip("/")
    return DEFAULT_API_URL


def set_api_url(library: Any, url: str | None) -> None:
    """Keep (or with None forget) the API base URL in the library."""
    store_url_setting(library, API_SETTING, url)


def store_url_setting(library: Any, key: str, url: str | None) -> None:
    """Keep an http(s) URL (checked, without a trailing slash) as the library setting `key`; None forgets it."""
    if url:
        check_url(url)
    with library.store.transaction():
        if url:
            library.store.set_meta(key, url.strip().rstrip("/"))
        else:
            library.store.execute("DELETE FROM meta WHERE key = ?", (key,))


def rendition_name(url: str) -> str | None:
    """`…/PIA24428~orig.jpg` -> "orig"; None for files that are not renditions (metadata.json, captions)."""
    stem = PurePosixPath(unquote(urlsplit(url).path)).stem
    if "~" not in stem:
        return None
    return stem.rsplit("~", 1)[1] or None


class NasaImageLibrary:
    """The images-api.nasa.gov endpoints MediaCat uses. Every call is a blocking request (run it off the GUI thread)."""

    def __init__(self, base_url: str = DEFAULT_API_URL, *, policy: DownloadPolicy | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.policy = policy or DownloadPolicy(connect_timeout=15, idle_timeout=30)

    def search_url(self, q: str, media_type: str | None = None, page: int | None = None) -> str:
        params: dict[str, str] = {"q": q}
        if media_type:
            for kind in media_type.split(","):
                if kind.strip() not in NASA_MEDIA_TYPES:
                    raise NasaApiError(self.base_url, f"unknown media type {kind.strip()!r} "
                                                      f"(use {', '.join(NASA_MEDIA_TYPES)})")
            params["media_type"] = media_type
        if page:
            params["page"] = str(page)
        return f"{self.base_url}/search?{urlencode(params, quote_via=quote)}"

    def search(self, q: str, media_type: str | None = None, page_url: str | None = None) -> SearchPage:
        """One page of results; pass the previous page's `next_url` as `page_url` for the next one."""
        if page_url is None and not q.strip():
            raise NasaApiError(self.base_url, "the search needs some words")
        url = page_url or self.search_url(q.strip(), media_type)
        collection = self._collection(url)
        items = []
        for entry in collection.get("items") or []:
            result = _result(entry)
            if result is not None:
                items.append(result)
        next_url = None
        for link in collection.get("links") or []:
            if isinstance(link, dict) and link.get("rel") == "next" and link.get("href"):
                next_url = str(link["href"])
        metadata = collection.get("metadata") or {}
        total = metadata.get("total_hits") if isinstance(metadata, dict) else None
        return SearchPage(items=items, next_url=next_url, total_hits=total if isinstance(total, int) else None)

    def record(self, nasa_id: str) -> tuple[NasaResult, dict[str, Any]]:
        """One asset's search record (the result, and its raw `data` object: photographer, secondary_creator ...)."""
        url = f"{self.base_url}/search?{urlencode({'nasa_id': nasa_id}, quote_via=quote)}"
        for entry in self._collection(url).get("items") or []:
            result = _result(entry)
            if result is not None and result.nasa_id == nasa_id:
                return result, entry["data"][0]
        raise NoSuchNasaRecord(url, f"NASA has no record with nasa_id {nasa_id!r}")

    def asset_url(self, nasa_id: str) -> str:
        return f"{self.base_url}/asset/{quote(nasa_id, safe='')}"

    def renditions(self, nasa_id: str) -> dict[str, str]:
        """{"orig": url, "large": url, ...} from the asset manifest, in the order the API lists them."""
        url = self.asset_url(nasa_id)
        collection = self._collection(url)
        found: dict[str, str] = {}
        for entry in collection.get("items") or []:
            href = entry.get("href") if isinstance(entry, dict) else None
            name = rendition_name(href) if isinstance(href, str) else None
            if name and name not in found:
                found[name] = str(href)
        if not found:
            raise NasaApiError(url, f"NASA lists no media files for {nasa_id!r}")
        return found

    def best_rendition(self, nasa_id: str, preferred: str = "orig") -> tuple[str, str]:
        """(name, url) of the preferred rendition, else the largest one offered."""
        renditions = self.renditions(nasa_id)
        order = [preferred, *(name for name in RENDITIONS if name != preferred), *renditions]
        for name in order:
            if name in renditions:
                return name, renditions[name]
        raise AssertionError("unreachable")  # pragma: no cover (renditions() never returns {})

    def _collection(self, url: str) -> dict[str, Any]:
        try:
            body, _final = fetch_bytes(url, policy=self.policy)
        except HTTPStatusError as error:
            reason = _reason(error.body)
            detail = f": {reason}" if reason else ""
            raise NasaApiError(url, f"the NASA API answered {error.status}{detail}", error.status) from error
        except DownloadError as error:
            raise NasaApiError(url, error.problem) from error
        try:
            data = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise NasaApiError(url, f"the answer is not JSON ({error})") from error
        collection = data.get("collection") if isinstance(data, dict) else None
        if not isinstance(collection, dict):
            raise NasaApiError(url, "the answer has no 'collection' object")
        return collection


def _reason(body: bytes) -> str | None:
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    if isinstance(data, dict):
        for key in ("reason", "message", "error"):
            if isinstance(data.get(key), str):
                return data[key]
    return None


def _result(entry: Any) -> NasaResult | None:
    if not isinstance(entry, dict):
        return None
    data_list = entry.get("data")
    data = data_list[0] if isinstance(data_list, list) and data_list and isinstance(data_list[0], dict) else None
    if data is None or not isinstance(data.get("nasa_id"), str):
        return None
    preview = None
    for link in entry.get("links") or []:
        if isinstance(link, dict) and link.get("rel") == "preview" and link.get("href"):
            preview = str(link["href"])
            break
    keywords = data.get("keywords") or []
    return NasaResult(
        nasa_id=data["nasa_id"],
        title=str(data.get("title") or data["nasa_id"]),
        description=str(data.get("description") or data.get("description_508") or ""),
        media_type=str(data.get("media_type") or ""),
        date_created=data.get("date_created"),
        center=data.get("center"),
        keywords=tuple(str(k) for k in keywords) if isinstance(keywords, list) else (),
        preview_url=preview,
    )
