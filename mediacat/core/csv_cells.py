"""The CSV cell rules every export and import shares: the columns of the two profiles, the formula guard, cells.

The file is UTF-8 with a byte-order mark (so spreadsheets read non-ASCII text), RFC 4180 quoting with CRLF
row ends, one row per item, several values in one cell joined by "; ". Reading a file back for import
lives in `mediacat.core.csv_import` and uses the same rules (`unguard`, `split_values`); writing a file,
`mediacat.core.csv_export`.

Formula-injection guard (OWASP "CSV Injection", CWE-1236), on unless `raw=True`, in one function, `guard`:
a spreadsheet may read the file with `,`, `;` or tab as its separator, and a reader that does not see the
file's quotes starts a new cell after each `;`, tab or line break inside a value. So every place a cell can
start is guarded: the start of the value and the start of every line, and every text after a `;` or tab.
There, a text that starts (after spaces or `"`) with `=`, `+`, `-`, `@`, `|` or their full-width forms
`＝`, `＋`, `－`, `＠` (some spreadsheets read those as formulas too) gets a leading `'`; so does a value
that starts with a tab or line break. A place that already starts with `'`s before such a text gets one
more, so `unguard` strips exactly one at each such place and import gets back exactly the text. Numeric
columns (a single number per cell) are never prefixed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from mediacat.core.errors import MediaCatError
from mediacat.core.model import Item

BOM = "\ufeff"
VALUE_SEPARATOR = "; "
FORMULA_STARTS = "=+-@|\uff1d\uff0b\uff0d\uff20"  # what a spreadsheet may run as a formula (and DDE's `|`)
GUARDED_FIRST_CHARACTERS = (*FORMULA_STARTS, "\t", "\r", "\n")
_DANGER = re.escape(FORMULA_STARTS)
# Where a cell can start: the value's start, and after a line break, `;` or tab inside it.
_GUARD_AT = re.compile(rf"\A(?='*[ \"]*[{_DANGER}\t\r\n])|(?<=[\r\n;\t])(?='*[ \"]*[{_DANGER}])")
_UNGUARD_AT = re.compile(rf"\A'(?='*[ \"]*[{_DANGER}\t\r\n])|(?<=[\r\n;\t])'(?='*[ \"]*[{_DANGER}])")
_MAY_NEED_GUARD = re.compile(rf"[{_DANGER}\t\r\n]")
EMPTY: list[str] = []  # an empty several-values cell

Cell = str | int | float | list[str] | None


class CsvError(MediaCatError):
    """A CSV file that cannot be written or read (the message names the file and, when known, the line)."""


@dataclass(frozen=True)
class Column:
    """One CSV column: how to get its value from an item, and whether it holds a single number."""

    getter: Callable[[Any], Cell]  # an Item or an export_rows.ExportRecord (the same attributes)
    numeric: bool = False
    description: str = ""


# -- the injection guard -------------------------------------------------------------------------------


def guard(text: str) -> str:
    """The text as written to a spreadsheet-safe cell: a `'` wherever a cell could start with a formula."""
    if not _MAY_NEED_GUARD.search(text):
        return text  # fast path: nothing a spreadsheet could run
    return _GUARD_AT.sub("'", text)


def unguard(text: str) -> str:
    """Undo `guard`: strip exactly one `'` at each place where `guard` put one."""
    if "'" not in text:
        return text
    return _UNGUARD_AT.sub("", text)


def format_cell(value: Cell, *, numeric: bool = False, raw: bool = False) -> str:
    """One cell's text: lists joined by "; " (each value guarded), numbers as written, text guarded."""
    if type(value) is str:
        return value if raw or numeric else guard(value)
    if value is None:
        return ""
    if isinstance(value, list):
        return VALUE_SEPARATOR.join(value if raw else [guard(v) for v in value])
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, int | float):
        text = _number(value)
        return text if raw or numeric else guard(text)
    return value if raw or numeric else guard(value)


def split_values(cell: str) -> list[str]:
    """The values of a several-values cell (as exported: joined by "; "), each unguarded, blanks dropped."""
    return [unguard(part.strip()) for part in cell.split(";") if part.strip()]


def _number(value: int | float) -> str:
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".") if value == value else ""
    return str(value)


# -- columns ---------------------------------------------------------------------------------------------


def _source_citation(item: Item) -> list[str]:
    return [f"{source.outlet} ({source.date}): {source.title}" for source in item.sources]


def _dimensions(item: Item) -> list[str]:
    return [f"{a.width}x{a.height}" if a.width and a.height else "" for a in item.attachments]


def _time(item: Item, key: str) -> str | None:
    value = (item.time or {}).get(key)
    return None if value is None else str(value)


def _durations(item: Item) -> list[str]:
    return [_number(a.duration) if a.duration is not None else "" for a in item.attachments]


COLUMNS: dict[str, Column] = {
    "id": Column(lambda item: item.id, description="the item's stable id (import matches rows by it)"),
    "title": Column(lambda item: item.title),
    "media_type": Column(lambda item: item.media_type, description="image, video or audio"),
    "kind": Column(lambda item: item.kind),
    "camera": Column(lambda item: item.camera, description="camera or instrument"),
    "date_taken": Column(lambda item: item.date_taken, description="ISO date"),
    "mission_phase": Column(lambda item: item.mission_phase, description="phase id"),
    "credit": Column(lambda item: item.credit),
    "description": Column(lambda item: item.description),
    "nasa_ids": Column(lambda item: list(item.nasa_ids), description="NASA image ids"),
    "official_urls": Column(lambda item: list(item.official_urls)),
    "media_urls": Column(lambda item: list(item.media_urls), description="direct links to the media files"),
    "sources": Column(_source_citation, description="each article as `outlet (date): title`"),
    "source_quotes": Column(lambda item: [s.quote for s in item.sources], description="the quotes, same order"),
    "tags": Column(lambda item: list(item.tags), description="imported back"),
    "notes": Column(lambda item: item.notes, description="imported back; line breaks kept inside the cell"),
    "attachment_paths": Column(lambda item: [a.resolved_path for a in item.attachments]),
    "attachment_sha256": Column(lambda item: [a.sha256 for a in item.attachments]),
    "attachment_sizes": Column(lambda item: [str(a.size) for a in item.attachments], description="bytes"),
    "attachment_dimensions": Column(_dimensions, description="`WIDTHxHEIGHT`, empty when not known"),
    "attachment_durations": Column(_durations, description="seconds, empty when not known"),
    "attachment_count": Column(lambda item: len(item.attachments), numeric=True),
    "source_count": Column(lambda item: len(item.sources), numeric=True),
    # built-in media: the NASA files shipped with the seed catalog (read-only, not attachments; never imported)
    "builtin_media_paths": Column(lambda item: [m.path for m in item.builtin_media],
                                  description="the shipped files' absolute paths"),
    "builtin_media_sha256": Column(lambda item: [m.sha256 for m in item.builtin_media]),
    "builtin_media_relations": Column(lambda item: [m.relation for m in item.builtin_media],
                                      description="own-image, one-of-set, frame-of-clip or related"),
    "builtin_media_credits": Column(lambda item: [m.credit for m in item.builtin_media]),
    "builtin_media_dimensions": Column(lambda item: [f"{m.width}x{m.height}" if m.width and m.height else ""
                                                     for m in item.builtin_media], description="`WIDTHxHEIGHT`"),
    "builtin_media_media_types": Column(lambda item: [m.media_type for m in item.builtin_media]),
    "builtin_media_sources": Column(lambda item: [m.source.get("url", "") for m in item.builtin_media],
                                    description="where each file was found (a repository URL at a commit)"),
    # issue 14: when the media were taken (see README "Times"); empty when nothing says
    "time_scet": Column(lambda item: _time(item, "scet"), description="UTC spacecraft event time (span start)"),
    "time_precision": Column(lambda item: _time(item, "precision"), description="second, minute, hour or day"),
    "time_ert": Column(lambda item: _time(item, "ert"), description="UTC Earth-received time (SCET + light time)"),
    "time_sol": Column(lambda item: (item.time or {}).get("sol"), description="mission sol (landing sol = 0)",
                       numeric=True),
    "time_lmst": Column(lambda item: _time(item, "lmst"), description="local mean solar time at Jezero"),
}

DEFAULT_COLUMNS = (
    "id", "title", "media_type", "kind", "camera", "date_taken", "mission_phase", "credit", "description",
    "nasa_ids", "official_urls", "sources", "source_quotes", "tags", "notes", "attachment_paths",
    "attachment_sha256", "attachment_sizes", "attachment_dimensions", "attachment_durations",
    "builtin_media_paths", "builtin_media_sha256", "builtin_media_relations", "builtin_media_credits",
    "builtin_media_dimensions", "builtin_media_media_types", "builtin_media_sources",
    "time_scet", "time_precision", "time_ert", "time_sol", "time_lmst",
)  # fmt: skip

DCMI_TYPES = {"image": "StillImage", "video": "MovingImage", "audio": "Sound"}

DUBLIN_CORE_COLUMNS: dict[str, Column] = {
    "dc:title": Column(lambda item: item.title),
    "dc:type": Column(lambda item: DCMI_TYPES.get(item.media_type, item.media_type),
                      description="DCMI type: StillImage, MovingImage or Sound"),
    "dc:date": Column(lambda item: item.date_taken, description="date taken"),
    "dc:creator": Column(lambda item: item.credit, description="the credit line"),
    "dc:rights": Column(lambda item: f"Credit: {item.credit}" if item.credit else None),
    "dc:source": Column(lambda item: list(item.official_urls), description="official pages"),
    "dc:subject": Column(lambda item: list(item.tags), description="tags (imported back)"),
    "dc:identifier": Column(lambda item: item.id, description="the item's id (import matches rows by it)"),
    "dc:description": Column(lambda item: item.description),
}

PROFILES: dict[str, tuple[dict[str, Column], tuple[str, ...]]] = {
    "default": (COLUMNS, DEFAULT_COLUMNS),
    "dublin-core": (DUBLIN_CORE_COLUMNS, tuple(DUBLIN_CORE_COLUMNS)),
}


def resolve_columns(profile: str = "default", columns: Sequence[str] | None = None) -> list[tuple[str, Column]]:
    """The (header, column) pairs to write: the profile's default set, or the named ones in that order."""
    if profile not in PROFILES:
        raise CsvError(f"unknown CSV profile {profile!r} (known: {', '.join(PROFILES)})")
    registry, default = PROFILES[profile]
    names = [name.strip() for name in columns if name.strip()] if columns is not None else list(default)
    if not names:
        raise CsvError("no columns to export")
    unknown = [name for name in names if name not in registry]
    if unknown:
        raise CsvError(
            f"unknown column {unknown[0]!r} for profile {profile!r} (known: {', '.join(registry)})"
        )
    if len(set(names)) != len(names):
        duplicate = next(name for name in names if names.count(name) > 1)
        raise CsvError(f"column {duplicate!r} is named twice")
    return [(name, registry[name]) for name in names]


def cell_text(cell: Cell, numeric: bool, raw: bool) -> str:
    """A column getter's value as written: only text is guarded (a plain string goes straight to guard(), an
    empty cell is "", and only the rest, numbers and lists of values, takes format_cell's general path)."""
    if type(cell) is str:
        return cell if raw or numeric else guard(cell)
    if cell is None or cell == EMPTY:
        return ""
    return format_cell(cell, numeric=numeric, raw=raw)

