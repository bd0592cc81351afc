"""Accepting files dropped from a file manager: which local paths a drag carries."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QMimeData
from PySide6.QtGui import QDragMoveEvent, QDropEvent


def dropped_paths(mime: QMimeData | None) -> list[str]:
    """The local file paths of a drag (empty if it carries no local files, e.g. web links)."""
    if mime is None or not mime.hasUrls():
        return []
    return [url.toLocalFile() for url in mime.urls() if url.isLocalFile() and url.toLocalFile()]


class ItemDropTarget:
    """For a widget showing one item (`self.item`): files dropped on it emit `files_dropped(item_id, paths)`."""

    item: Any
    files_dropped: Any  # Signal(str, list)

    def dragEnterEvent(self, event: QDragMoveEvent) -> None:  # a QDragEnterEvent is a QDragMoveEvent
        if self.item is not None and dropped_paths(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        self.dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        paths = dropped_paths(event.mimeData())
        if self.item is None or not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        self.files_dropped.emit(self.item.id, paths)
