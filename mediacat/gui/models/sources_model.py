"""An item's sources (the articles that mention it, with the quote) as a list model for the detail pane."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from mediacat.core.model import SourceLink

ARTICLE_ID_ROLE = Qt.ItemDataRole.UserRole + 1
QUOTE_ROLE = Qt.ItemDataRole.UserRole + 2
SOURCE_ROLE = Qt.ItemDataRole.UserRole + 3

Index = QModelIndex | QPersistentModelIndex


class SourcesModel(QAbstractListModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._sources: tuple[SourceLink, ...] = ()

    def set_sources(self, sources: tuple[SourceLink, ...]) -> None:
        self.beginResetModel()
        self._sources = tuple(sources)
        self.endResetModel()

    def source(self, row: int) -> SourceLink:
        return self._sources[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._sources)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._sources):
            return None
        source = self._sources[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{source.outlet}, {source.date}: {source.title}\n“{source.quote}”"
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"Open “{source.title}” ({source.outlet}) at this passage"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{source.outlet}, {source.date}, {source.title}. Quote: {source.quote}"
        if role == ARTICLE_ID_ROLE:
            return source.article_id
        if role == QUOTE_ROLE:
            return source.quote
        if role == SOURCE_ROLE:
            return source
        return None
