"""The rows an export reads: every selected item with its tags, sources and attachments, from a few set-based
queries (issue 12: `Library.items` built a full `Item` per row with four queries per 250 ids).

`export_records(library, ids)` yields one `ExportRecord` per id, in the order given. A record has the
attributes of `mediacat.core.model.Item` (so a CSV column's getter reads either), but the JSON lists
(`nasa_ids`, `official_urls`, `media_urls`) are decoded only when a column reads them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from mediacat.core.model import Attachment, BuiltinMedia, SourceLink

if TYPE_CHECKING:
    from mediacat.core.library import Library

_ITEM_COLUMNS = ("id, title, media_type, kind, camera, date_taken, mission_phase, credit, description, "
                 "nasa_ids, official_urls, media_urls, notes, origin")


def _json_tuple(text: str) -> tuple[str, ...]:
    return () if text == "[]" else tuple(json.loads(text))


class ExportRecord:
    """One item as an export reads it (the attributes of `Item`; its tags, sources and attachments are
    sequences, not always tuples)."""

    __slots__ = ("_item", "_library", "_media_urls", "_nasa_ids", "_official_urls", "attachments", "builtin_media",
                 "camera", "credit",
                 "date_taken", "description", "external_sources", "id", "kind", "media_type", "mission_phase",
                 "notes", "origin", "overrides", "sources", "tags", "time", "title")

    def __init__(self, row: Sequence[Any], tags: Sequence[str], sources: Sequence[SourceLink],
                 attachments: Sequence[Attachment], overrides: dict[str, Any] | None = None,
                 external_sources: Sequence[dict[str, str]] = (), builtin_media: Sequence[BuiltinMedia] = ()) -> None:
        (self.id, self.title, self.media_type, self.kind, self.camera, self.date_taken, self.mission_phase,
         self.credit, self.description, self._nasa_ids, self._official_urls, self._media_urls, self.notes,
         self.origin) = row
        self.tags = tags
        self.sources = sources
        self.attachments = attachments
        self.overrides = overrides or {}
        self.external_sources = external_sources
        self.builtin_media = builtin_media
        self.time: dict[str, Any] | None = None
        self._library: Library | None = None
        self._item: Any = None

    def __getattr__(self, name: str) -> Any:
        """An `Item` field this record does not read set-based (one added since): from the full item, loaded
        once per record (correct, not fast: read it in `export_records` when a default column needs it)."""
        if name.startswith("_") or self._library is None:
            raise AttributeError(name)
        if self._item is None:
            self._item = self._library.item(self.id)
        return getattr(self._item, name)

    @property
    def nasa_ids(self) -> tuple[str, ...]:
        return _json_tuple(self._nasa_ids)

    @property
    def official_urls(self) -> tuple[str, ...]:
        return _json_tuple(self._official_urls)

    @property
    def media_urls(self) -> tuple[str, ...]:
        return _json_tuple(self._media_urls)


def export_records(library: Library, item_ids: Sequence[str]) -> Iterator[ExportRecord]:
    """The records of `item_ids` in that order (unknown ids are skipped), streamed from one cursor.

    The children (tags, sources, attachments) are read first, in one query each; when every item is
    exported those queries have no filter at all.
    """
    if not item_ids:
        return
    store = library.store
    everything = len(item_ids) >= store.execute("SELECT count(*) FROM items").fetchone()[0]
    selected = json.dumps(list(item_ids))
    where = "" if everything else "WHERE {column} IN (SELECT value FROM json_each(:ids))"
    params = {} if everything else {"ids": selected}

    tags: dict[str, list[str]] = {}
    for item_id, name in store.execute(
        "SELECT it.item_id, t.name FROM item_tags it JOIN tags t ON t.id = it.tag_id "
        f"{where.format(column='it.item_id')} ORDER BY it.item_id, t.name COLLATE NOCASE", params,
    ):
        tags.setdefault(item_id, []).append(name)
    sources: dict[str, list[SourceLink]] = {}
    for item_id, *link in store.execute(
        "SELECT s.item_id, s.article_id, a.outlet, a.title, a.date, s.quote FROM source_links s "
        f"JOIN articles a ON a.id = s.article_id {where.format(column='s.item_id')} "
        "ORDER BY s.item_id, s.position", params,
    ):
        sources.setdefault(item_id, []).append(SourceLink(*link))
    attachments: dict[str, list[Attachment]] = {}
    for attachment in library.attachments_where(where.format(column="item_id"), params):
        attachments.setdefault(attachment.item_id, []).append(attachment)

    overrides: dict[str, dict[str, Any]] = {}
    for item_id, name, seed in store.execute(
        f"SELECT item_id, field, seed_value FROM item_overrides {where.format(column='item_id')}", params,
    ):
        overrides.setdefault(item_id, {})[name] = json.loads(seed) if seed is not None else None
    external: dict[str, list[dict[str, str]]] = {}
    for item_id, url, quote, title in store.execute(
        f"SELECT item_id, url, quote, title FROM external_sources {where.format(column='item_id')} "
        "ORDER BY item_id, position", params,
    ):
        external.setdefault(item_id, []).append({"url": url, "quote": quote, "title": title})
    builtin: dict[str, list[BuiltinMedia]] = {}
    for media in library.builtin_media_of(None if everything else item_ids):
        builtin.setdefault(media.item_id, []).append(media)

    from mediacat.core.timeline import item_times_json  # (it imports this module's reader, the Library)

    times = item_times_json(library, list(item_ids))

    rows = store.execute(
        f"SELECT {', '.join('i.' + c.strip() for c in _ITEM_COLUMNS.split(','))} FROM json_each(:ids) o "
        "JOIN items i ON i.id = o.value ORDER BY o.key", {"ids": selected},
    )
    for row in rows:
        item_id = row[0]
        record = ExportRecord(row, tags.get(item_id, ()), sources.get(item_id, ()), attachments.get(item_id, ()),
                              overrides.get(item_id), external.get(item_id, ()), builtin.get(item_id, ()))
        record.time = times.get(item_id)
        record._library = library
        yield record


__all__ = ["ExportRecord", "export_records"]
