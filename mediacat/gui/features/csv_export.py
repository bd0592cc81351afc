"""File ▸ Export CSV… (all items, the current view or the selection) and File ▸ Import CSV… (tags and notes).

Export runs in the background through `window.tasks` with a progress dialog and can be cancelled; import
shows the file's problems, or a summary, and asks before applying; an applied import is one undo step.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QMessageBox,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from mediacat.core.csvio import PROFILES, ImportPlan, apply_import, export_csv, read_import
from mediacat.core.errors import MediaCatError
from mediacat.core.jobs import Job
from mediacat.core.library import Library
from mediacat.gui.features.tag_commands import ImportCommand

SCOPES = ("all", "view", "selection")
MAX_LISTED = 40


def export_worker(job: Job, library: Library, item_ids: list[str], path: str, profile: str, raw: bool) -> int:
    """Runs on a worker thread with its own database connection."""
    own = library.reopen()
    try:
        return export_csv(own, item_ids, path, profile=profile, raw=raw, job=job)
    finally:
        own.close()


def scope_ids(window, scope: str) -> list[str]:
    if scope == "selection":
        return list(window.selected_item_ids())
    if scope == "view":
        return list(window.visible_item_ids())
    return window.library.item_ids()


def start_export(window, scope: str, path: str, *, profile: str = "default", raw: bool = False):
    """Export in the background; returns the task handle (its result is the number of rows)."""
    ids = scope_ids(window, scope)
    return window.tasks.run(
        export_worker,
        window.library,
        ids,
        path,
        profile,
        raw,
        on_done=lambda count: window.status_message(f"Exported {count} items to {path}"),
        on_error=lambda error: window.show_error("CSV export failed", str(error)),
        on_cancelled=lambda: window.status_message("CSV export cancelled; no file written"),
        label="Export CSV",
        cancellable=True,
        with_progress_dialog=True,
    )


def describe_plan(plan: ImportPlan) -> str:
    lines = [plan.summary() + "."]
    for change in plan.changes[:MAX_LISTED]:
        if change.tags_after is not None:
            lines.append(f"{change.item_id}: tags {'; '.join(change.tags_before) or '(none)'} → "
                         f"{'; '.join(change.tags_after) or '(none)'}")
        if change.note_after is not None:
            lines.append(f"{change.item_id}: note changed")
    if len(plan.changes) > MAX_LISTED:
        lines.append(f"… and {len(plan.changes) - MAX_LISTED} more")
    return "\n".join(lines)


def import_file(window, path: str, confirm) -> bool:
    """Read `path`, show its problems or ask `confirm(plan) -> bool`, then apply it as one undo step."""
    try:
        plan = read_import(window.library, path)
    except MediaCatError as error:
        window.show_error("CSV import", str(error))
        return False
    if not plan.ok:
        problems = plan.problems()
        window.show_error(
            "CSV import: nothing imported",
            f"{Path(path).name}: {len(problems)} problem(s); fix them and import again. Nothing was changed.",
            "\n".join(problems),
        )
        return False
    if not plan.changes:
        window.status_message(f"{Path(path).name}: nothing to change")
        return False
    if not confirm(plan):
        return False
    try:
        result = apply_import(window.library, plan)
    except MediaCatError as error:
        window.show_error("CSV import: nothing imported", str(error))
        return False
    feature = getattr(window, "tags_feature", None)

    def changed(ids: list[str]) -> None:
        if feature is not None:
            feature.changed(ids)
        else:
            window.refresh_items(ids)
            window.refresh_facets()

    window.undo_stack.push(ImportCommand(f"Import {Path(path).name}", window.library, result.tag_edit,
                                         result.note_edits, changed, window.show_error))
    changed([change.item_id for change in plan.changes])
    window.status_message(f"Imported {Path(path).name}: {plan.summary()}")
    return True


class ExportDialog(QDialog):
    """Which items, which profile, spreadsheet-safe or raw."""

    def __init__(self, window, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export CSV")
        self.scope_group = QButtonGroup(self)
        layout = QVBoxLayout(self)
        counts = {
            "all": window.library.count_items(),
            "view": len(window.visible_item_ids()),
            "selection": len(window.selected_item_ids()),
        }
        labels = {"all": "All items", "view": "The current view", "selection": "The selected items"}
        for scope in SCOPES:
            button = QRadioButton(f"{labels[scope]} ({counts[scope]})")
            button.setProperty("scope", scope)
            button.setEnabled(counts[scope] > 0)
            self.scope_group.addButton(button)
            layout.addWidget(button)
        default = "selection" if counts["selection"] > 1 else "view"
        for button in self.scope_group.buttons():
            if button.property("scope") == default:
                button.setChecked(True)
        form = QFormLayout()
        self.profile = QComboBox()
        self.profile.addItems(list(PROFILES))
        self.profile.setAccessibleName("Column profile")
        form.addRow("Columns:", self.profile)
        self.safe = QCheckBox("Spreadsheet-safe: put ' before cells starting with = + - @ (recommended)")
        self.safe.setChecked(True)
        form.addRow(self.safe)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    @property
    def scope(self) -> str:
        checked = self.scope_group.checkedButton()
        return checked.property("scope") if checked is not None else "all"


def _ask_export(window) -> None:
    dialog = ExportDialog(window, window)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return
    path, _filter = QFileDialog.getSaveFileName(window, "Export CSV", "mediacat.csv", "CSV files (*.csv)")
    if path:
        start_export(window, dialog.scope, path, profile=dialog.profile.currentText(),
                     raw=not dialog.safe.isChecked())


def _ask_import(window) -> None:
    path, _filter = QFileDialog.getOpenFileName(window, "Import CSV", "", "CSV files (*.csv);;All files (*)")
    if not path:
        return

    def confirm(plan: ImportPlan) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, "Import CSV",
                          f"Apply these changes from {Path(path).name}? (Edit ▸ Undo reverts them.)",
                          QMessageBox.StandardButton.Apply | QMessageBox.StandardButton.Cancel, window)
        box.setDetailedText(describe_plan(plan))
        box.setInformativeText(plan.summary())
        return box.exec() == QMessageBox.StandardButton.Apply

    import_file(window, path, confirm)


def install(window) -> None:
    file_menu = window.menu("File")
    export_action = QAction("Export CSV…", window)
    export_action.triggered.connect(lambda: _ask_export(window))
    import_action = QAction("Import CSV…", window)
    import_action.triggered.connect(lambda: _ask_import(window))
    first = file_menu.actions()[0] if file_menu.actions() else None  # above Quit
    file_menu.insertActions(first, [export_action, import_action])
    file_menu.insertSeparator(first)
