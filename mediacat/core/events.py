"""The event log: every change to a library appends one event, inside the transaction that makes the change.

An event says what happened (`action`), to which item and attachment, when (UTC, to the millisecond), by
which program and version, and with what outcome (`ok`, or a failure/verdict word), plus `details` (JSON:
the URL and HTTP status of a download, the tags before and after ...). The table is append-only: triggers
refuse UPDATE and DELETE (schema step "the event log"), so no operation can rewrite history, and an
item's history outlives the item. Reading it: `events(library, item_id=..., since=...)`.

This is the PREMIS idea of an event (eventType, eventDateTime, linkingAgent, eventOutcome) kept in the
catalog itself; a BagIt export carries the events of the items it packs.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from mediacat import __version__
from mediacat.core.errors import MediaCatError

PROGRAM = "mediacat"

# The actions MediaCat writes (others may appear in a log imported from a bag made by a newer MediaCat).
ACTIONS = (
    "attach", "detach", "relink", "check", "download", "import", "tag", "note",
    "item-add", "item-edit", "item-delete", "item-restore", "saved-search", "import-bag", "seed-update",
    "item-time", "clip-start",  # issue 14: an item's time set or cleared; a clip's start on the shared clock
    "download-settings",  # the library's download limits, NASA API or mirror changed (no item)
)  # fmt: skip

_program = PROGRAM


class EventLogError(MediaCatError):
    """A bad argument to an event-log read (an unreadable --since date)."""


@dataclass(frozen=True)
class Event:
    id: int
    at: str
    action: str
    item_id: str | None
    attachment_id: int | None
    program: str
    version: str
    outcome: str
    details: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The `log --json` object (field names are a contract)."""
        return {
            "id": self.id,
            "at": self.at,
            "action": self.action,
            "item_id": self.item_id,
            "attachment_id": self.attachment_id,
            "program": self.program,
            "version": self.version,
            "outcome": self.outcome,
            "details": self.details,
        }

    def summary(self) -> str:
        """One line for people: the action's details in words."""
        d = self.details
        if self.action == "download":
            status = f" HTTP {d['http_status']}" if d.get("http_status") is not None else ""
            return f"{d.get('url', '')}{status}"
        if self.action == "tag":
            return f"{', '.join(d.get('before', [])) or '(none)'} -> {', '.join(d.get('after', [])) or '(none)'}"
        if self.action in ("attach", "detach", "relink"):
            return str(d.get("name") or d.get("path") or "")
        if self.action == "check":
            return str(d.get("path", ""))
        if self.action in ("item-edit", "download-settings"):
            return ", ".join(f"{key}: {value!r}" for key, value in d.get("after", {}).items())
        if self.action == "note":
            return f"{d.get('length', 0)} characters"
        return str(d.get("summary") or d.get("title") or d.get("name") or "")


def set_program(name: str) -> None:
    """Name the program that writes events in this process (`mediacat` for the CLI, `mediacat-gui` for the app)."""
    global _program
    _program = name


def record(
    conn: sqlite3.Connection,
    action: str,
    *,
    item_id: str | None = None,
    attachment_id: int | None = None,
    outcome: str = "ok",
    **details: Any,
) -> None:
    """Append one event. Call it with the connection of the transaction that makes the change, so both are
    written or neither is."""
    conn.execute(
        "INSERT INTO events(action, item_id, attachment_id, program, version, outcome, details) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (action, item_id, attachment_id, _program, __version__, outcome,
         json.dumps(details, ensure_ascii=False, sort_keys=True, default=str)),
    )


def record_each(conn: sqlite3.Connection, action: str, select: str, parameters: tuple[Any, ...] = ()) -> None:
    """Append one event per row of `select` (rows of `item_id, details JSON text`), in its order, in one
    statement: a batch edit of 20,000 items logs its 20,000 events without a Python loop."""
    conn.execute(
        f"WITH batch(item_id, details) AS ({select}) "
        "INSERT INTO events(action, item_id, program, version, outcome, details) "
        "SELECT ?, item_id, ?, ?, 'ok', details FROM batch",
        (*parameters, action, _program, __version__),
    )


def log_attach(conn: sqlite3.Connection, attachment_id: int, row: dict[str, Any], mime: str) -> None:
    """The events of a new attachment row: a `download` first when its file came from a URL, then `attach`."""
    provenance = row.get("provenance") or {}
    if provenance.get("source") == "download":
        record(conn, "download", item_id=row["item_id"], attachment_id=attachment_id,
               url=provenance.get("source_url"), final_url=provenance.get("final_url"),
               http_status=provenance.get("http_status"), nasa_id=provenance.get("nasa_id"),
               rendition=provenance.get("rendition"))
    record(conn, "attach", item_id=row["item_id"], attachment_id=attachment_id, mode=row["mode"],
           name=row["original_name"], sha256=row["sha256"], size=row["size"], mime=mime,
           source=provenance.get("source"))


def record_alone(library: Any, action: str, **arguments: Any) -> None:
    """Append one event in a transaction of its own (a failure that wrote nothing else: a failed download)."""
    with library.store.transaction() as conn:
        record(conn, action, **arguments)


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$")


def normalize_since(text: str) -> str:
    """A `--since` date (`2026-12-01`, `2026-12-01T10:00`, with or without a zone) as the log's UTC text."""
    value = text.strip()
    if not _DATE.match(value):
        raise EventLogError(f"--since {text!r}: not a date (use YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][Z])")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "T"))
    except ValueError as error:
        raise EventLogError(f"--since {text!r}: not a date ({error})") from error
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


_COLUMNS = "id, at, action, item_id, attachment_id, program, version, outcome, details"


def events(
    library: Any,
    *,
    item_id: str | None = None,
    attachment_id: int | None = None,
    item_ids: list[str] | None = None,
    since: str | None = None,
    limit: int | None = None,
) -> list[Event]:
    """The log, oldest first: of one item, one attachment, some items, or all; from `since` (UTC text) on."""
    where: list[str] = []
    params: list[Any] = []
    if item_id is not None:
        where.append("item_id = ?")
        params.append(item_id)
    if attachment_id is not None:
        where.append("attachment_id = ?")
        params.append(attachment_id)
    if item_ids is not None:
        where.append("item_id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(list(item_ids)))
    if since is not None:
        where.append("at >= ?")
        params.append(since)
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    tail = f" LIMIT {int(limit)}" if limit is not None else ""
    rows = library.store.execute(f"SELECT {_COLUMNS} FROM events {clause} ORDER BY id{tail}", params)
    return [_event(row) for row in rows]


def _event(row: tuple[Any, ...]) -> Event:
    try:
        details = json.loads(row[8])
    except json.JSONDecodeError:
        details = {"text": row[8]}
    return Event(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7],
                 details if isinstance(details, dict) else {"value": details})


def now_utc() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


__all__ = ["ACTIONS", "Event", "EventLogError", "events", "normalize_since", "record", "record_alone", "record_each",
           "set_program"]
