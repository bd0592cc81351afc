"""Benchmark of showing the catalog on 100,000 items in Qt views, against showing a bare QMainWindow.

    QT_QPA_PLATFORM=offscreen python bench/bench_gui_model.py [--items N] [--no-main-window]

Measured: make the GUI's `CatalogModel` (mediacat.gui.models) on the scaled library, run the default
query, put it in the app's table view and grid view (plain QTableView / icon-mode QListView when those are
not there), show the window and render it once (so the view asks the model for the visible rows); and the
app's `MainWindow(library)` when it exists. The floor is the same show-and-render of an empty
QMainWindow of the same size. Skips, saying so, when the GUI's model is not there yet.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from _common import Result, best_of, build_scaled_library, machine_line, print_results

from mediacat.core.library import Library
from mediacat.core.search import ItemQuery

if TYPE_CHECKING:
    from PySide6.QtWidgets import QAbstractItemView

WINDOW_SIZE = (1280, 800)


def load_catalog_model() -> type | None:
    try:
        from mediacat.gui import models
    except ImportError as error:
        print(f"bench_gui_model: skipped: mediacat.gui.models cannot be imported ({error})")
        return None
    model_class = getattr(models, "CatalogModel", None)
    if model_class is None:
        try:
            from mediacat.gui.models.catalog_model import CatalogModel as model_class
        except ImportError as error:
            print(f"bench_gui_model: skipped: no CatalogModel in mediacat.gui.models ({error})")
            return None
    return model_class


def app_views() -> list[tuple[str, Callable[[], QAbstractItemView]]]:
    """The app's own grid and table views when they exist, else the plain Qt views they are made of."""
    from PySide6.QtWidgets import QListView, QTableView

    try:
        from mediacat.gui.views.grid_view import CatalogGridView, CatalogTableView
    except ImportError:
        def plain_grid() -> QListView:
            view = QListView()
            view.setViewMode(QListView.ViewMode.IconMode)
            view.setUniformItemSizes(True)
            view.setLayoutMode(QListView.LayoutMode.Batched)
            view.setResizeMode(QListView.ResizeMode.Adjust)
            return view

        return [("QTableView", QTableView), ("QListView (icon mode)", plain_grid)]
    return [("CatalogTableView", CatalogTableView), ("CatalogGridView", CatalogGridView)]


def load_main_window() -> type | None:
    try:
        from mediacat.gui.main_window import MainWindow
    except ImportError as error:
        print(f"bench_gui_model: the main window is not measured: {error}")
        return None
    return MainWindow


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000, help="generated items (default 100,000)")
    parser.add_argument("--no-main-window", action="store_true", help="measure the views only")
    args = parser.parse_args()
    catalog_model = load_catalog_model()
    if catalog_model is None:
        return 0

    from PySide6.QtCore import QEvent, qInstallMessageHandler
    from PySide6.QtWidgets import QApplication, QMainWindow

    def quiet_known_noise(mode: object, context: object, message: str) -> None:
        if "propagateSizeHints" not in message:  # the offscreen platform says this for every window
            print(message, file=sys.stderr)

    qInstallMessageHandler(quiet_known_noise)

    import PySide6

    none_references_at_start = sys.getrefcount(None)
    print(f"bench_gui_model: {machine_line()}, PySide6 {PySide6.__version__}, "
          f"Qt platform {os.environ['QT_QPA_PLATFORM']}")
    app = QApplication.instance() or QApplication(sys.argv[:1])

    def show(window: QMainWindow) -> None:
        window.resize(*WINDOW_SIZE)
        window.show()
        app.processEvents()
        window.grab()  # render once: the views fetch the rows they display
        window.close()
        window.deleteLater()
        app.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)  # processEvents() leaves deletions queued
        app.processEvents()

    def bare_window() -> None:
        show(QMainWindow())

    def catalog_window(library: Library, make_view: Callable[[], QAbstractItemView]) -> None:
        from mediacat.gui.operations import LibraryOperations
        from mediacat.gui.tasks import TaskRunner

        window = QMainWindow()
        operations = LibraryOperations(library, TaskRunner(window), window, watch_interval_ms=0)
        model = catalog_model(library, window, run_query=operations.run_query)
        model.set_query(ItemQuery())  # on a reader: wait for the answer, as the user would
        while model.loading:
            app.processEvents()
        operations.close()  # rows are read on the GUI thread's own connection from here
        view = make_view()
        view.setModel(model)
        window.setCentralWidget(view)
        show(window)
        assert model.rowCount() == expected_rows, model.rowCount()

    def main_window(library: Library) -> None:
        window = main_window_class(library)
        while not window.settled:  # the first query's answer (it runs on a reader)
            app.processEvents()
        show(window)

    views = app_views()
    main_window_class = None if args.no_main_window else load_main_window()
    with tempfile.TemporaryDirectory(prefix="mediacat-bench-") as tmp:
        start = time.perf_counter()
        library = build_scaled_library(Path(tmp) / "scaled", args.items)
        expected_rows = library.count_items()
        print(f"built {expected_rows} items in {time.perf_counter() - start:.1f} s")
        try:
            floor = best_of(bare_window, repeat=5)
            results = [
                Result(f"CatalogModel + {label} show [{expected_rows} rows]",
                       best_of(lambda make_view=make_view: catalog_window(library, make_view), repeat=5),
                       "bare QMainWindow show", floor)
                for label, make_view in views
            ]
            if main_window_class is not None:
                results.append(Result(f"MainWindow(library) show [{expected_rows} rows]",
                                      best_of(lambda: main_window(library), repeat=3), "bare QMainWindow show", floor))
            results.append(Result("  (context) the model's query: item_ids(ItemQuery())",
                                  best_of(lambda: library.item_ids(ItemQuery()), repeat=5),
                                  "bare QMainWindow show", floor))
        finally:
            library.close()
        print_results("showing the catalog", results)
    lost = none_references_at_start - sys.getrefcount(None)
    if lost > 1000:
        # PySide6 6.12.0 on CPython 3.11 (where None is not immortal) drops a reference to None on calls that
        # return nothing; when the count reaches 0 the interpreter aborts ("none_dealloc"), often at exit.
        print(f"\nwarning: the Qt binding dropped {lost} references to None during this run "
              f"(PySide6 {PySide6.__version__} on Python {sys.version.split()[0]}); the process may abort")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
