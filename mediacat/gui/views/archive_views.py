"""The History dock's table of events and the Saved Searches side bar's list (Qt models, filled by queries)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mediacat.core.events import Event
from mediacat.core.saved_searches import SavedSearch

NAME_ROLE = Qt.ItemDataRole.UserRole + 1
_ROOT = QModelIndex()


class EventsModel(QAbstractTableModel):
    """Events, newest first: when (UTC), what, file, outcome, program, details."""

    HEADERS = ("When (UTC)", "What", "File", "Outcome", "Program", "Details")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.events: list[Event] = []

    def set_events(self, found: list[Event]) -> None:
        self.beginResetModel()
        self.events = list(reversed(found))
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.events)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        event = self.events[index.row()]
        column = index.column()
        if column == 0:
            return event.at.replace("T", " ").rstrip("Z")
        if column == 1:
            return event.action
        if column == 2:
            return f"#{event.attachment_id}" if event.attachment_id is not None else ""
        if column == 3:
            return event.outcome
        if column == 4:
            return f"{event.program} {event.version}"
        return event.summary()


class HistoryPanel(QWidget):
    """The current item's events, all of them or one attachment's."""

    attachment_chosen = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("History")
        self.model = EventsModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Events")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.attachment = QComboBox()
        self.attachment.setAccessibleName("Attachment")
        self.attachment.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.attachment.setMinimumContentsLength(8)
        self.attachment.currentIndexChanged.connect(lambda _i: self.attachment_chosen.emit())
        self.empty = QLabel("No events yet for this item.")
        row = QHBoxLayout()
        row.addWidget(QLabel("Show:"))
        row.addWidget(self.attachment, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)

    def set_attachments(self, choices: list[tuple[int, str]]) -> None:
        """The attachment filter: the whole item, or one of its files (id, label)."""
        current = self.attachment_id()
        self.attachment.blockSignals(True)
        self.attachment.clear()
        self.attachment.addItem("The whole item", None)
        for attachment_id, label in choices:
            self.attachment.addItem(f"#{attachment_id} {label}", attachment_id)
        index = self.attachment.findData(current) if current is not None else 0
        self.attachment.setCurrentIndex(max(index, 0))
        self.attachment.blockSignals(False)

    def attachment_id(self) -> int | None:
        return self.attachment.currentData()

    def show_events(self, found: list[Event]) -> None:
        self.model.set_events(found)
        self.empty.setVisible(not found)
        self.table.resizeColumnsToContents()


class SavedSearchesModel(QAbstractListModel):
    """Saved searches by name, each with its live count: `name (count)`; the name under NAME_ROLE."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[tuple[SavedSearch, int]] = []

    def set_rows(self, rows: list[tuple[SavedSearch, int]]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        search, count = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{search.name} ({count})"
        if role == NAME_ROLE:
            return search.name
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{search.name}: {count} items now"
        return None

    def search_named(self, name: str) -> SavedSearch | None:
        return next((search for search, _count in self.rows if search.name == name), None)

    def count_of(self, name: str) -> int | None:
        return next((count for search, count in self.rows if search.name == name), None)


class SavedSearchesPanel(QWidget):
    """The side bar's saved searches: click one to show its items; Save Current… keeps the current search."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Saved searches")
        self.model = SavedSearchesModel(self)
        self.list = QListView()
        self.list.setModel(self.model)
        self.list.setAccessibleName("Saved searches")
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.save_button = QPushButton("Save Search…")
        self.save_button.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.save_button.setToolTip("Keep the current search and filters under a name, in the library")
        self.list.setMaximumHeight(130)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 6)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.save_button)
