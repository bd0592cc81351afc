"""The app's tag, note and CSV features (pytest-qt): batch edits, undo/redo, the Tags dock, notes, CSV."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel, QStringListModel, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget
from pytestqt.qtbot import QtBot

from mediacat.core.csv_import import ImportPlan
from mediacat.core.library import Library
from mediacat.core.operations import add_tags_op
from mediacat.core.search import ItemQuery
from mediacat.core.tags import note_of, tag_counts, tags_of
from mediacat.gui.features.csv_export import ExportDialog, describe_plan, import_file, start_export
from mediacat.gui.features.tags import TagEntryDialog, TagsFeature
from mediacat.gui.main_window import MainWindow
from mediacat.gui.operations import Operation
from tests.gui.window_helpers import error_dialog, installed, settle, shown_row

THREE = ["skycrane-still", "navcam-panorama", "mars-wind-audio-original"]


@pytest.fixture
def window(qtbot: QtBot, library: Library) -> MainWindow:
    win = MainWindow(library, thumbnails=False)
    qtbot.addWidget(win)
    win.show()
    settle(qtbot, win)
    return win


def run(qtbot: QtBot, window: MainWindow, op: Operation, *args: Any) -> None:
    """An operation through the window's writer, as a feature would run it; waits until it is shown."""
    window.run_op(op, *args)
    settle(qtbot, window)


def trigger(qtbot: QtBot, window: MainWindow, action: QAction) -> None:
    """Trigger an action (undo, redo ...) and wait for what it started."""
    action.trigger()
    settle(qtbot, window)


def select(window: MainWindow, item_ids: list[str]) -> None:
    window.selection_model.clearSelection()
    for item_id in item_ids:
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        window.selection_model.select(window.model.index(shown_row(window, item_id), 0), flags)
    window.selection_model.setCurrentIndex(
        window.model.index(shown_row(window, item_ids[0]), 0), QItemSelectionModel.SelectionFlag.NoUpdate
    )
    assert sorted(window.selected_item_ids()) == sorted(item_ids)


def action(window: MainWindow, menu: str, text: str) -> QAction:
    found = [a for a in window.menu(menu).actions() if a.text().replace("&", "") == text.replace("&", "")]
    assert found, f"no {text!r} in {menu}"
    return found[0]


def open_dialog(qtbot: QtBot, window: MainWindow) -> TagEntryDialog:
    def shown() -> bool:
        dialog = window.findChild(TagEntryDialog)
        return dialog is not None and dialog.isVisible()

    qtbot.waitUntil(shown)
    dialog = window.findChild(TagEntryDialog)
    assert dialog is not None
    return dialog


def completions(dialog: TagEntryDialog) -> list[str]:
    """The tags the dialog's field completes from."""
    completer = dialog.field.completer()
    assert completer is not None
    model = completer.model()
    assert isinstance(model, QStringListModel), f"the completer completes from a {type(model).__name__}"
    return model.stringList()


def tags_feature(window: MainWindow) -> TagsFeature:
    return installed(window, "tags_feature", TagsFeature)


def test_batch_tag_edit_on_three_items_with_undo_and_redo(qtbot, window: MainWindow, library: Library) -> None:
    run(qtbot, window, add_tags_op, ["navcam-panorama"], ["wide"])
    before = tags_of(library, THREE)
    select(window, THREE)
    action(window, "Item", "Add tags…").trigger()
    dialog = open_dialog(qtbot, window)
    assert completions(dialog) == ["wide"]  # completion from the existing tags
    dialog.field.setText("landing; =sum")
    dialog.accept()
    settle(qtbot, window)
    after = tags_of(library, THREE)
    assert after == {
        "skycrane-still": ("=sum", "landing"),
        "navcam-panorama": ("=sum", "landing", "wide"),
        "mars-wind-audio-original": ("=sum", "landing"),
    }
    assert window.undo_stack.count() == 1  # one command for the whole batch
    assert window.undo_action.shortcut().toString() == "Ctrl+Z"
    assert window.redo_action.shortcut().toString() == "Ctrl+Shift+Z"
    trigger(qtbot, window, window.undo_action)
    assert tags_of(library, THREE) == before
    assert tag_counts(library) == [("wide", 1)]
    trigger(qtbot, window, window.redo_action)
    assert tags_of(library, THREE) == after
    trigger(qtbot, window, window.undo_action)
    assert tags_of(library, THREE) == before


def test_remove_tags_from_the_selection_and_undo(qtbot, window: MainWindow, library: Library) -> None:
    run(qtbot, window, add_tags_op, THREE, ["landing", "keep"])
    select(window, THREE[:2])
    action(window, "Item", "Remove tags…").trigger()
    dialog = open_dialog(qtbot, window)
    assert completions(dialog) == ["keep", "landing"]
    dialog.field.setText("landing")
    dialog.accept()
    settle(qtbot, window)
    assert tags_of(library, THREE) == {THREE[0]: ("keep",), THREE[1]: ("keep",), THREE[2]: ("keep", "landing")}
    trigger(qtbot, window, window.undo_action)
    assert all(tags == ("keep", "landing") for tags in tags_of(library, THREE).values())


def test_a_bad_tag_shows_a_message_and_changes_nothing(qtbot, window: MainWindow, library: Library) -> None:
    select(window, THREE)
    action(window, "Item", "Add tags…").trigger()
    dialog = open_dialog(qtbot, window)
    dialog.field.setText("fine; bad\ttag")
    dialog.accept()
    assert window.last_error_dialog is not None and "control characters" in window.last_error_dialog.message
    assert tag_counts(library) == []
    assert window.undo_stack.count() == 0


def test_tag_panel_counts_rename_merge_and_filter(qtbot, window: MainWindow, library: Library) -> None:
    feature = tags_feature(window)
    feature.add_tags_to(THREE, ["landing"])
    feature.add_tags_to(THREE[:1], ["favourite"])
    settle(qtbot, window)
    model = feature.model
    assert [model.index(row).data() for row in range(model.rowCount())] == ["favourite (1)", "landing (3)"]

    assert feature.rename("landing", "descent")
    settle(qtbot, window)
    assert tag_counts(library) == [("descent", 3), ("favourite", 1)]
    assert [model.index(row).data() for row in range(model.rowCount())] == ["descent (3)", "favourite (1)"]
    trigger(qtbot, window, window.undo_action)
    assert tag_counts(library) == [("favourite", 1), ("landing", 3)]
    trigger(qtbot, window, window.redo_action)
    assert tag_counts(library) == [("descent", 3), ("favourite", 1)]

    assert feature.merge(["favourite"], "descent")
    settle(qtbot, window)
    assert tag_counts(library) == [("descent", 3)]
    trigger(qtbot, window, window.undo_action)
    assert tag_counts(library) == [("descent", 3), ("favourite", 1)]
    assert tags_of(library, THREE)[THREE[0]] == ("descent", "favourite")

    rect = feature.view.visualRect(model.index(model.row_of("favourite")))
    qtbot.mouseClick(feature.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    settle(qtbot, window)
    assert window.visible_item_ids() == [THREE[0]]
    assert window.current_query().tags == ("favourite",)
    feature.view.clearSelection()
    feature.filter_by_selected_tags()
    settle(qtbot, window)
    assert len(window.visible_item_ids()) == library.count_items()


def test_rename_to_a_bad_name_shows_a_message(qtbot, window: MainWindow, library: Library) -> None:
    tags_feature(window).add_tags_to(THREE, ["landing"])
    tags_feature(window).rename("landing", "a;b")
    settle(qtbot, window)
    assert "';' is not allowed" in error_dialog(window).message
    assert tag_counts(library) == [("landing", 3)]


def test_note_is_saved_after_typing_and_on_focus_change_and_undoable(qtbot, window: MainWindow,
                                                                      library: Library) -> None:
    select(window, ["navcam-panorama"])
    editor = tags_feature(window).note_editor
    assert editor.item_id == "navcam-panorama" and editor.editor.isEnabled()
    editor.editor.setFocus()
    qtbot.keyClicks(editor.editor, "dust devil")
    qtbot.waitUntil(lambda: note_of(library, "navcam-panorama") == "dust devil")
    editor.editor.appendPlainText("second line")
    select(window, ["skycrane-still"])  # switching items saves at once (on the writer: the editor never waits)
    settle(qtbot, window)
    assert note_of(library, "navcam-panorama") == "dust devil\nsecond line"
    assert editor.item_id == "skycrane-still" and editor.editor.toPlainText() == ""
    trigger(qtbot, window, window.undo_action)  # the two saves of one note are one undo step
    assert note_of(library, "navcam-panorama") == ""
    trigger(qtbot, window, window.redo_action)
    assert note_of(library, "navcam-panorama") == "dust devil\nsecond line"
    assert library.item_ids(ItemQuery(search="devil")) == ["navcam-panorama"]


def test_export_the_selection_in_the_background(qtbot, window: MainWindow, library: Library, tmp_path: Path) -> None:
    run(qtbot, window, add_tags_op, THREE, ["@home"])
    select(window, THREE[:2])
    target = tmp_path / "selection.csv"
    handle = start_export(window, "selection", str(target))
    with qtbot.waitSignal(handle.finished, timeout=20_000):
        pass
    assert handle.error is None and handle.result == 2
    with target.open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert [row["id"] for row in rows] == sorted(THREE[:2], key=window.visible_item_ids().index)
    assert all(row["tags"] == "'@home" for row in rows)


def run_import(qtbot: QtBot, window: MainWindow, path: Path, confirm: Callable[[ImportPlan], bool]) -> bool:
    outcome: list[bool] = []
    import_file(window, str(path), confirm, outcome.append)
    qtbot.waitUntil(lambda: bool(outcome), timeout=20_000)
    return outcome[0]


def test_import_asks_applies_and_undoes(qtbot, window: MainWindow, library: Library, tmp_path: Path) -> None:
    path = tmp_path / "edited.csv"
    path.write_text("id,tags,notes\r\nskycrane-still,a; b,'=note\r\nnavcam-panorama,c,\r\n", encoding="utf-8-sig")
    asked: list[str] = []

    def confirm(plan: ImportPlan) -> bool:
        asked.append(describe_plan(plan))
        return True

    assert run_import(qtbot, window, path, confirm)
    settle(qtbot, window)
    assert "skycrane-still: tags (none) → a; b" in asked[0]
    assert tags_of(library, ["skycrane-still", "navcam-panorama"]) == {"skycrane-still": ("a", "b"),
                                                                       "navcam-panorama": ("c",)}
    assert note_of(library, "skycrane-still") == "=note"
    assert [tags_feature(window).model.index(r).data() for r in range(3)] == ["a (1)", "b (1)", "c (1)"]
    trigger(qtbot, window, window.undo_action)
    assert tag_counts(library) == [] and note_of(library, "skycrane-still") == ""
    trigger(qtbot, window, window.redo_action)
    assert note_of(library, "skycrane-still") == "=note" and len(tag_counts(library)) == 3


def test_import_of_a_bad_file_lists_the_problems_and_changes_nothing(qtbot, window: MainWindow, library: Library,
                                                                     tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("id,tags\r\nskycrane-still,ok\r\nghost,x\r\n", encoding="utf-8")
    assert not run_import(qtbot, window, path, lambda plan: pytest.fail("must not ask"))
    dialog = window.last_error_dialog
    assert dialog is not None and "1 problem" in dialog.message
    assert f"{path}:3: no item with id 'ghost'" in dialog.details
    assert tag_counts(library) == [] and window.undo_stack.count() == 0
    declined = tmp_path / "fine.csv"
    declined.write_text("id,tags\r\nskycrane-still,ok\r\n", encoding="utf-8")
    assert not run_import(qtbot, window, declined, lambda plan: False)
    assert tag_counts(library) == []
    latin = tmp_path / "latin.csv"
    latin.write_bytes("id,notes\r\nskycrane-still,caf\xe9\r\n".encode("latin-1"))
    assert not run_import(qtbot, window, latin, lambda plan: pytest.fail("must not ask"))
    assert "not UTF-8 text" in error_dialog(window).message


def test_menus_hold_the_actions(window: MainWindow) -> None:
    file_actions = [a.text().replace("&", "") for a in window.menu("File").actions()]
    assert file_actions.index("Export CSV…") < file_actions.index("Quit")
    assert "Import CSV…" in file_actions
    assert action(window, "Item", "Add tags…").shortcut().toString() == "Ctrl+T"
    assert {"Tags", "Note"} <= {dock.windowTitle() for dock in window.findChildren(QDockWidget)}


def test_export_dialog_offers_all_view_and_selection_with_counts(window: MainWindow, library: Library) -> None:
    select(window, THREE)
    dialog = ExportDialog(window, window)
    labels = [button.text() for button in dialog.scope_group.buttons()]
    total = library.count_items()
    assert labels == [f"All items ({total})", f"The current view ({total})", "The selected items (3)"]
    assert dialog.scope == "selection" and dialog.safe.isChecked()
    assert [dialog.profile.itemText(i) for i in range(dialog.profile.count())] == ["default", "dublin-core"]
    dialog.deleteLater()
