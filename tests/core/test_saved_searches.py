"""Saved searches: kept in the library, live counts, rename/edit/remove with undo, and `--saved` in list/export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mediacat.cli import main
from mediacat.core.events import events
from mediacat.core.library import Library
from mediacat.core.saved_searches import (
    SavedSearchError,
    get_saved_search,
    remove_saved_search,
    rename_saved_search,
    restore_saved_search,
    save_search,
    saved_search_counts,
)
from mediacat.core.search import ItemQuery
from mediacat.core.tags import add_tags


def test_save_count_rename_edit_remove_and_undo(library: Library, tmp_path: Path) -> None:
    query = ItemQuery(media_types=("image",), tags=("best",), search="rover", sort="title", descending=True)
    change = save_search(library, "Best rover images", query)
    assert change.changes.saved_searches and change.before is None
    assert get_saved_search(library, "best ROVER images").query == query  # names compare without case
    assert saved_search_counts(library)[0][1] == 0
    add_tags(library, ["skycrane-still", "navcam-panorama"], ["best"])
    counts = dict((s.name, n) for s, n in saved_search_counts(library))
    assert counts["Best rover images"] == library.count_items(query) >= 1  # live: follows the tags
    with pytest.raises(SavedSearchError, match="already exists"):
        save_search(library, "best rover images", ItemQuery())
    edited = save_search(library, "Best rover images", ItemQuery(media_types=("video",)), replace=True)
    assert edited.before is not None and edited.before.query == query
    restore_saved_search(library, edited.before)
    assert get_saved_search(library, "Best rover images").query == query
    renamed = rename_saved_search(library, "Best rover images", "  Favourites ")
    assert renamed.name == "Favourites"
    with pytest.raises(SavedSearchError, match="no saved search named 'Best rover images'"):
        get_saved_search(library, "Best rover images")
    removed = remove_saved_search(library, "favourites")
    assert removed.before is not None and saved_search_counts(library) == []
    restore_saved_search(library, removed.before)
    assert get_saved_search(library, "Favourites").query == query
    ops = [e.details["operation"] for e in events(library) if e.action == "saved-search"]
    assert ops == ["add", "edit", "edit", "rename", "remove", "add"]
    # it lives in the library: another connection (another program) sees it
    with Library.open(library.paths.root) as other:
        assert get_saved_search(other, "Favourites").query == query


def test_bad_names(library: Library) -> None:
    with pytest.raises(SavedSearchError, match="needs a name"):
        save_search(library, "   ", ItemQuery())
    with pytest.raises(SavedSearchError, match="no saved search named 'x' \\(saved: none yet\\)"):
        remove_saved_search(library, "x")


def test_cli_saved_search_list_and_export(library: Library, capsys: pytest.CaptureFixture[str],
                                          tmp_path: Path) -> None:
    assert main(["saved-search", "add", "Audio", "--type", "audio"]) == 0
    out = capsys.readouterr().out
    audio = library.item_ids(ItemQuery(media_types=("audio",)))
    assert f"saved 'Audio': {len(audio)} items" in out
    assert main(["saved-search", "list", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data[0]["name"] == "Audio" and data[0]["query"] == {"media_types": ["audio"]}
    assert data[0]["count"] == len(audio)
    assert main(["list", "--saved", "audio", "--json"]) == 0
    assert [i["id"] for i in json.loads(capsys.readouterr().out)] == audio
    assert main(["list", "--saved", "Audio", "--search", "filtered", "--json"]) == 0
    narrowed = json.loads(capsys.readouterr().out)
    assert [i["id"] for i in narrowed] == library.item_ids(ItemQuery(media_types=("audio",), search="filtered"))
    assert main(["export", "--saved", "Audio", "-o", str(tmp_path / "a.csv")]) == 0
    capsys.readouterr()
    lines = (tmp_path / "a.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 1 + len(audio)
    assert main(["saved-search", "rename", "Audio", "Sounds"]) == 0
    assert main(["saved-search", "list"]) == 0
    assert "Sounds" in capsys.readouterr().out
    assert main(["saved-search", "remove", "Sounds"]) == 0
    assert main(["list", "--saved", "Sounds"]) == 2
    assert "no saved search named 'Sounds'" in capsys.readouterr().err
