"""The catalog's selection: one selection model shared by the grid and the table, kept across the model's answers.

The item query's answer replaces the rows (a model reset): the current and selected items are remembered just
before and selected again, where still shown, just after. The first answer makes the first item current;
`select_item` makes an item current, clearing filters that hide it (it becomes current when that answer comes).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt

from mediacat.core.search import ItemQuery
from mediacat.gui.models.catalog_model import Column, row_runs

if TYPE_CHECKING:
    from mediacat.gui.current_item import CurrentItem
    from mediacat.gui.main_window import MainWindow


class CatalogSelection:
    def __init__(self, window: MainWindow, current_item: CurrentItem) -> None:
        self.window = window
        self.model = window.model
        self.selection_model = window.selection_model
        self.current_item = current_item
        self._keep_current: str | None = None  # the item to make current again when the next answer arrives
        self._keep_selected: list[str] = []
        self._select_first = True  # the first answer selects the first item
        self._restoring = False  # `_restore` announces its changes once, when they are all made
        # after CurrentItem's own slot: the details are shown before the features hear of the change
        self.selection_model.currentChanged.connect(self._changed)
        self.selection_model.selectionChanged.connect(self._changed)
        self.model.modelAboutToBeReset.connect(self._remember)
        self.model.modelReset.connect(self._restore)

    def selected_item_ids(self) -> list[str]:
        selection = self.selection_model.selection()  # iterable at run time, not to the stubs: indexed here
        runs = sorted((r.top(), r.bottom()) for r in map(selection.at, range(selection.count())))
        merged: list[list[int]] = []
        for top, bottom in runs:  # the ranges of one selection may overlap (one per column, ctrl-clicks)
            if merged and top <= merged[-1][1] + 1:
                merged[-1][1] = max(merged[-1][1], bottom)
            else:
                merged.append([top, bottom])
        return [item_id for top, bottom in merged for item_id in self.model.item_ids_between(top, bottom)]

    def current_item_id(self) -> str | None:
        index = self.selection_model.currentIndex()
        return self.model.item_id_at(index.row()) if index.isValid() else None

    def _changed(self, *_args: object) -> None:
        if not self._restoring:
            self.window.selection_changed.emit()

    def _remember(self) -> None:
        """Before the rows are replaced: which items were current and selected."""
        if self._keep_current is None:
            self._keep_current = self.current_item_id()
            self._keep_selected = self.selected_item_ids()

    def _restore(self) -> None:
        """After the rows were replaced: select again those of the remembered items that are still shown.

        `selection_changed` is emitted once, at the end (the features' menu states and the note editor follow
        it; the current item and the selection each changing would emit it twice more per answer)."""
        self._restoring = True
        try:
            self._reselect()
        finally:
            self._restoring = False
        self.window.selection_changed.emit()

    def _reselect(self) -> None:
        model = self.model
        current, selected = self._keep_current, self._keep_selected
        self._keep_current, self._keep_selected = None, []
        if current is not None and model.row_of(current) is None:
            current = None
        if self._select_first and current is None and model.rowCount():
            current, selected = model.item_id_at(0), []
        self._select_first = False
        if current is None or model.row_of(current) is None:
            self.current_item.show_details(None)
            return
        self.set_current(current)
        rows = sorted(row for row in (model.row_of(i) for i in selected if i != current) if row is not None)
        if rows:
            selection = QItemSelection()
            for first, last in row_runs(rows):
                selection.select(model.index(first, 0), model.index(last, len(Column) - 1))
            self.selection_model.select(selection, QItemSelectionModel.SelectionFlag.Select)

    def answered(self) -> None:
        """The query answered with the same rows (no reset): an item `select_item` waited for is current now."""
        if self._keep_current is not None:
            self._restore()

    def set_current(self, item_id: str) -> bool:
        row = self.model.row_of(item_id)
        if row is None:
            return False
        index = self.model.index(row, 0)
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self.selection_model.setCurrentIndex(index, flags)
        self.window.current_view().scrollTo(index)
        return True

    def select_item(self, item_id: str) -> bool:
        window, model = self.window, self.model
        if model.loading or model.row_of(item_id) is None:
            if not window.library.item_ids(ItemQuery(item_ids=(item_id,))):
                window.status_message(f"No item with id {item_id!r} in the catalog")
                return False
            self._keep_current, self._keep_selected = item_id, [item_id]
            self._select_first = False
            if model.row_of(item_id) is None:
                window.clear_filters()
            if model.loading:
                return True
            self._keep_current = None
        return self.set_current(item_id)

    def focus_results(self) -> None:
        """From the search box to the results (Down or Enter): the current item, else the first one."""
        window, model = self.window, self.model
        window.apply_filters()
        view = window.current_view()
        if model.loading:  # the answer makes the first item current if the current one is not in it
            self._select_first = True
            view.setFocus(Qt.FocusReason.ShortcutFocusReason)
            return
        if not model.rowCount():
            return
        if not self.selection_model.currentIndex().isValid():
            self.set_current(model.item_id_at(0) or "")
        view.setFocus(Qt.FocusReason.ShortcutFocusReason)
