"""A user item's sources as one list to set: shipped articles with a verbatim quote, and outside pages with the
user's quote; and the edit of a user item's fields and sources together, as one undoable change.

`set_sources` replaces the item's sources (each article quote checked word for word against the article,
each outside page an http(s) URL with a quote); `edit_user_item` changes fields and sources in one
transaction; `undo_user_item_edit` puts both back, and given the undo's result, redoes it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mediacat.core import events
from mediacat.core.changes import Changes
from mediacat.core.user_items import (
    ExternalSource,
    ItemEdit,
    ItemEditError,
    _edit_in,
    _restore,
    _write_sources,
    check_article_quote,
    check_external_source,
    external_sources_of,
    origin_of,
)

if TYPE_CHECKING:
    from mediacat.core.library import Library

ArticleQuote = tuple[str, str]  # (article id, the quote word for word)


@dataclass(frozen=True)
class Sources:
    """An item's sources: shipped articles with their quotes, and outside pages."""

    articles: tuple[ArticleQuote, ...] = ()
    external: tuple[ExternalSource, ...] = ()

    def describe(self) -> list[str]:
        return [f"{article_id}: “{quote}”" for article_id, quote in self.articles] + [
            f"{source.url}: “{source.quote}”" for source in self.external]


@dataclass(frozen=True)
class SourcesEdit:
    item_id: str
    before: Sources
    after: Sources

    @property
    def changed(self) -> bool:
        return self.before != self.after


@dataclass(frozen=True)
class UserItemEdit:
    """An edit of one item's fields and (user items only) its sources; undo gives the edit that redoes it."""

    item_id: str
    fields: ItemEdit | None
    sources: SourcesEdit | None
    changes: Changes

    @property
    def changed(self) -> bool:
        return bool((self.fields and self.fields.changed) or (self.sources and self.sources.changed))


def sources_of(library: Library, item_id: str) -> Sources:
    rows = library.store.execute(
        "SELECT article_id, quote FROM source_links WHERE item_id = ? ORDER BY position", (item_id,))
    return Sources(tuple((str(a), str(q)) for a, q in rows), tuple(external_sources_of(library, item_id)))


def checked_sources(library: Library, articles: Sequence[ArticleQuote],
                    external: Sequence[tuple[str, str]] | Sequence[ExternalSource]) -> Sources:
    """The sources as stored, or ItemEditError naming the article or URL and what is wrong."""
    pages = [source if isinstance(source, ExternalSource) else check_external_source(*source)
             for source in external]
    return Sources(tuple(check_article_quote(library, a, q) for a, q in articles),
                   tuple(check_external_source(s.url, s.quote, s.title) for s in pages))


def _replace(conn: sqlite3.Connection, item_id: str, sources: Sources) -> None:
    conn.execute("DELETE FROM source_links WHERE item_id = ?", (item_id,))
    conn.execute("DELETE FROM external_sources WHERE item_id = ?", (item_id,))
    _write_sources(conn, item_id, sources.articles, sources.external)


def set_sources(library: Library, item_id: str, articles: Sequence[ArticleQuote],
                external: Sequence[tuple[str, str]] | Sequence[ExternalSource]) -> SourcesEdit:
    """Replace a user item's sources (a shipped item's sources come with the catalog)."""
    if origin_of(library, item_id) != "user":
        raise ItemEditError(f"item {item_id!r} is a shipped item: its sources come with the catalog")
    after = checked_sources(library, articles, external)
    with library.store.transaction() as conn:
        before = sources_of(library, item_id)
        if before != after:
            _replace(conn, item_id, after)
            events.record(conn, "item-edit", item_id=item_id, sources_before=before.describe(),
                          sources_after=after.describe())
    return SourcesEdit(item_id, before, after)


def edit_user_item(library: Library, item_id: str, values: Mapping[str, Any],
                   sources: Sources | None = None) -> UserItemEdit:
    """Change an item's fields (a shipped item's facts become corrections) and, for a user item, its sources,
    in one transaction with one event."""
    checked = checked_sources(library, sources.articles, sources.external) if sources is not None else None
    if checked is not None and origin_of(library, item_id) != "user":
        raise ItemEditError(f"item {item_id!r} is a shipped item: its sources come with the catalog")
    with library.store.transaction() as conn:
        fields = _edit_in(library, conn, item_id, values) if values else None
        source_edit = None
        if checked is not None:
            before = sources_of(library, item_id)
            source_edit = SourcesEdit(item_id, before, checked)
            if source_edit.changed:
                _replace(conn, item_id, checked)
        edit = UserItemEdit(item_id, fields, source_edit, _changes(item_id, fields, source_edit))
        if edit.changed:
            details: dict[str, Any] = {}
            if fields is not None and fields.changed:
                details.update(before=fields.before, after=fields.after)
            if source_edit is not None and source_edit.changed:
                details.update(sources_before=source_edit.before.describe(),
                               sources_after=source_edit.after.describe())
            events.record(conn, "item-edit", item_id=item_id, **details)
    return edit


def undo_user_item_edit(library: Library, edit: UserItemEdit) -> UserItemEdit:
    """Put the fields and sources back as they were before `edit`; the result undone again is the redo."""
    with library.store.transaction() as conn:
        fields = _restore(library, conn, edit.fields) if edit.fields is not None and edit.fields.changed else None
        source_edit = None
        if edit.sources is not None and edit.sources.changed:
            _replace(conn, edit.item_id, edit.sources.before)
            source_edit = SourcesEdit(edit.item_id, edit.sources.after, edit.sources.before)
        details: dict[str, Any] = {"undo": True}
        if fields is not None:
            details.update(before=fields.before, after=fields.after)
        if source_edit is not None:
            details.update(sources_before=source_edit.before.describe(), sources_after=source_edit.after.describe())
        events.record(conn, "item-edit", item_id=edit.item_id, **details)
    return UserItemEdit(edit.item_id, fields, source_edit, edit.changes)


def _changes(item_id: str, fields: ItemEdit | None, sources: SourcesEdit | None) -> Changes:
    if not ((fields and fields.changed) or (sources and sources.changed)):
        return Changes()
    facets = bool(fields and {"media_type", "kind", "mission_phase"} & set(fields.after))
    return Changes.of_items([item_id], facets=facets or bool(sources and sources.changed), events=True)


__all__ = ["Sources", "SourcesEdit", "UserItemEdit", "checked_sources", "edit_user_item", "set_sources",
           "sources_of", "undo_user_item_edit"]
