"""BagIt export and import: every bag made is validated with the Library of Congress `bagit`; missing and
modified files refuse the bag; import into another library is validated first and all or nothing."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import bagit
import pytest

from mediacat.cli import main
from mediacat.core.attachments import attach_file
from mediacat.core.bag_export import BagError, export_bag, safe_name
from mediacat.core.bag_import import import_bag
from mediacat.core.events import events
from mediacat.core.library import Library
from mediacat.core.tags import add_tags, set_note
from mediacat.core.user_items import add_item, edit_item
from tests.media_fixtures import make_jpeg, make_wav

QUOTE = "It was taken by the rocket cradle that placed the vehicle on the ground."


def valid_bag(path: Path) -> bagit.Bag:
    bag = bagit.Bag(str(path))
    bag.validate()  # raises on any problem
    assert bag.is_valid()
    return bag


@pytest.fixture
def stocked(library: Library, tmp_path: Path) -> Library:
    """A library with a user item, a seed correction, tags, notes and three files (two with one name)."""
    mine = add_item(library, {"title": "Mastcam-Z panorama", "media_type": "image", "kind": "panorama"},
                    sources=[("bbc-news-2021-02-19", QUOTE)], tags=["pano"], notes="my own").item_id
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    attach_file(library, mine, make_jpeg(tmp_path / "a" / "Pano été.jpg"))
    attach_file(library, mine, make_jpeg(tmp_path / "b" / "Pano été.jpg", size=(64, 48)))
    attach_file(library, "mars-wind-audio-original", make_wav(tmp_path / "wind.wav"), mode="link")
    edit_item(library, "skycrane-still", {"credit": "corrected credit"})
    add_tags(library, ["skycrane-still", "mars-wind-audio-original"], ["landing"])
    set_note(library, "mars-wind-audio-original", "the first sound")
    return library


def selection(library: Library) -> list[str]:
    return [i for i in library.item_ids() if i.startswith("user-")] + ["skycrane-still", "mars-wind-audio-original"]


def test_export_makes_a_valid_bag_with_media_metadata_articles_and_events(stocked: Library, tmp_path: Path) -> None:
    report = export_bag(stocked, selection(stocked), tmp_path / "bag", source_organization="Mars Archive")
    assert (report.items, report.files) == (3, 3) and report.events > 0
    bag = valid_bag(tmp_path / "bag")
    info = bag.info
    assert info["Source-Organization"] == "Mars Archive"
    assert info["Bagging-Date"][:2] == "20" and info["External-Description"].startswith("3 items")
    octets, count = info["Payload-Oxum"].split(".")
    payload = [p for p in (tmp_path / "bag" / "data").rglob("*") if p.is_file()]
    assert int(count) == len(payload) and int(octets) == sum(p.stat().st_size for p in payload)
    assert (tmp_path / "bag" / "tagmanifest-sha256.txt").is_file()
    media = sorted(p.name for p in (tmp_path / "bag" / "data" / "media").rglob("*") if p.is_file())
    assert media == ["Pano_ete-2.jpg", "Pano_ete.jpg", "wind.wav"]  # safe and unique names
    catalog = json.loads((tmp_path / "bag" / "data" / "metadata" / "catalog.json").read_text(encoding="utf-8"))
    by_id = {item["id"]: item for item in catalog["items"]}
    assert by_id["skycrane-still"]["overrides"]["credit"]["value"] == "corrected credit"
    for item in catalog["items"]:
        for attachment in item["attachments"]:
            assert (tmp_path / "bag" / attachment["bag_path"]).is_file()
    text = (tmp_path / "bag" / "data" / "metadata" / "catalog.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) == 4 and rows[0][0] == "id"
    dc = (tmp_path / "bag" / "data" / "metadata" / "catalog-dublin-core.csv").read_text(encoding="utf-8-sig")
    assert dc.startswith("dc:title")
    logged = json.loads((tmp_path / "bag" / "data" / "metadata" / "events.json").read_text(encoding="utf-8"))
    assert {e["item_id"] for e in logged} <= set(selection(stocked)) and len(logged) == report.events
    articles = json.loads((tmp_path / "bag" / "data" / "articles" / "articles.json").read_text(encoding="utf-8"))
    assert "bbc-news-2021-02-19" in {a["id"] for a in articles}
    bbc = (tmp_path / "bag" / "data" / "articles" / "bbc-news-2021-02-19.txt").read_text(encoding="utf-8")
    assert QUOTE in bbc
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no staging folder left


def test_a_missing_linked_file_refuses_the_bag(stocked: Library, tmp_path: Path) -> None:
    (tmp_path / "wind.wav").unlink()
    with pytest.raises(BagError, match=r"wind\.wav: attachment #\d+ of 'mars-wind-audio-original' is missing"):
        export_bag(stocked, selection(stocked), tmp_path / "bag")
    assert not (tmp_path / "bag").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_modified_file_refuses_the_bag(stocked: Library, tmp_path: Path) -> None:
    with (tmp_path / "wind.wav").open("ab") as changed:
        changed.write(b"more")
    with pytest.raises(BagError, match="was modified since it was attached"):
        export_bag(stocked, selection(stocked), tmp_path / "bag")
    assert not (tmp_path / "bag").exists()


def test_a_non_empty_target_is_refused(stocked: Library, tmp_path: Path) -> None:
    (tmp_path / "bag").mkdir()
    (tmp_path / "bag" / "x").write_text("x")
    with pytest.raises(BagError, match="not an empty folder"):
        export_bag(stocked, selection(stocked), tmp_path / "bag")


def test_import_into_another_library_all_of_it_once(stocked: Library, tmp_path: Path) -> None:
    export_bag(stocked, selection(stocked), tmp_path / "bag")
    with Library.open(tmp_path / "other") as other:
        set_note(other, "mars-wind-audio-original", "another note")
        report = import_bag(other, tmp_path / "bag")
        mine = next(i for i in selection(stocked) if i.startswith("user-"))
        item = other.item(mine)
        assert (item.origin, item.kind, item.tags, item.notes) == ("user", "panorama", ("pano",), "my own")
        assert item.sources[0].quote == QUOTE
        assert sorted(a.sha256 for a in item.attachments) == sorted(a.sha256 for a in stocked.item(mine).attachments)
        assert all(Path(a.resolved_path).is_relative_to(other.paths.media) for a in item.attachments)
        assert other.item("skycrane-still").credit == "corrected credit"
        assert other.item("skycrane-still").overrides == {"credit": stocked.item("skycrane-still").overrides["credit"]}
        assert other.item("mars-wind-audio-original").notes == "another note"
        assert report.notes_kept == ["mars-wind-audio-original"]
        assert other.item("mars-wind-audio-original").tags == ("landing",)
        imported = [e for e in events(other) if "imported_from" in e.details]
        assert len(imported) == report.events_added > 0
        original = {e.id: e for e in events(stocked, item_ids=selection(stocked))}
        for event in imported:
            source = original[event.details["imported_from"]["event_id"]]
            assert (event.at, event.action, event.item_id, event.outcome) == (
                source.at, source.action, source.item_id, source.outcome)
        assert events(other)[-1].action == "import-bag"
        again = import_bag(other, tmp_path / "bag")  # nothing twice
        assert again.events_added == 0 and again.attachments_added == 0 and again.attachments_known == 3
        assert len(other.item(mine).attachments) == 2


def test_a_damaged_bag_is_refused_and_nothing_imported(stocked: Library, tmp_path: Path) -> None:
    export_bag(stocked, selection(stocked), tmp_path / "bag")
    damaged = next((tmp_path / "bag" / "data" / "media").rglob("*.wav"))
    with damaged.open("r+b") as file:
        file.seek(100)
        file.write(b"\xff\xff\xff\xff")
    with Library.open(tmp_path / "other") as other:
        before = other.count_items()
        with pytest.raises(BagError, match="the bag is not valid"):
            import_bag(other, tmp_path / "bag")
        assert other.count_items() == before and [e for e in events(other) if e.action != "seed-update"] == []


def test_a_failure_halfway_leaves_the_library_as_it_was(stocked: Library, tmp_path: Path) -> None:
    export_bag(stocked, selection(stocked), tmp_path / "bag")
    catalog_path = tmp_path / "bag" / "data" / "metadata" / "catalog.json"
    catalog = json.loads(catalog_path.read_text(encoding="utf-8"))
    catalog["items"].append({"id": "no-such-seed-item", "origin": "seed"})  # the last item cannot be imported
    catalog_path.write_text(json.dumps(catalog), encoding="utf-8")
    shutil.copytree(tmp_path / "bag", tmp_path / "bag2")
    bag = bagit.Bag(str(tmp_path / "bag2"))
    bag.save(manifests=True)  # a valid bag again, with the bad catalog
    with Library.open(tmp_path / "other") as other:
        with pytest.raises(BagError, match="'no-such-seed-item' is not in this library's catalog"):
            import_bag(other, tmp_path / "bag2")
        assert [i for i in other.item_ids() if i.startswith("user-")] == []
        assert other.all_attachments() == [] and [e for e in events(other) if e.action != "seed-update"] == []
        assert [p for p in other.paths.media.rglob("*") if p.is_file()] == []


def test_not_a_mediacat_bag(tmp_path: Path, library: Library) -> None:
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / "f.txt").write_text("hello")
    bagit.make_bag(str(tmp_path / "plain"), checksums=["sha256"])
    with pytest.raises(BagError, match="not a bag made by MediaCat"):
        import_bag(library, tmp_path / "plain")
    with pytest.raises(BagError, match="not a BagIt bag"):
        import_bag(library, tmp_path)


def test_safe_names() -> None:
    assert safe_name("Pano été.jpg") == "Pano_ete.jpg"
    assert safe_name("../../etc/passwd") == "etc_passwd"
    assert safe_name("火星.png") == "png"
    assert len(safe_name("x" * 300 + ".jpg")) == 120 and safe_name("x" * 300 + ".jpg").endswith(".jpg")


def test_cli_export_bag_and_import_bag(stocked: Library, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["saved-search", "add", "Mine", "--tag", "pano"]) == 0
    assert main(["export-bag", str(tmp_path / "bag"), "--saved", "Mine", "--organization", "Me"]) == 0
    err = capsys.readouterr().err
    assert "bagged 1 items, 2 files" in err
    assert valid_bag(tmp_path / "bag").info["Source-Organization"] == "Me"
    assert main(["import-bag", str(tmp_path / "bag"), "--library", str(tmp_path / "other")]) == 0
    assert "1 items created" in capsys.readouterr().out
    assert main(["export-bag", str(tmp_path / "bag2"), "--include-builtin", "--search", "High-Resolution Still"]) == 0
    capsys.readouterr()
    bag = valid_bag(tmp_path / "bag2")
    shipped = {media.sha256 for media in stocked.item("skycrane-still").builtin_media}
    assert shipped and shipped <= {digests["sha256"] for digests in bag.entries.values()}
    catalog = json.loads((tmp_path / "bag2" / "data" / "metadata" / "catalog.json").read_text(encoding="utf-8"))
    sky = next(item for item in catalog["items"] if item["id"] == "skycrane-still")
    assert all((tmp_path / "bag2" / media["bag_path"]).is_file() for media in sky["builtin_media"])
    (tmp_path / "wind.wav").unlink()
    assert main(["export-bag", str(tmp_path / "bag3"), "--tag", "landing"]) == 2
    assert "is missing" in capsys.readouterr().err and not (tmp_path / "bag3").exists()
