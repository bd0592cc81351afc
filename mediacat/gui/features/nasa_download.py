"""Download from NASA: the one action that fetches the selected item's public NASA file and attaches it, in the
Item menu and behind the detail pane's button (both call `download`, so the enabled state, the file, the
mirror, the limits, the progress and the report are the same wherever it is asked for).

The file is the item's verified media URL (asked which when it has several), else the file the NASA Image
Library lists for its Photojournal id (`fetch_queue.public_sources`). The work is Get Public Media's for one
item (`mediacat fetch-media ID` on the command line): `plan_item_op` queues the item in the library's fetch
queue and checks whether its file is already attached (a short operation on the writer); the transfer runs on
the "download" pool with no database (`fetch_media.download_item`, through the library's media mirror and
limits, into the resumable `media/.incoming/fetch-<item>/`); `settle_item_op` attaches the file and records
the outcome (an operation of its own). The Downloads dock shows each download with its progress and outcome;
Cancel leaves the item queued with its partial file (Retry continues it), Attach Anyway fetches a file that
is already there and attaches it again.
"""

from __future__ import annotations

import functools
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QInputDialog

from mediacat.core.fetch_media import FetchPlan, ItemOutcome, Settled, download_item, plan_fetch, settle_fetched
from mediacat.core.fetch_queue import ALREADY_THERE, ATTACHED, item_public_sources, queue_fetch
from mediacat.core.jobs import Job
from mediacat.core.library import Library
from mediacat.gui.features.downloads import DownloadsFeature
from mediacat.gui.features.downloads_panel import CANCELLED, DONE, FAILED, DownloadEntry
from mediacat.qtmedia.probe import video_prober

ACTION_TEXT = "Download from NASA"


def plan_item_op(job: Job, library: Library, item_id: str, url: str | None, allow_duplicate: bool) -> FetchPlan:
    """Queue one item (with the chosen media URL, if any; Attach Anyway kept in the queue, so a run resumed
    after a kill still attaches it) and plan it alone: a short operation on the writer."""
    queue_fetch(library, [item_id], urls={item_id: url} if url else None,
                allow_duplicate=[item_id] if allow_duplicate else ())
    return plan_fetch(library, item_ids=[item_id])


def settle_item_op(job: Job, library: Library, fetched: Any, plan: FetchPlan) -> Settled:
    """Attach the downloaded file (or record why not): an operation of its own on the writer."""
    return settle_fetched(library, fetched, plan, video_prober=video_prober)


class NasaDownloadFeature(QObject):
    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.downloads: DownloadsFeature = window.downloads_feature
        self.public_media = window.public_media
        self.chooser: QInputDialog | None = None
        self.action = QAction(ACTION_TEXT, window)
        self.action.setStatusTip("Download the item's public NASA file (its media URL, else its Photojournal id's "
                                 "file) and attach it")
        self.action.triggered.connect(self.download_current)
        item_menu = window.menu("Item")
        actions = item_menu.actions()
        after = actions.index(self.downloads.attach_url_action) + 1
        item_menu.insertAction(actions[after] if after < len(actions) else None, self.action)
        window.detail.download_requested.connect(self.download)
        window.selection_changed.connect(self.update_action)
        self.public_media.other_fetches = lambda: len(self.running())
        self.public_media.held_elsewhere = self.held_items
        # a stopped download cleared from the dock leaves its item queued: the bar offers to resume it then
        self.downloads.model.modelReset.connect(self.public_media.refresh_bar)
        self.update_action()

    def update_action(self) -> None:
        # two columns of one row: this runs on every selection change (three times when a search answers)
        item_id = self.window.current_item_id()
        self.action.setEnabled(item_id is not None and bool(item_public_sources(self.window.library, item_id)))

    def running(self) -> list[DownloadEntry]:
        return [entry for entry in self.downloads.active() if entry.steps is not None]

    def held_items(self) -> set[str]:
        """The items whose download from NASA the dock shows running, or stopped with its Retry."""
        return {entry.item_id for entry in self.downloads.model.entries
                if entry.steps is not None and entry.state != DONE}

    # -- starting -------------------------------------------------------------------------------

    def download_current(self) -> DownloadEntry | None:
        item_id = self.window.current_item_id()
        return self.download(item_id) if item_id is not None else None

    def download(self, item_id: str) -> DownloadEntry | None:
        """Download the item's public file; with several media URLs, ask which (the download starts on the
        answer, and None is returned)."""
        sources = item_public_sources(self.window.library, item_id)
        if not sources:
            self.window.status_message(f"{item_id} has no public NASA file known: attach a file of your own with "
                                       "Item ▸ Attach files…", 8000)
            return None
        if len(sources) == 1:
            return self.start(item_id, sources[0].url)
        urls = [source.url or "" for source in sources]
        dialog = QInputDialog(self.window.dialog_parent())
        dialog.setWindowTitle(ACTION_TEXT)
        dialog.setLabelText(f"{item_id} has several official media files. Download:")
        dialog.setComboBoxItems(urls)
        dialog.setOption(QInputDialog.InputDialogOption.UseListViewForComboBoxItems, True)
        dialog.textValueSelected.connect(lambda url: self.start(item_id, url))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda *_: setattr(self, "chooser", None))
        self.chooser = dialog
        dialog.open()
        return None

    def start(self, item_id: str, url: str | None) -> DownloadEntry | None:
        """A new entry in the Downloads dock for the item's file (`url`: the media URL chosen, None: its
        Photojournal id's), unless that item is downloading already or Get Public Media is running."""
        if self.public_media.handle is not None:
            self.window.status_message(f"Get Public Media is running: download {item_id} from NASA once it has "
                                       "ended (it fetches every item's file)", 8000)
            return None
        for entry in self.running():
            if entry.item_id == item_id:
                self.downloads.show_entry(entry)
                return entry
        label = url or f"NASA {item_public_sources(self.window.library, item_id)[0].nasa_id}"
        return self.downloads.add_entry(item_id, label, functools.partial(self._plan, url=url))

    # -- the steps of one download (run again by Retry and Attach Anyway) -----------------------

    def _plan(self, entry: DownloadEntry, url: str | None) -> None:
        entry.message = "queueing…"
        entry.handle = self.window.run_op(
            plan_item_op, entry.item_id, url, entry.allow_duplicate,
            on_done=lambda plan: self._planned(entry, plan),
            on_error=lambda error: self.downloads.finish(entry, FAILED, str(error)),
            label=f"{ACTION_TEXT}: queue {entry.item_id}")

    def _planned(self, entry: DownloadEntry, plan: FetchPlan) -> None:
        if entry.item_id in plan.outcomes:  # already attached: nothing to download
            self._settled(entry, plan.outcomes[entry.item_id])
            return
        if not plan.downloads:  # the item is not queued (another process fetched it meanwhile)
            self.downloads.finish(entry, FAILED, f"{entry.item_id} was not queued to fetch; try again")
            return
        entry.message = "connecting…"
        self.downloads.transfer(entry, functools.partial(download_item, plan=plan),
                                lambda fetched: self._downloaded(entry, plan, fetched))

    def _downloaded(self, entry: DownloadEntry, plan: FetchPlan, fetched: Any) -> None:
        handle = entry.handle  # the transfer's: a cancel there made the outcome "interrupted"
        cancelled = handle is not None and handle.job.cancelled
        entry.message = "attaching…" if fetched.downloaded is not None else entry.message
        self.downloads.model.changed(entry)
        entry.handle = self.window.run_op(
            settle_item_op, fetched, plan,
            on_done=lambda settled: self._settled(entry, settled.outcome, cancelled=cancelled),
            on_error=lambda error: self.downloads.finish(entry, FAILED, str(error)),
            label=f"{ACTION_TEXT}: attach {entry.item_id}")

    def _settled(self, entry: DownloadEntry, outcome: ItemOutcome, *, cancelled: bool = False) -> None:
        """The item's outcome, in its row of the dock (and the status bar); the Get Public Media bar then
        counts again what is left queued, without the items the dock holds."""
        self._finish(entry, outcome, cancelled=cancelled)
        self.public_media.refresh_bar()

    def _finish(self, entry: DownloadEntry, outcome: ItemOutcome, *, cancelled: bool) -> None:
        if outcome.outcome == ATTACHED:
            self.downloads.finish(entry, DONE, outcome.message)
            self.window.status_message(f"{entry.item_id}: {outcome.message}")
        elif outcome.outcome == ALREADY_THERE:
            self.downloads.finish(entry, FAILED, outcome.message, duplicate=True)
        elif cancelled:
            self.downloads.finish(entry, CANCELLED, "cancelled; Retry continues where it stopped")
        else:
            self.downloads.finish(entry, FAILED, outcome.message)


def install(window: Any) -> None:
    window.nasa_download = NasaDownloadFeature(window)


__all__ = ["ACTION_TEXT", "NasaDownloadFeature", "install", "plan_item_op", "settle_item_op"]
