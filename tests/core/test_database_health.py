"""When the library database is checked (issue 12: not on every open) and what `check --database` finds and
repairs (issue 13, item 12: damage inside a search-index page passes quick_check)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from mediacat.core.errors import LibraryError
from mediacat.core.library import Library
from mediacat.core.search import ItemQuery
from mediacat.core.store.connection import copy_database
from mediacat.core.store.health import SESSIONS_FOLDER, check_database, search_index_problem, stale_sessions

REPO = Path(__file__).resolve().parents[2]
WORDS = ("descent", "parachute", "rover", "crane", "mars", "heat shield", "perseverance", "jezero")


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "mediacat", *args], capture_output=True, text=True, env=env,
                          timeout=120)


def leave_open_and_die(folder: Path) -> None:
    """A process that opens the library and ends without closing it (as a crash or a kill would)."""
    code = f"import os; from mediacat.core.library import Library; Library.open({str(folder)!r}); os._exit(0)"
    subprocess.run([sys.executable, "-c", code], check=True, env={**os.environ, "PYTHONPATH": str(REPO)},
                   timeout=120)


def test_a_clean_close_leaves_no_marker_and_the_next_open_skips_the_check(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    with Library.open(folder) as library:
        assert len(list((folder / SESSIONS_FOLDER).iterdir())) == 1  # this open's marker
        assert not library.checked_on_open
    assert list((folder / SESSIONS_FOLDER).iterdir()) == []
    with Library.open(folder) as library:
        assert not library.checked_on_open


def test_an_unclean_shutdown_makes_the_next_open_run_quick_check(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    Library.open(folder).close()
    leave_open_and_die(folder)
    assert len(stale_sessions(folder)) == 1
    with Library.open(folder) as library:
        assert library.checked_on_open
        assert stale_sessions(folder) == []  # checked: the dead run's marker is gone
    with Library.open(folder) as library:
        assert not library.checked_on_open


def test_a_live_process_marker_is_not_an_unclean_shutdown(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    with Library.open(folder), Library.open(folder) as second:  # this process is alive: its marker is fresh
        assert not second.checked_on_open
        assert stale_sessions(folder) == []


def damage_page_of(database: Path, table: str) -> None:
    """Scribble over the b-tree header of a page of `table`, one that opening a library never reads (a
    failing disk's damage). The file is closed: nobody has it open."""
    with sqlite3.connect(database) as conn:
        page, = conn.execute("SELECT pageno FROM dbstat WHERE name = ? LIMIT 1", (table,)).fetchone()
        page_size, = conn.execute("PRAGMA page_size").fetchone()
    conn.close()
    with open(database, "r+b") as file:
        file.seek((page - 1) * page_size)
        file.write(b"\xff" * 8)


def test_after_an_unclean_shutdown_a_damaged_file_is_refused_and_left_untouched(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    Library.open(folder).close()
    database = folder / "mediacat.sqlite3"
    damage_page_of(database, "items_fts_docsize")
    with Library.open(folder):  # after a clean close nothing reads the whole file on open: it opens
        pass
    leave_open_and_die(folder)
    before = database.read_bytes()
    with pytest.raises(LibraryError, match=r"corrupt|damaged") as error:
        Library.open(folder)
    assert str(database) in str(error.value)
    assert database.read_bytes() == before
    assert len(stale_sessions(folder)) == 1  # not cleared: the next open checks again

    result = run_cli("--library", str(tmp_path / "elsewhere"), "check", "--database")  # a sound library
    assert result.returncode == 0 and "quick_check ok" in result.stdout and "search index: ok" in result.stdout


def test_cli_check_database_reports_a_damaged_file_without_touching_the_index(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    Library.open(folder).close()
    damage_page_of(folder / "mediacat.sqlite3", "items_fts_docsize")
    result = run_cli("--library", str(folder), "check", "--database", "--json")
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is False and report["quick_check"] != ["ok"]
    assert report["search_index"] is None  # no rebuild inside a damaged file


def damage_search_index(database: Path) -> None:
    """Overwrite 200 bytes inside the biggest page of the FTS5 index (a segment's data, not the b-tree's
    structure: SQLite's own checks cannot see it). The file is a closed copy nobody has open."""
    with sqlite3.connect(database) as conn:
        page, = conn.execute("SELECT pageno FROM dbstat WHERE name = 'items_fts_data' AND pagetype = 'leaf' "
                             "ORDER BY payload DESC LIMIT 1").fetchone()
        page_size, = conn.execute("PRAGMA page_size").fetchone()
    conn.close()
    with open(database, "r+b") as file:
        file.seek((page - 1) * page_size + 2000)
        file.write(bytes(range(200)))


@pytest.fixture
def damaged_copy(tmp_path: Path) -> tuple[Path, dict[str, list[str]]]:
    """A copy of a library (the shipped catalog) whose search index is damaged, and the searches' true hits."""
    with Library.open(tmp_path / "original") as library:
        expected = {word: library.item_ids(ItemQuery(search=word)) for word in WORDS}
        assert search_index_problem(library.store.conn) is None
        copy = tmp_path / "copy"
        copy.mkdir()
        copy_database(library.paths.database, copy / "mediacat.sqlite3")
    damage_search_index(copy / "mediacat.sqlite3")
    with sqlite3.connect(copy / "mediacat.sqlite3") as conn:
        assert conn.execute("PRAGMA quick_check").fetchall() == [("ok",)]  # SQLite sees nothing wrong
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    conn.close()
    return copy, expected


def test_check_database_finds_the_damaged_index_and_rebuilds_it(damaged_copy) -> None:
    copy, expected = damaged_copy
    with Library.open(copy) as library:
        assert search_index_problem(library.store.conn) is not None
        result = check_database(None, library)
        assert result.quick_check == []
        assert result.search_index is not None
        assert result.search_index.problem is not None and result.search_index.rebuilt
        assert result.search_index.ok and result.ok
        assert result.search_index.changes.item_set
        assert search_index_problem(library.store.conn) is None
        assert {word: library.item_ids(ItemQuery(search=word)) for word in WORDS} == expected
        again = check_database(None, library)
        assert again.search_index is not None and again.search_index.problem is None and not again.search_index.rebuilt


def test_cli_check_database_reports_and_repairs(damaged_copy) -> None:
    copy, expected = damaged_copy
    first = run_cli("--library", str(copy), "check", "--database")
    assert first.returncode == 1, first.stderr
    assert "quick_check ok" in first.stdout
    assert "search index: damaged (" in first.stdout and "rebuilt from the items, now ok" in first.stdout
    second = run_cli("--library", str(copy), "check", "--database", "--json")
    assert second.returncode == 0, second.stderr
    report = json.loads(second.stdout)
    assert report["ok"] is True and report["quick_check"] == ["ok"]
    assert report["search_index"] == {"ok": True, "problem": None, "rebuilt": False, "problem_after_rebuild": None}
    with Library.open(copy) as library:
        assert {word: library.item_ids(ItemQuery(search=word)) for word in WORDS} == expected
