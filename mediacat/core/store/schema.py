"""The schema, as one migration function per version step (`PRAGMA user_version` counts the steps done).

To change the schema, append a step to MIGRATIONS; never edit one that has shipped. A step is an SQL script
or a function that changes the data with `conn.execute` (never `executescript`, which commits). Each step
runs inside the exclusive transaction that also bumps user_version, so a failed step leaves the file as
it was.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

# Full-text search document of one item, refreshed by triggers whenever the item, its tags, its source
# quotes or a tag's name change, so no write path can forget to re-index.
_FTS_COLUMNS = "title, description, camera, credit, tags, notes, quotes"


def _refresh_fts(pk_expression: str) -> str:
    return f"""
        DELETE FROM items_fts WHERE rowid = ({pk_expression});
        INSERT INTO items_fts(rowid, {_FTS_COLUMNS})
            SELECT pk, {_FTS_COLUMNS} FROM item_search_documents WHERE pk = ({pk_expression});"""


_SCHEMA_V1 = f"""
        CREATE TABLE meta (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        CREATE TABLE mission_phases (
            id TEXT PRIMARY KEY,
            label TEXT NOT NULL,
            position INTEGER NOT NULL,
            description TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE articles (
            id TEXT PRIMARY KEY,
            outlet TEXT NOT NULL,
            title TEXT NOT NULL,
            date TEXT NOT NULL,
            author TEXT NOT NULL,
            url TEXT,
            text TEXT NOT NULL
        );
        CREATE TABLE items (
            pk INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL,
            media_type TEXT NOT NULL CHECK (media_type IN ('image', 'video', 'audio')),
            kind TEXT NOT NULL,
            camera TEXT,
            date_taken TEXT,
            mission_phase TEXT REFERENCES mission_phases(id) ON UPDATE CASCADE ON DELETE SET NULL,
            credit TEXT,
            description TEXT NOT NULL DEFAULT '',
            nasa_ids TEXT NOT NULL DEFAULT '[]',
            official_urls TEXT NOT NULL DEFAULT '[]',
            media_urls TEXT NOT NULL DEFAULT '[]',
            notes TEXT NOT NULL DEFAULT '',
            origin TEXT NOT NULL DEFAULT 'seed',
            seed_position INTEGER,
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
            updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
        );
        CREATE INDEX items_media_type ON items(media_type);
        CREATE INDEX items_phase ON items(mission_phase);
        CREATE TABLE source_links (
            item_id TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE ON UPDATE CASCADE,
            position INTEGER NOT NULL,
            article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE ON UPDATE CASCADE,
            quote TEXT NOT NULL,
            PRIMARY KEY (item_id, position)
        );
        CREATE INDEX source_links_article ON source_links(article_id);
        CREATE TABLE tags (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE
        );
        CREATE TABLE item_tags (
            item_id TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE ON UPDATE CASCADE,
            tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
            PRIMARY KEY (item_id, tag_id)
        ) WITHOUT ROWID;
        CREATE INDEX item_tags_tag ON item_tags(tag_id);
        CREATE TABLE attachments (
            id INTEGER PRIMARY KEY,
            item_id TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE ON UPDATE CASCADE,
            mode TEXT NOT NULL CHECK (mode IN ('copy', 'link')),
            path TEXT NOT NULL,
            original_name TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            size INTEGER NOT NULL,
            mtime REAL NOT NULL,
            mime TEXT NOT NULL,
            media_type TEXT,
            width INTEGER,
            height INTEGER,
            duration REAL,
            facts TEXT NOT NULL DEFAULT '{{}}',
            provenance TEXT NOT NULL DEFAULT '{{}}',
            check_status TEXT NOT NULL DEFAULT 'unchecked'
                CHECK (check_status IN ('unchecked', 'ok', 'missing', 'modified', 'unreadable')),
            checked_at TEXT,
            added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
        );
        CREATE INDEX attachments_item ON attachments(item_id);
        CREATE INDEX attachments_sha256 ON attachments(sha256);

        CREATE VIRTUAL TABLE items_fts USING fts5(
            {_FTS_COLUMNS},
            tokenize = 'unicode61 remove_diacritics 2'
        );
        CREATE VIEW item_search_documents AS
            SELECT i.pk AS pk,
                   i.title AS title,
                   i.description AS description,
                   coalesce(i.camera, '') AS camera,
                   coalesce(i.credit, '') AS credit,
                   coalesce((SELECT group_concat(t.name, ' ') FROM item_tags it
                             JOIN tags t ON t.id = it.tag_id WHERE it.item_id = i.id), '') AS tags,
                   i.notes AS notes,
                   coalesce((SELECT group_concat(s.quote, ' ') FROM source_links s
                             WHERE s.item_id = i.id), '') AS quotes
            FROM items i;

        CREATE TRIGGER items_fts_insert AFTER INSERT ON items BEGIN {_refresh_fts("NEW.pk")} END;
        CREATE TRIGGER items_fts_update AFTER UPDATE ON items BEGIN
            DELETE FROM items_fts WHERE rowid = OLD.pk; {_refresh_fts("NEW.pk")} END;
        CREATE TRIGGER items_fts_delete AFTER DELETE ON items BEGIN
            DELETE FROM items_fts WHERE rowid = OLD.pk; END;
        CREATE TRIGGER item_tags_fts_insert AFTER INSERT ON item_tags BEGIN
            {_refresh_fts("SELECT pk FROM items WHERE id = NEW.item_id")} END;
        CREATE TRIGGER item_tags_fts_delete AFTER DELETE ON item_tags BEGIN
            {_refresh_fts("SELECT pk FROM items WHERE id = OLD.item_id")} END;
        CREATE TRIGGER tags_fts_rename AFTER UPDATE OF name ON tags BEGIN
            DELETE FROM items_fts WHERE rowid IN
                (SELECT i.pk FROM items i JOIN item_tags it ON it.item_id = i.id WHERE it.tag_id = NEW.id);
            INSERT INTO items_fts(rowid, {_FTS_COLUMNS})
                SELECT d.pk, {", ".join("d." + c.strip() for c in _FTS_COLUMNS.split(","))}
                FROM item_search_documents d JOIN items i ON i.pk = d.pk
                JOIN item_tags it ON it.item_id = i.id WHERE it.tag_id = NEW.id;
        END;
        CREATE TRIGGER source_links_fts_insert AFTER INSERT ON source_links BEGIN
            {_refresh_fts("SELECT pk FROM items WHERE id = NEW.item_id")} END;
        CREATE TRIGGER source_links_fts_delete AFTER DELETE ON source_links BEGIN
            {_refresh_fts("SELECT pk FROM items WHERE id = OLD.item_id")} END;
"""

# Issue 14 (the landing timeline): when each item's media were taken (spacecraft event time, UTC, with its
# precision and evidence; seed rows come from seeds/timeline.json, user rows are never overwritten), the
# EDL events, and where a video attachment's first frame sits on the shared clock (Play Together).
_TIMELINE = """
        CREATE TABLE timeline_events (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            scet TEXT NOT NULL,
            precision TEXT NOT NULL CHECK (precision IN ('second', 'minute', 'hour', 'day')),
            scet_end TEXT,
            evidence TEXT NOT NULL DEFAULT '[]',
            note TEXT NOT NULL DEFAULT '',
            position INTEGER NOT NULL
        );
        CREATE TABLE item_times (
            item_id TEXT PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE ON UPDATE CASCADE,
            scet TEXT NOT NULL,
            precision TEXT NOT NULL CHECK (precision IN ('second', 'minute', 'hour', 'day')),
            scet_end TEXT,
            event_id TEXT,
            evidence TEXT NOT NULL DEFAULT '[]',
            note TEXT NOT NULL DEFAULT '',
            origin TEXT NOT NULL CHECK (origin IN ('seed', 'user')),
            updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
        );
        CREATE TABLE attachment_clock (
            attachment_id INTEGER PRIMARY KEY REFERENCES attachments(id) ON DELETE CASCADE,
            start_scet TEXT NOT NULL,
            basis TEXT NOT NULL CHECK (basis IN ('known', 'aligned')),
            note TEXT NOT NULL DEFAULT '',
            set_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
        );
"""


# Feature "facet counts" (issue 12): covering indexes, so the side bar's counts read indexes only. Each
# facet column leads one index that also holds the other two, so a count narrowed by one facet's filter
# (Kind counts with Images checked) is a range of one index; they replace the single-column ones. Source
# articles count distinct items per article from (article_id, item_id).
_FACET_COUNT_INDEXES = """
        CREATE INDEX IF NOT EXISTS items_facets_type ON items(media_type, kind, mission_phase);
        CREATE INDEX IF NOT EXISTS items_facets_kind ON items(kind, mission_phase, media_type);
        CREATE INDEX IF NOT EXISTS items_facets_phase ON items(mission_phase, media_type, kind);
        DROP INDEX IF EXISTS items_media_type;
        DROP INDEX IF EXISTS items_phase;
        CREATE INDEX IF NOT EXISTS source_links_article_item ON source_links(article_id, item_id);
        DROP INDEX IF EXISTS source_links_article;
"""

# Issue 15, the event log: one row per change to the library, never rewritten (the triggers refuse UPDATE and
# DELETE). No foreign keys: an item's history outlives the item.
_EVENTS = """
        CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
            action TEXT NOT NULL,
            item_id TEXT,
            attachment_id INTEGER,
            program TEXT NOT NULL,
            version TEXT NOT NULL,
            outcome TEXT NOT NULL DEFAULT 'ok',
            details TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX events_item ON events(item_id, id);
        CREATE INDEX events_attachment ON events(attachment_id, id);
        CREATE INDEX events_at ON events(at);
        CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN
            SELECT RAISE(ABORT, 'the event log is append-only: events cannot be changed'); END;
        CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN
            SELECT RAISE(ABORT, 'the event log is append-only: events cannot be deleted'); END;
"""

# Issue 15, saved searches: a named ItemQuery (JSON) that travels with the library.
_SAVED_SEARCHES = """
        CREATE TABLE saved_searches (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            query TEXT NOT NULL,
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
            updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
        );
"""

# Issue 15, items of their own: a user's correction of a seed item's field, kept beside the seed's value (the
# items row holds the corrected value, so search, filters and exports see it; a seed update refreshes
# seed_value and puts the correction back), and sources outside the shipped articles (a URL and a quote).
_USER_ITEMS = """
        CREATE TABLE item_overrides (
            item_id TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE ON UPDATE CASCADE,
            field TEXT NOT NULL,
            value TEXT,
            seed_value TEXT,
            at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
            PRIMARY KEY (item_id, field)
        ) WITHOUT ROWID;
        CREATE TABLE external_sources (
            item_id TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE ON UPDATE CASCADE,
            position INTEGER NOT NULL,
            url TEXT NOT NULL,
            quote TEXT NOT NULL,
            title TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (item_id, position)
        ) WITHOUT ROWID;
"""

# Built-in media (issue 10): the genuine NASA files shipped with the seed catalog (seeds/builtin_media.json),
# one row per file; `path` is relative to the seeds folder of the running install. Replaced with the seeds.
_BUILTIN_MEDIA = """
        CREATE TABLE builtin_media (
            item_id TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE ON UPDATE CASCADE,
            position INTEGER NOT NULL,
            path TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            size INTEGER NOT NULL,
            relation TEXT NOT NULL,
            label TEXT NOT NULL,
            credit TEXT NOT NULL,
            width INTEGER,
            height INTEGER,
            media_type TEXT NOT NULL,
            mime TEXT NOT NULL,
            shows TEXT NOT NULL DEFAULT '',
            confidence TEXT NOT NULL DEFAULT '',
            source TEXT NOT NULL DEFAULT '{}',
            PRIMARY KEY (item_id, position)
        );
"""

# Fetch queue (issue 10, `fetch-media` / Get Public Media): one row per item a run still has to fetch, so a
# cancelled, killed or offline run resumes on the next start (its partial file, with the validators Range
# needs, lives in media/.incoming/fetch-<item id>/); `state` is queued | done | failed | skipped.
_FETCH_QUEUE = """
        CREATE TABLE fetch_queue (
            item_id TEXT PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE ON UPDATE CASCADE,
            position INTEGER NOT NULL,
            url TEXT,
            nasa_id TEXT,
            state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'done', 'failed', 'skipped')),
            outcome TEXT NOT NULL DEFAULT '',
            message TEXT NOT NULL DEFAULT '',
            added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
            finished_at TEXT
        );
"""

# Step "search mission phases" (issue 16): the search document gains the item's mission phase label, so
# "sky cra" finds every item of the "Sky crane and touchdown" phase. FTS5 tables cannot gain a column: the
# index, its document view and triggers are made again with the new column, a relabelled phase re-indexes its
# items, and every item is indexed once. (Self-contained: it names its own columns; step 1 stays as shipped.)
_FTS_COLUMNS_WITH_PHASE = _FTS_COLUMNS + ", phase"


def _refresh_fts_with_phase(pk_expression: str) -> str:
    return f"""
        DELETE FROM items_fts WHERE rowid = ({pk_expression});
        INSERT INTO items_fts(rowid, {_FTS_COLUMNS_WITH_PHASE})
            SELECT pk, {_FTS_COLUMNS_WITH_PHASE} FROM item_search_documents WHERE pk = ({pk_expression});"""


def _search_mission_phases(conn: sqlite3.Connection) -> None:
    for trigger in ("items_fts_insert", "items_fts_update", "items_fts_delete", "item_tags_fts_insert",
                    "item_tags_fts_delete", "tags_fts_rename", "source_links_fts_insert", "source_links_fts_delete"):
        conn.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    conn.execute("DROP VIEW IF EXISTS item_search_documents")
    conn.execute("DROP TABLE IF EXISTS items_fts")
    statements = [
        f"""CREATE VIRTUAL TABLE items_fts USING fts5(
            {_FTS_COLUMNS_WITH_PHASE},
            tokenize = 'unicode61 remove_diacritics 2'
        )""",
        """CREATE VIEW item_search_documents AS
            SELECT i.pk AS pk,
                   i.title AS title,
                   i.description AS description,
                   coalesce(i.camera, '') AS camera,
                   coalesce(i.credit, '') AS credit,
                   coalesce((SELECT group_concat(t.name, ' ') FROM item_tags it
                             JOIN tags t ON t.id = it.tag_id WHERE it.item_id = i.id), '') AS tags,
                   i.notes AS notes,
                   coalesce((SELECT group_concat(s.quote, ' ') FROM source_links s
                             WHERE s.item_id = i.id), '') AS quotes,
                   coalesce((SELECT p.label FROM mission_phases p WHERE p.id = i.mission_phase), '') AS phase
            FROM items i""",
        f"CREATE TRIGGER items_fts_insert AFTER INSERT ON items BEGIN {_refresh_fts_with_phase('NEW.pk')} END",
        f"""CREATE TRIGGER items_fts_update AFTER UPDATE ON items BEGIN
            DELETE FROM items_fts WHERE rowid = OLD.pk; {_refresh_fts_with_phase('NEW.pk')} END""",
        """CREATE TRIGGER items_fts_delete AFTER DELETE ON items BEGIN
            DELETE FROM items_fts WHERE rowid = OLD.pk; END""",
        f"""CREATE TRIGGER item_tags_fts_insert AFTER INSERT ON item_tags BEGIN
            {_refresh_fts_with_phase('SELECT pk FROM items WHERE id = NEW.item_id')} END""",
        f"""CREATE TRIGGER item_tags_fts_delete AFTER DELETE ON item_tags BEGIN
            {_refresh_fts_with_phase('SELECT pk FROM items WHERE id = OLD.item_id')} END""",
        f"""CREATE TRIGGER tags_fts_rename AFTER UPDATE OF name ON tags BEGIN
            DELETE FROM items_fts WHERE rowid IN
                (SELECT i.pk FROM items i JOIN item_tags it ON it.item_id = i.id WHERE it.tag_id = NEW.id);
            INSERT INTO items_fts(rowid, {_FTS_COLUMNS_WITH_PHASE})
                SELECT d.pk, {", ".join("d." + c.strip() for c in _FTS_COLUMNS_WITH_PHASE.split(","))}
                FROM item_search_documents d JOIN items i ON i.pk = d.pk
                JOIN item_tags it ON it.item_id = i.id WHERE it.tag_id = NEW.id;
        END""",
        f"""CREATE TRIGGER source_links_fts_insert AFTER INSERT ON source_links BEGIN
            {_refresh_fts_with_phase('SELECT pk FROM items WHERE id = NEW.item_id')} END""",
        f"""CREATE TRIGGER source_links_fts_delete AFTER DELETE ON source_links BEGIN
            {_refresh_fts_with_phase('SELECT pk FROM items WHERE id = OLD.item_id')} END""",
        f"""CREATE TRIGGER mission_phases_fts_relabel AFTER UPDATE OF label ON mission_phases BEGIN
            DELETE FROM items_fts WHERE rowid IN (SELECT pk FROM items WHERE mission_phase = NEW.id);
            INSERT INTO items_fts(rowid, {_FTS_COLUMNS_WITH_PHASE})
                SELECT d.pk, {", ".join("d." + c.strip() for c in _FTS_COLUMNS_WITH_PHASE.split(","))}
                FROM item_search_documents d JOIN items i ON i.pk = d.pk WHERE i.mission_phase = NEW.id;
        END""",
        f"""INSERT INTO items_fts(rowid, {_FTS_COLUMNS_WITH_PHASE})
            SELECT pk, {_FTS_COLUMNS_WITH_PHASE} FROM item_search_documents""",
    ]
    for statement in statements:
        conn.execute(statement)


# Step "re-index only for indexed columns" (issue 11): an UPDATE of items re-indexes the item only when a
# column its search document reads changed (the document: title, description, camera, credit, notes, the
# mission phase's label, and by `id` its tags and quotes). Touching `updated_at` after a tag edit re-indexed
# every edited item a second time. (Self-contained: it names its own columns.)
_FTS_UPDATE_OF_INDEXED_COLUMNS = """
        DROP TRIGGER IF EXISTS items_fts_update;
        CREATE TRIGGER items_fts_update
            AFTER UPDATE OF pk, id, title, description, camera, credit, notes, mission_phase ON items BEGIN
            DELETE FROM items_fts WHERE rowid = OLD.pk;
            DELETE FROM items_fts WHERE rowid = NEW.pk;
            INSERT INTO items_fts(rowid, title, description, camera, credit, tags, notes, quotes, phase)
                SELECT pk, title, description, camera, credit, tags, notes, quotes, phase
                FROM item_search_documents WHERE pk = NEW.pk;
        END;
"""


# Feature "facet counts" again: the article facet over a query's items (a search's hits, the images) looks each
# item's links up by item id; with the article in the index too the look-up reads the index alone (a search's
# 20,000 hits: ~30 -> ~19 ms; +5.9 MB, 3 %, at 100,000 items).
_LINKS_BY_ITEM_ARTICLE = """
        CREATE INDEX IF NOT EXISTS source_links_item_article ON source_links(item_id, article_id);
"""


# Step "keep Attach Anyway in the fetch queue": an item queued to be attached even when its file or content is
# there already (the app's Attach Anyway, `fetch-media --allow-duplicate`) keeps that choice in its row, so a
# run resumed after a kill or a cancel still attaches it; a plain queueing of the item sets it back to 0.
_FETCH_QUEUE_ALLOW_DUPLICATE = """
        ALTER TABLE fetch_queue ADD COLUMN allow_duplicate INTEGER NOT NULL DEFAULT 0
            CHECK (allow_duplicate IN (0, 1));
"""


Migration = str | Callable[[sqlite3.Connection], None]
MIGRATIONS: list[Migration] = [
    _SCHEMA_V1, _EVENTS, _SAVED_SEARCHES, _USER_ITEMS, _BUILTIN_MEDIA, _FETCH_QUEUE, _search_mission_phases,
    _TIMELINE,
    _FACET_COUNT_INDEXES,
    _FTS_UPDATE_OF_INDEXED_COLUMNS,
    _FETCH_QUEUE_ALLOW_DUPLICATE,
    _LINKS_BY_ITEM_ARTICLE,
]
SCHEMA_VERSION = len(MIGRATIONS)
