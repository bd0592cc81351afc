"""The one place background work starts: TaskRunner runs `fn(job, *args)` on a pool sized for its purpose.

Pools (Picard's `run_task`, Anki's `taskman.py`): "writer" (1 thread: the app's one writing connection,
operations strictly in order, see gui/operations.py), "reader" (queries on reading connections), "probe"
(hashing, media probes), "download", "thumbnail", and "general". All are waited for on close.
Results, errors and (throttled) progress come back to the GUI thread as queued signals. An error nobody
handles is shown in the error dialog, never swallowed.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QObject, QRunnable, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from mediacat.core.jobs import Cancelled, Job, Progress
from mediacat.gui.dialogs.error_dialog import ErrorDialog, describe_exception

PROGRESS_INTERVAL_S = 0.1
PROGRESS_DIALOG_DELAY_MS = 600

WRITER = "writer"
READER = "reader"
PROBE = "probe"
DOWNLOAD = "download"
THUMBNAIL = "thumbnail"
GENERAL = "general"
# Threads per pool. The writer must stay 1: operations run one at a time, in the order given.
POOL_SIZES: dict[str, int] = {WRITER: 1, READER: 2, PROBE: 2, DOWNLOAD: 4, THUMBNAIL: 2, GENERAL: 4}


class _TaskSignals(QObject):
    """Lives in the GUI thread; the worker emits, so the connected slots run in the GUI thread."""

    progressed = Signal(object)
    succeeded = Signal(object)
    failed = Signal(object)


class TaskHandle(QObject):
    """One running (or finished) task: cancel it, or wait for `finished`."""

    finished = Signal()

    def __init__(self, label: str, cancellable: bool, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.label = label
        self.cancellable = cancellable
        self.job: _ThrottledJob
        self.done = False
        self.cancelled = False
        self.result: Any = None
        self.error: BaseException | None = None
        self.last_progress: Progress | None = None
        self.progress_dialog: QProgressDialog | None = None
        self.signals: QObject | None = None

    def cancel(self) -> None:
        """Ask the task to stop at its next `job.check()`."""
        if self.cancellable:
            self.job.cancel()


class _CallRunnable(QRunnable):
    """A bare call on a pool (for a component that brings its own results back, like the thumbnails)."""

    def __init__(self, fn: Callable[[], None], failed: Callable[[BaseException], None]) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self.fn = fn
        self.failed = failed

    def run(self) -> None:
        try:
            self.fn()
        except BaseException as error:  # never lost: reported on the GUI thread
            self.failed(error)


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...], job: _ThrottledJob,
                 signals: _TaskSignals) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self.fn = fn
        self.args = args
        self.job = job
        self.signals = signals

    def run(self) -> None:
        try:
            result = self.fn(self.job, *self.args)
        except BaseException as error:  # every failure goes back to the GUI thread
            self.job.flush_progress()
            self.signals.failed.emit(error)
            return
        self.job.flush_progress()
        self.signals.succeeded.emit(result)


class _ThrottledJob(Job):
    """A Job whose progress reports reach the GUI at most every PROGRESS_INTERVAL_S (the last one always)."""

    def __init__(self, emit: Callable[[Progress], None]) -> None:
        super().__init__(self._report)
        self._emit = emit
        self._lock = threading.Lock()
        self._last_emit = 0.0
        self._pending: Progress | None = None

    def _report(self, progress: Progress) -> None:
        now = time.monotonic()
        final = progress.total is not None and progress.done >= progress.total
        with self._lock:
            if not final and now - self._last_emit < PROGRESS_INTERVAL_S:
                self._pending = progress
                return
            self._pending = None
            self._last_emit = now
        self._emit(progress)

    def flush_progress(self) -> None:
        with self._lock:
            pending, self._pending = self._pending, None
        if pending is not None:
            self._emit(pending)


class TaskRunner(QObject):
    """Starts background tasks and brings their results back to the GUI thread."""

    task_started = Signal(object)
    task_finished = Signal(object)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        error_handler: Callable[[str, str, str], None] | None = None,
        dialog_parent: QWidget | None = None,
        max_threads: int | None = None,
    ) -> None:
        super().__init__(parent)
        self._pools: dict[str, QThreadPool] = {}
        for name, size in POOL_SIZES.items():
            pool = QThreadPool(self)
            pool.setObjectName(f"mediacat-{name}")
            pool.setMaxThreadCount(max_threads if max_threads and name == GENERAL else size)
            self._pools[name] = pool
        self.pool = self._pools[GENERAL]
        self._bare_signals = _TaskSignals(self)
        self._bare_signals.failed.connect(lambda error: self._show_error("Background work", error))
        self._error_handler = error_handler
        self._dialog_parent = dialog_parent
        self._active: set[TaskHandle] = set()
        self.error_dialogs: list[ErrorDialog] = []
        # A worker blocked after a throttled report (a stalled download) would keep its last progress to itself:
        # the GUI thread collects such reports while tasks run.
        self._flush_timer = QTimer(self)
        self._flush_timer.setInterval(int(2000 * PROGRESS_INTERVAL_S))
        self._flush_timer.timeout.connect(self._flush_progress)

    @property
    def active(self) -> list[TaskHandle]:
        return list(self._active)

    def run(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[Progress], None] | None = None,
        on_cancelled: Callable[[], None] | None = None,
        label: str = "",
        cancellable: bool = False,
        with_progress_dialog: bool = False,
        pool: str = GENERAL,
    ) -> TaskHandle:
        """Run `fn(job, *args)` on the named pool (see POOL_SIZES); callbacks run in the GUI thread."""
        thread_pool = self.thread_pool(pool)
        label = label or getattr(fn, "__name__", "task")
        handle = TaskHandle(label, cancellable)
        signals = _TaskSignals(handle)
        handle.signals = signals  # kept alive with the handle until the queued results are delivered
        job = _ThrottledJob(signals.progressed.emit)
        handle.job = job
        dialog = self._progress_dialog(handle) if with_progress_dialog else None

        def progressed(progress: Progress) -> None:
            handle.last_progress = progress
            if dialog is not None:
                _update_dialog(dialog, progress)
            if on_progress is not None:
                on_progress(progress)

        def finish() -> None:
            handle.done = True
            self._active.discard(handle)
            if dialog is not None:
                dialog.reset()
                dialog.hide()
                dialog.deleteLater()
            handle.finished.emit()
            with contextlib.suppress(RuntimeError):  # the runner's window was deleted while the task ran
                self.task_finished.emit(handle)

        def succeeded(result: Any) -> None:
            handle.result = result
            finish()
            if on_done is not None:
                on_done(result)

        def failed(error: BaseException) -> None:
            handle.error = error
            finish()
            if isinstance(error, Cancelled) and job.cancelled:
                handle.cancelled = True
                if on_cancelled is not None:
                    on_cancelled()
            elif on_error is not None:
                on_error(error)
            else:
                self._show_error(label, error)

        signals.progressed.connect(progressed)
        signals.succeeded.connect(succeeded)
        signals.failed.connect(failed)
        self._active.add(handle)
        self._flush_timer.start()
        self.task_started.emit(handle)
        thread_pool.start(_Runnable(fn, args, job, signals))
        return handle

    def thread_pool(self, name: str) -> QThreadPool:
        try:
            return self._pools[name]
        except KeyError:
            raise KeyError(f"no task pool {name!r}; the pools are {', '.join(self._pools)}") from None

    def submit(self, pool: str, fn: Callable[[], None]) -> None:
        """Run a bare `fn()` on a pool; the caller brings its results back itself (queued signals). An
        exception it lets through is shown in the error dialog."""
        self.thread_pool(pool).start(_CallRunnable(fn, self._bare_signals.failed.emit))

    def wait_for_all(self, timeout_ms: int = 30_000) -> bool:
        """Block until every task of every pool has finished and its callbacks ran (shutdown and tests)."""
        deadline = QDeadlineTimer(timeout_ms)
        for pool in self._pools.values():
            if not pool.waitForDone(max(0, deadline.remainingTime())):
                return False
        while self._active and not deadline.hasExpired():
            QCoreApplication.processEvents()
        return not self._active

    def _flush_progress(self) -> None:
        if not self._active:
            self._flush_timer.stop()
        for handle in list(self._active):
            handle.job.flush_progress()

    def cancel_all(self) -> None:
        for handle in list(self._active):
            handle.cancel()

    def show_error(self, label: str, error: BaseException) -> None:
        """Show `error` of the work named `label` (the default for failures nobody handles)."""
        self._show_error(label, error)

    def _show_error(self, label: str, error: BaseException) -> None:
        message, details = describe_exception(error, label)
        if self._error_handler is not None:
            self._error_handler(f"{label} failed", message, details)
            return
        dialog = ErrorDialog(f"{label} failed", message, details, self._dialog_parent)
        self.error_dialogs.append(dialog)  # a dialog without a parent lives as long as Python holds it
        dialog.finished.connect(lambda _result: self.error_dialogs.remove(dialog))
        dialog.open()

    def _progress_dialog(self, handle: TaskHandle) -> QProgressDialog:
        dialog = QProgressDialog(handle.label, "Cancel" if handle.cancellable else "", 0, 0, self._dialog_parent)
        dialog.setWindowTitle(handle.label)
        dialog.setAccessibleName(f"Progress: {handle.label}")
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setMinimumDuration(PROGRESS_DIALOG_DELAY_MS)  # shown only if the task is still running then
        if not handle.cancellable:
            dialog.setCancelButton(None)
        dialog.canceled.connect(handle.cancel)
        handle.progress_dialog = dialog
        return dialog


def _update_dialog(dialog: QProgressDialog, progress: Progress) -> None:
    if progress.total:
        dialog.setMaximum(progress.total)
        dialog.setValue(min(progress.done, progress.total))
    else:
        dialog.setMaximum(0)
    if progress.message:
        dialog.setLabelText(progress.message)


_shared: TaskRunner | None = None


def shared_runner() -> TaskRunner:
    """The process's TaskRunner for widgets that work without a window (viewers, players): the same pools,
    owned by the QApplication. A window's features use `window.tasks` instead."""
    global _shared
    app = QCoreApplication.instance()
    if _shared is None or _shared.parent() is not app:
        _shared = TaskRunner(app)
        if app is not None:
            app.aboutToQuit.connect(_shared.wait_for_all)
    return _shared


def run_in_background(
    function: Callable[..., Any],
    *args: Any,
    on_success: Callable[[Any], None],
    on_failure: Callable[[str], None],
    pool: str = PROBE,
) -> TaskHandle:
    """Run `function(*args)` (no job argument) on a pool of the shared runner; the callbacks run in the
    GUI thread, `on_failure` with the error's message (the viewers show it in place)."""

    def call(_job: Job) -> Any:
        return function(*args)

    return shared_runner().run(call, on_done=on_success,
                               on_error=lambda error: on_failure(str(error) or type(error).__name__),
                               label=getattr(function, "__name__", "task"), pool=pool)
