"""The Qt-free protocol for long jobs (hashing, importing, downloading, exporting).

A job function takes a `Job`, calls `job.report(done, total, message)` as it goes and `job.check()` at safe
points, where a cancel request raises `Cancelled`. The CLI prints the reports as a progress line; the GUI
turns them into signals (mediacat.gui.tasks).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from mediacat.core.errors import MediaCatError


class Cancelled(MediaCatError):
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

    def cancel(self) -> None:
        self._cancel.set()

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
