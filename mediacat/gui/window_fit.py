"""Small windows: the side panes and docks give way to the catalog, and come back when the window grows.

As the window narrows, the Filters and Details panes first shrink to their minimum widths, then the Filters pane
and, narrower still, the Details pane hide; as it gets short, the docks under the catalog (Note, Tags,
Downloads) hide, and shorter still the notice bars above the panes. Only what this hid is shown again when
the window grows back, and the layout saved on quit is the one the person made (`as_the_user_left_it`). The
View menu shows and hides every pane as before.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QWidget

SQUEEZE_BELOW_WIDTH = 1000  # the side panes shrink to their minimum widths
HIDE_FILTERS_BELOW_WIDTH = 760  # ... then the Filters pane hides
HIDE_DETAILS_BELOW_WIDTH = 620  # ... then the Details pane
HIDE_DOCKS_BELOW_HEIGHT = 620  # the docks under the catalog hide
HIDE_NOTICES_BELOW_HEIGHT = 460  # ... and, shorter still, the notice bars above the panes
HYSTERESIS = 30  # grow this much past a limit before a pane comes back (no flicker at the limit)
SMALLEST_WINDOW = (480, 340)


class SmallWindowFit(QObject):
    """Watches the main window's size and makes room for the catalog in a small window."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self._hidden: dict[str, list[QWidget]] = {"filters": [], "details": [], "docks": [], "notices": []}
        self._saved_sizes: list[int] | None = None  # the widths before squeezing (restored when it grows)
        self._comfortable_sizes: list[int] | None = None  # the last widths the person had in a large window
        window.splitter.splitterMoved.connect(lambda *_: self._remember_sizes())
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.fit)
        window.setMinimumSize(*SMALLEST_WINDOW)  # smaller than the panes' minimums: they give way instead
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            self._timer.start()
        return super().eventFilter(watched, event)

    def given_way(self) -> list[str]:
        """What is hidden now to make room ("filters", "details", "docks", "notices")."""
        return [name for name, widgets in self._hidden.items() if widgets]

    def _remember_sizes(self) -> None:
        if self._saved_sizes is None and self.window.width() >= SQUEEZE_BELOW_WIDTH:
            self._comfortable_sizes = self.window.splitter.sizes()

    def fit(self) -> None:
        window = self.window
        if not window.isVisible():
            return
        width, height = window.width(), window.height()
        self._remember_sizes()
        self._squeeze(width < SQUEEZE_BELOW_WIDTH, width >= SQUEEZE_BELOW_WIDTH + HYSTERESIS)
        self._give_way("filters", [window.sidebar], width < HIDE_FILTERS_BELOW_WIDTH,
                       width >= HIDE_FILTERS_BELOW_WIDTH + HYSTERESIS)
        self._give_way("details", [window.detail], width < HIDE_DETAILS_BELOW_WIDTH,
                       width >= HIDE_DETAILS_BELOW_WIDTH + HYSTERESIS)
        bottom = [dock for dock in window.findChildren(QDockWidget)
                  if window.dockWidgetArea(dock) == Qt.DockWidgetArea.BottomDockWidgetArea and not dock.isFloating()]
        self._give_way("docks", bottom, height < HIDE_DOCKS_BELOW_HEIGHT,
                       height >= HIDE_DOCKS_BELOW_HEIGHT + HYSTERESIS)
        self._give_way("notices", window.notices(), height < HIDE_NOTICES_BELOW_HEIGHT,
                       height >= HIDE_NOTICES_BELOW_HEIGHT + HYSTERESIS)

    def _give_way(self, name: str, widgets: list[QWidget], small: bool, large: bool) -> None:
        hidden = self._hidden[name]
        if small and not hidden:
            shown = [widget for widget in widgets if widget.isVisible()]
            for widget in shown:
                self._set_visible(widget, False)
            self._hidden[name] = shown
        elif large and hidden:
            for widget in hidden:
                self._set_visible(widget, True)
            self._hidden[name] = []

    def _set_visible(self, widget: QWidget, visible: bool) -> None:
        window = self.window
        if widget is window.sidebar:
            window.filters_action.setChecked(visible)  # the View menu says what is on screen
        elif widget is window.detail:
            window.details_action.setChecked(visible)
        else:
            widget.setVisible(visible)

    def _squeeze(self, small: bool, large: bool) -> None:
        splitter = self.window.splitter
        sizes = splitter.sizes()
        if small and self._saved_sizes is None and len(sizes) == 3:
            # The layout may have squeezed them already (one big resize step): keep the last comfortable widths.
            self._saved_sizes = self._comfortable_sizes or sizes
            sidebar, detail = self.window.sidebar, self.window.detail
            narrow_sidebar = sidebar.minimumSizeHint().width() if sizes[0] else 0
            narrow_detail = detail.minimumSizeHint().width() if sizes[2] else 0
            splitter.setSizes([narrow_sidebar, max(0, sum(sizes) - narrow_sidebar - narrow_detail), narrow_detail])
        elif large and self._saved_sizes is not None:
            saved, self._saved_sizes = self._saved_sizes, None
            total = sum(splitter.sizes())
            splitter.setSizes([saved[0], max(0, total - saved[0] - saved[2]), saved[2]])

    def user_splitter_sizes(self) -> list[int]:
        """The panes' widths as the person left them (before a small window squeezed them)."""
        return list(self._saved_sizes) if self._saved_sizes is not None else self.window.splitter.sizes()

    @contextmanager
    def as_the_user_left_it(self) -> Iterator[None]:
        """Inside: the panes and docks this hid are shown again (to save the layout the person made)."""
        hidden = [widget for widgets in self._hidden.values() for widget in widgets]
        for widget in hidden:
            widget.setVisible(True)
        try:
            yield
        finally:
            for widget in hidden:
                widget.setVisible(False)
