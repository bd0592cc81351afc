"""100,000 items: the model loads only what the views show, and search still works."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, Qt

from mediacat.core.library import Library
from mediacat.core.search import ItemQuery
from mediacat.gui.main_window import MainWindow
from mediacat.gui.views.grid_view import GRID_SPACING, fitted_grid_width
from tests.gui.window_helpers import open_window, settle

GENERATED = 100_000


def add_generated_items(library: Library, count: int) -> None:
    """Insert `count` items straight into the database (the FTS triggers index them as usual)."""
    rows = (
        (f"gen-{n:06d}", f"Generated frame {n}", ("image", "video", "audio")[n % 3], "still", f"Camera {n % 7}",
         "surface-operations", f"Synthetic item number {n} keyword{n % 100}")
        for n in range(count)
    )
    with library.store.transaction():
        library.store.conn.executemany(
            "INSERT INTO items(id, title, media_type, kind, camera, mission_phase, description) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )


@pytest.fixture(scope="module")
def large_library_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("large-library")
    with Library.open(folder) as library:
        add_generated_items(library, GENERATED)
    return folder


@pytest.fixture
def large_library(large_library_dir: Path):
    library = Library.open(large_library_dir)
    yield library
    library.close()


@pytest.mark.slow
def test_grid_and_table_fetch_only_visible_rows(qtbot, large_library):
    window = open_window(qtbot, large_library)
    total = large_library.count_items()
    assert total >= GENERATED
    assert window.model.rowCount() == total
    qtbot.waitUntil(lambda: window.grid.visualRect(window.model.index(0, 0)).isValid())
    qtbot.wait(200)  # let the batched layout run a few rounds
    assert 0 < window.model.rows_fetched < 1000
    builtin = len(large_library.item_ids_with_builtin_media())
    assert window.count_label.text() == f"{total} items, 0 with media, {builtin} with a built-in NASA file"

    window.grid.scrollToBottom()
    qtbot.wait(50)
    window.set_view_mode("table")
    window.table.scrollToBottom()
    qtbot.wait(50)
    window.table.viewport().repaint()
    assert window.model.rows_fetched < 1000
    last = window.model.index(total - 1, 0)
    assert last.data() == large_library.item_rows([window.model.item_id_at(total - 1)])[
        window.model.item_id_at(total - 1)].title


@pytest.mark.slow
def test_search_and_sort_over_a_large_catalog(qtbot, large_library):
    window = open_window(qtbot, large_library)
    qtbot.keyClicks(window.search_box, "keyword42")
    qtbot.waitUntil(lambda: window.current_query().search == "keyword42", timeout=10_000)
    settle(qtbot, window)
    expected = large_library.item_ids(ItemQuery(search="keyword42"))
    assert len(expected) == GENERATED // 100
    assert window.visible_item_ids() == expected
    assert window.count_label.text() == f"{len(expected)} items, 0 with media (of {large_library.count_items()})"
    window.set_view_mode("table")
    window.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    settle(qtbot, window)
    assert window.visible_item_ids() == large_library.item_ids(
        ItemQuery(search="keyword42", sort="title", descending=True))
    assert window.model.rows_fetched < 1000


class _TimerEvents(QObject):
    """Counts the timer events a view receives: Qt's batched and delayed item layouts run on the view's
    own timers, so an idle view receives none (a relayout loop receives one every few milliseconds)."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Timer:
            self.count += 1
        return False


@pytest.mark.slow
@pytest.mark.parametrize("width", [1200, 1280, 1360, 1450, 1530, 1600, 1700])
def test_grid_reaches_the_last_row_and_goes_idle_at_every_width(qtbot, large_library, width):
    """Issue 12: at some widths the fitted columns overflowed the viewport by a few pixels, the horizontal
    scroll bar switched on and off, and each switch restarted the batched layout: the grid never got past
    row ~200 and the idle app used a whole core."""
    window = MainWindow(large_library, thumbnails=False)
    qtbot.addWidget(window)
    window.resize(width, 800)  # before the first show: the one layout is at this width
    window.show()
    qtbot.waitExposed(window)
    settle(qtbot, window)  # the ids arrive from a reader after the first paint
    assert window.width() == width
    grid = window.grid
    total = window.model.rowCount()
    assert total == large_library.count_items()
    last = window.model.index(total - 1, 0)
    timers = _TimerEvents()
    grid.installEventFilter(timers)

    def idle_for_half_a_second() -> bool:  # a relayout loop never gets there
        seen = timers.count
        qtbot.wait(500)
        return timers.count == seen

    qtbot.waitUntil(lambda: grid.visualRect(last).isValid(), timeout=30_000)  # the layout reached the end
    qtbot.waitUntil(idle_for_half_a_second, timeout=10_000)
    grid.removeEventFilter(timers)
    assert grid.visualRect(last).isValid()
    assert not grid.horizontalScrollBar().isVisible()
    assert grid.contentsSize().width() <= grid.viewport().width()

    grid.scrollToBottom()
    qtbot.wait(50)
    assert grid.viewport().rect().contains(grid.visualRect(last))
    assert grid.indexAt(grid.visualRect(last).center()) == last
    assert grid.verticalScrollBar().value() == grid.verticalScrollBar().maximum() > 0


def test_fitted_grid_fills_the_width_without_overflowing_it():
    for cell in (100, 166, 200):
        for layout_width in range(cell, 3000):
            grid = fitted_grid_width(layout_width, cell)
            columns = max(1, (layout_width - 1) // (cell + 2 * GRID_SPACING))
            assert grid >= cell
            if grid > cell:  # Qt's contents: the columns plus the half margin a batch continues from
                assert columns * grid + (grid - cell) // 2 + 1 <= layout_width
            assert (columns + 1) * (cell + 2 * GRID_SPACING) > layout_width - 1  # as many columns as fit
