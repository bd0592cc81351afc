"""`import-csv --create`: rows whose id is not in the catalog become items of the user's own.

The row's columns give the fields (MediaCat's own names, or the Dublin Core profile's: dc:title, dc:type,
dc:date, dc:creator, dc:description, dc:identifier, dc:subject); tags and notes then import as usual. Every
row is checked before anything is written; one bad row and nothing is created.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from mediacat.core.changes import Changes
from mediacat.core.csv_cells import DCMI_TYPES, CsvError, split_values, unguard
from mediacat.core.csv_import import ImportPlan, _decode, _delimiter, apply_import, read_import
from mediacat.core.errors import MediaCatError
from mediacat.core.library import Library
from mediacat.core.tags import set_notes_many, set_tags_many
from mediacat.core.user_items import FIELDS, LIST_FIELDS, add_item, delete_item, normalize_field

_DC = {"dc:identifier": "id", "dc:title": "title", "dc:type": "media_type", "dc:date": "date_taken",
       "dc:creator": "credit", "dc:description": "description", "dc:subject": "tags"}
_FROM_DCMI = {value: key for key, value in DCMI_TYPES.items()}


@dataclass(frozen=True)
class NewRow:
    line: int
    item_id: str
    values: dict[str, Any]


def plan_new_items(library: Library, path: str | os.PathLike[str]) -> tuple[list[NewRow], list[str]]:
    """The rows with an unknown id, as new items, and every problem (`FILE:LINE: message`)."""
    rows, problems = _plan(library, Path(path))
    return rows, [f"{path}:{line}: {message}" for line, message in problems]


def _plan(library: Library, path: Path) -> tuple[list[NewRow], list[tuple[int, str]]]:
    text = _decode(path)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        header = [_DC.get(cell.strip().lower(), cell.strip().lower()) for cell in next(reader)]
    except (StopIteration, csv.Error) as error:
        raise CsvError(f"{path}: line 1: no CSV header ({error})") from error
    if "id" not in header:
        raise CsvError(f"{path}: line 1: the header has no 'id' column")
    known = {row[0] for row in library.store.execute("SELECT id FROM items")}
    rows: list[NewRow] = []
    problems: list[tuple[int, str]] = []
    for cells in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in cells) or len(cells) != len(header):
            continue  # read_import reports the malformed rows
        row = dict(zip(header, cells, strict=True))
        item_id = row["id"].strip()
        if not item_id or item_id in known:
            continue
        values: dict[str, Any] = {}
        try:
            for name in FIELDS:
                if name not in row or not row[name].strip():
                    continue
                raw: str | list[str] = split_values(row[name]) if name in LIST_FIELDS else unguard(row[name])
                if name == "media_type" and isinstance(raw, str):
                    raw = _FROM_DCMI.get(raw.strip(), raw.strip())
                values[name] = normalize_field(library, f"new item {item_id!r}", name, raw)
            for required in ("title", "media_type"):
                if required not in values:
                    raise MediaCatError(f"new item {item_id!r} needs a {required}")
        except MediaCatError as error:
            problems.append((line, str(error)))
            continue
        rows.append(NewRow(line, item_id, values))
    return rows, problems


def create_items(library: Library, rows: list[NewRow]) -> list[str]:
    """Add the planned items (one transaction); tags and notes come with the import that follows."""
    with library.store.transaction():
        return [add_item(library, row.values, item_id=row.item_id).item_id for row in rows]


# -- the app's import with --create: a preview read first, then one operation, undoable ----------------------


@dataclass(frozen=True)
class CreatingImportPreview:
    """What `import-csv --create` would do: the new items, the tag and note changes of the items already in the
    catalog (the new items' own tags and notes come with them), and every problem (`FILE:LINE: message`)."""

    new_rows: list[NewRow]
    plan: ImportPlan
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        return f"{len(self.new_rows)} new items, {self.plan.summary()}"


def preview_creating_import(library: Library, path: str | os.PathLike[str]) -> CreatingImportPreview:
    """Read the file (nothing is written): the rows that would become items, and what else it changes."""
    path = Path(path)
    new_rows, new_problems = _plan(library, path)
    plan = read_import(library, path)
    created = {row.item_id for row in new_rows}
    problem_lines = {line for line, _message in new_problems}
    plan = replace(plan, unknown_ids=[(line, item_id) for line, item_id in plan.unknown_ids
                                      if item_id not in created and line not in problem_lines],
                   changes=[c for c in plan.changes if c.item_id not in created])
    problems = replace(plan, errors=[*plan.errors, *new_problems]).problems()  # in line order, FILE:LINE: ...
    return CreatingImportPreview(new_rows, plan, problems)


@dataclass(frozen=True)
class CreatingImport:
    """What an import with --create did: the items it created (their rows), and every item's tags and notes
    before and after (undo removes the new items and puts the rest back; redo makes them again)."""

    rows: list[NewRow]
    tags_before: dict[str, tuple[str, ...]]
    tags_after: dict[str, tuple[str, ...]]
    notes_before: dict[str, str]
    notes_after: dict[str, str]
    applied: bool = True

    @property
    def created_ids(self) -> list[str]:
        return [row.item_id for row in self.rows]

    @property
    def changes(self) -> Changes:
        ids = {*self.created_ids, *self.tags_before, *self.notes_before}
        return Changes.of_items(ids, item_set=bool(self.rows), facets=bool(self.rows), tags=True, events=True)


def import_creating(library: Library, path: str | os.PathLike[str]) -> CreatingImport:
    """`import-csv --create` in one transaction: the new items, then the file's tags and notes; one problem
    anywhere and nothing is written."""
    path = Path(path)
    with library.store.transaction():
        rows, problems = plan_new_items(library, path)
        if problems:
            raise CsvError(f"{len(problems)} problem(s); nothing was imported: {problems[0]}")
        create_items(library, rows)
        plan = read_import(library, path)
        if not plan.ok:
            found = plan.problems()
            raise CsvError(f"{len(found)} problem(s); nothing was imported: {found[0]}")
        result = apply_import(library, plan)
    notes_before = {edit.item_id: edit.before for edit in result.note_edits}
    notes_after = {edit.item_id: edit.after for edit in result.note_edits}
    return CreatingImport(rows, dict(result.tag_edit.before), dict(result.tag_edit.after), notes_before,
                          notes_after)


def undo_creating_import(library: Library, done: CreatingImport) -> CreatingImport:
    """Undo (applied) or redo (not applied) an import with --create, in one transaction."""
    created = set(done.created_ids)
    with library.store.transaction():
        if done.applied:
            set_tags_many(library, {k: v for k, v in done.tags_before.items() if k not in created})
            set_notes_many(library, {k: v for k, v in done.notes_before.items() if k not in created})
            for item_id in done.created_ids:
                delete_item(library, item_id)
        else:
            create_items(library, done.rows)
            set_tags_many(library, done.tags_after)
            set_notes_many(library, done.notes_after)
    return replace(done, applied=not done.applied)
