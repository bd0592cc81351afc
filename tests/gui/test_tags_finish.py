"""Issue 16: the Note panel is titled with the item's title, and the merge dialog shows its whole title and
asks for one target tag."""

from __future__ import annotations

from mediacat.core.tags import add_tags
from mediacat.gui.features.tags import TagEntryDialog
from tests.gui.window_helpers import open_window, settle


def test_the_note_panel_is_titled_with_the_items_title(qtbot, library):
    window = open_window(qtbot, library)
    window.select_item("skycrane-still")
    settle(qtbot, window)
    editor = window.tags_feature.note_editor
    title = library.item("skycrane-still").title
    assert editor.label.text() == f"Note on “{title}”"
    assert "skycrane-still" in editor.label.toolTip() and "skycrane-still" not in editor.label.text()
    window.clear_filters()
    window.facets.set_checked("media_type", "image")
    window.facets.set_checked("kind", "recording")  # nothing selected any more
    settle(qtbot, window)
    assert editor.label.text() == "Select an item to write a note."


def test_the_merge_dialog_shows_its_title_and_asks_for_one_tag(qtbot, library):
    add_tags(library, ["skycrane-still"], ["edl", "landing"])
    window = open_window(qtbot, library)
    window.tags_feature.refresh_tags()
    window.tags_feature._ask_merge(["edl", "landing"])
    dialog = window.findChild(TagEntryDialog)
    qtbot.waitUntil(dialog.isVisible)
    needed = dialog.fontMetrics().horizontalAdvance(f"{dialog.windowTitle()} — MediaCat")
    assert dialog.width() >= needed + 100  # room for the title bar's buttons too
    placeholder = dialog.field.placeholderText()
    assert ";" not in placeholder and "one tag" in placeholder
    dialog.reject()
    qtbot.waitUntil(lambda: window.findChild(TagEntryDialog) is None)
    window.select_item("skycrane-still")
    window.tags_feature.ask_add_tags()  # a dialog that takes several tags still says so
    adding = window.findChild(TagEntryDialog)
    qtbot.waitUntil(adding.isVisible)
    assert ";" in adding.field.placeholderText()
    adding.reject()
