"""CSV export: BOM, RFC 4180 quoting, the formula-injection guard, profiles, atomic writes, progress."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from mediacat.core.csv_cells import (
    COLUMNS,
    DEFAULT_COLUMNS,
    Column,
    CsvError,
    format_cell,
    guard,
    resolve_columns,
    unguard,
)
from mediacat.core.csv_export import export_csv
from mediacat.core.jobs import Cancelled, Job, Progress
from mediacat.core.library import Library
from mediacat.core.tags import add_tags, set_note

GUARDED = ["=", "+", "-", "@", "\t", "\r", "\n"]
REQUIRED_COLUMNS = {
    "id", "title", "media_type", "kind", "camera", "date_taken", "mission_phase", "credit", "description",
    "official_urls", "sources", "source_quotes", "tags", "notes", "nasa_ids", "attachment_paths",
    "attachment_sha256", "attachment_sizes", "attachment_dimensions", "attachment_durations",
}  # fmt: skip


def export_bytes(library: Library, ids: list[str] | None = None, **options) -> bytes:
    buffer = io.BytesIO()
    export_csv(library, library.item_ids() if ids is None else ids, buffer, **options)
    return buffer.getvalue()


def read_rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize("prefix", GUARDED)
def test_every_injection_prefix_is_guarded_in_text_and_in_tags(library: Library, prefix: str) -> None:
    set_note(library, "skycrane-still", f"{prefix}HYPERLINK(\"http://evil\")")
    if prefix not in "\t\r\n":  # tags cannot hold control characters
        add_tags(library, ["skycrane-still"], ["plain", f"{prefix}cmd|' /C calc'!A0"])
    row = read_rows(export_bytes(library, ["skycrane-still"]))[0]
    expected_note = f"{prefix}HYPERLINK(\"http://evil\")".replace("\r", "\n")
    assert row["notes"] == "'" + expected_note
    if prefix not in "\t\r\n":
        values = row["tags"].split("; ")
        assert sorted(values) == sorted(["plain", f"'{prefix}cmd|' /C calc'!A0"])


@pytest.mark.parametrize("prefix", GUARDED)
def test_raw_export_writes_cells_as_they_are(library: Library, prefix: str) -> None:
    note = f"{prefix}1+2"
    set_note(library, "skycrane-still", note)
    row = read_rows(export_bytes(library, ["skycrane-still"], raw=True))[0]
    assert row["notes"] == note.replace("\r", "\n")


def test_guard_rules() -> None:
    for prefix in GUARDED:
        assert guard(prefix + "x") == "'" + prefix + "x"
        assert unguard(guard(prefix + "x")) == prefix + "x"
    assert guard("plain") == "plain"
    assert guard("'quoted") == "'quoted"  # a quote not followed by a guarded character is left alone
    assert guard("'=x") == "''=x"  # ... but one before a guarded character gets another, so import is exact
    assert unguard("''=x") == "'=x"
    assert unguard("'=x") == "=x"
    assert unguard("'plain") == "'plain"
    assert guard("") == "" and unguard("") == ""


def test_numeric_columns_are_never_prefixed_even_when_negative() -> None:
    assert format_cell(-3, numeric=True) == "-3"
    assert format_cell(-2.5, numeric=True) == "-2.5"
    assert format_cell(-3, numeric=False) == "'-3"  # a number in a text column is text
    assert format_cell("-3", numeric=False) == "'-3"
    assert [name for name, column in COLUMNS.items() if column.numeric] == ["attachment_count", "source_count",
                                                                           "time_sol"]


def test_numeric_columns_in_an_export(library: Library) -> None:
    rows = read_rows(export_bytes(library, ["skycrane-still"], columns=["id", "source_count", "attachment_count"]))
    assert rows == [{"id": "skycrane-still", "source_count": str(len(library.item("skycrane-still").sources)),
                     "attachment_count": "0"}]


def test_export_is_read_back_by_the_csv_module_as_the_data(library: Library) -> None:
    add_tags(library, ["skycrane-still"], ["sky crane", "Ünïcödé ✓"])
    set_note(library, "skycrane-still", 'He said "wow", then left;\nsecond line, with commas')
    data = export_bytes(library)
    rows = read_rows(data)
    assert list(rows[0]) == list(DEFAULT_COLUMNS)
    assert set(rows[0]) >= REQUIRED_COLUMNS
    assert [row["id"] for row in rows] == library.item_ids()
    by_id = {row["id"]: row for row in rows}
    for item in library.items(library.item_ids()):
        row = by_id[item.id]
        assert row["title"] == item.title
        assert row["description"] == guard(item.description)
        assert row["media_type"] == item.media_type
        assert row["camera"] == (item.camera or "")
        assert row["official_urls"] == "; ".join(item.official_urls)
        assert row["nasa_ids"] == "; ".join(item.nasa_ids)
        assert row["source_quotes"] == "; ".join(guard(s.quote) for s in item.sources)
        assert row["sources"] == "; ".join(f"{s.outlet} ({s.date}): {s.title}" for s in item.sources)
        assert row["tags"] == "; ".join(item.tags)
        assert row["notes"] == item.notes
    assert by_id["skycrane-still"]["notes"] == 'He said "wow", then left;\nsecond line, with commas'
    assert by_id["skycrane-still"]["tags"] == "sky crane; Ünïcödé ✓"


def test_rfc4180_quoting_and_crlf_row_ends(library: Library) -> None:
    set_note(library, "skycrane-still", 'a "quoted", note\nline two')
    data = export_bytes(library, ["skycrane-still"], columns=["id", "notes"])
    assert data == '\ufeffid,notes\r\nskycrane-still,"a ""quoted"", note\nline two"\r\n'.encode()


def test_dublin_core_profile(library: Library) -> None:
    add_tags(library, ["skycrane-still"], ["landing"])
    rows = read_rows(export_bytes(library, ["skycrane-still", "mars-wind-audio-original"], profile="dublin-core"))
    assert list(rows[0]) == ["dc:title", "dc:type", "dc:date", "dc:creator", "dc:rights", "dc:source",
                             "dc:subject", "dc:identifier", "dc:description"]
    item = library.item("skycrane-still")
    assert rows[0]["dc:identifier"] == "skycrane-still"
    assert rows[0]["dc:title"] == item.title
    assert rows[0]["dc:type"] == "StillImage"
    assert rows[1]["dc:type"] == "Sound"
    assert rows[0]["dc:date"] == item.date_taken
    assert rows[0]["dc:creator"] == item.credit
    assert rows[0]["dc:rights"] == f"Credit: {item.credit}"
    assert rows[0]["dc:source"] == "; ".join(item.official_urls)
    assert rows[0]["dc:subject"] == "landing"


def test_column_selection_and_bad_column_names(library: Library) -> None:
    assert [name for name, _ in resolve_columns("default", ["title", "id"])] == ["title", "id"]
    with pytest.raises(CsvError, match="unknown column 'nope'"):
        export_bytes(library, columns=["id", "nope"])
    with pytest.raises(CsvError, match="unknown column 'title'"):
        export_bytes(library, columns=["title"], profile="dublin-core")
    with pytest.raises(CsvError, match="unknown CSV profile 'marc'"):
        export_bytes(library, profile="marc")
    with pytest.raises(CsvError, match="named twice"):
        export_bytes(library, columns=["id", "id"])


def test_export_to_a_file_is_atomic_and_reports_progress(library: Library, tmp_path: Path) -> None:
    target = tmp_path / "out" / "catalog.csv"
    target.parent.mkdir()
    reports: list[Progress] = []
    count = export_csv(library, library.item_ids(), target, job=Job(reports.append))
    assert count == len(library.item_ids())
    assert reports[0].done == 0 and reports[-1].done == reports[-1].total == count
    assert [p.name for p in target.parent.iterdir()] == ["catalog.csv"]
    assert len(read_rows(target.read_bytes())) == count


def test_a_failing_column_leaves_the_old_file_and_no_temporary_file(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "exports").mkdir()
    target = tmp_path / "exports" / "catalog.csv"
    target.write_bytes(b"old contents")

    def broken(item):
        if item.id == "navcam-panorama":
            raise RuntimeError("getter failed")
        return item.id

    monkeypatch.setitem(COLUMNS, "broken", Column(broken))
    with pytest.raises(RuntimeError, match="getter failed"):
        export_csv(library, library.item_ids(), target, columns=["id", "broken"])
    assert target.read_bytes() == b"old contents"
    assert [p.name for p in target.parent.iterdir()] == ["catalog.csv"]


def test_a_cancelled_export_leaves_the_old_file_and_no_temporary_file(library: Library, tmp_path: Path) -> None:
    (tmp_path / "exports").mkdir()
    target = tmp_path / "exports" / "catalog.csv"
    target.write_bytes(b"old contents")

    def cancel_when_done(progress: Progress) -> None:
        if progress.done == progress.total:
            job.cancel()

    job = Job(cancel_when_done)
    with pytest.raises(Cancelled):
        export_csv(library, library.item_ids(), target, job=job)
    assert target.read_bytes() == b"old contents"
    assert [p.name for p in target.parent.iterdir()] == ["catalog.csv"]


def test_target_folder_removed_mid_way_gives_a_message_and_leaves_nothing(library: Library, tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    target = folder / "catalog.csv"

    def remove_folder(progress: Progress) -> None:
        if progress.done == progress.total and folder.exists():
            for child in folder.iterdir():
                child.unlink()
            folder.rmdir()

    with pytest.raises(CsvError, match=r"catalog\.csv: cannot write the CSV file"):
        export_csv(library, library.item_ids(), target, job=Job(remove_folder))
    assert not folder.exists()


def test_export_into_a_missing_folder_or_onto_a_folder_is_refused(library: Library, tmp_path: Path) -> None:
    with pytest.raises(CsvError, match=r"missing[/\\]catalog\.csv: cannot write the CSV file"):
        export_csv(library, library.item_ids(), tmp_path / "missing" / "catalog.csv")
    with pytest.raises(CsvError, match="is a folder"):
        export_csv(library, library.item_ids(), tmp_path)


def test_attachment_columns_list_each_file_in_the_same_order(library: Library, tmp_path: Path) -> None:
    with library.store.transaction() as conn:  # rows as the attachments module stores them
        conn.execute(
            "INSERT INTO attachments(item_id, mode, path, original_name, sha256, size, mtime, mime, media_type, "
            "width, height) VALUES ('skycrane-still', 'link', ?, 'still.jpg', 'ab12', 1234, 0, 'image/jpeg', "
            "'image', 1200, 800)",
            (str(tmp_path / "still.jpg"),),
        )
        conn.execute(
            "INSERT INTO attachments(item_id, mode, path, original_name, sha256, size, mtime, mime, media_type, "
            "duration) VALUES ('skycrane-still', 'copy', 'cd/cd34.wav', 'wind.wav', 'cd34', 56789, 0, "
            "'audio/x-wav', 'audio', 16.25)"
        )
    columns = ["id", "attachment_paths", "attachment_sha256", "attachment_sizes", "attachment_dimensions",
               "attachment_durations", "attachment_count"]
    row = read_rows(export_bytes(library, ["skycrane-still"], columns=columns))[0]
    assert row["attachment_paths"] == f"{tmp_path / 'still.jpg'}; {library.paths.media / 'cd' / 'cd34.wav'}"
    assert row["attachment_sha256"] == "ab12; cd34"
    assert row["attachment_sizes"] == "1234; 56789"
    assert row["attachment_dimensions"] == "1200x800; "
    assert row["attachment_durations"] == "; 16.25"
    assert row["attachment_count"] == "2"
