"""The archivist's forms in the app (pytest-qt, offscreen), against the local NASA API test server: New Item
from a NASA id or a search (the chosen rendition attached), from a file's facts, with sources (an article quote
checked word for word, an outside page with the user's quote); the Edit form in the detail pane (fields and
sources, one undo step each); File ▸ Import CSV… creating items for unknown ids, after a preview."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from mediacat.core.changes import Changes
from mediacat.core.csv_create import CreatingImportPreview
from mediacat.core.csv_import import ImportPlan
from mediacat.core.errors import UnknownItem
from mediacat.core.events import events
from mediacat.core.library import Library
from mediacat.core.model import Item
from mediacat.core.user_items import add_item
from mediacat.gui.dialogs.new_item import NewItemDialog
from mediacat.gui.features.archivist import ArchivistFeature
from mediacat.gui.features.csv_export import describe_creating, import_file
from mediacat.gui.main_window import MainWindow
from tests.gui.window_helpers import combo, error_dialog, installed, line_edit, open_window, plain_text, settle
from tests.http_server import MediaServer, Resource
from tests.media_fixtures import make_wav

WAIT_MS = 20_000
QUOTE = "It was taken by the rocket cradle that placed the vehicle on the ground."
ARTICLE = "bbc-news-2021-02-19"


@pytest.fixture
def window(qtbot: QtBot, library: Library, nasa_app_server: MediaServer) -> Iterator[MainWindow]:
    win = open_window(qtbot, library)
    yield win
    win.tasks.wait_for_all(WAIT_MS)


def feature(window: MainWindow) -> ArchivistFeature:
    return installed(window, "archivist_feature", ArchivistFeature)


def new_item_dialog(window: MainWindow) -> NewItemDialog:
    feature(window).new_item()
    dialog = feature(window).last_dialog
    assert isinstance(dialog, NewItemDialog) and dialog.isVisible()
    return dialog


def user_items(library: Library) -> list[str]:
    return [item.id for item in library.items(library.item_ids()) if item.origin == "user"]


def test_new_item_from_a_nasa_id_fills_the_form_and_attaches_the_rendition(qtbot, window: MainWindow,
                                                                           library: Library,
                                                                           nasa_app_server: MediaServer) -> None:
    dialog = new_item_dialog(window)
    dialog.nasa_query.setText("PIA24430")
    dialog.look_up_button.click()
    title = line_edit(dialog.form, "title")
    qtbot.waitUntil(lambda: title.text() == "Perseverance's First Full-Color Look at Mars", timeout=WAIT_MS)
    assert line_edit(dialog.form, "credit").text() == "NASA/JPL"
    assert line_edit(dialog.form, "date_taken").text() == "2021-02-19"
    assert "Credit: NASA/JPL-Caltech" in plain_text(dialog.form, "description").toPlainText()
    assert "Mars, Perseverance" in dialog.nasa_status.text()  # the keywords, to become tags
    dialog.rendition.setCurrentIndex(dialog.rendition.findData("medium"))
    line_edit(dialog.form, "camera").setText("Mastcam-Z")  # the user's own value goes with NASA's
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: window.undo_stack.count() == 1, timeout=WAIT_MS)  # the operation has answered
    item = library.item(user_items(library)[0])
    assert (item.title, item.credit, item.camera, item.nasa_ids) == (
        "Perseverance's First Full-Color Look at Mars", "NASA/JPL", "Mastcam-Z", ("PIA24430",))
    assert item.tags == ("Mars", "Perseverance") and item.date_taken == "2021-02-19"
    assert item.official_urls == ("https://images.nasa.gov/details/PIA24430",)
    attachment = item.attachments[0]
    assert attachment.provenance["nasa_id"] == "PIA24430" and attachment.provenance["rendition"] == "medium"
    assert attachment.width == 80
    assert nasa_app_server.requests_for("/media/image/PIA24430/PIA24430~medium.jpg")
    qtbot.waitUntil(lambda: window.current_item_id() == item.id, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.undo_stack.count() == 1, timeout=WAIT_MS)
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: not user_items(library), timeout=WAIT_MS)


def test_new_item_from_a_nasa_search_picks_a_result(qtbot, window: MainWindow, library: Library) -> None:
    dialog = new_item_dialog(window)
    dialog.nasa_query.setText("perseverance")
    dialog.look_up()
    qtbot.waitUntil(lambda: dialog.nasa_results.count() == 2, timeout=WAIT_MS)
    title = line_edit(dialog.form, "title")
    qtbot.waitUntil(lambda: title.text() == "Perseverance Rover's Descent and Touchdown on Mars", timeout=WAIT_MS)
    dialog.nasa_results.setCurrentIndex(1)
    dialog.nasa_results.activated.emit(1)
    qtbot.waitUntil(lambda: title.text() == "Perseverance's First Full-Color Look at Mars", timeout=WAIT_MS)
    assert dialog.nasa_choice() == ("PIA24430", "orig", ["Mars", "Perseverance"])
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: window.undo_stack.count() == 1, timeout=WAIT_MS)  # the operation has answered
    item = library.item(user_items(library)[0])
    assert item.nasa_ids == ("PIA24430",) and item.attachments[0].width == 160  # the original


def test_a_failed_nasa_look_up_is_said_in_the_dialog(qtbot, window: MainWindow, library: Library,
                                                     nasa_app_server: MediaServer) -> None:
    dialog = new_item_dialog(window)
    dialog.nasa = None
    dialog.look_up()
    assert "Type a NASA id" in dialog.nasa_status.text()
    flow = feature(window).new_item_flow
    assert flow is not None
    flow.nasa.base_url = nasa_app_server.url("/no-api")
    dialog.nasa_query.setText("PIA24430")
    dialog.look_up()
    qtbot.waitUntil(lambda: dialog.nasa_status.text().startswith("NASA look-up failed"), timeout=WAIT_MS)
    assert "answered 404" in dialog.nasa_status.text() and dialog.look_up_button.isEnabled()
    assert dialog.nasa_choice() is None


def test_a_nasa_file_that_cannot_be_attached_leaves_no_item(qtbot, window: MainWindow, library: Library,
                                                            nasa_app_server: MediaServer) -> None:
    nasa_app_server.add("/media/image/PIA24428/PIA24428~orig.jpg", Resource(status=404, body=b'{"reason": "gone"}'))
    dialog = new_item_dialog(window)
    dialog.nasa_query.setText("PIA24428")
    dialog.look_up()
    qtbot.waitUntil(lambda: dialog.nasa_choice() is not None, timeout=WAIT_MS)
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: window.last_error_dialog is not None, timeout=WAIT_MS)
    message = error_dialog(window).message_label.text()
    assert "was not added" in message and "PIA24428~orig.jpg" in message and "404" in message
    assert not user_items(library) and window.undo_stack.count() == 0
    error_dialog(window).close()


def test_new_item_from_a_file_fills_the_form_from_its_facts(qtbot, window: MainWindow, library: Library,
                                                           tmp_path: Path) -> None:
    dialog = new_item_dialog(window)
    line_edit(dialog.form, "credit").setText("Me")
    dialog.ask_file = lambda: str(make_wav(tmp_path / "dust devil.wav"))
    dialog.choose.click()
    qtbot.waitUntil(lambda: line_edit(dialog.form, "title").text() == "dust devil", timeout=WAIT_MS)
    assert combo(dialog.form, "media_type").currentData() == "audio"
    assert combo(dialog.form, "kind").currentData() == "recording"
    assert line_edit(dialog.form, "credit").text() == "Me"  # what the user typed stays
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: window.undo_stack.count() == 1, timeout=WAIT_MS)  # the operation has answered
    item = library.item(user_items(library)[0])
    assert (item.title, item.media_type, item.credit, len(item.attachments)) == ("dust devil", "audio", "Me", 1)


def test_a_file_that_is_gone_is_said_in_the_dialog(qtbot, window: MainWindow, tmp_path: Path) -> None:
    dialog = new_item_dialog(window)
    dialog.file.setText(str(tmp_path / "gone.wav"))
    dialog.file.editingFinished.emit()
    qtbot.waitUntil(lambda: "cannot be read" in dialog.file_status.text(), timeout=WAIT_MS)
    assert "gone.wav: no such file" in dialog.file_status.text()


def test_new_item_with_an_article_source_and_an_outside_one(qtbot, window: MainWindow, library: Library) -> None:
    dialog = new_item_dialog(window)
    line_edit(dialog.form, "title").setText("Descent stage")
    editor = dialog.sources_editor
    editor.url.setText("not a url")
    editor.url_quote.setText("the descent stage")
    assert not editor.add_page() and "not an http(s) URL" in editor.error.text()
    editor.url.setText("https://example.org/descent")
    editor.url_quote.clear()
    assert not editor.add_page() and "give the quote" in editor.error.text()
    editor.url_quote.setText("the descent stage flew away")
    assert editor.add_page() and editor.list.count() == 1 and not editor.error.text()
    editor.article.setCurrentIndex(editor.article.findData(ARTICLE))
    editor.quote.setText(QUOTE)  # left typed, not added: Add Item adds it
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: window.undo_stack.count() == 1, timeout=WAIT_MS)  # the operation has answered
    item = library.item(user_items(library)[0])
    assert [(s.article_id, s.quote) for s in item.sources] == [(ARTICLE, QUOTE)]
    assert item.external_sources == ({"url": "https://example.org/descent", "quote": "the descent stage flew away",
                                      "title": ""},)


def show(qtbot: QtBot, window: MainWindow, item_id: str) -> None:
    window.library_changed.emit(Changes.everything())  # written behind the window's back, as another program would
    qtbot.waitUntil(lambda: window.model.row_of(item_id) is not None, timeout=WAIT_MS)
    assert window.select_item(item_id)
    panel = feature(window).edit_panel
    qtbot.waitUntil(lambda: panel.item is not None and panel.item.id == item_id, timeout=WAIT_MS)


def test_the_edit_form_opens_in_the_detail_pane_and_each_save_is_one_undo_step(qtbot, window: MainWindow,
                                                                              library: Library) -> None:
    mine = add_item(library, {"title": "Mine", "media_type": "image"}).item_id
    show(qtbot, window, mine)
    detail, panel = window.detail, feature(window).edit_panel
    assert detail.edit_button.isVisibleTo(detail) and detail.edit_button.text() == "Edit…"
    assert feature(window).edit_action.text() == "&Edit Item…"  # the menu's words follow the button's
    assert not detail.editing
    detail.edit_button.click()
    assert detail.editing and panel.isVisibleTo(detail) and panel.sources_editor.isVisibleTo(panel)
    line_edit(panel.form, "camera").setText("Mastcam-Z")
    panel.sources_editor.url.setText("https://example.org/mine")
    panel.sources_editor.url_quote.setText("my picture")
    assert panel.sources_editor.add_page()
    assert panel.save_button.isEnabled()
    panel.save_button.click()
    qtbot.waitUntil(lambda: library.item(mine).camera == "Mastcam-Z", timeout=WAIT_MS)
    assert library.item(mine).external_sources[0]["url"] == "https://example.org/mine"
    qtbot.waitUntil(lambda: "example.org/mine" in detail.fields.text(), timeout=WAIT_MS)  # via library_changed
    assert detail.editing and not panel.save_button.isEnabled()
    qtbot.waitUntil(lambda: window.undo_stack.count() == 1, timeout=WAIT_MS)
    window.undo_stack.undo()  # the fields and the source together
    qtbot.waitUntil(lambda: library.item(mine).camera is None, timeout=WAIT_MS)
    assert library.item(mine).external_sources == ()
    qtbot.waitUntil(lambda: line_edit(panel.form, "camera").text() == "" and panel.sources_editor.list.count() == 0,
                    timeout=WAIT_MS)
    window.undo_stack.redo()
    qtbot.waitUntil(lambda: library.item(mine).camera == "Mastcam-Z", timeout=WAIT_MS)
    assert len(library.item(mine).external_sources) == 1
    assert [e.action for e in events(library, item_id=mine)] == ["item-add", "item-edit", "item-edit", "item-edit"]
    panel.sources_editor.list.setCurrentRow(0)
    qtbot.waitUntil(lambda: panel.sources_editor.list.count() == 1, timeout=WAIT_MS)
    panel.sources_editor.list.setCurrentRow(0)
    panel.sources_editor.remove_button.click()
    panel.save_button.click()
    qtbot.waitUntil(lambda: library.item(mine).external_sources == (), timeout=WAIT_MS)
    panel.done_button.click()
    assert not detail.editing


def test_a_shipped_item_opens_its_corrections_in_the_detail_pane(qtbot, window: MainWindow,
                                                                library: Library) -> None:
    show(qtbot, window, "skycrane-still")
    detail, panel = window.detail, feature(window).edit_panel
    assert detail.edit_button.text() == "Correct Facts…"
    edit_action = feature(window).edit_action
    assert edit_action in window.menu("Item").actions() and edit_action.isEnabled()
    assert edit_action.text() == "Corr&ect Facts…"  # a shipped item's facts are corrected, as the button says
    edit_action.trigger()
    assert detail.editing and not panel.sources_editor.isVisibleTo(panel)
    assert not panel.form.editors["official_urls"].isEnabled()
    line_edit(panel.form, "credit").setText("corrected")
    panel.save_button.click()
    qtbot.waitUntil(lambda: library.item("skycrane-still").credit == "corrected", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: panel.form.notes["credit"].isVisibleTo(panel), timeout=WAIT_MS)
    assert "The catalog says: NASA/JPL-Caltech" in panel.form.notes["credit"].text()
    qtbot.waitUntil(lambda: window.undo_stack.count() == 1, timeout=WAIT_MS)
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: library.item("skycrane-still").credit == "NASA/JPL-Caltech", timeout=WAIT_MS)
    window.selection_model.clearCurrentIndex()
    qtbot.waitUntil(lambda: not detail.editing and not detail.edit_button.isVisibleTo(detail), timeout=WAIT_MS)


def test_a_refused_edit_is_shown_and_nothing_changes(qtbot, window: MainWindow, library: Library) -> None:
    mine = add_item(library, {"title": "Mine", "media_type": "image"}).item_id
    show(qtbot, window, mine)
    panel = feature(window).edit_panel
    window.detail.edit_button.click()
    line_edit(panel.form, "date_taken").setText("18/02/2021")
    panel.save_button.click()
    qtbot.waitUntil(lambda: window.last_error_dialog is not None, timeout=WAIT_MS)
    assert "not an ISO date" in error_dialog(window).message_label.text()
    assert library.item(mine).date_taken is None and window.undo_stack.count() == 0
    assert panel.save_button.isEnabled()  # the edit is still there to fix
    error_dialog(window).close()


CSV = ("id,title,media_type,kind,credit,tags,notes\r\n"
       "skycrane-still,ignored,image,still,,landing,\r\n"
       "my-pano,My panorama,image,panorama,Me,pano; mine,first light\r\n")


def test_import_csv_offers_to_create_items_after_a_preview(qtbot, window: MainWindow, library: Library,
                                                           tmp_path: Path) -> None:
    path = tmp_path / "new.csv"
    path.write_text(CSV, encoding="utf-8")
    offered: list[list[tuple[int, str]]] = []
    previews: list[str] = []
    outcome: list[bool] = []

    def offer_create(plan: ImportPlan) -> bool:
        offered.append(plan.unknown_ids)
        return True

    def confirm_create(preview: CreatingImportPreview) -> bool:
        previews.append(describe_creating(preview))
        return True

    import_file(window, str(path), lambda plan: True, outcome.append,
                offer_create=offer_create, confirm_create=confirm_create)
    qtbot.waitUntil(lambda: bool(outcome), timeout=WAIT_MS)
    assert outcome == [True] and offered == [[(3, "my-pano")]]
    assert "my-pano: new item 'My panorama' (image)" in previews[0] and "skycrane-still: tags" in previews[0]
    item = library.item("my-pano")
    assert (item.origin, item.kind, item.tags, item.notes) == ("user", "panorama", ("mine", "pano"), "first light")
    assert library.item("skycrane-still").tags == ("landing",)
    qtbot.waitUntil(lambda: window.model.row_of("my-pano") is not None, timeout=WAIT_MS)  # via library_changed
    assert "Imported new.csv: 1 new items" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: window.undo_stack.count() == 1, timeout=WAIT_MS)
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: library.item("skycrane-still").tags == (), timeout=WAIT_MS)
    with pytest.raises(UnknownItem):
        library.item("my-pano")
    window.undo_stack.redo()
    qtbot.waitUntil(lambda: library.item("skycrane-still").tags == ("landing",), timeout=WAIT_MS)
    assert library.item("my-pano").tags == ("mine", "pano")


def test_import_csv_declined_or_with_bad_new_rows_creates_nothing(qtbot, window: MainWindow, library: Library,
                                                                  tmp_path: Path) -> None:
    path = tmp_path / "new.csv"
    path.write_text(CSV, encoding="utf-8")
    outcome: list[bool] = []
    import_file(window, str(path), lambda plan: True, outcome.append, offer_create=lambda plan: False,
                confirm_create=lambda preview: True)
    qtbot.waitUntil(lambda: bool(outcome), timeout=WAIT_MS)
    assert outcome == [False] and "no item with id 'my-pano'" in error_dialog(window).details
    error_dialog(window).close()
    bad = tmp_path / "bad.csv"
    bad.write_text("id,title,media_type,tags\r\ndc-one,From DC,image,x\r\ndc-two,No type,,y\r\n", encoding="utf-8")
    outcome.clear()
    import_file(window, str(bad), lambda plan: True, outcome.append, offer_create=lambda plan: True,
                confirm_create=lambda preview: True)
    qtbot.waitUntil(lambda: bool(outcome), timeout=WAIT_MS)
    assert outcome == [False], error_dialog(window).message_label.text()
    assert f"{bad}:3: new item 'dc-two' needs a media_type" in error_dialog(window).details, (
        error_dialog(window).message_label.text())
    error_dialog(window).close()
    outcome.clear()
    import_file(window, str(path), lambda plan: True, outcome.append, offer_create=lambda plan: True,
                confirm_create=lambda preview: False)  # the preview seen, then cancelled
    qtbot.waitUntil(lambda: bool(outcome), timeout=WAIT_MS)
    assert outcome == [False] and not user_items(library)
    settle(qtbot, window)


@pytest.mark.parametrize("save", [True, False])
def test_leaving_an_item_with_unsaved_changes_asks_to_save_them(qtbot, window: MainWindow, library: Library,
                                                                save: bool) -> None:
    mine = add_item(library, {"title": "Mine", "media_type": "image"}).item_id
    show(qtbot, window, mine)
    panel = feature(window).edit_panel
    window.detail.edit_button.click()
    line_edit(panel.form, "camera").setText("Mastcam-Z")
    asked: list[str] = []

    def ask_unsaved(item: Item) -> bool:
        asked.append(item.id)
        return save

    feature(window).ask_unsaved = ask_unsaved
    assert window.select_item("skycrane-still")
    qtbot.waitUntil(lambda: panel.item is not None and panel.item.id == "skycrane-still", timeout=WAIT_MS)
    assert asked == [mine]
    if save:
        qtbot.waitUntil(lambda: window.undo_stack.count() == 1, timeout=WAIT_MS)
        assert library.item(mine).camera == "Mastcam-Z"
    else:
        settle(qtbot, window)
        assert library.item(mine).camera is None and window.undo_stack.count() == 0
    assert panel.item is not None and panel.item.id == "skycrane-still" and not panel.dirty()
    assert window.select_item(mine)  # nothing unsaved now: not asked again
    qtbot.waitUntil(lambda: panel.item is not None and panel.item.id == mine, timeout=WAIT_MS)
    assert asked == [mine]
