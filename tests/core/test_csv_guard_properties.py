"""The CSV formula guard holds however a spreadsheet splits the file, and every note comes back exactly.

Issue 13, items 2 and 8: read back with `,`, `;` and tab as the separator (a reader that does not see the
file's quotes starts a new cell after each `;`, tab or line break), no cell and no line of a cell starts with
a formula; full-width `＝` and a leading `|` count as formulas; notes of any size import back.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mediacat.core.csv_cells import FORMULA_STARTS, guard, unguard
from mediacat.core.csv_export import export_csv
from mediacat.core.csv_import import apply_import, read_import
from mediacat.core.library import Library
from mediacat.core.tags import normalize_note, set_note

ITEM = "skycrane-still"
TRICKY = st.text(alphabet=st.sampled_from(list("=+-@|＝＋－＠'\" ;,\t\n\rab")), max_size=30)
ANY_TEXT = st.one_of(TRICKY, st.text(max_size=30))


def dangerous(cell: str) -> list[str]:
    """The lines of a read-back cell that a spreadsheet would run as a formula."""
    return [line for line in re.split(r"\r\n|\r|\n", cell) if line.lstrip(' "')[:1] in set(FORMULA_STARTS)]


def read_back(data: bytes, delimiter: str) -> list[list[str]]:
    text = data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


@given(ANY_TEXT)
def test_unguard_undoes_guard_exactly(text: str) -> None:
    assert unguard(guard(text)) == text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(note=TRICKY.filter(lambda t: "\x00" not in t))
def test_no_cell_or_line_starts_a_formula_with_any_separator_and_the_note_imports_back(
    library: Library, tmp_path: Path, note: str
) -> None:
    set_note(library, ITEM, note)
    out = io.BytesIO()
    export_csv(library, [ITEM], out, columns=["id", "notes", "tags", "title"])
    for delimiter in (",", ";", "\t"):
        for row in read_back(out.getvalue(), delimiter):
            for cell in row:
                assert dangerous(cell) == [], (delimiter, cell)
    path = tmp_path / "notes.csv"
    path.write_bytes(out.getvalue())
    set_note(library, ITEM, "changed meanwhile")
    apply_import(library, read_import(library, path))
    assert library.item(ITEM).notes == normalize_note(note)


@pytest.mark.parametrize("payload", [
    "see below;=cmd|' /C calc'!A0;",  # the issue's `;` bypass
    "first line\n=cmd|' /C calc'!A0",  # a later line
    "tab\t=HYPERLINK(\"http://x\")",
    "＝1+1",  # full-width equals
    "|calc",  # DDE pipe
    '; "=1+1',  # a quote before the formula
])
def test_the_issue_s_payloads_are_guarded(library: Library, payload: str) -> None:
    set_note(library, ITEM, payload)
    out = io.BytesIO()
    export_csv(library, [ITEM], out, columns=["id", "notes"])
    for delimiter in (",", ";", "\t"):
        cells = [cell for row in read_back(out.getvalue(), delimiter) for cell in row]
        assert all(dangerous(cell) == [] for cell in cells), (delimiter, cells)


def test_a_note_over_the_csv_module_s_field_limit_round_trips(library: Library, tmp_path: Path) -> None:
    big = ("Perseverance descended under its parachute; " * 6000)[:300_000]  # over csv's 131,072 default
    set_note(library, ITEM, big)
    path = tmp_path / "big.csv"
    export_csv(library, [ITEM, "hazcam-first-frames"], path, columns=["id", "tags", "notes"])
    set_note(library, ITEM, "")
    set_note(library, "hazcam-first-frames", "")
    rows = read_back(path.read_bytes(), ",")
    assert rows[2][0] == "hazcam-first-frames"
    rows[2][2] = "edited"  # another row edited in a spreadsheet: importable although a huge note is there
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(rows)
    plan = read_import(library, path)
    assert plan.ok, plan.problems()
    apply_import(library, plan)
    assert library.item(ITEM).notes == big
    assert library.item("hazcam-first-frames").notes == "edited"
