"""Downloads in the app: Item ▸ Attach from URL…, Tools ▸ Search NASA Image Library…, and the Downloads dock
(progress, cancel, retry, Attach Anyway). The transfer runs on the "download" pool (no database: the item and
the limits are read first); the file is then attached by a core operation on the window's one writer.
Download from NASA (`nasa_download.py`) shows its downloads here too, with steps of its own (`add_entry`).
Closing the window while downloads run asks first.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox

from mediacat.core.attachments import AttachResult, DuplicateContent, require_item
from mediacat.core.download import DownloadedFile, DownloadError, DownloadPolicy, download
from mediacat.core.download_attach import download_policy
from mediacat.core.jobs import Job, Progress
from mediacat.core.nasa import NasaImageLibrary
from mediacat.core.operations import attach_downloaded_op, record_download_failure_op
from mediacat.gui.dialogs.attach_url import AttachUrlDialog
from mediacat.gui.features.downloads_panel import (
    CANCELLED,
    DONE,
    FAILED,
    RUNNING,
    DownloadEntry,
    DownloadsModel,
    DownloadsPanel,
)
from mediacat.gui.features.window_api import FeatureWindow
from mediacat.gui.tasks import DOWNLOAD
from mediacat.qtmedia.probe import video_prober


@dataclass(frozen=True)
class Fetched:
    """A file downloaded into the library's incoming folder, to be attached (with where it came from)."""

    downloaded: DownloadedFile
    nasa_id: str | None = None
    rendition: str | None = None


def fetch_url(job: Job, url: str, incoming: Path, policy: DownloadPolicy, nasa_id: str | None = None) -> Fetched:
    """On the download pool: the transfer only (no database)."""
    return Fetched(download(url, incoming, policy=policy, job=job), nasa_id)


def fetch_nasa(job: Job, nasa: NasaImageLibrary, nasa_id: str, rendition: str, incoming: Path,
               policy: DownloadPolicy) -> Fetched:
    """On the download pool: ask NASA for the rendition's URL, then download it."""
    chosen, url = nasa.best_rendition(nasa_id, rendition)
    return Fetched(download(url, incoming, policy=policy, job=job), nasa_id, chosen)


class DownloadsFeature(QObject):
    """The downloads of one window: starts them, shows them in the dock, cancels and retries them."""

    def __init__(self, window: FeatureWindow) -> None:
        super().__init__(window.dialog_parent())
        self.window = window
        self._numbers = itertools.count(1)
        self.model = DownloadsModel(self)
        self.panel = DownloadsPanel(self.model, self.cancel, self.retry, attach_anyway=self.attach_anyway)
        self.dock = window.add_dock(self.panel, "Downloads", Qt.DockWidgetArea.BottomDockWidgetArea)
        self.url_dialog: AttachUrlDialog | None = None
        self.search_dialog: Any = None
        # Asked when the window closes with downloads running; returns True to quit anyway.
        self.confirm_quit: Callable[[int], bool] = self.ask_before_quit
        parent = window.dialog_parent()

        item_menu = window.menu("Item")
        self.attach_url_action = QAction("Attach from URL…", parent)
        self.attach_url_action.setStatusTip("Download a public image, audio or video file and attach it")
        self.attach_url_action.triggered.connect(self.open_url_dialog)
        item_menu.addAction(self.attach_url_action)
        self.search_action = QAction("Search NASA Image Library…", parent)
        self.search_action.triggered.connect(self.open_search_dialog)
        window.menu("Tools").addAction(self.search_action)
        window.selection_changed.connect(self.update_actions)
        window.add_close_guard(self._may_close)
        self.update_actions()

    # -- starting -------------------------------------------------------------------------------

    def attach_url(self, item_id: str, url: str) -> DownloadEntry:
        library = self.window.library
        require_item(library, item_id)  # one row, on the GUI's read connection
        return self.start(item_id, url, functools.partial(fetch_url, url=url, incoming=library.paths.incoming,
                                                           policy=download_policy(library)))

    def attach_nasa(self, item_id: str, nasa_id: str, rendition: str, nasa: NasaImageLibrary) -> DownloadEntry:
        library = self.window.library
        require_item(library, item_id)
        fetch = functools.partial(fetch_nasa, nasa=nasa, nasa_id=nasa_id, rendition=rendition,
                                  incoming=library.paths.incoming, policy=download_policy(library))
        return self.start(item_id, f"NASA {nasa_id.strip()} ({rendition})", fetch)

    def start(self, item_id: str, label: str, fetch: Callable[[Job], Fetched]) -> DownloadEntry:
        """Show a new entry and start `fetch(job)` on the download pool; Retry runs it again."""
        return self._add(DownloadEntry(next(self._numbers), item_id, label, fetch))

    def add_entry(self, item_id: str, label: str, steps: Callable[[DownloadEntry], None]) -> DownloadEntry:
        """Show a new entry run by `steps(entry)` (now, and again by Retry and Attach Anyway): another feature's
        download, which calls `transfer` and `finish` (Download from NASA)."""
        return self._add(DownloadEntry(next(self._numbers), item_id, label, steps=steps))

    def _add(self, entry: DownloadEntry) -> DownloadEntry:
        self.model.add(entry)
        self._run(entry)
        self.show_entry(entry)
        return entry

    def show_entry(self, entry: DownloadEntry) -> None:
        self.panel.select(entry)
        self.dock.show()
        self.dock.raise_()

    def _run(self, entry: DownloadEntry) -> None:
        entry.state, entry.done, entry.total, entry.message = RUNNING, 0, None, "connecting…"
        entry.duplicate = False  # entry.allow_duplicate is used when the file is attached (_attach)
        if entry.steps is not None:
            entry.steps(entry)
        else:
            assert entry.work is not None
            self.transfer(entry, entry.work, lambda fetched: self._attach(entry, fetched))

    def transfer(self, entry: DownloadEntry, work: Callable[[Job], Any], on_done: Callable[[Any], None]) -> None:
        """Run `work(job)` on the download pool for the entry: its progress, cancel and failure shown here."""
        pool = self.window.tasks.thread_pool(DOWNLOAD)  # downloads mostly wait on the network: one thread each
        needed = len(self.active())
        if pool.maxThreadCount() < needed:
            pool.setMaxThreadCount(needed)
        entry.handle = self.window.tasks.run(
            work,
            on_done=on_done,
            on_error=lambda error: self._transfer_failed(entry, error),
            on_progress=lambda progress: self._progress(entry, progress),
            on_cancelled=lambda: self._cancelled(entry),
            label=f"Download {entry.label}",
            cancellable=True,
            pool=DOWNLOAD,
        )

    def _attach(self, entry: DownloadEntry, fetched: Fetched) -> None:
        """Downloaded: attach it on the writer (the entry stays cancellable while it waits there)."""
        if entry.state != RUNNING:  # cancelled as the transfer ended
            fetched.downloaded.discard()
            return
        entry.message = "attaching…"
        self.model.changed(entry)
        entry.handle = self.window.run_op(
            attach_downloaded_op, entry.item_id, fetched.downloaded, fetched.nasa_id, fetched.rendition,
            video_prober, entry.allow_duplicate,
            on_done=lambda result: self._finished(entry, result),
            on_error=lambda error: self._failed(entry, error),
            on_cancelled=lambda: self._cancelled(entry),
            label=f"Attach {entry.label}",
            cancellable=True,
        )

    # -- outcomes -------------------------------------------------------------------------------

    def _progress(self, entry: DownloadEntry, progress: Progress) -> None:
        if entry.state == RUNNING:
            self.model.progress(entry, progress)

    def _finished(self, entry: DownloadEntry, result: AttachResult) -> None:
        entry.state, entry.result, entry.handle = DONE, result, None
        self.model.changed(entry)
        self.window.status_message(f"Attached {result.attachment.original_name} to {entry.item_id}")
        self.update_actions()

    def _failed(self, entry: DownloadEntry, error: BaseException) -> None:
        self.finish(entry, FAILED, str(error), duplicate=isinstance(error, DuplicateContent))

    def finish(self, entry: DownloadEntry, state: str, message: str, *, duplicate: bool = False) -> None:
        """The entry ended (DONE, FAILED, CANCELLED) with this message; a failure is also said in the status bar."""
        entry.state, entry.message, entry.handle, entry.duplicate = state, message, None, duplicate
        self.model.changed(entry)
        if state == FAILED:
            self.window.status_message(f"Download failed: {message}", 8000)
            self.dock.show()
        self.update_actions()

    def _transfer_failed(self, entry: DownloadEntry, error: BaseException) -> None:
        if isinstance(error, DownloadError):  # the event log keeps failed downloads too
            self.window.run_op(record_download_failure_op, entry.item_id, entry.label, error,
                               label="Record the failed download")
        self._failed(entry, error)

    def _cancelled(self, entry: DownloadEntry) -> None:
        entry.state, entry.handle = CANCELLED, None
        self.model.changed(entry)

    # -- per-row actions ------------------------------------------------------------------------

    def active(self) -> list[DownloadEntry]:
        return [entry for entry in self.model.entries if entry.state == RUNNING]

    def cancel(self, entry: DownloadEntry) -> None:
        if entry.state == RUNNING and entry.handle is not None and entry.handle.cancellable:
            entry.message = "cancelling…"
            entry.handle.cancel()
            self.model.changed(entry)

    def attach_anyway(self, entry: DownloadEntry) -> None:
        """A download whose content is already attached: fetch it again and attach it as a second copy."""
        if entry.state == FAILED and entry.duplicate:
            entry.allow_duplicate = True
            self._run(entry)
            self.model.changed(entry)

    def retry(self, entry: DownloadEntry) -> None:
        if entry.state in (FAILED, CANCELLED):
            self._run(entry)
            self.model.changed(entry)

    # -- menus and dialogs ----------------------------------------------------------------------

    def update_actions(self) -> None:
        item_id = self.window.current_item_id()
        self.attach_url_action.setEnabled(item_id is not None)

    def open_url_dialog(self) -> AttachUrlDialog | None:
        item_id = self.window.current_item_id()
        if item_id is None:
            return None
        item = self.window.library.item(item_id)
        dialog = AttachUrlDialog(item.id, item.title, self.window.dialog_parent())
        dialog.url_chosen.connect(self.attach_url)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda *_: setattr(self, "url_dialog", None))
        self.url_dialog = dialog
        dialog.open()
        return dialog

    def open_search_dialog(self) -> Any:
        from mediacat.gui.dialogs.nasa_search import NasaSearchDialog

        if self.search_dialog is None:
            self.search_dialog = NasaSearchDialog(self.window, self)
        self.search_dialog.show()
        self.search_dialog.raise_()
        self.search_dialog.activateWindow()
        return self.search_dialog

    # -- quitting -------------------------------------------------------------------------------

    def _may_close(self) -> bool:
        """Asked as the window closes: with downloads running, quit only if the user agrees (they are cancelled)."""
        running = self.active()
        if running:
            if not self.confirm_quit(len(running)):
                return False
            for entry in running:
                self.cancel(entry)
        return True

    def ask_before_quit(self, count: int) -> bool:
        noun = "download is" if count == 1 else "downloads are"
        answer = QMessageBox.question(
            self.window.dialog_parent(),
            "Quit MediaCat?",
            f"{count} {noun} still running. Quit anyway and cancel {'it' if count == 1 else 'them'}?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes


def install(window: FeatureWindow) -> None:
    window.downloads_feature = DownloadsFeature(window)  # type: ignore[attr-defined]  # for tests
