"""seeds/timeline.json -> the library: the EDL events, the light time, the site and the seed item times.

The file is the one place event and item times are written down, each with its evidence and precision
(seeds/README.md, "timeline.json"). It is re-applied whenever its content changes; rows a user set
(`item_times.origin = 'user'`) are never touched, and times of items the catalog does not have are skipped
(counted in the report), so the catalog and the timeline can change independently.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from mediacat.core.errors import MediaCatError
from mediacat.core.store import Store

PRECISIONS: dict[str, int] = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
SCALES = ("scet", "ert")
TIMELINE_FILE = "timeline.json"


class TimelineFileError(MediaCatError):
    """seeds/timeline.json is unreadable or breaks its rules."""


@dataclass(frozen=True)
class LightTime:
    date: str  # UTC day, YYYY-MM-DD
    seconds: float  # one-way light time Mars -> Earth that day
    evidence: tuple[dict[str, str], ...]


@dataclass(frozen=True)
class SeedTimeline:
    version: str
    digest: str
    site: dict[str, Any]
    landing_event: str
    light_times: tuple[LightTime, ...]
    events: tuple[dict[str, Any], ...]  # id, title, scet (datetime), precision, evidence, note
    items: dict[str, dict[str, Any]]  # item id -> scet, precision, event_id, evidence, note


def parse_time(text: str, precision: str, where: str) -> datetime:
    """An ISO UTC time written to its precision: 'YYYY-MM-DD', 'YYYY-MM-DDTHHZ', '...THH:MMZ', '...:SS(.f)Z'."""
    value = text.strip()
    try:
        if len(value) == 10:
            moment = datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC)
        elif len(value) == 14 and value.endswith("Z"):
            moment = datetime.strptime(value, "%Y-%m-%dT%HZ").replace(tzinfo=UTC)
        else:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
            if moment.tzinfo is None:
                raise ValueError("no time zone")
            moment = moment.astimezone(UTC)
    except ValueError as error:
        raise TimelineFileError(f"{where}: {text!r} is not an ISO UTC time ({error})") from None
    unit = PRECISIONS.get(precision)
    if unit is None:
        raise TimelineFileError(f"{where}: precision {precision!r} is not one of {', '.join(PRECISIONS)}")
    since_day = moment - moment.replace(hour=0, minute=0, second=0, microsecond=0)
    if unit > 1 and (since_day.total_seconds() % unit) != 0:
        raise TimelineFileError(f"{where}: {text!r} has more digits than its precision ({precision})")
    return moment


def iso(moment: datetime) -> str:
    """UTC ISO text with a Z and no needless zeros of microseconds."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _iso_or_none(moment: datetime | None) -> str | None:
    return None if moment is None else iso(moment)


def load_seed_timeline(seeds_dir: Path) -> SeedTimeline | None:
    """The shipped timeline, or None when the seed folder has none (a custom seed catalog)."""
    path = seeds_dir / TIMELINE_FILE
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise TimelineFileError(f"{path}: cannot be read ({error.strerror or error})") from error
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise TimelineFileError(f"{path}: not valid UTF-8 JSON ({error})") from error
    if not isinstance(data, dict) or data.get("format") != 1:
        raise TimelineFileError(f"{path}: unknown format (expected an object with \"format\": 1)")
    try:
        return _parse(path, data, hashlib.sha256(raw).hexdigest())
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise TimelineFileError(f"{path}: a field is missing or has the wrong type ({error!r})") from error


def _parse(path: Path, data: dict[str, Any], digest: str) -> SeedTimeline:
    light_times = []
    for n, entry in enumerate(data.get("light_times", [])):
        where = f"{path}: light_times[{n}]"
        light_times.append(LightTime(str(entry["date"]), float(entry["seconds"]), _evidence(entry, where)))
    light = {lt.date: lt.seconds for lt in light_times}
    events: list[dict[str, Any]] = []
    seen: set[str] = set()
    for n, entry in enumerate(data.get("events", [])):
        where = f"{path}: event {entry.get('id', n)!r}"
        event_id = str(entry.get("id", ""))
        if not event_id or event_id in seen:
            raise TimelineFileError(f"{where}: missing or repeated id")
        seen.add(event_id)
        scet = _scet(entry, where, light)
        record = {"id": event_id, "title": str(entry["title"]), "scet": scet, "until": None,
                  "precision": entry["precision"], "evidence": _evidence(entry, where),
                  "note": str(entry.get("note", ""))}
        _bound(record, entry, {e["id"]: e for e in events}, where)
        events.append(record)
    by_id = {e["id"]: e for e in events}
    items: dict[str, dict[str, Any]] = {}
    for item_id, entry in (data.get("items") or {}).items():
        where = f"{path}: item {item_id!r}"
        event_id = entry.get("event")
        if event_id is not None:
            if event_id not in by_id:
                raise TimelineFileError(f"{where}: unknown event {event_id!r}")
            event = by_id[event_id]
            record = {"scet": event["scet"], "until": event["until"], "precision": event["precision"],
                      "evidence": _evidence(entry, where, allow_empty=True) + event["evidence"]}
        else:
            record = {"scet": _scet(entry, where, light), "until": None, "precision": entry["precision"],
                      "evidence": _evidence(entry, where)}
        record.update(event_id=event_id, note=str(entry.get("note", "")))
        _bound(record, entry, by_id, where)
        items[item_id] = record
    landing = str(data.get("landing_event", ""))
    if landing not in by_id:
        raise TimelineFileError(f"{path}: landing_event {landing!r} is not an event")
    return SeedTimeline(str(data.get("version", "")), digest, dict(data.get("site", {})),
                        landing, tuple(light_times), tuple(events), items)


def _bound(record: dict[str, Any], entry: dict[str, Any], events: dict[str, dict[str, Any]], where: str) -> None:
    """Narrow a span by its evidence: "after": an event (it began no earlier), "before": one (it ended by then)."""
    end = record["until"] or record["scet"] + timedelta(seconds=PRECISIONS[record["precision"]])
    for key in ("after", "before"):
        other_id = entry.get(key)
        if other_id is None:
            continue
        other = events.get(other_id)
        if other is None:
            raise TimelineFileError(f"{where}: {key} {other_id!r} is not an earlier event")
        if key == "after":
            record["scet"] = max(record["scet"], other["scet"])
        else:
            other_end = other["until"] or other["scet"] + timedelta(seconds=PRECISIONS[other["precision"]])
            end = min(end, other_end)
    if end <= record["scet"]:
        raise TimelineFileError(f"{where}: its after/before bounds leave no time at all")
    if end != record["scet"] + timedelta(seconds=PRECISIONS[record["precision"]]):
        record["until"] = end


def _scet(entry: dict[str, Any], where: str, light: dict[str, float]) -> datetime:
    scale = entry.get("scale", "scet")
    if scale not in SCALES:
        raise TimelineFileError(f"{where}: scale {scale!r} is not one of {', '.join(SCALES)}")
    moment = parse_time(str(entry.get("time", "")), str(entry.get("precision", "")), where)
    if scale == "scet":
        return moment
    seconds = light.get(moment.date().isoformat())
    if seconds is None:
        raise TimelineFileError(f"{where}: an Earth-received time on {moment.date()} but no light time for that day")
    return moment - timedelta(seconds=seconds)


def _evidence(entry: dict[str, Any], where: str, *, allow_empty: bool = False) -> tuple[dict[str, str], ...]:
    evidence = entry.get("evidence")
    if not isinstance(evidence, list) or (not evidence and not allow_empty):
        raise TimelineFileError(f"{where}: every time needs its evidence (an official page or two sources)")
    out = []
    for source in evidence:
        if not isinstance(source, dict) or not ({"url", "article", "pds"} & set(source)):
            raise TimelineFileError(f"{where}: evidence {source!r} names no url, article or PDS product")
        out.append({k: str(v) for k, v in source.items()})
    return tuple(out)


@dataclass(frozen=True)
class TimelineSeedReport:
    applied: bool
    version: str
    item_times: int = 0
    skipped_items: tuple[str, ...] = ()


def apply_seed_timeline(store: Store, timeline: SeedTimeline) -> TimelineSeedReport:
    """Write the timeline into the library when its content changed since the last time (one transaction)."""
    if store.get_meta("timeline_digest") == timeline.digest:
        return TimelineSeedReport(False, timeline.version)
    if store.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'timeline_events'").fetchone() \
            is None:  # a schema from before the timeline step (only a test that plays an older app makes one)
        return TimelineSeedReport(False, timeline.version)
    known = {row[0] for row in store.execute("SELECT id FROM items")}
    skipped = tuple(sorted(set(timeline.items) - known))
    # Not a separate event-log entry: the log's seed-update is one per catalog application (issue 15's rule);
    # the timeline is shipped reference data applied with it, and a user's own times are never touched here.
    with store.transaction():
        store.execute("DELETE FROM timeline_events")
        for position, event in enumerate(timeline.events):
            store.execute(
                "INSERT INTO timeline_events(id, title, scet, scet_end, precision, evidence, note, position) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (event["id"], event["title"], iso(event["scet"]), _iso_or_none(event["until"]), event["precision"],
                 json.dumps(list(event["evidence"]), ensure_ascii=False), event["note"], position))
        store.execute("DELETE FROM item_times WHERE origin = 'seed'")
        count = 0
        for item_id, entry in timeline.items.items():
            if item_id not in known:
                continue
            cursor = store.execute(
                "INSERT OR IGNORE INTO item_times(item_id, scet, scet_end, precision, event_id, evidence, note, "
                "origin) VALUES (?, ?, ?, ?, ?, ?, ?, 'seed')",
                (item_id, iso(entry["scet"]), _iso_or_none(entry["until"]), entry["precision"], entry["event_id"],
                 json.dumps(list(entry["evidence"]), ensure_ascii=False), entry["note"]))
            count += cursor.rowcount
        store.set_meta("timeline_site", json.dumps(timeline.site, ensure_ascii=False))
        store.set_meta("timeline_landing_event", timeline.landing_event)
        store.set_meta("timeline_light_times", json.dumps(
            [{"date": lt.date, "seconds": lt.seconds, "evidence": list(lt.evidence)} for lt in timeline.light_times],
            ensure_ascii=False))
        store.set_meta("timeline_digest", timeline.digest)
    return TimelineSeedReport(True, timeline.version, count, skipped)
