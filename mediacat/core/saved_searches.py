"""Saved searches: a named item query kept in the library (it travels with it), with its live count."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any

from mediacat.core import events
from mediacat.core.changes import Changes
from mediacat.core.errors import MediaCatError
from mediacat.core.library import Library
from mediacat.core.search import SORT_KEYS, ItemQuery

_TUPLE_FIELDS = ("media_types", "kinds", "phases", "article_ids", "tags")
MAX_NAME = 100


class SavedSearchError(MediaCatError):
    """An unknown or unusable saved-search name, or a stored query that cannot be read."""


@dataclass(frozen=True)
class SavedSearch:
    name: str
    query: ItemQuery
    created_at: str
    updated_at: str

    def to_json(self, count: int | None = None) -> dict[str, Any]:
        """The `saved-search list --json` object."""
        data: dict[str, Any] = {"name": self.name, "query": query_to_json(self.query),
                                "created_at": self.created_at, "updated_at": self.updated_at}
        if count is not None:
            data["count"] = count
        return data


@dataclass(frozen=True)
class SavedSearchChange:
    """What a saved-search operation did, and what undo needs (the search as it was, or None)."""

    name: str
    before: SavedSearch | None
    after: SavedSearch | None
    changes: Changes


def query_to_json(query: ItemQuery) -> dict[str, Any]:
    """The filters that are set (empty ones left out; the item-id and extra fields are not saved)."""
    data: dict[str, Any] = {}
    if query.search:
        data["search"] = query.search
    for name in _TUPLE_FIELDS:
        if getattr(query, name):
            data[name] = list(getattr(query, name))
    if query.has_attachments is not None:
        data["has_attachments"] = query.has_attachments
    if query.sort != "catalog":
        data["sort"] = query.sort
    if query.descending:
        data["descending"] = True
    return data


def query_from_json(data: dict[str, Any]) -> ItemQuery:
    values: dict[str, Any] = {}
    for name in _TUPLE_FIELDS:
        if name in data:
            values[name] = tuple(str(v) for v in data[name])
    if isinstance(data.get("search"), str):
        values["search"] = data["search"]
    if isinstance(data.get("has_attachments"), bool):
        values["has_attachments"] = data["has_attachments"]
    if data.get("sort") in SORT_KEYS:
        values["sort"] = data["sort"]
    values["descending"] = bool(data.get("descending", False))
    return ItemQuery(**values)


def merge_queries(saved: ItemQuery, given: ItemQuery) -> ItemQuery:
    """A saved search narrowed by filters given with it: each filter given replaces the saved one."""
    changes: dict[str, Any] = {}
    for f in dataclasses.fields(ItemQuery):
        value = getattr(given, f.name)
        default = f.default if f.default is not dataclasses.MISSING else None
        if f.name != "extra" and value != default and value not in ((), None):
            changes[f.name] = value
    return dataclasses.replace(saved, **changes)


def _name(name: str) -> str:
    cleaned = " ".join(str(name).split())
    if not cleaned:
        raise SavedSearchError("a saved search needs a name")
    if len(cleaned) > MAX_NAME:
        raise SavedSearchError(f"saved search {cleaned[:30]!r}…: longer than {MAX_NAME} characters")
    return cleaned


def saved_searches(library: Library) -> list[SavedSearch]:
    rows = library.store.execute(
        "SELECT name, query, created_at, updated_at FROM saved_searches ORDER BY name COLLATE NOCASE")
    return [_saved(row) for row in rows]


def _saved(row: tuple[Any, ...]) -> SavedSearch:
    try:
        data = json.loads(row[1])
    except json.JSONDecodeError as error:
        raise SavedSearchError(f"saved search {row[0]!r}: its stored query is not JSON ({error})") from error
    return SavedSearch(row[0], query_from_json(data if isinstance(data, dict) else {}), row[2], row[3])


def get_saved_search(library: Library, name: str) -> SavedSearch:
    row = library.store.execute(
        "SELECT name, query, created_at, updated_at FROM saved_searches WHERE name = ?", (_name(name),)).fetchone()
    if row is None:
        known = ", ".join(repr(s.name) for s in saved_searches(library)) or "none yet"
        raise SavedSearchError(f"no saved search named {name!r} (saved: {known})")
    return _saved(row)


def _find(library: Library, name: str) -> SavedSearch | None:
    try:
        return get_saved_search(library, name)
    except SavedSearchError:
        return None


def save_search(library: Library, name: str, query: ItemQuery, *, replace: bool = False) -> SavedSearchChange:
    """Save `query` as `name`; an existing name is refused unless `replace` (then its filters are replaced)."""
    name = _name(name)
    text = json.dumps(query_to_json(query), ensure_ascii=False, sort_keys=True)
    with library.store.transaction() as conn:
        before = _find(library, name)
        if before is not None and not replace:
            raise SavedSearchError(f"a saved search named {before.name!r} already exists (edit it, or remove it)")
        conn.execute(
            "INSERT INTO saved_searches(name, query) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET "
            "query = excluded.query, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')", (name, text))
        events.record(conn, "saved-search", name=name, operation="edit" if before else "add",
                      query=query_to_json(query))
        after = _find(library, name)
    return SavedSearchChange(name, before, after, Changes(saved_searches=True, events=True))


def rename_saved_search(library: Library, old: str, new: str) -> SavedSearchChange:
    new_name = _name(new)
    with library.store.transaction() as conn:
        before = get_saved_search(library, old)
        clash = _find(library, new_name)
        if clash is not None and clash.name.lower() != before.name.lower():
            raise SavedSearchError(f"a saved search named {clash.name!r} already exists")
        conn.execute("UPDATE saved_searches SET name = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') "
                     "WHERE name = ?", (new_name, before.name))
        events.record(conn, "saved-search", name=new_name, operation="rename", old_name=before.name)
        after = _find(library, new_name)
    return SavedSearchChange(new_name, before, after, Changes(saved_searches=True, events=True))


def remove_saved_search(library: Library, name: str) -> SavedSearchChange:
    with library.store.transaction() as conn:
        before = get_saved_search(library, name)
        conn.execute("DELETE FROM saved_searches WHERE name = ?", (before.name,))
        events.record(conn, "saved-search", name=before.name, operation="remove", query=query_to_json(before.query))
    return SavedSearchChange(before.name, before, None, Changes(saved_searches=True, events=True))


def restore_saved_search(library: Library, search: SavedSearch) -> SavedSearchChange:
    """Undo of a remove (or of an edit: the old filters back)."""
    return save_search(library, search.name, search.query, replace=True)


def saved_search_counts(library: Library) -> list[tuple[SavedSearch, int]]:
    """Every saved search with the number of items it finds now (the side bar's live counts)."""
    return [(search, library.count_items(search.query)) for search in saved_searches(library)]
