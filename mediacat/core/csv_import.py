"""CSV import: an exported (perhaps spreadsheet-edited) file read back into a plan of tag and note changes by
id (`read_import`), then applied in one transaction, all or nothing (`apply_import`).

The cells are read by `mediacat.core.csv_cells`' rules (`unguard`, `split_values`); a file saved by a spreadsheet
with `;` or tab as its separator is read too. `mediacat.core.csv_create` builds on this module for new items.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from mediacat.core import events
from mediacat.core.changes import Changes
from mediacat.core.csv_cells import CsvError, split_values, unguard
from mediacat.core.errors import MediaCatError
from mediacat.core.jobs import Breather
from mediacat.core.library import Library
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
