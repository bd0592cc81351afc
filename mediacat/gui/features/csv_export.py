"""File ▸ Export CSV… (all items, the current view or the selection) and File ▸ Import CSV… (tags and notes;
rows whose id is not in the catalog can become items of the user's own, `import-csv --create`).

Export runs on a reader (`window.run_query`) with a progress dialog and can be cancelled; import is read on a
reader, shows the file's problems, or a summary, and asks before applying on the writer (`window.run_op`);
an applied import is one undo step. A file whose only problem is ids not in the catalog offers to create them:
the preview (read on a reader) lists the new items, and the import with them is one operation, one undo step.
"""

from __future__ import annotations

from collections.abc import Callable
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

from mediacat.core import archivist_ops
from mediacat.core.csv_cells import PROFILES
from mediacat.core.csv_create import CreatingImport, CreatingImportPreview
from mediacat.core.csv_export import export_csv
from mediacat.core.csv_import import ImportPlan, ImportResult, read_import
from mediacat.core.jobs import Job
from mediacat.core.library import Library
from mediacat.core.operations import apply_import_op
from mediacat.gui.features.op_command import OpCommand
from mediacat.gui.features.tag_commands import import_command
from mediacat.gui.features.window_api import FeatureWindow
from mediacat.gui.tasks import TaskHandle

SCOPES = ("all", "view", "selection")
MAX_LISTED = 40


def export_query(job: Job, library: Library, item_ids: list[str] | None, path: str, profile: str, raw: bool) -> int:
    """On a reader: write the CSV file (every item when `item_ids` is None); returns the number of rows."""
    ids = library.item_ids() if item_ids is None else item_ids
    return export_csv(library, ids, path, profile=profile, raw=raw, job=job)


def scope_ids(window: FeatureWindow, scope: str) -> list[str] | None:
    """The ids to export (None: all items, read by the export itself off the GUI thread)."""
    if scope == "selection":
        return list(window.selected_item_ids())
    if scope == "view":
        return list(window.visible_item_ids())
    return None


def start_export(window: FeatureWindow, scope: str, path: str, *, profile: str = "default",
                 raw: bool = False) -> TaskHandle:
    """Export on a reader; returns the task handle (its result is the number of rows)."""
    return window.run_query(
        export_query, scope_ids(window, scope), path, profile, raw,
        on_done=lambda count: window.status_message(f"Exported {count} items to {path}"),
        on_error=lambda error: window.report_error("CSV export failed", error),
        on_cancelled=lambda: window.status_message("CSV export cancelled; no file written"),
        label="Export CSV", cancellable=True, with_progress_dialog=True,
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


def read_import_query(job: Job, library: Library, path: str) -> ImportPlan:
    """On a reader: read and plan an import file."""
    return read_import(library, path)


def describe_creating(preview: CreatingImportPreview) -> str:
    lines = [preview.summary() + "."]
    lines += [f"{row.item_id}: new item {row.values['title']!r} ({row.values['media_type']})"
              for row in preview.new_rows[:MAX_LISTED]]
    if len(preview.new_rows) > MAX_LISTED:
        lines.append(f"… and {len(preview.new_rows) - MAX_LISTED} more new items")
    return "\n".join(lines + describe_plan(preview.plan).splitlines()[1:])


def import_outcome(window: FeatureWindow, on_finished: Callable[[bool], None] | None
                   ) -> tuple[Callable[[bool], None], Callable[[BaseException], None]]:
    """An import's `finished(applied)` (calls `on_finished`) and `failed(error)` (says nothing was imported)."""

    def finished(applied: bool) -> None:
        if on_finished is not None:
            on_finished(applied)

    def failed(error: BaseException) -> None:
        window.report_error("CSV import: nothing imported", error)
        finished(False)

    return finished, failed


def import_file(window: FeatureWindow, path: str, confirm: Callable[[ImportPlan], bool],
                on_finished: Callable[[bool], None] | None = None,
                offer_create: Callable[[ImportPlan], bool] | None = None,
                confirm_create: Callable[[CreatingImportPreview], bool] | None = None) -> None:
    """Read `path` on a reader, show its problems or ask `confirm(plan) -> bool`, then apply it on the writer
    (one transaction) as one undo step. `on_finished(applied: bool)` is called at the end. A file whose only
    problems are ids not in the catalog asks `offer_create(plan)`; yes reads the preview of the items it would
    create and asks `confirm_create(preview)` before importing with them (`import_creating_file`)."""
    name = Path(path).name

    finished, failed = import_outcome(window, on_finished)

    def read(plan: ImportPlan) -> None:
        if (not plan.ok and not plan.errors and offer_create is not None and confirm_create is not None
                and offer_create(plan)):
            import_creating_file(window, path, confirm_create, on_finished)
        elif not plan.ok:
            problems = plan.problems()
            window.show_error(
                "CSV import: nothing imported",
                f"{name}: {len(problems)} problem(s); fix them and import again. Nothing was changed.",
                "\n".join(problems),
            )
            finished(False)
        elif not plan.changes:
            window.status_message(f"{name}: nothing to change")
            finished(False)
        elif not confirm(plan):
            finished(False)
        else:
            window.run_op(apply_import_op, plan, on_done=lambda result: applied(plan, result), on_error=failed,
                          label="Import CSV")

    def applied(plan: ImportPlan, result: ImportResult) -> None:
        window.undo_stack.push(import_command(f"Import {name}", window, result))
        window.status_message(f"Imported {name}: {plan.summary()}")
        finished(True)

    window.run_query(read_import_query, path, on_done=read, on_error=failed, label="Read CSV")


def import_creating_file(window: FeatureWindow, path: str, confirm: Callable[[CreatingImportPreview], bool],
                         on_finished: Callable[[bool], None] | None = None) -> None:
    """`import-csv --create` in the app: the preview on a reader, `confirm(preview)`, then one operation on the
    writer (new items, tags, notes; all or nothing) and one undo step (undo removes the new items again)."""
    name = Path(path).name

    finished, failed = import_outcome(window, on_finished)

    def read(preview: CreatingImportPreview) -> None:
        if not preview.ok:
            window.show_error("CSV import: nothing imported",
                              f"{name}: {len(preview.problems)} problem(s); fix them and import again. Nothing was "
                              "changed.", "\n".join(preview.problems))
            finished(False)
        elif not preview.new_rows and not preview.plan.changes:
            window.status_message(f"{name}: nothing to change")
            finished(False)
        elif not confirm(preview):
            finished(False)
        else:
            window.run_op(archivist_ops.import_creating_op, Path(path), on_done=applied, on_error=failed,
                          label="Import CSV")

    def applied(done: CreatingImport) -> None:
        window.undo_stack.push(OpCommand(window, f"Import {name}", done,
                                         lambda result: (archivist_ops.undo_creating_import_op, (result,)),
                                         lambda result: (archivist_ops.undo_creating_import_op, (result,))))
        window.status_message(f"Imported {name}: {len(done.rows)} new items, tags and notes")
        finished(True)

    window.run_query(archivist_ops.preview_creating_import_query, Path(path), on_done=read, on_error=failed,
                     label="Read CSV")


class ExportDialog(QDialog):
    """Which items, which profile, spreadsheet-safe or raw."""

    def __init__(self, window: FeatureWindow, parent: QWidget | None = None) -> None:
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
            radio = QRadioButton(f"{labels[scope]} ({counts[scope]})")
            radio.setProperty("scope", scope)
            radio.setEnabled(counts[scope] > 0)
            self.scope_group.addButton(radio)
            layout.addWidget(radio)
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


def _ask_export(window: FeatureWindow) -> None:
    dialog = ExportDialog(window, window.dialog_parent())
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return
    path, _filter = QFileDialog.getSaveFileName(window.dialog_parent(), "Export CSV", "mediacat.csv",
                                                "CSV files (*.csv)")
    if path:
        start_export(window, dialog.scope, path, profile=dialog.profile.currentText(),
                     raw=not dialog.safe.isChecked())


def _ask_import(window: FeatureWindow) -> None:
    path, _filter = QFileDialog.getOpenFileName(window.dialog_parent(), "Import CSV", "",
                                                "CSV files (*.csv);;All files (*)")
    if not path:
        return

    def confirm(plan: ImportPlan) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, "Import CSV",
                          f"Apply these changes from {Path(path).name}? (Edit ▸ Undo reverts them.)",
                          QMessageBox.StandardButton.Apply | QMessageBox.StandardButton.Cancel,
                          window.dialog_parent())
        box.setDetailedText(describe_plan(plan))
        box.setInformativeText(plan.summary())
        return box.exec() == QMessageBox.StandardButton.Apply

    def offer_create(plan: ImportPlan) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, "Import CSV",
                          f"{Path(path).name}: {len(plan.unknown_ids)} row(s) have an id that is not in the catalog. "
                          "Create them as items of your own (their title and media_type columns give the fields)?",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, window.dialog_parent())
        box.setDetailedText("\n".join(plan.problems()))
        box.button(QMessageBox.StandardButton.Yes).setText("Preview New Items…")
        return box.exec() == QMessageBox.StandardButton.Yes

    def confirm_create(preview: CreatingImportPreview) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, "Import CSV",
                          f"Create {len(preview.new_rows)} new item(s) and apply the changes from "
                          f"{Path(path).name}? (Edit ▸ Undo reverts it all.)",
                          QMessageBox.StandardButton.Apply | QMessageBox.StandardButton.Cancel,
                          window.dialog_parent())
        box.setInformativeText(preview.summary())
        box.setDetailedText(describe_creating(preview))
        return box.exec() == QMessageBox.StandardButton.Apply

    import_file(window, path, confirm, offer_create=offer_create, confirm_create=confirm_create)


def install(window: FeatureWindow) -> None:
    file_menu = window.menu("File")
    export_action = QAction("Export CSV…", window.dialog_parent())
    export_action.triggered.connect(lambda: _ask_export(window))
    import_action = QAction("Import CSV…", window.dialog_parent())
    import_action.triggered.connect(lambda: _ask_import(window))
    if file_menu.actions():  # above Quit
        first = file_menu.actions()[0]
        file_menu.insertActions(first, [export_action, import_action])
        file_menu.insertSeparator(first)
    else:
        file_menu.addActions([export_action, import_action])
