"""Downloads in the app: Item ▸ Attach from URL…, Item ▸ Download from NASA, Tools ▸ Search NASA Image Library…, and
the Downloads dock (progress, cancel, retry). Every download runs in `window.tasks`, off the GUI thread; closing the
window while downloads run asks first.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QInputDialog, QMessageBox

from mediacat.core.attachments import AttachResult, DuplicateContent
from mediacat.core.download_attach import attach_from_nasa, attach_from_url, attach_item_media_url, download_policy
from mediacat.core.jobs import Job, Progress
from mediacat.core.library import Library
from mediacat.core.nasa import NasaImageLibrary
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
from mediacat.gui.tasks import own_connection
from mediacat.qtmedia.probe import video_prober

SPARE_THREADS = 2  # pool threads kept free for thumbnails and searches while downloads wait on the network


@own_connection
def download_worker(job: Job, library: Library, work: Callable[[Library, Job], AttachResult]) -> AttachResult:
    return work(library, job)


class DownloadsFeature(QObject):
    """The downloads of one window: starts them, shows them in the dock, cancels and retries them."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self._numbers = itertools.count(1)
        self.model = DownloadsModel(self)
        self.panel = DownloadsPanel(self.model, self.cancel, self.retry, attach_anyway=self.attach_anyway)
        self.dock = window.add_dock(self.panel, "Downloads", Qt.DockWidgetArea.BottomDockWidgetArea)
        self.url_dialog: AttachUrlDialog | None = None
        self.media_url_dialog: QInputDialog | None = None
        self.search_dialog: Any = None
        # Asked when the window closes with downloads running; returns True to quit anyway.
        self.confirm_quit: Callable[[int], bool] = self.ask_before_quit

        item_menu = window.menu("Item")
        self.attach_url_action = QAction("Attach from URL…", window)
        self.attach_url_action.setStatusTip("Download a public image, audio or video file and attach it")
        self.attach_url_action.triggered.connect(self.open_url_dialog)
        self.nasa_media_action = QAction("Download from NASA", window)
        self.nasa_media_action.setStatusTip("Download the item's official media file from NASA and attach it")
        self.nasa_media_action.triggered.connect(self.download_item_media)
        item_menu.addAction(self.attach_url_action)
        item_menu.addAction(self.nasa_media_action)
        self.search_action = QAction("Search NASA Image Library…", window)
        self.search_action.triggered.connect(self.open_search_dialog)
        window.menu("Tools").addAction(self.search_action)
        window.selection_changed.connect(self.update_actions)
        window.installEventFilter(self)
        self.update_actions()

    # -- starting -------------------------------------------------------------------------------

    def attach_url(self, item_id: str, url: str) -> DownloadEntry:
        def work(library: Library, job: Job, allow_duplicate: bool = False) -> AttachResult:
            return attach_from_url(library, item_id, url, policy=download_policy(library), job=job,
                                   video_prober=video_prober, allow_duplicate=allow_duplicate)

        return self.start(item_id, url, work)

    def attach_item_media(self, item_id: str, index: int = 0) -> DownloadEntry:
        url = self.window.library.item(item_id).media_urls[index]

        def work(library: Library, job: Job, allow_duplicate: bool = False) -> AttachResult:
            return attach_item_media_url(library, item_id, index=index, policy=download_policy(library), job=job,
                                         video_prober=video_prober, allow_duplicate=allow_duplicate)

        return self.start(item_id, url, work)

    def attach_nasa(self, item_id: str, nasa_id: str, rendition: str, nasa: NasaImageLibrary) -> DownloadEntry:
        def work(library: Library, job: Job, allow_duplicate: bool = False) -> AttachResult:
            return attach_from_nasa(library, item_id, nasa_id, rendition=rendition, nasa=nasa,
                                    policy=download_policy(library), job=job, video_prober=video_prober,
                                    allow_duplicate=allow_duplicate)

        return self.start(item_id, f"NASA {nasa_id.strip()} ({rendition})", work)

    def start(self, item_id: str, label: str, work: Callable[[Library, Job], AttachResult]) -> DownloadEntry:
        entry = DownloadEntry(next(self._numbers), item_id, label, work)
        self.model.add(entry)
        self._run(entry)
        self.dock.show()
        self.dock.raise_()
        return entry

    def _run(self, entry: DownloadEntry) -> None:
        pool = self.window.tasks.pool
        needed = len(self.active()) + 1 + SPARE_THREADS
        if pool.maxThreadCount() < needed:
            pool.setMaxThreadCount(needed)
        entry.state, entry.done, entry.total, entry.message = RUNNING, 0, None, "connecting…"
        entry.duplicate = False
        allow_duplicate = entry.allow_duplicate

        def work(library: Library, job: Job) -> AttachResult:
            return entry.work(library, job, allow_duplicate=True) if allow_duplicate else entry.work(library, job)

        entry.handle = self.window.tasks.run(
            download_worker,
            self.window.library,
            work,
            on_done=lambda result: self._finished(entry, result),
            on_error=lambda error: self._failed(entry, error),
            on_progress=lambda progress: self._progress(entry, progress),
            on_cancelled=lambda: self._cancelled(entry),
            label=f"Download {entry.label}",
            cancellable=True,
        )

    # -- outcomes -------------------------------------------------------------------------------

    def _progress(self, entry: DownloadEntry, progress: Progress) -> None:
        if entry.state == RUNNING:
            self.model.progress(entry, progress)

    def _finished(self, entry: DownloadEntry, result: AttachResult) -> None:
        entry.state, entry.result, entry.handle = DONE, result, None
        self.model.changed(entry)
        self.window.refresh_items([entry.item_id])
        self.window.status_message(f"Attached {result.attachment.original_name} to {entry.item_id}")
        self.update_actions()

    def _failed(self, entry: DownloadEntry, error: BaseException) -> None:
        entry.state, entry.message, entry.handle = FAILED, str(error), None
        entry.duplicate = isinstance(error, DuplicateContent)
        self.model.changed(entry)
        self.window.status_message(f"Download failed: {error}", 8000)
        self.dock.show()

    def _cancelled(self, entry: DownloadEntry) -> None:
        entry.state, entry.handle = CANCELLED, None
        self.model.changed(entry)

    # -- per-row actions ------------------------------------------------------------------------

    def active(self) -> list[DownloadEntry]:
        return [entry for entry in self.model.entries if entry.state == RUNNING]

    def cancel(self, entry: DownloadEntry) -> None:
        if entry.state == RUNNING and entry.handle is not None:
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
        has_urls = False
        if item_id is not None:
            row = self.window.library.store.execute(
                "SELECT json_array_length(media_urls) FROM items WHERE id = ?", (item_id,)
            ).fetchone()
            has_urls = bool(row and row[0])
        self.nasa_media_action.setEnabled(has_urls)

    def open_url_dialog(self) -> AttachUrlDialog | None:
        item_id = self.window.current_item_id()
        if item_id is None:
            return None
        item = self.window.library.item(item_id)
        dialog = AttachUrlDialog(item.id, item.title, self.window)
        dialog.url_chosen.connect(self.attach_url)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda *_: setattr(self, "url_dialog", None))
        self.url_dialog = dialog
        dialog.open()
        return dialog

    def download_item_media(self) -> DownloadEntry | None:
        """Download the current item's media URL; with several, ask which."""
        item_id = self.window.current_item_id()
        if item_id is None:
            return None
        urls = list(self.window.library.item(item_id).media_urls)
        if len(urls) == 1:
            return self.attach_item_media(item_id, 0)
        if urls:
            dialog = QInputDialog(self.window)
            dialog.setWindowTitle("Download from NASA")
            dialog.setLabelText("This item has several official media files. Download:")
            dialog.setComboBoxItems(urls)
            dialog.setOption(QInputDialog.InputDialogOption.UseListViewForComboBoxItems, True)
            dialog.textValueSelected.connect(lambda url: self.attach_item_media(item_id, urls.index(url)))
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.destroyed.connect(lambda *_: setattr(self, "media_url_dialog", None))
            self.media_url_dialog = dialog
            dialog.open()
        return None

    def open_search_dialog(self) -> Any:
        from mediacat.gui.dialogs.nasa_search import NasaSearchDialog

        if self.search_dialog is None:
            self.search_dialog = NasaSearchDialog(self.window, self)
        self.search_dialog.show()
        self.search_dialog.raise_()
        self.search_dialog.activateWindow()
        return self.search_dialog

    # -- quitting -------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Close:
            running = self.active()
            if running:
                if not self.confirm_quit(len(running)):
                    event.ignore()
                    return True
                for entry in running:
                    self.cancel(entry)
        return False

    def ask_before_quit(self, count: int) -> bool:
        noun = "download is" if count == 1 else "downloads are"
        answer = QMessageBox.question(
            self.window,
            "Quit MediaCat?",
            f"{count} {noun} still running. Quit anyway and cancel {'it' if count == 1 else 'them'}?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes


def install(window: Any) -> None:
    window.downloads_feature = DownloadsFeature(window)
