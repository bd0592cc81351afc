"""The fetch queue of Get Public Media / `mediacat fetch-media`: which items a run still has to fetch, kept in the
library so a cancelled, killed or offline run resumes on the next start. Each change is one core operation
returning `Changes(fetch_queue=True)`; `mediacat.core.fetch_media` runs the queue.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from mediacat.core.changes import Changes
from mediacat.core.errors import MediaCatError
from mediacat.core.filestore import PARTIAL_DOWNLOAD_PREFIX
from mediacat.core.library import Library
from mediacat.core.model import Item
from mediacat.core.nasa import store_url_setting

_PIA = re.compile(r"^PIA\d{5}$")  # ids the NASA Image Library knows (HiRISE ESP_ ids are not among them)
MIRROR_SETTING = "media_mirror_url"  # key in the library's meta table
PARTIAL_PREFIX = PARTIAL_DOWNLOAD_PREFIX  # partial downloads live in media/.incoming/fetch-<item id>/

# outcomes in the final report
ATTACHED = "attached"
ALREADY_THERE = "already-there"
NO_PUBLIC_FILE = "no-public-file"
FAILED = "failed"
INTERRUPTED = "interrupted"  # cancelled, killed or offline: still queued, resumes next time


@dataclass(frozen=True)
class PublicSource:
    """Where an item's public file comes from: a verified direct media URL, else a NASA Image Library id."""

    url: str | None = None
    nasa_id: str | None = None

    def describe(self) -> str:
        return self.url or f"NASA Image Library {self.nasa_id}"


@dataclass(frozen=True)
class QueueEntry:
    item_id: str
    position: int
    url: str | None
    nasa_id: str | None
    state: str  # queued | done | failed | skipped
    outcome: str  # one of the outcomes above, "" while queued and never tried
    message: str
    allow_duplicate: bool = False  # attach even when the file or its content is there already (Attach Anyway)

    def to_json(self) -> dict[str, object]:
        outcome = INTERRUPTED if self.state == "queued" else self.outcome
        return {"item_id": self.item_id, "url": self.url, "nasa_id": self.nasa_id, "outcome": outcome,
                "message": self.message, "allow_duplicate": self.allow_duplicate}


@dataclass(frozen=True)
class QueueResult:
    entries: list[QueueEntry]
    changes: Changes


def public_sources(item: Item) -> list[PublicSource]:
    """What "Download from NASA" can fetch for the item: each verified media URL, else its first Photojournal id
    (one source); [] when nothing public is known. The first is what Get Public Media fetches."""
    return _sources(item.media_urls, item.nasa_ids)


def _sources(media_urls: Sequence[str], nasa_ids: Sequence[str]) -> list[PublicSource]:
    if media_urls:
        return [PublicSource(url=url) for url in media_urls]
    return [PublicSource(nasa_id=nasa_id) for nasa_id in nasa_ids if _PIA.match(nasa_id)][:1]


def public_source(item: Item) -> PublicSource | None:
    """The item's verified media URL (the first), else its first Photojournal id; None when nothing is known."""
    sources = public_sources(item)
    return sources[0] if sources else None


def item_public_sources(library: Library, item_id: str) -> list[PublicSource]:
    """`public_sources(library.item(item_id))` from two columns of one row ([] for an unknown item): cheap
    enough for every selection change (the app's Download from NASA is enabled by it)."""
    row = library.store.execute("SELECT media_urls, nasa_ids FROM items WHERE id = ?", (item_id,)).fetchone()
    return _sources(json.loads(row[0]), json.loads(row[1])) if row else []


def already_attached(item: Item, source: PublicSource, url: str | None = None) -> str | None:
    """Why the public file is already there (an attachment from the same URL or NASA id), else None."""
    urls = {u for u in (source.url, url) if u}
    for attachment in item.attachments:
        provenance = attachment.provenance
        if urls & {provenance.get("source_url"), provenance.get("final_url")}:
            return f"already there: attachment #{attachment.id} came from the same URL"
        if source.nasa_id and provenance.get("nasa_id") == source.nasa_id:
            return f"already there: attachment #{attachment.id} is NASA {source.nasa_id}"
    return None


def items_missing_public_media(library: Library) -> list[str]:
    """Items with a public NASA file known that is not attached yet (for the first-start bar)."""
    candidates = [row[0] for row in library.store.execute(
        "SELECT id FROM items WHERE media_urls != '[]' OR nasa_ids LIKE '%\"PIA%' ORDER BY seed_position, id")]
    items = library.items(candidates)  # only the few with a public source, even in a huge catalog
    return [item.id for item in items
            if (source := public_source(item)) is not None and already_attached(item, source) is None]


def mirror_url(url: str, mirror: str | None) -> str:
    """`https://HOST/PATH` fetched from a mirror: `MIRROR/HOST/PATH` (the query kept); unchanged without one."""
    if not mirror:
        return url
    scheme, _, rest = url.partition("://")
    if scheme.lower() not in ("http", "https") or not rest:
        return url
    return f"{mirror.rstrip('/')}/{rest}"


def media_mirror(library: Library) -> str | None:
    return library.store.get_meta(MIRROR_SETTING) or None


def set_media_mirror(library: Library, url: str | None) -> Changes:
    """Keep (or with None forget) the mirror every official media URL is fetched from."""
    store_url_setting(library, MIRROR_SETTING, url)
    return Changes(download_settings=True)


# -- the queue ------------------------------------------------------------------------------------------------


def queue_entries(library: Library, *, pending_only: bool = False) -> list[QueueEntry]:
    sql = "SELECT item_id, position, url, nasa_id, state, outcome, message, allow_duplicate FROM fetch_queue"
    if pending_only:
        sql += " WHERE state = 'queued'"
    return [QueueEntry(item_id, position, url, nasa_id, state, outcome, message, bool(anyway))
            for item_id, position, url, nasa_id, state, outcome, message, anyway
            in library.store.execute(sql + " ORDER BY position, item_id")]


def has_unfinished_run(library: Library) -> int:
    """How many items an earlier run left queued (cancelled, killed, offline): asked about on the next start."""
    return library.store.execute("SELECT count(*) FROM fetch_queue WHERE state = 'queued'").fetchone()[0]


def unfinished_item_ids(library: Library) -> list[str]:
    """The items an earlier run left queued, in the queue's order (`has_unfinished_run` counts them)."""
    return [row[0] for row in library.store.execute(
        "SELECT item_id FROM fetch_queue WHERE state = 'queued' ORDER BY position, item_id")]


def queue_fetch(library: Library, item_ids: Sequence[str], *, urls: Mapping[str, str] | None = None,
                allow_duplicate: Iterable[str] = ()) -> QueueResult:
    """Put these items in the fetch queue (after what an unfinished run left); a finished run's rows go.

    Items with no public file known are recorded at once as `no-public-file`. Unknown ids raise UnknownItem.
    `urls` chooses, for an item with several verified media URLs, which one to fetch (else the first); an
    item an unfinished run left queued with another URL is switched to the chosen one (its partial file of
    the other goes). The items in `allow_duplicate` are attached even when their file or its content is there
    already (Attach Anyway, `fetch-media --allow-duplicate`): the choice is kept in the queue, so a resumed
    run honours it; every other item named here is queued without it (a plain queueing resets it).
    """
    items = library.items(list(dict.fromkeys(item_ids)))
    found = {item.id for item in items}
    for item_id in item_ids:
        if item_id not in found:
            library.item(item_id)  # raises UnknownItem naming it
    chosen = _chosen_sources(items, urls or {})
    anyway = set(allow_duplicate)
    switched: list[str] = []
    with library.store.transaction() as conn:
        conn.execute("DELETE FROM fetch_queue WHERE state != 'queued'")
        queued = dict(conn.execute("SELECT item_id, url FROM fetch_queue").fetchall())
        start = conn.execute("SELECT coalesce(max(position), -1) + 1 FROM fetch_queue").fetchone()[0]
        for offset, item in enumerate(items):
            source = chosen.get(item.id) or public_source(item)
            if item.id in queued:
                conn.execute("UPDATE fetch_queue SET allow_duplicate = ? WHERE item_id = ?",
                             (int(item.id in anyway), item.id))
                if item.id in chosen and queued[item.id] != chosen[item.id].url:
                    conn.execute("UPDATE fetch_queue SET url = ?, nasa_id = NULL WHERE item_id = ?",
                                 (chosen[item.id].url, item.id))
                    switched.append(item.id)
                continue
            if source is None:
                conn.execute(
                    "INSERT INTO fetch_queue(item_id, position, state, outcome, message, finished_at) "
                    "VALUES (?, ?, 'skipped', ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
                    (item.id, start + offset, NO_PUBLIC_FILE, _no_file_message(item)),
                )
            else:
                conn.execute("INSERT INTO fetch_queue(item_id, position, url, nasa_id, allow_duplicate) "
                             "VALUES (?, ?, ?, ?, ?)",
                             (item.id, start + offset, source.url, source.nasa_id, int(item.id in anyway)))
    remove_partial_downloads(library, switched)
    return QueueResult(queue_entries(library), Changes(fetch_queue=True))


def _chosen_sources(items: Sequence[Item], urls: Mapping[str, str]) -> dict[str, PublicSource]:
    """The media URL chosen for each item named in `urls`: one of its own verified ones, else an error."""
    by_id = {item.id: item for item in items}
    chosen: dict[str, PublicSource] = {}
    for item_id, url in urls.items():
        item = by_id.get(item_id)
        if item is None:
            raise MediaCatError(f"a media URL was chosen for {item_id!r}, which is not among the items to fetch")
        chosen[item_id] = chosen_source(item, url)
    return chosen


def chosen_source(item: Item, url: str) -> PublicSource:
    """The item's verified media URL `url` as the source to fetch; any other URL is refused (naming the item,
    the URL and the item's own URLs)."""
    if url not in item.media_urls:
        known = ", ".join(item.media_urls) if item.media_urls else "none"
        raise MediaCatError(f"{url} is not one of item {item.id!r}'s verified media URLs ({known})")
    return PublicSource(url=url)


def _no_file_message(item: Item) -> str:
    return (f"no public file known: attach one with mediacat attach {item.id} FILE "
            "(or Item ▸ Attach files…)")


def allow_duplicates(library: Library, item_ids: Iterable[str]) -> Changes:
    """Keep "attach even if it is there already" for these items while they are queued (an unfinished run
    resumed with `fetch-media --allow-duplicate`, `run_fetch(allow_duplicate=...)`)."""
    ids = list(dict.fromkeys(item_ids))
    if ids:
        with library.store.transaction() as conn:
            conn.executemany("UPDATE fetch_queue SET allow_duplicate = 1 WHERE item_id = ? AND state = 'queued'",
                             [(item_id,) for item_id in ids])
    return Changes(fetch_queue=True)


def finish_fetch_item(library: Library, item_id: str, state: str, outcome: str, message: str) -> Changes:
    """Record how one item's fetch ended: done (attached / already there), failed, or still queued (interrupted)."""
    if state not in ("queued", "done", "failed", "skipped"):
        raise MediaCatError(f"unknown fetch state {state!r}")
    with library.store.transaction():
        library.store.execute(
            "UPDATE fetch_queue SET state = ?, outcome = ?, message = ?, "
            "finished_at = CASE WHEN ? = 'queued' THEN NULL ELSE strftime('%Y-%m-%dT%H:%M:%SZ', 'now') END "
            "WHERE item_id = ?",
            (state, outcome, message, state, item_id),
        )
    return Changes(fetch_queue=True)


def clear_fetch_queue(library: Library) -> Changes:
    """Forget the queue (the user declined to resume) and the partial downloads it left."""
    ids = [entry.item_id for entry in queue_entries(library)]
    with library.store.transaction():
        library.store.execute("DELETE FROM fetch_queue")
    remove_partial_downloads(library, ids)
    return Changes(fetch_queue=True)


def remove_partial_downloads(library: Library, item_ids: Iterable[str]) -> None:
    for item_id in item_ids:
        shutil.rmtree(library.paths.incoming / partial_folder(item_id), ignore_errors=True)


def partial_folder(item_id: str) -> str:
    return PARTIAL_PREFIX + item_id


__all__ = [
    "ALREADY_THERE",
    "ATTACHED",
    "FAILED",
    "INTERRUPTED",
    "NO_PUBLIC_FILE",
    "PublicSource",
    "QueueEntry",
    "allow_duplicates",
    "already_attached",
    "chosen_source",
    "clear_fetch_queue",
    "finish_fetch_item",
    "has_unfinished_run",
    "item_public_sources",
    "items_missing_public_media",
    "media_mirror",
    "mirror_url",
    "public_source",
    "public_sources",
    "queue_entries",
    "queue_fetch",
    "set_media_mirror",
    "unfinished_item_ids",
]
