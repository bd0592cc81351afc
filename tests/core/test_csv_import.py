"""CSV import: round trip with generated text, spreadsheet edits, and every kind of bad file or row."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mediacat.core.csv_cells import CsvError
from mediacat.core.csv_export import export_csv
from mediacat.core.csv_import import apply_import, read_import
from mediacat.core.library import Library
from mediacat.core.tags import add_tags, normalize_tag, set_note, set_notes_many, set_tags_many, tag_counts, tags_of

ITEMS = ["skycrane-still", "navcam-panorama", "mars-wind-audio-original", "hirise-parachute-descent"]
PREFIXES = ["", "=", "+", "-", "@", "'", "'=", "''+", "'-", "\"", ",", " "]


def _valid_tag(text: str) -> bool:
    try:
        return normalize_tag(text) == text
    except Exception:
        return False


tag_text = st.builds(
    lambda prefix, body: prefix + body,
    st.sampled_from(PREFIXES[:-1]),
    st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters=";"), min_size=1, max_size=12),
).filter(_valid_tag)
note_text = st.builds(
    lambda prefix, body: prefix + body,
    st.sampled_from([*PREFIXES, "\t", "\r", "\n", "\r\n"]),
    st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=40),
)
item_state = st.tuples(st.lists(tag_text, max_size=4), note_text)


def state(library: Library) -> dict[str, tuple[frozenset[str], str]]:
    tags = tags_of(library, ITEMS)
    return {item_id: (frozenset(tags[item_id]), library.item(item_id).notes) for item_id in ITEMS}


def clear(library: Library) -> None:
    set_tags_many(library, {item_id: [] for item_id in ITEMS})
    set_notes_many(library, {item_id: "" for item_id in ITEMS})


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(states=st.lists(item_state, min_size=len(ITEMS), max_size=len(ITEMS)))
def test_round_trip_export_then_import_gives_back_tags_and_notes(
    library: Library, tmp_path: Path, states: list[tuple[list[str], str]]
) -> None:
    clear(library)
    set_tags_many(library, {item_id: tags for item_id, (tags, _note) in zip(ITEMS, states, strict=True)})
    set_notes_many(library, {item_id: note for item_id, (_tags, note) in zip(ITEMS, states, strict=True)})
    expected = state(library)
    path = tmp_path / "round-trip.csv"
    export_csv(library, library.item_ids(), path)
    clear(library)
    plan = read_import(library, path)
    assert plan.ok, plan.problems()
    apply_import(library, plan)
    assert state(library) == expected
    assert read_import(library, path).changes == []  # importing again changes nothing


def write_text(path: Path, rows: list[list[str]]) -> Path:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")
    return path


def test_a_spreadsheet_edited_file_updates_tags_and_notes_only(library: Library, tmp_path: Path) -> None:
    add_tags(library, ["skycrane-still"], ["old"])
    title = library.item("navcam-panorama").title
    path = write_text(tmp_path / "edited.csv", [
        ["id", "title", "tags", "notes"],
        ["skycrane-still", "a new title is ignored", "new; '=calc;  spaced  ", "'-5 degrees"],
        ["navcam-panorama", "x", "", "panorama note"],
    ])  # fmt: skip
    plan = read_import(library, path)
    assert plan.ok and plan.rows == 2 and plan.fields == ("tags", "notes")
    assert [change.item_id for change in plan.changes] == ["skycrane-still", "navcam-panorama"]
    result = apply_import(library, plan)
    assert set(library.item("skycrane-still").tags) == {"new", "=calc", "spaced"}
    assert library.item("skycrane-still").notes == "-5 degrees"
    assert library.item("navcam-panorama").notes == "panorama note"
    assert library.item("navcam-panorama").title == title
    assert tag_counts(library) == [("=calc", 1), ("new", 1), ("spaced", 1)]  # "old" was left unused
    assert result.tag_edit.before == {"skycrane-still": ("old",)}


def test_dublin_core_export_imports_its_subjects(library: Library, tmp_path: Path) -> None:
    add_tags(library, ["skycrane-still"], ["landing", "-minus"])
    path = tmp_path / "dc.csv"
    export_csv(library, library.item_ids(), path, profile="dublin-core")
    clear(library)
    plan = read_import(library, path)
    assert plan.ok and plan.fields == ("tags",)
    apply_import(library, plan)
    assert set(library.item("skycrane-still").tags) == {"landing", "-minus"}


def test_semicolon_separated_file_from_a_spreadsheet(library: Library, tmp_path: Path) -> None:
    path = tmp_path / "semicolons.csv"
    path.write_bytes('\ufeffid;tags;notes\r\nskycrane-still;"a; b";été\r\n'.encode())
    plan = read_import(library, path)
    assert plan.ok
    apply_import(library, plan)
    assert library.item("skycrane-still").tags == ("a", "b")
    assert library.item("skycrane-still").notes == "été"


def test_bad_rows_and_unknown_ids_are_all_reported_and_nothing_is_applied(library: Library, tmp_path: Path) -> None:
    path = write_text(tmp_path / "bad.csv", [
        ["id", "tags", "notes"],
        ["skycrane-still", "fine", "fine"],
        ["navcam-panorama", "too", "many", "cells"],
        ["", "no id", ""],
        ["no-such-item", "x", ""],
        ["skycrane-still", "again", ""],
        ["mars-wind-audio-original", "ok; bad\ttag", ""],
        ["hirise-parachute-descent", "fine"],
    ])  # fmt: skip
    plan = read_import(library, path)
    assert not plan.ok
    assert plan.errors == [
        (3, "4 cells, but the header has 3"),
        (4, "the id cell is empty"),
        (6, "id 'skycrane-still' is also on line 2"),
        (7, "tag 'bad\\ttag': line breaks, tabs and other control characters are not allowed"),
        (8, "2 cells, but the header has 3"),
    ]
    assert plan.unknown_ids == [(5, "no-such-item")]
    assert f"{path}:5: no item with id 'no-such-item' in the catalog" in plan.problems()
    with pytest.raises(CsvError, match=r"6 problem.*nothing was imported"):
        apply_import(library, plan)
    assert tag_counts(library) == []


def test_line_numbers_count_line_breaks_inside_cells(library: Library, tmp_path: Path) -> None:
    path = write_text(tmp_path / "multiline.csv", [
        ["id", "notes"],
        ["skycrane-still", "one\ntwo\nthree"],
        ["nope", "x"],
    ])  # fmt: skip
    assert read_import(library, path).unknown_ids == [(5, "nope")]


def test_broken_quoting_is_reported_with_its_line(library: Library, tmp_path: Path) -> None:
    path = tmp_path / "quotes.csv"
    path.write_text('id,tags\r\nskycrane-still,ok\r\nnavcam-panorama,"bad"quote\r\n', encoding="utf-8")
    plan = read_import(library, path)
    assert plan.errors and plan.errors[0][0] == 3 and "not valid CSV" in plan.errors[0][1]


def test_a_plan_gone_stale_is_refused(library: Library, tmp_path: Path) -> None:
    path = write_text(tmp_path / "stale.csv", [["id", "notes"], ["skycrane-still", "from the file"]])
    plan = read_import(library, path)
    set_note(library, "skycrane-still", "typed in the app meanwhile")
    with pytest.raises(CsvError, match="changed since the file was read"):
        apply_import(library, plan)
    assert library.item("skycrane-still").notes == "typed in the app meanwhile"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a CSV file .*binary data"),
        (b"PK\x03\x04\x14\x00\x06\x00", "spreadsheet workbook"),
        ("id,tags\n".encode("utf-16"), "UTF-16"),
        (
            "id,notes\r\nskycrane-still,caf\xe9\r\n".encode("latin-1"),
            r"not UTF-8 text: byte 0xE9 at offset 28 \(line 2\)",
        ),
        (b"Dear diary, today I landed on Mars.\n", "header has no 'id' column"),
        (b"title,credit\r\nx,y\r\n", "header has no 'id' column .*'title', 'credit'"),
        (b"id,title\r\nskycrane-still,x\r\n", "neither a 'tags' nor a 'notes' column"),
        (b"id,tags,tags\r\n", "names the 'tags' column twice"),
    ],
)
def test_files_that_cannot_be_imported_get_a_clear_message(
    library: Library, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "input.csv"
    path.write_bytes(content)
    with pytest.raises(CsvError, match=message) as caught:
        read_import(library, path)
    assert str(path) in str(caught.value)


def test_a_missing_file(library: Library, tmp_path: Path) -> None:
    with pytest.raises(CsvError, match=r"missing\.csv: cannot read the file"):
        read_import(library, tmp_path / "missing.csv")


def test_utf8_without_bom_is_accepted(library: Library, tmp_path: Path) -> None:
    path = tmp_path / "nobom.csv"
    path.write_bytes("id,notes\nskycrane-still,naïve ✓\n".encode())
    plan = read_import(library, path)
    apply_import(library, plan)
    assert library.item("skycrane-still").notes == "naïve ✓"
