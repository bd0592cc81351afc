"""Items of the user's own (origin 'user'): add, edit, delete, batch edit; corrections of seed facts as overrides.

A user item has the same fields as a seed item and can be changed freely. A seed item stays read-only except
tags, notes and attachments, and a user's correction of one of its facts (`SEED_CORRECTABLE`) is an override:
the items row holds the corrected value (so search, filters, sorting and exports see it), `item_overrides`
keeps the seed's value beside it, and a seed update refreshes that seed value and puts the correction back
(`reapply_overrides`, called by `mediacat.core.seeds`). Every operation writes in one transaction, appends an
event, and returns what undo needs with its `Changes`.
"""

from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mediacat.core import events
from mediacat.core.changes import Changes
from mediacat.core.errors import MediaCatError, UnknownItem
from mediacat.core.model import KINDS, MEDIA_TYPES

if TYPE_CHECKING:  # seeds.py imports this module, and library.py imports seeds.py
    from mediacat.core.library import Library

SCALAR_FIELDS = ("title", "media_type", "kind", "camera", "date_taken", "mission_phase", "credit", "description")
LIST_FIELDS = ("nasa_ids", "official_urls", "media_urls")
FIELDS = SCALAR_FIELDS + LIST_FIELDS
SEED_CORRECTABLE = SCALAR_FIELDS  # a seed item's lists (ids, URLs) are facts with sources; they are not overridden
BATCH_FIELDS = ("credit", "camera", "date_taken", "kind", "mission_phase")
_NOW = "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2}([T ]\d{2}:\d{2}(:\d{2})?Z?)?)?)?$")
_URL = re.compile(r"^https?://[^\s/]+\S*$", re.IGNORECASE)


class ItemEditError(MediaCatError):
    """A field value or an edit that cannot be stored (the message names the item and the field)."""


@dataclass(frozen=True)
class ExternalSource:
    url: str
    quote: str
    title: str = ""

    def to_json(self) -> dict[str, str]:
        return {"url": self.url, "quote": self.quote, "title": self.title}


@dataclass(frozen=True)
class ItemAdded:
    item_id: str
    changes: Changes


@dataclass(frozen=True)
class ItemEdit:
    """One item's fields before and after, and its override rows before (what undo restores)."""

    item_id: str
    before: dict[str, Any]
    after: dict[str, Any]
    overrides_before: dict[str, tuple[str | None, str | None]]  # field -> (value JSON, seed value JSON)
    changes: Changes = field(default_factory=Changes)

    @property
    def changed(self) -> bool:
        return self.before != self.after


@dataclass(frozen=True)
class BatchEdit:
    edits: list[ItemEdit]
    changes: Changes


@dataclass(frozen=True)
class ItemDeleted:
    item_id: str
    snapshot: dict[str, Any]  # the rows to put back (undo), when the files were kept
    removed_files: list[str]
    changes: Changes

    @property
    def undoable(self) -> bool:
        return not self.removed_files


# -- validation ------------------------------------------------------------------------------------------------


def normalize_field(library: Library, item_label: str, name: str, value: Any) -> Any:
    """The value as stored, or ItemEditError naming the item and the field."""
    if name not in FIELDS:
        raise ItemEditError(f"{item_label}: unknown field {name!r} (fields: {', '.join(FIELDS)})")
    if name in LIST_FIELDS:
        values = [value] if isinstance(value, str) else list(value or [])
        cleaned = [str(v).strip() for v in values if str(v).strip()]
        if name != "nasa_ids":
            for url in cleaned:
                if not _URL.match(url):
                    raise ItemEditError(f"{item_label}: {name}: {url!r} is not an http(s) URL")
        return cleaned
    text = None if value is None else str(value).strip()
    if "\x00" in (text or ""):
        raise ItemEditError(f"{item_label}: {name}: NUL characters are not allowed")
    if name == "title" and not text:
        raise ItemEditError(f"{item_label}: the title cannot be empty")
    if name == "description":
        return text or ""
    if name == "media_type" and text not in MEDIA_TYPES:
        raise ItemEditError(f"{item_label}: media_type {text!r} is not one of {', '.join(MEDIA_TYPES)}")
    if name == "kind" and text not in KINDS:
        raise ItemEditError(f"{item_label}: kind {text!r} is not one of {', '.join(KINDS)}")
    if name == "date_taken" and text and not _DATE.match(text):
        raise ItemEditError(f"{item_label}: date {text!r} is not an ISO date (YYYY-MM-DD, YYYY-MM or YYYY)")
    if name == "mission_phase" and text:
        known = [row[0] for row in library.store.execute("SELECT id FROM mission_phases ORDER BY position")]
        if text not in known:
            raise ItemEditError(f"{item_label}: unknown mission phase {text!r} (known: {', '.join(known)})")
    return text or None


def check_article_quote(library: Library, article_id: str, quote: str) -> tuple[str, str]:
    """A source link to a shipped article: the quote must appear in it verbatim."""
    row = library.store.execute("SELECT text FROM articles WHERE id = ?", (article_id,)).fetchone()
    if row is None:
        known = ", ".join(r[0] for r in library.store.execute("SELECT id FROM articles ORDER BY id"))
        raise ItemEditError(f"no article {article_id!r} in the library (articles: {known})")
    if not quote.strip():
        raise ItemEditError(f"article {article_id!r}: the quote is empty")
    if quote not in row[0]:
        raise ItemEditError(f"article {article_id!r}: the quote is not in the article word for word: {quote[:60]!r}")
    return article_id, quote


def check_external_source(url: str, quote: str, title: str = "") -> ExternalSource:
    if not _URL.match(url.strip()):
        raise ItemEditError(f"source {url!r}: not an http(s) URL")
    if not quote.strip():
        raise ItemEditError(f"source {url}: give the quote from the page that mentions the item")
    return ExternalSource(url.strip(), quote.strip(), title.strip())


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:48].strip("-") or "item"


def new_item_id(conn: sqlite3.Connection, title: str) -> str:
    """`user-<slug>`, made unique against items and against ids in the log (a deleted item's history stays its)."""
    base = f"user-{slug(title)}"
    candidate, number = base, 1
    while conn.execute(
        "SELECT EXISTS (SELECT 1 FROM items WHERE id = :id) OR EXISTS (SELECT 1 FROM events WHERE item_id = :id)",
        {"id": candidate},
    ).fetchone()[0]:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


# -- reads -----------------------------------------------------------------------------------------------------


def origin_of(library: Library, item_id: str) -> str:
    row = library.store.execute("SELECT origin FROM items WHERE id = ?", (item_id,)).fetchone()
    if row is None:
        raise UnknownItem(item_id)
    return str(row[0])


def fields_of(library: Library, item_id: str) -> dict[str, Any]:
    row = library.store.execute(f"SELECT {', '.join(FIELDS)} FROM items WHERE id = ?", (item_id,)).fetchone()
    if row is None:
        raise UnknownItem(item_id)
    values = dict(zip(FIELDS, row, strict=True))
    for name in LIST_FIELDS:
        values[name] = json.loads(values[name])
    return values


def overrides_of(library: Library, item_id: str) -> dict[str, tuple[str | None, str | None]]:
    """field -> (the user's value, the seed's value), both as JSON text."""
    rows = library.store.execute("SELECT field, value, seed_value FROM item_overrides WHERE item_id = ?", (item_id,))
    return {name: (value, seed) for name, value, seed in rows}


def seed_values_of(library: Library, item_id: str) -> dict[str, Any]:
    """The seed's own value of each corrected field of a seed item."""
    return {name: json.loads(seed) if seed is not None else None
            for name, (_value, seed) in overrides_of(library, item_id).items()}


def external_sources_of(library: Library, item_id: str) -> list[ExternalSource]:
    rows = library.store.execute(
        "SELECT url, quote, title FROM external_sources WHERE item_id = ? ORDER BY position", (item_id,))
    return [ExternalSource(*row) for row in rows]


# -- writes ----------------------------------------------------------------------------------------------------


def add_item(
    library: Library,
    values: Mapping[str, Any],
    *,
    item_id: str | None = None,
    sources: Sequence[tuple[str, str]] = (),
    external_sources: Sequence[ExternalSource] = (),
    tags: Iterable[str] = (),
    notes: str = "",
) -> ItemAdded:
    """Add a user item (origin 'user'); `sources` are (article id, verbatim quote) pairs."""
    label = values.get("title") or "new item"
    clean = {name: normalize_field(library, f"item {label!r}", name, values.get(name)) for name in FIELDS
             if name in values}
    for required in ("title", "media_type"):
        if required not in clean:
            raise ItemEditError(f"item {label!r}: {required} is required")
    clean.setdefault("kind", {"image": "still", "video": "clip", "audio": "recording"}[clean["media_type"]])
    checked = [check_article_quote(library, article_id, quote) for article_id, quote in sources]
    with library.store.transaction() as conn:
        if item_id is not None and conn.execute("SELECT 1 FROM items WHERE id = ?", (item_id,)).fetchone():
            raise ItemEditError(f"an item with id {item_id!r} is already in the catalog")
        new_id = item_id or new_item_id(conn, clean["title"])
        stored = {name: json.dumps(clean.get(name, [])) if name in LIST_FIELDS else clean.get(name)
                  for name in FIELDS}
        stored["description"] = stored["description"] or ""
        conn.execute(
            f"INSERT INTO items(id, {', '.join(FIELDS)}, notes, origin) "
            f"VALUES (?, {', '.join('?' * len(FIELDS))}, ?, 'user')",
            (new_id, *(stored[name] for name in FIELDS), notes),
        )
        _write_sources(conn, new_id, checked, external_sources)
        events.record(conn, "item-add", item_id=new_id, title=clean["title"],
                      fields={k: v for k, v in clean.items() if v not in (None, "", [])})
        if tags:
            from mediacat.core.tags import add_tags

            add_tags(library, [new_id], tags)
    return ItemAdded(new_id, Changes.of_items([new_id], item_set=True, facets=True, tags=bool(tags), events=True))


def _write_sources(conn: sqlite3.Connection, item_id: str, sources: Sequence[tuple[str, str]],
                   external: Sequence[ExternalSource]) -> None:
    conn.executemany("INSERT INTO source_links(item_id, position, article_id, quote) VALUES (?, ?, ?, ?)",
                     [(item_id, i, article_id, quote) for i, (article_id, quote) in enumerate(sources)])
    conn.executemany("INSERT INTO external_sources(item_id, position, url, quote, title) VALUES (?, ?, ?, ?, ?)",
                     [(item_id, i, s.url, s.quote, s.title) for i, s in enumerate(external)])


def add_sources(library: Library, item_id: str, sources: Sequence[tuple[str, str]] = (),
                external_sources: Sequence[ExternalSource] = ()) -> Changes:
    """Add source links to a user item (shipped articles with a verbatim quote, or outside pages)."""
    if origin_of(library, item_id) != "user":
        raise ItemEditError(f"item {item_id!r} is a shipped item: its sources come with the catalog")
    checked = [check_article_quote(library, article_id, quote) for article_id, quote in sources]
    with library.store.transaction() as conn:
        start = conn.execute("SELECT coalesce(max(position) + 1, 0) FROM source_links WHERE item_id = ?",
                             (item_id,)).fetchone()[0]
        start_ext = conn.execute("SELECT coalesce(max(position) + 1, 0) FROM external_sources WHERE item_id = ?",
                                 (item_id,)).fetchone()[0]
        conn.executemany("INSERT INTO source_links(item_id, position, article_id, quote) VALUES (?, ?, ?, ?)",
                         [(item_id, start + i, a, q) for i, (a, q) in enumerate(checked)])
        conn.executemany("INSERT INTO external_sources(item_id, position, url, quote, title) VALUES (?, ?, ?, ?, ?)",
                         [(item_id, start_ext + i, s.url, s.quote, s.title) for i, s in enumerate(external_sources)])
        events.record(conn, "item-edit", item_id=item_id, added_sources=[a for a, _q in checked],
                      added_external_sources=[s.url for s in external_sources])
    return Changes.of_items([item_id], facets=True, events=True)


def edit_item(library: Library, item_id: str, values: Mapping[str, Any]) -> ItemEdit:
    """Change fields of one item. A seed item's correctable facts become overrides (the seed value kept);
    setting a seed fact back to the seed's value removes the override."""
    with library.store.transaction() as conn:
        edit = _edit_in(library, conn, item_id, values)
        if edit.changed:
            events.record(conn, "item-edit", item_id=item_id, before=edit.before, after=edit.after)
    return edit


def _edit_in(library: Library, conn: sqlite3.Connection, item_id: str, values: Mapping[str, Any]) -> ItemEdit:
    origin = origin_of(library, item_id)
    current = fields_of(library, item_id)
    overrides = overrides_of(library, item_id)
    label = f"item {item_id!r}"
    clean = {name: normalize_field(library, label, name, value) for name, value in values.items()}
    if origin != "user":
        refused = [name for name in clean if name not in SEED_CORRECTABLE]
        if refused:
            raise ItemEditError(f"{label} is a shipped item: {', '.join(refused)} cannot be changed "
                                f"(correctable: {', '.join(SEED_CORRECTABLE)})")
    before = {name: current[name] for name in clean if clean[name] != current[name]}
    after = {name: clean[name] for name in before}
    overrides_before = {name: overrides.get(name, (None, None)) for name in after}
    for name, value in after.items():
        stored = json.dumps(value) if name in LIST_FIELDS else value
        conn.execute(f"UPDATE items SET {name} = ?, updated_at = {_NOW} WHERE id = ?", (stored, item_id))
        if origin == "user":
            continue
        seed_json = overrides[name][1] if name in overrides else None
        if seed_json is None:
            seed_json = json.dumps(current[name], ensure_ascii=False)
        if value == json.loads(seed_json):
            conn.execute("DELETE FROM item_overrides WHERE item_id = ? AND field = ?", (item_id, name))
        else:
            conn.execute(
                "INSERT INTO item_overrides(item_id, field, value, seed_value) VALUES (?, ?, ?, ?) "
                f"ON CONFLICT(item_id, field) DO UPDATE SET value = excluded.value, at = {_NOW}",
                (item_id, name, json.dumps(value, ensure_ascii=False), seed_json),
            )
    facets = bool({"media_type", "kind", "mission_phase"} & set(after))
    changes = Changes.of_items([item_id], facets=facets, events=True) if after else Changes()
    return ItemEdit(item_id, before, after, overrides_before, changes)


def revert_to_seed(library: Library, item_id: str, names: Sequence[str]) -> ItemEdit:
    """Drop the user's corrections of these seed facts: the seed's values come back."""
    seeds = seed_values_of(library, item_id)
    missing = [name for name in names if name not in seeds]
    if missing:
        raise ItemEditError(f"item {item_id!r}: {', '.join(missing)} has no correction to revert")
    return edit_item(library, item_id, {name: seeds[name] for name in names})


def undo_edit(library: Library, edit: ItemEdit) -> ItemEdit:
    """Put an edit's fields and override rows back as they were (the undo of `edit_item` / batch edits)."""
    with library.store.transaction() as conn:
        redo = _restore(library, conn, edit)
        events.record(conn, "item-edit", item_id=edit.item_id, before=edit.after, after=edit.before, undo=True)
    return redo


def _restore(library: Library, conn: sqlite3.Connection, edit: ItemEdit) -> ItemEdit:
    now = overrides_of(library, edit.item_id)
    current = fields_of(library, edit.item_id)
    for name, value in edit.before.items():
        stored = json.dumps(value) if name in LIST_FIELDS else value
        conn.execute(f"UPDATE items SET {name} = ?, updated_at = {_NOW} WHERE id = ?", (stored, edit.item_id))
        old_value, old_seed = edit.overrides_before.get(name, (None, None))
        conn.execute("DELETE FROM item_overrides WHERE item_id = ? AND field = ?", (edit.item_id, name))
        if old_seed is not None or old_value is not None:
            conn.execute("INSERT INTO item_overrides(item_id, field, value, seed_value) VALUES (?, ?, ?, ?)",
                         (edit.item_id, name, old_value, old_seed))
    return ItemEdit(edit.item_id, {n: current[n] for n in edit.before}, dict(edit.before),
                    {n: now.get(n, (None, None)) for n in edit.before}, edit.changes)


def preview_batch_edit(library: Library, item_ids: Sequence[str], name: str, value: Any) -> list[tuple[str, Any, Any]]:
    """(item id, current value, new value) for each item the batch edit would change; nothing is written."""
    if name not in BATCH_FIELDS:
        raise ItemEditError(f"batch edit: {name!r} is not one of {', '.join(BATCH_FIELDS)}")
    clean = normalize_field(library, "batch edit", name, value)
    preview = []
    for item_id in dict.fromkeys(item_ids):
        current = fields_of(library, item_id)[name]
        if current != clean:
            preview.append((item_id, current, clean))
    return preview


def batch_edit(library: Library, item_ids: Sequence[str], name: str, value: Any) -> BatchEdit:
    """Set one field on many items (seed items get an override), all or nothing."""
    preview = preview_batch_edit(library, item_ids, name, value)
    edits: list[ItemEdit] = []
    with library.store.transaction() as conn:
        for item_id, _old, new in preview:
            edit = _edit_in(library, conn, item_id, {name: new})
            events.record(conn, "item-edit", item_id=item_id, before=edit.before, after=edit.after, batch=True)
            edits.append(edit)
    changes = Changes.of_items([e.item_id for e in edits], facets=name in ("kind", "mission_phase"), events=True)
    return BatchEdit(edits, changes if edits else Changes())


def undo_batch_edit(library: Library, batch: BatchEdit) -> BatchEdit:
    with library.store.transaction() as conn:
        redo = []
        for edit in batch.edits:
            redo.append(_restore(library, conn, edit))
            events.record(conn, "item-edit", item_id=edit.item_id, before=edit.after, after=edit.before, undo=True)
    return BatchEdit(redo, batch.changes)


def delete_item(library: Library, item_id: str, *, remove_files: bool = False) -> ItemDeleted:
    """Delete a user item; its attachments are detached, their managed copies deleted only when asked (a linked
    original never is). Seed items cannot be deleted."""
    from mediacat.core.attachment_upkeep import detach

    if origin_of(library, item_id) != "user":
        raise ItemEditError(f"item {item_id!r} is a shipped item and cannot be deleted")
    removed: list[str] = []
    with library.store.transaction() as conn:
        snapshot = _snapshot(conn, item_id)
        for attachment in library.attachments_of([item_id]):
            result = detach(library, attachment.id, delete_managed_copy=remove_files)
            if result.deleted_file:
                removed.append(result.deleted_file)
        conn.execute("DELETE FROM items WHERE id = ?", (item_id,))
        events.record(conn, "item-delete", item_id=item_id, title=snapshot["item"]["title"],
                      attachments=len(snapshot["attachments"]), files_removed=removed)
    changes = Changes.of_items([item_id], item_set=True, facets=True, tags=bool(snapshot["tags"]), events=True,
                               attachments=frozenset(a["id"] for a in snapshot["attachments"]))
    return ItemDeleted(item_id, snapshot, removed, changes)


def _rows(conn: sqlite3.Connection, sql: str, item_id: str) -> list[dict[str, Any]]:
    cursor = conn.execute(sql, (item_id,))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]


def _snapshot(conn: sqlite3.Connection, item_id: str) -> dict[str, Any]:
    return {
        "item": _rows(conn, "SELECT * FROM items WHERE id = ?", item_id)[0],
        "tags": [r["name"] for r in _rows(conn, "SELECT t.name FROM item_tags it JOIN tags t ON t.id = it.tag_id "
                                                "WHERE it.item_id = ?", item_id)],
        "source_links": _rows(conn, "SELECT * FROM source_links WHERE item_id = ?", item_id),
        "external_sources": _rows(conn, "SELECT * FROM external_sources WHERE item_id = ?", item_id),
        "attachments": _rows(conn, "SELECT * FROM attachments WHERE item_id = ?", item_id),
    }


def restore_item(library: Library, deleted: ItemDeleted) -> ItemAdded:
    """Undo a delete whose files were kept: the item, its tags, sources and attachments come back."""
    if not deleted.undoable:
        raise ItemEditError(f"item {deleted.item_id!r}: its files were deleted with it; it cannot be restored")
    snap = deleted.snapshot
    with library.store.transaction() as conn:
        for table, rows in (("items", [snap["item"]]), ("source_links", snap["source_links"]),
                            ("external_sources", snap["external_sources"]), ("attachments", snap["attachments"])):
            for full in rows:
                row = {key: value for key, value in full.items() if key != "pk"}  # a new rowid; the id is kept
                conn.execute(f"INSERT INTO {table}({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                             tuple(row.values()))
        for tag in snap["tags"]:
            conn.execute("INSERT OR IGNORE INTO tags(name) VALUES (?)", (tag,))
            conn.execute("INSERT INTO item_tags(item_id, tag_id) SELECT ?, id FROM tags WHERE name = ?",
                         (deleted.item_id, tag))
        events.record(conn, "item-restore", item_id=deleted.item_id, title=snap["item"]["title"])
    return ItemAdded(deleted.item_id, deleted.changes)


def reapply_overrides(conn: sqlite3.Connection) -> None:
    """After a seed update: keep each seed value current and put the user's correction back in the items row."""
    for name in SEED_CORRECTABLE:
        conn.execute(
            f"UPDATE item_overrides SET seed_value = (SELECT json_quote(i.{name}) FROM items i WHERE i.id = item_id) "
            "WHERE field = ?", (name,))
        conn.execute(
            f"UPDATE items SET {name} = (SELECT json_extract(o.value, '$') FROM item_overrides o "
            f"WHERE o.item_id = items.id AND o.field = ?) "
            "WHERE id IN (SELECT item_id FROM item_overrides WHERE field = ?)", (name, name))
    # the seed now says what the user said: no correction left
    conn.execute("DELETE FROM item_overrides WHERE json_extract(value, '$') IS json_extract(seed_value, '$')")


__all__ = [
    "BATCH_FIELDS", "FIELDS", "SEED_CORRECTABLE", "BatchEdit", "ExternalSource", "ItemAdded", "ItemDeleted",
    "ItemEdit", "ItemEditError", "add_item", "add_sources", "batch_edit", "delete_item", "edit_item",
    "preview_batch_edit", "reapply_overrides", "restore_item", "revert_to_seed", "undo_batch_edit", "undo_edit",
]
