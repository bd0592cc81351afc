"""Paint first, fill later (issue 12): the app's window shows before the catalog is read; the ids, counts and
facets arrive from a reader."""

from __future__ import annotations

from pathlib import Path

import pytest

from mediacat.core.library import Library
from mediacat.core.search import ItemQuery
from mediacat.gui.main_window import MainWindow


def test_the_window_shows_empty_then_fills_from_a_reader(qtbot, tmp_path: Path) -> None:
    with Library.open(tmp_path / "lib") as library:
        window = MainWindow(library, thumbnails=False)
        qtbot.addWidget(window)
        assert window.model.rowCount() == 0 and window.facets.rowCount() == 0  # nothing read yet
        window.show()
        qtbot.waitUntil(lambda: window.model.rowCount() > 0, timeout=10_000)
        assert window.visible_item_ids() == library.item_ids(ItemQuery())
        assert window.current_item_id() == library.item_ids(ItemQuery())[0]
        builtin = len(library.item_ids_with_builtin_media())
        assert window.count_label.text() == (f"{window.model.rowCount()} items, 0 with media, "
                                             f"{builtin} with a built-in NASA file")
        qtbot.waitUntil(lambda: window.facets.rowCount() > 0, timeout=10_000)
        assert window.facets.set_checked("media_type", "audio")
        qtbot.waitUntil(lambda: window.current_query().media_types == ("audio",), timeout=10_000)
        assert window.visible_item_ids() == library.item_ids(ItemQuery(media_types=("audio",)))
        window.close()  # before the library closes: the views must not read a closed connection


def test_a_search_typed_before_the_fill_arrives_is_kept(qtbot, tmp_path: Path) -> None:
    with Library.open(tmp_path / "lib") as library:
        window = MainWindow(library, thumbnails=False)
        qtbot.addWidget(window)
        window.search_box.setText("parachute")
        window.apply_filters()  # before the window even shows
        window.show()
        expected = library.item_ids(ItemQuery(search="parachute"))
        qtbot.waitUntil(lambda: window.facets.rowCount() > 0, timeout=10_000)  # the fill has answered
        qtbot.waitUntil(lambda: window.visible_item_ids() == expected)
        window.tasks.wait_for_all()
        qtbot.wait(100)  # and no later answer (the default fill's) replaces it
        assert window.visible_item_ids() == expected
        assert window.current_query().search == "parachute"
        window.close()


def test_a_window_closed_before_it_ever_painted_lets_its_waiting_queries_finish(qtbot, tmp_path: Path) -> None:
    """Its first queries wait on their readers for the first paint; closing releases them (no 30 s wait)."""
    with Library.open(tmp_path / "lib") as library:
        window = MainWindow(library, thumbnails=False)
        qtbot.addWidget(window)
        assert not window.painted and not window.operations.idle  # the first ids and facets are asked for
        window.close()
        qtbot.waitUntil(lambda: window.operations.idle, timeout=10_000)
        assert not window.painted


@pytest.mark.qt_log_ignore("QSplitter::replaceWidget: Trying to replace a widget with itself")
def test_the_frame_takes_exactly_its_three_panes_once(qtbot) -> None:
    from PySide6.QtWidgets import QMainWindow, QWidget

    from mediacat.gui.window_frame import WindowFrame

    window = QMainWindow()
    qtbot.addWidget(window)
    frame = WindowFrame(window, None)
    with pytest.raises(ValueError, match="the frame has 3 pane places, not 2"):
        frame.take_panes((QWidget(), QWidget()))
    panes = (QWidget(), QWidget(), QWidget())
    frame.take_panes(panes)
    assert [frame.splitter.widget(index) for index in range(3)] == list(panes)
    with pytest.raises(ValueError, match=r"pane 0 \(QWidget\) is already in the frame's splitter"):
        frame.take_panes(panes)  # Qt's replaceWidget warns, replaces nothing and answers None
    assert [frame.splitter.widget(index) for index in range(3)] == list(panes)
