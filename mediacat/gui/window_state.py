"""The main window's remembered state and its docks' layout.

The window's geometry is restored with the frame (`gui/window_frame.py` restores the panes' widths at the first
show); the table's header and the view mode when the content is built; the docks' layout once every feature
has added its docks (else the default layout: docks sharing an area are tabs). `save()` keeps all of it, as
the person left it (not as a small window squeezed it, `gui/window_fit.py`). On the path to the first paint:
Qt's namespace and the dock widget are imported when first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDockWidget, QWidget

    from mediacat.gui.main_window import MainWindow
    from mediacat.gui.settings import Settings

DEFAULT_BOTTOM_DOCK_HEIGHT = 130  # the note, tags and downloads docks, as tabs under the catalog


class WindowState:
    def __init__(self, window: MainWindow, settings: Settings) -> None:
        self.window = window
        self.settings = settings
        self.docks_placed = False  # the docks have their layout: one added now joins its area's tabs
        if settings.window_geometry is not None:
            window.restoreGeometry(settings.window_geometry)
        else:
            window.resize(1360, 840)

    def restore_content(self) -> None:
        """The content's remembered state: the table's columns and the view mode."""
        from PySide6.QtCore import Qt

        window, settings = self.window, self.settings
        if settings.table_header is not None:
            window.table.horizontalHeader().restoreState(settings.table_header)
            window.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        window.set_view_mode(settings.view_mode)

    def restore_docks(self) -> None:
        """After the features added their docks: the saved layout, or (in a shown window) the default one."""
        window = self.window
        if self.settings.window_state is not None:
            self.docks_placed = window.restoreState(self.settings.window_state)
        if window.isVisible() and not self.docks_placed:
            self.docks_placed = True
            self.place_docks()

    def shown(self) -> None:
        """The window shows: the features' docks get the default layout if nothing placed them yet."""
        if not self.docks_placed and self.window.features_installed:  # else restore_docks places them
            self.docks_placed = True
            self.place_docks()

    def place_docks(self) -> None:
        """The default dock layout: docks that share an area share it as tabs (the catalog keeps its width)."""
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QDockWidget

        window = self.window
        by_area: dict[Qt.DockWidgetArea, list[QDockWidget]] = {}
        for dock in window.findChildren(QDockWidget):
            by_area.setdefault(window.dockWidgetArea(dock), []).append(dock)
        for docks in by_area.values():
            for dock in docks[1:]:
                window.tabifyDockWidget(docks[0], dock)
            docks[0].raise_()
        bottom = by_area.get(Qt.DockWidgetArea.BottomDockWidgetArea)
        if bottom:
            window.resizeDocks(bottom[:1], [DEFAULT_BOTTOM_DOCK_HEIGHT], Qt.Orientation.Vertical)

    def add_dock(self, widget: QWidget, title: str, area: Qt.DockWidgetArea | None = None) -> QDockWidget:
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QDockWidget

        window = self.window
        area = Qt.DockWidgetArea.RightDockWidgetArea if area is None else area
        dock = QDockWidget(title, window)
        dock.setObjectName(f"dock-{title}")
        dock.setWidget(widget)
        dock.setAccessibleName(title)
        if self.docks_placed:  # added after the layout was made: joins its area's tabs (else place_docks does)
            neighbours = [other for other in window.findChildren(QDockWidget) if window.dockWidgetArea(other) == area]
            window.addDockWidget(area, dock)
            if neighbours:
                window.tabifyDockWidget(neighbours[-1], dock)
        else:
            window.addDockWidget(area, dock)
        window.menu("View").addAction(dock.toggleViewAction())
        return dock

    def save(self) -> None:
        window, settings = self.window, self.settings
        settings.window_geometry = window.saveGeometry()
        if not window.content_built:  # closed while the library opened: only the window's place is known
            settings.sync()
            return
        fit = window.small_window_fit
        with fit.as_the_user_left_it():  # panes a small window hid are not saved as hidden
            if window.features_installed:  # closed before: the state would have none of the features' docks
                settings.window_state = window.saveState()
            settings.splitter_sizes = fit.user_splitter_sizes()
        settings.view_mode = window.view_mode()
        settings.table_header = window.table.horizontalHeader().saveState()
        settings.sync()
