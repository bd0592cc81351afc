"""Set-based tag edits: the items of one edit in a temporary table, every step one SQL statement.

A tag edit on 20,000 items is a handful of statements (`INSERT ... SELECT`, `DELETE ... WHERE item_id IN`
the temporary table), not 20,000 rounds of Python: SQLite does the work, and while it runs the thread lets
go of Python's interpreter lock, so the app's GUI thread never waits behind a long edit. The tags before and
after, the event of every changed item and the result are computed in SQL too; the result keeps them as the
JSON text SQLite made (`TagsByItem`), parsed only if someone looks into it: an undo passes it straight back.

Used by `core/tags.py` only (inside its transactions); the temporary tables belong to the connection.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from mediacat.core import events
from mediacat.core.errors import UnknownItem

_NOW = "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"

_TABLES = (
    # One row per edited item, in the order given; `before` and `after` are JSON arrays of its tag names.
    "CREATE TEMP TABLE IF NOT EXISTS tag_edit("
    "pos INTEGER PRIMARY KEY, item_id TEXT NOT NULL UNIQUE, before TEXT, after TEXT)",
    # For a "set" edit: the tags each item is to have (names in the order given, first spelling wins).
    "CREATE TEMP TABLE IF NOT EXISTS tag_wanted(pos INTEGER PRIMARY KEY, item_id TEXT NOT NULL, name TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS temp.tag_wanted_item ON tag_wanted(item_id)",
)

# An item's tag names, by name (case-insensitive), as a JSON array: what `tags_of` returns, as SQL.
_TAGS_JSON = (
    "(SELECT json_group_array(name) FROM (SELECT t.name FROM item_tags it JOIN tags t ON t.id = it.tag_id "
    "WHERE it.item_id = tag_edit.item_id ORDER BY t.name COLLATE NOCASE, t.name))"
)
_CHANGED = "before IS NOT after"


class TagsByItem(Mapping[str, tuple[str, ...]]):
    """Items' tags (id -> names) as SQLite wrote them in one JSON object; parsed on the first look inside.

    Iterating, `len` and `in` need only the ids. `set_tags_many` hands the JSON back to SQLite unparsed, so
    the undo of a 20,000-item edit builds no 20,000 Python tuples on either side.
    """

    def __init__(self, item_ids: Sequence[str], json_text: str) -> None:
        self._ids = tuple(item_ids)
        self._json = json_text
        self._parsed: dict[str, tuple[str, ...]] | None = None
        self._members: frozenset[str] | None = None

    @property
    def json(self) -> str:
        """The JSON object `{"id": ["tag", ...], ...}`."""
        return self._json

    @property
    def ids_json(self) -> str:
        return json.dumps(self._ids, ensure_ascii=False)

    def _values(self) -> dict[str, tuple[str, ...]]:
        if self._parsed is None:
            self._parsed = {item_id: tuple(names) for item_id, names in json.loads(self._json).items()}
        return self._parsed

    def __getitem__(self, item_id: str) -> tuple[str, ...]:
        return self._values()[item_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, item_id: object) -> bool:
        if self._members is None:
            self._members = frozenset(self._ids)
        return item_id in self._members

    def __repr__(self) -> str:
        return f"TagsByItem({len(self._ids)} items)"


def begin(conn: sqlite3.Connection, ids_json: str) -> None:
    """Put the items of an edit (a JSON array of ids; repeats count once) in the table, with their tags now.

    Raises UnknownItem naming the first id (in the given order) that is not in the catalog."""
    for statement in _TABLES:
        conn.execute(statement)
    conn.execute("DELETE FROM temp.tag_edit")
    conn.execute("DELETE FROM temp.tag_wanted")
    conn.execute("INSERT OR IGNORE INTO temp.tag_edit(item_id) SELECT value FROM json_each(?) ORDER BY key",
                 (ids_json,))
    missing = conn.execute(
        "SELECT item_id FROM temp.tag_edit e WHERE NOT EXISTS (SELECT 1 FROM items WHERE id = e.item_id) "
        "ORDER BY pos LIMIT 1"
    ).fetchone()
    if missing is not None:
        raise UnknownItem(missing[0])
    conn.execute(f"UPDATE temp.tag_edit SET before = {_TAGS_JSON}")


def begin_from_query(conn: sqlite3.Connection, select_ids: str, parameters: Sequence[Any]) -> None:
    """Like `begin`, with the items a query finds (a merge: every item carrying one of the tags)."""
    for statement in _TABLES:
        conn.execute(statement)
    conn.execute("DELETE FROM temp.tag_edit")
    conn.execute("DELETE FROM temp.tag_wanted")
    conn.execute(f"INSERT OR IGNORE INTO temp.tag_edit(item_id) {select_ids}", parameters)
    conn.execute(f"UPDATE temp.tag_edit SET before = {_TAGS_JSON}")


def add(conn: sqlite3.Connection, names: Sequence[str]) -> None:
    """Give every item of the edit these (validated) tags; the ones an item has already stay as they are."""
    conn.executemany("INSERT OR IGNORE INTO tags(name) VALUES (?)", [(name,) for name in names])
    conn.execute(
        "INSERT OR IGNORE INTO item_tags(item_id, tag_id) SELECT e.item_id, t.id FROM temp.tag_edit e "
        "JOIN tags t ON t.name IN (SELECT value FROM json_each(?)) ORDER BY e.pos",
        (json.dumps(list(names), ensure_ascii=False),),
    )


def remove(conn: sqlite3.Connection, names: Sequence[str]) -> None:
    """Take these tags (compared without case) off every item of the edit."""
    conn.execute(
        "DELETE FROM item_tags WHERE item_id IN (SELECT item_id FROM temp.tag_edit) "
        "AND tag_id IN (SELECT id FROM tags WHERE name IN (SELECT value FROM json_each(?)))",
        (json.dumps(list(names), ensure_ascii=False),),
    )


def replace(conn: sqlite3.Connection, wanted_json: str) -> None:
    """Give each item of the edit exactly the tags a JSON object `{"id": ["tag", ...]}` names (validated)."""
    conn.execute(
        "INSERT INTO temp.tag_wanted(item_id, name) SELECT item.key, name.value "
        "FROM json_each(?) item, json_each(item.value) name ORDER BY item.id, name.key",
        (wanted_json,),
    )
    conn.execute("INSERT OR IGNORE INTO tags(name) SELECT name FROM temp.tag_wanted ORDER BY pos")
    conn.execute(
        "DELETE FROM item_tags WHERE item_id IN (SELECT item_id FROM temp.tag_edit) AND NOT EXISTS ("
        "SELECT 1 FROM temp.tag_wanted w JOIN tags t ON t.name = w.name "
        "WHERE w.item_id = item_tags.item_id AND t.id = item_tags.tag_id)"
    )
    conn.execute(
        "INSERT OR IGNORE INTO item_tags(item_id, tag_id) SELECT w.item_id, t.id FROM temp.tag_wanted w "
        "JOIN tags t ON t.name = w.name ORDER BY w.pos"
    )


def finish(conn: sqlite3.Connection) -> tuple[TagsByItem, TagsByItem]:
    """Record the tags after, touch the changed items, drop unused tags, log one `tag` event per changed
    item (in the given order), and return the changed items' tags (before, after)."""
    conn.execute(f"UPDATE temp.tag_edit SET after = {_TAGS_JSON}")
    conn.execute(
        f"UPDATE items SET updated_at = {_NOW} WHERE id IN (SELECT item_id FROM temp.tag_edit WHERE {_CHANGED})"
    )
    conn.execute("DELETE FROM tags WHERE NOT EXISTS (SELECT 1 FROM item_tags it WHERE it.tag_id = tags.id)")
    events.record_each(
        conn, "tag",
        f"SELECT item_id, json_object('after', json(after), 'before', json(before)) FROM temp.tag_edit "
        f"WHERE {_CHANGED} ORDER BY pos",
    )
    changed = [row[0] for row in conn.execute(f"SELECT item_id FROM temp.tag_edit WHERE {_CHANGED} ORDER BY pos")]
    before, after = conn.execute(
        "SELECT json_group_object(item_id, json(before)), json_group_object(item_id, json(after)) "
        f"FROM (SELECT item_id, before, after FROM temp.tag_edit WHERE {_CHANGED} ORDER BY pos)"
    ).fetchone()
    conn.execute("DELETE FROM temp.tag_edit")
    conn.execute("DELETE FROM temp.tag_wanted")
    return TagsByItem(changed, before or "{}"), TagsByItem(changed, after or "{}")


def wanted_json(tags_by_item: Mapping[str, Sequence[str]]) -> str:
    return json.dumps({item_id: list(names) for item_id, names in tags_by_item.items()}, ensure_ascii=False)
