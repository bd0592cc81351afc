"""CSV export: the items as a UTF-8 CSV file (written atomically) or to a binary stream, in either profile.

The file is UTF-8 with a byte-order mark (so spreadsheets read non-ASCII text), RFC 4180 quoting with CRLF
row ends, one row per item; the cells follow `mediacat.core.csv_cells` (columns, "; " between several values,
the formula guard unless `raw=True`). The default profile's rows come from set-based SQL
(`mediacat.core.export_sql`); the per-item path (`export_rows` and each column's getter) is the reference.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import secrets
from collections.abc import Generator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from mediacat.core.csv_cells import BOM, Column, CsvError, cell_text, resolve_columns
from mediacat.core.export_rows import export_records
from mediacat.core.jobs import Job

if TYPE_CHECKING:
    from mediacat.core.library import Library

EXPORT_CHUNK = 250  # items loaded and written per step (one progress report each)


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
    from mediacat.core.export_sql import sql_rows  # (only the default profile's exports)

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
