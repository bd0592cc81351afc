"""Issue 16, keyboard: Down/Enter in the search box reach the results, the focused pane is visibly outlined,
the first "+" in the viewer zooms, and no two entries of a menu share a mnemonic."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QMenu

from mediacat.gui.mnemonics import mnemonic
from mediacat.gui.tasks import shared_runner
from mediacat.gui.views.viewer_window import ViewerWindow
from tests.gui.window_helpers import link_attachment, open_window, settle
from tests.media_fixtures import make_jpeg


def test_down_and_enter_in_the_search_box_go_to_the_results(qtbot, library):
    window = open_window(qtbot, library)
    for key in (Qt.Key.Key_Down, Qt.Key.Key_Return):
        window.focus_search()
        assert window.search_box.hasFocus()
        qtbot.keyClicks(window.search_box, "sky")
        qtbot.keyClick(window.search_box, key)  # before the search pause: the results are those of "sky"
        settle(qtbot, window)
        assert window.current_view().hasFocus()
        assert window.model.rowCount() == library.count_items(window.build_query())
        assert window.current_item_id() in window.visible_item_ids()
        qtbot.keyClick(window.current_view(), Qt.Key.Key_Right)  # and the keys now move through the items
        window.search_box.clear()
        window.apply_filters()


def test_the_focused_catalog_pane_is_outlined(qtbot, library):
    window = open_window(qtbot, library)
    grid = window.grid
    highlight = grid.palette().color(QPalette.ColorRole.Highlight)

    def border_colour() -> QColor:
        return grid.grab().toImage().pixelColor(grid.width() // 2, 0)

    window.search_box.setFocus()
    qtbot.waitUntil(lambda: window.search_box.hasFocus())
    unfocused = border_colour()
    grid.setFocus()
    qtbot.waitUntil(grid.hasFocus)
    focused = border_colour()
    assert focused == highlight and unfocused != highlight
    # the filters and the sources are outlined the same way when Tab reaches them
    for pane in (window.sidebar.tree, window.detail.sources_view):
        pane.setFocus()
        qtbot.waitUntil(pane.hasFocus)
        assert pane.grab().toImage().pixelColor(pane.width() // 2, 0) == highlight
        assert border_colour() != highlight


def test_the_first_plus_in_the_viewer_zooms(qtbot, library, tmp_path):
    link_attachment(library, "skycrane-still", make_jpeg(tmp_path / "sky.jpg", (1600, 1200)), "image/jpeg", "image")
    window = open_window(qtbot, library)
    window.select_item("skycrane-still")
    window.current_view().setFocus()
    qtbot.keyClick(window.current_view(), Qt.Key.Key_Return)
    viewer = window.findChild(ViewerWindow)
    qtbot.waitUntil(viewer.isActiveWindow)
    image = viewer.media_view.image_viewer
    qtbot.waitUntil(image.has_image, timeout=20_000)
    fitted = image.zoom_factor()
    target = QApplication.focusWidget() or viewer  # where the key goes: nothing was clicked in the viewer
    assert viewer.isAncestorOf(target) or target is viewer
    qtbot.keyClick(target, Qt.Key.Key_Plus)
    assert image.zoom_factor() > fitted * 1.2
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Minus)
    assert abs(image.zoom_factor() - fitted) < 1e-6
    qtbot.keyClick(target, Qt.Key.Key_Plus, Qt.KeyboardModifier.ShiftModifier)  # "+" is Shift+= on a US keyboard
    assert image.zoom_factor() > fitted * 1.2
    viewer.close()
    shared_runner().wait_for_all()


def check_menu(menu: QMenu, where: str) -> list[str]:
    """The clashes in one menu (and its submenus): two entries with one mnemonic, or an entry without one."""
    problems: list[str] = []
    seen: dict[str, str] = {}
    for action in menu.actions():
        if action.isSeparator() or not action.isVisible():
            continue
        text = action.text().partition("\t")[0]
        key = mnemonic(text)
        if key is None:
            problems.append(f"{where} ▸ {text!r} has no mnemonic")
        elif key in seen:
            problems.append(f"{where}: {seen[key]!r} and {text!r} share &{key}")
        else:
            seen[key] = text
        submenu = action.menu()  # a QObject to PySide's stubs (Qt's QAction::menu<T>() is a template)
        if submenu is not None:
            assert isinstance(submenu, QMenu), f"{where} ▸ {text} opens a {type(submenu).__name__}"
            problems += check_menu(submenu, f"{where} ▸ {text}")
    return problems


def test_every_menu_has_unique_mnemonics(qtbot, library):
    window = open_window(qtbot, library)
    problems = []
    bar_keys: dict[str, str] = {}
    for top in window.menuBar().actions():
        key = mnemonic(top.text())
        assert key is not None and key not in bar_keys, top.text()
        bar_keys[key] = top.text()
        problems += check_menu(top.menu(), top.text().replace("&", ""))
    assert problems == []


def test_an_entry_added_later_gets_its_own_mnemonic_when_the_menu_shows(qtbot, library):
    window = open_window(qtbot, library)
    item_menu = window.menu("Item")
    window.menu("Item").addAction("&Open Twice")  # clashes with &Open in Viewer
    window.menu("Item").addAction("Zebra")  # has none
    item_menu.aboutToShow.emit()
    assert check_menu(item_menu, "Item") == []
    texts = [a.text() for a in item_menu.actions()]
    assert "&Open in Viewer\tEnter" in texts and "&Zebra" in texts


def test_typing_a_phase_name_in_the_search_box_finds_its_items(qtbot, library):
    window = open_window(qtbot, library)
    window.focus_search()
    qtbot.keyClicks(window.search_box, "sky cra")
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    shown = set(window.visible_item_ids())
    assert shown >= {"skycrane-still", "edl-descent-stage-downlook", "edl-rover-uplook"}


def test_ctrl_q_quits_where_the_platform_names_no_quit_key(qtbot, library):
    """The offscreen platform, like Windows, binds nothing to QKeySequence.Quit: File ▸ Quit is Ctrl+Q there."""
    window = open_window(qtbot, library)
    [quit_action] = [a for a in window.menu("File").actions() if a.text().replace("&", "") == "Quit"]
    assert quit_action.shortcut().toString() == "Ctrl+Q"
    qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.isVisible())
