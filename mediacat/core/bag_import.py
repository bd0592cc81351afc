"""Import a bag made by MediaCat (`bag_export`) into another library: validated first, then all or nothing.

What comes in: user items (created when their id is new), corrections of seed facts (as overrides), tags
(added), notes (set where the library has none; a different note already there is kept and reported),
attachments by content (a file whose SHA-256 the item already has is not copied again), and the items'
event log (each imported event keeps its time, program and outcome, and names the bag and its own event id,
so importing the same bag twice adds no event twice). The import itself is an `import-bag` event.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import bagit

from mediacat.core import events
from mediacat.core.attachments import attach_file
from mediacat.core.bag_export import BAG_FORMAT, BagError
from mediacat.core.changes import Changes
from mediacat.core.errors import MediaCatError
from mediacat.core.jobs import Job
from mediacat.core.library import Library
from mediacat.core.probe import VideoProber, display_path
from mediacat.core.tags import add_tags, set_note
from mediacat.core.user_items import FIELDS, SEED_CORRECTABLE, ExternalSource, add_item, edit_item


@dataclass
class BagImportReport:
    bag: str
    items_created: list[str] = field(default_factory=list)
    items_updated: list[str] = field(default_factory=list)
    attachments_added: int = 0
    attachments_known: int = 0
    events_added: int = 0
    notes_kept: list[str] = field(default_factory=list)  # items whose own, different note was kept
    changes: Changes = field(default_factory=Changes)

    def summary(self) -> str:
        text = (f"{len(self.items_created)} items created, {len(self.items_updated)} updated, "
                f"{self.attachments_added} files attached ({self.attachments_known} already there), "
                f"{self.events_added} events")
        if self.notes_kept:
            text += f"; kept this library's different note on {len(self.notes_kept)} item(s)"
        return text


def read_bag(path: str | os.PathLike[str]) -> tuple[bagit.Bag, dict[str, Any], list[dict[str, Any]]]:
    """Validate the bag (every manifest, Payload-Oxum) and read its catalog and event log."""
    folder = Path(path)
    shown = display_path(folder)
    if not (folder / "bagit.txt").is_file():
        raise BagError(f"{shown}: not a BagIt bag (no bagit.txt)")
    try:
        bag = bagit.Bag(str(folder))
        bag.validate()
    except bagit.BagValidationError as error:
        details = "; ".join(str(d) for d in (error.details or [])[:3])
        raise BagError(f"{shown}: the bag is not valid ({error.message}{': ' + details if details else ''}); "
                       "nothing was imported") from error
    except bagit.BagError as error:
        raise BagError(f"{shown}: cannot read the bag ({error}); nothing was imported") from error
    if bag.info.get("MediaCat-Bag-Format") != BAG_FORMAT:
        raise BagError(f"{shown}: not a bag made by MediaCat (bag-info.txt has no MediaCat-Bag-Format: "
                       f"{BAG_FORMAT}); nothing was imported")
    try:
        catalog = json.loads((folder / "data" / "metadata" / "catalog.json").read_text(encoding="utf-8"))
        log = json.loads((folder / "data" / "metadata" / "events.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BagError(f"{shown}: its catalog cannot be read ({error}); nothing was imported") from error
    if not isinstance(catalog, dict) or not isinstance(catalog.get("items"), list) or not isinstance(log, list):
        raise BagError(f"{shown}: data/metadata/catalog.json or events.json has the wrong shape; nothing imported")
    return bag, catalog, log


def import_bag(
    library: Library,
    path: str | os.PathLike[str],
    *,
    job: Job | None = None,
    video_prober: VideoProber | None = None,
) -> BagImportReport:
    folder = Path(path)
    bag, catalog, log = read_bag(folder)
    bag_id = str(bag.info.get("External-Identifier") or folder.name)
    report = BagImportReport(display_path(folder))
    placed: list[Path] = []  # managed copies this import created: removed again if it fails
    attachment_map: dict[int, int] = {}
    try:
        with library.store.transaction() as conn:
            total = len(catalog["items"])
            for index, entry in enumerate(catalog["items"]):
                if job is not None:
                    job.check()
                    job.report(index, total, str(entry.get("id", "")))
                _import_item(library, folder, entry, report, placed, attachment_map, video_prober)
            report.events_added = _import_events(conn, log, bag_id, attachment_map)
            events.record(conn, "import-bag", bag=report.bag, bag_id=bag_id, summary=report.summary())
    except BaseException:
        for file in placed:
            with contextlib.suppress(OSError):
                file.unlink()
        raise
    touched = report.items_created + report.items_updated
    report.changes = Changes.of_items(touched, item_set=bool(report.items_created), tags=True, facets=True,
                                      events=True, attachments=frozenset(attachment_map.values()))
    return report


def _import_item(library: Library, folder: Path, entry: dict[str, Any], report: BagImportReport,
                 placed: list[Path], attachment_map: dict[int, int], video_prober: VideoProber | None) -> None:
    item_id = str(entry.get("id") or "")
    if not item_id:
        raise BagError(f"{report.bag}: an item in catalog.json has no id; nothing was imported")
    exists = library.store.execute("SELECT origin FROM items WHERE id = ?", (item_id,)).fetchone()
    if exists is None:
        if entry.get("origin") != "user":
            raise BagError(f"{report.bag}: shipped item {item_id!r} is not in this library's catalog "
                           "(a different catalog version?); nothing was imported")
        values = {name: entry.get(name) for name in FIELDS if entry.get(name) is not None}
        add_item(library, values, item_id=item_id,
                 sources=[(s["article_id"], s["quote"]) for s in entry.get("sources", [])],
                 external_sources=[ExternalSource(s["url"], s["quote"], s.get("title", ""))
                                   for s in entry.get("external_sources", [])])
        report.items_created.append(item_id)
    else:
        corrections = {name: entry[name] for name in entry.get("overrides", {}) if name in SEED_CORRECTABLE}
        if corrections and exists[0] != "user":
            edit_item(library, item_id, corrections)
        report.items_updated.append(item_id)
    if entry.get("tags"):
        add_tags(library, [item_id], entry["tags"])
    note = entry.get("notes") or ""
    if note:
        current = library.store.execute("SELECT notes FROM items WHERE id = ?", (item_id,)).fetchone()[0]
        if not current:
            set_note(library, item_id, note)
        elif current != note:
            report.notes_kept.append(item_id)
    known = dict(library.store.execute("SELECT sha256, id FROM attachments WHERE item_id = ?", (item_id,)))
    for attachment in entry.get("attachments", []):
        if attachment["sha256"] in known:
            attachment_map[int(attachment["id"])] = known[attachment["sha256"]]
            report.attachments_known += 1
            continue
        source = folder / attachment["bag_path"]
        if folder.resolve() not in source.resolve().parents:
            raise BagError(f"{report.bag}: {attachment['bag_path']!r} points outside the bag; nothing was imported")
        existed = _managed_exists(library, attachment["sha256"])
        provenance = {"source": "bag", "bag": report.bag, "bag_path": attachment["bag_path"],
                      "before": attachment.get("provenance", {})}
        result = attach_file(library, item_id, source, mode="copy", allow_duplicate=True, provenance=provenance,
                             original_name=attachment.get("original_name"), video_prober=video_prober)
        if not existed:
            placed.append(Path(result.attachment.resolved_path))
        attachment_map[int(attachment["id"])] = result.attachment.id
        known[attachment["sha256"]] = result.attachment.id
        report.attachments_added += 1


def _managed_exists(library: Library, sha256: str) -> bool:
    folder = library.paths.media / sha256[:2] / sha256
    return folder.is_dir() and any(folder.iterdir())


def _import_events(conn: Any, log: list[dict[str, Any]], bag_id: str, attachment_map: dict[int, int]) -> int:
    seen = {row[0] for row in conn.execute(
        "SELECT json_extract(details, '$.imported_from.event_id') FROM events "
        "WHERE json_extract(details, '$.imported_from.bag_id') = ?", (bag_id,))}
    added = 0
    for event in log:
        if not isinstance(event, dict) or event.get("id") in seen:
            continue
        try:
            details = dict(event.get("details") or {})
            original_attachment = event.get("attachment_id")
            details["imported_from"] = {"bag_id": bag_id, "event_id": event["id"],
                                        "attachment_id": original_attachment}
            conn.execute(
                "INSERT INTO events(at, action, item_id, attachment_id, program, version, outcome, details) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (str(event["at"]), str(event["action"]), event.get("item_id"),
                 attachment_map.get(original_attachment) if original_attachment is not None else None,
                 str(event["program"]), str(event["version"]), str(event.get("outcome", "ok")),
                 json.dumps(details, ensure_ascii=False, sort_keys=True)),
            )
        except (KeyError, TypeError) as error:
            raise MediaCatError(f"events.json: event {event.get('id')!r} is incomplete ({error}); "
                                "nothing was imported") from error
        added += 1
    return added
