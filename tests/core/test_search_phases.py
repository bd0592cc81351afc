"""Issue 16: the search matches mission phase names ("sky cra" finds every sky-crane item), in a new library and
in one upgraded from the steps before it, and stays current when a phase is relabelled or an item changes phase."""

from __future__ import annotations

from pathlib import Path

import pytest

from mediacat.core import tags
from mediacat.core.library import Library
from mediacat.core.search import ItemQuery
from mediacat.core.store import connection, schema

SKY_CRANE = {"skycrane-still", "edl-descent-stage-downlook", "edl-rover-uplook"}


def found(library: Library, text: str) -> set[str]:
    return set(library.item_ids(ItemQuery(search=text)))


def test_sky_cra_finds_every_item_of_the_sky_crane_phase(library):
    assert {i for i in library.item_ids() if library.item(i).mission_phase == "skycrane"} == SKY_CRANE
    assert found(library, "sky cra") >= SKY_CRANE
    assert found(library, '"sky crane and touchdown"') == SKY_CRANE  # the label as a phrase: only its items
    assert found(library, "parachute descent") >= {
        i for i in library.item_ids() if library.item(i).mission_phase == "parachute-descent"}


def test_the_index_follows_phase_relabels_item_changes_and_tags(library):
    with library.store.transaction():
        library.store.execute("UPDATE mission_phases SET label = 'Zorblax lowering' WHERE id = 'skycrane'")
    assert found(library, "zorblax") == SKY_CRANE
    with library.store.transaction():
        library.store.execute("UPDATE items SET mission_phase = 'first-images' WHERE id = 'skycrane-still'")
    assert found(library, "zorblax") == SKY_CRANE - {"skycrane-still"}
    tags.add_tags(library, ["edl-rover-uplook"], ["quux"])  # the other columns are still indexed
    assert found(library, "quux zorblax") == {"edl-rover-uplook"}


def test_a_library_made_before_the_step_is_upgraded_and_its_phases_searched(tmp_path: Path, monkeypatch):
    step = schema.MIGRATIONS.index(schema._search_mission_phases)  # the steps before it: an older MediaCat
    folder = tmp_path / "old"
    with monkeypatch.context() as old_app:
        old_app.setattr(connection, "MIGRATIONS", schema.MIGRATIONS[:step])
        old_app.setattr(connection, "SCHEMA_VERSION", step)
        old = Library.open(folder)
        assert old.store.execute("PRAGMA user_version").fetchone()[0] == step
        tags.add_tags(old, ["skycrane-still"], ["mine"])
        assert found(old, "sky cra") & SKY_CRANE != SKY_CRANE  # not indexed before the step (2 of 3)
        old.close()
    upgraded = Library.open(folder)
    try:
        assert upgraded.store.execute("PRAGMA user_version").fetchone()[0] == len(schema.MIGRATIONS)
        assert found(upgraded, "sky cra") >= SKY_CRANE
        assert found(upgraded, "mine") == {"skycrane-still"}  # what was indexed before is indexed again
        assert (folder / f"mediacat.sqlite3.before-v{step + 1}.bak").exists()
    finally:
        upgraded.close()


@pytest.mark.parametrize("text", ["sky cra", "Sky Crane", "touchdown"])
def test_the_cli_search_matches_phase_names(library, library_dir, text):
    import json
    import os
    import subprocess
    import sys

    repo = Path(__file__).resolve().parents[2]
    result = subprocess.run([sys.executable, "-m", "mediacat", "list", "--library", str(library_dir), "--search",
                             text, "--json"], capture_output=True, text=True, check=True, cwd=repo,
                            env={**os.environ, "PYTHONPATH": str(repo)})
    listed = {row["id"] for row in json.loads(result.stdout)}
    assert listed >= SKY_CRANE
