"""The SQLite library: creation, seeding, seed updates that keep user data, search, and bad files."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import sys
from pathlib import Path

import pytest

from mediacat.core.errors import LibraryError, UnknownItem
from mediacat.core.library import Library
from mediacat.core.search import ItemQuery, to_fts_query
from mediacat.core.store import SCHEMA_VERSION
from tests.core.seed_fixtures import default_items, write_seeds


def open_test_library(tmp_path: Path, **kwargs) -> Library:
    seeds = kwargs.pop("seeds", None) or write_seeds(tmp_path / "seeds")
    return Library.open(tmp_path / "lib", seeds=seeds, **kwargs)


def test_first_open_creates_a_versioned_wal_database_from_the_seeds(tmp_path: Path) -> None:
    with open_test_library(tmp_path) as library:
        assert library.paths.database.is_file()
        assert library.store.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert library.store.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert library.store.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert library.item_ids() == ["skycrane-still", "wind-audio"]
        assert library.seed_report is not None and library.seed_report.items_added == 2
        item = library.item("skycrane-still")
        assert item.nasa_ids == ("PIA24428",)
        assert item.sources[0].outlet == "The Paper"
        assert item.sources[0].quote == "A camera aboard the descent stage captured this shot."


def test_reopening_with_the_same_seeds_changes_nothing(tmp_path: Path) -> None:
    seeds = write_seeds(tmp_path / "seeds")
    Library.open(tmp_path / "lib", seeds=seeds).close()
    with Library.open(tmp_path / "lib", seeds=seeds) as library:
        assert library.seed_report is not None and library.seed_report.applied is False


def _tag(library: Library, item_id: str, name: str) -> None:
    with library.store.transaction() as conn:
        conn.execute("INSERT OR IGNORE INTO tags(name) VALUES (?)", (name,))
        conn.execute(
            "INSERT INTO item_tags(item_id, tag_id) SELECT ?, id FROM tags WHERE name = ?", (item_id, name)
        )


def test_a_newer_seed_catalog_updates_seed_fields_and_keeps_user_data(tmp_path: Path) -> None:
    with open_test_library(tmp_path) as library:
        _tag(library, "skycrane-still", "favourite")
        with library.store.transaction() as conn:
            conn.execute("UPDATE items SET notes = 'my note' WHERE id = 'wind-audio'")
    items = default_items()
    items[0]["title"] = "Sky crane still (renamed)"
    retired = items.pop(1)  # the wind item leaves the seeds but has a user note
    assert retired["id"] == "wind-audio"
    seeds = write_seeds(tmp_path / "seeds2", items=items, version="2")
    with Library.open(tmp_path / "lib", seeds=seeds) as library:
        report = library.seed_report
        assert report is not None and report.applied and report.items_retired == 1
        item = library.item("skycrane-still")
        assert item.title == "Sky crane still (renamed)"
        assert item.tags == ("favourite",)
        assert library.item("wind-audio").notes == "my note"
        assert library.item_ids(ItemQuery(search="renamed")) == ["skycrane-still"]


def test_search_covers_titles_quotes_tags_and_notes(tmp_path: Path) -> None:
    with open_test_library(tmp_path) as library:
        _tag(library, "wind-audio", "acoustics")
        with library.store.transaction() as conn:
            conn.execute("UPDATE items SET notes = 'listen at ten seconds' WHERE id = 'wind-audio'")
        assert library.item_ids(ItemQuery(search="descent stage")) == ["skycrane-still"]
        assert library.item_ids(ItemQuery(search="acoust")) == ["wind-audio"]
        assert library.item_ids(ItemQuery(search="seconds")) == ["wind-audio"]
        assert library.item_ids(ItemQuery(search='"captured this"')) == ["skycrane-still"]
        assert library.item_ids(ItemQuery(search="nothing-like-this")) == []
        # FTS syntax characters are searched as text, never a syntax error
        assert library.item_ids(ItemQuery(search='wind (* - :')) == ["wind-audio"]
        assert library.item_ids(ItemQuery(search='"OR AND NOT')) == []
        assert library.item_ids(ItemQuery(tags=("acoustics",))) == ["wind-audio"]
        assert library.item_ids(ItemQuery(media_types=("image",))) == ["skycrane-still"]
        assert library.count_items(ItemQuery(phases=("surface-operations",))) == 1
        assert library.item_ids(ItemQuery(sort="title", descending=True)) == ["wind-audio", "skycrane-still"]


def test_to_fts_query_quotes_every_term() -> None:
    assert to_fts_query("sky-crane wheel") == '"sky crane"* AND "wheel"*'
    assert to_fts_query('"first image" hazcam') == '"first image" AND "hazcam"*'
    assert to_fts_query("  ") is None
    assert to_fts_query('" ( ) *') is None


def test_unknown_item_names_the_id(tmp_path: Path) -> None:
    with open_test_library(tmp_path) as library, pytest.raises(UnknownItem, match="'no-such-item'"):
        library.item("no-such-item")


def test_a_file_that_is_not_sqlite_is_refused_and_left_untouched(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    folder.mkdir()
    database = folder / "mediacat.sqlite3"
    database.write_bytes(b"these are my holiday notes, not a database\n")
    with pytest.raises(LibraryError, match="not an SQLite database") as error:
        open_test_library(tmp_path)
    assert str(database) in str(error.value)
    assert database.read_bytes() == b"these are my holiday notes, not a database\n"


def test_a_corrupt_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    open_test_library(tmp_path).close()
    database = tmp_path / "lib" / "mediacat.sqlite3"
    data = bytearray(database.read_bytes())
    # keep the header, scribble over the b-tree pages
    for offset in range(4096, len(data), 7):
        data[offset] = 0xFF
    database.write_bytes(bytes(data))
    for extra in ("-wal", "-shm"):
        (tmp_path / "lib" / f"mediacat.sqlite3{extra}").unlink(missing_ok=True)
    before = database.read_bytes()
    with pytest.raises(LibraryError, match=r"corrupt|cannot be read"):
        open_test_library(tmp_path)
    assert database.read_bytes() == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere; see the /sys test below")
def test_an_unwritable_library_folder_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(LibraryError, match="not writable"):
            open_test_library(tmp_path)
    finally:
        folder.chmod(0o700)


@pytest.mark.skipif(not Path("/sys/kernel").is_dir(), reason="uses /sys, where nobody may create files")
def test_an_existing_unwritable_library_folder_is_named_even_for_root(tmp_path: Path) -> None:
    with pytest.raises(LibraryError, match="/sys/kernel: the library folder is not writable"):
        Library.open("/sys/kernel", seeds=write_seeds(tmp_path / "seeds"))


@pytest.mark.parametrize("user_version", [0, 7])
def test_another_programs_sqlite_file_is_refused_and_left_untouched(tmp_path: Path, user_version: int) -> None:
    folder = tmp_path / "lib"
    folder.mkdir()
    database = folder / "mediacat.sqlite3"
    with contextlib.closing(sqlite3.connect(database)) as conn:
        conn.execute("CREATE TABLE recipes(name TEXT, minutes INTEGER)")
        conn.execute("INSERT INTO recipes VALUES ('pancakes', 20)")
        conn.execute(f"PRAGMA user_version = {user_version}")
        conn.commit()
    before = database.read_bytes()
    with pytest.raises(LibraryError, match=r"not a MediaCat library .*other tables: recipes.*left untouched") as error:
        open_test_library(tmp_path)
    assert str(database) in str(error.value)
    assert database.read_bytes() == before  # not even switched to WAL
    assert sorted(path.name for path in folder.iterdir()) == ["mediacat.sqlite3"]


def test_a_library_path_that_is_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "blocker").write_text("a file where a folder should be")
    with pytest.raises(LibraryError, match="blocker"):
        Library.open(tmp_path / "blocker" / "lib", seeds=write_seeds(tmp_path / "seeds"))


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    open_test_library(tmp_path).close()
    database = tmp_path / "lib" / "mediacat.sqlite3"
    with sqlite3.connect(database) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    with pytest.raises(LibraryError, match="newer MediaCat"):
        open_test_library(tmp_path)


def test_a_failing_write_rolls_back_everything(tmp_path: Path) -> None:
    with open_test_library(tmp_path) as library:
        with pytest.raises(sqlite3.IntegrityError), library.store.transaction() as conn:
            conn.execute("UPDATE items SET notes = 'half' WHERE id = 'wind-audio'")
            conn.execute("INSERT INTO item_tags(item_id, tag_id) VALUES ('no-such-item', 999)")
        assert library.item("wind-audio").notes == ""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc, where nobody may create folders")
def test_a_library_folder_that_cannot_be_created_is_named(tmp_path: Path) -> None:
    with pytest.raises(LibraryError, match="/proc/mediacat-test-library: cannot create"):
        Library.open("/proc/mediacat-test-library", seeds=write_seeds(tmp_path / "seeds"))
