"""The catalog's three views, the pages of `window.views`: grid, table and (View ▸ Timeline, issue 14) timeline.

Which one shows, the timeline panel and its controller made the first time they are asked for (their modules
are not on the path to the first paint), and how many thumbnails on screen still wait (for screenshots).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPoint

from mediacat.gui.models.catalog_model import Roles

if TYPE_CHECKING:
    from mediacat.gui.main_window import MainWindow
    from mediacat.gui.views.grid_view import CatalogGridView, CatalogTableView


class CatalogViews:
    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self._timeline: Any = None  # View ▸ Timeline's panel, made when first asked for (`timeline`)
        self._timeline_controller: Any = None

    @property
    def timeline(self) -> Any:
        if self._timeline is None:
            from mediacat.gui.timeline_controller import TimelineController
            from mediacat.gui.views.timeline_view import TimelinePanel

            self._timeline = TimelinePanel()
            self.window.views.addWidget(self._timeline)
            self._timeline_controller = TimelineController(self.window, self._timeline)
        return self._timeline

    @property
    def timeline_controller(self) -> Any:
        self.timeline  # noqa: B018 (made with the panel)
        return self._timeline_controller

    def view_mode(self) -> str:
        window = self.window
        current = window.views.currentWidget()
        if current is window.table:
            return "table"
        return "timeline" if current is not None and current is self._timeline else "grid"

    def set_view_mode(self, mode: str) -> None:
        window = self.window
        if mode == "timeline":
            window.views.setCurrentWidget(self.timeline)
            window.timeline_action.setChecked(True)
            self.timeline_controller.shown()
            if window.isVisible():
                self.timeline.setFocus()
            return
        view = window.table if mode == "table" else window.grid
        window.views.setCurrentWidget(view)
        (window.table_action if mode == "table" else window.grid_action).setChecked(True)
        index = window.selection_model.currentIndex()
        if index.isValid():
            view.scrollTo(index)
        if window.isVisible():
            view.setFocus()

    def current_view(self) -> CatalogGridView | CatalogTableView:
        return self.window.table if self.view_mode() == "table" else self.window.grid

    def visible_thumbnails_pending(self) -> int:
        window = self.window
        if window.thumbnails is None:
            return 0
        if self.view_mode() == "timeline":  # not loaded yet counts as waiting
            canvas = self.timeline.canvas
            return 1 if canvas.timeline is None else canvas.pending_thumbnails()
        view = self.current_view()
        model = window.model
        viewport = view.viewport().rect()
        first = view.indexAt(viewport.topLeft() + QPoint(2, 2))
        pending = 0
        for row in range(first.row() if first.isValid() else 0, model.rowCount()):
            index = model.index(row, 0)
            rect = view.visualRect(index)
            if rect.top() > viewport.bottom():
                break
            if not rect.intersects(viewport):
                continue
            item_row = index.data(Roles.RowRole)
            if item_row is not None and item_row.first_attachment_path and index.data(Roles.ThumbnailRole) is None:
                pending += 1
        return pending
