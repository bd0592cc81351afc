"""What the main window leaves until after its first paint (issue 12: paint first): the readers' first answers
and the feature modules.

The readers start on the catalog's ids, counts and facets while the window is made, but their answers are
applied (rows, the current item's details, the side bar's counts) only once the window has painted.

The feature modules (`mediacat.gui.features`) and what they import (downloads: `http.client`, `ssl`, `email`;
the archivist's bag export; CSV, tags, the timeline's clocks ...) are most of the app's import time, so the
window paints its skeleton (menus, tool bar, side bar, catalog, detail pane) first and imports and installs
them right after, in the same event loop turn that follows the paint. A window that is never shown (tests,
`--screenshot`) installs them the first time the event loop runs; anyone may install them at once with
`window.install_features()` (idempotent). A shown window that gets no paint (minimized on some platforms)
installs them after `FALLBACK_MS`.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer

FALLBACK_MS = 500


class FeatureInstallTrigger(QObject):
    """Calls `window.first_paint_done()` once: after the window's first paint, or at the first event loop turn
    while the window is not shown."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self._cancelled = False
        self._fallback = QTimer(self)
        self._fallback.setSingleShot(True)
        self._fallback.setInterval(FALLBACK_MS)
        self._fallback.timeout.connect(self._install)
        window.installEventFilter(self)
        QTimer.singleShot(0, self, self._first_turn)

    def _first_turn(self) -> None:
        if not self.window.isVisible():
            self._install()  # not shown: nothing to paint first
        elif not self.window.painted:
            self._fallback.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Paint:
            self.window.removeEventFilter(self)
            QTimer.singleShot(0, self, self._install)  # after this paint has reached the screen
        return False

    def cancel(self) -> None:
        """The window is closing: install nothing into it."""
        self._cancelled = True
        self._fallback.stop()
        self.window.removeEventFilter(self)

    def _install(self) -> None:
        if self._cancelled:
            return
        self._fallback.stop()
        self.window.removeEventFilter(self)
        self.window.first_paint_done()
