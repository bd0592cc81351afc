"""The app's last line of defence: an exception nobody caught is shown in an error dialog, never lost.

`sys.excepthook` (an exception escaping a slot or callback on the GUI thread) and `threading.excepthook` (one
escaping a thread, brought to the GUI thread by a queued signal) show the error dialog with the traceback
under "Show details", and print it on standard error. A `MediaCatError` gets its own sentence only: it is
something the user can act on, not a bug.
"""

from __future__ import annotations

import sys
import threading
import traceback
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from mediacat.core.errors import MediaCatError
from mediacat.gui.dialogs.error_dialog import ErrorDialog, describe_exception

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], object]


class ExceptionHook(QObject):
    """Installed by `install()`; `uninstall()` puts the previous hooks back."""

    _from_thread = Signal(object)  # the exception, delivered on the GUI thread

    def __init__(self, parent_widget: Callable[[], QWidget | None] = lambda: None) -> None:
        super().__init__()
        self._parent_widget = parent_widget
        self.dialogs: list[ErrorDialog] = []
        self._previous: ExceptHook | None = None
        self._previous_thread_hook: Callable[[threading.ExceptHookArgs], object] | None = None
        self._from_thread.connect(self.show)

    def install(self) -> ExceptionHook:
        self._previous, sys.excepthook = sys.excepthook, self.handle
        self._previous_thread_hook, threading.excepthook = threading.excepthook, self._handle_thread
        return self

    def uninstall(self) -> None:
        if self._previous is not None:
            sys.excepthook = self._previous
        if self._previous_thread_hook is not None:
            threading.excepthook = self._previous_thread_hook

    def handle(self, exc_type: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt) and self._previous is not None:
            self._previous(exc_type, error, tb)
            return
        traceback.print_exception(exc_type, error, tb, file=sys.stderr)
        self.show(error)

    def _handle_thread(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None:
            return
        traceback.print_exception(args.exc_type, args.exc_value, args.exc_traceback, file=sys.stderr)
        self._from_thread.emit(args.exc_value)

    def show(self, error: BaseException) -> ErrorDialog:
        """The error dialog for `error`: its sentence, and for a bug the traceback (with Copy)."""
        message, details = describe_exception(error)
        if isinstance(error, MediaCatError):
            title, details = "MediaCat", ""
        else:
            title = "Unexpected error"
            message = f"{message}\n\nThis is a bug in MediaCat. Nothing saved was lost; the details below help " \
                      "fix it."
        dialog = ErrorDialog(title, message, details, self._parent_widget())
        self.dialogs.append(dialog)
        dialog.finished.connect(lambda _result: self.dialogs.remove(dialog))
        dialog.open()
        return dialog
