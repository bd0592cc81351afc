"""Checking a library database off the path to the first output: when, and how.

`PRAGMA quick_check` reads the whole file (~0.25 s at 100,000 items), so it no longer runs on every open
(issue 12). It runs:
- on open after an unclean shutdown: `Library.open` leaves a session marker in the library folder
  (`.mediacat-sessions/HOST.PID.N`) and `close()` removes it; a marker of this host whose process is gone
  means a run ended without closing the library (a crash, a kill, a power cut);
- on demand: `mediacat check --database`, which also runs the FTS5 `integrity-check` command and rebuilds the
  search index when it fails (issue 13, item 12: damage inside an index page passes `quick_check`);
- in the app, in the background after the window shows.

The markers are ordinary small files next to the database; the database file itself is only ever opened by
SQLite (rule 4 of docs/ARCHITECTURE.md).
"""

from __future__ import annotations

import itertools
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from mediacat.core.changes import Changes
from mediacat.core.filestore import owner_alive, process_marker
from mediacat.core.jobs import Job

if TYPE_CHECKING:
    from mediacat.core.library import Library
    from mediacat.core.store.connection import Store

SESSIONS_FOLDER = ".mediacat-sessions"
QUICK_CHECK_MESSAGES = 20  # PRAGMA quick_check(N): at most N problems are listed

_counter = itertools.count(1)


# -- session markers -------------------------------------------------------------------------------


def begin_session(root: Path) -> Path | None:
    """Write this open's marker; None when the folder cannot take it (the library still opens)."""
    folder = Path(root) / SESSIONS_FOLDER
    marker = folder / f"{process_marker()}-{next(_counter)}"
    try:
        folder.mkdir(exist_ok=True)
        marker.write_bytes(b"")
    except OSError:
        return None
    return marker


def end_session(marker: Path | None) -> None:
    if marker is not None:
        marker.unlink(missing_ok=True)


def stale_sessions(root: Path) -> list[Path]:
    """Markers left by runs of this host that ended without closing the library (their process is gone).

    A marker of another host (a library on a shared drive) is never called stale: its process cannot be asked.
    """
    folder = Path(root) / SESSIONS_FOLDER
    try:
        names = sorted(entry.name for entry in os.scandir(folder) if entry.is_file())
    except OSError:
        return []
    return [folder / name for name in names if owner_alive(name) is False]


def clear_sessions(markers: list[Path]) -> None:
    for marker in markers:
        marker.unlink(missing_ok=True)


# -- the checks --------------------------------------------------------------------------------------


def quick_check(conn: sqlite3.Connection) -> list[str]:
    """SQLite's structural check of the whole file: [] when it is sound, else its messages (a page SQLite
    cannot even parse makes the check itself fail: that error is the message)."""
    try:
        rows = conn.execute(f"PRAGMA quick_check({QUICK_CHECK_MESSAGES})").fetchall()
    except sqlite3.DatabaseError as error:
        if getattr(error, "sqlite_errorcode", 0) & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            raise
        return [str(error)]
    messages = [row[0] for row in rows]
    return [] if messages == ["ok"] else messages


def search_index_problem(conn: sqlite3.Connection) -> str | None:
    """FTS5's own check of the search index against its content; None when they agree.

    It is an `INSERT` command, so it takes the write lock for its duration (~1 s at 100,000 items): run it on
    the connection that writes (the app's writer).
    """
    try:
        conn.execute("INSERT INTO items_fts(items_fts) VALUES ('integrity-check')")
    except sqlite3.DatabaseError as error:
        if getattr(error, "sqlite_errorcode", 0) & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            raise
        return str(error)
    return None


@dataclass(frozen=True)
class SearchIndexCheck:
    """The result of `check_search_index`: what the FTS5 check said, and whether the index was rebuilt."""

    problem: str | None
    rebuilt: bool = False
    problem_after_rebuild: str | None = None
    changes: Changes = field(default_factory=Changes)

    @property
    def ok(self) -> bool:
        """The index is sound now (it was, or the rebuild repaired it)."""
        return self.problem is None or (self.rebuilt and self.problem_after_rebuild is None)


def check_search_index(job: Job | None, library: Library) -> SearchIndexCheck:
    """The operation behind `check --database` and the app's background check: run FTS5's integrity check and
    rebuild the index from the items when it fails. Searches may return other results afterwards, so a
    rebuild reports `item_set` changed."""
    store = library.store
    problem = search_index_problem(store.conn)
    if problem is None:
        return SearchIndexCheck(None)
    if job is not None:
        job.check()
    rebuild_search_index(store)
    after = search_index_problem(store.conn)
    return SearchIndexCheck(problem, rebuilt=True, problem_after_rebuild=after,
                            changes=Changes(item_set=True, facets=True))


def rebuild_search_index(store: Store) -> None:
    """Rebuild the FTS5 index: first from its own stored content (FTS5 `rebuild`, which discards the damaged
    index pages), then every document again from the items, tags and quotes, in one transaction."""
    with store.transaction() as conn:
        # The index's columns as the schema now has them (a later step may add one): the view has the same.
        columns = ", ".join(row[1] for row in conn.execute("PRAGMA table_info(items_fts)"))
        conn.execute("INSERT INTO items_fts(items_fts) VALUES ('rebuild')")
        conn.execute("DELETE FROM items_fts")
        conn.execute(f"INSERT INTO items_fts(rowid, {columns}) SELECT pk, {columns} FROM item_search_documents")


@dataclass(frozen=True)
class DatabaseCheck:
    """`check --database`: SQLite's quick_check messages ([] = sound) and the search index's check."""

    path: Path
    quick_check: list[str]
    search_index: SearchIndexCheck | None

    @property
    def ok(self) -> bool:
        return not self.quick_check and (self.search_index is None or self.search_index.ok)

    def to_json(self) -> dict[str, object]:
        index = self.search_index
        return {
            "database": str(self.path),
            "ok": self.ok,
            "quick_check": self.quick_check or ["ok"],
            "search_index": None if index is None else {
                "ok": index.ok,
                "problem": index.problem,
                "rebuilt": index.rebuilt,
                "problem_after_rebuild": index.problem_after_rebuild,
            },
        }


def check_database(job: Job | None, library: Library) -> DatabaseCheck:
    """quick_check the whole file, then (when it is sound) check and if needed rebuild the search index.

    A damaged file is only reported: rebuilding an index inside it could spread the damage.
    """
    store = library.store
    if job is not None:
        job.report(0, 2, "quick_check")
    problems = quick_check(store.conn)
    index = None
    if not problems:
        if job is not None:
            job.check()
            job.report(1, 2, "search index")
        index = check_search_index(job, library)
    if job is not None:
        job.report(2, 2, "")
    return DatabaseCheck(store.path, problems, index)


__all__ = [
    "DatabaseCheck",
    "SearchIndexCheck",
    "begin_session",
    "check_database",
    "check_search_index",
    "clear_sessions",
    "end_session",
    "quick_check",
    "rebuild_search_index",
    "search_index_problem",
    "stale_sessions",
]
