"""The filter side bar's model: one branch per facet (type, kind, phase, source article, tag), checkable values.

Checked values narrow the item query: any checked value within a facet (OR), every facet (AND); tags are
the exception the core defines: an item must carry every checked tag. The counts are read off the GUI
thread (`load_facets` on a reader, through `run_query`); the newest answer is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypedDict

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel

from mediacat.core.jobs import Job
from mediacat.core.library import Library
from mediacat.core.model import KINDS, MEDIA_TYPES, Article, MissionPhase
from mediacat.core.search import ItemQuery

FACET_ROLE = Qt.ItemDataRole.UserRole + 1
VALUE_ROLE = Qt.ItemDataRole.UserRole + 2


@dataclass(frozen=True)
class Facet:
    key: str  # facet_counts() key
    title: str
    query_field: str  # ItemQuery field


FACETS = (
    Facet("media_type", "Media type", "media_types"),
    Facet("kind", "Kind", "kinds"),
    Facet("mission_phase", "Mission phase", "phases"),
    Facet("article", "Source article", "article_ids"),
    Facet("tag", "Tag", "tags"),
)


class FacetQueryFields(TypedDict):
    """The ItemQuery fields the checked values fill: the query_field of each of FACETS."""

    media_types: tuple[str, ...]
    kinds: tuple[str, ...]
    phases: tuple[str, ...]
    article_ids: tuple[str, ...]
    tags: tuple[str, ...]


MEDIA_TYPE_LABELS = {"image": "Images", "video": "Videos", "audio": "Audio"}


@dataclass(frozen=True)
class FacetData:
    """What the side bar shows: counts per facet value, and the phases and articles they name."""

    counts: dict[str, dict[str, int]]
    phases: list[MissionPhase]
    articles: list[Article]


def load_facets(job: Job, library: Library, query: ItemQuery | None = None) -> FacetData:
    """On a reader: every facet's counts, narrowed by the other active filters of `query`."""
    return FacetData(library.facet_counts(query), library.mission_phases(), library.articles())


class FacetModel(QStandardItemModel):
    """Facets as a two-level tree of checkable values with counts."""

    filters_changed = Signal()
    reloaded = Signal()  # new counts are shown
    reload_failed = Signal(object)  # the exception

    def __init__(self, library: Library, parent: QObject | None = None, *,
                 run_query: Callable[..., Any]) -> None:
        super().__init__(parent)
        self.library = library
        self._run_query = run_query
        self._data = FacetData({}, [], [])
        self.loading = False
        self.setHorizontalHeaderLabels(["Filter"])
        self._rebuilding = False
        self.itemChanged.connect(self._item_changed)
        self._query: ItemQuery | None = None
        self.reload()

    @property
    def query(self) -> ItemQuery | None:
        """The query the counts are narrowed by (None: not narrowed)."""
        return self._query

    def reload(self, query: ItemQuery | None = None) -> None:
        """Re-read the values and counts on a reader, narrowed by `query` (the catalog's current query; None:
        the last one given); they are shown (keeping what was checked) on answer."""
        if query is not None:
            self._query = query
        self.loading = True
        self._run_query(load_facets, self._query, key=("facets", id(self)), on_done=self._answered,
                        on_error=self._failed, label="Filter counts")

    def _failed(self, error: BaseException) -> None:
        self.loading = False
        self.reload_failed.emit(error)

    def _answered(self, data: FacetData) -> None:
        self.loading = False
        self._data = data
        self._rebuild()
        self.reloaded.emit()

    def _rebuild(self) -> None:
        checked = self.checked_values()
        counts = self._data.counts
        self._rebuilding = True
        try:
            self.removeRows(0, self.rowCount())
            branches: list[QStandardItem] = []
            for facet in FACETS:
                branch = QStandardItem(facet.title)
                branch.setEditable(False)
                branch.setSelectable(False)
                branch.setData(facet.key, FACET_ROLE)
                # A checked value stays listed when the other filters narrow its count to 0 (narrowed
                # counts list only values that occur), so no filter is dropped behind the user's back.
                shown = {value: 0 for value in checked.get(facet.key, ())} | counts.get(facet.key, {})
                for value, label, tooltip in self._values(facet, shown):
                    count = shown.get(value, 0)
                    child = QStandardItem(f"{label} ({count})")
                    child.setEditable(False)
                    child.setCheckable(True)
                    child.setData(facet.key, FACET_ROLE)
                    child.setData(value, VALUE_ROLE)
                    child.setToolTip(tooltip)
                    child.setAccessibleText(f"{facet.title}: {label}, {count} items")
                    selected = value in checked.get(facet.key, ())
                    child.setCheckState(Qt.CheckState.Checked if selected else Qt.CheckState.Unchecked)
                    branch.appendRow(child)
                branches.append(branch)
            self.invisibleRootItem().appendRows(branches)  # one insertion: the tree expands once
        finally:
            self._rebuilding = False
        if checked != self.checked_values():
            self.filters_changed.emit()  # a checked value disappeared (e.g. a removed tag)

    def _values(self, facet: Facet, counts: dict[str, int]) -> list[tuple[str, str, str]]:
        """(value, label, tooltip) in display order, only values that occur."""
        if facet.key == "media_type":
            order = [t for t in MEDIA_TYPES if t in counts] + sorted(set(counts) - set(MEDIA_TYPES))
            return [(t, MEDIA_TYPE_LABELS.get(t, t), "") for t in order]
        if facet.key == "kind":
            order = [k for k in KINDS if k in counts] + sorted(set(counts) - set(KINDS))
            return [(k, k.capitalize(), "") for k in order]
        if facet.key == "mission_phase":
            # Items from other missions have no phase; the query cannot select "no phase", so it is not listed.
            return [(p.id, p.label, p.description) for p in self._data.phases if p.id in counts]
        if facet.key == "article":
            return [(a.id, f"{a.outlet}, {a.date}", a.title) for a in self._data.articles if a.id in counts]
        return [(name, name, "") for name in sorted(counts, key=str.casefold)]

    def checked_values(self) -> dict[str, tuple[str, ...]]:
        """facet key -> the checked values, in display order."""
        result: dict[str, tuple[str, ...]] = {}
        for row in range(self.rowCount()):
            branch = self.item(row)
            children = map(branch.child, range(branch.rowCount()))  # each child asked for once (every query)
            values = tuple(child.data(VALUE_ROLE) for child in children if child.checkState() == Qt.CheckState.Checked)
            if values:
                result[branch.data(FACET_ROLE)] = values
        return result

    def query_fields(self) -> FacetQueryFields:
        """The ItemQuery keyword arguments for the checked values."""
        checked = self.checked_values()
        return FacetQueryFields(media_types=checked.get("media_type", ()), kinds=checked.get("kind", ()),
                                phases=checked.get("mission_phase", ()), article_ids=checked.get("article", ()),
                                tags=checked.get("tag", ()))

    def set_checked(self, facet_key: str, value: str, checked: bool = True) -> bool:
        """Check or uncheck one value; False if that value is not listed."""
        for row in range(self.rowCount()):
            branch = self.item(row)
            if branch.data(FACET_ROLE) != facet_key:
                continue
            for child_row in range(branch.rowCount()):
                child = branch.child(child_row)
                if child.data(VALUE_ROLE) == value:
                    child.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
                    return True
        return False

    def clear_checks(self) -> None:
        changed = False
        self._rebuilding = True
        try:
            for row in range(self.rowCount()):
                branch = self.item(row)
                for child_row in range(branch.rowCount()):
                    child = branch.child(child_row)
                    if child.checkState() != Qt.CheckState.Unchecked:
                        child.setCheckState(Qt.CheckState.Unchecked)
                        changed = True
        finally:
            self._rebuilding = False
        if changed:
            self.filters_changed.emit()

    def _item_changed(self, item: QStandardItem) -> None:
        if not self._rebuilding and item.isCheckable():
            self.filters_changed.emit()
