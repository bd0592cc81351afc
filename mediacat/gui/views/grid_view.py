"""The catalog's two views over the same model: a thumbnail grid (QListView) and a sortable table (QTableView).

Both accept files dropped from a file manager and report them with the item under the cursor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QListView,
    QStyle,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from mediacat.gui.models.catalog_model import THUMBNAIL_SIZE, Column, Roles
from mediacat.gui.views.drops import dropped_paths
from mediacat.gui.views.item_delegate import ItemDelegate

GRID_BATCH_SIZE = 200
GRID_SPACING = 4


def fitted_grid_width(layout_width: int, cell_width: int) -> int:
    """The widest grid cell for which whole columns of `cell_width` items fill `layout_width` without the
    laid-out contents overflowing it: `columns * grid + (grid - cell) // 2 + 1 <= layout_width` (see
    CatalogGridView._fit_columns for where the extra half margin comes from)."""
    columns = max(1, (layout_width - 1) // (cell_width + 2 * GRID_SPACING))
    grid = max(cell_width, (layout_width - 1) // columns)
    while grid > cell_width and columns * grid + (grid - cell_width) // 2 + 1 > layout_width:
        grid -= 1
    return grid


if TYPE_CHECKING:  # the mixin's methods are QAbstractItemView's; at run time it is a plain mixin
    _ItemViewBase = QAbstractItemView
else:
    _ItemViewBase = object


class _FileDropMixin(_ItemViewBase):
    """Drag-and-drop of local files onto an item of an item view (mixed into a QAbstractItemView subclass)."""

    files_dropped: Signal

    def _setup_drops(self) -> None:
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.setDropIndicatorShown(True)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if dropped_paths(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        index = self.indexAt(event.position().toPoint())
        if dropped_paths(event.mimeData()) and index.isValid():
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = dropped_paths(event.mimeData())
        index = self.indexAt(event.position().toPoint())
        if not paths or not index.isValid():
            event.ignore()
            return
        event.acceptProposedAction()
        self.files_dropped.emit(index.data(Roles.ItemIdRole), paths)


class CatalogGridView(_FileDropMixin, QListView):
    """Thumbnails in a wrapping grid; one delegate paints every cell (no widget per item)."""

    files_dropped = Signal(str, list)

    def __init__(self, parent: QWidget | None = None, thumbnail_size: int = THUMBNAIL_SIZE) -> None:
        super().__init__(parent)
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setUniformItemSizes(True)
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(GRID_BATCH_SIZE)
        self.setWrapping(True)
        self.setSpacing(GRID_SPACING)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.delegate = ItemDelegate(thumbnail_size, self)
        self.setItemDelegate(self.delegate)
        self.setIconSize(QSize(thumbnail_size, thumbnail_size))
        self.setAccessibleName("Item grid")
        self._setup_drops()

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._fit_columns()
        super().resizeEvent(event)

    def _fit_columns(self) -> None:
        """Spread the columns over the whole width instead of leaving a gap on the right.

        Two rules keep the batched layout of a big catalog from restarting forever (issue 12):
        - The grid is set only when it changes: `setGridSize` always restarts the layout from row 0, and this
          runs on every resize of the viewport, including the height changes a scroll bar makes.
        - The laid-out contents never exceed the viewport's width. Qt's icon mode continues each batch from
          the previous item's *centred* position, so at a batch boundary the contents are
          `columns * grid + (grid - cell) / 2 + 1` wide, not `columns * grid`; the grid is chosen so that
          width fits. (The horizontal scroll bar is also off: a wrapping grid never scrolls sideways.)
        """
        cell = self.delegate.sizeHint(self.viewOptions_(), QModelIndex())
        grid = QSize(fitted_grid_width(self._layout_width(), cell.width()), cell.height() + 2 * GRID_SPACING)
        if grid != self.gridSize():
            self.setGridSize(grid)

    def _layout_width(self) -> int:
        """The width Qt lays the items out in: the viewport's width with a vertical scroll bar shown
        (QListViewPrivate::prepareItemsLayout reserves it, so the layout does not change when it appears)."""
        width = self.maximumViewportSize().width()
        if self.verticalScrollBarPolicy() != Qt.ScrollBarPolicy.ScrollBarAlwaysOn:
            width -= self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self.verticalScrollBar())
        return width

    def viewOptions_(self) -> QStyleOptionViewItem:
        option = QStyleOptionViewItem()
        option.initFrom(self)
        return option


class CatalogTableView(_FileDropMixin, QTableView):
    """The same items as rows; clicking a header sorts in SQL (CatalogModel.sort)."""

    files_dropped = Signal(str, list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setShowGrid(False)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.horizontalHeader()
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        header.setSortIndicatorShown(True)
        header.setSortIndicatorClearable(True)  # a third click returns to catalog order
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        header.setStretchLastSection(True)
        self.setSortingEnabled(True)
        self.setAccessibleName("Item table")
        self._setup_drops()

    def set_default_column_widths(self) -> None:
        widths = {Column.TITLE: 300, Column.TYPE: 60, Column.KIND: 80, Column.CAMERA: 180, Column.DATE: 90,
                  Column.PHASE: 170, Column.CREDIT: 160, Column.TAGS: 120, Column.FILES: 50, Column.SOURCES: 60}
        for column, width in widths.items():
            self.setColumnWidth(column, width)
