"""Tags and notes: validated edits, each in one transaction, returning what changed so it can be undone.

A tag row lives only while some item uses it: every edit deletes the tags it left unused in the same
transaction. Tag names compare without case (`Mars` and `mars` are one tag, spelled as first created).
The full-text index follows by itself (triggers on items, item_tags and tags).
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from mediacat.core import events, tag_batch
from mediacat.core.changes import NO_CHANGES, Changes
from mediacat.core.errors import MediaCatError, UnknownItem
from mediacat.core.library import Library
from mediacat.core.store.chunks import chunks as _chunks
from mediacat.core.store.chunks import marks as _marks
from mediacat.core.tag_batch import TagsByItem

TAG_SEPARATOR = ";"  # several tags in one CSV cell are joined by "; ", so no tag may contain ";"
MAX_TAG_LENGTH = 200
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_NOW = "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"

class TagError(MediaCatError):
    """A tag name that cannot be used (empty, contains ';' or a control character, too long)."""


class NoteError(MediaCatError):
    """A note that cannot be stored (not text, or holding NUL characters)."""


class UnknownTag(MediaCatError):
    def __init__(self, name: str) -> None:
        super().__init__(f"no tag named {name!r} in the library")
        self.name = name


@dataclass(frozen=True)
class TagEdit:
    """The tags of every item an edit changed, before and after (items it left alone are absent)."""

    before: Mapping[str, tuple[str, ...]]  # a `TagsByItem` when the edit was made (parsed when looked into)
    after: Mapping[str, tuple[str, ...]]

    @property
    def changed_ids(self) -> list[str]:
        return list(self.before)

    @property
    def changes(self) -> Changes:
        """The items whose tags changed, and the tag counts (with them the tag facet; no other facet, order
        or count of items moves with tags). Undo: `set_tags_many(before)`."""
        if not self.before:
            return NO_CHANGES
        return Changes.of_items(self.before, tags=True, events=True)


@dataclass(frozen=True)
class NoteEdit:
    item_id: str
    before: str
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after

    @property
    def changes(self) -> Changes:
        """The item whose note changed (undo: `set_note(item_id, before)`)."""
        return Changes.of_items([self.item_id], events=True) if self.changed else NO_CHANGES


def normalize_tag(name: str) -> str:
    """The tag as stored: surrounding spaces trimmed; empty names, ';' and control characters refused."""
    if not isinstance(name, str):
        raise TagError(f"a tag name must be text, not {name!r}")
    cleaned = name.strip()
    if not cleaned:
        raise TagError(f"empty tag name {name!r}")
    if TAG_SEPARATOR in cleaned:
        raise TagError(f"tag {cleaned!r}: ';' is not allowed in a tag name (it separates tags in CSV files)")
    if _CONTROL.search(cleaned):
        raise TagError(f"tag {cleaned!r}: line breaks, tabs and other control characters are not allowed")
    if len(cleaned) > MAX_TAG_LENGTH:
        raise TagError(f"tag {cleaned[:40]!r}…: longer than {MAX_TAG_LENGTH} characters")
    return cleaned


def normalize_tags(names: Iterable[str]) -> list[str]:
    """Validated tags, first spelling kept when two differ only in case, in the given order."""
    result: list[str] = []
    seen: set[str] = set()
    for name in names:
        tag = normalize_tag(name)
        if tag_key(tag) not in seen:
            seen.add(tag_key(tag))
            result.append(tag)
    return result


def normalize_note(text: str) -> str:
    """Notes keep their text as typed, with line breaks stored as "\\n"."""
    if not isinstance(text, str):
        raise NoteError(f"a note must be text, not {text!r}")
    if "\x00" in text:
        raise NoteError("a note cannot contain NUL characters")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def tag_key(name: str) -> str:
    """What makes two tag names the same tag: SQLite's NOCASE, which folds only A-Z."""
    return name.translate(_ASCII_LOWER)


# -- reads --------------------------------------------------------------------------------------------


def tag_counts(library: Library) -> list[tuple[str, int]]:
    """Every tag with the number of items that carry it, by name (case-insensitive)."""
    rows = library.store.execute(
        "SELECT t.name, count(it.item_id) FROM tags t JOIN item_tags it ON it.tag_id = t.id "
        "GROUP BY t.id ORDER BY t.name COLLATE NOCASE, t.name"
    )
    return [(name, count) for name, count in rows]


def all_tag_names(library: Library) -> list[str]:
    """Every tag in use, by name (case-insensitive): what tag entry fields complete from."""
    return [name for name, _count in tag_counts(library)]


def tags_of(library: Library, item_ids: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """The current tags of each id (unknown ids raise UnknownItem, naming the first)."""
    _require_items(library.store.conn, item_ids)
    result: dict[str, tuple[str, ...]] = {item_id: () for item_id in item_ids}
    for chunk in _chunks(list(dict.fromkeys(item_ids))):
        rows = library.store.execute(
            "SELECT it.item_id, t.name FROM item_tags it JOIN tags t ON t.id = it.tag_id "
            f"WHERE it.item_id IN ({_marks(chunk)}) ORDER BY t.name COLLATE NOCASE, t.name",
            chunk,
        )
        for item_id, name in rows:
            result[item_id] = (*result[item_id], name)
    return result


def note_of(library: Library, item_id: str) -> str:
    row = library.store.execute("SELECT notes FROM items WHERE id = ?", (item_id,)).fetchone()
    if row is None:
        raise UnknownItem(item_id)
    return row[0]


# -- writes -------------------------------------------------------------------------------------------


def add_tags(library: Library, item_ids: Sequence[str], tags: Iterable[str]) -> TagEdit:
    """Add `tags` to every item in `item_ids` (one transaction, set-based: see `core/tag_batch.py`)."""
    names = normalize_tags(tags)
    with library.store.transaction() as conn:
        tag_batch.begin(conn, _ids_json(item_ids))  # raises UnknownItem before anything is written
        tag_batch.add(conn, names)
        return TagEdit(*tag_batch.finish(conn))


def remove_tags(library: Library, item_ids: Sequence[str], tags: Iterable[str]) -> TagEdit:
    """Remove `tags` from every item in `item_ids` (one transaction); tags an item lacks are ignored."""
    names = normalize_tags(tags)
    with library.store.transaction() as conn:
        tag_batch.begin(conn, _ids_json(item_ids))
        tag_batch.remove(conn, names)
        return TagEdit(*tag_batch.finish(conn))


def set_tags(library: Library, item_id: str, tags: Iterable[str]) -> TagEdit:
    """Replace one item's tags."""
    return set_tags_many(library, {item_id: tuple(tags)})


def set_tags_many(library: Library, tags_by_item: Mapping[str, Iterable[str]]) -> TagEdit:
    """Replace the tags of several items at once (one transaction): batch edits, undo, redo, CSV import.

    A `TagsByItem` (what an edit returned, read from the database) goes back to SQLite as it is; any other
    mapping's tags are validated first."""
    if isinstance(tags_by_item, TagsByItem):
        ids_json, wanted = tags_by_item.ids_json, tags_by_item.json
    else:
        ids_json = _ids_json(list(tags_by_item))
        wanted = tag_batch.wanted_json({item_id: normalize_tags(tags) for item_id, tags in tags_by_item.items()})
    with library.store.transaction() as conn:
        tag_batch.begin(conn, ids_json)
        tag_batch.replace(conn, wanted)
        return TagEdit(*tag_batch.finish(conn))


def set_note(library: Library, item_id: str, text: str) -> NoteEdit:
    """Replace one item's note (one transaction)."""
    note = normalize_note(text)
    with library.store.transaction() as conn:
        row = conn.execute("SELECT notes FROM items WHERE id = ?", (item_id,)).fetchone()
        if row is None:
            raise UnknownItem(item_id)
        if row[0] != note:
            conn.execute(f"UPDATE items SET notes = ?, updated_at = {_NOW} WHERE id = ?", (note, item_id))
            events.record(conn, "note", item_id=item_id, length=len(note), before_length=len(row[0]))
    return NoteEdit(item_id, row[0], note)


def set_notes_many(library: Library, notes_by_item: Mapping[str, str]) -> list[NoteEdit]:
    """Replace several notes in one transaction, set-based (a temporary table of the notes); returns the
    edits that changed something, in the given order."""
    notes = json.dumps({item_id: normalize_note(text) for item_id, text in notes_by_item.items()},
                       ensure_ascii=False)
    with library.store.transaction() as conn:
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS note_edit("
                     "pos INTEGER PRIMARY KEY, item_id TEXT NOT NULL UNIQUE, before TEXT, after TEXT NOT NULL)")
        conn.execute("DELETE FROM temp.note_edit")
        conn.execute("INSERT INTO temp.note_edit(item_id, after) SELECT key, value FROM json_each(?) ORDER BY id",
                     (notes,))
        missing = conn.execute("SELECT item_id FROM temp.note_edit e WHERE NOT EXISTS "
                               "(SELECT 1 FROM items WHERE id = e.item_id) ORDER BY pos LIMIT 1").fetchone()
        if missing is not None:
            raise UnknownItem(missing[0])
        conn.execute("UPDATE temp.note_edit SET before = (SELECT notes FROM items WHERE id = note_edit.item_id)")
        changed = "SELECT item_id FROM temp.note_edit WHERE before IS NOT after"
        conn.execute(f"UPDATE items SET notes = (SELECT after FROM temp.note_edit e WHERE e.item_id = items.id), "
                     f"updated_at = {_NOW} WHERE id IN ({changed})")
        events.record_each(conn, "note", "SELECT item_id, json_object('before_length', length(before), "
                           "'length', length(after)) FROM temp.note_edit WHERE before IS NOT after ORDER BY pos")
        edits = [NoteEdit(*row) for row in conn.execute(
            "SELECT item_id, before, after FROM temp.note_edit WHERE before IS NOT after ORDER BY pos")]
        conn.execute("DELETE FROM temp.note_edit")
    return edits


def rename_tag(library: Library, old: str, new: str) -> TagEdit:
    """Rename a tag; renaming onto another existing tag merges the two. Returns the items' tags before/after."""
    return merge_tags(library, [old], new)


def merge_tags(library: Library, sources: Sequence[str], target: str) -> TagEdit:
    """Move every item tagged with one of `sources` to `target` (created or reused), in one transaction."""
    target_name = normalize_tag(target)
    if not sources:
        raise TagError("merge: name at least one tag to merge")
    with library.store.transaction() as conn:
        source_ids: list[int] = []
        for source in sources:
            row = conn.execute("SELECT id FROM tags WHERE name = ?", (source.strip(),)).fetchone()
            if row is None:
                raise UnknownTag(source.strip())
            source_ids.append(row[0])
        tag_batch.begin_from_query(
            conn,
            f"SELECT DISTINCT item_id FROM item_tags WHERE tag_id IN ({_marks(source_ids)}) "
            "OR tag_id IN (SELECT id FROM tags WHERE name = ?) ORDER BY item_id",
            [*source_ids, target_name],
        )
        existing = conn.execute("SELECT id FROM tags WHERE name = ?", (target_name,)).fetchone()
        if existing is not None and existing[0] in source_ids and len(set(source_ids)) == 1:
            # A plain rename, perhaps only of its case: the row keeps its id, the trigger re-indexes.
            conn.execute("UPDATE tags SET name = ? WHERE id = ?", (target_name, existing[0]))
        elif existing is None and len(set(source_ids)) == 1:
            conn.execute("UPDATE tags SET name = ? WHERE id = ?", (target_name, source_ids[0]))
        else:
            if existing is None:
                target_id = conn.execute("INSERT INTO tags(name) VALUES (?)", (target_name,)).lastrowid
            else:
                target_id = existing[0]
                conn.execute("UPDATE tags SET name = ? WHERE id = ?", (target_name, target_id))
            moving = [tag_id for tag_id in source_ids if tag_id != target_id]
            conn.execute(
                "INSERT OR IGNORE INTO item_tags(item_id, tag_id) SELECT item_id, ? FROM item_tags "
                f"WHERE tag_id IN ({_marks(moving)})",
                [target_id, *moving],
            )
            conn.execute(f"DELETE FROM item_tags WHERE tag_id IN ({_marks(moving)})", moving)
        return TagEdit(*tag_batch.finish(conn))


# -- internals ----------------------------------------------------------------------------------------


def _require_items(conn: sqlite3.Connection, item_ids: Sequence[str]) -> None:
    unique = list(dict.fromkeys(item_ids))
    found: set[str] = set()
    for chunk in _chunks(unique):
        found.update(row[0] for row in conn.execute(f"SELECT id FROM items WHERE id IN ({_marks(chunk)})", chunk))
    for item_id in unique:
        if item_id not in found:
            raise UnknownItem(item_id)


def _ids_json(item_ids: Sequence[str]) -> str:
    return json.dumps(list(item_ids), ensure_ascii=False)
