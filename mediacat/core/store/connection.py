"""Opening a library database: checks, pragmas, migrations, and transactions.

One `Store` is one connection, used only by the thread that opened it (sqlite3's rule). Background work
opens its own `Store` on the same file; WAL mode lets readers and one writer share it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from mediacat.core.errors import LibraryDamaged, LibraryError, ReadOnlyLibrary
from mediacat.core.store.errors import library_error, os_library_error, translatable
from mediacat.core.store.schema import MIGRATIONS, SCHEMA_VERSION

BUSY_TIMEOUT_MS = 10_000


class Store:
    """A connection to one library database, with nested transactions."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self.conn = conn
        self._depth = 0

    def close(self) -> None:
        self.conn.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Run a block atomically; nested blocks become savepoints. Any exception rolls the block back.

        SQLite's own failures (busy, disk full, read-only, damaged) leave as typed `LibraryError`s with true
        messages; a rollback SQLite already did itself (it does on a full disk) is not attempted twice.
        """
        try:
            self.conn.execute("BEGIN IMMEDIATE" if self._depth == 0 else f"SAVEPOINT sp{self._depth}")
        except sqlite3.Error as error:
            raise self._translated(error, "start a change") from error
        self._depth += 1
        try:
            yield self.conn
        except BaseException as error:
            self._depth -= 1
            self._roll_back()
            if isinstance(error, sqlite3.Error) and translatable(error):
                raise self._translated(error, "save the change") from error
            raise
        self._depth -= 1
        try:
            self.conn.execute("COMMIT" if self._depth == 0 else f"RELEASE sp{self._depth}")
        except sqlite3.Error as error:
            self._roll_back()
            raise self._translated(error, "save the change") from error

    def _roll_back(self) -> None:
        if not self.conn.in_transaction:
            return  # SQLite rolled the transaction back itself (SQLITE_FULL, SQLITE_IOERR, ...)
        with contextlib.suppress(sqlite3.Error):
            if self._depth == 0:
                self.conn.execute("ROLLBACK")
            else:
                self.conn.execute(f"ROLLBACK TO sp{self._depth}")
                self.conn.execute(f"RELEASE sp{self._depth}")

    def data_version(self) -> int:
        """SQLite's `PRAGMA data_version`: changes whenever *another* connection commits (never for this
        connection's own commits); how the app notices writes by other processes."""
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    @property
    def total_changes(self) -> int:
        """Rows this connection has changed since it opened (tells whether an operation wrote anything)."""
        return self.conn.total_changes

    def end_open_transaction(self) -> None:
        """Roll back a transaction some reader left open (a pooled connection is handed on clean)."""
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")
            self._depth = 0

    def _translated(self, error: sqlite3.Error, doing: str) -> BaseException:
        return library_error(self.path, error, doing) if translatable(error) else error

    def execute(self, sql: str, parameters: Sequence[Any] | Mapping[str, Any] = ()) -> sqlite3.Cursor:
        try:
            return self.conn.execute(sql, parameters)
        except sqlite3.Error as error:
            raise self._translated(error, "read the library") from error

    def get_meta(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str) -> None:
        self.conn.execute(
            "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )


def open_store(path: Path, *, create: bool = True, verify: bool = True, any_thread: bool = False) -> Store:
    """Open (and create or migrate) the database at `path`, or raise LibraryError naming the file.

    `verify` runs SQLite's quick_check (it reads the whole file: ~0.2 s at 100,000 items), once per program
    start; further connections of the same process (worker threads) skip it. `any_thread`: the connection
    may be used (one thread at a time) by threads other than the opening one: the app's writer and reader
    connections, kept by a pool and closed by the thread that shuts the pool down.
    """
    path = Path(path)
    _check_folder(path.parent, create=create)
    existed = path.exists() and path.stat().st_size > 0
    if not existed and not create:
        raise LibraryError(f"{path}: no MediaCat library here")
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000,
                               check_same_thread=not any_thread)
    except sqlite3.Error as error:
        raise library_error(path, error, "open the library database") from error
    try:
        if existed:
            _check_header(path, conn)
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if existed and verify:
            _check_integrity(path, conn)
        if existed:
            _check_identity(path, conn)  # before anything writes to the file (the WAL switch is a write)
        mode = _switch_to_wal(conn)
        if mode.lower() != "wal":
            raise LibraryError(f"{path}: the library's folder does not support SQLite's WAL mode ({mode})")
        conn.execute("PRAGMA synchronous = FULL")  # a commit that acknowledged an edit survives a power loss
        store = Store(path, conn)
        _migrate(store, existed=existed)
        return store
    except sqlite3.DatabaseError as error:
        conn.close()
        if translatable(error):
            raise library_error(path, error, "open the library") from error
        raise LibraryError(f"{path}: the library database cannot be read ({error})") from error
    except BaseException:
        conn.close()
        raise


def _switch_to_wal(conn: sqlite3.Connection) -> str:
    """`PRAGMA journal_mode = WAL`, the resulting mode. The switch can answer SQLITE_BUSY at once, without
    SQLite's busy handler, while another process is creating the same new library (seen in CI: one of four
    processes failed "library busy"); it is tried again until the busy timeout has passed."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            return str(conn.execute("PRAGMA journal_mode = WAL").fetchone()[0])
        except sqlite3.OperationalError as error:
            busy = getattr(error, "sqlite_errorcode", 0) & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
            if not busy or time.monotonic() >= deadline:
                raise
            time.sleep(0.01)


def _check_folder(folder: Path, *, create: bool) -> None:
    try:
        if create:
            folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise LibraryError(f"{folder}: cannot create the library folder ({error.strerror or error})") from error
    if not folder.is_dir():
        raise LibraryError(f"{folder}: the library folder is not a folder")
    # One probe name per call: reader connections of several threads, and processes, open at once, and a shared
    # name let one delete another's probe ("not writable (No such file or directory)").
    probe = folder / f".mediacat-write-test-{os.getpid()}-{uuid.uuid4().hex[:12]}"
    try:
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        os.unlink(probe)
    except OSError as error:
        if error.errno in (errno.ENOSPC, errno.EDQUOT):
            raise os_library_error(folder, error, "write to the library folder") from error
        raise ReadOnlyLibrary(f"{folder}: the library folder is not writable ({error.strerror or error}); "
                              "nothing was changed") from error


def _check_header(path: Path, conn: sqlite3.Connection) -> None:
    """Refuse a file that is not an SQLite database, asking SQLite itself (reading the schema writes nothing).

    Never `open()` the database file from Python: on POSIX, closing any descriptor of a file drops every lock
    this process holds on it, SQLite's included, and another process may then delete the WAL under a live
    connection ("How To Corrupt An SQLite Database File", section 2.2). Worker threads reopen the library
    while the GUI thread's connection is open, so this check runs on every reopen.
    """
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as error:
        if getattr(error, "sqlite_errorcode", None) == sqlite3.SQLITE_NOTADB:  # the header is not SQLite's
            raise LibraryError(
                f"{path}: not a MediaCat library (the file is not an SQLite database); left untouched"
            ) from error
        raise


def _check_integrity(path: Path, conn: sqlite3.Connection) -> None:
    try:
        result = conn.execute("PRAGMA quick_check(1)").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise library_error(path, error, "check the library database") from error
    if result != "ok":
        raise LibraryDamaged(f"{path}: the library database is damaged ({result}); left untouched (restore a "
                             "backup, or run `mediacat check --database`)")


def _check_identity(path: Path, conn: sqlite3.Connection) -> None:
    """Refuse, without writing, an SQLite file that is not a MediaCat library or is from a newer MediaCat."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    tables = [row[0] for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    if "meta" not in tables and tables:
        shown = ", ".join(tables[:5]) + (", ..." if len(tables) > 5 else "")
        raise LibraryError(f"{path}: not a MediaCat library (an SQLite database with other tables: {shown}); "
                           "left untouched")
    if version > SCHEMA_VERSION:
        raise LibraryError(f"{path}: made by a newer MediaCat (schema {version}, this one knows {SCHEMA_VERSION}); "
                           "left untouched")


def _migrate(store: Store, *, existed: bool) -> None:
    conn = store.conn
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise LibraryError(
            f"{store.path}: made by a newer MediaCat (schema {version}, this one knows {SCHEMA_VERSION}); "
            "left untouched"
        )
    if version == SCHEMA_VERSION:
        return
    if existed and version > 0:
        backup = store.path.with_name(f"{store.path.name}.before-v{version + 1}.bak")
        with contextlib.closing(sqlite3.connect(backup)) as target:
            conn.backup(target)
    for step, migration in enumerate(MIGRATIONS[version:], start=version + 1):
        conn.execute("BEGIN EXCLUSIVE")
        try:
            # Another process creating or upgrading the same library at this moment may have run this step
            # while this one waited for the lock: read the version again under the lock.
            if conn.execute("PRAGMA user_version").fetchone()[0] >= step:
                conn.execute("COMMIT")
                continue
            if isinstance(migration, str):
                for statement in _statements(migration):  # executescript() would COMMIT: one at a time
                    conn.execute(statement)
            else:
                migration(conn)
            conn.execute(f"PRAGMA user_version = {step}")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")


def _statements(script: str) -> Iterator[str]:
    """The SQL statements of a script (a trigger's body, with its own semicolons, stays one statement)."""
    buffer = ""
    for piece in script.split(";"):
        buffer += piece + ";"
        if sqlite3.complete_statement(buffer):
            if buffer.strip(" \t\r\n;"):
                yield buffer
            buffer = ""
    if buffer.strip(" \t\r\n;"):
        yield buffer


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy of a live library database (used for backups)."""
    with contextlib.closing(sqlite3.connect(source)) as src, contextlib.closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


__all__ = ["Store", "copy_database", "open_store"]
