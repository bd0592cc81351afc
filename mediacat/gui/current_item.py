"""The catalog's current item: its details and preview in the detail pane, its viewer and its article reader.

The detail pane follows the current index and every `library_changed` that touches the item; its preview is the
item's first file's thumbnail (or its first built-in NASA file's). The viewer (`views/viewer_window.py`) and the
reader (`views/article_reader.py`) are made the first time they are asked for, where they were left.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mediacat.core.builtin_media import shown_media
from mediacat.gui.views.detail_pane import PREVIEW_SIZE

if TYPE_CHECKING:
    from PySide6.QtCore import QModelIndex
    from PySide6.QtGui import QPixmap

    from mediacat.core.changes import Changes
    from mediacat.gui.main_window import MainWindow
    from mediacat.gui.settings import Settings
    from mediacat.gui.views.article_reader import ArticleReader
    from mediacat.gui.views.viewer_window import ViewerWindow


class CurrentItem:
    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.reader: ArticleReader | None = None
        self.viewer: ViewerWindow | None = None
        if window.thumbnails is not None:
            window.thumbnails.thumbnail_ready.connect(self._thumbnail_ready)
        for view in (window.grid, window.table):
            view.activated.connect(self._item_activated)
        window.detail.source_activated.connect(self.open_reader)
        window.selection_model.currentChanged.connect(self._current_changed)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.show_details(self.window.model.item_id_at(current.row()) if current.isValid() else None)
        # (CatalogSelection emits the window's selection_changed, once per answer)

    def show_details(self, item_id: str | None) -> None:
        found = self.window.library.items([item_id]) if item_id else []
        item = found[0] if found else None
        self.window.detail.show_item(item, self._preview_pixmap(item) if item else None)

    def library_changed(self, changes: Changes) -> None:
        """The detail pane again if `changes` touch the current item (after the catalog's refresh)."""
        current = self.window.current_item_id()
        if current is not None and (changes.touches_item(current) or changes.settings or changes.attachments):
            self.show_details(current)

    def _preview_pixmap(self, item: Any) -> QPixmap | None:
        window = self.window
        if window.thumbnails is None:
            return None
        if not item.attachments:
            builtin = shown_media(item)
            if builtin is None:
                return None
            return window.thumbnails.thumbnail(item.id, builtin.path, builtin.sha256, builtin.media_type,
                                               PREVIEW_SIZE)
        first = item.attachments[0]
        return window.thumbnails.thumbnail(item.id, first.resolved_path, first.sha256,
                                           first.media_type or item.media_type, PREVIEW_SIZE)

    def refresh_preview(self) -> None:
        """The preview again (its thumbnail arrived, or the palette changed its placeholder)."""
        detail = self.window.detail
        if detail.item is not None:
            detail.set_preview(self._preview_pixmap(detail.item))

    def _thumbnail_ready(self, item_id: str) -> None:
        self.window.model.thumbnail_ready(item_id)
        if self.window.detail.item is not None and self.window.detail.item.id == item_id:
            self.refresh_preview()

    def _item_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_viewer(self.window.model.item_id_at(index.row()))

    def open_viewer(self, item_id: str | None = None) -> ViewerWindow | None:
        window = self.window
        item_id = item_id or window.current_item_id()
        if item_id is None:
            return None
        if self.viewer is None:
            from mediacat.gui.views.viewer_window import ViewerWindow

            self.viewer = ViewerWindow(window)
            self.viewer.files_dropped.connect(window.files_dropped)
            geometry = window.settings.viewer_geometry
            if geometry is not None:
                self.viewer.restoreGeometry(geometry)
        self.viewer.show_item(window.library.item(item_id))
        self.viewer.show()
        self.viewer.raise_()
        self.viewer.activateWindow()
        return self.viewer

    def open_reader(self, article_id: str, quote: str | None = None, item_id: str | None = None) -> ArticleReader:
        if self.reader is None:
            from mediacat.gui.views.article_reader import ArticleReader

            self.reader = ArticleReader(self.window.library, self.window)
            self.reader.item_requested.connect(self._reader_item_requested)
            geometry = self.window.settings.reader_geometry
            if geometry is not None:
                self.reader.restoreGeometry(geometry)
        self.reader.show_article(article_id, quote, item_id)
        self.reader.show()
        self.reader.raise_()
        return self.reader

    def read_first_source(self) -> None:
        """Item ▸ Read First Source: the first article that mentions the current item, at its quote."""
        window = self.window
        item_id = window.current_item_id()
        if item_id is None:
            return
        item = window.library.item(item_id)
        if not item.sources:
            window.status_message(f"No article mentions {item.title!r}")
            return
        self.open_reader(item.sources[0].article_id, item.sources[0].quote, item.id)

    def _reader_item_requested(self, item_id: str) -> None:
        if self.window.select_item(item_id):
            self.window.activateWindow()
            self.window.raise_()

    def save_places(self, settings: Settings) -> None:
        """Where the viewer and the reader are (the window's state saves and syncs the settings)."""
        if self.viewer is not None:
            settings.viewer_geometry = self.viewer.saveGeometry()
        if self.reader is not None:
            settings.reader_geometry = self.reader.saveGeometry()

    def close_windows(self) -> None:
        for window in (self.viewer, self.reader):
            if window is not None:
                window.close()
