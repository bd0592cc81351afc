"""File ▸ Get Public Media…, the bar above the grid ("N items have public NASA files not here yet"), and the
question to resume a run that was cancelled, killed or went offline. (One item's file: `nasa_download.py`, the
same queue and core pieces, shown in the Downloads dock.)

The work is `mediacat.core.fetch_queue` / `fetch_media` (the same as `mediacat fetch-media`), in pieces so
that the writer is never held for a whole run: queueing and the cheap "already attached" check are one short
operation (`plan_op`); the two transfers run on the "download" pool of `window.tasks` with no database; each
downloaded file is attached and its outcome recorded by an operation of its own (`settle_op`), queued on the
writer with every other edit, so a tag or a note made during a long fetch is saved at once; the report is a
last operation (`report_op`) after them. The counts are a `window.run_query`, Discard is a `window.run_op`,
and the bar refreshes from `window.library_changed` (also when another process fetched). No SQL in the GUI.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QMessageBox, QPushButton, QToolButton, QWidget

from mediacat.core.changes import Changes
from mediacat.core.fetch_media import (
    FetchPlan,
    FetchReport,
    ItemOutcome,
    Settled,
    download_planned,
    fetch_report,
    plan_fetch,
    settle_fetched,
)
from mediacat.core.fetch_queue import (
    ALREADY_THERE,
    ATTACHED,
    FAILED,
    INTERRUPTED,
    NO_PUBLIC_FILE,
    clear_fetch_queue,
    items_missing_public_media,
    queue_fetch,
    unfinished_item_ids,
)
from mediacat.core.jobs import Job, Progress
from mediacat.core.library import Library
from mediacat.core.search import ItemQuery
from mediacat.gui.tasks import DOWNLOAD, TaskHandle
from mediacat.qtmedia.probe import video_prober

OUTCOME_WORDS = {ATTACHED: "Attached", ALREADY_THERE: "Already there", NO_PUBLIC_FILE: "No public file known",
                 FAILED: "Failed", INTERRUPTED: "Left to resume"}


def public_media_state(_job: Job, library: Library) -> tuple[int, list[str], int]:
    """(items whose public NASA file is not here yet, the items an unfinished run left queued, items with a
    file)."""
    return (len(items_missing_public_media(library)), unfinished_item_ids(library),
            library.count_items(ItemQuery(has_attachments=True)))


ALL_ITEMS = "all"  # plan_op's word for "every item of the catalog" (read on the writer, not the GUI thread)


def plan_op(job: Job, library: Library, item_ids: list[str] | str | None) -> FetchPlan:
    """Queue the items (ALL_ITEMS: the whole catalog; None: continue the unfinished run) and settle those whose
    file is already attached: a short operation on the writer."""
    if item_ids is not None:
        queue_fetch(library, library.item_ids() if item_ids == ALL_ITEMS else item_ids)
    return plan_fetch(library)


def download_task(job: Job, plan: FetchPlan, arrived: Callable[[Any], None]) -> int:
    """On the download pool, no database: the transfers, two at a time; `arrived(fetched)` for each result."""
    return download_planned(plan, job, arrived)


def settle_op(job: Job, library: Library, fetched: Any, plan: FetchPlan, outcomes: dict[str, ItemOutcome]
              ) -> Settled:
    """Attach one downloaded file (or record its failure): an operation of its own on the writer. The outcome
    is kept in `outcomes` on the writer thread, where `report_op` reads it after every attach has run."""
    settled = settle_fetched(library, fetched, plan, video_prober=video_prober)
    outcomes[settled.outcome.item_id] = settled.outcome
    return settled


def report_op(job: Job, library: Library, outcomes: dict[str, ItemOutcome], cancelled: bool,
              received: int) -> FetchReport:
    """The run's report, queued after every attach of the run (the writer runs them in order)."""
    report = fetch_report(library, outcomes, cancelled=cancelled, bytes_received=received)
    report.changes = Changes(fetch_queue=True)  # each attach announced its own changes
    return report


def discard_op(_job: Job, library: Library) -> Changes:
    """Forget an unfinished run and its partial files (the operation Discard runs on the writer)."""
    return clear_fetch_queue(library)


class _Relay(QObject):
    """Carries each download's result from the download thread to the GUI thread (a queued signal)."""

    fetched = Signal(object)


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
        # Get Public Media's run or a single Download from NASA (both use the one queue), this session or before
        self.text.setText(f"A download of public NASA files stopped before it finished: {left} "
                          f"item{'' if left == 1 else 's'} left. Resume where it stopped?")
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
        # How many single downloads from NASA are under way (set by nasa_download): a run waits for them, since
        # both work on the library's one fetch queue.
        self.other_fetches: Callable[[], int] = lambda: 0
        # The items whose single download the Downloads dock shows, running or stopped with its Retry (set by
        # nasa_download): the bar does not offer to resume them a second time.
        self.held_elsewhere: Callable[[], set[str]] = set
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

    def _show_state(self, state: tuple[int, list[str], int]) -> None:
        missing, queued, with_files = state
        held = self.held_elsewhere()
        unfinished = sum(1 for item_id in queued if item_id not in held)
        # On a first start the welcome (Help) says the same and offers the same button: one bar, not two. The
        # welcome shows while it was never closed and no item has a file; this bar takes over after that.
        welcome_shown = not self.window.settings.welcome_dismissed and not with_files
        if self.handle is not None or self.other_fetches():
            self.bar.setVisible(False)  # what is queued now is being fetched, not left unfinished
        elif unfinished:
            self.bar.show_unfinished(unfinished)  # asked, never resumed by itself
        elif missing and not self.window.settings.public_media_bar_dismissed and not welcome_shown:
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
        if self.other_fetches():
            self.window.status_message("Downloads from NASA are running in the Downloads panel: start Get Public "
                                       "Media once they have ended", 8000)
            return None
        if item_ids is None and ask and not self.confirm():
            return None
        return self._run(item_ids if item_ids is not None else ALL_ITEMS)

    def resume(self) -> TaskHandle | None:
        if self.handle is not None or self.other_fetches():
            return None
        return self._run(None)

    def discard(self) -> None:
        self.bar.setVisible(False)
        self.window.run_op(discard_op, label="Discard the unfinished run")

    def _run(self, item_ids: list[str] | str | None) -> TaskHandle:
        """Plan on the writer, download on the download pool, attach each file on the writer as it arrives."""
        self.bar.setVisible(False)
        self.action.setEnabled(False)
        outcomes: dict[str, ItemOutcome] = {}  # written and read on the writer thread only

        def planned(plan: FetchPlan) -> None:
            outcomes.update(plan.outcomes)
            relay = _Relay(self)  # the download thread's results, queued to the GUI thread in order
            relay.fetched.connect(lambda fetched: self.window.run_op(
                settle_op, fetched, plan, outcomes, label="Attach a downloaded file",
                on_error=lambda error: self.window.report_error("Get Public Media: a file was not attached",
                                                                error)))

            def downloaded(received: int) -> None:
                relay.deleteLater()
                job = self.handle.job if self.handle is not None else None
                self._report(outcomes, cancelled=bool(job and job.cancelled), received=received)

            def failed(error: BaseException) -> None:
                relay.deleteLater()
                self._failed(error)

            self.handle = self.window.tasks.run(
                download_task, plan, relay.fetched.emit, on_done=downloaded, on_error=failed,
                on_progress=self._progress, label="Get Public Media", cancellable=True, with_progress_dialog=True,
                pool=DOWNLOAD)

        self.handle = self.window.run_op(plan_op, item_ids, on_done=planned, on_error=self._failed,
                                         label="Get Public Media: queueing")
        return self.handle

    def _report(self, outcomes: dict[str, ItemOutcome], *, cancelled: bool, received: int) -> None:
        def reported(report: FetchReport) -> None:
            if cancelled:
                self._cancelled()
            else:
                self._finished(report)

        self.window.run_op(report_op, outcomes, cancelled, received, on_done=reported, on_error=self._failed,
                           label="Get Public Media: the report")

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
        self.refresh_bar()
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
