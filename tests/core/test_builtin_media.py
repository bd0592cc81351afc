"""Built-in media: the shipped NASA files are part of the seed catalog, read-only, listed, exported and checked."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from mediacat.cli import main
from mediacat.core.builtin_media import check_builtin_media, shown_media
from mediacat.core.csv_export import export_csv
from mediacat.core.library import Library
from mediacat.paths import seeds_dir

MANIFEST = json.loads((seeds_dir() / "builtin_media.json").read_text(encoding="utf-8"))["files"]
SHIPPED = {media["item_id"]: media for media in MANIFEST}


def cli_json(capsys: pytest.CaptureFixture[str], *argv: str) -> list[dict[str, Any]]:
    """The records a `--json` command prints (a list of objects for the commands used here)."""
    assert main([*argv, "--json"]) in (0, 1)
    records = json.loads(capsys.readouterr().out)
    assert isinstance(records, list) and all(isinstance(record, dict) for record in records), records
    return records


def test_list_json_on_a_new_library_shows_the_builtin_media_as_the_manifest_says(capsys) -> None:
    items = cli_json(capsys, "list")
    with_builtin = {item["id"]: item["builtin_media"] for item in items if item["builtin_media"]}
    assert len(with_builtin) >= 5 and set(with_builtin) == set(SHIPPED)
    for item_id, [media] in with_builtin.items():
        expected = SHIPPED[item_id]
        assert set(media) >= {"path", "sha256", "relation", "credit", "width", "height", "media_type", "source"}
        assert hashlib.sha256(Path(media["path"]).read_bytes()).hexdigest() == expected["sha256"] == media["sha256"]
        assert (media["width"], media["height"], media["relation"]) == (
            expected["width"], expected["height"], expected["relation"])
        assert media["source"]["commit"] == expected["source"]["commit"]
    assert all(item["attachments"] == [] for item in items)  # built-in media are never attachments
    [frame] = with_builtin["edl-parachute-uplook"]
    assert frame["label"] == "A frame from the parachute up-look camera, not the clip"


def test_builtin_media_are_shown_only_while_the_item_has_no_attachment_of_its_own(library: Library, tmp_path) -> None:
    from mediacat.core.attachments import attach_file
    from tests.media_fixtures import make_jpeg

    item = library.item("skycrane-still")
    assert shown_media(item) is item.builtin_media[0]
    assert library.item_rows(["skycrane-still"])["skycrane-still"].builtin == item.builtin_media[0]
    attach_file(library, "skycrane-still", make_jpeg(tmp_path / "mine.jpg"))
    item = library.item("skycrane-still")
    assert shown_media(item) is None and item.builtin_media  # still listed, no longer shown first


def test_check_verifies_the_builtin_files_and_names_a_modified_one(tmp_path: Path, capsys) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(seeds_dir(), seeds, ignore=shutil.ignore_patterns("__pycache__"))
    with Library.open(tmp_path / "lib", seeds=seeds) as library:
        assert {r.status for r in check_builtin_media(library)} == {"ok"}
        target = seeds / SHIPPED["skycrane-still"]["file"]
        data = bytearray(target.read_bytes())
        data[-10] ^= 0xFF  # same size, different bytes
        target.write_bytes(bytes(data))
        (seeds / SHIPPED["navcam-panorama"]["file"]).unlink()
        results = {r.item_id: r for r in check_builtin_media(library)}
    assert results["skycrane-still"].status == "modified" and results["skycrane-still"].builtin
    assert "differs from the seed manifest" in results["skycrane-still"].message
    assert results["navcam-panorama"].status == "missing"
    assert results["raw-image-gallery"].status == "ok"
    assert results["skycrane-still"].to_json()["attachment_id"] is None


def test_the_check_command_includes_the_builtin_files(capsys) -> None:
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert "6 built-in files checked: all ok" in out
    results = cli_json(capsys, "check")
    assert len([r for r in results if r["builtin"]]) == 6


def test_a_newer_seed_catalog_replaces_the_builtin_media(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(seeds_dir(), seeds, ignore=shutil.ignore_patterns("__pycache__"))
    with Library.open(tmp_path / "lib", seeds=seeds) as library:
        assert len(library.builtin_media_of()) == 6
    manifest_path = seeds / "builtin_media.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["files"] = [m for m in manifest["files"] if m["item_id"] != "navcam-panorama"]
    manifest["files"][0]["label"] = "A new label"
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    with Library.open(tmp_path / "lib", seeds=seeds) as library:
        files = {m.item_id: m for m in library.builtin_media_of()}
    assert "navcam-panorama" not in files and len(files) == 5
    assert files[manifest["files"][0]["item_id"]].label == "A new label"


def test_a_manifest_naming_a_missing_file_is_refused_with_its_name(tmp_path: Path) -> None:
    from mediacat.core.errors import SeedError

    seeds = tmp_path / "seeds"
    shutil.copytree(seeds_dir(), seeds, ignore=shutil.ignore_patterns("__pycache__"))
    (seeds / SHIPPED["raw-image-gallery"]["file"]).unlink()
    with pytest.raises(SeedError, match=r"raw-image-gallery__.*missing"):
        Library.open(tmp_path / "lib", seeds=seeds)


def test_csv_export_has_the_builtin_media_columns(library: Library) -> None:
    out = io.BytesIO()
    export_csv(library, library.item_ids(), out)
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(out.getvalue().decode("utf-8-sig")))}
    row = rows["navcam-panorama"]
    assert row["builtin_media_relations"] == "related"
    assert row["builtin_media_sha256"] == SHIPPED["navcam-panorama"]["sha256"]
    assert row["builtin_media_credits"] == "NASA/JPL-Caltech" and row["builtin_media_dimensions"] == "1280x377"
    assert row["builtin_media_media_types"] == "image"
    assert row["builtin_media_sources"].startswith("https://github.com/chrislyonsKY/soltracker/blob/")
    assert Path(row["builtin_media_paths"]).is_file()
    assert rows["edl-landing-video"]["builtin_media_paths"] == ""
