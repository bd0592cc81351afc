"""`import-csv --create`: rows whose id is not in the catalog become items of the user's own.

The row's columns give the fields (MediaCat's own names, or the Dublin Core profile's: dc:title, dc:type,
dc:date, dc:creator, dc:description, dc:identifier, dc:subject); tags and notes then import as usual. Every
row is checked before anything is written; one bad row and nothing is created.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mediacat.core.csvio import DCMI_TYPES, CsvError, _decode, _delimiter, split_values, unguard
from mediacat.core.errors import MediaCatError
from mediacat.core.library import Library
from mediacat.core.user_items import FIELDS, LIST_FIELDS, add_item, normalize_field

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
    path = Path(path)
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
    problems: list[str] = []
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
            problems.append(f"{path}:{line}: {error}")
            continue
        rows.append(NewRow(line, item_id, values))
    return rows, problems


def create_items(library: Library, rows: list[NewRow]) -> list[str]:
    """Add the planned items (one transaction); tags and notes come with the import that follows."""
    with library.store.transaction():
        return [add_item(library, row.values, item_id=row.item_id).item_id for row in rows]
