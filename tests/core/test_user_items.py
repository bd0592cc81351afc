"""Items of the user's own: add (plain, from NASA, from a file), edit, corrections of seed facts, batch edit,
delete, undo; and their place in search, filters, exports and the log."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mediacat.cli import main
from mediacat.core.csv_export import export_csv
from mediacat.core.errors import UnknownItem
from mediacat.core.events import events
from mediacat.core.library import Library
from mediacat.core.nasa import NasaApiError, NasaImageLibrary
from mediacat.core.new_items import add_item_from_file, add_item_from_nasa
from mediacat.core.search import ItemQuery
from mediacat.core.user_items import (
    ExternalSource,
    ItemEditError,
    add_item,
    batch_edit,
    delete_item,
    edit_item,
    preview_batch_edit,
    restore_item,
    revert_to_seed,
    undo_batch_edit,
    undo_edit,
)
from tests.core.seed_fixtures import default_items, write_seeds
from tests.http_server import MediaServer
from tests.media_fixtures import make_jpeg
from tests.nasa_api import install_nasa_api

QUOTE = "It was taken by the rocket cradle that placed the vehicle on the ground."


def test_add_a_user_item_with_a_verbatim_source_and_an_outside_one(library: Library) -> None:
    added = add_item(
        library,
        {"title": "Mastcam-Z first panorama", "media_type": "image", "kind": "panorama", "camera": "Mastcam-Z",
         "date_taken": "2021-02-24", "credit": "NASA/JPL-Caltech/ASU", "official_urls": ["https://example.org/p"]},
        sources=[("bbc-news-2021-02-19", QUOTE)],
        external_sources=[ExternalSource("https://example.org/pano", "the first 360-degree panorama")],
        tags=["panorama"],
    )
    assert added.item_id == "user-mastcam-z-first-panorama"
    assert added.changes.item_set and added.changes.events
    item = library.item(added.item_id)
    assert (item.origin, item.kind, item.camera, item.tags) == ("user", "panorama", "Mastcam-Z", ("panorama",))
    assert item.sources[0].article_id == "bbc-news-2021-02-19" and item.sources[0].quote == QUOTE
    assert item.to_json()["external_sources"] == [
        {"url": "https://example.org/pano", "quote": "the first 360-degree panorama", "title": ""}]
    # the shipped catalog has its own announced Mastcam-Z panorama (issue 10): both are found, the user's too
    assert set(library.item_ids(ItemQuery(search="Mastcam"))) == {"mastcam-z-panorama", added.item_id}
    assert library.item_ids(ItemQuery(kinds=("panorama",), tags=("panorama",))) == [added.item_id]
    assert library.item_ids(ItemQuery(article_ids=("bbc-news-2021-02-19",))).count(added.item_id) == 1
    assert library.facet_counts()["kind"]["panorama"] >= 1
    assert [e.action for e in events(library, item_id=added.item_id)] == ["item-add", "tag"]
    again = add_item(library, {"title": "Mastcam-Z first panorama", "media_type": "image"})
    assert again.item_id == "user-mastcam-z-first-panorama-2" and library.item(again.item_id).kind == "still"


@pytest.mark.parametrize(("values", "sources", "message"), [
    ({"media_type": "image"}, [], "title is required"),
    ({"title": "x", "media_type": "hologram"}, [], "media_type 'hologram'"),
    ({"title": "x", "media_type": "image", "date_taken": "18/02/2021"}, [], "not an ISO date"),
    ({"title": "x", "media_type": "image", "mission_phase": "cruise"}, [], "unknown mission phase 'cruise'"),
    ({"title": "x", "media_type": "image", "official_urls": ["ftp://x"]}, [], "not an http(s) URL"),
    ({"title": "x", "media_type": "image"}, [("bbc-news-2021-02-19", "words not in it")], "word for word"),
    ({"title": "x", "media_type": "image"}, [("no-paper", "q")], "no article 'no-paper'"),
])
def test_bad_values_are_refused_and_nothing_is_added(library: Library, values: dict, sources: list,
                                                     message: str) -> None:
    before = library.count_items()
    with pytest.raises(ItemEditError, match=message.replace("(", r"\(").replace(")", r"\)")):
        add_item(library, values, sources=sources)
    assert library.count_items() == before and [e for e in events(library) if e.action != "seed-update"] == []


def test_edit_a_user_item_and_undo_it(library: Library) -> None:
    item_id = add_item(library, {"title": "Mine", "media_type": "image"}).item_id
    edit = edit_item(library, item_id, {"credit": "Me", "title": "Mine, renamed", "media_urls": ["https://x.org/a.jpg"]})
    assert edit.after == {"credit": "Me", "title": "Mine, renamed", "media_urls": ["https://x.org/a.jpg"]}
    assert edit.before == {"credit": None, "title": "Mine", "media_urls": []}
    assert library.item(item_id).credit == "Me" and library.item(item_id).overrides == {}
    redo = undo_edit(library, edit)
    assert library.item(item_id).title == "Mine" and library.item(item_id).media_urls == ()
    undo_edit(library, redo)
    assert library.item(item_id).title == "Mine, renamed"
    assert [e.action for e in events(library, item_id=item_id)] == ["item-add", *["item-edit"] * 3]


def test_a_seed_correction_is_an_override_shown_beside_the_seed_value(library: Library) -> None:
    seed_credit = library.item("skycrane-still").credit
    edit = edit_item(library, "skycrane-still", {"credit": "NASA/JPL-Caltech (corrected)"})
    item = library.item("skycrane-still")
    assert item.credit == "NASA/JPL-Caltech (corrected)"
    assert item.to_json()["overrides"] == {"credit": {"value": "NASA/JPL-Caltech (corrected)",
                                                      "seed_value": seed_credit}}
    assert library.item_ids(ItemQuery(search="corrected")) == ["skycrane-still"]
    undo_edit(library, edit)
    assert library.item("skycrane-still").credit == seed_credit and library.item("skycrane-still").overrides == {}
    edit_item(library, "skycrane-still", {"camera": "Another camera"})
    revert_to_seed(library, "skycrane-still", ["camera"])
    assert library.item("skycrane-still").overrides == {}
    with pytest.raises(ItemEditError, match="shipped item: official_urls cannot be changed"):
        edit_item(library, "skycrane-still", {"official_urls": ["https://example.org"]})
    with pytest.raises(ItemEditError, match="shipped item and cannot be deleted"):
        delete_item(library, "skycrane-still")


def test_a_seed_update_keeps_the_correction_and_refreshes_the_seed_value(tmp_path: Path) -> None:
    seeds = write_seeds(tmp_path / "seeds")
    with Library.open(tmp_path / "lib", seeds=seeds) as lib:
        edit_item(lib, "skycrane-still", {"credit": "My credit", "title": "My title"})
    items = default_items()
    items[0]["credit"] = "NASA/JPL-Caltech/MSSS"  # the catalog changes the seed value
    items[0]["title"] = "My title"  # and now says what the user said: no correction left there
    with Library.open(tmp_path / "lib", seeds=write_seeds(tmp_path / "seeds2", items=items, version="2")) as lib:
        assert lib.seed_report is not None and lib.seed_report.applied
        item = lib.item("skycrane-still")
        assert item.credit == "My credit" and item.title == "My title"
        assert item.overrides == {"credit": "NASA/JPL-Caltech/MSSS"}
    # a seed item that leaves the catalog but carries a correction is kept (retired), not deleted
    with Library.open(tmp_path / "lib", seeds=write_seeds(tmp_path / "seeds3", items=items[1:], version="3")) as lib:
        assert lib.item("skycrane-still").origin == "seed-retired"


def test_batch_edit_with_preview_and_undo(library: Library) -> None:
    mine = add_item(library, {"title": "Mine", "media_type": "image", "credit": "Me"}).item_id
    ids = ["skycrane-still", "navcam-panorama", mine]
    preview = preview_batch_edit(library, ids, "credit", "Me")
    assert [row[0] for row in preview] == ["skycrane-still", "navcam-panorama"]  # mine already says "Me"
    assert library.item("skycrane-still").credit == "NASA/JPL-Caltech"  # a preview writes nothing
    batch = batch_edit(library, ids, "credit", "Me")
    assert len(batch.edits) == 2 and batch.changes.items == {"skycrane-still", "navcam-panorama"}
    assert {library.item(i).credit for i in ids} == {"Me"}
    assert library.item("navcam-panorama").overrides == {"credit": "NASA/JPL-Caltech"}
    undo_batch_edit(library, batch)
    assert library.item("navcam-panorama").credit == "NASA/JPL-Caltech"
    assert library.item("navcam-panorama").overrides == {}
    with pytest.raises(UnknownItem):
        batch_edit(library, ["skycrane-still", "nope"], "credit", "X")
    assert library.item("skycrane-still").credit == "NASA/JPL-Caltech"
    with pytest.raises(ItemEditError, match="not one of"):
        preview_batch_edit(library, ids, "title", "X")


def test_delete_keeping_files_can_be_undone_and_removing_files_cannot(library: Library, tmp_path: Path) -> None:
    added, attached = add_item_from_file(library, make_jpeg(tmp_path / "mine.jpg"))
    add_item(library, {"title": "other", "media_type": "image"})
    path = Path(attached.attachment.resolved_path)
    deleted = delete_item(library, added.item_id, remove_files=False)
    assert deleted.undoable and path.is_file()
    with pytest.raises(UnknownItem):
        library.item(added.item_id)
    restore_item(library, deleted)
    assert [a.sha256 for a in library.item(added.item_id).attachments] == [attached.attachment.sha256]
    gone = delete_item(library, added.item_id, remove_files=True)
    assert not path.exists() and not gone.undoable
    with pytest.raises(ItemEditError, match="cannot be restored"):
        restore_item(library, gone)
    actions = [e.action for e in events(library, item_id=added.item_id)]
    assert actions == ["item-add", "attach", "detach", "item-delete", "item-restore", "detach", "item-delete"]
    # a new item of the same title never takes the deleted one's id (its history stays its own)
    assert add_item(library, {"title": "mine", "media_type": "image"}).item_id == "user-mine-2"


def test_from_file_fills_the_facts_and_attaches(library: Library, tmp_path: Path) -> None:
    added, attached = add_item_from_file(library, make_jpeg(tmp_path / "dust devil.jpg"), {"credit": "Me"})
    item = library.item(added.item_id)
    assert (item.title, item.media_type, item.kind, item.credit) == ("dust devil", "image", "still", "Me")
    assert item.attachments[0].id == attached.attachment.id


def test_from_nasa_fills_title_date_credit_keywords_and_attaches(library: Library, server: MediaServer) -> None:
    nasa = NasaImageLibrary(install_nasa_api(server))
    added, attached = add_item_from_nasa(library, "PIA24430", rendition="large", nasa=nasa)
    item = library.item(added.item_id)
    assert item.title == "Perseverance's First Full-Color Look at Mars"
    assert (item.date_taken, item.credit, item.nasa_ids) == ("2021-02-19", "NASA/JPL", ("PIA24430",))
    assert item.description.startswith("Perseverance's First Full-Color Look at Mars.")
    assert set(item.tags) == {"Mars", "Perseverance"}
    assert attached.attachment.provenance["rendition"] == "large"
    assert attached.attachment.provenance["nasa_id"] == "PIA24430"
    other, _ = add_item_from_nasa(library, "PIA24428", nasa=nasa)
    assert library.item(other.item_id).credit == "NASA/JPL-Caltech"  # from "Credit: ..." in the description


def test_from_nasa_failure_leaves_no_item(library: Library, server: MediaServer) -> None:
    nasa = NasaImageLibrary(install_nasa_api(server))
    before = library.count_items()
    with pytest.raises(NasaApiError, match="no record with nasa_id 'PIA00000'"):
        add_item_from_nasa(library, "PIA00000", nasa=nasa)
    server.resources.pop(next(p for p in server.resources if p.startswith("/asset/PIA24430")))
    with pytest.raises(NasaApiError):
        add_item_from_nasa(library, "PIA24430", nasa=nasa)
    assert library.count_items() == before


def test_user_items_are_exported(library: Library, tmp_path: Path) -> None:
    item_id = add_item(library, {"title": "=cmd mine", "media_type": "audio"}).item_id
    export_csv(library, [item_id], tmp_path / "x.csv")
    text = (tmp_path / "x.csv").read_text(encoding="utf-8-sig")
    assert item_id in text and "'=cmd mine" in text


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_add_edit_batch_delete(library: Library, capsys: pytest.CaptureFixture[str], server: MediaServer,
                                   tmp_path: Path) -> None:
    code, out, _ = run(capsys, "add-item", "--title", "Pano", "--type", "image", "--kind", "panorama",
                       "--url", "https://example.org/pano", "--source", "bbc-news-2021-02-19", QUOTE,
                       "--source-url", "https://example.org/x", "a quote", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["id"] == "user-pano" and data["origin"] == "user" and data["official_urls"] == ["https://example.org/pano"]
    assert data["sources"][0]["quote"] == QUOTE and data["external_sources"][0]["url"] == "https://example.org/x"
    code, out, err = run(capsys, "add-item", "--title", "X", "--type", "image", "--source", "bbc-news-2021-02-19",
                         "not in it")
    assert code == 2 and "word for word" in err
    code, out, err = run(capsys, "add-item", "--title", "X")
    assert code == 2 and "needs --title and --type" in err
    code, out, _ = run(capsys, "edit", "user-pano", "--credit", "Me", "--date", "2021-02-24")
    assert code == 0 and "date_taken, credit changed" in out
    code, out, _ = run(capsys, "edit", "skycrane-still", "--camera", "DDC")
    assert code == 0 and "your correction; the catalog says 'Descent Stage Down-Look Camera (DDC)'" in out
    code, out, _ = run(capsys, "edit", "skycrane-still", "--revert", "camera", "--json")
    assert code == 0 and json.loads(out)["overrides"] == {}
    code, _, err = run(capsys, "edit", "skycrane-still", "--url", "https://example.org")
    assert code == 2 and "cannot be changed" in err
    code, out, _ = run(capsys, "batch-edit", "user-pano", "skycrane-still", "--field", "credit", "--value", "Me",
                       "--dry-run")
    assert code == 0 and "skycrane-still: credit 'NASA/JPL-Caltech' -> 'Me'" in out and "1 item(s) would" in out
    assert library.item("skycrane-still").credit == "NASA/JPL-Caltech"
    code, out, _ = run(capsys, "batch-edit", "user-pano", "skycrane-still", "--field", "credit", "--value", "Me")
    assert code == 0 and "1 item(s) changed" in out and library.item("skycrane-still").credit == "Me"
    code, out, _ = run(capsys, "add-item", "--from-file", str(make_jpeg(tmp_path / "f.jpg")), "--title", "Mine")
    assert code == 0 and "added user-mine: Mine (image, 1 file(s) attached)" in out
    code, out, _ = run(capsys, "add-item", "--from-nasa", "PIA24430", "--api", install_nasa_api(server), "--json")
    assert code == 0 and json.loads(out)["nasa_ids"] == ["PIA24430"] and len(json.loads(out)["attachments"]) == 1
    code, out, _ = run(capsys, "delete-item", "user-mine")
    assert code == 0 and "its 1 file(s) kept on disk" in out
    code, _, err = run(capsys, "delete-item", "skycrane-still")
    assert code == 2 and "cannot be deleted" in err
    code, out, _ = run(capsys, "list", "--json")
    assert "user-pano" in {i["id"] for i in json.loads(out)} and "user-mine" not in out


def test_import_csv_create_makes_user_items_all_or_nothing(library: Library, capsys: pytest.CaptureFixture[str],
                                                          tmp_path: Path) -> None:
    good = tmp_path / "new.csv"
    good.write_text("id,title,media_type,kind,credit,tags,notes\r\n"
                    "skycrane-still,ignored,image,still,,landing,\r\n"
                    "my-pano,My panorama,image,panorama,Me,pano; mine,first light\r\n", encoding="utf-8")
    code, _, err = run(capsys, "import-csv", str(good))
    assert code == 1 and "no item with id 'my-pano'" in err and "--create" in err
    code, out, _ = run(capsys, "import-csv", str(good), "--create", "--dry-run")
    assert code == 0 and "my-pano: new item 'My panorama'" in out and "dry run" in out
    with pytest.raises(UnknownItem):
        library.item("my-pano")
    code, out, _ = run(capsys, "import-csv", str(good), "--create")
    assert code == 0 and "1 new items" in out
    item = library.item("my-pano")
    assert (item.origin, item.kind, item.credit, item.tags, item.notes) == (
        "user", "panorama", "Me", ("mine", "pano"), "first light")
    assert library.item("skycrane-still").tags == ("landing",)
    bad = tmp_path / "bad.csv"
    bad.write_text("dc:identifier,dc:title,dc:type,dc:subject\r\n"
                   "dc-one,From DC,StillImage,x\r\n"
                   "dc-two,No type,,y\r\n", encoding="utf-8")
    code, _, err = run(capsys, "import-csv", str(bad), "--create")
    assert code == 1 and "bad.csv:3: new item 'dc-two' needs a media_type" in err
    with pytest.raises(UnknownItem):
        library.item("dc-one")
    bad.write_text("dc:identifier,dc:title,dc:type,dc:subject\r\ndc-one,From DC,StillImage,x\r\n", encoding="utf-8")
    assert run(capsys, "import-csv", str(bad), "--create")[0] == 0
    assert library.item("dc-one").media_type == "image" and library.item("dc-one").tags == ("x",)
