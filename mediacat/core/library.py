"""The catalog service: one open library (folder + database) and every read the CLI and GUI need.

Writes that belong to a feature live in that feature's module (attachments, tags, csv_import ...) and take a
`Library`; they all write through `library.store.transaction()`.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, cast

from mediacat.core.catalog_order import CATALOG_ORDER_SQL, CatalogOrder, read_catalog_order
from mediacat.core.errors import LibraryError, UnknownArticle, UnknownItem
from mediacat.core.model import Article, Attachment, BuiltinMedia, Item, ItemRow, MissionPhase, SourceLink
from mediacat.core.recovery import recover_interrupted_files
from mediacat.core.search import ItemQuery, to_fts_query
from mediacat.core.seeds import SeedReport, apply_seed_catalog, load_seed_catalog
from mediacat.core.store import Store, open_store
from mediacat.core.store.chunks import chunks as _chunks
from mediacat.core.store.health import begin_session, clear_sessions, end_session, stale_sessions
from mediacat.core.timeline_seed import apply_seed_timeline, load_seed_timeline
from mediacat.paths import LibraryPaths, resolve_library_dir, seeds_dir

_SORT_SQL = {
    "catalog": CATALOG_ORDER_SQL,
    "title": "i.title COLLATE NOCASE, i.id",
    "media_type": "i.media_type, i.title COLLATE NOCASE",
    "kind": "i.kind, i.title COLLATE NOCASE",
    "camera": "i.camera IS NULL, i.camera COLLATE NOCASE, i.id",
    "date_taken": "i.date_taken IS NULL, i.date_taken, i.id",
    "mission_phase": "p.position IS NULL, p.position, i.seed_position, i.id",
    "credit": "i.credit IS NULL, i.credit COLLATE NOCASE, i.id",
    "attachments": "(SELECT count(*) FROM attachments a WHERE a.item_id = i.id), i.id",
    "sources": "(SELECT count(*) FROM source_links s WHERE s.item_id = i.id), i.id",
}


@dataclass(frozen=True)
class StatusCounts:
    """What the status bar says about a query's result: `shown` items, `with_media` of them, of `total`."""

    shown: int
    with_media: int
    total: int


class Library:
    """An open library. Use from one thread; other threads call `reopen()` for their own connection."""

    def __init__(
        self, paths: LibraryPaths, store: Store, seed_report: SeedReport | None = None, seeds: Path | None = None,
        *, session: Path | None = None, checked_on_open: bool = False,
    ) -> None:
        self.paths = paths
        self.store = store
        self.seed_report = seed_report
        self.seeds_dir = seeds or seeds_dir()  # where the built-in media files of this install are
        self._session = session  # this open's marker (mediacat.core.store.health); removed by close()
        self.checked_on_open = checked_on_open  # quick_check ran because a previous run ended uncleanly
        self._media_cache: tuple[tuple[int, int], frozenset[str], int] | None = None
        self._facet_items: tuple[str, list[Any]] | None = None  # what temp.facet_items holds, in facet_counts

    @classmethod
    def open(
        cls,
        root: str | os.PathLike[str] | None = None,
        *,
        seeds: Path | None = None,
        apply_seeds: bool = True,
    ) -> Library:
        """Open (creating and seeding on first use) the library at `root`, or the default one.

        SQLite's quick_check runs only when a previous run of this host left the library open (it crashed or was
        killed): a clean `close()` removes this open's session marker (mediacat.core.store.health).
        """
        paths = LibraryPaths(resolve_library_dir(root))
        stale = stale_sessions(paths.root)
        store = open_store(paths.database, verify=bool(stale))
        report = None
        if apply_seeds:
            try:
                report = apply_seed_catalog(store, load_seed_catalog(seeds or seeds_dir()))
                timeline = load_seed_timeline(seeds or seeds_dir())  # issue 14: events and item times
                if timeline is not None:
                    apply_seed_timeline(store, timeline)
            except sqlite3.DatabaseError as error:
                store.close()
                raise _unreadable(paths.database, error) from error
            except BaseException:
                store.close()
                raise
        clear_sessions(stale)
        recover_interrupted_files(store, paths)  # cheap: one folder; `check` also walks media/
        return cls(paths, store, report, seeds, session=begin_session(paths.root), checked_on_open=bool(stale))

    def reopen(self, *, any_thread: bool = False) -> Library:
        """A second connection to the same library, for another thread (seeds already applied).

        `any_thread`: usable by any one thread at a time (a pooled connection), not only the opening one.
        """
        store = open_store(self.paths.database, create=False, verify=False, any_thread=any_thread)
        return Library(self.paths, store, None, self.seeds_dir)

    def close(self) -> None:
        self.store.close()
        end_session(self._session)
        self._session = None

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- settings kept in the library -------------------------------------------------------------

    @property
    def link_base_dir(self) -> Path | None:
        """Linked files inside this folder are stored relative to it, so the tree can move."""
        value = self.store.get_meta("link_base_dir")
        return Path(value) if value else None

    def set_link_base_dir(self, folder: Path | None) -> None:
        with self.store.transaction():
            if folder is None:
                self.store.execute("DELETE FROM meta WHERE key = 'link_base_dir'")
            else:
                self.store.set_meta("link_base_dir", str(Path(folder).resolve()))

    # -- articles and phases --------------------------------------------------------------------

    def mission_phases(self) -> list[MissionPhase]:
        rows = self.store.execute("SELECT id, label, position, description FROM mission_phases ORDER BY position")
        return [MissionPhase(*row) for row in rows]

    def credit_lines(self) -> list[str]:
        """The distinct known credit lines of the catalog's items, most used first (for Help ▸ About)."""
        rows = self.store.execute(
            "SELECT credit FROM items WHERE credit IS NOT NULL AND trim(credit) != '' "
            "AND lower(credit) != 'unknown' GROUP BY credit ORDER BY count(*) DESC, credit"
        )
        return [row[0] for row in rows]

    def articles(self) -> list[Article]:
        rows = self.store.execute(
            "SELECT id, outlet, title, date, author, url FROM articles ORDER BY date, outlet, id"
        )
        return [Article(*row) for row in rows]

    def article(self, article_id: str) -> Article:
        row = self.store.execute(
            "SELECT id, outlet, title, date, author, url, text FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        if row is None:
            raise UnknownArticle(article_id)
        return Article(*row)

    def article_mentions(self, article_id: str) -> list[tuple[str, str, str]]:
        """(item id, item title, quote) for every item the article mentions, in the article's order."""
        article = self.article(article_id)
        rows = self.store.execute(
            "SELECT s.item_id, i.title, s.quote FROM source_links s JOIN items i ON i.id = s.item_id "
            "WHERE s.article_id = ?",
            (article_id,),
        ).fetchall()
        return sorted(rows, key=lambda row: (article.text.find(row[2]), row[0]))

    # -- items ----------------------------------------------------------------------------------

    def item_ids(self, query: ItemQuery | None = None, *, order: CatalogOrder | None = None) -> list[str]:
        """The ids of the items that match `query`, in its order (the search runs in SQL / FTS5).

        With `order` (a fresh `catalog_order()`), a search in the catalog order is ordered by it instead of by
        SQL: FTS5 gives the hits' rowids and no item row is read (mediacat.core.catalog_order)."""
        query = query or ItemQuery()
        if order is not None and self.searches_by_place(query):
            return order.ids_at(self.item_places(query, order), descending=query.descending)
        sql, params = self._query_sql(query)
        return [row[0] for row in self.store.execute(sql, params)]

    @staticmethod
    def searches_by_place(query: ItemQuery) -> bool:
        """Whether `item_ids(query, order=)` orders the hits by their places in `order` (a search in the
        catalog order), not in SQL."""
        return query.sort == "catalog" and bool(to_fts_query(query.search))

    def item_places(self, query: ItemQuery, order: CatalogOrder) -> list[int]:
        """A search's hits as their places in `order`, ascending (`order.ids_at` makes them ids): for a query
        `searches_by_place`. FTS5 gives the hits' rowids and no item row is read."""
        joins, where, params = self._filter_sql(query)
        # One row, a JSON array of the pks: SQLite finds them all without a Python step per hit (and holds
        # no interpreter lock meanwhile, which the GUI thread's layout of the previous answer may want).
        if len(where) == 1:  # the search alone: the FTS rowids are the items' pks
            sql = "SELECT json_group_array(rowid) FROM items_fts WHERE items_fts MATCH ?"
        else:
            sql = f"SELECT json_group_array(i.pk) FROM items i {' '.join(joins)} {_where(where)}"
        return order.places_of(json.loads(self.store.execute(sql, params).fetchone()[0]))

    def catalog_order(self) -> CatalogOrder:
        """Every item in the catalog order with its place by pk: the unfiltered query's answer, to keep and
        pass to `item_ids(order=)` until items are added, removed or edited."""
        return read_catalog_order(self.store.execute)

    def count_items(self, query: ItemQuery | None = None) -> int:
        sql, params = self._query_sql(query or ItemQuery(), count=True)
        return self.store.execute(sql, params).fetchone()[0]

    def _query_sql(self, query: ItemQuery, *, count: bool = False) -> tuple[str, list[Any]]:
        joins, where, params = self._filter_sql(query)
        joins.append("LEFT JOIN mission_phases p ON p.id = i.mission_phase")
        fts = to_fts_query(query.search)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        if count:
            return f"SELECT count(*) FROM items i {' '.join(joins)} {clause}", params
        if query.sort == "relevance" and fts:
            order = "f.rank, i.id"
        else:
            order = _SORT_SQL.get(query.sort, _SORT_SQL["catalog"])
        if query.descending:
            order = ", ".join(f"{part} DESC" for part in order.split(", "))
        return f"SELECT i.id FROM items i {' '.join(joins)} {clause} ORDER BY {order}", params

    @staticmethod
    def _filter_sql(query: ItemQuery, skip: str | None = None) -> tuple[list[str], list[str], list[Any]]:
        """The joins, WHERE terms and parameters of `query`'s filters on `items i`, leaving out facet `skip`.

        Set-based: each tag, the articles, "has attachments" and a list of ids are `i.id IN (an item set)` read
        from an index once, never a subquery per item. With a tag or a list of ids (usually few items) the
        query starts from that set (SQLite looks each item up by its id) and the media type, kind and phase
        terms are written `+i.column`, checked on those rows (so they are with a search, which starts from its
        hits): without statistics SQLite would otherwise scan
        that facet's index range (every image, for a tag's 700 items: ~50x slower).
        """
        joins: list[str] = []
        where: list[str] = []
        params: list[Any] = []
        fts = to_fts_query(query.search)
        if fts:
            joins.append("JOIN items_fts f ON f.rowid = i.pk")
            where.append("items_fts MATCH ?")
            params.append(fts)
        for tag in query.tags:
            where.append("i.id IN (SELECT it.item_id FROM item_tags it "
                         "WHERE it.tag_id = (SELECT t.id FROM tags t WHERE t.name = ?))")
            params.append(tag)
        if query.item_ids is not None:
            where.append("i.id IN (SELECT value FROM json_each(?))")
            params.append(json.dumps(list(query.item_ids)))
        # A search starts from its FTS5 hits too: SQLite would otherwise read a type's index range and run the
        # MATCH once per item of it (search + Images: minutes at 100,000 items instead of ~30 ms).
        checked = "+" if _starts_from_items(query) or fts else ""
        for facet, column, values in (
            ("media_type", "i.media_type", query.media_types),
            ("kind", "i.kind", query.kinds),
            ("mission_phase", "i.mission_phase", query.phases),
        ):
            if values and facet != skip:
                where.append(f"{checked}{column} IN ({', '.join('?' * len(values))})")
                params.extend(values)
        if query.article_ids and skip != "article":
            marks = ", ".join("?" * len(query.article_ids))
            where.append(f"i.id IN (SELECT s.item_id FROM source_links s WHERE s.article_id IN ({marks}))")
            params.extend(query.article_ids)
        if query.has_attachments is not None:
            where.append(f"i.id {'' if query.has_attachments else 'NOT '}IN (SELECT a.item_id FROM attachments a)")
        return joins, where, params

    def _matching_ids_sql(self, query: ItemQuery, skip: str | None = None) -> tuple[str, list[Any]]:
        """`SELECT i.id ...` of the items `query`'s filters (but `skip`'s) match; "" when nothing filters."""
        joins, where, params = self._filter_sql(query, skip)
        return (f"SELECT i.id FROM items i {' '.join(joins)} {_where(where)}" if where else ""), params

    def item(self, item_id: str) -> Item:
        items = self.items([item_id])
        if not items:
            raise UnknownItem(item_id)
        return items[0]

    def items(self, item_ids: Sequence[str]) -> list[Item]:
        """Full items (sources, tags, attachments) in the order of `item_ids`; unknown ids are skipped."""
        found: dict[str, Item] = {}
        for chunk in _chunks(item_ids):
            found.update(self._load_items(chunk))
        return [found[item_id] for item_id in item_ids if item_id in found]

    def _load_items(self, item_ids: Sequence[str]) -> dict[str, Item]:
        marks = ", ".join("?" * len(item_ids))
        rows = self.store.execute(
            "SELECT id, title, media_type, kind, camera, date_taken, mission_phase, credit, description, "
            f"nasa_ids, official_urls, media_urls, notes, origin FROM items WHERE id IN ({marks})",
            list(item_ids),
        ).fetchall()
        tags = self._tags_by_item(item_ids)
        sources: dict[str, list[SourceLink]] = {}
        for item_id, *link in self.store.execute(
            "SELECT s.item_id, s.article_id, a.outlet, a.title, a.date, s.quote FROM source_links s "
            f"JOIN articles a ON a.id = s.article_id WHERE s.item_id IN ({marks}) ORDER BY s.item_id, s.position",
            list(item_ids),
        ):
            sources.setdefault(item_id, []).append(SourceLink(*link))
        attachments: dict[str, list[Attachment]] = {}
        for attachment in self.attachments_of(item_ids):
            attachments.setdefault(attachment.item_id, []).append(attachment)
        overrides: dict[str, dict[str, Any]] = {}
        for item_id, name, seed in self.store.execute(
            f"SELECT item_id, field, seed_value FROM item_overrides WHERE item_id IN ({marks})", list(item_ids)
        ):
            overrides.setdefault(item_id, {})[name] = json.loads(seed) if seed is not None else None
        external: dict[str, list[dict[str, str]]] = {}
        for item_id, url, quote, title in self.store.execute(
            f"SELECT item_id, url, quote, title FROM external_sources WHERE item_id IN ({marks}) "
            "ORDER BY item_id, position", list(item_ids)
        ):
            external.setdefault(item_id, []).append({"url": url, "quote": quote, "title": title})
        builtin: dict[str, list[BuiltinMedia]] = {}
        for media in self.builtin_media_of(item_ids):
            builtin.setdefault(media.item_id, []).append(media)
        from mediacat.core.timeline import item_times_json  # the timeline module reads through this class

        times = item_times_json(self, item_ids)
        items = {}
        for row in rows:
            item_id = row[0]
            items[item_id] = Item(
                id=item_id,
                title=row[1],
                media_type=row[2],
                kind=row[3],
                camera=row[4],
                date_taken=row[5],
                mission_phase=row[6],
                credit=row[7],
                description=row[8],
                nasa_ids=tuple(json.loads(row[9])),
                official_urls=tuple(json.loads(row[10])),
                media_urls=tuple(json.loads(row[11])),
                notes=row[12],
                origin=row[13],
                tags=tuple(tags.get(item_id, ())),
                sources=tuple(sources.get(item_id, ())),
                attachments=tuple(attachments.get(item_id, ())),
                overrides=overrides.get(item_id, {}),
                external_sources=tuple(external.get(item_id, ())),
                builtin_media=tuple(builtin.get(item_id, ())),
                time=times.get(item_id),
            )
        return items

    def _tags_by_item(self, item_ids: Sequence[str]) -> dict[str, list[str]]:
        tags: dict[str, list[str]] = {}
        rows = self.store.execute(
            "SELECT it.item_id, t.name FROM item_tags it JOIN tags t ON t.id = it.tag_id "
            f"WHERE it.item_id IN ({', '.join('?' * len(item_ids))}) ORDER BY t.name COLLATE NOCASE",
            list(item_ids),
        )
        for item_id, name in rows:
            tags.setdefault(item_id, []).append(name)
        return tags

    def item_rows(self, item_ids: Sequence[str]) -> dict[str, ItemRow]:
        """Light rows for display, by id (the GUI's lazy model asks for a screenful at a time)."""
        result: dict[str, ItemRow] = {}
        for chunk in _chunks(item_ids):
            marks = ", ".join("?" * len(chunk))
            tags = self._tags_by_item(chunk)
            rows = self.store.execute(
                f"""SELECT i.id, i.title, i.media_type, i.kind, i.camera, i.date_taken, i.mission_phase,
                          p.position, i.credit,
                          (SELECT count(*) FROM attachments a WHERE a.item_id = i.id),
                          (SELECT count(*) FROM source_links s WHERE s.item_id = i.id),
                          (SELECT a.id FROM attachments a WHERE a.item_id = i.id ORDER BY a.id LIMIT 1),
                          (SELECT count(*) FROM attachments a WHERE a.item_id = i.id
                               AND a.check_status IN ('missing', 'modified', 'unreadable'))
                   FROM items i LEFT JOIN mission_phases p ON p.id = i.mission_phase
                   WHERE i.id IN ({marks})""",
                list(chunk),
            ).fetchall()
            first_ids = [row[11] for row in rows if row[11] is not None]
            first = {a.id: a for a in self.attachments_by_id(first_ids)}
            builtin: dict[str, BuiltinMedia] = {}
            for media in self.builtin_media_of(chunk):
                builtin.setdefault(media.item_id, media)
            for row in rows:
                attachment = first.get(row[11]) if row[11] is not None else None
                result[row[0]] = ItemRow(
                    id=row[0],
                    title=row[1],
                    media_type=row[2],
                    kind=row[3],
                    camera=row[4],
                    date_taken=row[5],
                    mission_phase=row[6],
                    phase_position=row[7],
                    credit=row[8],
                    tags=tuple(tags.get(row[0], ())),
                    attachment_count=row[9],
                    source_count=row[10],
                    first_attachment_path=attachment.resolved_path if attachment else None,
                    first_attachment_sha256=attachment.sha256 if attachment else None,
                    first_attachment_media_type=attachment.media_type if attachment else None,
                    problem_attachments=row[12],
                    builtin=builtin.get(row[0]),
                )
        return result

    def item_ids_with_attachments(self) -> frozenset[str]:
        """Every item that has at least one attached file (the status bar's "with media" count)."""
        return self._media_items()[0]

    def item_ids_with_builtin_media(self) -> frozenset[str]:
        """Every item that shows a built-in NASA file shipped with the seed catalog (a few rows: not cached)."""
        return frozenset(row[0] for row in self.store.execute("SELECT DISTINCT item_id FROM builtin_media"))

    def status_counts(self, item_ids: Sequence[str]) -> StatusCounts:
        """The status bar's counts for a query's result `item_ids`: how many, how many with media, of how many.

        One pass over the ids against a cached set of the items with attachments (and the catalog's size), read
        again only when the database changed (this connection's `total_changes` or, for other connections'
        commits, `PRAGMA data_version`): no query is repeated per search. Runs on any reader connection.
        """
        media, total = self._media_items()
        with_media = len(media.intersection(item_ids)) if media else 0
        return StatusCounts(len(item_ids), with_media, total)

    def _media_items(self) -> tuple[frozenset[str], int]:
        key = (self.store.execute("PRAGMA data_version").fetchone()[0], self.store.conn.total_changes)
        if self._media_cache is None or self._media_cache[0] != key:
            media = frozenset(row[0] for row in self.store.execute("SELECT DISTINCT item_id FROM attachments"))
            total = self.store.execute("SELECT count(*) FROM items").fetchone()[0]
            self._media_cache = (key, media, total)
        return self._media_cache[1], self._media_cache[2]

    def quick_check(self) -> list[str]:
        """SQLite's structural check of the whole file on this connection: [] when sound, else its messages."""
        from mediacat.core.store.health import quick_check

        return quick_check(self.store.conn)

    def facet_counts(self, query: ItemQuery | None = None) -> dict[str, dict[str, int]]:
        """Counts per value for the filter side bar: media_type, kind, mission_phase ('' = none), article, tag.

        Narrowed by `query` as digiKam and calibre do: each facet counts the items that match the search and
        every *other* facet's filter, so with Images checked the Kind facet counts only images while the Media
        type facet still counts every type (its values are alternatives: checking one more adds items).
        Tags must all be present, so the tag facet is narrowed by the checked tags too.

        One read transaction (every facet counts the same snapshot). The filters no facet skips (search, tags,
        ids, attachments) are run once: their items go into a temporary table with their three columns and
        whether the checked articles link them, and every facet is counted from it (the three column facets
        from one GROUP BY of it, each summed here over the rows the other facets' filters let through). With
        none of those filters, a set that is most of the catalog (Images: 70 %) is counted as the unfiltered
        counts (covering indexes) minus the counts of its complement; "has no attachments" likewise as the
        counts without that filter minus those of the attached items, while they are the fewer.
        """
        query = query or ItemQuery()
        conn = self.store.conn
        own = not conn.in_transaction
        if own:
            self.store.execute("BEGIN")
        try:
            self.store.execute(_FACET_ITEMS_TABLE)
            if query.has_attachments is False:
                media, total = self._media_items()
                if 2 * len(media) <= total:  # count the attached items, the fewer, and take them away
                    facets = _minus(self._facet_counts(replace(query, has_attachments=None)),
                                    self._facet_counts(replace(query, has_attachments=True)))
                else:
                    facets = self._facet_counts(query)
            else:
                facets = self._facet_counts(query)
        except BaseException:
            if own and conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        finally:
            self._facet_items = None
        self.store.execute("DELETE FROM temp.facet_items")
        if own:
            self.store.execute("COMMIT")
        return facets

    def _facet_counts(self, query: ItemQuery) -> dict[str, dict[str, int]]:
        """`facet_counts` inside its transaction, with `temp.facet_items` created."""
        base = replace(query, media_types=(), kinds=(), phases=(), article_ids=())
        marks = ", ".join("?" * len(query.article_ids))
        in_articles = (f"i.id IN (SELECT s.item_id FROM source_links s WHERE s.article_id IN ({marks}))"
                       if query.article_ids else "")
        columns, column_params = _column_terms(query, "m")
        if self._matching_ids_sql(base)[0]:
            # The filters that every facet obeys, run once (a search's MATCH, a tag's rows); then each facet
            # from the temporary table: its few rows' links and tags looked up by id.
            joins, where, params = self._filter_sql(base)
            self._fill_facet_items(
                f"SELECT i.id, i.media_type, i.kind, i.mission_phase, {in_articles or '1'} "
                f"FROM items i {' '.join(joins)} {_where(where)}", [*query.article_ids, *params])
            cube = self.store.execute(
                "SELECT media_type, kind, mission_phase, count(*) FROM temp.facet_items m "
                f"{'WHERE m.in_articles' if in_articles else ''} GROUP BY 1, 2, 3").fetchall()
            facets = _column_facets(cube, query)
            facets["article"] = self._article_counts(_where(columns), column_params)
            tag_terms = [*columns, "m.in_articles"] if in_articles else columns
            facets["tag"] = self._tag_counts(_where(tag_terms), column_params)
            return facets
        # Nothing but the facets' own filters: the set of each is a part of the catalog, counted directly when
        # it is the smaller part, else as the whole catalog's counts minus its complement's.
        everything = self.store.execute(
            "SELECT media_type, kind, mission_phase, count(*) FROM items GROUP BY 1, 2, 3").fetchall()
        total = sum(row[3] for row in everything)
        cube, tags = everything, None
        if in_articles:  # the articles' items, read once: the column facets and the tag facet count them
            self._fill_facet_items(f"SELECT i.id, i.media_type, i.kind, i.mission_phase, 1 FROM items i "
                                   f"WHERE {in_articles}", list(query.article_ids))
            cube = self.store.execute("SELECT media_type, kind, mission_phase, count(*) FROM temp.facet_items "
                                      "GROUP BY 1, 2, 3").fetchall()
            tags = self._tag_counts(_where(columns), column_params)
        facets = _column_facets(cube, query)
        item_terms, item_params = _column_terms(query, "i", plus="+")
        passing = sum(row[3] for row in _passing(everything, query))  # the article facet's set
        facets["article"] = self._part_counts(self._article_counts, item_terms, item_params, passing, total)
        facets["tag"] = tags if tags is not None else self._part_counts(
            self._tag_counts, item_terms, item_params, passing, total)
        return facets

    def _part_counts(self, count: Any, terms: list[str], params: list[Any], size: int,
                     total: int) -> dict[str, int]:
        """`count("", [])` (a facet's counts over `temp.facet_items`) for the items `terms` select, `size` of
        the catalog's `total`: the unfiltered counts with no terms, else from the smaller side."""
        if not terms:
            return cast(dict[str, int], count("", [], everything=True))
        condition = " AND ".join(terms)
        if 2 * size <= total:
            self._fill_facet_items(f"SELECT i.id, NULL, NULL, NULL, 1 FROM items i WHERE {condition}", params)
            return cast(dict[str, int], count("", []))
        self._fill_facet_items(f"SELECT i.id, NULL, NULL, NULL, 1 FROM items i WHERE NOT coalesce({condition}, 0)",
                               params)
        return _minus_one(count("", [], everything=True), count("", []))

    def _fill_facet_items(self, select: str, params: list[Any]) -> None:
        """`temp.facet_items` := the rows of `select` (kept when it holds them already: the article and tag
        facets of one part of the catalog share them)."""
        if self._facet_items == (select, params):
            return
        self.store.execute("DELETE FROM temp.facet_items")
        self.store.execute(
            f"INSERT INTO temp.facet_items(id, media_type, kind, mission_phase, in_articles) {select}", params)
        self._facet_items = (select, params)

    def _article_counts(self, where: str, params: list[Any], *, everything: bool = False) -> dict[str, int]:
        """Items per article: of `temp.facet_items` (`where` on its rows `m`), or of the whole catalog."""
        if everything:  # the covering index (article_id, item_id) alone
            sql = "SELECT article_id, count(DISTINCT item_id) FROM source_links GROUP BY article_id"
        else:
            sql = ("SELECT s.article_id, count(DISTINCT s.item_id) FROM temp.facet_items m "
                   f"CROSS JOIN source_links s ON s.item_id = m.id {where} GROUP BY s.article_id")
        return dict(self.store.execute(sql, params).fetchall())

    def _tag_counts(self, where: str, params: list[Any], *, everything: bool = False) -> dict[str, int]:
        """Items per tag name: of `temp.facet_items` (`where` on its rows `m`), or of the whole catalog."""
        if everything:  # the index on tag_id alone
            counts = "SELECT tag_id, count(*) AS n FROM item_tags GROUP BY tag_id"
        else:
            counts = ("SELECT it.tag_id, count(*) AS n FROM temp.facet_items m "
                      f"CROSS JOIN item_tags it ON it.item_id = m.id {where} GROUP BY it.tag_id")
        return dict(self.store.execute(
            f"SELECT t.name, c.n FROM ({counts}) c JOIN tags t ON t.id = c.tag_id", params).fetchall())

    # -- built-in media (shipped with the seeds; read-only) ----------------------------------------

    def builtin_media_of(self, item_ids: Iterable[str] | None = None) -> list[BuiltinMedia]:
        """The built-in files of these items (all items with None), in item then manifest order."""
        sql = ("SELECT item_id, path, sha256, size, relation, label, credit, width, height, media_type, mime, "
               "shows, confidence, source FROM builtin_media")
        params: list[str] = []
        if item_ids is not None:
            params = list(item_ids)
            if not params:
                return []
            sql += " WHERE item_id IN (SELECT value FROM json_each(?))"
            params = [json.dumps(params)]
        rows = self.store.execute(sql + " ORDER BY item_id, position", params)
        return [
            BuiltinMedia(
                item_id=row[0], path=str(self.seeds_dir / row[1]), sha256=row[2], size=row[3], relation=row[4],
                label=row[5], credit=row[6], width=row[7], height=row[8], media_type=row[9], mime=row[10],
                shows=row[11], confidence=row[12], source=json.loads(row[13]),
            )
            for row in rows
        ]

    # -- attachments (read side; writing lives in mediacat.core.attachments) ----------------------

    _ATTACHMENT_COLUMNS = (
        "id, item_id, mode, path, original_name, sha256, size, mtime, mime, media_type, width, height, "
        "duration, facts, provenance, added_at, check_status, checked_at"
    )

    def attachments_of(self, item_ids: Iterable[str]) -> list[Attachment]:
        ids = list(item_ids)
        if not ids:
            return []
        rows = self.store.execute(
            f"SELECT {self._ATTACHMENT_COLUMNS} FROM attachments "
            f"WHERE item_id IN ({', '.join('?' * len(ids))}) ORDER BY item_id, id",
            ids,
        )
        return [self._attachment(row) for row in rows]

    def attachments_by_id(self, attachment_ids: Iterable[int]) -> list[Attachment]:
        ids = list(attachment_ids)
        if not ids:
            return []
        rows = self.store.execute(
            f"SELECT {self._ATTACHMENT_COLUMNS} FROM attachments WHERE id IN ({', '.join('?' * len(ids))})",
            ids,
        )
        return [self._attachment(row) for row in rows]

    def attachments_where(self, where: str, params: dict[str, Any] | Sequence[Any] = ()) -> list[Attachment]:
        """The attachments a WHERE clause on `attachments` selects (for set-based readers such as export)."""
        rows = self.store.execute(f"SELECT {self._ATTACHMENT_COLUMNS} FROM attachments {where} ORDER BY item_id, id",
                                  params)
        return [self._attachment(row) for row in rows]

    def all_attachments(self) -> list[Attachment]:
        rows = self.store.execute(f"SELECT {self._ATTACHMENT_COLUMNS} FROM attachments ORDER BY item_id, id")
        return [self._attachment(row) for row in rows]

    def resolve_attachment_path(self, mode: str, stored_path: str) -> Path:
        """Where an attachment's file is on this machine."""
        path = Path(stored_path)
        if mode == "copy":
            return self.paths.media / path
        if path.is_absolute():
            return path
        base = self.link_base_dir
        return (base / path) if base else path.resolve()

    def _attachment(self, row: Sequence[Any]) -> Attachment:
        return Attachment(
            id=row[0],
            item_id=row[1],
            mode=row[2],
            path=row[3],
            original_name=row[4],
            sha256=row[5],
            size=row[6],
            mtime=row[7],
            mime=row[8],
            media_type=row[9],
            width=row[10],
            height=row[11],
            duration=row[12],
            facts=json.loads(row[13]),
            provenance=json.loads(row[14]),
            added_at=row[15],
            status=row[16],
            checked_at=row[17],
            resolved_path=str(self.resolve_attachment_path(row[2], row[3])),
        )


# The items one facet_counts call counts (a query's items, or one part of the catalog), on the reader's own
# connection: a temporary table is this connection's alone and writes nothing to the library's file.
_FACET_ITEMS_TABLE = ("CREATE TEMP TABLE IF NOT EXISTS facet_items(id TEXT NOT NULL, media_type TEXT, kind TEXT, "
                      "mission_phase TEXT, in_articles INTEGER NOT NULL)")
_COLUMN_FACETS = ("media_type", "kind", "mission_phase")


def _column_terms(query: ItemQuery, alias: str, *, plus: str = "") -> tuple[list[str], list[Any]]:
    """The type, kind and phase filters of `query` as terms on `alias`'s columns (`plus`: "+" keeps SQLite
    from reading the column's index range instead of scanning the table in order)."""
    terms: list[str] = []
    params: list[Any] = []
    for column, values in zip(_COLUMN_FACETS, (query.media_types, query.kinds, query.phases), strict=True):
        if values:
            terms.append(f"{plus}{alias}.{column} IN ({', '.join('?' * len(values))})")
            params.extend(values)
    return terms, params


def _passing(cube: list[Any], query: ItemQuery, skip: str | None = None) -> list[Any]:
    """The rows (media_type, kind, mission_phase, count) of `cube` every column filter but `skip`'s lets
    through (a row with no phase never passes a phase filter, as `mission_phase IN (...)` does not)."""
    wanted = [(position, set(values)) for position, (facet, values) in enumerate(
        zip(_COLUMN_FACETS, (query.media_types, query.kinds, query.phases), strict=True)) if values and facet != skip]
    return [row for row in cube if all(row[position] in values for position, values in wanted)]


def _column_facets(cube: list[Any], query: ItemQuery) -> dict[str, dict[str, int]]:
    """The three column facets from one GROUP BY of the three columns: each summed over the rows the other
    two facets' filters let through, in the value order a GROUP BY of one gives."""
    facets: dict[str, dict[str, int]] = {}
    for position, facet in enumerate(_COLUMN_FACETS):
        counts: dict[str, int] = {}
        for row in _passing(cube, query, skip=facet):
            value = row[position] or ""
            counts[value] = counts.get(value, 0) + row[3]
        facets[facet] = dict(sorted(counts.items()))
    return facets


def _minus_one(whole: dict[str, int], part: dict[str, int]) -> dict[str, int]:
    """Counts of the whole minus those of a part of it, leaving out the values that have none left."""
    return {value: count - part.get(value, 0) for value, count in whole.items() if count > part.get(value, 0)}


def _minus(whole: dict[str, dict[str, int]], part: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    return {facet: _minus_one(counts, part.get(facet, {})) for facet, counts in whole.items()}


def _starts_from_items(query: ItemQuery) -> bool:
    """Whether `query` has a filter whose items are usually few and read by id from an index (a tag, a list of
    ids): the set `_filter_sql` then starts from. (An article's or the attached items' set may be most of the
    catalog: SQLite chooses for those.)"""
    return bool(query.tags) or query.item_ids is not None


def _where(terms: list[str]) -> str:
    return f"WHERE {' AND '.join(terms)}" if terms else ""


def _unreadable(path: Path, error: sqlite3.DatabaseError) -> LibraryError:
    """The error for a database SQLite could not read while opening it (now that quick_check does not run on
    every open, damage may first show here): "corrupt" only when SQLite says so."""
    if (getattr(error, "sqlite_errorcode", None) or 0) & 0xFF == sqlite3.SQLITE_CORRUPT:
        return LibraryError(f"{path}: the library database is corrupt ({error}); left untouched "
                            "(run `mediacat check --database`)")
    return LibraryError(f"{path}: the library database cannot be read ({error})")
