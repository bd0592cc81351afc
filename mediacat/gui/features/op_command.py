"""An undo step whose undo and redo are core operations run on the window's one writer (`window.run_op`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QUndoCommand

StepOp = Callable[[Any], tuple[Callable[..., Any], tuple[Any, ...]]]  # latest result -> (op, args)


class OpCommand(QUndoCommand):
    """An undo step whose first redo does nothing (the operation already ran); undo and redo run operations
    on the writer. `undo_op(result)` and `redo_op(result)` give (op, args) from the latest result."""

    def __init__(self, window: Any, text: str, result: Any,
                 undo_op: Callable[[Any], tuple[Callable[..., Any], tuple[Any, ...]]],
                 redo_op: Callable[[Any], tuple[Callable[..., Any], tuple[Any, ...]]]) -> None:
        super().__init__(text)
        self.window = window
        self.result = result
        self.undo_op = undo_op
        self.redo_op = redo_op
        self._first = True
        self._running = False
        self._waiting: list[tuple[Callable[[Any], tuple[Callable[..., Any], tuple[Any, ...]]], str]] = []

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        self._run(self.redo_op, "Redo")

    def undo(self) -> None:
        self._run(self.undo_op, "Undo")

    def _run(self, make: Callable[[Any], tuple[Callable[..., Any], tuple[Any, ...]]], verb: str) -> None:
        """Run the step's operation; a step asked for while the previous one still runs waits for its result
        (the next operation's arguments come from it: a quick Undo then Redo)."""
        if self._running:
            self._waiting.append((make, verb))
            return
        self._running = True
        op, args = make(self.result)

        def done(result: Any) -> None:
            self.result = result
            self._next()

        def failed(error: BaseException) -> None:
            self.setObsolete(True)
            self._waiting.clear()
            self._running = False
            self.window.report_error(f"{verb} {self.text()!r} failed", error)  # e.g. deleted elsewhere meanwhile

        self.window.run_op(op, *args, label=f"{verb} {self.text()}", on_done=done, on_error=failed)

    def _next(self) -> None:
        self._running = False
        if self._waiting:
            self._run(*self._waiting.pop(0))


__all__ = ["OpCommand", "StepOp"]
