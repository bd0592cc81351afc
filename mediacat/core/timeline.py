"""The landing as a timeline: EDL events and item times on three clocks (SCET, ERT, Mars LMST at Jezero).

Every time is a span: its UTC spacecraft event time (SCET) start and a precision (second, minute, hour,
day) that says how long the span is; nothing is guessed finer than its evidence. ERT is SCET plus the
one-way light time of that UTC day (stored with its source; no light time known = no ERT). Mars time is
`mars_time` (Mars24) at the site's longitude, sols counted from the landing sol (sol 0).

Reads: `load_timeline(library)`, `item_time(library, item_id)`, `clip_starts(library, ids)`.
Operations (return `Changes`): `set_item_time`, `clear_item_time`, `set_clip_start`, `clear_clip_start`.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from mediacat.core import events, mars_time
from mediacat.core.changes import Changes
from mediacat.core.errors import MediaCatError, UnknownItem
from mediacat.core.store.chunks import chunks, marks
from mediacat.core.timeline_seed import PRECISIONS, iso, parse_time

if TYPE_CHECKING:
    from mediacat.core.library import Library

CLOCKS = ("scet", "ert", "lmst")


class TimelineError(MediaCatError):
    """A time a user gave cannot be stored (bad text, unknown precision, unknown attachment)."""


@dataclass(frozen=True)
class TimeSpan:
    """When something happened: [scet, scet + precision) in UTC spacecraft event time, with its evidence."""

    scet: datetime
    precision: str
    evidence: tuple[dict[str, str], ...] = ()
    note: str = ""
    event_id: str | None = None
    origin: str = "seed"  # seed | user | catalog (the item's date_taken, day precision)
    until: datetime | None = None  # an end narrower than scet + precision (the evidence bounds it: "before X")

    @property
    def seconds(self) -> float:
        """The span's length: its precision's unit, or less when other evidence bounds it."""
        return (self.end - self.scet).total_seconds()

    @property
    def end(self) -> datetime:
        return self.until if self.until is not None else self.scet + timedelta(seconds=PRECISIONS[self.precision])

    @property
    def middle(self) -> datetime:
        return self.scet + timedelta(seconds=self.seconds / 2)


@dataclass(frozen=True)
class Clock:
    """The three clocks of one library: light times by UTC day, the site longitude and the landing."""

    east_longitude: float = mars_time.JEZERO_EAST_LONGITUDE
    landing: datetime | None = None
    light_times: dict[str, float] = field(default_factory=dict)
    light_time_evidence: dict[str, list[dict[str, str]]] = field(default_factory=dict)

    def light_time(self, scet: datetime) -> float | None:
        return self.light_times.get(scet.astimezone(UTC).date().isoformat())

    def ert(self, scet: datetime) -> datetime | None:
        seconds = self.light_time(scet)
        return None if seconds is None else scet + timedelta(seconds=seconds)

    def mars(self, scet: datetime) -> mars_time.MarsTime:
        return mars_time.mars_time(scet, self.east_longitude, landing=self.landing)

    def sol(self, scet: datetime) -> int | None:
        return None if self.landing is None else mars_time.mission_sol(scet, self.landing, self.east_longitude)

    def lmst(self, scet: datetime) -> str:
        return self.mars(scet).lmst_text

    def label(self, span: TimeSpan, clock: str) -> str:
        """One clock's reading of a span: a point for second precision, else the span's two ends."""
        if span.precision == "second":
            return self.point_label(span.scet, clock)
        if clock == "lmst":
            first, last = self.mars(span.scet), self.mars(span.end)
            if span.precision == "day":
                return _sols(first.sol, last.sol)
            sols = _sols(first.sol, last.sol)
            return (f"{sols} {mars_time.format_hours(first.lmst, seconds=False)}–"
                    f"{mars_time.format_hours(last.lmst, seconds=False)} LMST")
        start = span.scet if clock == "scet" else self.ert(span.scet)  # the light time of the span's day
        if start is None:
            return "ERT unknown (no light time for that day)"
        end = start + timedelta(seconds=span.seconds)
        suffix = " SCET" if clock == "scet" else " ERT"
        if span.precision == "day" and start.time() == datetime.min.time():
            return start.strftime("%Y-%m-%d") + suffix
        whole_minutes = start.second == 0 and start.microsecond == 0
        fmt = "%H:%M" if whole_minutes else "%H:%M:%S"
        return f"{start.strftime('%Y-%m-%d')} {start.strftime(fmt)}–{end.strftime(fmt)} UTC{suffix}"

    def point_label(self, scet: datetime, clock: str) -> str:
        """One clock's reading of an instant (the hover readout of the axis)."""
        if clock == "lmst":
            return self.mars(scet).label
        moment = scet if clock == "scet" else self.ert(scet)
        if moment is None:
            return "ERT unknown (no light time for that day)"
        return format_utc(moment) + (" SCET" if clock == "scet" else " ERT")

    def all_labels(self, span: TimeSpan) -> str:
        return " · ".join(self.label(span, clock) for clock in CLOCKS)


def _sols(first: int | None, last: int | None) -> str:
    if first is None or last is None:
        return "Sol ?"
    return f"Sol {first}" if first == last else f"Sol {first}–{last}"


def format_utc(moment: datetime) -> str:
    moment = moment.astimezone(UTC)
    text = moment.strftime("%Y-%m-%d %H:%M:%S")
    if moment.microsecond:
        text += f".{moment.microsecond // 10000:02d}"
    return text + " UTC"


@dataclass(frozen=True)
class TimelineEntry:
    """One row of the timeline: an EDL event or an item at its time."""

    kind: str  # event | item
    id: str
    title: str
    time: TimeSpan

    def to_json(self, clock: Clock) -> dict[str, Any]:
        """The `timeline --json` object (fields are a contract: extend, never rename)."""
        return {"kind": self.kind, "id": self.id, "title": self.title, **time_json(self.time, clock)}


def _clock_readings(span: TimeSpan, clock: Clock) -> dict[str, Any]:
    """The fields of `time_json` that depend only on the span's two ends and the clock."""
    ert = clock.ert(span.scet)
    mars, mars_end = clock.mars(span.scet), clock.mars(span.end)
    return {"scet": iso(span.scet), "scet_end": iso(span.end), "ert": None if ert is None else iso(ert),
            "sol": mars.sol, "sol_end": mars_end.sol, "lmst": mars.lmst_text, "lmst_end": mars_end.lmst_text}


def time_json(span: TimeSpan, clock: Clock,
              readings: dict[tuple[datetime, datetime], dict[str, Any]] | None = None) -> dict[str, Any]:
    """The time fields shared by `timeline --json` and `show --json`'s "time" object.

    `readings`: the clock's readings (ISO times, ERT, sols and LMST of both ends) already made, by (start, end);
    filled as it goes (many items share a day: a 100,000-item export converts each distinct span once).
    """
    key = (span.scet, span.end)
    found = readings.get(key) if readings is not None else None
    if found is None:
        found = _clock_readings(span, clock)
        if readings is not None:
            readings[key] = found
    return {**found, "precision": span.precision, "evidence": list(span.evidence), "note": span.note,
            "event": span.event_id, "origin": span.origin}


@dataclass(frozen=True)
class Timeline:
    clock: Clock
    events: tuple[TimelineEntry, ...]
    items: tuple[TimelineEntry, ...]  # items with a time, any order
    site: dict[str, Any] = field(default_factory=dict)

    def entries(self) -> list[TimelineEntry]:
        """Events and items by start time; at equal starts events first (in the file's order), then items."""
        position = {e.id: n for n, e in enumerate(self.events)}
        rows = list(self.events) + list(self.items)
        return sorted(rows, key=lambda e: (e.time.scet, e.kind != "event", position.get(e.id, 0),
                                           -e.time.seconds, e.id))

    def event(self, event_id: str) -> TimelineEntry | None:
        return next((e for e in self.events if e.id == event_id), None)


def load_timeline(library: Library, item_ids: Sequence[str] | None = None) -> Timeline:
    """The events and the times of `item_ids` (all items if None) from the library."""
    store = library.store
    light_rows = json.loads(store.get_meta("timeline_light_times") or "[]")
    site = json.loads(store.get_meta("timeline_site") or "{}")
    events = tuple(
        TimelineEntry("event", row[0], row[1], TimeSpan(_utc(row[2]), row[3], tuple(json.loads(row[4])), row[5],
                                                         row[0], "seed", _utc(row[6]) if row[6] else None))
        for row in store.execute(
            "SELECT id, title, scet, precision, evidence, note, scet_end FROM timeline_events ORDER BY position")
    )
    landing_id = store.get_meta("timeline_landing_event")
    landing = next((e.time.scet for e in events if e.id == landing_id), None)
    clock = Clock(
        east_longitude=float(site.get("east_longitude", mars_time.JEZERO_EAST_LONGITUDE)),
        landing=landing,
        light_times={row["date"]: float(row["seconds"]) for row in light_rows},
        light_time_evidence={row["date"]: row.get("evidence", []) for row in light_rows},
    )
    return Timeline(clock, events, tuple(_item_entries(library, item_ids)), site)


def _item_time_rows(library: Library, item_ids: Sequence[str] | None) -> list[Any]:
    sql = ("SELECT i.id, i.title, i.date_taken, t.scet, t.precision, t.evidence, t.note, t.event_id, t.origin, "
           "t.scet_end FROM items i LEFT JOIN item_times t ON t.item_id = i.id")
    if item_ids is None:
        return list(library.store.execute(sql))
    rows = []
    for chunk in chunks(list(item_ids)):
        rows += library.store.execute(f"{sql} WHERE i.id IN ({marks(chunk)})", tuple(chunk)).fetchall()
    return rows


def _item_entries(library: Library, item_ids: Sequence[str] | None) -> Iterable[TimelineEntry]:
    for item_id, title, date_taken, scet, precision, evidence, note, event_id, origin, scet_end in \
            _item_time_rows(library, item_ids):
        span = _span(date_taken, scet, precision, evidence, note, event_id, origin, scet_end)
        if span is not None:
            yield TimelineEntry("item", item_id, title, span)


def _span(date_taken: str | None, scet: str | None, precision: str | None, evidence: str | None, note: str | None,
          event_id: str | None, origin: str | None, scet_end: str | None = None) -> TimeSpan | None:
    if scet is not None and precision is not None:
        return TimeSpan(_utc(scet), precision, tuple(json.loads(evidence or "[]")), note or "", event_id,
                        origin or "seed", _utc(scet_end) if scet_end else None)
    if date_taken:
        day = _catalog_day(date_taken)
        if day is None:
            return None
        return TimeSpan(day, "day", ({"catalog": "date_taken"},), "the catalog's capture date", None, "catalog")
    return None


@functools.lru_cache(maxsize=4096)
def _catalog_day(date_taken: str) -> datetime | None:
    """A catalog date as UTC midnight (parsed once per distinct date: `strptime` costs ~10 µs)."""
    try:
        return datetime.strptime(date_taken, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        return None


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def item_time(library: Library, item_id: str) -> TimeSpan | None:
    """When an item's media were taken, or None when nothing says."""
    entries = list(_item_entries(library, [item_id]))
    return entries[0].time if entries else None


def load_clock(library: Library) -> Clock:
    """The three clocks of this library (site, landing, light times) without the entries."""
    return load_timeline(library, []).clock


def item_times_json(library: Library, item_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """`time_json` of each dated item among `item_ids` (the `time` of `show --json` and the CSV columns)."""
    clock: Clock | None = None
    readings: dict[tuple[datetime, datetime], dict[str, Any]] = {}
    by_date: dict[str, dict[str, Any] | None] = {}  # an item dated only by the catalog: the same for its whole day
    times: dict[str, dict[str, Any]] = {}
    for item_id, _title, date_taken, scet, precision, evidence, note, event_id, origin, scet_end in \
            _item_time_rows(library, item_ids):
        if scet is None or precision is None:
            if not date_taken:
                continue
            if date_taken not in by_date:
                span = _span(date_taken, None, None, None, None, None, None)
                clock = clock or load_clock(library)
                by_date[date_taken] = None if span is None else time_json(span, clock, readings)
            found = by_date[date_taken]
            if found is not None:
                times[item_id] = {**found, "evidence": [dict(e) for e in found["evidence"]]}
            continue
        span = _span(date_taken, scet, precision, evidence, note, event_id, origin, scet_end)
        if span is not None:
            clock = clock or load_clock(library)
            times[item_id] = time_json(span, clock, readings)
    return times


# -- operations ---------------------------------------------------------------------------------------


def set_item_time(library: Library, item_id: str, time_text: str, precision: str, *, evidence: str = "",
                  note: str = "") -> Changes:
    """Set (as the user's own) when an item's media were taken; `time_text` is ISO UTC written to its precision.

    `evidence`: a URL or a short citation; a user time is stored as the user's claim either way.
    """
    if library.store.execute("SELECT 1 FROM items WHERE id = ?", (item_id,)).fetchone() is None:
        raise UnknownItem(item_id)
    try:
        scet = parse_time(time_text, precision, f"time of {item_id}")
    except MediaCatError as error:
        raise TimelineError(str(error)) from None
    cited = [{"url": evidence} if evidence.startswith(("http://", "https://")) else {"user": evidence}] \
        if evidence else []
    with library.store.transaction() as conn:
        library.store.execute(
            "INSERT INTO item_times(item_id, scet, precision, event_id, evidence, note, origin, updated_at) "
            "VALUES (?, ?, ?, NULL, ?, ?, 'user', strftime('%Y-%m-%dT%H:%M:%SZ', 'now')) "
            "ON CONFLICT(item_id) DO UPDATE SET scet = excluded.scet, precision = excluded.precision, "
            "event_id = NULL, scet_end = NULL, evidence = excluded.evidence, note = excluded.note, origin = 'user', "
            "updated_at = excluded.updated_at",
            (item_id, iso(scet), precision, json.dumps(cited, ensure_ascii=False), note))
        events.record(conn, "item-time", item_id=item_id, scet=iso(scet), precision=precision, evidence=evidence,
                      summary=f"time set to {iso(scet)} ({precision})")
    return Changes.of_items([item_id], events=True)


def clear_item_time(library: Library, item_id: str) -> Changes:
    """Forget an item's time (the item falls back to its catalog date; a seed time returns on the next seed update)."""
    with library.store.transaction() as conn:
        cursor = library.store.execute("DELETE FROM item_times WHERE item_id = ?", (item_id,))
        if cursor.rowcount:
            events.record(conn, "item-time", item_id=item_id, cleared=True, summary="time cleared")
    return Changes.of_items([item_id], events=True) if cursor.rowcount else Changes()


@dataclass(frozen=True)
class ClipStart:
    attachment_id: int
    start_scet: datetime  # the SCET of the clip's first frame (its position 0 ms)
    basis: str  # known (from a source) | aligned (the user matched a frame with an event)
    note: str = ""


def set_clip_start(library: Library, attachment_id: int, start_scet: datetime, basis: str = "aligned",
                   note: str = "") -> Changes:
    """Save where a video attachment's first frame sits on the shared (SCET) clock."""
    if basis not in ("known", "aligned"):
        raise TimelineError(f"clip start basis {basis!r} is not 'known' or 'aligned'")
    if start_scet.tzinfo is None:
        raise TimelineError("a clip start needs a UTC time (tzinfo)")
    if library.store.execute("SELECT 1 FROM attachments WHERE id = ?", (attachment_id,)).fetchone() is None:
        raise TimelineError(f"attachment #{attachment_id}: no such attachment")
    with library.store.transaction() as conn:
        library.store.execute(
            "INSERT INTO attachment_clock(attachment_id, start_scet, basis, note) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(attachment_id) DO UPDATE SET start_scet = excluded.start_scet, basis = excluded.basis, "
            "note = excluded.note, set_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')",
            (attachment_id, iso(start_scet), basis, note))
        item_id = library.store.execute("SELECT item_id FROM attachments WHERE id = ?",
                                        (attachment_id,)).fetchone()[0]
        events.record(conn, "clip-start", item_id=item_id, attachment_id=attachment_id, start_scet=iso(start_scet),
                      basis=basis, summary=f"clip start {iso(start_scet)} ({basis})")
    return Changes(items=frozenset([item_id]), attachments=frozenset([attachment_id]), events=True)


def clear_clip_start(library: Library, attachment_id: int) -> Changes:
    with library.store.transaction() as conn:
        cursor = library.store.execute("DELETE FROM attachment_clock WHERE attachment_id = ?", (attachment_id,))
        if cursor.rowcount:
            events.record(conn, "clip-start", attachment_id=attachment_id, cleared=True, summary="clip start cleared")
    return Changes(attachments=frozenset([attachment_id]), events=True) if cursor.rowcount else Changes()


def clip_starts(library: Library, attachment_ids: Iterable[int]) -> dict[int, ClipStart]:
    found: dict[int, ClipStart] = {}
    for chunk in chunks(list(attachment_ids)):
        rows = library.store.execute(
            f"SELECT attachment_id, start_scet, basis, note FROM attachment_clock WHERE attachment_id IN "
            f"({marks(chunk)})", tuple(chunk))
        found.update({row[0]: ClipStart(row[0], _utc(row[1]), row[2], row[3]) for row in rows})
    return found


# -- the operations in the form the app's writer runs them: op(job, library, ...) ------------------------


def set_item_time_op(job: Any, library: Library, item_id: str, time_text: str, precision: str,
                     evidence: str = "", note: str = "") -> Changes:
    return set_item_time(library, item_id, time_text, precision, evidence=evidence, note=note)


def set_clip_start_op(job: Any, library: Library, attachment_id: int, start_scet: datetime,
                      basis: str = "aligned", note: str = "") -> Changes:
    return set_clip_start(library, attachment_id, start_scet, basis, note)
