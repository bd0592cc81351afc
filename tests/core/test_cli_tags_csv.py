"""The tag, note, tags, export and import-csv commands, run in-process end to end."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from mediacat.cli import main
from mediacat.core.library import Library


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_tag_note_tags_and_search(library: Library, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "tag", "skycrane-still", "navcam-panorama", "--add", "landing", "--add", "best")
    assert code == 0
    assert "skycrane-still: best, landing" in out and "navcam-panorama: best, landing" in out
    code, out, _ = run(capsys, "tag", "navcam-panorama", "--remove", "best", "--add", "wide")
    assert code == 0 and "navcam-panorama: landing, wide" in out
    code, out, _ = run(capsys, "tags", "--json")
    assert code == 0
    assert json.loads(out) == [{"name": "best", "count": 1}, {"name": "landing", "count": 2},
                               {"name": "wide", "count": 1}]
    code, out, _ = run(capsys, "tags")
    assert out.splitlines()[0].split() == ["ITEMS", "TAG"] and "landing" in out
    assert run(capsys, "note", "skycrane-still", "dust on the lens")[0] == 0
    code, out, _ = run(capsys, "list", "--search", "lens", "--json")
    assert [item["id"] for item in json.loads(out)] == ["skycrane-still"]
    code, out, _ = run(capsys, "list", "--tag", "landing", "--tag", "best", "--json")
    assert [item["id"] for item in json.loads(out)] == ["skycrane-still"]
    assert library.item("skycrane-still").notes == "dust on the lens"


def test_note_from_standard_input(library: Library, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("line one\nline two\n"))
    code, out, _ = run(capsys, "note", "skycrane-still", "-")
    assert code == 0 and "note saved" in out
    assert library.item("skycrane-still").notes == "line one\nline two\n"
    assert "note cleared" in run(capsys, "note", "skycrane-still", "")[1]


def test_rename_and_merge_from_the_command_line(library: Library, capsys) -> None:
    run(capsys, "tag", "skycrane-still", "--add", "a")
    run(capsys, "tag", "navcam-panorama", "--add", "b")
    code, out, _ = run(capsys, "tags", "--rename", "a", "alpha")
    assert code == 0 and "on 1 items" in out
    code, out, _ = run(capsys, "tags", "--merge", "alpha", "b", "--into", "ab", "--json")
    assert code == 0 and json.loads(out.split("\n", 1)[1]) == [{"name": "ab", "count": 2}]


def test_command_line_errors(library: Library, capsys) -> None:
    code, _, err = run(capsys, "tag", "skycrane-still", "no-such-item", "--add", "x")
    assert code == 2 and "no item with id 'no-such-item'" in err
    code, _, err = run(capsys, "tag", "skycrane-still", "--add", "a;b")
    assert code == 2 and "';' is not allowed" in err
    code, _, err = run(capsys, "tag", "skycrane-still")
    assert code == 2 and "--add" in err
    code, _, err = run(capsys, "note", "nope", "text")
    assert code == 2 and "'nope'" in err
    code, _, err = run(capsys, "tags", "--rename", "missing", "x")
    assert code == 2 and "no tag named 'missing'" in err
    code, _, err = run(capsys, "export", "--columns", "id,bogus")
    assert code == 2 and "unknown column 'bogus'" in err
    assert library.item("skycrane-still").tags == ()


def test_export_to_standard_output_with_filters(library: Library, capsys) -> None:
    run(capsys, "tag", "skycrane-still", "navcam-panorama", "--add", "=SUM(A1)")
    code, out, _ = run(capsys, "export", "--tag", "=SUM(A1)", "--columns", "id,tags")
    assert code == 0 and out.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(out[1:], newline="")))
    assert rows == [["id", "tags"], ["skycrane-still", "'=SUM(A1)"], ["navcam-panorama", "'=SUM(A1)"]]
    code, out, _ = run(capsys, "export", "--tag", "=SUM(A1)", "--columns", "id,tags", "--raw")
    assert list(csv.reader(io.StringIO(out[1:], newline="")))[1] == ["skycrane-still", "=SUM(A1)"]
    code, out, _ = run(capsys, "export", "--type", "audio", "--profile", "dublin-core")
    records = list(csv.DictReader(io.StringIO(out[1:], newline="")))
    assert records and {record["dc:type"] for record in records} == {"Sound"}


def test_export_to_a_file_with_progress_then_import_it_back(library: Library, tmp_path: Path, capsys) -> None:
    run(capsys, "tag", "skycrane-still", "--add", "+plus", "--add", "@at")
    run(capsys, "note", "skycrane-still", '-minus, "quoted"\nsecond line')
    target = tmp_path / "catalog.csv"
    code, _, err = run(capsys, "export", "-o", str(target))
    assert code == 0 and f"exported {len(library.item_ids())} items to {target}" in err
    assert "export: " in err  # the progress line
    text = target.read_text(encoding="utf-8-sig")
    text = text.replace("'+plus; '@at", "'+plus; new tag").replace("second line", "edited line")
    target.write_text(text, encoding="utf-8-sig", newline="")
    code, out, _ = run(capsys, "import-csv", str(target), "--dry-run")
    assert code == 0 and "dry run" in out and "skycrane-still: tags [+plus, @at] -> [+plus, new tag]" in out
    assert set(library.item("skycrane-still").tags) == {"+plus", "@at"}
    code, out, _ = run(capsys, "import-csv", str(target))
    assert code == 0 and "imported" in out
    item = library.item("skycrane-still")
    assert set(item.tags) == {"+plus", "new tag"}
    assert item.notes == '-minus, "quoted"\nedited line'


def test_import_with_bad_rows_exits_1_and_changes_nothing(library: Library, tmp_path: Path, capsys) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("id,tags\r\nskycrane-still,fine\r\nghost,x\r\nnavcam-panorama,a,b\r\n", encoding="utf-8")
    code, _, err = run(capsys, "import-csv", str(path))
    assert code == 1
    assert f"{path}:3: no item with id 'ghost'" in err
    assert f"{path}:4: 3 cells, but the header has 2" in err
    assert "nothing was imported" in err
    assert library.item("skycrane-still").tags == ()


def test_import_of_a_file_that_is_not_csv(library: Library, tmp_path: Path, capsys) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes("caf\xe9\n".encode("latin-1"))
    code, _, err = run(capsys, "import-csv", str(path))
    assert code == 2 and f"{path}: not UTF-8 text" in err
