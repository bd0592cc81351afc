"""Download from NASA, Get Public Media and `mediacat fetch-media`: download each queued item's public NASA file
and attach it (one item, or a run over many).

Two downloads at a time, one overall progress (items done of total, bytes, rate, time left), cancel, and a report
per item. One failure never stops the others. The queue is `mediacat.core.fetch_queue` (in the library):
an item is marked done or failed as it ends, so a cancelled, killed or offline run leaves the rest queued,
and each unfinished file is kept in `media/.incoming/fetch-<item id>/` to be continued with Range.
Downloading and attaching reuse `mediacat.core.download` and `mediacat.core.download_attach`.
"""

from __future__ import annotations

import functools
import queue
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from mediacat.core import events
from mediacat.core.attachments import DuplicateContent
from mediacat.core.changes import Changes
from mediacat.core.download import (
    ConnectionFailed,
    DownloadedFile,
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
    allow_duplicates,
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
        remaining: float = sum((total - done) for done, total in self.active.values() if total is not None)
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


@dataclass
class _Fetched:
    """What a download thread hands back: the file (to attach), or the item's outcome."""

    entry: QueueEntry
    url: str = ""
    nasa_id: str | None = None
    rendition: str | None = None
    downloaded: DownloadedFile | None = None
    outcome: ItemOutcome | None = None
    received: int = 0


def download_one(entry: QueueEntry, nasa_ids: tuple[str, ...], *, job: Job, mirror: str | None,
                 policy: DownloadPolicy, incoming: Path, nasa: NasaImageLibrary) -> _Fetched:
    """The network half of one item (no database): resolve the NASA id if needed, download into the item's
    partial folder. A problem becomes the item's outcome; Cancelled propagates."""
    fetched = _Fetched(entry)
    try:
        if entry.url:
            fetched.url, fetched.nasa_id = entry.url, nasa_id_in_url(entry.url, nasa_ids)
        else:
            assert entry.nasa_id is not None
            fetched.rendition, fetched.url = nasa.best_rendition(entry.nasa_id)
            fetched.nasa_id = entry.nasa_id
        fetched.downloaded = download(mirror_url(fetched.url, mirror), incoming, policy=policy, job=job,
                                      keep_partial=partial_folder(entry.item_id))
        fetched.received = fetched.downloaded.size
    except Cancelled:
        raise
    except _OFFLINE as error:
        fetched.outcome = ItemOutcome(entry.item_id, INTERRUPTED, f"{error} (the rest is fetched next time)")
    except NasaApiError as error:
        offline = isinstance(error.__cause__, _OFFLINE)
        fetched.outcome = ItemOutcome(entry.item_id, INTERRUPTED if offline else FAILED, str(error))
    except MediaCatError as error:
        fetched.outcome = ItemOutcome(entry.item_id, FAILED, str(error))
    return fetched


def _download_entry(entry: QueueEntry, nasa_ids: tuple[str, ...], plan: FetchPlan, job: Job,
                    nasa: NasaImageLibrary) -> _Fetched:
    """`download_one` for an entry of the plan; a cancel becomes its `interrupted` outcome (the partial file
    is kept for the next run)."""
    try:
        return download_one(entry, nasa_ids, job=job, mirror=plan.mirror, policy=plan.policy,
                            incoming=plan.incoming, nasa=nasa)
    except Cancelled:
        return _Fetched(entry, outcome=ItemOutcome(entry.item_id, INTERRUPTED, "cancelled; resumes next time"))


def attach_fetched(library: Library, fetched: _Fetched, *, mirror: str | None, video_prober: VideoProber | None,
                   job: Job | None = None, allow_duplicate: bool = False) -> ItemOutcome:
    """The library half: attach a downloaded file with its official URL as provenance (on the caller's thread).
    `allow_duplicate` (Attach Anyway) attaches it even when the same file or content is attached already."""
    item_id = fetched.entry.item_id
    downloaded = fetched.downloaded
    if downloaded is None:
        assert fetched.outcome is not None
        return fetched.outcome
    try:
        item = library.item(item_id)
        reason = already_attached(item, PublicSource(fetched.entry.url, fetched.entry.nasa_id), fetched.url)
        if reason and not allow_duplicate:
            return ItemOutcome(item_id, ALREADY_THERE, reason)
        provenance = downloaded.provenance(source="fetch-media", nasa_id=fetched.nasa_id, rendition=fetched.rendition)
        provenance["source_url"] = fetched.url  # the official URL, wherever the bytes came from
        if mirror:
            provenance["final_url"] = fetched.url
            provenance["mirror_url"] = downloaded.final_url
        result = attach_downloaded(library, item_id, downloaded, provenance, video_prober=video_prober, job=job,
                                   allow_duplicate=allow_duplicate)
        attachment = result.attachment
        return ItemOutcome(item_id, ATTACHED, f"attached #{attachment.id}: {attachment.original_name} "
                                              f"({format_bytes(attachment.size)}) from {fetched.url}", attachment.id)
    except DuplicateContent as error:
        where = ", ".join(f"#{a.id} of {a.item_id!r}" for a in error.existing[:3])
        return ItemOutcome(item_id, ALREADY_THERE, f"already there: the same SHA-256 as attachment {where}")
    except MediaCatError as error:
        return ItemOutcome(item_id, FAILED, str(error))
    finally:
        downloaded.discard()


@dataclass
class FetchPlan:
    """A run ready to download (`plan_fetch`, a short write): the queued items to download in queue order,
    those settled without the network (already attached), and how to reach the files."""

    downloads: list[tuple[QueueEntry, tuple[str, ...]]]
    outcomes: dict[str, ItemOutcome]
    total: int
    mirror: str | None
    policy: DownloadPolicy
    api: str  # the NASA API's URL (through the mirror, if any)
    incoming: Path
    changes: Changes = field(default_factory=lambda: Changes(fetch_queue=True))
    allow_duplicate: frozenset[str] = frozenset()  # items attached even when already there (Attach Anyway)


def plan_fetch(library: Library, *, mirror: str | None = None, policy: DownloadPolicy | None = None,
               item_ids: Iterable[str] | None = None, allow_duplicate: Iterable[str] = ()) -> FetchPlan:
    """The queued items of the run (`item_ids`: only these of them, as Download from NASA plans one item);
    those whose file is already attached are recorded as such now (the cheap check first: nothing is
    downloaded for them), except the items queued to be attached anyway (Attach Anyway, kept in the queue by
    `queue_fetch(allow_duplicate=...)`) and those in `allow_duplicate` (kept in the queue now too, so a
    resumed run honours them), which are downloaded and attached anyway.
    `mirror` (else the library's `media_mirror_url` setting) fetches each official URL as `MIRROR/HOST/PATH`."""
    mirror = mirror if mirror is not None else media_mirror(library)
    only = None if item_ids is None else set(item_ids)
    anyway = set(allow_duplicate)
    if anyway:
        allow_duplicates(library, anyway)
    pending = [entry for entry in queue_entries(library)
               if entry.state == "queued" and (only is None or entry.item_id in only)]
    plan = FetchPlan([], {}, len(pending), mirror, policy or download_policy(library),
                     mirror_url(api_url(library), mirror), library.paths.incoming,
                     allow_duplicate=frozenset(e.item_id for e in pending if e.allow_duplicate))
    for entry in pending:
        item = library.item(entry.item_id)
        reason = None if entry.item_id in plan.allow_duplicate else already_attached(
            item, PublicSource(entry.url, entry.nasa_id))
        if reason:
            plan.outcomes[entry.item_id] = record_outcome(library, entry, ItemOutcome(entry.item_id, ALREADY_THERE,
                                                                                       reason))
        else:
            plan.downloads.append((entry, item.nasa_ids))
    return plan


def record_outcome(library: Library, entry: QueueEntry, outcome: ItemOutcome) -> ItemOutcome:
    """Write an item's outcome to the queue (an interrupted one stays queued, with its partial file)."""
    state = {INTERRUPTED: "queued", FAILED: "failed"}.get(outcome.outcome, "done")
    if state != "queued":
        remove_partial_downloads(library, [entry.item_id])
    if outcome.outcome in (FAILED, INTERRUPTED):  # an attach logs itself; a failed fetch is logged here
        events.record_alone(library, "download", item_id=entry.item_id, outcome=outcome.outcome,
                            url=entry.url, nasa_id=entry.nasa_id, message=outcome.message)
    finish_fetch_item(library, entry.item_id, state, outcome.outcome, outcome.message)
    return outcome


@dataclass(frozen=True)
class Settled:
    """One item of a run attached (or its failure recorded): `settle_fetched`'s result, an operation's."""

    outcome: ItemOutcome

    @property
    def changes(self) -> Changes:
        attached = self.outcome.outcome == ATTACHED and self.outcome.attachment_id is not None
        if not attached:
            return Changes(fetch_queue=True, events=True)
        assert self.outcome.attachment_id is not None
        return Changes(fetch_queue=True, events=True, items=frozenset([self.outcome.item_id]), facets=True,
                       attachments=frozenset([self.outcome.attachment_id]))


def settle_fetched(library: Library, fetched: _Fetched, plan: FetchPlan, *,
                   video_prober: VideoProber | None = None) -> Settled:
    """The library half of one item, a short write of its own: attach the downloaded file (or take the
    download's failure) and record the outcome in the queue."""
    outcome = attach_fetched(library, fetched, mirror=plan.mirror, video_prober=video_prober,
                             allow_duplicate=fetched.entry.item_id in plan.allow_duplicate)
    return Settled(record_outcome(library, fetched.entry, outcome))


def download_item(job: Job, plan: FetchPlan) -> _Fetched:
    """The network half of a one-item plan (Download from NASA), no database: the file's own progress (bytes
    of its size) goes to `job`; a cancel becomes the item's `interrupted` outcome, its partial file kept."""
    [(entry, nasa_ids)] = plan.downloads
    return _download_entry(entry, nasa_ids, plan, job, NasaImageLibrary(plan.api))


def download_planned(plan: FetchPlan, job: Job, on_fetched: Callable[[_Fetched], None], *,
                     workers: int = WORKERS) -> int:
    """The network half of a run, no database: `workers` threads download (two at a time) and `on_fetched`
    is called on the calling thread with each result as it arrives. Cancelling stops the transfers at once;
    their partial files stay for the next run. Returns the bytes received."""
    progress = _Progress(job, plan.total)
    progress.done = len(plan.outcomes)
    job.report(progress.done, plan.total, "starting")
    work: queue.Queue[tuple[QueueEntry, tuple[str, ...]]] = queue.Queue()
    for download_item in plan.downloads:
        work.put(download_item)
    results: queue.Queue[_Fetched | BaseException] = queue.Queue()
    nasa = NasaImageLibrary(plan.api)

    def worker() -> None:
        while not job.cancelled:
            try:
                entry, nasa_ids = work.get_nowait()
            except queue.Empty:
                return
            item_job = Job(functools.partial(progress.file_progress, entry.item_id))
            remove = job.on_cancel(item_job.cancel)
            try:
                results.put(_download_entry(entry, nasa_ids, plan, item_job, nasa))
            except BaseException as error:  # a bug: reported once the others have ended
                results.put(error)
            finally:
                remove()

    expected = work.qsize()
    threads = [threading.Thread(target=worker, name=f"fetch-media-{n}", daemon=True)
               for n in range(max(1, min(workers, expected)))] if expected else []
    for thread in threads:
        thread.start()
    failure: BaseException | None = None
    try:
        while any(thread.is_alive() for thread in threads) or not results.empty():
            try:
                fetched = results.get(timeout=0.2)
            except queue.Empty:
                continue
            if isinstance(fetched, BaseException):
                failure = failure or fetched
                continue
            progress.item_finished(fetched.entry.item_id, fetched.received)
            on_fetched(fetched)
    except BaseException:
        job.cancel()  # Ctrl-C or a database failure: stop the transfers, keep their partial files
        for thread in threads:
            thread.join()
        raise
    if failure is not None:
        raise failure
    return progress.bytes


def fetch_report(library: Library, outcomes: dict[str, ItemOutcome], *, cancelled: bool,
                 bytes_received: int) -> FetchReport:
    """The report of a run: the outcome of each of its items in queue order (those it never reached: left
    queued, or as an earlier run ended)."""
    report = FetchReport(cancelled=cancelled, bytes_received=bytes_received)
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


def run_fetch(
    library: Library,
    job: Job | None = None,
    *,
    mirror: str | None = None,
    policy: DownloadPolicy | None = None,
    video_prober: VideoProber | None = None,
    workers: int = WORKERS,
    on_item: Callable[[ItemOutcome], None] | None = None,
    allow_duplicate: Iterable[str] = (),
) -> FetchReport:
    """Run every queued item on one thread's library (the CLI): `plan_fetch`, then `download_planned` with
    each file attached and recorded (`settle_fetched`) on the calling thread as it arrives. The app runs the
    same pieces, the downloads on its download pool and each attach as its own operation on the writer."""
    job = job or Job()
    plan = plan_fetch(library, mirror=mirror, policy=policy, allow_duplicate=allow_duplicate)
    outcomes: dict[str, ItemOutcome] = {}

    def settled(outcome: ItemOutcome) -> None:
        outcomes[outcome.item_id] = outcome
        if on_item is not None:
            on_item(outcome)

    for outcome in plan.outcomes.values():
        settled(outcome)
    received = download_planned(
        plan, job, lambda fetched: settled(settle_fetched(library, fetched, plan, video_prober=video_prober).outcome),
        workers=workers)
    return fetch_report(library, outcomes, cancelled=job.cancelled, bytes_received=received)


__all__ = ["FetchPlan", "FetchReport", "ItemOutcome", "Settled", "attach_fetched", "download_item", "download_one",
           "download_planned",
           "fetch_report", "plan_fetch", "record_outcome", "run_fetch", "settle_fetched"]
