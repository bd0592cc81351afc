"""100,000 items: the model loads only what the views show, and search still works."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from mediacat.core.library import Library
from mediacat.core.search import ItemQuery
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
    assert f"{total} items, 0 with media" == window.count_label.text()

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
