"""Attachments in the app: Attach Files…, Import Folder…, drops, duplicates, Check Attachments, Relink…, Detach….

Every change is a core operation on the window's one writer (`window.run_op`: hashing, probing, copying
and checking run there, off the GUI thread, in order with every other edit); the views refresh from
`library_changed`. The questions go through `AttachmentDialogs`, which tests replace with scripted answers.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence

from mediacat.core.attachment_upkeep import ContentDiffers, DetachResult
from mediacat.core.attachments import CheckResult, ImportReport, other_users_of_managed_copy
from mediacat.core.model import Attachment
from mediacat.core.operations import (
    CheckReport,
    FolderRelinkResult,
    RelinkResult,
    SettingChange,
    attach_paths_op,
    check_attachments_op,
    detach_op,
    relink_folder_op,
    relink_op,
    set_link_base_dir_op,
)
from mediacat.core.probe import display_path
from mediacat.gui.dialogs.attachment_dialogs import AttachmentDialogs
from mediacat.gui.features.window_api import FeatureWindow
from mediacat.gui.tasks import TaskHandle
from mediacat.qtmedia.probe import video_prober

PROBLEM_STATUSES = ("missing", "modified", "unreadable")


class AttachmentsFeature(QObject):
    """The attachment actions of one main window."""

    attach_finished = Signal(object)  # ImportReport
    check_finished = Signal(object)  # list[CheckResult] (the results so far when cancelled)
    relink_finished = Signal(object)  # list[Attachment] relinked (the one, then the others if accepted)
    detach_finished = Signal(object)  # DetachResult

    def __init__(self, window: FeatureWindow, dialogs: AttachmentDialogs | None = None) -> None:
        super().__init__(window.dialog_parent())
        self.setObjectName("attachments-feature")
        self.window = window
        self.parent_widget = window.dialog_parent()
        self.dialogs = dialogs or AttachmentDialogs()
        parent = window.dialog_parent()
        self.attach_action = QAction("&Attach Files…", parent, shortcut=QKeySequence("Ctrl+Shift+A"))
        self.import_action = QAction("&Import Folder…", parent)
        self.relink_action = QAction("&Relink…", parent)
        self.detach_action = QAction("&Detach…", parent)
        self.check_action = QAction("&Check Attachments", parent)
        self.base_dir_action = QAction("&Link Base Folder…", parent)
        for action, slot in ((self.attach_action, self.attach_files), (self.import_action, self.import_folder),
                             (self.relink_action, self.relink_attachment),
                             (self.detach_action, self.detach_attachment), (self.check_action, self.check),
                             (self.base_dir_action, self.choose_link_base_dir)):
            action.triggered.connect(slot)
        self.attach_action.setToolTip("Attach media files to the selected item (copy or link)")
        self.import_action.setToolTip("Attach every media file in a folder to the selected item")
        self.relink_action.setToolTip("Locate a missing attached file")
        self.detach_action.setToolTip("Remove an attached file from the selected item")
        self.check_action.setToolTip("Re-hash every attached file: ok, missing or modified")
        self.base_dir_action.setToolTip("Linked files inside this folder are stored relative to it, so the whole "
                                        "tree can move to another disk and be found again")
        item_menu = window.menu("Item")
        item_menu.addSeparator()
        item_menu.addActions([self.attach_action, self.import_action, self.relink_action, self.detach_action])
        window.menu("Tools").addActions([self.check_action, self.base_dir_action])
        window.files_dropped.connect(self.attach_dropped)
        window.selection_changed.connect(self.update_actions)
        self.update_actions()

    # -- attaching ------------------------------------------------------------------------------

    def update_actions(self) -> None:
        has_item = self.window.current_item_id() is not None
        for action in (self.attach_action, self.import_action, self.relink_action, self.detach_action):
            action.setEnabled(has_item)

    def _item_or_hint(self) -> str | None:
        item_id = self.window.current_item_id()
        if item_id is None:
            self.window.status_message("Select an item first")
        return item_id

    def attach_files(self) -> None:
        item_id = self._item_or_hint()
        choice = self.dialogs.choose_files(self.parent_widget) if item_id else None
        if item_id and choice:
            paths, mode = choice
            self.attach(item_id, paths, mode)

    def import_folder(self) -> None:
        item_id = self._item_or_hint()
        choice = self.dialogs.choose_folder(self.parent_widget) if item_id else None
        if item_id and choice:
            folder, recursive, mode = choice
            self.attach(item_id, [folder], mode, recursive=recursive, title="Import folder")

    def choose_link_base_dir(self) -> TaskHandle | None:
        folder = self.dialogs.choose_link_base_dir(self.parent_widget, self.window.library.link_base_dir)
        if not folder:
            return None
        if not Path(folder).is_dir():
            self.window.show_error("Link Base Folder", f"{folder}: not a folder; the link base folder is unchanged")
            return None

        def done(change: SettingChange) -> None:  # linked files inside it now resolve against the new place
            self.window.status_message(f"Link base folder: {change.after}")

        return self.window.run_op(set_link_base_dir_op, Path(folder), label="Link base folder", on_done=done,
                                  on_error=lambda error: self.window.report_error("Link Base Folder", error))

    def attach_dropped(self, item_id: str, paths: list[str]) -> None:
        """Files or folders dropped on an item: that item becomes the selected one, the person chooses copy or
        link as Attach Files… asks, and a report names what was attached."""
        if not paths:
            return
        self.window.select_item(item_id)  # the drop target is the item the details and the report speak of
        found = self.window.library.items([item_id])
        title = found[0].title if found else item_id

        def chosen(choice: tuple[str, bool] | None) -> None:
            if choice is None:
                self.window.status_message("Drop cancelled: nothing attached")
                return
            mode, recursive = choice
            self.attach(item_id, list(paths), mode, recursive=recursive, title=f"Attach to {title}",
                        report_always=True)

        self.dialogs.ask_drop_mode(self.parent_widget, title, list(paths), chosen)

    def attach(self, item_id: str, paths: list[str], mode: str, *, recursive: bool = False,
               allow_duplicate: bool = False, title: str = "Attach files", report_always: bool = False
               ) -> TaskHandle:
        """Attach on the writer with a cancellable progress dialog; returns the task handle. The report is
        shown when something failed, was ignored or cancelled (and after a drop, always)."""
        return self.window.run_op(
            attach_paths_op, item_id, [str(p) for p in paths], mode, recursive, allow_duplicate, video_prober,
            on_done=lambda report: self._attached(item_id, mode, title, report, allow_duplicate, report_always),
            on_error=lambda error: self._attach_failed(title, error),
            label=title, cancellable=True, with_progress_dialog=True,
        )

    def _attach_failed(self, title: str, error: BaseException) -> None:
        self.window.report_error(f"{title} failed", error)
        self.attach_finished.emit(ImportReport(title, failures=[("", str(error))]))

    def _attached(self, item_id: str, mode: str, title: str, report: ImportReport, allow_duplicate: bool,
                  report_always: bool = False) -> None:
        self.window.status_message(f"{title}: {report.summary()}")
        if report.failures or report.cancelled or report.ignored or (report_always and report.attached):
            self.dialogs.show_report(self.parent_widget, title, f"{title}: {report.summary()}", report.failures,
                                     details=report_details(report, mode))
        retry = report.duplicates and not allow_duplicate and not report.cancelled and \
            self.dialogs.attach_duplicates(self.parent_widget, report.duplicates)
        self.attach_finished.emit(report)
        if retry:
            self.attach(item_id, [str(p) for p in report.duplicate_files], mode, allow_duplicate=True, title=title)

    # -- checking -------------------------------------------------------------------------------

    def check(self) -> TaskHandle:
        """Re-hash every attached file on the writer; the grid's warning badges follow the stored verdicts."""
        return self.window.run_op(
            check_attachments_op, on_done=self._checked, on_cancelled=self._check_cancelled,
            on_error=lambda error: self._check_failed(error),
            label="Check attachments", cancellable=True, with_progress_dialog=True,
        )

    def _check_failed(self, error: BaseException) -> None:
        self.window.report_error("Check attachments failed", error)
        self.check_finished.emit([])

    def _checked(self, report: CheckReport) -> None:
        results: list[CheckResult] = report.results
        builtin = [result for result in results if result.builtin]
        results = [result for result in results if not result.builtin]
        problems = [result for result in results if result.status != "ok"]
        summary = f"{len(results)} attachments checked: {len(results) - len(problems)} ok"
        if problems:
            summary += f", {len(problems)} missing, modified or unreadable"
        bad_builtin = [result for result in builtin if result.status != "ok"]
        if builtin:
            summary += f"; {len(builtin)} built-in files: " + (
                f"{len(bad_builtin)} missing or not as the seed manifest says" if bad_builtin else "all ok")
        problems += bad_builtin
        if problems:
            self.dialogs.show_report(self.parent_widget, "Check attachments", summary,
                                     [(r.path, f"{r.status}: {r.message}") for r in problems])
        self.window.status_message(summary)
        self.check_finished.emit(results)

    def _check_cancelled(self) -> None:
        self.window.status_message("Check attachments cancelled (the files checked so far are marked)")
        self.check_finished.emit([])

    # -- relinking and detaching ----------------------------------------------------------------

    def _choose_attachment(self, action: str, prefer_problems: bool) -> Attachment | None:
        item_id = self._item_or_hint()
        if item_id is None:
            return None
        attachments = list(self.window.library.item(item_id).attachments)
        if not attachments:
            self.window.status_message(f"{item_id} has no attached files")
            return None
        problems = [a for a in attachments if a.status in PROBLEM_STATUSES or not Path(a.resolved_path).exists()]
        offered = problems if prefer_problems and problems else attachments
        return self.dialogs.choose_attachment(self.parent_widget, offered, action)

    def relink_attachment(self) -> None:
        attachment = self._choose_attachment("Relink", prefer_problems=True)
        new_path = self.dialogs.choose_relink_file(self.parent_widget, attachment) if attachment else None
        if attachment and new_path:
            self.relink(attachment, new_path)

    def relink(self, attachment: Attachment, new_path: str, *, force: bool = False) -> TaskHandle:
        """Relink on the writer, then offer the missing siblings found in the new folder."""
        return self.window.run_op(
            relink_op, attachment.id, new_path, force, video_prober, on_done=self._relinked,
            on_error=lambda error: self._relink_failed(attachment, new_path, force, error),
            label="Relink", cancellable=True, with_progress_dialog=True,
        )

    def _relink_failed(self, attachment: Attachment, new_path: str, force: bool, error: BaseException) -> None:
        """Different content: a linked file may be relinked anyway (its facts are re-read); declining leaves it
        as it was, with no second dialog. Any other failure is shown."""
        if isinstance(error, ContentDiffers) and not force and attachment.mode == "link":
            if self.dialogs.relink_anyway(self.parent_widget, str(error)):
                self.relink(attachment, new_path, force=True)
                return
            self.window.status_message(f"Not relinked: {attachment.original_name} keeps its old link")
            self.relink_finished.emit([])
            return
        self.window.report_error("Relink failed", error)
        self.relink_finished.emit([])

    def _relinked(self, result: RelinkResult) -> None:
        attachment = result.attachment
        self.window.status_message(f"Relinked {attachment.original_name}")
        others = result.siblings
        if others and self.dialogs.relink_others(self.parent_widget, len(others), display_path(result.old_folder),
                                                 display_path(result.new_folder)):
            self.window.run_op(
                relink_folder_op, result.old_folder, result.new_folder,
                on_done=lambda outcome: self._relinked_others(attachment, outcome),
                on_error=lambda error: self._relink_failed(attachment, "", True, error),
                label="Relink other files", cancellable=True, with_progress_dialog=True,
            )
            return
        self.relink_finished.emit([attachment])

    def _relinked_others(self, first: Attachment, outcome: FolderRelinkResult) -> None:
        relinked, failures = outcome.relinked, outcome.failures
        summary = f"Relinked {len(relinked) + 1} files"
        if failures:
            self.dialogs.show_report(self.parent_widget, "Relink", f"{summary}; {len(failures)} failed", failures)
        self.window.status_message(summary)
        self.relink_finished.emit([first, *relinked])

    def detach_attachment(self) -> None:
        attachment = self._choose_attachment("Detach", prefer_problems=False)
        if attachment is None:
            return
        other_users = other_users_of_managed_copy(self.window.library, attachment)  # one count, on the GUI's reader
        decision = self.dialogs.confirm_detach(self.parent_widget, attachment, other_users)
        if decision is None:
            return

        def detached(result: DetachResult) -> None:
            message = f"Detached {attachment.original_name}"
            if result.deleted_file:
                message += " and deleted its managed copy"
            self.window.status_message(message)
            self.detach_finished.emit(result)

        self.window.run_op(detach_op, attachment.id, decision, label="Detach", on_done=detached,
                           on_error=lambda error: self.window.report_error("Detach failed", error))


def report_details(report: ImportReport, mode: str) -> str:
    """The full account behind a report's Show Details: every file with its path, by outcome."""
    sections: list[tuple[str, list[str]]] = [
        (f"Attached ({'copied into the library' if mode == 'copy' else 'linked where they are'})",
         [f"{result.path}  (attachment #{result.attachment.id}, stored at {result.attachment.resolved_path})"
          for result in report.attached]),
        ("Failed", [f"{path}\n    {message}" for path, message in report.failures]),
        ("Already attached (skipped)", [f"{path}  (same content as #{existing[0].id} of {existing[0].item_id})"
                                        for path, existing in report.duplicates]),
        ("Ignored (not media files)", [str(path) for path in report.ignored]),
    ]
    text = [f"{report.folder}", ""]
    for heading, lines in sections:
        if lines:
            text += [f"{heading}: {len(lines)}", *(f"  {line}" for line in lines), ""]
    if report.cancelled:
        text.append("Cancelled: the files listed as attached stay attached.")
    return "\n".join(text).rstrip()


def install(window: FeatureWindow) -> None:
    AttachmentsFeature(window)
