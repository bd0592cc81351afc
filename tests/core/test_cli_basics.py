"""The command line's contract on the real shipped catalog: JSON fields, filters, exit codes, library choice."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import mediacat
from mediacat.cli import main
from mediacat.cli.common import EXIT_ERROR
from mediacat.core.library import Library
from mediacat.core.search import ItemQuery

REPO = Path(__file__).resolve().parents[2]
SEEDS = json.loads((REPO / "seeds" / "catalog.json").read_text(encoding="utf-8"))
SOURCE_FIELDS = ["article_id", "outlet", "title", "date", "quote"]


def readme_json_fields() -> list[str]:
    """The field names of the README's "JSON output" table, in order: the contract `--json` keeps."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("### JSON output", 1)[1].split("\n#", 1)[0]
    return re.findall(r"^\| `(\w+)` \|", section, flags=re.MULTILINE)


def catalog_order() -> list[str]:
    """The ids in the core's default order, from the default library (the CLI prints what the core returns)."""
    with Library.open() as library:
        return library.item_ids(ItemQuery())


def seed_ids(media_type: str) -> set[str]:
    return {item["id"] for item in SEEDS["items"] if item["media_type"] == media_type}


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def cli_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    code, out, err = cli(capsys, *argv, "--json")
    assert code == 0, err
    return json.loads(out)


def tag_item(library_dir: Path, item_id: str, tag: str) -> None:
    with sqlite3.connect(library_dir / "mediacat.sqlite3") as conn:
        conn.execute("INSERT OR IGNORE INTO tags(name) VALUES (?)", (tag,))
        conn.execute("INSERT INTO item_tags(item_id, tag_id) SELECT ?, id FROM tags WHERE name = ?", (item_id, tag))
    conn.close()


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"mediacat {mediacat.__version__}"


def test_list_json_has_exactly_the_readme_fields_for_every_shipped_item(capsys: pytest.CaptureFixture[str]) -> None:
    fields = readme_json_fields()
    assert {"id", "title", "media_type", "kind", "official_urls", "sources", "attachments"} <= set(fields)
    items = cli_json(capsys, "list")
    assert sorted(item["id"] for item in items) == sorted(item["id"] for item in SEEDS["items"])
    assert [item["id"] for item in items] == catalog_order()
    for item in items:
        assert list(item) == fields, item["id"]
        assert item["media_type"] in ("image", "video", "audio")
        for key in ("nasa_ids", "official_urls", "media_urls", "tags", "sources", "attachments"):
            assert isinstance(item[key], list), (item["id"], key)
        assert isinstance(item["notes"], str)
        assert item["sources"], f"{item['id']} has no source"
        for source in item["sources"]:
            assert list(source) == SOURCE_FIELDS
            assert all(isinstance(source[key], str) and source[key] for key in SOURCE_FIELDS)
    skycrane = next(item for item in items if item["id"] == "skycrane-still")
    seed = next(item for item in SEEDS["items"] if item["id"] == "skycrane-still")
    assert skycrane["title"] == seed["title"]
    assert skycrane["official_urls"] == seed["official_urls"]
    assert [source["quote"] for source in skycrane["sources"]] == [source["quote"] for source in seed["sources"]]


def test_list_filters_by_type_search_and_tag(capsys: pytest.CaptureFixture[str], library_dir: Path) -> None:
    videos = cli_json(capsys, "list", "--type", "video")
    assert [item["id"] for item in videos] == [item_id for item_id in catalog_order() if item_id in seed_ids("video")]
    assert videos and all(item["media_type"] == "video" for item in videos)

    found = cli_json(capsys, "list", "--search", "sky crane")
    assert "skycrane-still" in [item["id"] for item in found]
    assert cli_json(capsys, "list", "--search", "zzzznothing") == []

    assert cli_json(capsys, "list", "--tag", "no-such-tag") == []
    tag_item(library_dir, "navcam-panorama", "favourite")
    assert [item["id"] for item in cli_json(capsys, "list", "--tag", "favourite")] == ["navcam-panorama"]
    assert [item["id"] for item in cli_json(capsys, "list", "--tag", "favourite", "--type", "audio")] == []


def test_list_without_json_prints_a_table_of_every_item(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "list")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:2] == ["ID", "TYPE"]
    assert [line.split()[0] for line in lines[1:]] == catalog_order()


def test_show_json_is_the_list_json_object(capsys: pytest.CaptureFixture[str]) -> None:
    listed = {item["id"]: item for item in cli_json(capsys, "list")}
    for item_id in ("skycrane-still", "mars-wind-audio-filtered", "edl-landing-video"):
        assert cli_json(capsys, "show", item_id) == listed[item_id]
    code, out, _ = cli(capsys, "show", "skycrane-still")
    assert code == 0 and listed["skycrane-still"]["title"] in out


def test_show_an_unknown_id_exits_2_naming_it(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "show", "no-such-id")
    assert code == EXIT_ERROR == 2
    assert out == ""
    assert "no-such-id" in err and err.startswith("mediacat: error:")


def test_articles_and_article_text(capsys: pytest.CaptureFixture[str]) -> None:
    articles = cli_json(capsys, "articles")
    assert [article["id"] for article in articles] == sorted(
        (article["id"] for article in SEEDS["articles"]),
        key=lambda article_id: next((a["date"], a["outlet"], a["id"]) for a in SEEDS["articles"]
                                    if a["id"] == article_id),
    )
    for article in articles:
        assert article["item_count"] > 0
        seed = next(a for a in SEEDS["articles"] if a["id"] == article["id"])
        assert (article["outlet"], article["title"], article["date"]) == (seed["outlet"], seed["title"], seed["date"])
        code, out, _ = cli(capsys, "article", article["id"])
        assert code == 0
        text = (REPO / "seeds" / seed["file"]).read_text(encoding="utf-8").rstrip("\n")
        assert text in out
        assert out.startswith(seed["title"])
    code, _, err = cli(capsys, "article", "no-such-article")
    assert code == 2 and "no-such-article" in err


def test_a_garbage_library_file_exits_2_naming_it_and_stays_untouched(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = tmp_path / "garbage-library"
    folder.mkdir()
    database = folder / "mediacat.sqlite3"
    garbage = b"this is not a database\n" * 100
    database.write_bytes(garbage)
    for command in (["list"], ["show", "skycrane-still"], ["articles", "--json"]):
        code, out, err = cli(capsys, *command, "--library", str(folder))
        assert code == 2, command
        assert out == ""
        assert str(database) in err
    assert database.read_bytes() == garbage
    assert sorted(path.name for path in folder.iterdir()) == ["mediacat.sqlite3"]


def test_a_library_path_that_is_a_file_exits_2_naming_it(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("hello")
    code, _, err = cli(capsys, "list", "--library", str(not_a_folder))
    assert code == 2
    assert str(not_a_folder) in err
    assert not_a_folder.read_text() == "hello"


def test_library_option_wins_over_the_environment(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from_env = tmp_path / "from-env"
    from_option = tmp_path / "from-option"
    monkeypatch.setenv("MEDIACAT_LIBRARY", str(from_env))

    assert cli_json(capsys, "list", "--tag", "mine") == []
    assert (from_env / "mediacat.sqlite3").is_file()
    assert not from_option.exists()

    cli_json(capsys, "list", "--library", str(from_option))
    assert (from_option / "mediacat.sqlite3").is_file()
    tag_item(from_option, "skycrane-still", "mine")
    assert [item["id"] for item in cli_json(capsys, "list", "--tag", "mine", "--library", str(from_option))] == [
        "skycrane-still"
    ]
    assert cli_json(capsys, "list", "--tag", "mine") == []  # the environment's library has no such tag


def test_python_m_mediacat_runs_as_a_real_process(tmp_path: Path) -> None:
    env = {**os.environ, "MEDIACAT_LIBRARY": str(tmp_path / "env-library")}
    env.pop("PYTHONPATH", None)
    result = subprocess.run(
        [sys.executable, "-m", "mediacat", "list", "--type", "audio", "--library", str(tmp_path / "lib")],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    ids = [line.split()[0] for line in result.stdout.splitlines()[1:]]
    assert ids == [item_id for item_id in catalog_order() if item_id in seed_ids("audio")]
    assert (tmp_path / "lib" / "mediacat.sqlite3").is_file()
    assert not (tmp_path / "env-library").exists()

    failed = subprocess.run([sys.executable, "-m", "mediacat", "show", "nope-nope", "--library", str(tmp_path / "lib")],
                            cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert failed.returncode == 2
    assert "nope-nope" in failed.stderr
    assert "Traceback" not in failed.stderr
