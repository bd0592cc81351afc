"""What the main window leaves until after a paint (issue 12: paint first).

`FirstPaintTrigger(window, callback)` calls `callback()` once, in the event loop turn right after the window's
next paint has reached the screen. The window uses it twice at the app's start (`MainWindow.opening`):

1. After the frame's paint (menus, tool bar with the search box, status bar, the panes' places): open the
   library and build the catalog's views, side bar and detail pane, importing their modules only now.
2. After that content's paint: let the readers' answers in (rows, the current item's details, the side bar's
   counts; they wait on their reader until then), then import and install the feature modules
   (`mediacat.gui.features`: downloads' `http.client`, `ssl`, `email`, the bag export, CSV, tags ...).

A window made on an open library (`MainWindow(library)`: tests, `--screenshot`, a start with `--select` and
the like) builds its content at once and uses only the second. A window that is not shown gets its callback
at the first event loop turn (nothing to paint first); a shown window that gets no paint (minimized on some
platforms) gets it after `FALLBACK_MS`.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

FALLBACK_MS = 500


class FirstPaintTrigger(QObject):
    """Calls `callback()` once: after the window's next paint, or at the first event loop turn while the window
    is not shown."""

    def __init__(self, window: QWidget, callback: Callable[[], object]) -> None:
        super().__init__(window)
        self.window = window
        self.callback = callback
        self.done = False
        self._cancelled = False
        self._fallback = QTimer(self)
        self._fallback.setSingleShot(True)
        self._fallback.setInterval(FALLBACK_MS)
        self._fallback.timeout.connect(self._fire)
        window.installEventFilter(self)
        QTimer.singleShot(0, self, self._first_turn)

    def _first_turn(self) -> None:
        if not self.window.isVisible():
            self._fire()  # not shown: nothing to paint first
        elif not self.done:
            self._fallback.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Paint:
            self.window.removeEventFilter(self)
            QTimer.singleShot(0, self, self._fire)  # after this paint has reached the screen
        return False

    def cancel(self) -> None:
        """The window is closing: nothing more is built or installed into it."""
        self._cancelled = True
        self._fallback.stop()
        self.window.removeEventFilter(self)

    def _fire(self) -> None:
        if self._cancelled or self.done:
            return
        self._fallback.stop()
        self.window.removeEventFilter(self)
        self.done = True
        self.callback()
