"""The archivist's features in the app: File ▸ New Item… (see `new_item`), the detail pane's Edit form (a user
item's fields and sources, or corrections of a shipped item's facts), Item ▸ Delete Item… and Batch Edit…,
saved searches in the side bar with live counts, the History dock, and File ▸ Export Package… (a BagIt bag of
the items shown).

Every change is a core operation run with `window.run_op` (the one writer) and pushed on the undo stack as
a command whose undo and redo are operations too; reads that may be long (counts, the log, a preview, the
bag export) go through `window.run_query`. Views refresh from `window.library_changed`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMenu, QMessageBox, QWidget

from mediacat.core import archivist_ops as ops
from mediacat.core.changes import Changes
from mediacat.core.model import Item
from mediacat.core.search import ItemQuery
from mediacat.core.user_items import ItemDeleted
from mediacat.gui.dialogs.item_form import BatchEditDialog, phase_choices
from mediacat.gui.features.new_item import NewItemFlow, article_choices, quote_check
from mediacat.gui.features.op_command import OpCommand
from mediacat.gui.models.facet_model import FACETS
from mediacat.gui.views.archive_views import NAME_ROLE, HistoryPanel, SavedSearchesPanel
from mediacat.gui.views.item_editor import ItemEditor

KEEP, REMOVE = "keep", "remove"


class ArchivistFeature:
    def __init__(self, window: Any) -> None:
        self.window = window
        phases = phase_choices(window)
        self.new_item_action = QAction("New &Item…", window)
        self.new_item_action.triggered.connect(self.new_item)
        self.export_action = QAction("Export &Package (BagIt)…", window)
        self.export_action.setToolTip("The items shown, with their files, articles and history, as a BagIt bag")
        self.export_action.triggered.connect(self.export_package)
        file_menu = window.menu("File")
        first = file_menu.actions()[0] if file_menu.actions() else None
        file_menu.insertAction(first, self.new_item_action)
        file_menu.insertAction(first, self.export_action)
        self.edit_action = QAction("&Edit Item…", window)
        self.edit_action.setToolTip("Change the current item's fields in the detail pane")
        self.edit_action.triggered.connect(lambda: self.edit_current())
        self.delete_action = QAction("&Delete Item…", window)
        self.delete_action.triggered.connect(self.delete_current)
        self.batch_action = QAction("&Batch Edit…", window)
        self.batch_action.triggered.connect(self.batch_edit)
        item_menu = window.menu("Item")
        item_menu.addSeparator()
        item_menu.addAction(self.edit_action)
        item_menu.addAction(self.batch_action)
        item_menu.addAction(self.delete_action)

        self.edit_panel = ItemEditor(phases, article_choices(window), quote_check(window))
        self.edit_panel.save_button.clicked.connect(self.save_edit)
        self.edit_panel.done.connect(window.detail.show_details)
        window.detail.set_editor(self.edit_panel)
        window.detail.edit_requested.connect(self.edit_current)
        self.history = HistoryPanel()
        self.history.attachment_chosen.connect(self.refresh_history)
        self.saved = SavedSearchesPanel()
        self.saved.list.clicked.connect(self._saved_clicked)
        self.saved.list.customContextMenuRequested.connect(self._saved_menu)
        self.saved.save_button.clicked.connect(self.save_current_search)
        window.add_dock(self.history, "History", Qt.DockWidgetArea.BottomDockWidgetArea)
        window.sidebar.add_section("Saved Searches", self.saved)

        # injectable for tests: what the user answers
        self.ask_delete: Callable[[Item], str | None] = self._ask_delete
        self.ask_folder: Callable[[], str] = lambda: QFileDialog.getExistingDirectory(
            window, "Export Package: choose a new, empty folder")
        self.ask_name: Callable[[str, str], str | None] = self._ask_name
        self.ask_unsaved: Callable[[Item], bool] = self._ask_unsaved  # True: save the edit, False: discard it
        self.last_dialog: QWidget | None = None
        self.new_item_flow: NewItemFlow | None = None
        self.last_bag: Any = None

        window.library_changed.connect(self._library_changed)
        window.selection_changed.connect(self._current_changed)
        self._current_id: str | None = None
        self.refresh_saved()
        self._current_changed()

    # -- the current item -----------------------------------------------------------------------------------

    def _current_item(self) -> Item | None:
        item_id = self.window.current_item_id()
        found = self.window.library.items([item_id]) if item_id else []
        return found[0] if found else None

    def _current_changed(self) -> None:
        item_id = self.window.current_item_id()
        if item_id == self._current_id:
            return
        self._current_id = item_id
        leaving = self.edit_panel.item
        if leaving is not None and leaving.id != item_id and self.edit_panel.dirty() and self.ask_unsaved(leaving):
            self.save_edit()  # the form's values are taken now; the next item is shown when it is saved
        self._show_current()

    def _show_current(self) -> None:
        item = self._current_item()
        self.edit_panel.show_item(item)
        self.edit_action.setEnabled(item is not None)
        # the detail pane's button's words (a shipped item's facts are corrected, a user's own item is edited),
        # with the same key (Alt+I, E) either way
        self.edit_action.setText("Corr&ect Facts…" if item is not None and item.origin != "user" else "&Edit Item…")
        self.delete_action.setEnabled(item is not None and item.origin == "user")
        self.history.set_attachments([(a.id, a.original_name) for a in item.attachments] if item else [])
        self.refresh_history()

    def refresh_history(self) -> None:
        item_id = self.window.current_item_id()
        if item_id is None:
            self.history.show_events([])
            return
        self.window.run_query(ops.events_query, item_id, self.history.attachment_id(),
                              on_done=self.history.show_events, key=("history", id(self)))

    def _library_changed(self, changes: Changes) -> None:
        if changes.saved_searches or changes.items or changes.item_set or changes.tags or changes.is_everything:
            self.refresh_saved()
        item_id = self.window.current_item_id()
        if item_id is not None and (changes.touches_item(item_id) or changes.events):
            if changes.touches_item(item_id) and not self.edit_panel.dirty():
                self._show_current()
            else:
                self.refresh_history()

    # -- new, edit, delete, batch ---------------------------------------------------------------------------

    def new_item(self) -> None:
        self.new_item_flow = NewItemFlow(self.window)
        self.last_dialog = self.new_item_flow.dialog
        self.new_item_flow.dialog.open()

    def edit_current(self, item_id: str | None = None) -> None:
        """Show the Edit form in the detail pane, for the current item."""
        if self.window.current_item_id() is None or (item_id is not None and item_id != self._current_id):
            return
        if not self.window.detail.isVisible():
            self.window.details_action.setChecked(True)
        self.window.detail.show_editor()
        self.edit_panel.form.editors["title"].setFocus()

    def save_edit(self) -> None:
        item = self.edit_panel.item
        values, sources = self.edit_panel.changed_values(), self.edit_panel.changed_sources()
        if item is None or not (values or sources is not None):
            return

        def done(edit: Any) -> None:
            if edit.changed:
                self.window.undo_stack.push(OpCommand(
                    self.window, f"Edit {item.id}", edit, lambda result: (ops.undo_user_item_edit_op, (result,)),
                    lambda result: (ops.undo_user_item_edit_op, (result,))))
                self.window.status_message(f"Saved {item.title!r} (Edit ▸ Undo reverts it)")
            self._show_current()

        self.window.run_op(ops.edit_user_item_op, item.id, values, sources, label=f"Edit {item.id}", on_done=done,
                           on_error=lambda error: self.window.show_error("Edit item", str(error)))

    def _ask_unsaved(self, item: Item) -> bool:
        answer = QMessageBox.question(
            self.window, "Unsaved Changes", f"Save your changes to {item.title!r} before showing another item?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard, QMessageBox.StandardButton.Save)
        return answer == QMessageBox.StandardButton.Save

    def _ask_delete(self, item: Item) -> str | None:
        box = QMessageBox(QMessageBox.Icon.Question, "Delete Item",
                          f"Delete your item {item.title!r}?", parent=self.window)
        if item.attachments:
            box.setInformativeText(f"It has {len(item.attachments)} attached file(s). Keep the files in the "
                                   "library's media folder, or delete the managed copies too? (Linked originals "
                                   "are never deleted.)")
            keep = box.addButton("Delete Item, Keep Files", QMessageBox.ButtonRole.AcceptRole)
            remove = box.addButton("Delete Item and Copies", QMessageBox.ButtonRole.DestructiveRole)
        else:
            keep = box.addButton("Delete Item", QMessageBox.ButtonRole.AcceptRole)
            remove = None
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        clicked = box.clickedButton()
        return KEEP if clicked is keep else REMOVE if remove is not None and clicked is remove else None

    def delete_current(self) -> None:
        item = self._current_item()
        if item is None or item.origin != "user":
            self.window.status_message("Only items you added can be deleted")
            return
        answer = self.ask_delete(item)
        if answer is None:
            return

        def done(deleted: ItemDeleted) -> None:
            if deleted.undoable:
                self.window.undo_stack.push(OpCommand(
                    self.window, f"Delete {item.id}", deleted,
                    lambda result: (ops.restore_item_op, (result,)),
                    lambda result: (ops.delete_item_op, (result.item_id, False))))
            self.window.status_message(f"Deleted {item.title!r}" + (
                f" and {len(deleted.removed_files)} managed copies" if deleted.removed_files else ""))

        self.window.run_op(ops.delete_item_op, item.id, answer == REMOVE, label=f"Delete {item.id}",
                           on_done=done, on_error=lambda error: self.window.show_error("Delete item", str(error)))

    def batch_edit(self) -> None:
        ids = self.window.selected_item_ids()
        if not ids:
            self.window.status_message("Select the items to edit first")
            return
        dialog = BatchEditDialog(len(ids), self.window)
        self.last_dialog = dialog

        def preview(name: str, value: str) -> None:
            self.window.run_query(ops.preview_batch_edit_query, ids, name, value, on_done=dialog.show_preview,
                                  on_error=lambda error: dialog.show_problem(str(error)), key=("batch", id(dialog)))

        def apply() -> None:
            name, value = dialog.chosen()

            def done(batch: Any) -> None:
                if batch.edits:
                    self.window.undo_stack.push(OpCommand(
                        self.window, f"Batch edit of {name}", batch,
                        lambda result: (ops.undo_batch_edit_op, (result,)),
                        lambda result: (ops.undo_batch_edit_op, (result,))))
                self.window.status_message(f"{len(batch.edits)} item(s) changed")

            self.window.run_op(ops.batch_edit_op, ids, name, value, label="Batch edit", on_done=done,
                               on_error=lambda error: self.window.show_error("Batch edit", str(error)))

        dialog.preview_wanted.connect(preview)
        dialog.accepted.connect(apply)
        dialog.open()

    # -- saved searches -------------------------------------------------------------------------------------

    def refresh_saved(self) -> None:
        self.window.run_query(ops.saved_search_counts_query, on_done=self.saved.model.set_rows,
                              key=("saved-searches", id(self)))

    def _ask_name(self, title: str, current: str) -> str | None:
        text, ok = QInputDialog.getText(self.window, title, "Name:", text=current)
        return text.strip() if ok and text.strip() else None

    def save_current_search(self) -> None:
        name = self.ask_name("Save Current Search", "")
        if name is None:
            return
        query = self.window.current_query()
        self._saved_op(ops.save_search_op, (name, query), f"Save search {name!r}")

    def _saved_op(self, op: Callable[..., Any], args: tuple[Any, ...], text: str) -> None:
        def done(change: Any) -> None:
            self.window.undo_stack.push(OpCommand(self.window, text, change, _undo_saved, _redo_saved))

        self.window.run_op(op, *args, label=text, on_done=done,
                           on_error=lambda error: self.window.show_error("Saved searches", str(error)))

    def _saved_clicked(self, index: QModelIndex) -> None:
        search = self.saved.model.search_named(index.data(NAME_ROLE))
        if search is not None:
            apply_query(self.window, search.query)

    def _saved_menu(self, point: QPoint) -> None:
        index = self.saved.list.indexAt(point)
        if not index.isValid():
            return
        menu = QMenu(self.saved.list)
        name = index.data(NAME_ROLE)
        menu.addAction("Rename…", lambda: self.rename_saved(name))
        menu.addAction("Replace with the Current Search", lambda: self.replace_saved(name))
        menu.addAction("Delete", lambda: self.remove_saved(name))
        menu.popup(self.saved.list.viewport().mapToGlobal(point))

    def rename_saved(self, name: str) -> None:
        new = self.ask_name("Rename Saved Search", name)
        if new is not None and new != name:
            self._saved_op(ops.rename_saved_search_op, (name, new), f"Rename search {name!r}")

    def replace_saved(self, name: str) -> None:
        self._saved_op(ops.save_search_op, (name, self.window.current_query(), True), f"Edit search {name!r}")

    def remove_saved(self, name: str) -> None:
        self._saved_op(ops.remove_saved_search_op, (name,), f"Delete search {name!r}")

    # -- export ---------------------------------------------------------------------------------------------

    def export_package(self) -> None:
        ids = self.window.visible_item_ids()
        folder = self.ask_folder()
        if not folder:
            return
        target = Path(folder)
        if target.exists() and any(target.iterdir()):
            target = target / "mediacat-bag"

        def done(report: Any) -> None:
            self.last_bag = report
            self.window.status_message(f"Exported {report.items} items and {report.files} files as a BagIt bag "
                                       f"in {report.path}", 8000)

        self.window.run_query(ops.export_bag_query, ids, target, None, on_done=done, label="Export package",
                              on_error=lambda error: self.window.show_error("Export Package", str(error)))


def _undo_saved(change: Any) -> tuple[Callable[..., Any], tuple[Any, ...]]:
    """The operation that puts a saved search back as it was before `change`."""
    if change.before is None:
        return ops.remove_saved_search_op, (change.name,)
    if change.after is None or change.after.name != change.before.name:  # removed or renamed
        if change.after is not None:
            return ops.rename_saved_search_op, (change.after.name, change.before.name)
        return ops.restore_saved_search_op, (change.before,)
    return ops.restore_saved_search_op, (change.before,)


def _redo_saved(change: Any) -> tuple[Callable[..., Any], tuple[Any, ...]]:
    """`change` here is the undo's result: undoing it again is the redo."""
    return _undo_saved(change)


def apply_query(window: Any, query: ItemQuery) -> None:
    """Show a saved search: its words in the search box, its values checked in the filter side bar."""
    window.search_box.blockSignals(True)
    window.search_box.setText(query.search or "")
    window.search_box.blockSignals(False)
    facets = window.facets
    facets.blockSignals(True)
    try:
        facets.clear_checks()
        for facet in FACETS:
            for value in getattr(query, facet.query_field):
                if not facets.set_checked(facet.key, value, True):
                    window.status_message(f"{facet.title} {value!r} has no items now")
    finally:
        facets.blockSignals(False)
    window.apply_filters()


def install(window: Any) -> None:
    window.archivist_feature = ArchivistFeature(window)
