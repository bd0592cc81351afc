"""One function call on a worker QThread (with its own event loop), its result delivered to the GUI thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QThread, Signal

_running: set[BackgroundCall] = set()


class BackgroundCall(QThread):
    """Runs `function(*args)` on a new thread; emits `succeeded(result)` or `failed(message)` (queued to the
    receivers' thread). The thread object keeps itself alive until it has finished."""

    succeeded = Signal(object)
    failed = Signal(str)

    def __init__(self, function: Callable[..., Any], *args: Any) -> None:
        super().__init__()
        self._function = function
        self._args = args
        self.finished.connect(self._forget)

    def run(self) -> None:
        try:
            result = self._function(*self._args)
        except Exception as error:  # reported to the GUI as a message; the worker never takes the app down
            self.failed.emit(str(error) or type(error).__name__)
        else:
            self.succeeded.emit(result)

    def _forget(self) -> None:
        _running.discard(self)


def run_in_background(
    function: Callable[..., Any],
    *args: Any,
    on_success: Callable[[Any], None],
    on_failure: Callable[[str], None],
) -> BackgroundCall:
    """Start `function(*args)` on a worker thread; the callbacks run on the GUI thread."""
    call = BackgroundCall(function, *args)
    call.succeeded.connect(on_success)
    call.failed.connect(on_failure)
    _running.add(call)
    call.start()
    return call


def wait_for_background(timeout_ms: int = 30_000) -> None:
    """Block until every background call has finished (application exit, tests)."""
    for call in list(_running):
        call.wait(timeout_ms)
