"""Get Public Media / `mediacat fetch-media`: download each queued item's public NASA file and attach it.

Two items at a time, one overall progress (items done of total, bytes, rate, time left), cancel, and a report
per item. One failure never stops the others. The queue is `mediacat.core.fetch_queue` (in the library):
an item is marked done or failed as it ends, so a cancelled, killed or offline run leaves the rest queued,
and each unfinished file is kept in `media/.incoming/fetch-<item id>/` to be continued with Range.
Downloading and attaching reuse `mediacat.core.download` and `mediacat.core.download_attach`.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from mediacat.core.attachments import DuplicateContent
from mediacat.core.changes import Changes
from mediacat.core.download import (
    ConnectionFailed,
    DownloadPolicy,
    DownloadTimeout,
    IncompleteDownload,
    download,
    format_bytes,
)
from mediacat.core.download_attach import attach_downloaded, download_policy, nasa_id_in_url
from mediacat.core.errors import MediaCatError
from mediacat.core.fetch_queue import (
    ALREADY_THERE,
    ATTACHED,
    FAILED,
    INTERRUPTED,
    PublicSource,
    QueueEntry,
    already_attached,
    finish_fetch_item,
    media_mirror,
    mirror_url,
    partial_folder,
    queue_entries,
    remove_partial_downloads,
)
from mediacat.core.jobs import Cancelled, Job, Progress
from mediacat.core.library import Library
from mediacat.core.nasa import NasaApiError, NasaImageLibrary, api_url
from mediacat.core.probe import VideoProber

WORKERS = 2
_OFFLINE = (ConnectionFailed, DownloadTimeout, IncompleteDownload)  # the network went: resume next time


@dataclass(frozen=True)
class ItemOutcome:
    item_id: str
    outcome: str  # attached | already-there | no-public-file | failed | interrupted
    message: str
    attachment_id: int | None = None

    def to_json(self) -> dict[str, object]:
        return {"item_id": self.item_id, "outcome": self.outcome, "message": self.message,
                "attachment_id": self.attachment_id}


@dataclass
class FetchReport:
    """The final report: one outcome per item of the run, in queue order."""

    outcomes: list[ItemOutcome] = field(default_factory=list)
    cancelled: bool = False
    bytes_received: int = 0
    changes: Changes = field(default_factory=lambda: Changes(fetch_queue=True))

    def count(self, outcome: str) -> int:
        return sum(1 for entry in self.outcomes if entry.outcome == outcome)

    @property
    def ok(self) -> bool:
        return not self.cancelled and not self.count(FAILED) and not self.count(INTERRUPTED)

    def summary(self) -> str:
        parts = [f"{self.count(ATTACHED)} attached", f"{self.count(ALREADY_THERE)} already there"]
        for outcome, words in (("no-public-file", "with no public file known"), (FAILED, "failed"),
                               (INTERRUPTED, "left to resume")):
            if self.count(outcome):
                parts.append(f"{self.count(outcome)} {words}")
        return ", ".join(parts) + (" (cancelled)" if self.cancelled else "")


class _Progress:
    """The one overall progress of a run: items done of total, bytes, rate, time left."""

    def __init__(self, job: Job, total: int) -> None:
        self.job = job
        self.total = total
        self.done = 0
        self.finished_bytes = 0
        self.finished_sizes: list[int] = []
        self.active: dict[str, tuple[int, int | None]] = {}
        self.started = time.monotonic()
        self.lock = threading.Lock()

    def file_progress(self, item_id: str, progress: Progress) -> None:
        with self.lock:
            self.active[item_id] = (progress.done, progress.total)
            self._report()

    def item_finished(self, item_id: str, received: int) -> None:
        with self.lock:
            self.active.pop(item_id, None)
            self.done += 1
            self.finished_bytes += received
            if received:
                self.finished_sizes.append(received)
            self._report()

    @property
    def bytes(self) -> int:
        return self.finished_bytes + sum(done for done, _total in self.active.values())

    def message(self) -> str:
        elapsed = max(time.monotonic() - self.started, 1e-6)
        received = self.bytes
        rate = received / elapsed
        text = f"{format_bytes(received)}, {format_bytes(rate)}/s"
        left = self._seconds_left(rate)
        if left is not None:
            text += f", about {_duration(left)} left"
        return text

    def _seconds_left(self, rate: float) -> float | None:
        if rate <= 0:
            return None
        remaining = sum((total - done) for done, total in self.active.values() if total is not None)
        if any(total is None for _done, total in self.active.values()):
            return None
        waiting = self.total - self.done - len(self.active)
        if waiting > 0:
            if not self.finished_sizes and not self.active:
                return None
            sizes = self.finished_sizes or [total or 0 for _done, total in self.active.values()]
            remaining += waiting * (sum(sizes) / len(sizes))
        return remaining / rate

    def _report(self) -> None:
        self.job.report(self.done, self.total, self.message())


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{max(1, round(seconds))} s"
    if seconds < 5400:
        return f"{round(seconds / 60)} min"
    return f"{seconds / 3600:.1f} h"


def fetch_one(
    library: Library,
    entry: QueueEntry,
    *,
    job: Job,
    mirror: str | None,
    policy: DownloadPolicy,
    nasa: NasaImageLibrary,
    video_prober: VideoProber | None,
    received: list[int],
) -> ItemOutcome:
    """Fetch and attach one queued item; never raises for a problem with this item (Cancelled propagates)."""
    item = library.item(entry.item_id)
    source = PublicSource(entry.url, entry.nasa_id)
    try:
        reason = already_attached(item, source)
        if reason:
            return ItemOutcome(item.id, ALREADY_THERE, reason)
        if source.url:
            url, nasa_id, rendition = source.url, nasa_id_in_url(source.url, item.nasa_ids), None
        else:
            assert source.nasa_id is not None
            rendition, official = nasa.best_rendition(source.nasa_id)
            url, nasa_id = official, source.nasa_id
            reason = already_attached(item, source, url)
            if reason:
                return ItemOutcome(item.id, ALREADY_THERE, reason)
        fetch_from = mirror_url(url, mirror)
        downloaded = download(fetch_from, library.paths.incoming, policy=policy, job=job,
                              keep_partial=partial_folder(item.id))
        received.append(downloaded.size)
        try:
            provenance = downloaded.provenance(source="fetch-media", nasa_id=nasa_id, rendition=rendition)
            provenance["source_url"] = url  # the official URL, wherever the bytes came from
            if mirror:
                provenance["final_url"] = url
                provenance["mirror_url"] = downloaded.final_url
            result = attach_downloaded(library, item.id, downloaded, provenance, video_prober=video_prober, job=job)
        finally:
            downloaded.discard()
        attachment = result.attachment
        return ItemOutcome(item.id, ATTACHED, f"attached #{attachment.id}: {attachment.original_name} "
                                              f"({format_bytes(attachment.size)}) from {url}", attachment.id)
    except Cancelled:
        raise
    except DuplicateContent as error:
        where = ", ".join(f"#{a.id} of {a.item_id!r}" for a in error.existing[:3])
        return ItemOutcome(item.id, ALREADY_THERE, f"already there: the same SHA-256 as attachment {where}")
    except _OFFLINE as error:
        return ItemOutcome(item.id, INTERRUPTED, f"{error} (the rest of the file is fetched next time)")
    except NasaApiError as error:
        offline = isinstance(error.__cause__, _OFFLINE)
        return ItemOutcome(item.id, INTERRUPTED if offline else FAILED, str(error))
    except MediaCatError as error:
        return ItemOutcome(item.id, FAILED, str(error))


def run_fetch(
    library: Library,
    job: Job | None = None,
    *,
    mirror: str | None = None,
    policy: DownloadPolicy | None = None,
    video_prober: VideoProber | None = None,
    workers: int = WORKERS,
    on_item: Callable[[ItemOutcome], None] | None = None,
) -> FetchReport:
    """Run every queued item (two at a time), each worker on its own connection; the report covers the run.

    `mirror` (else the library's `media_mirror_url` setting) fetches each official URL as `MIRROR/HOST/PATH`.
    Cancelling stops both transfers at once; their partial files and queue rows stay for the next run.
    """
    job = job or Job()
    mirror = mirror if mirror is not None else media_mirror(library)
    policy = policy or download_policy(library)
    entries = queue_entries(library)
    pending = [entry for entry in entries if entry.state == "queued"]
    progress = _Progress(job, len(pending))
    job.report(0, len(pending), "starting")
    work: queue.Queue[QueueEntry] = queue.Queue()
    for entry in pending:
        work.put(entry)
    outcomes: dict[str, ItemOutcome] = {}
    errors: list[BaseException] = []
    lock = threading.Lock()
    nasa_base = mirror_url(api_url(library), mirror)

    def worker() -> None:
        try:
            own = library.reopen()
        except BaseException as error:  # the library went away: nothing this worker can do
            with lock:
                errors.append(error)
            return
        nasa = NasaImageLibrary(nasa_base)
        try:
            while not job.cancelled:
                try:
                    entry = work.get_nowait()
                except queue.Empty:
                    return
                item_job = Job(lambda p, item_id=entry.item_id: progress.file_progress(item_id, p))
                remove = job.on_cancel(item_job.cancel)
                received: list[int] = []
                try:
                    outcome = fetch_one(own, entry, job=item_job, mirror=mirror, policy=policy, nasa=nasa,
                                        video_prober=video_prober, received=received)
                except Cancelled:
                    outcome = ItemOutcome(entry.item_id, INTERRUPTED, "cancelled; resumes next time")
                finally:
                    remove()
                state = "queued" if outcome.outcome == INTERRUPTED else (
                    "failed" if outcome.outcome == FAILED else "done")
                if state != "queued":
                    remove_partial_downloads(own, [entry.item_id])
                finish_fetch_item(own, entry.item_id, state, outcome.outcome, outcome.message)
                progress.item_finished(entry.item_id, sum(received))
                with lock:
                    outcomes[entry.item_id] = outcome
                if on_item is not None:
                    on_item(outcome)
        except BaseException as error:  # a bug or the database failing: reported after the others end
            with lock:
                errors.append(error)
        finally:
            own.close()

    threads = [threading.Thread(target=worker, name=f"fetch-media-{n}", daemon=True)
               for n in range(max(1, min(workers, len(pending))))]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            while thread.is_alive():
                thread.join(0.2)
    except KeyboardInterrupt:
        job.cancel()
        for thread in threads:
            thread.join()
        raise
    if errors:
        raise errors[0]
    report = FetchReport(cancelled=job.cancelled, bytes_received=progress.bytes)
    attached = [o for o in outcomes.values() if o.outcome == ATTACHED]
    report.changes = Changes(fetch_queue=True, items=frozenset(o.item_id for o in attached), facets=bool(attached),
                             attachments=frozenset(o.attachment_id for o in attached if o.attachment_id))
    for entry in queue_entries(library):
        if entry.item_id in outcomes:
            report.outcomes.append(outcomes[entry.item_id])
        elif entry.state == "queued":
            report.outcomes.append(ItemOutcome(entry.item_id, INTERRUPTED, "not started; resumes next time"))
        else:
            report.outcomes.append(ItemOutcome(entry.item_id, entry.outcome, entry.message))
    return report


__all__ = ["FetchReport", "ItemOutcome", "fetch_one", "run_fetch"]
