"""The Downloads dock's parts: one entry per download, a list model, a delegate painting a progress bar, the panel."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QPoint, QRect, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QListView,
    QMenu,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from mediacat.core.download import format_bytes
from mediacat.core.jobs import Progress

REPAINT_INTERVAL_MS = 250  # progress reaches the view at most this often
ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1
RUNNING, DONE, FAILED, CANCELLED = "running", "done", "failed", "cancelled"
BAR_HEIGHT = 12


@dataclass(eq=False)
class DownloadEntry:
    """One download shown in the panel; `work(job)` is the transfer (on the download pool), run again by Retry,
    unless another feature runs the entry by `steps(entry)` (Download from NASA: plan, transfer, settle)."""

    number: int
    item_id: str
    label: str
    work: Callable[..., Any] | None = None
    steps: Callable[[DownloadEntry], None] | None = None
    state: str = RUNNING
    done: int = 0
    total: int | None = None
    message: str = "connecting…"
    handle: Any = None  # the TaskHandle while it runs
    result: Any = None  # the AttachResult when done (else `message` says what was attached)
    duplicate: bool = False  # failed because the same content is already attached: Attach Anyway can help
    allow_duplicate: bool = False  # the next run attaches even a duplicate (Attach Anyway)
    started: float = field(default_factory=time.monotonic)

    @property
    def finished(self) -> bool:
        return self.state != RUNNING

    def status_text(self) -> str:
        if self.state == DONE and self.result is not None:
            attachment = self.result.attachment
            return f"attached to {attachment.item_id} as #{attachment.id} ({format_bytes(attachment.size)})"
        if self.state == CANCELLED:
            return self.message if self.message.startswith("cancelled") else "cancelled"
        if self.state == FAILED and self.duplicate:
            return f"{self.message} (Attach Anyway attaches a second copy)"
        return self.message


class DownloadsModel(QAbstractListModel):
    """The downloads, newest last; progress changes are batched and repainted every REPAINT_INTERVAL_MS."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.entries: list[DownloadEntry] = []
        self._dirty: set[int] = set()
        self._timer = QTimer(self)
        self._timer.setInterval(REPAINT_INTERVAL_MS)
        self._timer.timeout.connect(self.flush)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.entries)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.entries):
            return None
        entry = self.entries[index.row()]
        if role == ENTRY_ROLE:
            return entry
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return f"{entry.label} → {entry.item_id}: {entry.state}, {entry.status_text()}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{entry.label}\n{entry.status_text()}"
        return None

    def add(self, entry: DownloadEntry) -> None:
        row = len(self.entries)
        self.beginInsertRows(QModelIndex(), row, row)
        self.entries.append(entry)
        self.endInsertRows()

    def row_of(self, entry: DownloadEntry) -> int:
        return self.entries.index(entry)

    def progress(self, entry: DownloadEntry, progress: Progress) -> None:
        """A progress report: stored now, painted at the next tick."""
        entry.done, entry.total = progress.done, progress.total
        if progress.message:
            entry.message = progress.message
        self._dirty.add(id(entry))
        if not self._timer.isActive():
            self._timer.start()

    def changed(self, entry: DownloadEntry) -> None:
        """A state change (done, failed, cancelled, retried): painted at once."""
        self._dirty.discard(id(entry))
        index = self.index(self.row_of(entry))
        self.dataChanged.emit(index, index)

    def flush(self) -> None:
        if not self._dirty:
            self._timer.stop()
            return
        for row, entry in enumerate(self.entries):
            if id(entry) in self._dirty:
                index = self.index(row)
                self.dataChanged.emit(index, index)
        self._dirty.clear()

    def remove_finished(self) -> None:
        keep = [entry for entry in self.entries if not entry.finished]
        if len(keep) != len(self.entries):
            self.beginResetModel()
            self.entries = keep
            self.endResetModel()


class DownloadDelegate(QStyledItemDelegate):
    """Paints a download as: what and where to, a progress bar, then bytes/total/rate (or the error)."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        line = option.fontMetrics.height()
        return QSize(320, 2 * line + BAR_HEIGHT + 16)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        entry: DownloadEntry | None = index.data(ENTRY_ROLE)
        if entry is None:
            return
        widget = option.widget
        style = widget.style() if widget is not None else QApplication.style()
        painter.save()
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, widget)
        rect = option.rect.adjusted(6, 4, -6, -4)
        metrics = option.fontMetrics
        line = metrics.height()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        text_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.setPen(option.palette.color(text_role))
        title = metrics.elidedText(f"{entry.label} → {entry.item_id}", Qt.TextElideMode.ElideMiddle, rect.width())
        painter.drawText(QRect(rect.left(), rect.top(), rect.width(), line), Qt.AlignmentFlag.AlignVCenter, title)
        bar = QStyleOptionProgressBar()
        bar.rect = QRect(rect.left(), rect.top() + line + 3, rect.width(), BAR_HEIGHT)
        bar.state = QStyle.StateFlag.State_Enabled | QStyle.StateFlag.State_Horizontal
        bar.minimum = 0
        if entry.state == DONE:
            bar.maximum, bar.progress = 1, 1
        elif entry.total:
            bar.maximum, bar.progress = 1000, int(1000 * min(1.0, entry.done / entry.total))
        elif entry.state == RUNNING:
            bar.maximum, bar.progress = 0, 0  # size unknown: a busy bar
        else:
            bar.maximum, bar.progress = 1, 0
        bar.textVisible = False
        style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter, widget)
        status_rect = QRect(rect.left(), rect.top() + line + BAR_HEIGHT + 6, rect.width(), line)
        if entry.state == FAILED and not selected:
            painter.setPen(QColor(200, 40, 40))
        status = metrics.elidedText(entry.status_text(), Qt.TextElideMode.ElideRight, rect.width())
        painter.drawText(status_rect, Qt.AlignmentFlag.AlignVCenter, status)
        painter.restore()


class DownloadsPanel(QWidget):
    """The dock's contents: the list, and Cancel / Retry / Clear finished for the selected download."""

    def __init__(self, model: DownloadsModel, cancel: Callable[[DownloadEntry], None],
                 retry: Callable[[DownloadEntry], None], parent: QWidget | None = None, *,
                 attach_anyway: Callable[[DownloadEntry], None] | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self._cancel, self._retry = cancel, retry
        self._attach_anyway = attach_anyway
        self.view = QListView()
        self.view.setModel(model)
        self.view.setItemDelegate(DownloadDelegate(self.view))
        self.view.setUniformItemSizes(True)
        self.view.setAccessibleName("Downloads")
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.cancel_button = QPushButton("Cancel")
        self.retry_button = QPushButton("Retry")
        self.clear_button = QPushButton("Clear finished")
        self.anyway_button = QPushButton("Attach Anyway")
        self.anyway_button.setToolTip("The same content is already attached: download it again and attach it anyway")
        self.anyway_button.clicked.connect(lambda: self._on_selected(self._attach_anyway or (lambda _entry: None)))
        self.cancel_button.clicked.connect(lambda: self._on_selected(self._cancel))
        self.retry_button.clicked.connect(lambda: self._on_selected(self._retry))
        self.clear_button.clicked.connect(model.remove_finished)
        buttons = QHBoxLayout()
        for button in (self.cancel_button, self.retry_button, self.anyway_button, self.clear_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.view)
        layout.addLayout(buttons)
        self.view.selectionModel().currentChanged.connect(lambda *_: self.update_buttons())
        model.dataChanged.connect(lambda *_: self.update_buttons())
        model.rowsInserted.connect(self._select_new)
        model.modelReset.connect(self.update_buttons)
        self.update_buttons()

    def selected_entry(self) -> DownloadEntry | None:
        index = self.view.currentIndex()
        return index.data(ENTRY_ROLE) if index.isValid() else None

    def select(self, entry: DownloadEntry) -> None:
        self.view.setCurrentIndex(self.model.index(self.model.row_of(entry)))

    def update_buttons(self) -> None:
        entry = self.selected_entry()
        self.cancel_button.setEnabled(entry is not None and entry.state == RUNNING)
        self.retry_button.setEnabled(entry is not None and entry.state in (FAILED, CANCELLED))
        duplicate = entry is not None and entry.state == FAILED and entry.duplicate
        self.anyway_button.setVisible(duplicate and self._attach_anyway is not None)
        self.retry_button.setVisible(not duplicate)  # Retry cannot help a duplicate; Attach Anyway can
        self.clear_button.setEnabled(any(e.finished for e in self.model.entries))

    def _select_new(self, _parent: QModelIndex, _first: int, last: int) -> None:
        self.view.setCurrentIndex(self.model.index(last))
        self.update_buttons()

    def _on_selected(self, action: Callable[[DownloadEntry], None]) -> None:
        entry = self.selected_entry()
        if entry is not None:
            action(entry)
        self.update_buttons()

    def _context_menu(self, position: QPoint) -> None:
        index = self.view.indexAt(position)
        if not index.isValid():
            return
        self.view.setCurrentIndex(index)
        menu = QMenu(self)
        menu.addAction("Cancel", lambda: self._on_selected(self._cancel)).setEnabled(self.cancel_button.isEnabled())
        menu.addAction("Retry", lambda: self._on_selected(self._retry)).setEnabled(self.retry_button.isEnabled())
        if self.anyway_button.isVisibleTo(self):
            menu.addAction("Attach Anyway", lambda: self._on_selected(self._attach_anyway or (lambda _e: None)))
        menu.popup(self.view.viewport().mapToGlobal(position))
