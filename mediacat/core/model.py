"""The catalog's records: articles, items, the links between them, and attached files."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MEDIA_TYPES = ("image", "video", "audio")
KINDS = ("still", "clip", "recording", "panorama", "diagram", "gallery", "referenced")


@dataclass(frozen=True)
class Article:
    id: str
    outlet: str
    title: str
    date: str
    author: str
    url: str | None = None
    text: str = ""

    def to_json(self, *, with_text: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "outlet": self.outlet,
            "title": self.title,
            "date": self.date,
            "author": self.author,
            "url": self.url,
        }
        if with_text:
            data["text"] = self.text
        return data


@dataclass(frozen=True)
class MissionPhase:
    id: str
    label: str
    position: int
    description: str = ""


@dataclass(frozen=True)
class SourceLink:
    """Where an article mentions an item: the article and the exact quote."""

    article_id: str
    outlet: str
    title: str
    date: str
    quote: str

    def to_json(self) -> dict[str, Any]:
        return {
            "article_id": self.article_id,
            "outlet": self.outlet,
            "title": self.title,
            "date": self.date,
            "quote": self.quote,
        }


@dataclass(frozen=True)
class Attachment:
    """A media file attached to an item: a managed copy in the library, or a link to a file in place."""

    id: int
    item_id: str
    mode: str  # "copy" | "link"
    path: str  # as stored: relative to the media folder (copy) or to the base folder / absolute (link)
    original_name: str
    sha256: str
    size: int
    mtime: float
    mime: str
    media_type: str | None
    width: int | None = None
    height: int | None = None
    duration: float | None = None
    facts: dict[str, Any] = field(default_factory=dict)
    provenance: dict[str, Any] = field(default_factory=dict)
    added_at: str = ""
    status: str = "unchecked"  # unchecked | ok | missing | modified | unreadable (the last check's verdict)
    checked_at: str | None = None
    resolved_path: str = ""  # absolute path on this machine

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "path": self.resolved_path or self.path,
            "stored_path": self.path,
            "mode": self.mode,
            "original_name": self.original_name,
            "sha256": self.sha256,
            "size": self.size,
            "mtime": self.mtime,
            "mime": self.mime,
            "media_type": self.media_type,
            "status": self.status,
            "checked_at": self.checked_at,
            "added_at": self.added_at,
        }
        for key in ("width", "height", "duration"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        if self.facts:
            data["facts"] = self.facts
        if self.provenance:
            data["provenance"] = self.provenance
        return data


BUILTIN_RELATIONS = ("own-image", "one-of-set", "frame-of-clip", "related")


@dataclass(frozen=True)
class BuiltinMedia:
    """A genuine NASA file shipped with the seed catalog for an item: read-only, never a user attachment.

    `relation` says what the file is to its item (own-image, one-of-set, frame-of-clip, related) and `label`
    is the sentence shown next to the picture, so a file is never presented as more than its manifest says.
    """

    item_id: str
    path: str  # absolute path of the shipped file on this machine
    sha256: str
    size: int
    relation: str
    label: str
    credit: str
    width: int | None
    height: int | None
    media_type: str
    mime: str
    shows: str = ""
    confidence: str = ""
    source: dict[str, Any] = field(default_factory=dict)

    @property
    def short_relation(self) -> str:
        """A few words for a small tile: what the file is to its item (empty for the item's own image)."""
        return {"one-of-set": "One of the set", "frame-of-clip": "A frame, not the clip",
                "related": "Related view"}.get(self.relation, "")

    @property
    def caption(self) -> str:
        """The words shown with the picture: what it is to the item, then its credit."""
        return f"{self.label}. Credit: {self.credit}"

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "sha256": self.sha256,
            "size": self.size,
            "relation": self.relation,
            "label": self.label,
            "credit": self.credit,
            "width": self.width,
            "height": self.height,
            "media_type": self.media_type,
            "mime": self.mime,
            "shows": self.shows,
            "confidence": self.confidence,
            "source": self.source,
        }


@dataclass(frozen=True)
class Item:
    id: str
    title: str
    media_type: str
    kind: str
    camera: str | None
    date_taken: str | None
    mission_phase: str | None
    credit: str | None
    description: str
    nasa_ids: tuple[str, ...] = ()
    official_urls: tuple[str, ...] = ()
    media_urls: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    notes: str = ""
    sources: tuple[SourceLink, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    origin: str = "seed"
    overrides: dict[str, Any] = field(default_factory=dict)  # corrected seed field -> the seed's own value
    external_sources: tuple[dict[str, str], ...] = ()  # {url, quote, title}: sources outside the articles
    builtin_media: tuple[BuiltinMedia, ...] = ()
    # When the media were taken (issue 14): `mediacat.core.timeline.time_json` of the item's time span
    # (scet, scet_end, ert, sol, sol_end, lmst, lmst_end, precision, evidence, note, event, origin) or None.
    time: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        """The `show --json` object; `list --json` is an array of these. Field names are a contract."""
        return {
            "id": self.id,
            "title": self.title,
            "media_type": self.media_type,
            "kind": self.kind,
            "camera": self.camera,
            "date_taken": self.date_taken,
            "mission_phase": self.mission_phase,
            "credit": self.credit,
            "description": self.description,
            "nasa_ids": list(self.nasa_ids),
            "official_urls": list(self.official_urls),
            "media_urls": list(self.media_urls),
            "tags": list(self.tags),
            "notes": self.notes,
            "sources": [source.to_json() for source in self.sources],
            "attachments": [attachment.to_json() for attachment in self.attachments],
            "origin": self.origin,
            "overrides": {name: {"value": self._value(name), "seed_value": seed}
                          for name, seed in self.overrides.items()},
            "external_sources": [dict(source) for source in self.external_sources],
            "builtin_media": [media.to_json() for media in self.builtin_media],
            "time": self.time,
        }

    def _value(self, name: str) -> Any:
        value = getattr(self, name)
        return list(value) if isinstance(value, tuple) else value


@dataclass(frozen=True)
class ItemRow:
    """The light row the GUI's lazy model fetches by id: what the grid and table show."""

    id: str
    title: str
    media_type: str
    kind: str
    camera: str | None
    date_taken: str | None
    mission_phase: str | None
    phase_position: int | None
    credit: str | None
    tags: tuple[str, ...]
    attachment_count: int
    source_count: int
    first_attachment_path: str | None  # absolute path of the first attachment, for thumbnails
    first_attachment_sha256: str | None
    first_attachment_media_type: str | None = None
    problem_attachments: int = 0  # attachments whose last check found them missing, modified or unreadable
    builtin: BuiltinMedia | None = None  # the first built-in file, shown when nothing is attached
