"""CSV export (two column profiles, spreadsheet-safe by default, written atomically) and its cell rules.

The file is UTF-8 with a byte-order mark (so spreadsheets read non-ASCII text), RFC 4180 quoting with CRLF
row ends, one row per item, several values in one cell joined by "; ". Reading a file back for import
lives in `mediacat.core.csvimport` and uses the same rules (`unguard`, `split_values`).

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

import contextlib
import csv
import io
import os
import re
import secrets
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from mediacat.core import events
from mediacat.core.changes import Changes
from mediacat.core.errors import MediaCatError
from mediacat.core.export_rows import export_records
from mediacat.core.jobs import Breather, Job
from mediacat.core.library import Library
from mediacat.core.model import Item
from mediacat.core.store.chunks import chunks, marks
from mediacat.core.tags import (
    NoteEdit,
    TagEdit,
    normalize_note,
    normalize_tags,
    set_notes_many,
    set_tags_many,
    tag_key,
    tags_of,
)

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
EXPORT_CHUNK = 250  # items loaded and written per step (one progress report each)

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


# -- export ---------------------------------------------------------------------------------------------


def export_csv(
    library: Library,
    item_ids: Sequence[str],
    out: str | os.PathLike[str] | BinaryIO,
    *,
    columns: Sequence[str] | None = None,
    profile: str = "default",
    raw: bool = False,
    job: Job | None = None,
    per_item: bool = False,
) -> int:
    """Write the items as CSV to a file (atomically: temporary file, then rename) or a binary stream.

    Returns the number of rows written. On any failure or cancel, an existing file at `out` is untouched
    and no temporary file remains.

    The default profile's columns come from set-based SQL (`mediacat.core.export_sql`); `per_item=True` writes
    the same bytes from each item's record and column getters (the reference the tests compare with).
    """
    selected = resolve_columns(profile, columns)
    job = job or Job()
    if isinstance(out, str | os.PathLike):
        return _export_to_file(library, list(item_ids), Path(out), selected, raw, job, per_item)
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=False)
    try:
        return _write_rows(library, list(item_ids), text, selected, raw, job, per_item)
    finally:
        text.flush()
        text.detach()


def _write_rows(
    library: Library, item_ids: list[str], stream: io.TextIOBase, selected: list[tuple[str, Column]],
    raw: bool, job: Job, per_item: bool = False,
) -> int:
    stream.write(BOM)
    writer = csv.writer(stream, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([header for header, _column in selected])
    total = len(item_ids)
    written = 0
    job.report(0, total, "rows")
    from mediacat.core.export_sql import sql_rows  # (it reads this module's columns)

    fast = None if per_item else sql_rows(library, item_ids, selected, raw, cell_text, EXPORT_CHUNK)
    chunked = fast if fast is not None else _record_rows(library, item_ids, selected, raw)
    with contextlib.closing(chunked):  # (on a failure too: its reader thread and connection end now)
        for count, rows in chunked:  # the finished CSV text of `count` rows, or their cells
            if isinstance(rows, str):
                stream.write(rows)
            else:
                writer.writerows(rows)
            if (written + count) // EXPORT_CHUNK > written // EXPORT_CHUNK:
                job.check()
                job.report(written + count, total, "rows")
            written += count
    job.report(total, total, "rows")
    job.check()
    return written


def cell_text(cell: Cell, numeric: bool, raw: bool) -> str:
    """A column getter's value as written: only text is guarded (a plain string goes straight to guard(), an
    empty cell is "", and only the rest, numbers and lists of values, takes format_cell's general path)."""
    if type(cell) is str:
        return cell if raw or numeric else guard(cell)
    if cell is None or cell == EMPTY:
        return ""
    return format_cell(cell, numeric=numeric, raw=raw)


def _record_rows(
    library: Library, item_ids: list[str], selected: list[tuple[str, Column]], raw: bool
) -> Generator[tuple[int, str | list[Sequence[str]]], None, None]:
    """The rows from the per-item path (`export_records` and each column's getter), EXPORT_CHUNK at a time."""
    getters = [(column.getter, column.numeric) for _header, column in selected]
    rows: list[Sequence[str]] = []
    for record in export_records(library, item_ids):
        rows.append([cell_text(getter(record), numeric, raw) for getter, numeric in getters])
        if len(rows) == EXPORT_CHUNK:
            yield len(rows), rows
            rows = []
    if rows:
        yield len(rows), rows


def _export_to_file(
    library: Library, item_ids: list[str], path: Path, selected: list[tuple[str, Column]], raw: bool, job: Job,
    per_item: bool,
) -> int:
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise CsvError(f"{path}: is a folder; give a file name for the CSV export")
    temp = folder / f".{path.name}.{secrets.token_hex(4)}.tmp"
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as error:
        raise CsvError(f"{path}: cannot write the CSV file ({error.strerror or error})") from error
    try:
        with open(fd, "w", encoding="utf-8", newline="") as stream:
            written = _write_rows(library, item_ids, stream, selected, raw, job, per_item)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp, path)
    except BaseException as error:
        with contextlib.suppress(OSError):
            temp.unlink()
        if isinstance(error, OSError):
            raise CsvError(f"{path}: cannot write the CSV file ({error.strerror or error})") from error
        raise
    _fsync_folder(folder)
    return written


def _fsync_folder(folder: Path) -> None:
    """Make the rename durable (best effort: not every platform can open a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# -- import ---------------------------------------------------------------------------------------------

IMPORT_ALIASES = {"id": "id", "tags": "tags", "notes": "notes", "dc:identifier": "id", "dc:subject": "tags"}


@dataclass(frozen=True)
class RowChange:
    """What one row of an import file changes; `None` means "this field is not changed"."""

    line: int
    item_id: str
    tags_before: tuple[str, ...]
    tags_after: tuple[str, ...] | None
    note_before: str
    note_after: str | None


@dataclass(frozen=True)
class ImportPlan:
    """What an import file would change, and everything wrong with it (line numbers count from 1)."""

    path: Path
    fields: tuple[str, ...]  # which of "tags", "notes" the file carries
    rows: int
    changes: list[RowChange]
    errors: list[tuple[int, str]]
    unknown_ids: list[tuple[int, str]]

    @property
    def ok(self) -> bool:
        return not self.errors and not self.unknown_ids

    def problems(self) -> list[str]:
        """Every problem as `FILE:LINE: message`, in line order."""
        found = [(line, msg) for line, msg in self.errors]
        found += [(line, f"no item with id {item_id!r} in the catalog") for line, item_id in self.unknown_ids]
        return [f"{self.path}:{line}: {msg}" for line, msg in sorted(found)]

    def summary(self) -> str:
        tags = sum(1 for change in self.changes if change.tags_after is not None)
        notes = sum(1 for change in self.changes if change.note_after is not None)
        return f"{self.rows} rows: tags change on {tags} items, notes on {notes} items"


@dataclass(frozen=True)
class ImportResult:
    """What an applied import changed; undo restores `tag_edit.before` and each note edit's `before`."""

    tag_edit: TagEdit
    note_edits: list[NoteEdit]

    @property
    def changes(self) -> Changes:
        noted = Changes.of_items(edit.item_id for edit in self.note_edits if edit.changed)
        return self.tag_edit.changes | noted | Changes(events=True)  # and the import's own event


def read_import(library: Library, path: str | os.PathLike[str]) -> ImportPlan:
    """Read an exported (perhaps spreadsheet-edited) CSV file and plan its tag and note changes by id.

    Only the `id`, `tags` and `notes` columns are read (`dc:identifier`, `dc:subject` in Dublin Core files);
    every other column is ignored. File-level problems (unreadable, not UTF-8, not CSV, wrong header) raise
    CsvError; row problems are collected in the plan with their line numbers.
    """
    path = Path(path)
    text = _decode(path)
    delimiter = _delimiter(text)
    # The csv module refuses cells over 131,072 characters by default; a note may be longer, and every note
    # that export writes must import back (the whole file is already in memory, so this bounds nothing).
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1, 1 << 20))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise CsvError(f"{path}: the file is empty; expected a CSV export with a header line") from None
    except csv.Error as error:
        raise CsvError(f"{path}: line 1: not valid CSV ({error})") from error
    positions = _header_positions(path, header)
    fields = tuple(name for name in ("tags", "notes") if name in positions)
    errors: list[tuple[int, str]] = []
    unknown: list[tuple[int, str]] = []
    wanted: dict[str, tuple[int, tuple[str, ...] | None, str | None]] = {}
    rows = 0
    line = reader.line_num
    breather = Breather()  # read on a worker: the GUI thread gets the interpreter lock between rows
    while True:
        breather.breathe()
        start = line + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            errors.append((start, f"not valid CSV ({error}); the rest of the file was not read"))
            break
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        rows += 1
        if len(row) != len(header):
            errors.append((start, f"{len(row)} cells, but the header has {len(header)}"))
            continue
        item_id = row[positions["id"]].strip()
        if not item_id:
            errors.append((start, "the id cell is empty"))
            continue
        if item_id in wanted:
            errors.append((start, f"id {item_id!r} is also on line {wanted[item_id][0]}"))
            continue
        try:
            tags = normalize_tags(split_values(row[positions["tags"]])) if "tags" in positions else None
            note = normalize_note(unguard(row[positions["notes"]])) if "notes" in positions else None
        except MediaCatError as error:
            errors.append((start, str(error)))
            continue
        wanted[item_id] = (start, tuple(tags) if tags is not None else None, note)
    known = _existing_ids(library, list(wanted))
    unknown = [(entry[0], item_id) for item_id, entry in wanted.items() if item_id not in known]
    found = [item_id for item_id in wanted if item_id in known]
    current_tags = tags_of(library, found)
    current_notes = _notes_of(library, found)
    changes = []
    for item_id in found:
        breather.breathe()
        line_number, wanted_tags, note = wanted[item_id]
        tags_change = wanted_tags if wanted_tags is not None and \
            _tag_set(wanted_tags) != _tag_set(current_tags[item_id]) else None
        note_change = note if note is not None and note != current_notes[item_id] else None
        if tags_change is not None or note_change is not None:
            changes.append(
                RowChange(line_number, item_id, current_tags[item_id], tags_change, current_notes[item_id], note_change)
            )
    return ImportPlan(path, fields, rows, changes, errors, unknown)


def apply_import(library: Library, plan: ImportPlan) -> ImportResult:
    """Apply a plan in one transaction, all or nothing; refuses a plan with problems or gone stale."""
    if not plan.ok:
        count = len(plan.errors) + len(plan.unknown_ids)
        raise CsvError(f"{plan.path}: {count} problem(s) in the file; nothing was imported")
    with library.store.transaction() as conn:
        events.record(conn, "import", file=str(plan.path), summary=plan.summary())
        ids = [change.item_id for change in plan.changes]
        current_tags = tags_of(library, ids)
        current_notes = _notes_of(library, ids)
        breather = Breather()
        for change in plan.changes:
            breather.breathe()
            if (
                _tag_set(current_tags[change.item_id]) != _tag_set(change.tags_before)
                or current_notes[change.item_id] != change.note_before
            ):
                raise CsvError(
                    f"{plan.path}:{change.line}: item {change.item_id!r} changed since the file was read; "
                    "nothing was imported (read it again)"
                )
        tag_edit = set_tags_many(
            library, {c.item_id: c.tags_after for c in plan.changes if c.tags_after is not None}
        )
        note_edits = set_notes_many(
            library, {c.item_id: c.note_after for c in plan.changes if c.note_after is not None}
        )
    return ImportResult(tag_edit, note_edits)


def _decode(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CsvError(f"{path}: cannot read the file ({error.strerror or error})") from error
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CsvError(f"{path}: the file is UTF-16 text; save it as CSV in UTF-8 (\"CSV UTF-8\")")
    if data.startswith(b"PK\x03\x04"):
        raise CsvError(f"{path}: this is a spreadsheet workbook (XLSX/ODS), not CSV; save it as \"CSV UTF-8\"")
    offset = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    if b"\x00" in data:
        raise CsvError(f"{path}: not a CSV file (it holds binary data: a NUL byte at offset {data.index(0)})")
    try:
        return data[offset:].decode("utf-8")
    except UnicodeDecodeError as error:
        position = offset + error.start
        line = data.count(b"\n", 0, position) + 1
        raise CsvError(
            f"{path}: not UTF-8 text: byte 0x{data[position]:02X} at offset {position} (line {line}); "
            "save the file as CSV in UTF-8 (\"CSV UTF-8\")"
        ) from error


def _delimiter(text: str) -> str:
    """`,` as MediaCat writes; `;` or tab when a spreadsheet saved the file with that separator instead."""
    first_line = text.split("\n", 1)[0]
    if "," not in first_line:
        for candidate in (";", "\t"):
            if candidate in first_line:
                return candidate
    return ","


def _header_positions(path: Path, header: list[str]) -> dict[str, int]:
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = IMPORT_ALIASES.get(cell.strip().lower())
        if name is None:
            continue
        if name in positions:
            raise CsvError(f"{path}: line 1: the header names the {name!r} column twice")
        positions[name] = index
    shown = ", ".join(repr(cell[:30]) for cell in header[:8]) + (" …" if len(header) > 8 else "")
    if "id" not in positions:
        raise CsvError(
            f"{path}: line 1: not a MediaCat CSV export: the header has no 'id' column (found {shown})"
        )
    if "tags" not in positions and "notes" not in positions:
        raise CsvError(f"{path}: line 1: the header has neither a 'tags' nor a 'notes' column: nothing to import")
    return positions


def _existing_ids(library: Library, item_ids: list[str]) -> set[str]:
    found: set[str] = set()
    for chunk in chunks(item_ids):
        rows = library.store.execute(f"SELECT id FROM items WHERE id IN ({marks(chunk)})", list(chunk))
        found.update(row[0] for row in rows)
    return found


def _notes_of(library: Library, item_ids: list[str]) -> dict[str, str]:
    notes: dict[str, str] = {}
    for chunk in chunks(item_ids):
        rows = library.store.execute(f"SELECT id, notes FROM items WHERE id IN ({marks(chunk)})", list(chunk))
        notes.update(dict(rows.fetchall()))
    return notes


def _tag_set(tags: Sequence[str]) -> set[str]:
    return {tag_key(tag) for tag in tags}
