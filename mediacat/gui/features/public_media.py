"""File ▸ Get Public Media…, the bar above the grid ("N items have public NASA files not here yet"), the detail
pane's Download button, and the question to resume a run that was cancelled, killed or went offline.

The work is `mediacat.core.fetch_queue` / `fetch_media` (the same as `mediacat fetch-media`): the run goes on
the "download" pool of `window.tasks` on its own connection, like every other download (its two transfers
and its per-item writes happen there); the counts are a `window.run_query`, Discard is a `window.run_op`, and
the bar refreshes from `window.library_changed` (also when another process fetched). No SQL in the GUI.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QMessageBox, QPushButton, QToolButton, QWidget

from mediacat.core.changes import Changes
from mediacat.core.fetch_media import FetchReport, run_fetch
from mediacat.core.fetch_queue import (
    ALREADY_THERE,
    ATTACHED,
    FAILED,
    INTERRUPTED,
    NO_PUBLIC_FILE,
    clear_fetch_queue,
    has_unfinished_run,
    items_missing_public_media,
    queue_fetch,
)
from mediacat.core.jobs import Job, Progress
from mediacat.core.library import Library
from mediacat.gui.tasks import TaskHandle
from mediacat.qtmedia.probe import video_prober

OUTCOME_WORDS = {ATTACHED: "Attached", ALREADY_THERE: "Already there", NO_PUBLIC_FILE: "No public file known",
                 FAILED: "Failed", INTERRUPTED: "Left to resume"}


def public_media_state(_job: Job, library: Library) -> tuple[int, int]:
    """(items whose public NASA file is not here yet, items an unfinished run left queued)."""
    return len(items_missing_public_media(library)), has_unfinished_run(library)


def fetch_op(job: Job, library: Library, item_ids: list[str] | None) -> FetchReport:
    """Queue the items (None: continue the unfinished run) and fetch them, two at a time (an operation on the
    window's one writer: it writes the queue and the attachments)."""
    if item_ids is not None:
        queue_fetch(library, item_ids)
    return run_fetch(library, job, video_prober=video_prober)


def discard_op(_job: Job, library: Library) -> Changes:
    """Forget an unfinished run and its partial files (the operation Discard runs on the writer)."""
    return clear_fetch_queue(library)


class PublicMediaBar(QFrame):
    """The dismissible bar above the grid: public files not here yet, or an unfinished run to resume."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("public-media-bar")
        self.setAccessibleName("Public NASA media")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.AlternateBase)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.get_button = QPushButton("Get Public Media…")
        self.resume_button = QPushButton("Resume")
        self.discard_button = QPushButton("Discard")
        self.close_button = QToolButton()
        self.close_button.setText("✕")
        self.close_button.setToolTip("Hide this bar (File ▸ Get Public Media… stays available)")
        self.close_button.setAccessibleName("Dismiss")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addWidget(self.text, 1)
        for widget in (self.get_button, self.resume_button, self.discard_button, self.close_button):
            layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignVCenter)
        self.setVisible(False)

    def show_missing(self, missing: int) -> None:
        files = "a public NASA file" if missing == 1 else "public NASA files"
        self.text.setText(
            f"{missing} item{'' if missing == 1 else 's'} of the catalog {'has' if missing == 1 else 'have'} {files} "
            "that {} not here yet. Items with none known can get a file of your own: Item ▸ Attach files…, "
            "or drop files on them.".format("is" if missing == 1 else "are")
        )
        self.get_button.setVisible(True)
        self.resume_button.setVisible(False)
        self.discard_button.setVisible(False)
        self.close_button.setVisible(True)
        self.setVisible(True)

    def show_unfinished(self, left: int) -> None:
        self.text.setText(f"Get Public Media stopped before it finished: {left} item{'' if left == 1 else 's'} "
                          "left. Resume where it stopped?")
        self.get_button.setVisible(False)
        self.resume_button.setVisible(True)
        self.discard_button.setVisible(True)
        self.close_button.setVisible(False)
        self.setVisible(True)


class PublicMediaFeature(QObject):
    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.handle: TaskHandle | None = None
        self.last_report: FetchReport | None = None
        self.report_box: QMessageBox | None = None
        # Asked before a whole-catalog run; returns True to go on (tests replace it).
        self.confirm: Callable[[], bool] = self.ask_to_start
        self.action = QAction("Get Public Media…", window)
        self.action.setStatusTip("Download the public NASA files of the catalog's items and attach them")
        self.action.triggered.connect(lambda: self.start())
        file_menu = window.menu("File")
        first = file_menu.actions()[0] if file_menu.actions() else None
        file_menu.insertAction(first, self.action)
        if first is not None:
            file_menu.insertSeparator(first)
        self.bar = PublicMediaBar()
        window.add_notice(self.bar)
        self.bar.get_button.clicked.connect(lambda: self.start())
        self.bar.resume_button.clicked.connect(self.resume)
        self.bar.discard_button.clicked.connect(self.discard)
        self.bar.close_button.clicked.connect(self.dismiss)
        window.detail.download_requested.connect(lambda item_id: self.start([item_id], ask=False))
        window.detail.get_public_media_requested.connect(lambda: self.start())
        window.library_changed.connect(self._library_changed)
        self.refresh_bar()

    # -- the bar --------------------------------------------------------------------------------

    def refresh_bar(self) -> None:
        """Count (off the GUI thread) what is missing and whether a run was left unfinished."""
        self.window.run_query(public_media_state, on_done=self._show_state, key="public-media-bar",
                              label="Count public media")

    def _library_changed(self, changes: Changes) -> None:
        # What is missing moves with files, item fields (their NASA ids and URLs) and the queue; not with tags.
        if self.handle is None and (changes.is_everything or changes.fetch_queue or changes.attachments
                                    or changes.facets or changes.item_set):
            self.refresh_bar()

    def _show_state(self, state: tuple[int, int]) -> None:
        missing, unfinished = state
        if self.handle is not None:
            self.bar.setVisible(False)
        elif unfinished:
            self.bar.show_unfinished(unfinished)  # asked, never resumed by itself
        elif missing and not self.window.settings.public_media_bar_dismissed:
            self.bar.show_missing(missing)
        else:
            self.bar.setVisible(False)

    def dismiss(self) -> None:
        self.window.settings.public_media_bar_dismissed = True
        self.bar.setVisible(False)

    # -- running --------------------------------------------------------------------------------

    def ask_to_start(self) -> bool:
        answer = QMessageBox.question(
            self.window, "Get Public Media",
            "Download the public NASA file of every item that has a verified one, and attach it? Files already "
            "attached are skipped; the report lists each item.",
            QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Ok

    def start(self, item_ids: list[str] | None = None, *, ask: bool = True) -> TaskHandle | None:
        """Fetch these items (None: all) unless a run is going; a whole-catalog run asks first."""
        if self.handle is not None:
            self.window.status_message("Get Public Media is already running")
            return None
        if item_ids is None and ask and not self.confirm():
            return None
        return self._run(item_ids if item_ids is not None else self.window.library.item_ids())

    def resume(self) -> TaskHandle | None:
        if self.handle is not None:
            return None
        return self._run(None)

    def discard(self) -> None:
        self.bar.setVisible(False)
        self.window.run_op(discard_op, label="Discard the unfinished run")

    def _run(self, item_ids: list[str] | None) -> TaskHandle:
        self.bar.setVisible(False)
        self.action.setEnabled(False)
        self.handle = self.window.run_op(
            fetch_op, item_ids,
            on_done=self._finished, on_error=self._failed, on_cancelled=self._cancelled,
            on_progress=self._progress, label="Get Public Media", cancellable=True, with_progress_dialog=True,
        )
        return self.handle

    def _progress(self, progress: Progress) -> None:
        dialog = self.handle.progress_dialog if self.handle is not None else None
        text = f"{progress.done} of {progress.total} items" if progress.total is not None else "Starting"
        if progress.message:
            text += f": {progress.message}"
        if dialog is not None:
            dialog.setLabelText(text)
        self.window.status_message(text, 2000)

    def _done(self) -> None:
        # run_op announced what the run changed (everything after a cancel or failure that wrote something)
        self.handle = None
        self.action.setEnabled(True)

    def _finished(self, report: FetchReport) -> None:
        self.last_report = report
        self._done()
        self.show_report(report)

    def _failed(self, error: BaseException) -> None:
        self._done()
        self.window.show_error("Get Public Media failed", str(error))

    def _cancelled(self) -> None:
        self._done()
        self.window.status_message("Get Public Media cancelled; the rest can be resumed")

    def show_report(self, report: FetchReport) -> None:
        lines = [f"{OUTCOME_WORDS.get(o.outcome, o.outcome)} — {o.item_id}: {o.message}" for o in report.outcomes]
        box = QMessageBox(QMessageBox.Icon.Information if report.ok else QMessageBox.Icon.Warning,
                          "Get Public Media", report.summary().capitalize() + ".", QMessageBox.StandardButton.Ok,
                          self.window)
        box.setDetailedText("\n".join(lines))
        box.setAccessibleName("Get Public Media report")
        self.report_box = box
        box.open()


def install(window: Any) -> None:
    window.public_media = PublicMediaFeature(window)
