"""The default profile's CSV rows from set-based SQL (issue 12), streamed as tuples of finished cells.

`sql_rows(library, item_ids, selected, raw)` gives the rows `csv_export._write_rows` writes, in chunks, or None when a
selected column has no SQL form here (the Dublin Core profile, a column added since): then the per-item path
(`export_rows.export_records` and each column's getter) writes the file. Both paths write the same bytes; the
tests compare them on hostile values.

Where each cell comes from:
- the item's own fields, its tags, sources and JSON lists: one SQL query per chunk of ids, each several-values
  cell already joined with "; " by `group_concat` (in the order the per-item path reads them; an empty JSON list
  without `json_each`), the chunk's cells and rows joined into one string (`_CELL`, `_ROW`). The queries run on
  a thread of their own with a second connection: one `sqlite3_step` per chunk, during which SQLite lets go of
  the interpreter lock, so the next chunk is made on one core while this thread quotes and writes the last one
  on the other (quoting there, not in SQL: a `CASE` of four `instr` per cell was a quarter of the query);
- attachments and built-in media (few items have them): each column's own getter, per item that has any;
- the time columns: the column getters on `timeline.time_json`, once per distinct span (a day of the catalog,
  or an item's own time), looked up per row.

In the usual column order (the SQL cells first) a row's CSV line is its cells joined by "," (`_csv_cells`
quotes a cell as `csv.writer` does, only in a row holding `"`, `,`, CR or LF), then the other columns' CSV
fragments; otherwise the rows go to `csv.writer` as tuples.

The formula guard (`csv_cells.guard`) runs only where a cell could start a formula: first one look at the chunk's
whole text (`_chunk_may_need_guard`: the two patterns below, or when the text holds no formula character but
`-`, no tab and no CR, two patterns led by a literal over the text reversed), then, in a chunk it matches, two
precompiled patterns over each row's joined cells find every place a cell, a value or a line can start with
`= + - @ |` (or a full-width form), a tab or a line break, and more (a superset: they ignore which cell is text).
A row they do not match is written as SQLite made it. In a row they match, text cells go through `guard`; a
several-values cell that matches is re-read with the per-item path (which guards each value), with the others
of its chunk in one go; so is a whole chunk in which a value holds `_CELL` or `_ROW`.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import queue
import re
import sqlite3
import threading
from collections.abc import Callable, Generator, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from mediacat.core.csv_cells import COLUMNS, FORMULA_STARTS, Column
from mediacat.core.errors import LibraryError
from mediacat.core.export_rows import export_records

if TYPE_CHECKING:
    from mediacat.core.library import Library

_LIST = "coalesce((SELECT group_concat(v, '; ') FROM ({})), '')"
# (an empty list, most items' own, is answered without json_each and its sorter: ~7 % of the query)
_JSON_LIST = ("CASE i.{0} WHEN '[]' THEN '' ELSE "
              + _LIST.format("SELECT value AS v FROM json_each(i.{0}) ORDER BY key") + " END")
_SOURCES = ("SELECT {} AS v FROM source_links s JOIN articles a ON a.id = s.article_id WHERE s.item_id = i.id "
            "ORDER BY s.position")

# name -> (SQL expression of the finished, unguarded cell, kind: "text", "list" or "number")
SQL_CELLS: dict[str, tuple[str, str]] = {
    "id": ("i.id", "text"),
    "title": ("i.title", "text"),
    "media_type": ("i.media_type", "text"),
    "kind": ("i.kind", "text"),
    "camera": ("coalesce(i.camera, '')", "text"),
    "date_taken": ("coalesce(i.date_taken, '')", "text"),
    "mission_phase": ("coalesce(i.mission_phase, '')", "text"),
    "credit": ("coalesce(i.credit, '')", "text"),
    "description": ("i.description", "text"),
    "notes": ("i.notes", "text"),
    "nasa_ids": (_JSON_LIST.format("nasa_ids"), "list"),
    "official_urls": (_JSON_LIST.format("official_urls"), "list"),
    "media_urls": (_JSON_LIST.format("media_urls"), "list"),
    "sources": (_LIST.format(_SOURCES.format("a.outlet || ' (' || a.date || '): ' || a.title")), "list"),
    "source_quotes": (_LIST.format(_SOURCES.format("s.quote")), "list"),
    "tags": (_LIST.format("SELECT t.name AS v FROM item_tags it JOIN tags t ON t.id = it.tag_id "
                          "WHERE it.item_id = i.id ORDER BY t.name COLLATE NOCASE"), "list"),
    "source_count": ("CAST((SELECT count(*) FROM source_links s JOIN articles a ON a.id = s.article_id "
                     "WHERE s.item_id = i.id) AS TEXT)", "number"),
}
ATTACHMENT_CELLS: tuple[str, ...] = (
    "attachment_paths", "attachment_sha256", "attachment_sizes", "attachment_dimensions", "attachment_durations",
    "attachment_count")
BUILTIN_CELLS: tuple[str, ...] = (
    "builtin_media_paths", "builtin_media_sha256", "builtin_media_relations", "builtin_media_credits",
    "builtin_media_dimensions", "builtin_media_media_types", "builtin_media_sources")
TIME_CELLS: tuple[str, ...] = ("time_scet", "time_precision", "time_ert", "time_sol", "time_lmst")

# Every place in _CELL + _CELL.join(cells) where `guard` could put a `'` (a superset): a cell's or a value's start
# (after "; "), then quotes and spaces, then a formula character, tab or line break (_AT_A_START); or a line
# break, `;` or tab inside a value, then quotes and spaces, then a formula character (_INSIDE). Two patterns, each
# led by one character class, which `re` scans for fast (their alternation is four times slower).
_FORMULA = re.escape(FORMULA_STARTS)
_AT_A_START = re.compile(f"[\x1f;][ '\"]*[{_FORMULA}\t\r\n]")
_INSIDE = re.compile(f"[\r\n\t;][ '\"]*[{_FORMULA}]")

_CELL, _ROW = "\x1f", "\x1e"  # (a value holding either: that chunk is written by the per-item path)
_IN_A_CHUNK = re.compile(f"[,;\x1f\x1e][ '\"]*[{_FORMULA}\t\r\n]")  # _AT_A_START in a chunk's text (and after ",")
# The same two looks at a chunk's text when it holds no formula character but `-`, and no tab or CR (all but a few
# chunks): `re` tries a pattern at each place of its first character class, and `,` and _CELL are everywhere, so
# the look is made on the text reversed, by two patterns each led by one literal (a `-`, a line break: far fewer;
# `re` finds a literal fast), then quotes and spaces, then the cell, value or line start before it.
_RARE = tuple(character for character in FORMULA_STARTS + "\t\r" if character != "-")  # (`in`: faster than `re`)
_REVERSED = (re.compile("-[ '\"]*[,;\x1f\x1e\n]"), re.compile("\n[ '\"]*[,;\x1f\x1e]"))
Row = tuple[str, ...]
CellFormat = Callable[[Any, bool, bool], str]


class _Children:
    """What a column getter of the attachment, built-in media or time columns reads of an item."""

    __slots__ = ("attachments", "builtin_media", "time")

    def __init__(self, attachments: Sequence[Any] = (), builtin_media: Sequence[Any] = (),
                 time: dict[str, Any] | None = None) -> None:
        self.attachments = attachments
        self.builtin_media = builtin_media
        self.time = time


def sql_rows(library: Library, item_ids: Sequence[str], selected: list[tuple[str, Column]], raw: bool,
             cell: CellFormat, chunk: int) -> Generator[tuple[int, str | list[Sequence[str]]], None, None] | None:
    """The rows of `item_ids` (in that order; unknown ids skipped) by up to `chunk`: (how many, the CSV text or
    the rows' cells), or None when a selected column is not one of the default profile's own (`cell` formats a
    getter's value, as csv_cells.cell_text does)."""
    names = [name for name, _column in selected]
    if any(COLUMNS.get(name) is not column for name, column in selected):
        return None
    groups = (ATTACHMENT_CELLS, BUILTIN_CELLS, TIME_CELLS)
    if any(name not in SQL_CELLS and not any(name in group for group in groups) for name in names):
        return None
    return _rows(library, list(item_ids), selected, raw, cell, chunk)


def _rows(library: Library, item_ids: list[str], selected: list[tuple[str, Column]], raw: bool,
          cell: CellFormat, chunk: int) -> Generator[tuple[int, str | list[Sequence[str]]], None, None]:
    names = [name for name, _column in selected]
    sql_names = [name for name in names if name in SQL_CELLS]
    parts: dict[tuple[str, ...], list[tuple[str, Column]]] = {
        group: [(name, column) for name, column in selected if name in group]
        for group in (ATTACHMENT_CELLS, BUILTIN_CELLS, TIME_CELLS)}
    order = sql_names + [name for group in parts.values() for name, _column in group]
    reorder = None if order == names else _picker([order.index(name) for name in names])
    with_times = bool(parts[TIME_CELLS])

    def cells_of(group: tuple[str, ...], children: _Children) -> Row:
        return tuple(cell(column.getter(children), column.numeric, raw) for _name, column in parts[group])

    attachments = _by_item(library, item_ids, ATTACHMENT_CELLS, parts, cells_of)
    builtin = _by_item(library, item_ids, BUILTIN_CELLS, parts, cells_of)
    no_attachments = cells_of(ATTACHMENT_CELLS, _Children())
    no_builtin = cells_of(BUILTIN_CELLS, _Children())
    times = _TimeCells(library, lambda time: cells_of(TIME_CELLS, _Children(time=time))) if with_times else None

    kinds = [SQL_CELLS[name][1] for name in sql_names]
    width = len(sql_names)
    tail = ("coalesce(t.scet, '')", "coalesce(t.precision, '')", "coalesce(t.scet_end, '')",
            "coalesce(i.date_taken, '')") if with_times else ()
    line = f" || '{_CELL}' || ".join(["i.id", *(SQL_CELLS[name][0] for name in sql_names), *tail])
    join = " LEFT JOIN item_times t ON t.item_id = i.id" if with_times else ""
    tuple_sql = (f"SELECT count(*), group_concat(line, '{_ROW}') FROM (SELECT {line} AS line FROM json_each(?) o "
                 f"JOIN items i ON i.id = o.value{join} ORDER BY o.key)")

    def per_item(ids: list[str]) -> list[Sequence[str]]:
        return [tuple(cell(column.getter(record), column.numeric, raw) for _name, column in selected)
                for record in export_records(library, ids)]

    def tuple_chunk(ids: list[str], count: int, text: str, look: bool | None = None) -> list[Sequence[str]]:
        lines = text.split(_ROW) if count else []
        if look is None:
            look = not raw and _chunk_may_need_guard(text)
        split = [line.split(_CELL) for line in lines]
        if len(lines) != count or any(len(cells) != width + len(tail) + 1 for cells in split):
            return per_item(ids)  # a value holds a separator: cells cannot be told apart
        out: list[Sequence[str] | None] = []
        exact: dict[int, str] = {}  # the rows the per-item path writes: a several-values cell to guard
        for line, cells in zip(lines, split, strict=True):
            item_id = cells[0]
            sql_cells: Row = tuple(cells[1:width + 1])
            if look and (_AT_A_START.search(_CELL + line) or _INSIDE.search(line)):
                guarded = _guarded(sql_cells, kinds, cell)
                if guarded is None:
                    exact[len(out)] = item_id
                    out.append(None)
                    continue
                sql_cells = guarded
            full = (sql_cells + attachments.get(item_id, no_attachments) + builtin.get(item_id, no_builtin)
                    + (times.cells(tuple(cells[width + 1:])) if times is not None else ()))
            out.append(reorder(full) if reorder is not None else full)
        if exact:
            for position, row in zip(exact, per_item(list(exact.values())), strict=True):
                out[position] = row
        return out  # type: ignore[return-value]  # (every None was replaced)

    if reorder is not None or len(selected) < 2 or not width:  # (one column: csv writes an empty cell as "")
        for ids, count, text in _chunks(library, tuple_sql, item_ids, chunk):
            yield count, tuple_chunk(ids, count, text)
        return

    # The usual case, the SQL cells first in their order: each row's CSV line is its SQL cells joined by ",", each
    # quoted as csv.writer quotes (`_csv_cells`; a row without `"`, `,`, CR or LF as it is), then the other
    # columns' fragments. A chunk in which a row may need a guard, or a value holds a separator, is tuple_chunk's.
    attachments_csv = {item_id: _csv_fragment(cells) for item_id, cells in attachments.items()}
    builtin_csv = {item_id: _csv_fragment(cells) for item_id, cells in builtin.items()}
    no_attachments_csv, no_builtin_csv = _csv_fragment(no_attachments), _csv_fragment(no_builtin)
    times_csv: dict[tuple[str, ...], str] = {}
    cells_per_row = width + len(tail) + 1
    for ids, count, text in _chunks(library, tuple_sql, item_ids, chunk):
        look = not raw and _chunk_may_need_guard(text)  # the whole chunk's text first: most have nothing to look at
        lines = text.split(_ROW) if count else []
        if look or len(lines) != count or text.count(_CELL) != count * (cells_per_row - 1):
            yield count, tuple_chunk(ids, count, text, look)
            continue
        pieces = []
        for line in lines:
            cells = line.split(_CELL)
            item_id = cells[0]
            if '"' in line or "," in line or "\n" in line or "\r" in line:
                csv_line = _csv_cells(cells[1:width + 1])
            else:
                csv_line = ",".join(cells[1:width + 1])
            if times is not None:
                time_key = tuple(cells[width + 1:])
                found = times_csv.get(time_key)
                if found is None:
                    found = times_csv[time_key] = _csv_fragment(times.cells(time_key))
            else:
                found = ""
            pieces.append(csv_line + attachments_csv.get(item_id, no_attachments_csv)
                          + builtin_csv.get(item_id, no_builtin_csv) + found + "\r\n")
        yield count, "".join(pieces)


def _csv_cells(cells: Sequence[str]) -> str:
    """The cells as csv.writer(quoting=QUOTE_MINIMAL, lineterminator="\\r\\n") writes them in a row of more than
    one cell: a cell holding `"` quoted with its quotes doubled, one holding `,`, CR or LF quoted."""
    return ",".join([
        '"' + cell.replace('"', '""') + '"' if '"' in cell
        else '"' + cell + '"' if "," in cell or "\n" in cell or "\r" in cell
        else cell
        for cell in cells])


def _chunk_may_need_guard(text: str) -> bool:
    """Whether _IN_A_CHUNK or _INSIDE matches the chunk's text (the second form when _RARE does not)."""
    if any(character in text for character in _RARE):
        return bool(_IN_A_CHUNK.search(text) or _INSIDE.search(text))
    backwards = text[::-1]
    return any(pattern.search(backwards) for pattern in _REVERSED)


def _csv_fragment(cells: Sequence[str]) -> str:
    """The cells as csv.writer writes them after others in a row: "" or "," and the cells joined by ","."""
    if not cells:
        return ""
    out = io.StringIO()
    csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n").writerow(("x", *cells))
    return out.getvalue()[1:-2]


def _chunks(library: Library, sql: str, item_ids: list[str], chunk: int) -> Iterator[tuple[list[str], int, str]]:
    """(ids, rows, the rows' cells joined by _CELL and _ROW) of each `chunk` of `item_ids`, made by SQLite on a
    thread of its own with a second connection: one step per chunk, during which SQLite lets go of the
    interpreter lock, so the next chunk is made on one core while the caller writes this one on the other.
    (Without a second connection, here.)"""
    pieces = [item_ids[n:n + chunk] for n in range(0, len(item_ids), chunk)]
    try:
        reader = library.reopen(any_thread=True)
    except (LibraryError, sqlite3.Error):
        for ids in pieces:
            count, text = library.store.execute(sql, (json.dumps(ids),)).fetchone()
            yield ids, count, text or ""
        return
    found: queue.Queue[tuple[list[str], int, str] | BaseException | None] = queue.Queue(maxsize=4)
    stop = threading.Event()

    def hand_over(made: tuple[list[str], int, str] | BaseException | None) -> None:
        while not stop.is_set():
            with contextlib.suppress(queue.Full):
                found.put(made, timeout=0.1)
                return

    def make() -> None:
        try:
            for ids in pieces:
                if stop.is_set():
                    return
                count, text = reader.store.execute(sql, (json.dumps(ids),)).fetchone()
                hand_over((ids, count, text or ""))
            hand_over(None)
        except BaseException as error:  # raised in the caller's thread
            hand_over(error)
        finally:
            reader.close()

    thread = threading.Thread(target=make, name="mediacat-export-rows", daemon=True)
    thread.start()
    try:
        while (made := found.get()) is not None:
            if isinstance(made, BaseException):
                raise made
            yield made
    finally:
        stop.set()
        thread.join()


def _guarded(cells: Row, kinds: list[str], cell: CellFormat) -> Row | None:
    """The SQL cells with the text cells guarded; None when a several-values cell may need a guard (each
    value is guarded on its own, and a value's bounds are not in the joined cell)."""
    out = []
    for text, kind in zip(cells, kinds, strict=True):
        if kind == "text":
            text = cell(text, False, False)
        elif kind == "list" and (_AT_A_START.search(_CELL + text) or _INSIDE.search(text)):
            return None
        out.append(text)
    return tuple(out)


def _picker(positions: list[int]) -> Callable[[Row], Sequence[str]]:
    if len(positions) == 1:
        only = positions[0]
        return lambda row: (row[only],)
    from operator import itemgetter

    return itemgetter(*positions)


def _by_item(library: Library, item_ids: list[str], group: tuple[str, ...],
             parts: dict[tuple[str, ...], list[tuple[str, Column]]],
             cells_of: Callable[[tuple[str, ...], _Children], Row]) -> dict[str, Row]:
    """The finished cells of the attachment or built-in media columns, of each item that has any."""
    if not parts[group]:
        return {}
    wanted = set(item_ids)
    found: dict[str, list[Any]] = {}
    children = library.all_attachments() if group is ATTACHMENT_CELLS else library.builtin_media_of(None)
    for child in children:
        if child.item_id in wanted:
            found.setdefault(child.item_id, []).append(child)
    if group is ATTACHMENT_CELLS:
        return {item_id: cells_of(group, _Children(attachments=listed)) for item_id, listed in found.items()}
    return {item_id: cells_of(group, _Children(builtin_media=listed)) for item_id, listed in found.items()}


class _TimeCells:
    """The time columns' cells by (scet, precision, scet_end, date_taken), "" for NULL: made once per distinct
    span."""

    def __init__(self, library: Library, cells_of: Callable[[dict[str, Any] | None], Row]) -> None:
        self._library = library
        self._cells_of = cells_of
        self._memo: dict[tuple[Any, ...], Row] = {}
        self._readings: dict[Any, dict[str, Any]] = {}
        self._clock: Any = None

    def cells(self, key: tuple[Any, ...]) -> Row:
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = self._cells_of(self._time(*key))
        return found

    def _time(self, scet: str | None, precision: str | None, scet_end: str | None,
              date_taken: str | None) -> dict[str, Any] | None:
        from mediacat.core.timeline import _span, load_clock, time_json

        span = _span(date_taken, scet or None, precision or None, None, None, None, None, scet_end or None)
        if span is None:
            return None
        self._clock = self._clock or load_clock(self._library)
        return time_json(span, self._clock, self._readings)


__all__ = ["SQL_CELLS", "sql_rows"]
