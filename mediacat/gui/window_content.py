"""The widgets and actions of the main window's content, built when its library is open.

`build_views`: the filter side bar, the catalog (grid and table sharing one selection, in a stack with the
"no match" panel beside it) and the detail pane, put in the frame's places (`gui/window_frame.py`), with the
keyboard focus outlined. `build_actions`: the content's entries in the frame's menus and tool bar. Imported when
the content is built (`MainWindow._build_content`), never on the path to the first paint.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence, QShortcut
from PySide6.QtWidgets import QStackedWidget, QStyle, QVBoxLayout, QWidget

from mediacat.gui.views.catalog_notices import NoMatchPanel
from mediacat.gui.views.detail_pane import DetailPane
from mediacat.gui.views.filter_sidebar import FilterSidebar
from mediacat.gui.views.grid_view import CatalogGridView, CatalogTableView
from mediacat.gui.window_fit import SmallWindowFit
from mediacat.paths import cache_dir

if TYPE_CHECKING:
    from mediacat.gui.main_window import MainWindow
    from mediacat.gui.tasks import TaskRunner
    from mediacat.gui.window_frame import WindowFrame

FOCUS_FRAME = "#{name} {{ border: 1px solid palette(mid); }} #{name}:focus {{ border: 2px solid palette(highlight); }}"
CATALOG_MIN_WIDTH = 240  # in a small window the side panes and docks give way to the catalog


def create_thumbnail_provider(parent: Any, tasks: TaskRunner) -> Any:
    """The thumbnail provider (mediacat.gui.thumbs) on the window's thumbnail pool, or None without it."""
    try:
        from mediacat.gui.thumbs import ThumbnailProvider
    except ImportError:
        return None
    return ThumbnailProvider(cache_dir() / "thumbnails", parent, tasks=tasks)


def build_views(window: MainWindow, frame: WindowFrame) -> None:
    window.sidebar = FilterSidebar(window.facets)
    window.grid = CatalogGridView()
    window.grid.setModel(window.model)
    window.table = CatalogTableView()
    window.table.setModel(window.model)
    window.table.set_default_column_widths()
    window.table.setSelectionModel(window.grid.selectionModel())  # one selection, two views
    window.selection_model = window.grid.selectionModel()
    window.views = QStackedWidget()
    window.views.addWidget(window.grid)
    window.views.addWidget(window.table)
    window.views.setAccessibleName("Items")
    window.no_match = NoMatchPanel()
    window.no_match.hide()
    window.no_match.clear_requested.connect(window.clear_filters)
    window.catalog_area = QWidget()
    window.catalog_area.setAccessibleName("Catalog")
    window.catalog_area.setMinimumWidth(CATALOG_MIN_WIDTH)
    catalog_layout = QVBoxLayout(window.catalog_area)
    catalog_layout.setContentsMargins(0, 0, 0, 0)
    catalog_layout.addWidget(window.views, 1)
    catalog_layout.addWidget(window.no_match, 1)
    window.detail = DetailPane()
    window.detail.phase_labels = {phase.id: phase.label for phase in window.library.mission_phases()}
    # The pane with the keyboard focus is outlined (Tab moves between them).
    for view, name in ((window.grid, "item-grid"), (window.table, "item-table"), (window.sidebar.tree, "filter-tree"),
                       (window.detail.sources_view, "sources-list")):
        view.setObjectName(name)
        view.setStyleSheet(FOCUS_FRAME.format(name=name))
    frame.take_panes((window.sidebar, window.catalog_area, window.detail))
    frame.add_notice(window.other_windows_notice, first=True)
    window.small_window_fit = SmallWindowFit(window)
    for item_view in (window.grid, window.table):
        item_view.files_dropped.connect(window.files_dropped)
    window.detail.files_dropped.connect(window.files_dropped)


def build_actions(window: MainWindow, frame: WindowFrame, read_first_source: Callable[[], None]) -> None:
    style = window.style()
    # Signals are connected after the constructor (PySide6 takes `triggered=` too, its stubs do not).
    quit_action = QAction("&Quit", window)
    # the platform's own (Ctrl+Q on Linux and macOS), else Ctrl+Q: Windows' and the offscreen platform's is empty
    quit_action.setShortcuts(QKeySequence.keyBindings(QKeySequence.StandardKey.Quit) or [QKeySequence("Ctrl+Q")])
    quit_action.triggered.connect(window.close)
    window.menu("File").addAction(quit_action)

    window.undo_action = window.undo_stack.createUndoAction(window, "&Undo")
    window.undo_action.setShortcut(QKeySequence("Ctrl+Z"))
    window.redo_action = window.undo_stack.createRedoAction(window, "&Redo")
    window.redo_action.setShortcut(QKeySequence("Ctrl+Shift+Z"))
    window.find_action = QAction("&Find…", window, shortcut=QKeySequence(QKeySequence.StandardKey.Find))
    window.find_action.triggered.connect(window.focus_search)
    edit = window.menu("Edit")
    edit.addActions([window.undo_action, window.redo_action])
    edit.addSeparator()
    edit.addAction(window.find_action)

    window.open_viewer_action = QAction("&Open in Viewer\tEnter", window)
    window.open_viewer_action.triggered.connect(lambda: window.open_viewer())
    window.read_source_action = QAction("Read First &Source", window)
    window.read_source_action.triggered.connect(read_first_source)
    window.menu("Item").addActions([window.open_viewer_action, window.read_source_action])

    window.grid_action = QAction("&Grid", window, checkable=True, shortcut=QKeySequence("Ctrl+1"))
    window.grid_action.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_FileDialogListView))
    window.grid_action.setToolTip("Show thumbnails (Ctrl+1)")
    window.table_action = QAction("&Table", window, checkable=True, shortcut=QKeySequence("Ctrl+2"))
    window.table_action.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_FileDialogDetailedView))
    window.table_action.setToolTip("Show a sortable table (Ctrl+2)")
    window.timeline_action = QAction("T&imeline", window, checkable=True, shortcut=QKeySequence("Ctrl+3"))
    window.timeline_action.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_MediaSeekForward))
    window.timeline_action.setToolTip("Show the landing in time: events and items on three clocks (Ctrl+3)")
    modes = (window.grid_action, window.table_action, window.timeline_action)
    group = QActionGroup(window)
    group.setExclusive(True)
    for action in modes:
        group.addAction(action)
    window.grid_action.triggered.connect(lambda: window.set_view_mode("grid"))
    window.table_action.triggered.connect(lambda: window.set_view_mode("table"))
    window.timeline_action.triggered.connect(lambda: window.set_view_mode("timeline"))
    view = window.menu("View")
    view.addActions(list(modes))
    view.addSeparator()
    window.filters_action = QAction("&Filters", window, checkable=True, checked=True)
    window.filters_action.toggled.connect(window.sidebar.setVisible)
    window.details_action = QAction("&Details", window, checkable=True, checked=True)
    window.details_action.toggled.connect(window.detail.setVisible)
    view.addActions([window.filters_action, window.details_action])
    view.addSeparator()

    frame.toolbar.insertActions(frame.search_box_action, list(modes))
    frame.toolbar.insertSeparator(frame.search_box_action)

    window.escape_shortcut = QShortcut(QKeySequence(Qt.Key.Key_Escape), window)
    window.escape_shortcut.activated.connect(window.clear_search)
