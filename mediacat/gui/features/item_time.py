"""Item ▸ Set Time…: say when the current item's media were taken (the user's own time, kept over seed updates).

The dialog takes an ISO UTC time written to its precision and a citation; the write is the core operation
`set_item_time_op` on the window's writer, so the timeline, detail pane and `show --json` all follow.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget

from mediacat.core.timeline import item_times_json, set_item_time_op
from mediacat.core.timeline_seed import PRECISIONS


class ItemTimeDialog(QDialog):
    def __init__(self, item_id: str, current: dict[str, Any] | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"When were the media of {item_id} taken?")
        self.time_edit = QLineEdit()
        self.time_edit.setAccessibleName("Time (UTC, spacecraft event time)")
        self.time_edit.setPlaceholderText("2021-02-20, 2021-02-18T20Z, 2021-02-18T20:44Z or 2021-02-18T20:44:11Z")
        self.precision_box = QComboBox()
        self.precision_box.setAccessibleName("Precision")
        self.precision_box.addItems(list(PRECISIONS))
        self.evidence_edit = QLineEdit()
        self.evidence_edit.setAccessibleName("Evidence")
        self.evidence_edit.setPlaceholderText("a URL or a short citation")
        self.note_edit = QLineEdit()
        self.note_edit.setAccessibleName("Note")
        if current:
            self.precision_box.setCurrentText(current["precision"])
            text = current["scet"]
            self.time_edit.setText({"day": text[:10], "hour": text[:13] + "Z", "minute": text[:16] + "Z"}.get(
                current["precision"], text))
        form = QFormLayout(self)
        form.addRow(QLabel("Spacecraft event time (UTC at Mars), written only as precisely as it is known."))
        form.addRow("Time:", self.time_edit)
        form.addRow("Precision:", self.precision_box)
        form.addRow("Evidence:", self.evidence_edit)
        form.addRow("Note:", self.note_edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> tuple[str, str, str, str]:
        return (self.time_edit.text().strip(), self.precision_box.currentText(), self.evidence_edit.text().strip(),
                self.note_edit.text().strip())


class ItemTimeFeature:
    def __init__(self, window: Any) -> None:
        self.window = window
        self.action = QAction("Set &Time…", window)
        self.action.setToolTip("Say when the current item's media were taken (shown on the timeline)")
        self.action.triggered.connect(self.edit_current)
        window.menu("Item").addAction(self.action)
        self.dialog: ItemTimeDialog | None = None

    def edit_current(self) -> ItemTimeDialog | None:
        item_id = self.window.current_item_id()
        if item_id is None:
            return None
        current = item_times_json(self.window.library, [item_id]).get(item_id)
        self.dialog = ItemTimeDialog(item_id, current, self.window)
        self.dialog.accepted.connect(lambda: self.save(item_id, *self.dialog.values()))
        self.dialog.open()
        return self.dialog

    def save(self, item_id: str, time_text: str, precision: str, evidence: str, note: str) -> None:
        self.window.run_op(set_item_time_op, item_id, time_text, precision, evidence, note,
                           label=f"Set the time of {item_id}",
                           on_done=lambda _c: self.window.status_message(f"{item_id}: time set"))


def install(window: Any) -> None:
    window.item_time = ItemTimeFeature(window)
