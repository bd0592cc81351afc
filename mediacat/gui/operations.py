"""The app's one writer, its readers and the one change signal (Anki's `CollectionOp` / `QueryOp`).

`LibraryOperations.run_op(op, *args)` runs `op(job, library, *args)` on the "writer" pool (one thread) with
the app's only writing connection: operations run one at a time, in the order given. When one succeeds,
`library_changed(Changes)` is emitted with what its result names (`changes_of`), then `on_done(result)`.
`run_query(fn, *args, key=...)` runs read-only `fn(job, library, *args)` on the "reader" pool with a
reading connection; with a `key`, an answer overtaken by a newer query of the same key is dropped.

Writes by other processes (the CLI, a second window) are noticed by polling SQLite's data_version on the
GUI thread's read connection once a second. A change there may be the writer's own commit, so the writer
is asked: its own `data_version` moves only for commits of *other* connections, which makes the test
exact. A foreign write is announced as `Changes.everything()`.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from mediacat.core.changes import Changes, changes_of
from mediacat.core.jobs import Job, Progress
from mediacat.core.library import Library
from mediacat.gui.tasks import READER, WRITER, TaskHandle, TaskRunner

WATCH_INTERVAL_MS = 1000

Operation = Callable[..., Any]  # op(job, library, *args) -> result (Changes, or an object with .changes)
Query = Callable[..., Any]  # fn(job, library, *args) -> answer; reads only


def data_version(library: Library) -> int:
    """SQLite's count of commits by *other* connections, as this connection sees it."""
    return library.store.data_version()


class LibraryConnections:
    """The writing connection and a free list of reading connections, opened when first needed.

    The connections may be used by any pool thread, one task at a time each; `close()` (after the pools
    are done) closes them all.
    """

    def __init__(self, library: Library) -> None:
        self._library = library
        self._lock = threading.Lock()
        self._writer: Library | None = None
        self._writer_version: int | None = None
        self._idle_readers: list[Library] = []
        self._opened: list[Library] = []
        self._closed = False

    def writer(self) -> Library:
        """The one writing connection (only ever used by the writer pool's single thread)."""
        with self._lock:
            if self._closed:
                raise RuntimeError("the library's connections are closed")
            if self._writer is None:
                self._writer = self._library.reopen(any_thread=True)
                self._opened.append(self._writer)
                self._writer_version = data_version(self._writer)
            return self._writer

    def foreign_write_seen(self) -> bool:
        """On the writer thread: did another connection commit since the writer last looked?"""
        writer = self.writer()
        version = data_version(writer)
        seen = self._writer_version is not None and version != self._writer_version
        self._writer_version = version
        return seen

    @contextlib.contextmanager
    def reader(self) -> Iterator[Library]:
        """A reading connection for the length of one query."""
        with self._lock:
            if self._closed:
                raise RuntimeError("the library's connections are closed")
            connection = self._idle_readers.pop() if self._idle_readers else None
        if connection is None:
            connection = self._library.reopen(any_thread=True)
            with self._lock:
                self._opened.append(connection)
        try:
            yield connection
        finally:
            connection.store.end_open_transaction()  # a query must leave no read transaction open
            with self._lock:
                self._idle_readers.append(connection)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            opened, self._opened = self._opened, []
            self._idle_readers.clear()
            self._writer = None
        for connection in opened:
            connection.close()


class LibraryOperations(QObject):
    """`run_op` (the one writer), `run_query` (readers), `library_changed`, and the watch for foreign writes."""

    library_changed = Signal(object)  # Changes

    def __init__(self, library: Library, tasks: TaskRunner, parent: QObject | None = None, *,
                 watch_interval_ms: int = WATCH_INTERVAL_MS) -> None:
        super().__init__(parent)
        self.library = library
        self.tasks = tasks
        self.connections = LibraryConnections(library)
        self._generations: dict[object, int] = {}
        self._pending_ops = 0
        self._pending_queries = 0
        self._running_queries: dict[object, TaskHandle] = {}
        self._checking = False
        self._closed = False
        self._seen_version = data_version(library)
        # Open the writing connection now, on the writer: its data_version is the baseline foreign writes are
        # told apart by (opened lazily later, it would count a write made meanwhile as already seen).
        self._checking = True
        self.tasks.run(self._open_writer, on_done=self._writer_opened, on_error=self._writer_failed,
                       label="Opening the library for writing", pool=WRITER)
        self._watch = QTimer(self)
        self._watch.setInterval(watch_interval_ms)
        self._watch.timeout.connect(self.check_for_foreign_writes)
        if watch_interval_ms > 0:
            self._watch.start()

    def _open_writer(self, _job: Job) -> None:
        self.connections.writer()

    def _writer_opened(self, _result: None) -> None:
        self._checking = False

    def _writer_failed(self, error: BaseException) -> None:
        self._checking = False
        self.tasks.show_error("Opening the library for writing", error)

    # -- the writer -------------------------------------------------------------------------------

    def run_op(
        self,
        op: Operation,
        *args: Any,
        label: str = "",
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[Progress], None] | None = None,
        cancellable: bool = False,
        with_progress_dialog: bool = False,
        on_cancelled: Callable[[], None] | None = None,
    ) -> TaskHandle:
        """Run `op(job, library, *args)` on the writer; then emit `library_changed`, then call `on_done`.

        An operation that failed or was cancelled after writing something (a check stores the verdicts it
        reached) is announced as `Changes.everything()`: its result, which would say what, never came.
        """
        connections = self.connections
        wrote = [False]

        def on_writer(job: Job) -> tuple[bool, Any]:
            foreign = connections.foreign_write_seen()
            writer = connections.writer()
            before = writer.store.total_changes
            try:
                result = op(job, writer, *args)
            finally:
                wrote[0] = writer.store.total_changes != before
            return foreign or connections.foreign_write_seen(), result

        def announce_partial_write() -> None:
            if wrote[0] and not self._closed:
                self.library_changed.emit(Changes.everything())

        def failed(error: BaseException) -> None:
            self._pending_ops -= 1
            announce_partial_write()
            if on_error is not None:
                on_error(error)
            else:
                self.tasks.show_error(label or getattr(op, "__name__", "operation"), error)

        def succeeded(answer: tuple[bool, Any]) -> None:
            self._pending_ops -= 1
            foreign, result = answer
            changes = changes_of(result)
            if foreign:
                changes = Changes.everything()
            if changes and not self._closed:
                self.library_changed.emit(changes)
            if on_done is not None:
                on_done(result)

        def cancelled() -> None:
            self._pending_ops -= 1
            announce_partial_write()
            if on_cancelled is not None:
                on_cancelled()

        self._pending_ops += 1
        return self.tasks.run(
            on_writer, on_done=succeeded, on_error=failed, on_progress=on_progress, on_cancelled=cancelled,
            label=label or getattr(op, "__name__", "operation"), cancellable=cancellable,
            with_progress_dialog=with_progress_dialog, pool=WRITER,
        )

    @property
    def busy(self) -> bool:
        """Whether operations are queued or running on the writer."""
        return self._pending_ops > 0

    @property
    def idle(self) -> bool:
        """No operation, query or check for foreign writes is queued or running (tests wait for this)."""
        return not self._pending_ops and not self._pending_queries and not self._checking

    # -- readers ----------------------------------------------------------------------------------

    def run_query(
        self,
        fn: Query,
        *args: Any,
        on_done: Callable[[Any], None] | None = None,
        key: object = None,
        on_error: Callable[[BaseException], None] | None = None,
        label: str = "",
        on_progress: Callable[[Progress], None] | None = None,
        on_cancelled: Callable[[], None] | None = None,
        cancellable: bool = False,
        with_progress_dialog: bool = False,
    ) -> TaskHandle:
        """Run read-only `fn(job, library, *args)` on a reader; with `key`, only the newest answer counts
        (an overtaken query is also cancelled: its next `job.check()` stops it)."""
        connections = self.connections
        generation = None
        if key is not None:
            generation = self._generations.get(key, 0) + 1
            self._generations[key] = generation
            overtaken = self._running_queries.pop(key, None)
            if overtaken is not None:
                overtaken.job.cancel()

        def current() -> bool:
            return not self._closed and (key is None or self._generations.get(key) == generation)

        def on_reader(job: Job) -> Any:
            if not current():
                return None  # overtaken before it started: skip the work
            with connections.reader() as reader:
                return fn(job, reader, *args)

        def finished() -> bool:
            self._pending_queries -= 1
            if key is not None and self._running_queries.get(key) is handle:
                del self._running_queries[key]
            return current()

        def succeeded(answer: Any) -> None:
            if finished() and on_done is not None:
                on_done(answer)

        def failed(error: BaseException) -> None:
            if not finished():
                return
            if on_error is not None:
                on_error(error)
            else:
                self.tasks.show_error(label or getattr(fn, "__name__", "query"), error)

        def cancelled() -> None:
            if finished() and on_cancelled is not None:
                on_cancelled()

        self._pending_queries += 1
        handle = self.tasks.run(on_reader, on_done=succeeded, on_error=failed, on_progress=on_progress,
                                on_cancelled=cancelled, label=label or getattr(fn, "__name__", "query"),
                                cancellable=cancellable or key is not None,
                                with_progress_dialog=with_progress_dialog, pool=READER)
        if key is not None:
            self._running_queries[key] = handle
        return handle

    # -- writes by other processes ----------------------------------------------------------------

    def check_for_foreign_writes(self) -> None:
        """Poll (GUI thread, cheap): if anything committed since last time, ask the writer whose it was."""
        if self._closed or self._checking:
            return
        version = data_version(self.library)
        if version == self._seen_version:
            return
        self._seen_version = version
        self._checking = True
        connections = self.connections

        def on_writer(_job: Job) -> bool:
            return connections.foreign_write_seen()

        def answered(foreign: bool) -> None:
            self._checking = False
            if foreign and not self._closed:
                self.library_changed.emit(Changes.everything())

        def failed(error: BaseException) -> None:
            self._checking = False
            self.tasks.show_error("Looking for changes by other programs", error)

        self.tasks.run(on_writer, on_done=answered, on_error=failed, label="Looking for changes", pool=WRITER)

    # -- shutdown ---------------------------------------------------------------------------------

    def close(self, timeout_ms: int = 30_000) -> bool:
        """Stop watching, wait for the writer (queued operations finish: nothing asked for is dropped) and
        the readers, then close their connections. True if everything finished in time."""
        self._watch.stop()
        finished = self.tasks.wait_for_all(timeout_ms)
        self._closed = True
        if finished:
            self.connections.close()
        return finished
