"""Tags and notes in the app: the Tags dock (counts, filter, rename, merge), Item ▸ Add/Remove tags…, the Note dock.

Every edit is a core operation (`mediacat.core.operations`) run on the window's one writer (`run_op`); when
it is saved an undo command is pushed on `window.undo_stack` (a batch edit on many selected items is one
command). The tag counts are a query on a reader; the dock and the note refresh from `library_changed`.
An edit that cannot be saved is reported, and the typed note is kept in the editor (and saved again).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QStringListModel,
    Qt,
    QTimer,
)
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from mediacat.core.changes import Changes
from mediacat.core.errors import MediaCatError
from mediacat.core.jobs import Job
from mediacat.core.library import Library
from mediacat.core.operations import add_tags_op, merge_tags_op, remove_tags_op, set_note_op
from mediacat.core.tags import TAG_SEPARATOR, NoteEdit, TagEdit, normalize_tags, note_of, tag_counts, tag_key, tags_of
from mediacat.gui.features.tag_commands import NoteEditCommand, tag_edit_command, tag_rename_command
from mediacat.gui.features.window_api import FeatureWindow
from mediacat.gui.tasks import TaskHandle

NAME_ROLE = Qt.ItemDataRole.UserRole + 1
COUNT_ROLE = Qt.ItemDataRole.UserRole + 2
NOTE_SAVE_DELAY_MS = 600


class TagCountsModel(QAbstractListModel):
    """Every tag with its item count, by name: `name (count)` for display, the name under NAME_ROLE."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[tuple[str, int]] = []

    def set_counts(self, rows: list[tuple[str, int]]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        name, count = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{name} ({count})"
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{count} item{'s' if count != 1 else ''} tagged {name!r}"
        if role == NAME_ROLE:
            return name
        if role == COUNT_ROLE:
            return count
        return None

    def row_of(self, name: str) -> int:
        key = tag_key(name)
        return next((row for row, (tag, _count) in enumerate(self.rows) if tag_key(tag) == key), -1)


class TagCompleter(QCompleter):
    """Completes the tag being typed after the last ';' in a "tag; tag; ..." field."""

    def __init__(self, names: list[str], parent=None) -> None:
        super().__init__(parent)
        self.names = QStringListModel(names, self)
        self.setModel(self.names)
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterMode(Qt.MatchFlag.MatchContains)

    def splitPath(self, path: str) -> list[str]:
        return [path.split(TAG_SEPARATOR)[-1].strip()]

    def pathFromIndex(self, index: QModelIndex | QPersistentModelIndex) -> str:
        completion = super().pathFromIndex(index)
        widget = self.widget()
        text = widget.text() if isinstance(widget, QLineEdit) else ""
        head = text.rsplit(TAG_SEPARATOR, 1)[0] + TAG_SEPARATOR + " " if TAG_SEPARATOR in text else ""
        return head + completion


def parse_tag_field(text: str) -> list[str]:
    """The tags typed in a "tag; tag" field, validated (raises TagError naming a bad tag)."""
    return normalize_tags(part for part in text.split(TAG_SEPARATOR) if part.strip())


TITLE_BAR_BUTTONS_WIDTH = 160  # a window manager's title bar buttons and margins


class TagEntryDialog(QDialog):
    """Asks for one or more tags (separated by ';'), or with `placeholder` saying so, one; completes from `names`."""

    def __init__(self, title: str, prompt: str, names: list[str], parent: QWidget | None = None, *,
                 placeholder: str = "tag; another tag") -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        # Wide enough for the title bar to show the title with the app's name after it ("… — MediaCat").
        title_width = self.fontMetrics().horizontalAdvance(f"{title} — MediaCat")
        self.setMinimumWidth(max(360, title_width + TITLE_BAR_BUTTONS_WIDTH))
        self.field = QLineEdit()
        self.field.setAccessibleName("Tags")
        self.field.setPlaceholderText(placeholder)
        self.field.setCompleter(TagCompleter(names, self.field))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        label = QLabel(prompt)
        label.setWordWrap(True)
        label.setBuddy(self.field)
        layout.addWidget(label)
        layout.addWidget(self.field)
        layout.addWidget(buttons)


def load_tag_counts(job: Job, library: Library) -> list[tuple[str, int]]:
    """On a reader: every tag with its item count."""
    return tag_counts(library)


def load_tags_of(job: Job, library: Library, item_ids: list[str]) -> list[str]:
    """On a reader: the tags any of these items carries, by name (what "Remove tags" offers)."""
    return sorted({t for tags in tags_of(library, item_ids).values() for t in tags}, key=tag_key)


class TagsFeature:
    """Everything tag- and note-related the window gets; one instance per window (`window.tags_feature`)."""

    def __init__(self, window: FeatureWindow) -> None:
        self.window = window
        self.library = window.library
        self.model = TagCountsModel()
        self.loading = False
        self.view = QListView()
        self.view.setObjectName("tagsList")
        self.view.setAccessibleName("Tags")
        self.view.setModel(self.model)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.view.clicked.connect(lambda _index: self.filter_by_selected_tags())
        self.note_editor = NoteEditor(self)
        window.library_changed.connect(self._library_changed)
        self.refresh_tags()

    # -- reads ---------------------------------------------------------------------------------------

    def _library_changed(self, changes: Changes) -> None:
        if changes.is_everything or changes.tags:
            self.refresh_tags()
        item_id = self.note_editor.item_id
        if item_id is not None and changes.touches_item(item_id):
            self.note_editor.reload()

    def refresh_tags(self) -> None:
        """Read the tag counts again (on a reader); shown, keeping the selection, when they arrive."""
        self.loading = True
        self.window.run_query(load_tag_counts, key=("tag-counts", id(self)), on_done=self._counts_arrived,
                              label="Tag counts")

    def _counts_arrived(self, rows: list[tuple[str, int]]) -> None:
        self.loading = False
        selected = set(self.selected_tags())
        self.model.set_counts(rows)
        selection = self.view.selectionModel()
        for name in selected:
            row = self.model.row_of(name)
            if row >= 0:
                selection.select(self.model.index(row), selection.SelectionFlag.Select)

    def tag_names(self) -> list[str]:
        """Every tag in use (as last counted), for completion."""
        return [name for name, _count in self.model.rows]

    def selected_tags(self) -> list[str]:
        rows = sorted(index.row() for index in self.view.selectionModel().selectedIndexes())
        return [self.model.rows[row][0] for row in rows]

    def filter_by_selected_tags(self) -> None:
        """Show only the items that carry every selected tag."""
        self.window.set_tag_filter(self.selected_tags())

    # -- edits ---------------------------------------------------------------------------------------

    def add_tags_to(self, item_ids: list[str], tags: list[str]) -> TaskHandle | None:
        return self._tag_edit(item_ids, tags, add=True)

    def remove_tags_from(self, item_ids: list[str], tags: list[str]) -> TaskHandle | None:
        return self._tag_edit(item_ids, tags, add=False)

    def _tag_edit(self, item_ids: list[str], tags: list[str], *, add: bool) -> TaskHandle | None:
        if not item_ids:
            self.window.status_message("Select one or more items first")
            return None
        verb = "Add" if add else "Remove"
        what = ", ".join(repr(tag) for tag in tags)

        def saved(edit: TagEdit) -> None:
            if not edit.changed_ids:
                self.window.status_message("Nothing to change")
                return
            count = len(edit.changed_ids)
            text = f"{verb} {what} ({count} item{'s' if count != 1 else ''})"
            self.window.undo_stack.push(tag_edit_command(text, self.window, edit))

        return self.window.run_op(add_tags_op if add else remove_tags_op, list(item_ids), list(tags),
                                  label=f"{verb} tags", on_done=saved,
                                  on_error=lambda error: self.window.report_error("Tags not changed", error))

    def rename(self, old: str, new: str) -> TaskHandle | None:
        return self.merge([old], new)

    def merge(self, sources: list[str], target: str) -> TaskHandle | None:
        existing = {tag_key(name) for name in self.tag_names()}
        merged = len(sources) > 1 or (
            tag_key(target.strip()) in existing and tag_key(target.strip()) != tag_key(sources[0])
        )

        def saved(edit: TagEdit) -> None:
            if not edit.changed_ids:
                self.window.status_message("Nothing to change")
                return
            self.window.undo_stack.push(tag_rename_command(self.window, list(sources), target.strip(), edit, merged))

        return self.window.run_op(merge_tags_op, list(sources), target, label="Rename tag", on_done=saved,
                                  on_error=lambda error: self.window.report_error("Tag not renamed", error))

    def save_note(self, item_id: str, text: str, on_saved: Callable[[NoteEdit], None],
                  on_failed: Callable[[BaseException], None]) -> TaskHandle:
        def saved(edit: NoteEdit) -> None:
            if edit.changed:
                self.window.undo_stack.push(NoteEditCommand(self.window, edit))
            on_saved(edit)

        return self.window.run_op(set_note_op, item_id, text, label="Save note", on_done=saved, on_error=on_failed)

    # -- dialogs -------------------------------------------------------------------------------------

    def ask_add_tags(self) -> None:
        ids = self.window.selected_item_ids()
        if not ids:
            self.window.status_message("Select one or more items first")
            return
        self._ask("Add tags", f"Tags to add to {len(ids)} selected item(s), separated by ';':",
                  self.tag_names(), lambda tags: self.add_tags_to(ids, tags))

    def ask_remove_tags(self) -> None:
        ids = self.window.selected_item_ids()
        if not ids:
            self.window.status_message("Select one or more items first")
            return

        def offer(present: list[str]) -> None:
            self._ask("Remove tags", f"Tags to remove from {len(ids)} selected item(s), separated by ';':",
                      present, lambda tags: self.remove_tags_from(ids, tags))

        self.window.run_query(load_tags_of, ids, on_done=offer, label="Tags of the selection")

    def _ask(self, title: str, prompt: str, names: list[str], apply: Callable[[list[str]], Any]) -> None:
        dialog = TagEntryDialog(title, prompt, names, self.window.dialog_parent())

        def accepted() -> None:
            try:
                tags = parse_tag_field(dialog.field.text())
            except MediaCatError as error:
                self.window.show_error(f"{title}: not done", str(error))
                return
            if tags:
                apply(tags)

        dialog.accepted.connect(accepted)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def _context_menu(self, position: QPoint) -> None:
        tags = self.selected_tags()
        if not tags:
            return
        menu = QMenu(self.view)
        if len(tags) == 1:
            menu.addAction("Rename…", lambda: self._ask_rename(tags[0]))
        menu.addAction("Merge into…" if len(tags) > 1 else "Merge into another tag…",
                       lambda: self._ask_merge(tags))
        menu.addAction("Clear filter", self._clear_filter)
        menu.popup(self.view.viewport().mapToGlobal(position))

    def _ask_rename(self, old: str) -> None:
        dialog = TagEntryDialog("Rename tag", f"New name for {old!r} (an existing tag's name merges the two):",
                                self.tag_names(), self.window.dialog_parent())
        dialog.field.setText(old)
        dialog.accepted.connect(lambda: self.rename(old, dialog.field.text()))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def _ask_merge(self, sources: list[str]) -> None:
        dialog = TagEntryDialog("Merge tags", f"Merge {', '.join(map(repr, sources))} into:",
                                self.tag_names(), self.window.dialog_parent(),
                                placeholder="the one tag to keep (an existing or a new name)")
        dialog.accepted.connect(lambda: self.merge(sources, dialog.field.text()))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def _clear_filter(self) -> None:
        self.view.clearSelection()
        self.filter_by_selected_tags()


class NoteEditor(QWidget):
    """The current item's note: saved a moment after typing stops, on focus-out, and before switching items.

    Saving is an operation on the writer: the editor never waits. Text that could not be saved stays in the
    editor (and, if another item was chosen meanwhile, comes back when that item is shown again) and is saved
    with the next change or focus-out; an external change never overwrites unsaved typing.
    """

    def __init__(self, feature: TagsFeature) -> None:
        super().__init__()
        self.feature = feature
        self.item_id: str | None = None
        self._loaded_text = ""  # the stored note, as last read or saved
        self._unsaved: dict[str, str] = {}  # item id -> typed text whose save failed
        self._in_flight: dict[str, str] = {}  # item id -> text being saved (a reload meanwhile keeps showing it)
        self.saving = 0
        self.label = QLabel("Select an item to write a note.")
        self.label.setWordWrap(True)
        self.label.setAccessibleName("Note title")
        self.editor = QPlainTextEdit()
        self.editor.setObjectName("noteEditor")
        self.editor.setAccessibleName("Note")
        self.editor.setPlaceholderText("A note on this item (saved as you type)")
        self.editor.setEnabled(False)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(NOTE_SAVE_DELAY_MS)
        self.timer.timeout.connect(self.save)
        self.editor.textChanged.connect(self._typed)
        self.editor.installEventFilter(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.label)
        layout.addWidget(self.editor)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.editor and event.type() == QEvent.Type.FocusOut:
            self.save()
        return super().eventFilter(watched, event)

    def show_item(self, item_id: str | None) -> None:
        if item_id == self.item_id:
            return
        self.save()
        self.item_id = item_id
        self._loaded_text = ""
        self.reload(force=True)

    @property
    def has_unsaved_text(self) -> bool:
        return self.item_id is not None and self.editor.toPlainText() != self._loaded_text

    def reload(self, *, force: bool = False) -> None:
        """Show the stored note of the current item (after an undo, or a change elsewhere); typed text that
        is not saved yet is kept."""
        if self.has_unsaved_text and not force:
            return
        self.timer.stop()
        text = ""
        if self.item_id is not None:
            try:
                text = note_of(self.feature.library, self.item_id)  # one row, on the GUI's read connection
            except MediaCatError:
                self.item_id = None
        self._loaded_text = text
        # A failed save that wrote before failing is announced as "everything changed" before its error arrives:
        # the text on its way is shown, not the stored note, so nothing typed is wiped.
        shown = self._unsaved.get(self.item_id, self._in_flight.get(self.item_id, text)) \
            if self.item_id is not None else text
        self.editor.blockSignals(True)
        if self.editor.toPlainText() != shown:
            self.editor.setPlainText(shown)
        self.editor.blockSignals(False)
        self.editor.setEnabled(self.item_id is not None)
        self.label.setText(self._title_text())
        self.label.setToolTip(f"Item id: {self.item_id}" if self.item_id else "")
        if shown != text:
            self.label.setText(self._title_text() + " (not saved yet)")

    def _title_text(self) -> str:
        """"Note on “<the item's title>”" (its id only if the item has no title)."""
        if self.item_id is None:
            return "Select an item to write a note."
        found = self.feature.library.items([self.item_id])
        title = found[0].title if found and found[0].title else self.item_id
        return f"Note on “{title}”"

    def _typed(self) -> None:
        if self.item_id is not None:
            self.timer.start()

    def save(self) -> None:
        self.timer.stop()
        item_id = self.item_id
        text = self.editor.toPlainText()
        if item_id is None or text == self._loaded_text:
            return
        self.saving += 1
        self._loaded_text = text  # what the editor will hold once saved; a failure puts it back in _unsaved
        self._in_flight[item_id] = text

        def landed() -> None:
            self.saving -= 1
            if self._in_flight.get(item_id) == text:
                del self._in_flight[item_id]

        def saved(edit: NoteEdit) -> None:
            landed()
            if self._unsaved.get(item_id) == text:
                del self._unsaved[item_id]
            if self.item_id == item_id:
                self.label.setText(f"Note on {item_id}")

        def failed(error: BaseException) -> None:
            landed()
            self._unsaved[item_id] = text
            if self.item_id == item_id:
                self._loaded_text = note_of(self.feature.library, item_id)
                self.label.setText(f"Note on {item_id} (not saved yet)")
            self.feature.window.report_error(
                "Note not saved", _NoteNotSaved(item_id, error) if isinstance(error, MediaCatError) else error)

        self.feature.save_note(item_id, text, saved, failed)


class _NoteNotSaved(MediaCatError):
    def __init__(self, item_id: str, error: MediaCatError) -> None:
        super().__init__(f"The note on {item_id} could not be saved: {error}. Your text is kept in the Note "
                         "editor and is saved again when you next change it or leave the editor.")
        self.error = error


def install(window: FeatureWindow) -> TagsFeature:
    feature = TagsFeature(window)
    window.tags_feature = feature  # type: ignore[attr-defined]  # for tests; other features never look it up
    window.add_dock(feature.note_editor, "Note", Qt.DockWidgetArea.BottomDockWidgetArea)
    window.add_dock(feature.view, "Tags", Qt.DockWidgetArea.BottomDockWidgetArea)
    item_menu = window.menu("Item")
    parent = window.dialog_parent()
    add = QAction("Add tags…", parent)
    add.setShortcut(QKeySequence("Ctrl+T"))
    add.triggered.connect(feature.ask_add_tags)
    remove = QAction("Remove tags…", parent)
    remove.setShortcut(QKeySequence("Ctrl+Shift+T"))
    remove.triggered.connect(feature.ask_remove_tags)
    note = QAction("Edit note", parent)
    note.triggered.connect(lambda: feature.note_editor.editor.setFocus())
    for action in (add, remove, note):
        item_menu.addAction(action)
    window.selection_changed.connect(lambda: feature.note_editor.show_item(window.current_item_id()))
    feature.note_editor.show_item(window.current_item_id())
    return feature
