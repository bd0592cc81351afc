"""Issue 16: in small windows (800×500, 560×396) the side panes and docks give way to the catalog, and come back
when the window grows; the layout saved on quit is the person's, not the squeezed one."""

from __future__ import annotations

from PySide6.QtWidgets import QDockWidget

from mediacat.gui.main_window import MainWindow
from tests.gui.window_helpers import open_window


def grid_columns(window) -> int:
    grid = window.grid
    return max(1, grid.viewport().width() // grid.gridSize().width())


def bottom_docks(window):
    from PySide6.QtCore import Qt

    return [d for d in window.findChildren(QDockWidget)
            if window.dockWidgetArea(d) == Qt.DockWidgetArea.BottomDockWidgetArea]


def resize(qtbot, window, width, height):
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.size().toTuple() == (width, height))
    qtbot.wait(30)  # the fit runs after the resize


def test_small_windows_give_the_catalog_room(qtbot, library):
    window = open_window(qtbot, library)
    resize(qtbot, window, 1360, 840)
    assert window.sidebar.isVisible() and window.detail.isVisible()
    assert all(d.isVisible() for d in bottom_docks(window))
    big_columns = grid_columns(window)
    assert big_columns >= 3

    resize(qtbot, window, 800, 500)
    qtbot.waitUntil(lambda: not any(d.isVisible() for d in bottom_docks(window)))  # the docks gave way
    qtbot.waitUntil(lambda: grid_columns(window) >= 2)
    # more than a sliver of one row (the layout settles after the docks went)
    qtbot.waitUntil(lambda: window.views.height() >= window.grid.gridSize().height() * 1.5)
    assert window.detail.isVisible()  # still there, at its narrowest

    resize(qtbot, window, 560, 396)
    qtbot.waitUntil(lambda: grid_columns(window) >= 2)
    qtbot.waitUntil(lambda: window.views.height() >= window.grid.gridSize().height())  # a row, not a sliver
    # a new library shows the welcome and the public-media notices: they give way too in so short a window
    assert set(window.small_window_fit.given_way()) == {"filters", "details", "docks", "notices"}
    assert not window.filters_action.isChecked() and not window.details_action.isChecked()  # the View menu says so

    resize(qtbot, window, 1360, 840)  # growing back brings back what gave way
    qtbot.waitUntil(lambda: window.small_window_fit.given_way() == [])
    assert window.sidebar.isVisible() and window.detail.isVisible()
    assert all(d.isVisible() for d in bottom_docks(window))
    qtbot.waitUntil(lambda: grid_columns(window) == big_columns)


def test_a_pane_the_person_hid_stays_hidden_when_the_window_grows(qtbot, library):
    window = open_window(qtbot, library)
    window.filters_action.setChecked(False)
    resize(qtbot, window, 560, 396)
    resize(qtbot, window, 1360, 840)
    assert not window.sidebar.isVisible()  # it was not hidden for room, so it is not shown again
    assert window.detail.isVisible()


def test_the_saved_layout_is_the_persons_not_the_squeezed_one(qtbot, library):
    window = open_window(qtbot, library)
    resize(qtbot, window, 1360, 840)
    sizes = window.splitter.sizes()
    resize(qtbot, window, 560, 396)
    window.close()
    again = MainWindow(library, thumbnails=False)
    qtbot.addWidget(again)
    again.resize(1360, 840)
    again.show()
    qtbot.waitExposed(again)
    qtbot.wait(30)
    assert again.sidebar.isVisible() and again.detail.isVisible()
    assert all(d.isVisible() for d in bottom_docks(again))
    assert abs(again.splitter.sizes()[0] - sizes[0]) <= 2
