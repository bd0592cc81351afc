"""The item fields as a form (New Item…, the detail pane's Edit form), and the Batch Edit dialog with its preview."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mediacat.core.model import KINDS, MEDIA_TYPES, Item
from mediacat.core.user_items import BATCH_FIELDS, SEED_CORRECTABLE

LABELS = {
    "title": "Title", "media_type": "Type", "kind": "Kind", "camera": "Camera", "date_taken": "Date taken",
    "mission_phase": "Mission phase", "credit": "Credit", "description": "Description",
    "official_urls": "Official pages", "media_urls": "Media files",
}  # fmt: skip
FORM_FIELDS = tuple(LABELS)


class ItemForm(QWidget):
    """Editors for an item's fields. `values()` gives what the editors hold (lists one URL a line)."""

    edited = Signal()

    def __init__(self, phases: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editors: dict[str, QWidget] = {}
        self.notes: dict[str, QLabel] = {}
        layout = QFormLayout(self)
        for name in FORM_FIELDS:
            editor: QWidget
            if name in ("media_type", "kind", "mission_phase"):
                combo = QComboBox()
                choices = {"media_type": [(v, v) for v in MEDIA_TYPES], "kind": [(v, v) for v in KINDS],
                           "mission_phase": [("", "(none)"), *phases]}[name]
                for value, label in choices:
                    combo.addItem(label, value)
                combo.currentIndexChanged.connect(self.edited)
                editor = combo
            elif name in ("description", "official_urls", "media_urls"):
                text = QPlainTextEdit()
                text.setTabChangesFocus(True)
                text.setFixedHeight(70 if name == "description" else 48)
                if name != "description":
                    text.setPlaceholderText("one http(s) address a line")
                text.textChanged.connect(self.edited)
                editor = text
            else:
                line = QLineEdit()
                if name == "date_taken":
                    line.setPlaceholderText("YYYY-MM-DD")
                line.textChanged.connect(self.edited)
                editor = line
            editor.setAccessibleName(LABELS[name])
            note = QLabel()
            note.setWordWrap(True)
            note.setVisible(False)
            note.setStyleSheet("color: palette(mid);")
            column = QVBoxLayout()
            column.setContentsMargins(0, 0, 0, 0)
            column.addWidget(editor)
            column.addWidget(note)
            holder = QWidget()
            holder.setLayout(column)
            layout.addRow(LABELS[name], holder)
            self.editors[name] = editor
            self.notes[name] = note

    def set_values(self, values: dict[str, Any]) -> None:
        for name, editor in self.editors.items():
            value = values.get(name)
            editor.blockSignals(True)
            if isinstance(editor, QComboBox):
                index = editor.findData(value or "")
                editor.setCurrentIndex(max(index, 0))
            elif isinstance(editor, QPlainTextEdit):
                editor.setPlainText("\n".join(value) if isinstance(value, list | tuple) else (value or ""))
            elif isinstance(editor, QLineEdit):
                editor.setText(value or "")
            editor.blockSignals(False)

    def values(self) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for name, editor in self.editors.items():
            if isinstance(editor, QComboBox):
                result[name] = editor.currentData() or None
            elif isinstance(editor, QPlainTextEdit):
                text = editor.toPlainText()
                result[name] = [line.strip() for line in text.splitlines() if line.strip()] \
                    if name != "description" else text.strip()
            elif isinstance(editor, QLineEdit):
                result[name] = editor.text().strip() or None
        return result

    def show_item(self, item: Item | None) -> None:
        """Fill from an item: every field editable on a user item; only the correctable facts on a shipped one,
        each corrected fact showing the catalog's own value."""
        user = item is not None and item.origin == "user"
        for name, editor in self.editors.items():
            editor.setEnabled(item is not None and (user or name in SEED_CORRECTABLE))
            seed = item.overrides.get(name, None) if item is not None else None
            corrected = item is not None and name in item.overrides
            self.notes[name].setVisible(corrected)
            if corrected:
                self.notes[name].setText(f"Your correction. The catalog says: {seed if seed else '(empty)'}")
        if item is not None:
            values = {name: getattr(item, name) for name in FORM_FIELDS}
            self.set_values({k: list(v) if isinstance(v, tuple) else v for k, v in values.items()})
        else:
            self.set_values({})


class BatchEditDialog(QDialog):
    """Item ▸ Batch Edit…: one field, one value, for the selected items, with a preview of every change."""

    preview_wanted = Signal(str, str)  # field, value

    def __init__(self, count: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Batch Edit")
        self.field = QComboBox()
        for name in BATCH_FIELDS:
            self.field.addItem(LABELS[name], name)
        self.field.setAccessibleName("Field")
        self.value = QLineEdit()
        self.value.setAccessibleName("New value")
        self.value.setPlaceholderText("the new value (empty clears it)")
        self.preview_button = QPushButton("Preview")
        self.preview_button.clicked.connect(self.ask_preview)
        self.model = QStandardItemModel(0, 3, self)
        self.model.setHorizontalHeaderLabels(["Item", "Now", "After"])
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.summary = QLabel(f"{count} item(s) selected. Preview the change before applying it.")
        self.summary.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Apply |
                                        QDialogButtonBox.StandardButton.Cancel)
        self.apply_button = self.buttons.button(QDialogButtonBox.StandardButton.Apply)
        self.apply_button.setEnabled(False)
        self.apply_button.clicked.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.field.currentIndexChanged.connect(self._stale)
        self.value.textChanged.connect(self._stale)
        row = QHBoxLayout()
        row.addWidget(self.field)
        row.addWidget(self.value, 1)
        row.addWidget(self.preview_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)
        self.resize(620, 380)

    def chosen(self) -> tuple[str, str]:
        return self.field.currentData(), self.value.text()

    def ask_preview(self) -> None:
        self.preview_wanted.emit(*self.chosen())

    def show_preview(self, rows: list[tuple[str, Any, Any]]) -> None:
        self.model.removeRows(0, self.model.rowCount())
        for item_id, old, new in rows:
            cells = [QStandardItem(item_id), QStandardItem("" if old is None else str(old)),
                     QStandardItem("" if new is None else str(new))]
            self.model.appendRow(cells)
        self.summary.setText(f"{len(rows)} item(s) will change." if rows else "No item would change.")
        self.apply_button.setEnabled(bool(rows))

    def show_problem(self, message: str) -> None:
        self.model.removeRows(0, self.model.rowCount())
        self.summary.setText(message)
        self.apply_button.setEnabled(False)

    def _stale(self) -> None:
        self.apply_button.setEnabled(False)
        self.summary.setText("Preview the change before applying it.")


def phase_choices(window: Any) -> list[tuple[str, str]]:
    return [(phase.id, phase.label) for phase in window.library.mission_phases()]


__all__ = ["BatchEditDialog", "ItemForm", "phase_choices"]
