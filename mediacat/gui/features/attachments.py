"""Attachments in the app: Attach Files…, Import Folder…, drops, duplicates, Check Attachments, Relink…, Detach….

Hashing, probing, copying and checking run in the background (`window.tasks`, each worker with its own
library connection); the questions go through `AttachmentDialogs`, which tests replace with scripted answers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence

from mediacat.core.attachment_upkeep import ContentDiffers
from mediacat.core.attachments import (
    CheckResult,
    ImportReport,
    attach_paths,
    check_attachments,
    detach,
    relink,
    relink_candidates,
    relink_from_folder,
)
from mediacat.core.builtin_media import check_builtin_media
from mediacat.core.jobs import Job
from mediacat.core.library import Library
from mediacat.core.model import Attachment
from mediacat.core.probe import display_path
from mediacat.gui.dialogs.attachment_dialogs import AttachmentDialogs
from mediacat.gui.dialogs.error_dialog import describe_exception
from mediacat.gui.tasks import own_connection
from mediacat.qtmedia.probe import video_prober

PROBLEM_STATUSES = ("missing", "modified", "unreadable")


@own_connection
def _attach_worker(job: Job, library: Library, item_id: str, paths: list[str], mode: str, recursive: bool,
                   allow_duplicate: bool) -> ImportReport:
    return attach_paths(library, item_id, paths, recursive=recursive, mode=mode,
                        allow_duplicate=allow_duplicate, video_prober=video_prober, job=job)


@own_connection
def _check_worker(job: Job, library: Library) -> list[CheckResult]:
    """Every attachment, then the catalog's built-in files (their results have `builtin` set)."""
    return [*check_attachments(library, job), *check_builtin_media(library, job)]


@own_connection
def _relink_worker(job: Job, library: Library, attachment: Attachment, new_path: str, force: bool) -> dict[str, Any]:
    """Relink one attachment, then look for the other missing files of its old folder in the new folder."""
    relinked = relink(library, attachment.id, new_path, force=force, video_prober=video_prober, job=job)
    old_folder = Path(attachment.resolved_path).parent
    new_folder = Path(new_path).absolute().parent
    others = [] if old_folder == new_folder else relink_candidates(library, old_folder, new_folder, job=job)
    return {"attachment": relinked, "old_folder": old_folder, "new_folder": new_folder, "others": others}


@own_connection
def _relink_folder_worker(job: Job, library: Library, old_folder: Path, new_folder: Path) -> tuple[list, list]:
    return relink_from_folder(library, old_folder, new_folder, job=job)


class AttachmentsFeature(QObject):
    """The attachment actions of one main window."""

    attach_finished = Signal(object)  # ImportReport
    check_finished = Signal(object)  # list[CheckResult] (the results so far when cancelled)
    relink_finished = Signal(object)  # list[Attachment] relinked (the one, then the others if accepted)
    detach_finished = Signal(object)  # DetachResult

    def __init__(self, window: Any, dialogs: AttachmentDialogs | None = None) -> None:
        super().__init__(window)
        self.setObjectName("attachments-feature")
        self.window = window
        self.dialogs = dialogs or AttachmentDialogs()
        self.attach_action = QAction("&Attach Files…", window, shortcut=QKeySequence("Ctrl+Shift+A"),
                                     triggered=self.attach_files)
        self.import_action = QAction("&Import Folder…", window, triggered=self.import_folder)
        self.relink_action = QAction("&Relink…", window, triggered=self.relink_attachment)
        self.detach_action = QAction("&Detach…", window, triggered=self.detach_attachment)
        self.check_action = QAction("&Check Attachments", window, triggered=self.check)
        self.base_dir_action = QAction("&Link Base Folder…", window, triggered=self.choose_link_base_dir)
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
        choice = self.dialogs.choose_files(self.window) if item_id else None
        if choice:
            paths, mode = choice
            self.attach(item_id, paths, mode)

    def import_folder(self) -> None:
        item_id = self._item_or_hint()
        choice = self.dialogs.choose_folder(self.window) if item_id else None
        if choice:
            folder, recursive, mode = choice
            self.attach(item_id, [folder], mode, recursive=recursive, title="Import folder")

    def choose_link_base_dir(self) -> None:
        library = self.window.library
        folder = self.dialogs.choose_link_base_dir(self.window, library.link_base_dir)
        if not folder:
            return
        if not Path(folder).is_dir():
            self.window.show_error("Link Base Folder", f"{folder}: not a folder; the link base folder is unchanged")
            return
        library.set_link_base_dir(Path(folder))
        self.window.refresh_items()  # linked files inside it now resolve against the new place
        self.window.status_message(f"Link base folder: {library.link_base_dir}")

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

        self.dialogs.ask_drop_mode(self.window, title, list(paths), chosen)

    def attach(self, item_id: str, paths: list[str], mode: str, *, recursive: bool = False,
               allow_duplicate: bool = False, title: str = "Attach files", report_always: bool = False) -> Any:
        """Attach in the background with a cancellable progress dialog; returns the task handle. The report is
        shown when something failed, was ignored or cancelled (and after a drop, always)."""
        return self.window.tasks.run(
            _attach_worker, self.window.library, item_id, [str(p) for p in paths], mode, recursive, allow_duplicate,
            on_done=lambda report: self._attached(item_id, mode, title, report, allow_duplicate, report_always),
            label=title, cancellable=True, with_progress_dialog=True,
        )

    def _attached(self, item_id: str, mode: str, title: str, report: ImportReport, allow_duplicate: bool,
                  report_always: bool = False) -> None:
        self.window.refresh_items([item_id])
        self.window.status_message(f"{title}: {report.summary()}")
        if report.failures or report.cancelled or report.ignored or (report_always and report.attached):
            self.dialogs.show_report(self.window, title, f"{title}: {report.summary()}", report.failures,
                                     details=report_details(report, mode))
        retry = report.duplicates and not allow_duplicate and not report.cancelled and \
            self.dialogs.attach_duplicates(self.window, report.duplicates)
        self.attach_finished.emit(report)
        if retry:
            self.attach(item_id, [str(p) for p in report.duplicate_files], mode, allow_duplicate=True, title=title)

    # -- checking -------------------------------------------------------------------------------

    def check(self) -> Any:
        return self.window.tasks.run(
            _check_worker, self.window.library, on_done=self._checked, on_cancelled=self._check_cancelled,
            label="Check attachments", cancellable=True, with_progress_dialog=True,
        )

    def _checked(self, results: list[CheckResult]) -> None:
        self.window.refresh_items(None)  # the grid's warning badges follow the stored verdicts
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
            self.dialogs.show_report(self.window, "Check attachments", summary,
                                     [(r.path, f"{r.status}: {r.message}") for r in problems])
        self.window.status_message(summary)
        self.check_finished.emit(results)

    def _check_cancelled(self) -> None:
        self.window.refresh_items(None)
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
        return self.dialogs.choose_attachment(self.window, problems if prefer_problems and problems else attachments,
                                              action)

    def relink_attachment(self) -> None:
        attachment = self._choose_attachment("Relink", prefer_problems=True)
        new_path = self.dialogs.choose_relink_file(self.window, attachment) if attachment else None
        if attachment and new_path:
            self.relink(attachment, new_path)

    def relink(self, attachment: Attachment, new_path: str, *, force: bool = False) -> Any:
        return self.window.tasks.run(
            _relink_worker, self.window.library, attachment, new_path, force, on_done=self._relinked,
            on_error=lambda error: self._relink_failed(attachment, new_path, force, error),
            label="Relink", cancellable=True, with_progress_dialog=True,
        )

    def _relink_failed(self, attachment: Attachment, new_path: str, force: bool, error: BaseException) -> None:
        """Different content: a linked file may be relinked anyway (its facts are re-read); declining leaves it
        as it was, with no second dialog. Any other failure is shown."""
        if isinstance(error, ContentDiffers) and not force and attachment.mode == "link":
            if self.dialogs.relink_anyway(self.window, str(error)):
                self.relink(attachment, new_path, force=True)
                return
            self.window.status_message(f"Not relinked: {attachment.original_name} keeps its old link")
            self.relink_finished.emit([])
            return
        self.window.show_error("Relink failed", *describe_exception(error))
        self.relink_finished.emit([])

    def _relinked(self, result: dict[str, Any]) -> None:
        attachment: Attachment = result["attachment"]
        self.window.refresh_items([attachment.item_id])
        self.window.status_message(f"Relinked {attachment.original_name}")
        others = result["others"]
        if others and self.dialogs.relink_others(self.window, len(others), display_path(result["old_folder"]),
                                                 display_path(result["new_folder"])):
            self.window.tasks.run(
                _relink_folder_worker, self.window.library, result["old_folder"], result["new_folder"],
                on_done=lambda outcome: self._relinked_others(attachment, outcome),
                label="Relink other files", cancellable=True, with_progress_dialog=True,
            )
            return
        self.relink_finished.emit([attachment])

    def _relinked_others(self, first: Attachment, outcome: tuple[list[Attachment], list[tuple[str, str]]]) -> None:
        relinked, failures = outcome
        self.window.refresh_items(None)
        summary = f"Relinked {len(relinked) + 1} files"
        if failures:
            self.dialogs.show_report(self.window, "Relink", f"{summary}; {len(failures)} failed", failures)
        self.window.status_message(summary)
        self.relink_finished.emit([first, *relinked])

    def detach_attachment(self) -> None:
        attachment = self._choose_attachment("Detach", prefer_problems=False)
        if attachment is None:
            return
        other_users = self.window.library.store.execute(
            "SELECT count(*) FROM attachments WHERE mode = 'copy' AND path = ? AND id != ?",
            (attachment.path, attachment.id),
        ).fetchone()[0] if attachment.mode == "copy" else 0
        decision = self.dialogs.confirm_detach(self.window, attachment, other_users)
        if decision is None:
            return
        result = detach(self.window.library, attachment.id, delete_managed_copy=decision)
        self.window.refresh_items([attachment.item_id])
        message = f"Detached {attachment.original_name}"
        if result.deleted_file:
            message += " and deleted its managed copy"
        self.window.status_message(message)
        self.detach_finished.emit(result)


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


def install(window: Any) -> None:
    AttachmentsFeature(window)
