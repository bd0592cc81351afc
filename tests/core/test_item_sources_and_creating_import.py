"""The core behind the app's archivist forms: a user item's sources set as one list (article quotes checked word
for word, outside pages with the user's quote), fields and sources edited and undone together, a NASA id or
search looked up and its rendition downloaded then attached to a new item, and `import-csv --create` read as a
preview, applied, undone and redone."""

from __future__ import annotations

from pathlib import Path

import pytest

from mediacat.core.csv_cells import CsvError
from mediacat.core.csv_create import import_creating, preview_creating_import, undo_creating_import
from mediacat.core.download_attach import download_policy
from mediacat.core.errors import MediaCatError, UnknownItem
from mediacat.core.events import events
from mediacat.core.item_sources import Sources, edit_user_item, set_sources, sources_of, undo_user_item_edit
from mediacat.core.jobs import Job
from mediacat.core.library import Library
from mediacat.core.nasa import NasaApiError, NasaImageLibrary
from mediacat.core.new_items import add_item_with_download, download_nasa_rendition, file_values, look_up_nasa
from mediacat.core.search import ItemQuery
from mediacat.core.user_items import ExternalSource, ItemEditError, add_item
from tests.http_server import MediaServer, Resource, jpeg_bytes
from tests.media_fixtures import make_wav
from tests.nasa_api import install_nasa_api

QUOTE = "It was taken by the rocket cradle that placed the vehicle on the ground."
ARTICLE = "bbc-news-2021-02-19"


def mine(library: Library) -> str:
    return add_item(library, {"title": "Mine", "media_type": "image"}).item_id


def test_set_sources_checks_quotes_and_urls_and_keeps_the_order(library: Library) -> None:
    item_id = mine(library)
    edit = set_sources(library, item_id, [(ARTICLE, QUOTE)], [("https://example.org/pano", "the panorama")])
    assert edit.changed and sources_of(library, item_id) == Sources(
        ((ARTICLE, QUOTE),), (ExternalSource("https://example.org/pano", "the panorama"),))
    item = library.item(item_id)
    assert item.sources[0].quote == QUOTE and item.external_sources[0]["quote"] == "the panorama"
    with pytest.raises(ItemEditError, match="not in the article word for word"):
        set_sources(library, item_id, [(ARTICLE, "never printed")], [])
    with pytest.raises(ItemEditError, match="not an http"):
        set_sources(library, item_id, [], [("ftp://example.org/x", "q")])
    with pytest.raises(ItemEditError, match="give the quote"):
        set_sources(library, item_id, [], [("https://example.org/x", " ")])
    with pytest.raises(ItemEditError, match="shipped item"):
        set_sources(library, "skycrane-still", [(ARTICLE, QUOTE)], [])
    assert len(sources_of(library, item_id).articles) == 1  # the refused edits wrote nothing
    assert not set_sources(library, item_id, [(ARTICLE, QUOTE)], [("https://example.org/pano", "the panorama")]
                           ).changed


def test_fields_and_sources_edited_and_undone_together(library: Library) -> None:
    item_id = mine(library)
    edit = edit_user_item(library, item_id, {"credit": "Me"}, Sources(((ARTICLE, QUOTE),)))
    assert edit.changed and library.item(item_id).credit == "Me" and len(library.item(item_id).sources) == 1
    assert item_id in library.item_ids(ItemQuery(search="rocket cradle"))  # the quote is searched
    undone = undo_user_item_edit(library, edit)
    assert library.item(item_id).credit is None and library.item(item_id).sources == ()
    undo_user_item_edit(library, undone)  # the redo
    assert library.item(item_id).credit == "Me" and library.item(item_id).sources[0].article_id == ARTICLE
    actions = [(e.action, e.details.get("undo")) for e in events(library, item_id=item_id)]
    assert actions == [("item-add", None), ("item-edit", None), ("item-edit", True), ("item-edit", True)]
    with pytest.raises(ItemEditError, match="word for word"):
        edit_user_item(library, item_id, {"credit": "Other"}, Sources(((ARTICLE, "not there"),)))
    assert library.item(item_id).credit == "Me"  # all or nothing
    with pytest.raises(ItemEditError, match="shipped item"):
        edit_user_item(library, "skycrane-still", {}, Sources())
    correction = edit_user_item(library, "skycrane-still", {"credit": "corrected"})
    assert correction.changed and library.item("skycrane-still").overrides == {"credit": "NASA/JPL-Caltech"}
    undo_user_item_edit(library, correction)
    assert library.item("skycrane-still").credit == "NASA/JPL-Caltech" and not library.item("skycrane-still").overrides


def test_look_up_a_nasa_id_or_search_words(server: MediaServer) -> None:
    nasa = NasaImageLibrary(install_nasa_api(server))
    found = look_up_nasa(Job(), nasa, "PIA24430")
    assert found.nasa_id == "PIA24430" and found.values["credit"] == "NASA/JPL"
    assert found.values["date_taken"] == "2021-02-19" and "Mars" in found.keywords
    searched = look_up_nasa(Job(), nasa, "perseverance")
    assert searched.nasa_id is None and [r.nasa_id for r in searched.results] == ["PIA24428", "PIA24430"]
    with pytest.raises(MediaCatError, match="type a NASA id"):
        look_up_nasa(Job(), nasa, "  ")
    with pytest.raises(NasaApiError, match="answered 404"):
        look_up_nasa(Job(), NasaImageLibrary(server.url("/no-api")), "PIA24430")


def test_a_downloaded_rendition_becomes_a_new_items_file(library: Library, server: MediaServer) -> None:
    nasa = NasaImageLibrary(install_nasa_api(server))
    fetched = download_nasa_rendition(Job(), nasa, "PIA24428", "medium", library.paths.incoming,
                                      download_policy(library))
    values = look_up_nasa(Job(), nasa, "PIA24428").values
    added, attached = add_item_with_download(library, values, fetched, tags=["Mars"])
    item = library.item(added.item_id)
    assert (item.origin, item.nasa_ids, item.tags) == ("user", ("PIA24428",), ("Mars",))
    assert attached.attachment.provenance["rendition"] == "medium" and attached.attachment.width == 80


def test_a_download_that_is_not_media_leaves_no_item(library: Library, server: MediaServer) -> None:
    nasa = NasaImageLibrary(install_nasa_api(server))
    server.add("/media/image/PIA24428/PIA24428~orig.jpg", Resource(body=jpeg_bytes(160, 120)[:60],
                                                                   content_type="image/jpeg"))
    fetched = download_nasa_rendition(Job(), nasa, "PIA24428", "orig", library.paths.incoming,
                                      download_policy(library))
    with pytest.raises(MediaCatError, match="downloaded but not attached"):
        add_item_with_download(library, {"title": "Descent", "media_type": "image"}, fetched)
    assert not [i for i in library.item_ids() if i.startswith("user-")]
    assert not fetched.downloaded.path.exists()
    fetched = download_nasa_rendition(Job(), nasa, "PIA24430", "orig", library.paths.incoming,
                                      download_policy(library))
    with pytest.raises(ItemEditError, match="title cannot be empty"):
        add_item_with_download(library, {"title": " ", "media_type": "image"}, fetched)
    assert not fetched.downloaded.path.exists()  # the refused item's download is not left behind


def test_file_values_for_the_form(tmp_path: Path) -> None:
    values = file_values(Job(), str(make_wav(tmp_path / "dust devil.wav")))
    assert (values["title"], values["media_type"], values["kind"]) == ("dust devil", "audio", "recording")
    with pytest.raises(MediaCatError, match="no such file"):
        file_values(Job(), str(tmp_path / "gone.wav"))


def write_csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_creating_import_preview_apply_undo_redo(library: Library, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "new.csv", "id,title,media_type,kind,credit,tags,notes\r\n"
                                           "skycrane-still,ignored,image,still,,landing,\r\n"
                                           "my-pano,My panorama,image,panorama,Me,pano; mine,first light\r\n")
    preview = preview_creating_import(library, path)
    assert preview.ok and [r.item_id for r in preview.new_rows] == ["my-pano"]
    assert [c.item_id for c in preview.plan.changes] == ["skycrane-still"]
    assert preview.summary().startswith("1 new items, 2 rows")
    with pytest.raises(UnknownItem):
        library.item("my-pano")  # the preview wrote nothing
    done = import_creating(library, path)
    assert done.created_ids == ["my-pano"] and library.item("my-pano").tags == ("mine", "pano")
    assert library.item("my-pano").notes == "first light" and library.item("skycrane-still").tags == ("landing",)
    undone = undo_creating_import(library, done)
    with pytest.raises(UnknownItem):
        library.item("my-pano")
    assert library.item("skycrane-still").tags == ()
    undo_creating_import(library, undone)  # the redo
    assert library.item("my-pano").tags == ("mine", "pano") and library.item("skycrane-still").tags == ("landing",)


def test_creating_import_problems_name_the_file_and_line(library: Library, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "bad.csv", "dc:identifier,dc:title,dc:type,dc:subject\r\n"
                                           "dc-one,From DC,StillImage,x\r\n"
                                           "dc-two,No type,,y\r\n")
    preview = preview_creating_import(library, path)
    assert preview.problems == [f"{path}:3: new item 'dc-two' needs a media_type"]
    with pytest.raises(CsvError, match=r"bad\.csv:3: new item 'dc-two' needs a media_type"):
        import_creating(library, path)
    with pytest.raises(UnknownItem):
        library.item("dc-one")  # all or nothing
