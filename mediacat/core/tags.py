"""Tags and notes: validated edits, each in one transaction, returning what changed so it can be undone.

A tag row lives only while some item uses it: every edit deletes the tags it left unused in the same
transaction. Tag names compare without case (`Mars` and `mars` are one tag, spelled as first created).
The full-text index follows by itself (triggers on items, item_tags and tags).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from mediacat.core import events
from mediacat.core.changes import NO_CHANGES, Changes
from mediacat.core.errors import MediaCatError, UnknownItem
from mediacat.core.library import Library
from mediacat.core.store.chunks import chunks as _chunks
from mediacat.core.store.chunks import marks as _marks

TAG_SEPARATOR = ";"  # several tags in one CSV cell are joined by "; ", so no tag may contain ";"
MAX_TAG_LENGTH = 200
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_NOW = "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"

WantedTags = Callable[[str, tuple[str, ...]], Sequence[str]]


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

    before: dict[str, tuple[str, ...]]
    after: dict[str, tuple[str, ...]]

    @property
    def changed_ids(self) -> list[str]:
        return list(self.before)

    @property
    def changes(self) -> Changes:
        """The items whose tags changed, and the tag counts and facets (undo: `set_tags_many(before)`)."""
        if not self.before:
            return NO_CHANGES
        return Changes.of_items(self.before, tags=True, facets=True, events=bool(self.before))


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
    """Add `tags` to every item in `item_ids` (one transaction)."""
    names = normalize_tags(tags)
    return _edit(library, item_ids, lambda _item_id, current: _union(current, names))


def remove_tags(library: Library, item_ids: Sequence[str], tags: Iterable[str]) -> TagEdit:
    """Remove `tags` from every item in `item_ids` (one transaction); tags an item lacks are ignored."""
    gone = {tag_key(name) for name in normalize_tags(tags)}
    return _edit(library, item_ids, lambda _item_id, current: tuple(t for t in current if tag_key(t) not in gone))


def set_tags(library: Library, item_id: str, tags: Iterable[str]) -> TagEdit:
    """Replace one item's tags."""
    return set_tags_many(library, {item_id: tuple(tags)})


def set_tags_many(library: Library, tags_by_item: Mapping[str, Iterable[str]]) -> TagEdit:
    """Replace the tags of several items at once (one transaction): batch edits, undo, redo, CSV import."""
    wanted = {item_id: normalize_tags(tags) for item_id, tags in tags_by_item.items()}
    return _edit(library, list(wanted), lambda item_id, _current: tuple(wanted[item_id]))


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
    """Replace several notes in one transaction; returns the edits that changed something."""
    edits: list[NoteEdit] = []
    with library.store.transaction():
        _require_items(library.store.conn, list(notes_by_item))
        for item_id, text in notes_by_item.items():
            edit = set_note(library, item_id, text)
            if edit.changed:
                edits.append(edit)
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
        affected = [
            row[0]
            for row in conn.execute(
                f"SELECT DISTINCT item_id FROM item_tags WHERE tag_id IN ({_marks(source_ids)}) "
                "OR tag_id IN (SELECT id FROM tags WHERE name = ?) ORDER BY item_id",
                [*source_ids, target_name],
            )
        ]
        before = tags_of(library, affected)
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
        _touch(conn, affected)
        _delete_orphans(conn)
        after = tags_of(library, affected)
        _log_tag_events(conn, before, after, affected)
    changed = [item_id for item_id in affected if before[item_id] != after[item_id]]
    return TagEdit({i: before[i] for i in changed}, {i: after[i] for i in changed})


# -- internals ----------------------------------------------------------------------------------------


def _edit(library: Library, item_ids: Sequence[str], wanted_tags: WantedTags) -> TagEdit:
    """Give each item the tags `wanted_tags(item_id, current)` returns; unknown ids change nothing."""
    ids = list(dict.fromkeys(item_ids))
    with library.store.transaction() as conn:
        before = tags_of(library, ids)  # raises UnknownItem before anything is written
        written: list[str] = []
        for item_id in ids:
            wanted = wanted_tags(item_id, before[item_id])
            if {tag_key(t) for t in wanted} != {tag_key(t) for t in before[item_id]}:
                _write_item_tags(conn, item_id, before[item_id], wanted)
                written.append(item_id)
        _touch(conn, written)
        _delete_orphans(conn)
        stored = tags_of(library, written)
        _log_tag_events(conn, before, stored, written)
    changed = [item_id for item_id in written if stored[item_id] != before[item_id]]
    return TagEdit({i: before[i] for i in changed}, {i: stored[i] for i in changed})


def _write_item_tags(conn: sqlite3.Connection, item_id: str, current: Sequence[str], wanted: Sequence[str]) -> None:
    keep = {tag_key(name) for name in wanted}
    have = {tag_key(name) for name in current}
    for name in current:
        if tag_key(name) not in keep:
            conn.execute(
                "DELETE FROM item_tags WHERE item_id = ? AND tag_id = (SELECT id FROM tags WHERE name = ?)",
                (item_id, name),
            )
    for name in wanted:
        if tag_key(name) not in have:
            conn.execute("INSERT OR IGNORE INTO tags(name) VALUES (?)", (name,))
            conn.execute(
                "INSERT OR IGNORE INTO item_tags(item_id, tag_id) SELECT ?, id FROM tags WHERE name = ?",
                (item_id, name),
            )


def _log_tag_events(conn: sqlite3.Connection, before: Mapping[str, tuple[str, ...]],
                    after: Mapping[str, tuple[str, ...]], item_ids: Sequence[str]) -> None:
    for item_id in item_ids:
        if before[item_id] != after[item_id]:
            events.record(conn, "tag", item_id=item_id, before=list(before[item_id]), after=list(after[item_id]))


def _union(current: tuple[str, ...], names: list[str]) -> tuple[str, ...]:
    have = {tag_key(name) for name in current}
    return current + tuple(name for name in names if tag_key(name) not in have)


def _require_items(conn: sqlite3.Connection, item_ids: Sequence[str]) -> None:
    unique = list(dict.fromkeys(item_ids))
    found: set[str] = set()
    for chunk in _chunks(unique):
        found.update(row[0] for row in conn.execute(f"SELECT id FROM items WHERE id IN ({_marks(chunk)})", chunk))
    for item_id in unique:
        if item_id not in found:
            raise UnknownItem(item_id)


def _touch(conn: sqlite3.Connection, item_ids: Sequence[str]) -> None:
    for chunk in _chunks(list(item_ids)):
        conn.execute(f"UPDATE items SET updated_at = {_NOW} WHERE id IN ({_marks(chunk)})", chunk)


def _delete_orphans(conn: sqlite3.Connection) -> None:
    conn.execute("DELETE FROM tags WHERE NOT EXISTS (SELECT 1 FROM item_tags it WHERE it.tag_id = tags.id)")
