"""The lazy item model behind the grid and the table: an ordered id list, rows fetched by id on demand.

A query keeps only `library.item_ids(query)`, run off the GUI thread as a query on a reader connection
(`run_query`, one key: an answer overtaken by a newer query is dropped). `data()` loads `ItemRow`s for a
batch of neighbouring ids when a view first asks for one (a bounded read on the GUI thread's own read
connection) and keeps them in a bounded cache. Sorting re-runs the query in SQL, on the reader too.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal

from mediacat.core.catalog_order import CatalogOrder
from mediacat.core.jobs import Job
from mediacat.core.library import Library
from mediacat.core.model import BuiltinMedia, ItemRow
from mediacat.core.search import ItemQuery

FETCH_BATCH = 64
CACHE_LIMIT = 4000
THUMBNAIL_SIZE = 150

Index = QModelIndex | QPersistentModelIndex


class Roles(IntEnum):
    ItemIdRole = Qt.ItemDataRole.UserRole + 1
    RowRole = Qt.ItemDataRole.UserRole + 2  # the ItemRow
    ThumbnailRole = Qt.ItemDataRole.UserRole + 3  # QPixmap from the thumbnail provider, or None
    MediaTypeRole = Qt.ItemDataRole.UserRole + 4
    AttachmentCountRole = Qt.ItemDataRole.UserRole + 5
    ProblemCountRole = Qt.ItemDataRole.UserRole + 6
    BuiltinRole = Qt.ItemDataRole.UserRole + 7  # the BuiltinMedia shown (no attachment of its own), or None


def shown_builtin(row: ItemRow) -> BuiltinMedia | None:
    """The built-in picture a view shows for this row: only while the item has no attachment of its own."""
    return row.builtin if not row.attachment_count else None


class Column(IntEnum):
    TITLE = 0
    TYPE = 1
    KIND = 2
    CAMERA = 3
    DATE = 4
    PHASE = 5
    CREDIT = 6
    TAGS = 7
    FILES = 8
    SOURCES = 9


HEADERS = {
    Column.TITLE: "Title",
    Column.TYPE: "Type",
    Column.KIND: "Kind",
    Column.CAMERA: "Camera",
    Column.DATE: "Date taken",
    Column.PHASE: "Phase",
    Column.CREDIT: "Credit",
    Column.TAGS: "Tags",
    Column.FILES: "Files",
    Column.SOURCES: "Sources",
}

# ItemQuery.sort keys (core/search.py SORT_KEYS); tags have no SQL order, so they sort in catalog order.
SORT_KEY_OF_COLUMN = {
    Column.TITLE: "title",
    Column.TYPE: "media_type",
    Column.KIND: "kind",
    Column.CAMERA: "camera",
    Column.DATE: "date_taken",
    Column.PHASE: "mission_phase",
    Column.CREDIT: "credit",
    Column.TAGS: "catalog",
    Column.FILES: "attachments",
    Column.SOURCES: "sources",
}


# The roles data() answers from a row (built once: data() runs for every painted cell and role).
_ROW_ROLES = frozenset({
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole,
    Qt.ItemDataRole.TextAlignmentRole, *Roles,
})
@dataclass(frozen=True)
class CatalogAnswer:
    """One run of the item query: the ids in order and the status bar's counts, counted once from them."""

    query: ItemQuery
    ids: list[str]
    row_of: Mapping[str, int]  # built on the reader too: the GUI thread only swaps it in (read-only)
    media_ids: frozenset[str]  # every item with an attached file (cached by the model until attachments change)
    with_media: int
    total: int  # items in the whole catalog
    with_builtin: int = 0  # items of the result that show a built-in NASA file (not counted as "with media")
    order: CatalogOrder | None = None  # the catalog order (kept by the model until items change), if known


def load_catalog(job: Job, library: Library, query: ItemQuery, media_ids: frozenset[str] | None,
                 order: CatalogOrder | None = None) -> CatalogAnswer:
    """On a reader: the query's ids, and how many of them have media (from the cached set when given).

    The unfiltered catalog query answers with the catalog order given (kept by the model until items are
    added, removed or edited), else reads it (`Library.catalog_order`, the same one `SELECT`); a search in
    the catalog order given one is ordered by it (no SQL sort of its hits)."""
    unfiltered = replace(query, sort="catalog", descending=False) == ItemQuery()
    row_of: Mapping[str, int] | None = None
    if unfiltered and query.sort == "catalog":
        order = order if order is not None else library.catalog_order()
        ids = order.ids if not query.descending else order.ids[::-1]
        if not query.descending:
            row_of = order.place_of  # the catalog's own row index, made once per order
    elif order is not None and library.searches_by_place(query):
        # a search ordered by `order`: its rows are found by bisecting its hits' places (a dict of 20,000 hits
        # was ~2-4 ms of the reader's time per search at 100,000 items)
        places = library.item_places(query, order)
        ids = order.ids_at(places, descending=query.descending)
        row_of = order.rows_at(places, descending=query.descending)
    else:
        ids = library.item_ids(query, order=order)
    job.check()
    if media_ids is None:
        media_ids = library.item_ids_with_attachments()
    with_media = len(media_ids.intersection(ids)) if media_ids else 0
    total = len(ids) if unfiltered else len(order) if order is not None else library.count_items()
    if row_of is None:
        row_of = dict(zip(ids, range(len(ids)), strict=True))  # built in C: no long Python loop holding the GIL
    # a handful of items show a built-in file: looked up in row_of, not a pass over every id of the answer
    with_builtin = sum(1 for item_id in library.item_ids_with_builtin_media() if item_id in row_of)
    return CatalogAnswer(query, ids, row_of, media_ids, with_media, total, with_builtin, order)


_COLUMN_COUNT = len(Column)

RunQuery = Callable[..., Any]  # window.run_query / LibraryOperations.run_query


class CatalogModel(QAbstractTableModel):
    """Items of the current query, one row each; the columns are the table's, column 0 is the grid's.

    `set_query` and `sort` ask a reader; `query_changed` is emitted when the answer is shown.
    """

    query_changed = Signal()
    query_failed = Signal(object)  # the exception; the rows shown stay as they were

    def __init__(self, library: Library, parent: QObject | None = None, *, run_query: RunQuery) -> None:
        super().__init__(parent)
        self.library = library
        self._run_query = run_query
        self._requested = ItemQuery()
        self._loading = 0
        self._media_ids: frozenset[str] | None = None
        self._order: CatalogOrder | None = None  # the last unfiltered answer's catalog order, until items change
        self._order_sent: CatalogOrder | None = None
        self.with_media = 0
        self.with_builtin = 0
        self.total = 0
        self.thumbnail_provider: Any = None  # mediacat.gui.thumbs.ThumbnailProvider when available
        self.thumbnail_size = THUMBNAIL_SIZE
        self._query = ItemQuery()
        self._ids: list[str] = []
        self._row_of: Mapping[str, int] | None = None
        self._cache: OrderedDict[str, ItemRow] = OrderedDict()
        self._phase_labels: dict[str, str] = {}
        self.rows_fetched = 0  # how many rows were read from the database (the lazy-loading contract)
        self.generation = 0  # counts the id lists shown, so an answer that a newer query overtook is dropped
        self.reload_phase_labels()

    # -- the query --------------------------------------------------------------------------------

    @property
    def query(self) -> ItemQuery:
        return self._query

    @property
    def requested_query(self) -> ItemQuery:
        """The query last asked for (shown once its answer arrives)."""
        return self._requested

    @property
    def loading(self) -> bool:
        """Whether a query is on its way."""
        return self._loading > 0

    def item_ids(self) -> list[str]:
        return list(self._ids)

    def set_query(self, query: ItemQuery) -> None:
        """Run `query` (filters, search and sort) on a reader; its items are shown when it answers."""
        self._requested = query
        self._loading += 1
        self._order_sent = self._order  # the newest query's (only the newest answer is shown)
        self._run_query(load_catalog, query, self._media_ids, self._order, key=("catalog", id(self)),
                        on_done=self._answered, on_error=self._failed, label="Search")

    def reload(self) -> None:
        """Run the current query again (after a change), keeping rows, selection and current item."""
        self.set_query(self._requested)

    def forget_media_ids(self) -> None:
        """Attachments changed: the next query counts the items with media again."""
        self._media_ids = None

    def forget_catalog_order(self) -> None:
        """Items were added, removed or edited: searches sort in SQL until the next unfiltered query."""
        self._order = None

    def _failed(self, error: BaseException) -> None:
        self._loading = 0
        self.query_failed.emit(error)

    def _answered(self, answer: CatalogAnswer) -> None:
        self._loading = 0  # the newest answer: every older one was dropped
        self._media_ids = answer.media_ids
        if answer.order is not self._order_sent or self._order is not None:  # not one dropped while it ran
            self._order = answer.order
        self.with_media, self.total, self.with_builtin = answer.with_media, answer.total, answer.with_builtin
        if answer.ids == self._ids:
            self._query = answer.query
        elif len(answer.ids) == len(self._ids) and _same_filters(answer.query, self._query):
            self._reorder(answer)  # a sort: the same items (a change meanwhile is announced and reloaded)
        else:
            self.beginResetModel()
            self._query = answer.query
            self._ids = answer.ids
            self._row_of = answer.row_of
            self._cache.clear()
            self.endResetModel()
        self.query_changed.emit()

    def _reorder(self, answer: CatalogAnswer) -> None:
        """The same items in another order (a sort): persistent indexes (selection, current) follow them."""
        self.layoutAboutToBeChanged.emit()
        old_ids = self._ids
        self._query = answer.query
        self._ids = answer.ids
        self._row_of = answer.row_of
        persistent = self.persistentIndexList()
        new_indexes = []
        for index in persistent:
            new_row = self.row_of(old_ids[index.row()])
            new_indexes.append(self.index(new_row, index.column()) if new_row is not None else QModelIndex())
        self.changePersistentIndexList(persistent, new_indexes)
        self.layoutChanged.emit()

    def reload_phase_labels(self) -> None:
        self._phase_labels = {phase.id: phase.label for phase in self.library.mission_phases()}

    def refresh_rows(self, item_ids: Iterable[str] | None = None) -> None:
        """Re-read these items' rows (None: every row). Only rows a view has fetched (the cache: what is on
        screen and near it) need repainting; the others are read fresh whenever they are first shown. So
        a change to 20,000 items costs the GUI thread a few screenfuls, not 20,000 rows."""
        if item_ids is None:
            dropped = list(self._cache)
            self._cache.clear()
        else:
            changed = item_ids if isinstance(item_ids, (set, frozenset)) else frozenset(item_ids)
            dropped = [item_id for item_id in self._cache if item_id in changed]  # at most CACHE_LIMIT
            for item_id in dropped:
                del self._cache[item_id]
        rows = sorted(row for row in (self.row_of(item_id) for item_id in dropped) if row is not None)
        last_column = len(Column) - 1
        for first, last in row_runs(rows):
            self.dataChanged.emit(self.index(first, 0), self.index(last, last_column))

    def row_of(self, item_id: str) -> int | None:
        if self._row_of is None:
            self._row_of = {item_id: row for row, item_id in enumerate(self._ids)}
        return self._row_of.get(item_id)

    def item_ids_between(self, first: int, last: int) -> list[str]:
        """The ids of rows `first` to `last` (inclusive; rows past the end are left out)."""
        return self._ids[max(first, 0) : last + 1]

    def item_id_at(self, row: int) -> str | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def item_row(self, row: int) -> ItemRow | None:
        """The ItemRow at `row`, fetching it and its neighbours from the database if not cached."""
        item_id = self.item_id_at(row)
        if item_id is None:
            return None
        cached = self._cache.get(item_id)
        if cached is not None:
            self._cache.move_to_end(item_id)
            return cached
        start = row - row % FETCH_BATCH
        batch = [i for i in self._ids[start : start + FETCH_BATCH] if i not in self._cache]
        fetched = self.library.item_rows(batch)
        self.rows_fetched += len(fetched)
        self._cache.update(fetched)
        while len(self._cache) > CACHE_LIMIT:
            self._cache.popitem(last=False)
        return fetched.get(item_id)

    def phase_label(self, phase_id: str | None) -> str:
        if not phase_id:
            return ""
        return self._phase_labels.get(phase_id, phase_id)

    def thumbnail_ready(self, item_id: str) -> None:
        """The provider rendered `item_id`'s thumbnail: repaint that cell."""
        row = self.row_of(item_id)
        if row is not None:
            index = self.index(row, 0)
            self.dataChanged.emit(index, index, [Roles.ThumbnailRole])

    # -- QAbstractTableModel ----------------------------------------------------------------------

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        """One Python call per index instead of Qt's `hasIndex` calling `rowCount` and `columnCount`: the
        grid's batched layout asks for every row's index (twice) after each reset (issue 12)."""
        if 0 <= row < len(self._ids) and 0 <= column < _COLUMN_COUNT and not parent.isValid():
            return self.createIndex(row, column)
        return QModelIndex()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else _COLUMN_COUNT  # Qt's grid layout asks once per row: no Enum.__len__

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDropEnabled

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(
            Column
        ):
            return HEADERS[Column(section)]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not self.checkIndex(index, QAbstractTableModel.CheckIndexOption.IndexIsValid):
            return None
        if role == Roles.ItemIdRole:
            return self._ids[index.row()]
        if role not in _ROW_ROLES:
            return None
        row = self.item_row(index.row())
        if row is None:
            return None
        column = Column(index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._display(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row) if column == Column.TITLE else self._display(row, column) or None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column in (Column.FILES, Column.SOURCES):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        if role == Roles.RowRole:
            return row
        if role == Roles.MediaTypeRole:
            return row.media_type
        if role == Roles.AttachmentCountRole:
            return row.attachment_count
        if role == Roles.ProblemCountRole:
            return row.problem_attachments
        if role == Roles.ThumbnailRole:
            return self._thumbnail(row)
        if role == Roles.BuiltinRole:
            return shown_builtin(row)
        return None

    def _display(self, row: ItemRow, column: Column) -> str:
        if column == Column.TITLE:
            return row.title
        if column == Column.TYPE:
            return row.media_type
        if column == Column.KIND:
            return row.kind
        if column == Column.CAMERA:
            return row.camera or ""
        if column == Column.DATE:
            return row.date_taken or ""
        if column == Column.PHASE:
            return self.phase_label(row.mission_phase)
        if column == Column.CREDIT:
            return row.credit or ""
        if column == Column.TAGS:
            return ", ".join(row.tags)
        if column == Column.FILES:
            return str(row.attachment_count)
        return str(row.source_count)

    def _tooltip(self, row: ItemRow) -> str:
        lines = [row.title, f"{row.media_type} · {row.kind}"]
        if row.mission_phase:
            lines.append(self.phase_label(row.mission_phase))
        files = "1 file" if row.attachment_count == 1 else f"{row.attachment_count} files"
        lines.append(files if row.attachment_count else "no file attached")
        builtin = shown_builtin(row)
        if builtin is not None:
            lines.append(f"Picture built into the catalog: {builtin.caption}")
        if row.problem_attachments:
            lines.append(f"{row.problem_attachments} attached file(s) missing, modified or unreadable")
        return "\n".join(lines)

    def _thumbnail(self, row: ItemRow) -> Any:
        provider = self.thumbnail_provider
        if provider is None:
            return None
        if not row.first_attachment_path:
            builtin = shown_builtin(row)
            if builtin is None:
                return None
            return provider.thumbnail(row.id, builtin.path, builtin.sha256, builtin.media_type, self.thumbnail_size)
        return provider.thumbnail(
            row.id,
            row.first_attachment_path,
            row.first_attachment_sha256,
            row.first_attachment_media_type or row.media_type,
            self.thumbnail_size,
        )

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Re-run the query in SQL (on a reader) in the column's order; selections follow their items."""
        key = SORT_KEY_OF_COLUMN.get(Column(column), "catalog") if 0 <= column < len(Column) else "catalog"
        query = replace(self._requested, sort=key,
                        descending=order == Qt.SortOrder.DescendingOrder and key != "catalog")
        if query != self._requested:
            self.set_query(query)


def _same_filters(one: ItemQuery, other: ItemQuery) -> bool:
    """Whether two queries select the same items (they may differ in order only)."""
    return replace(one, sort="catalog", descending=False) == replace(other, sort="catalog", descending=False)


def row_runs(rows: list[int]) -> list[tuple[int, int]]:
    """Sorted row numbers as (first, last) runs of consecutive rows."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and runs[-1][1] == row - 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs
