"""The archivist's features in the app (pytest-qt): New Item, the Edit dock, Delete Item, Batch Edit with its
preview, saved searches in the side bar with live counts, the History dock, Export Package."""

from __future__ import annotations

from pathlib import Path

import bagit
import pytest
from PySide6.QtCore import QItemSelectionModel
from pytestqt.qtbot import QtBot

from mediacat.core.attachments import attach_file
from mediacat.core.changes import Changes
from mediacat.core.events import events
from mediacat.core.library import Library
from mediacat.core.model import Item
from mediacat.core.saved_searches import get_saved_search, save_search, saved_searches
from mediacat.core.search import ItemQuery
from mediacat.core.tags import add_tags
from mediacat.core.user_items import add_item
from mediacat.gui.dialogs.item_form import BatchEditDialog
from mediacat.gui.dialogs.new_item import NewItemDialog
from mediacat.gui.features.archivist import KEEP, REMOVE, ArchivistFeature
from mediacat.gui.main_window import MainWindow
from tests.gui.window_helpers import combo, error_dialog, installed, line_edit, open_window, settle, shown_row
from tests.media_fixtures import make_jpeg


@pytest.fixture
def window(qtbot: QtBot, library: Library) -> MainWindow:
    return open_window(qtbot, library)


def feature(window: MainWindow) -> ArchivistFeature:
    return installed(window, "archivist_feature", ArchivistFeature)


def select(window: MainWindow, item_ids: list[str]) -> None:
    window.selection_model.clearSelection()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    rows = [shown_row(window, item_id) for item_id in item_ids]
    for row in rows:
        window.selection_model.select(window.model.index(row, 0), flags)
    window.selection_model.setCurrentIndex(window.model.index(rows[0], 0), QItemSelectionModel.SelectionFlag.NoUpdate)



def undo(qtbot: QtBot, window: MainWindow, steps: int = 1) -> None:
    """Undo the last step once the operations before it have finished and pushed their `steps` steps."""
    qtbot.waitUntil(lambda: window.undo_stack.index() == steps)
    window.undo_stack.undo()


def test_new_item_from_the_file_menu_then_undo_and_redo(qtbot, window: MainWindow, library: Library) -> None:
    action = next(a for a in window.menu("File").actions() if a.text() == "New &Item…")
    action.trigger()
    dialog = feature(window).last_dialog
    assert isinstance(dialog, NewItemDialog) and dialog.isVisible()
    dialog.buttons.accepted.emit()  # no title yet: refused with a message, the dialog stays
    assert dialog.isVisible() and "title" in dialog.error.text()
    line_edit(dialog.form, "title").setText("Mastcam-Z panorama")
    kind = combo(dialog.form, "kind")
    kind.setCurrentIndex(kind.findData("panorama"))
    line_edit(dialog.form, "credit").setText("NASA/JPL-Caltech/ASU")
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: window.current_item_id() == "user-mastcam-z-panorama")
    item = library.item("user-mastcam-z-panorama")
    assert (item.origin, item.kind, item.credit) == ("user", "panorama", "NASA/JPL-Caltech/ASU")
    assert "user-mastcam-z-panorama" in window.visible_item_ids()
    undo(qtbot, window)
    qtbot.waitUntil(lambda: not library.item_ids(ItemQuery(item_ids=("user-mastcam-z-panorama",))))
    window.undo_stack.redo()
    qtbot.waitUntil(lambda: bool(library.item_ids(ItemQuery(item_ids=("user-mastcam-z-panorama",)))))


def test_the_edit_dock_edits_a_user_item_and_corrects_a_seed_fact(qtbot, window: MainWindow,
                                                                  library: Library) -> None:
    mine = add_item(library, {"title": "Mine", "media_type": "image"}).item_id
    window.library_changed.emit(Changes.everything())  # written behind the window's back, as another program would
    qtbot.waitUntil(lambda: window.model.row_of(mine) is not None)
    window.select_item(mine)
    panel = feature(window).edit_panel
    qtbot.waitUntil(lambda: panel.item is not None and panel.item.id == mine)
    assert all(editor.isEnabled() for editor in panel.form.editors.values())
    assert not panel.save_button.isEnabled()
    line_edit(panel.form, "camera").setText("Mastcam-Z")
    assert panel.changed_values() == {"camera": "Mastcam-Z"} and panel.save_button.isEnabled()
    panel.save_button.click()
    qtbot.waitUntil(lambda: library.item(mine).camera == "Mastcam-Z")
    undo(qtbot, window)
    qtbot.waitUntil(lambda: library.item(mine).camera is None)

    window.select_item("skycrane-still")
    qtbot.waitUntil(lambda: panel.item is not None and panel.item.id == "skycrane-still")
    assert not panel.form.editors["official_urls"].isEnabled() and panel.form.editors["credit"].isEnabled()
    line_edit(panel.form, "credit").setText("corrected")
    panel.save_button.click()
    qtbot.waitUntil(lambda: library.item("skycrane-still").credit == "corrected")
    qtbot.waitUntil(lambda: panel.form.notes["credit"].isVisibleTo(panel))
    assert panel.form.notes["credit"].text() == "Your correction. The catalog says: NASA/JPL-Caltech"
    qtbot.waitUntil(lambda: "your correction" in window.detail.fields.text())
    assert "the catalog says: NASA/JPL-Caltech" in window.detail.fields.text()
    assert not feature(window).delete_action.isEnabled()  # shipped items cannot be deleted


@pytest.mark.parametrize("answer", [KEEP, REMOVE])
def test_delete_item_asks_about_its_files(qtbot, window: MainWindow, library: Library, tmp_path: Path,
                                          answer: str) -> None:
    mine = add_item(library, {"title": "Mine", "media_type": "image"}).item_id
    copy = Path(attach_file(library, mine, make_jpeg(tmp_path / "m.jpg")).attachment.resolved_path)
    window.library_changed.emit(Changes.everything())  # written behind the window's back, as another program would
    qtbot.waitUntil(lambda: window.model.row_of(mine) is not None)
    window.select_item(mine)
    asked: list[str] = []

    def ask_delete(item: Item) -> str:
        asked.append(item.id)
        return answer

    feature(window).ask_delete = ask_delete
    feature(window).delete_current()
    qtbot.waitUntil(lambda: not library.item_ids(ItemQuery(item_ids=(mine,))))
    assert asked == [mine]
    qtbot.waitUntil(lambda: mine not in window.visible_item_ids())
    assert copy.exists() == (answer == KEEP)
    if answer == KEEP:
        undo(qtbot, window)
        qtbot.waitUntil(lambda: bool(library.item_ids(ItemQuery(item_ids=(mine,)))))
        assert len(library.item(mine).attachments) == 1
    else:
        assert window.undo_stack.count() == 0  # deleting the copies cannot be undone


def test_delete_cancelled_changes_nothing(qtbot, window: MainWindow, library: Library) -> None:
    mine = add_item(library, {"title": "Mine", "media_type": "image"}).item_id
    window.library_changed.emit(Changes.everything())  # written behind the window's back, as another program would
    qtbot.waitUntil(lambda: window.model.row_of(mine) is not None)
    window.select_item(mine)
    feature(window).ask_delete = lambda item: None
    feature(window).delete_current()
    qtbot.wait(200)
    assert library.item(mine).title == "Mine"


def test_batch_edit_previews_then_applies(qtbot, window: MainWindow, library: Library) -> None:
    select(window, ["skycrane-still", "navcam-panorama"])
    feature(window).batch_edit()
    dialog = feature(window).last_dialog
    assert isinstance(dialog, BatchEditDialog) and not dialog.apply_button.isEnabled()
    dialog.field.setCurrentIndex(dialog.field.findData("credit"))
    dialog.value.setText("Me")
    dialog.preview_button.click()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2)
    assert dialog.model.item(0, 2).text() == "Me" and dialog.apply_button.isEnabled()
    assert library.item("skycrane-still").credit == "NASA/JPL-Caltech"  # the preview wrote nothing
    dialog.value.setText("Me too")
    assert not dialog.apply_button.isEnabled()  # a stale preview cannot be applied
    dialog.preview_button.click()
    qtbot.waitUntil(dialog.apply_button.isEnabled)
    dialog.apply_button.click()
    qtbot.waitUntil(lambda: library.item("navcam-panorama").credit == "Me too")
    undo(qtbot, window)
    qtbot.waitUntil(lambda: library.item("navcam-panorama").credit == "NASA/JPL-Caltech")
    dialog = BatchEditDialog(1, window)
    dialog.show_problem("batch edit: date '18/02' is not an ISO date")
    assert "not an ISO date" in dialog.summary.text() and not dialog.apply_button.isEnabled()


def test_saved_searches_in_the_side_bar_with_live_counts(qtbot, window: MainWindow, library: Library) -> None:
    panel = feature(window).saved
    window.search_box.setText("hazcam")
    window.apply_filters()
    settle(qtbot, window)  # the search's answer is shown: that is the search saved
    feature(window).ask_name = lambda title, current: "Hazcams"
    panel.save_button.click()
    expected = library.count_items(ItemQuery(search="hazcam"))
    qtbot.waitUntil(lambda: panel.model.count_of("Hazcams") == expected)
    assert get_saved_search(library, "Hazcams").query.search == "hazcam"
    add_item(library, {"title": "Hazcam of my own", "media_type": "image"})
    window.library_changed.emit(Changes(item_set=True))
    qtbot.waitUntil(lambda: panel.model.count_of("Hazcams") == expected + 1)  # live
    window.search_box.clear()
    window.apply_filters()
    panel.list.clicked.emit(panel.model.index(0))
    assert window.search_box.text() == "hazcam"
    qtbot.waitUntil(lambda: len(window.visible_item_ids()) == expected + 1)
    feature(window).ask_name = lambda title, current: "Rear cameras"
    feature(window).rename_saved("Hazcams")
    qtbot.waitUntil(lambda: panel.model.search_named("Rear cameras") is not None)
    undo(qtbot, window, steps=2)
    qtbot.waitUntil(lambda: panel.model.search_named("Hazcams") is not None)
    feature(window).remove_saved("Hazcams")
    qtbot.waitUntil(lambda: panel.model.rowCount() == 0)
    assert saved_searches(library) == []
    undo(qtbot, window, steps=2)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1)


def test_a_saved_search_with_tags_checks_the_side_bar(qtbot, window: MainWindow, library: Library) -> None:
    add_tags(library, ["skycrane-still"], ["best"])
    save_search(library, "Best images", ItemQuery(media_types=("image",), tags=("best",)))
    window.library_changed.emit(Changes.everything())
    qtbot.waitUntil(lambda: feature(window).saved.model.count_of("Best images") == 1)
    settle(qtbot, window)
    from mediacat.gui.features.archivist import apply_query

    apply_query(window, get_saved_search(library, "Best images").query)
    qtbot.waitUntil(lambda: window.visible_item_ids() == ["skycrane-still"])
    assert window.facets.checked_values() == {"media_type": ("image",), "tag": ("best",)}


def test_the_history_dock_shows_the_items_events(qtbot, window: MainWindow, library: Library,
                                                 tmp_path: Path) -> None:
    attachment = attach_file(library, "skycrane-still", make_jpeg(tmp_path / "s.jpg")).attachment
    add_tags(library, ["skycrane-still"], ["landing"])
    window.select_item("navcam-panorama")
    window.select_item("skycrane-still")
    history = feature(window).history
    qtbot.waitUntil(lambda: history.model.rowCount() == 2)
    assert history.model.index(0, 1).data() == "tag"  # newest first
    assert history.model.index(1, 1).data() == "attach" and history.model.index(1, 2).data() == f"#{attachment.id}"
    history.attachment.setCurrentIndex(history.attachment.findData(attachment.id))
    qtbot.waitUntil(lambda: history.model.rowCount() == 1)
    line_edit(feature(window).edit_panel.form, "credit").setText("x")
    feature(window).save_edit()
    history.attachment.setCurrentIndex(0)
    qtbot.waitUntil(lambda: history.model.rowCount() == 3)
    assert history.model.index(0, 1).data() == "item-edit"
    assert [e.action for e in events(library, item_id="skycrane-still")] == ["attach", "tag", "item-edit"]


def test_export_package_writes_a_valid_bag_of_the_items_shown(qtbot, window: MainWindow, library: Library,
                                                              tmp_path: Path) -> None:
    attach_file(library, "skycrane-still", make_jpeg(tmp_path / "s.jpg"))
    window.search_box.setText("sky crane")
    window.apply_filters()
    shown = window.visible_item_ids()
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "other").write_text("x")  # not empty: the bag goes in a new folder inside
    feature(window).ask_folder = lambda: str(tmp_path / "out")
    feature(window).export_package()
    qtbot.waitUntil(lambda: feature(window).last_bag is not None, timeout=10000)
    bag = bagit.Bag(str(tmp_path / "out" / "mediacat-bag"))
    bag.validate()
    assert feature(window).last_bag.items == len(shown) and feature(window).last_bag.files == 1
    assert "BagIt bag" in window.statusBar().currentMessage()


def test_export_package_failure_is_shown(qtbot, window: MainWindow, library: Library, tmp_path: Path) -> None:
    attach_file(library, "skycrane-still", make_jpeg(tmp_path / "s.jpg"), mode="link")
    (tmp_path / "s.jpg").unlink()
    feature(window).ask_folder = lambda: str(tmp_path / "bag")
    feature(window).export_package()
    qtbot.waitUntil(lambda: window.last_error_dialog is not None, timeout=10000)
    assert "is missing" in error_dialog(window).message_label.text()
    assert not (tmp_path / "bag").exists()
    error_dialog(window).close()


def test_new_item_from_a_file_with_a_verbatim_source(qtbot, window: MainWindow, library: Library,
                                                     tmp_path: Path) -> None:
    from tests.media_fixtures import make_wav

    feature(window).new_item()
    dialog = feature(window).last_dialog
    assert isinstance(dialog, NewItemDialog)
    dialog.ask_file = lambda: str(make_wav(tmp_path / "dust devil.wav"))
    dialog.choose.click()
    dialog.article.setCurrentIndex(dialog.article.findData("bbc-news-2021-02-19"))
    dialog.buttons.accepted.emit()  # a source article needs its quote
    assert dialog.isVisible() and "word for word" in dialog.error.text()
    dialog.quote.setText("It was taken by the rocket cradle that placed the vehicle on the ground.")
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: window.current_item_id() == "user-dust-devil")
    item = library.item("user-dust-devil")
    assert (item.media_type, item.kind, item.title) == ("audio", "recording", "dust devil")  # from the file
    assert len(item.attachments) == 1 and item.sources[0].article_id == "bbc-news-2021-02-19"


def test_new_item_with_a_quote_not_in_the_article_is_refused(qtbot, window: MainWindow, library: Library) -> None:
    feature(window).new_item()
    dialog = feature(window).last_dialog
    assert isinstance(dialog, NewItemDialog)
    line_edit(dialog.form, "title").setText("Misquoted")
    dialog.article.setCurrentIndex(dialog.article.findData("bbc-news-2021-02-19"))
    dialog.quote.setText("words the article never printed")
    dialog.buttons.accepted.emit()  # checked in the dialog against the article's text
    assert dialog.isVisible() and "not in the article word for word" in dialog.error.text()
    dialog.sources_editor.check_quote = lambda _article, _quote: None  # let it through: the core refuses it too
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: window.last_error_dialog is not None)
    assert "word for word" in error_dialog(window).message_label.text()
    assert "'Misquoted' was not added" in error_dialog(window).message_label.text()
    assert not [i for i in library.item_ids() if i.startswith("user-")]
    error_dialog(window).close()
