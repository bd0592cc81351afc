"""The Qt-free protocol for long jobs (hashing, importing, downloading, exporting).

A job function takes a `Job`, calls `job.report(done, total, message)` as it goes and `job.check()` at safe
points, where a cancel request raises `Cancelled`. The CLI prints the reports as a progress line; the GUI
turns them into signals (mediacat.gui.tasks).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


class Cancelled(Exception):
    """The user asked the work to stop (`job.cancel()`), seen at a `job.check()`.

    Not a `MediaCatError`: nothing went wrong, so nothing catching errors to report them catches this.
    """

    def __init__(self, message: str = "cancelled") -> None:
        super().__init__(message)


@dataclass(frozen=True)
class Progress:
    done: int
    total: int | None
    message: str = ""

    @property
    def fraction(self) -> float | None:
        if not self.total:
            return None
        return min(1.0, self.done / self.total)


class Job:
    """Progress reporting and cancellation for one long piece of work; safe to use across threads."""

    def __init__(self, on_progress: Callable[[Progress], None] | None = None) -> None:
        self._cancel = threading.Event()
        self._on_progress = on_progress
        self._cancel_callbacks: list[Callable[[], None]] = []
        self._callbacks_lock = threading.Lock()

    def cancel(self) -> None:
        with self._callbacks_lock:
            self._cancel.set()
            callbacks = list(self._cancel_callbacks)
        for callback in callbacks:
            callback()

    def on_cancel(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Also call `callback` (in the cancelling thread) on cancel(), e.g. to unblock a worker waiting on a socket.

        Called at once if the job is already cancelled. Returns a function that unregisters the callback.
        """
        with self._callbacks_lock:
            already = self._cancel.is_set()
            if not already:
                self._cancel_callbacks.append(callback)
        if already:
            callback()

        def remove() -> None:
            with self._callbacks_lock:
                if callback in self._cancel_callbacks:
                    self._cancel_callbacks.remove(callback)

        return remove

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        """Raise Cancelled if someone asked to stop."""
        if self._cancel.is_set():
            raise Cancelled()

    def report(self, done: int, total: int | None = None, message: str = "") -> None:
        if self._on_progress is not None:
            self._on_progress(Progress(done, total, message))


class Breather:
    """For a long pure-Python loop on a worker thread: `breathe()` at every step lets go of the interpreter lock
    for a moment once per `interval_s` of running. A loop that never lets go keeps the app's GUI thread waiting
    for the lock (a 10 ms timer was 50 to 80 ms late); one that breathes every 2 ms keeps it under ~15 ms."""

    def __init__(self, interval_s: float = 0.002) -> None:
        self.interval_s = interval_s
        self._next = time.perf_counter() + interval_s

    def breathe(self) -> None:
        now = time.perf_counter()
        if now >= self._next:
            time.sleep(0)  # releases the GIL: a thread waiting for it takes it now
            self._next = time.perf_counter() + self.interval_s
