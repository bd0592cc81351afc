"""MainWindow: the one window. Filter side bar | grid or table | detail pane, with a search box and status.

Feature modules extend it only through its public API (docs/ARCHITECTURE.md, "GUI";
`gui/features/window_api.py::FeatureWindow`): `library` (read only), `run_op`, `run_query`,
`library_changed`, `tasks`, `undo_stack`, `menu(name)`, the selection queries, `selection_changed`,
`files_dropped`, `add_dock`, `add_notice`, `show_error`, `status_message`, `select_item` and `set_tag_filter`.
Every view refreshes from `library_changed(Changes)`; the item query, counts and facets run on readers.

Paint first (issue 12): this module imports only what the window's frame needs (menus, tool bar, search box,
status bar, the panes' places). The catalog's modules (models, views, the core's library and search) are
imported when the content is built: at once for `MainWindow(library)`, after the frame's first paint for
`MainWindow.opening(folder)`, which is how the app starts (gui/first_paint.py).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QMainWindow, QMenu, QSplitter, QToolBar, QVBoxLayout, QWidget

from mediacat.gui.first_paint import FirstPaintTrigger
from mediacat.gui.settings import Settings
from mediacat.paths import cache_dir, resolve_library_dir

if TYPE_CHECKING:  # imported when the content is built, or when first used: not on the path to the first paint
    import os

    from PySide6.QtCore import QModelIndex, Qt
    from PySide6.QtGui import QCloseEvent, QPixmap, QShowEvent
    from PySide6.QtWidgets import QDockWidget

    from mediacat.core.changes import Changes
    from mediacat.core.jobs import Progress
    from mediacat.core.library import Library
    from mediacat.core.search import ItemQuery
    from mediacat.gui.dialogs.error_dialog import ErrorDialog
    from mediacat.gui.operations import Operation, Query
    from mediacat.gui.tasks import TaskHandle, TaskRunner
    from mediacat.gui.views.article_reader import ArticleReader
    from mediacat.gui.views.grid_view import CatalogGridView, CatalogTableView
    from mediacat.gui.views.viewer_window import ViewerWindow

SEARCH_DEBOUNCE_MS = 200
FIRST_PAINT_WAIT_S = 2.0  # the longest a query asked for before the first paint waits for it
FEATURES_AT_LATEST_MS = 1000  # after the content's first paint, even if the first answer has not come
PRESENCE_POLL_MS = 5000  # how often the window looks for other windows on its library
FOCUS_FRAME = "#{name} {{ border: 1px solid palette(mid); }} #{name}:focus {{ border: 2px solid palette(highlight); }}"
MENU_NAMES = ("File", "Edit", "Item", "View", "Tools", "Help")
DEFAULT_SPLITTER_SIZES = [230, 740, 360]
CATALOG_MIN_WIDTH = 240  # in a small window the side panes and docks give way to the catalog
DEFAULT_BOTTOM_DOCK_HEIGHT = 130  # the note, tags and downloads docks, as tabs under the catalog


def create_thumbnail_provider(parent: Any, tasks: TaskRunner) -> Any:
    """The thumbnail provider (mediacat.gui.thumbs) on the window's thumbnail pool, or None without it."""
    try:
        from mediacat.gui.thumbs import ThumbnailProvider
    except ImportError:
        return None
    return ThumbnailProvider(cache_dir() / "thumbnails", parent, tasks=tasks)


def _may_move_items(changes: Changes, query: ItemQuery) -> bool:
    """Whether a change to some items can change which items `query` finds, their order or the counts shown:
    files (the media counts, the Files sort and filter) and item fields (facets: type, kind, phase, title,
    dates ... which filters and sorts read) can; tags only through a tag filter or the search (which reads
    tags and notes too); a note or an item's time only through the search."""
    if changes.attachments or changes.facets:
        return True
    return bool(query.search) or (changes.tags and bool(query.tags))


class MainWindow(QMainWindow):
    selection_changed = Signal()
    files_dropped = Signal(str, list)
    library_changed = Signal(object)  # Changes: what an operation (or another process) changed
    open_failed = Signal(str)  # `opening(folder)`: the library could not be opened (the sentence says why)
    ready = Signal()  # the content is built and the features are installed

    def __init__(self, library: Library | None = None, *, settings: Settings | None = None, thumbnails: bool = True,
                 folder: str | os.PathLike[str] | None = None) -> None:
        """On an open `library`: the whole window at once. The item ids, counts and facets arrive from readers
        (`run_query`) after the first paint, so the first paint does not grow with the library.
        Without one, use `MainWindow.opening(folder)`: the frame paints first, then the library opens."""
        super().__init__()
        self.library: Library = library  # type: ignore[assignment]  # None until the content is built
        self.settings = settings or Settings()
        self._thumbnails_wanted = thumbnails
        self._folder = Path(library.paths.root) if library is not None else resolve_library_dir(folder)
        self.content_built = False
        self.last_error_dialog: ErrorDialog | None = None
        self._menus: dict[str, QMenu] = {}
        self._close_guards: list[Callable[[], bool]] = []
        self._reader: ArticleReader | None = None
        self._viewer: ViewerWindow | None = None
        self._splitter_placed = False
        self._docks_placed = False
        self._saved_splitter_sizes: list[int] | None = None
        self.painted = False  # until the content's first paint, the readers wait (`first_paint_done`)
        self._painted_event = threading.Event()
        self.features: list[object] = []  # what each installer returned (tests look at them)
        self.features_installed = False
        self._feature_trigger: FirstPaintTrigger | None = None
        self._open_trigger: FirstPaintTrigger | None = None
        self._closing = False
        self.setAccessibleName("MediaCat")
        self._build_frame()
        if library is not None:
            self._build_content(library)
        else:
            self.count_label.setText("Opening the library…")
            self._open_trigger = FirstPaintTrigger(self, self._open_library)

    @classmethod
    def opening(cls, folder: str | os.PathLike[str] | None = None, *, settings: Settings | None = None,
                thumbnails: bool = True) -> MainWindow:
        """The app's start: the frame now (it imports no catalog module), the library at `folder` (None: the
        default one) opened and the content built right after the frame's first paint. If the library cannot
        be opened, `open_failed(message)` is emitted and the window stays empty."""
        return cls(None, settings=settings, thumbnails=thumbnails, folder=folder)

    def _open_library(self) -> None:
        from mediacat.core.errors import MediaCatError
        from mediacat.core.library import Library

        try:
            library = Library.open(self._folder)
        except MediaCatError as error:
            self.count_label.setText("The library could not be opened")
            self.open_failed.emit(str(error))
            return
        self._build_content(library)

    def first_paint_done(self) -> None:
        """After the content's first paint (gui/first_paint.py): let the readers' answers in, then install the
        features (once the first answer is shown)."""
        from PySide6.QtCore import Qt
        self.painted = True
        self._painted_event.set()
        if not self.model.loading or not self.isVisible():
            self.install_features()
            return
        # The rows first: the features' imports would hold the interpreter while the first answer is applied.
        # They are installed after the catalog's paint that shows that answer, or FEATURES_AT_LATEST_MS from now.
        def after_answer(*_args: object) -> None:
            if not self.features_installed:
                FirstPaintTrigger(self.current_view().viewport(), self.install_features)

        self.model.query_changed.connect(after_answer, type=Qt.ConnectionType.SingleShotConnection)
        self.model.query_failed.connect(after_answer, type=Qt.ConnectionType.SingleShotConnection)
        QTimer.singleShot(FEATURES_AT_LATEST_MS, self, self.install_features)

    def _after_first_paint(self, fn: Query) -> Query:
        """`fn` as a reader runs it once the window has painted: until then the readers' Python work (rows of
        100,000 ids) would share the interpreter with the GUI thread's first paint."""
        painted = self._painted_event

        def after_paint(job: Any, library: Library, *args: Any) -> Any:
            painted.wait(FIRST_PAINT_WAIT_S)  # bounded: a window that never paints does not hold its readers
            return fn(job, library, *args)

        return after_paint

    def install_features(self) -> None:
        """Import and install the feature modules (menus, docks, actions), once; the window calls this right
        after its content's first paint, and anyone needing a feature now may call it first."""
        if self.features_installed or not self.content_built or self._closing:
            return
        self.features_installed = True
        from mediacat.gui import features  # most of the app's import time: not on the path to the first paint
        from mediacat.gui.mnemonics import manage_mnemonics

        for install in features.INSTALLERS:
            feature = install(self)
            if feature is not None:
                self.features.append(feature)
        manage_mnemonics(self.menuBar())  # the features' entries never share an Alt letter
        if self.settings.window_state is not None:  # after the features added their docks
            self._docks_placed = self.restoreState(self.settings.window_state)
        if self.isVisible():
            if not self._docks_placed:
                self._docks_placed = True
                self._place_docks()
            self.small_window_fit.fit()  # the new docks give way in a small window too
        self.ready.emit()

    # -- construction -----------------------------------------------------------------------------

    def _build_frame(self) -> None:
        """What the first paint shows, made of plain widgets: the menus (filled by the content and the
        features), the tool bar with the search box, the status bar, and the three panes' places."""
        for name in MENU_NAMES:
            self._menus[name] = self.menuBar().addMenu(f"&{name}")
        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText("Search titles, descriptions, quotes, tags… (Ctrl+F)")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setAccessibleName("Search")
        self.search_box.setMinimumWidth(320)
        self.toolbar = QToolBar("Main toolbar")
        self.toolbar.setObjectName("main-toolbar")
        self.toolbar.setMovable(False)
        self.toolbar.setAccessibleName("Main toolbar")
        self._search_box_action = self.toolbar.addWidget(self.search_box)
        self.addToolBar(self.toolbar)
        self.count_label = QLabel()
        self.count_label.setAccessibleName("Item counts")
        self.statusBar().addPermanentWidget(self.count_label)
        self.statusBar().setAccessibleName("Status bar")
        self.splitter = QSplitter()  # horizontal: side bar | catalog | detail pane
        self.splitter.setObjectName("main-splitter")
        for _pane in range(3):  # the panes' places, until the content takes them
            self.splitter.addWidget(QWidget())
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes(DEFAULT_SPLITTER_SIZES)
        central = QWidget()
        self._notices = QVBoxLayout(central)  # notices span the window above the panes, then the panes
        self._notices.setContentsMargins(0, 0, 0, 0)
        self._notices.setSpacing(2)
        self._notices.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        self.setWindowTitle(f"{self.library_folder_text()} – MediaCat")
        settings = self.settings
        if settings.window_geometry is not None:
            self.restoreGeometry(settings.window_geometry)
        else:
            self.resize(1360, 840)
        sizes = settings.splitter_sizes
        self._saved_splitter_sizes = sizes if sizes and len(sizes) == self.splitter.count() else None

    def _build_content(self, library: Library) -> None:
        """The library's part of the window: the writer and readers, the catalog's models and views, the
        actions, and the first query (answered on a reader, applied after the next paint)."""
        from PySide6.QtGui import QUndoStack

        from mediacat.core.presence import Presence
        from mediacat.core.search import ItemQuery
        from mediacat.gui.models.catalog_model import CatalogModel
        from mediacat.gui.models.facet_model import FacetModel
        from mediacat.gui.operations import LibraryOperations
        from mediacat.gui.tasks import TaskRunner

        self.library = library
        self._folder = Path(library.paths.root)
        self.tasks = TaskRunner(self, error_handler=self.show_error, dialog_parent=self)
        self.operations = LibraryOperations(library, self.tasks, self)
        self.operations.library_changed.connect(self.library_changed)
        self.undo_stack = QUndoStack(self)
        self.thumbnails = create_thumbnail_provider(self, self.tasks) if self._thumbnails_wanted else None
        self.presence = Presence(library.paths.root)
        self.presence.claim()

        self._keep_current: str | None = None  # the item to make current again when the next answer arrives
        self._keep_selected: list[str] = []
        self._facets_after_answer: ItemQuery | None = None  # the facet counts to ask for when the items answer
        self._select_first = True  # the first answer selects the first item
        self.model = CatalogModel(library, self, run_query=self.run_query)
        self.model.thumbnail_provider = self.thumbnails
        if self.thumbnails is not None:
            self.thumbnails.thumbnail_ready.connect(self._thumbnail_ready)
        self.facets = FacetModel(library, self, run_query=self.run_query)
        self._build_views()
        self._build_actions()
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DEBOUNCE_MS)
        self._search_timer.timeout.connect(self.apply_filters)
        self.search_box.textChanged.connect(lambda _text: self._search_timer.start())
        self.search_box.returnPressed.connect(self.focus_results)
        self.search_box.installEventFilter(self)
        self.facets.filters_changed.connect(self.apply_filters)
        self.model.modelAboutToBeReset.connect(self._remember_selection)
        self.model.modelReset.connect(self._restore_selection)
        self.model.query_changed.connect(self._query_answered)
        self.model.query_failed.connect(lambda error: self.tasks.show_error("Search", error))
        self.model.query_failed.connect(self._facets_follow)
        self.facets.reload_failed.connect(lambda error: self.tasks.show_error("Filter counts", error))
        self.library_changed.connect(self._library_changed)
        self._restore_settings()
        self._presence_timer = QTimer(self)
        self._presence_timer.setInterval(PRESENCE_POLL_MS)
        self._presence_timer.timeout.connect(self.update_presence)
        self._presence_timer.start()
        self.content_built = True
        self.update_presence()
        self.count_label.clear()
        # Text typed into the search box while the library opened is the first query.
        self.model.set_query(self.build_query() if self.search_box.text().strip() else ItemQuery())
        self._feature_trigger = FirstPaintTrigger(self, self.first_paint_done)  # after the content's paint

    def _build_views(self) -> None:
        from PySide6.QtWidgets import QStackedWidget

        from mediacat.gui.views.catalog_notices import NoMatchPanel, NoticeBar
        from mediacat.gui.views.detail_pane import DetailPane
        from mediacat.gui.views.filter_sidebar import FilterSidebar
        from mediacat.gui.views.grid_view import CatalogGridView, CatalogTableView
        from mediacat.gui.window_fit import SmallWindowFit

        self.sidebar = FilterSidebar(self.facets)
        self.grid = CatalogGridView()
        self.grid.setModel(self.model)
        self.table = CatalogTableView()
        self.table.setModel(self.model)
        self.table.set_default_column_widths()
        self.table.setSelectionModel(self.grid.selectionModel())  # one selection, two views
        self.selection_model = self.grid.selectionModel()
        self.views = QStackedWidget()
        self.views.addWidget(self.grid)
        self.views.addWidget(self.table)
        self._timeline: Any = None  # View ▸ Timeline's panel, made when first asked for (`timeline`)
        self._timeline_controller: Any = None
        self.views.setAccessibleName("Items")
        self.no_match = NoMatchPanel()
        self.no_match.hide()
        self.no_match.clear_requested.connect(self.clear_filters)
        self.other_windows_notice = NoticeBar("Other windows")
        self.other_windows_notice.hide()
        self._presence_notice_dismissed = False
        self.other_windows_notice.dismissed.connect(lambda: setattr(self, "_presence_notice_dismissed", True))
        self.catalog_area = QWidget()
        self.catalog_area.setAccessibleName("Catalog")
        self.catalog_area.setMinimumWidth(CATALOG_MIN_WIDTH)
        catalog_layout = QVBoxLayout(self.catalog_area)
        catalog_layout.setContentsMargins(0, 0, 0, 0)
        catalog_layout.addWidget(self.views, 1)
        catalog_layout.addWidget(self.no_match, 1)
        self.detail = DetailPane()
        self.detail.phase_labels = {phase.id: phase.label for phase in self.library.mission_phases()}
        # The pane with the keyboard focus is outlined (Tab moves between them).
        for view, name in ((self.grid, "item-grid"), (self.table, "item-table"), (self.sidebar.tree, "filter-tree"),
                           (self.detail.sources_view, "sources-list")):
            view.setObjectName(name)
            view.setStyleSheet(FOCUS_FRAME.format(name=name))
        sizes = self.splitter.sizes()  # the frame's, if it was shown: the panes take the places' widths
        for index, widget in enumerate((self.sidebar, self.catalog_area, self.detail)):
            self.splitter.replaceWidget(index, widget).deleteLater()
        if self._splitter_placed:
            self.splitter.setSizes(sizes)
        self._notices.insertWidget(0, self.other_windows_notice)
        self.small_window_fit = SmallWindowFit(self)

        for view in (self.grid, self.table):
            view.activated.connect(self._item_activated)
            view.files_dropped.connect(self.files_dropped)
        self.detail.files_dropped.connect(self.files_dropped)
        self.detail.source_activated.connect(self.open_reader)
        self.selection_model.currentChanged.connect(self._current_changed)
        self.selection_model.selectionChanged.connect(lambda *_: self.selection_changed.emit())

    def _build_actions(self) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QAction, QActionGroup, QKeySequence, QShortcut
        from PySide6.QtWidgets import QStyle

        style = self.style()
        quit_action = QAction("&Quit", self, shortcut=QKeySequence.StandardKey.Quit, triggered=self.close)
        self.menu("File").addAction(quit_action)

        self.undo_action = self.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence("Ctrl+Z"))
        self.redo_action = self.undo_stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcut(QKeySequence("Ctrl+Shift+Z"))
        self.find_action = QAction("&Find…", self, shortcut=QKeySequence.StandardKey.Find, triggered=self.focus_search)
        edit = self.menu("Edit")
        edit.addActions([self.undo_action, self.redo_action])
        edit.addSeparator()
        edit.addAction(self.find_action)

        self.open_viewer_action = QAction("&Open in Viewer\tEnter", self, triggered=lambda: self.open_viewer())
        self.read_source_action = QAction("Read First &Source", self, triggered=self._read_first_source)
        self.menu("Item").addActions([self.open_viewer_action, self.read_source_action])

        self.grid_action = QAction("&Grid", self, checkable=True, shortcut=QKeySequence("Ctrl+1"))
        self.grid_action.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_FileDialogListView))
        self.grid_action.setToolTip("Show thumbnails (Ctrl+1)")
        self.table_action = QAction("&Table", self, checkable=True, shortcut=QKeySequence("Ctrl+2"))
        self.table_action.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_FileDialogDetailedView))
        self.table_action.setToolTip("Show a sortable table (Ctrl+2)")
        self.timeline_action = QAction("T&imeline", self, checkable=True, shortcut=QKeySequence("Ctrl+3"))
        self.timeline_action.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_MediaSeekForward))
        self.timeline_action.setToolTip("Show the landing in time: events and items on three clocks (Ctrl+3)")
        group = QActionGroup(self)
        group.setExclusive(True)
        for action in (self.grid_action, self.table_action, self.timeline_action):
            group.addAction(action)
        self.grid_action.triggered.connect(lambda: self.set_view_mode("grid"))
        self.table_action.triggered.connect(lambda: self.set_view_mode("table"))
        self.timeline_action.triggered.connect(lambda: self.set_view_mode("timeline"))
        view = self.menu("View")
        view.addActions([self.grid_action, self.table_action, self.timeline_action])
        view.addSeparator()
        self.filters_action = QAction("&Filters", self, checkable=True, checked=True, toggled=self.sidebar.setVisible)
        self.details_action = QAction("&Details", self, checkable=True, checked=True, toggled=self.detail.setVisible)
        view.addActions([self.filters_action, self.details_action])
        view.addSeparator()

        self.toolbar.insertActions(self._search_box_action, [self.grid_action, self.table_action, self.timeline_action])
        self.toolbar.insertSeparator(self._search_box_action)

        self.escape_shortcut = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        self.escape_shortcut.activated.connect(self.clear_search)

    # -- public API (docs/ARCHITECTURE.md) --------------------------------------------------------

    def run_op(
        self,
        op: Operation,
        *args: Any,
        label: str = "",
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[Progress], None] | None = None,
        cancellable: bool = False,
        with_progress_dialog: bool = False,
        on_cancelled: Callable[[], None] | None = None,
    ) -> TaskHandle:
        """Run the core operation `op(job, library, *args)` on the one writer (in order, one at a time);
        on success `library_changed(changes)` is emitted, then `on_done(result)` is called."""
        return self.operations.run_op(op, *args, label=label, on_done=on_done, on_error=on_error,
                                      on_progress=on_progress, cancellable=cancellable,
                                      with_progress_dialog=with_progress_dialog, on_cancelled=on_cancelled)

    def run_query(
        self,
        fn: Query,
        *args: Any,
        on_done: Callable[[Any], None] | None = None,
        key: object = None,
        on_error: Callable[[BaseException], None] | None = None,
        label: str = "",
        on_progress: Callable[[Progress], None] | None = None,
        on_cancelled: Callable[[], None] | None = None,
        cancellable: bool = False,
        with_progress_dialog: bool = False,
    ) -> TaskHandle:
        """Run read-only `fn(job, library, *args)` on a reader; with `key`, a stale answer is dropped. A query
        asked for before the window's first paint starts right after it."""
        if not self.painted:
            fn = self._after_first_paint(fn)
        return self.operations.run_query(fn, *args, on_done=on_done, key=key, on_error=on_error, label=label,
                                         on_progress=on_progress, on_cancelled=on_cancelled,
                                         cancellable=cancellable, with_progress_dialog=with_progress_dialog)

    def dialog_parent(self) -> QWidget:
        return self

    @property
    def settled(self) -> bool:
        """No operation or query is on its way and the search box's pause is over (screenshots and tests
        wait for this; the app itself never waits)."""
        if not self.content_built:
            return False
        loading = any(getattr(feature, "loading", False) for feature in self.features)
        return (self.features_installed and self.operations.idle and not self.model.loading
                and not self.facets.loading and not self._search_timer.isActive() and not loading)

    def add_close_guard(self, guard: Callable[[], bool]) -> None:
        """`guard()` is asked before the window closes; False keeps it open (e.g. downloads still running)."""
        self._close_guards.append(guard)

    def report_error(self, title: str, error: BaseException) -> None:
        """Show an exception: a MediaCatError's own sentence, anything else as a bug with its traceback."""
        from mediacat.core.errors import MediaCatError
        from mediacat.gui.dialogs.error_dialog import describe_exception

        message, details = describe_exception(error)
        self.show_error(title, message, details if not isinstance(error, MediaCatError) else "")

    def menu(self, name: str) -> QMenu:
        """One of the menus "File", "Edit", "Item", "View", "Tools", "Help"."""
        try:
            return self._menus[name]
        except KeyError:
            raise KeyError(f"no menu {name!r}; the menus are {', '.join(MENU_NAMES)}") from None

    def selected_item_ids(self) -> list[str]:
        """The selected items in view order (read from the selection's ranges: cheap for 20,000 rows)."""
        runs = sorted((r.top(), r.bottom()) for r in self.selection_model.selection())
        merged: list[list[int]] = []
        for top, bottom in runs:  # the ranges of one selection may overlap (one per column, ctrl-clicks)
            if merged and top <= merged[-1][1] + 1:
                merged[-1][1] = max(merged[-1][1], bottom)
            else:
                merged.append([top, bottom])
        return [item_id for top, bottom in merged for item_id in self.model.item_ids_between(top, bottom)]

    def current_item_id(self) -> str | None:
        index = self.selection_model.currentIndex()
        return self.model.item_id_at(index.row()) if index.isValid() else None

    def visible_item_ids(self) -> list[str]:
        return self.model.item_ids()

    def current_query(self) -> ItemQuery:
        """The query whose items are shown."""
        return self.model.query

    def add_notice(self, widget: QWidget) -> None:
        """Show `widget` (a NoticeBar, say) above the catalog, under the notices already there."""
        self._notices.insertWidget(self._notices.indexOf(self.splitter), widget)

    def notices(self) -> list[QWidget]:
        """The notice bars above the panes (shown or not), top to bottom."""
        found = (self._notices.itemAt(i).widget() for i in range(self._notices.count()))
        return [widget for widget in found if widget is not None and widget is not self.splitter]

    def _library_changed(self, changes: Changes) -> None:
        """Refresh only what `changes` names: rows, the item query and counts, facets, the detail pane.

        Bounded work on the GUI thread whatever the size of the change: the rows on screen are repainted
        (`refresh_rows` looks only at the rows it holds), and the query runs again, on a reader, only if the
        change can move items in or out of the results, reorder them or change the counts."""
        everything = changes.is_everything
        if everything or changes.attachments or changes.facets:
            self.model.forget_media_ids()
        if everything or changes.item_set or changes.facets:
            self.model.forget_catalog_order()
        if everything:
            self.model.reload_phase_labels()
        if everything or changes.item_set or changes.settings:
            self.model.refresh_rows(None)
            self.model.reload()
        elif changes.items or changes.attachments:
            self.model.refresh_rows(changes.items)
            if _may_move_items(changes, self.model.requested_query):
                self.model.reload()
        if everything or changes.tags or changes.facets:
            self.facets.reload()
        current = self.current_item_id()
        if current is not None and (changes.touches_item(current) or changes.settings or changes.attachments):
            self._show_details(current)

    def add_dock(self, widget: QWidget, title: str, area: Qt.DockWidgetArea | None = None) -> QDockWidget:
        """`widget` in a dock (by default on the right), with its entry in the View menu."""
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QDockWidget

        area = Qt.DockWidgetArea.RightDockWidgetArea if area is None else area
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock-{title}")
        dock.setWidget(widget)
        dock.setAccessibleName(title)
        if self._docks_placed:  # added after the layout was made: joins its area's tabs (else _place_docks does)
            neighbours = [other for other in self.findChildren(QDockWidget) if self.dockWidgetArea(other) == area]
            self.addDockWidget(area, dock)
            if neighbours:
                self.tabifyDockWidget(neighbours[-1], dock)
        else:
            self.addDockWidget(area, dock)
        self.menu("View").addAction(dock.toggleViewAction())
        return dock

    def show_error(self, title: str, message: str, details: str = "") -> None:
        from PySide6.QtCore import Qt

        from mediacat.gui.dialogs.error_dialog import ErrorDialog

        dialog = ErrorDialog(title, message, details, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.last_error_dialog = dialog
        dialog.destroyed.connect(lambda *_: setattr(self, "last_error_dialog", None))
        dialog.open()

    def status_message(self, text: str, msecs: int = 4000) -> None:
        self.statusBar().showMessage(text, msecs)

    def select_item(self, item_id: str) -> bool:
        """Make `item_id` the current item, clearing filters if they hide it (it becomes current when the
        unfiltered answer arrives); False if there is no such item."""
        from mediacat.core.search import ItemQuery

        if self.model.loading or self.model.row_of(item_id) is None:
            if not self.library.item_ids(ItemQuery(item_ids=(item_id,))):
                self.status_message(f"No item with id {item_id!r} in the catalog")
                return False
            self._keep_current, self._keep_selected = item_id, [item_id]
            self._select_first = False
            if self.model.row_of(item_id) is None:
                self.clear_filters()
            if self.model.loading:
                return True
            self._keep_current = None
        return self._set_current(item_id)

    def set_tag_filter(self, tags: list[str]) -> None:
        """Show only the items that carry every tag in `tags` (checked in the side bar); [] clears it."""
        wanted = set(tags)
        for value in self.facets.checked_values().get("tag", ()):
            if value not in wanted:
                self.facets.set_checked("tag", value, False)
        for tag in tags:
            self.facets.set_checked("tag", tag, True)
        self.apply_filters()

    # -- views, filters and search ----------------------------------------------------------------

    @property
    def timeline(self) -> Any:
        """View ▸ Timeline (issue 14): the same rows, filters and selection. Made the first time it is asked
        for, with its controller (`timeline_controller`): its modules are not on the path to the first paint."""
        if self._timeline is None:
            from mediacat.gui.timeline_controller import TimelineController
            from mediacat.gui.views.timeline_view import TimelinePanel

            self._timeline = TimelinePanel()
            self.views.addWidget(self._timeline)
            self._timeline_controller = TimelineController(self, self._timeline)
        return self._timeline

    @property
    def timeline_controller(self) -> Any:
        self.timeline  # noqa: B018 (made with the panel)
        return self._timeline_controller

    def view_mode(self) -> str:
        current = self.views.currentWidget()
        if current is self.table:
            return "table"
        return "timeline" if current is not None and current is self._timeline else "grid"

    def set_view_mode(self, mode: str) -> None:
        if mode == "timeline":
            self.views.setCurrentWidget(self.timeline)
            self.timeline_action.setChecked(True)
            self.timeline_controller.shown()
            if self.isVisible():
                self.timeline.setFocus()
            return
        view = self.table if mode == "table" else self.grid
        self.views.setCurrentWidget(view)
        (self.table_action if mode == "table" else self.grid_action).setChecked(True)
        index = self.selection_model.currentIndex()
        if index.isValid():
            view.scrollTo(index)
        if self.isVisible():
            view.setFocus()

    def current_view(self) -> CatalogGridView | CatalogTableView:
        """The item view showing (or, under the timeline, behind) the catalog: grid or table."""
        return self.table if self.view_mode() == "table" else self.grid

    def focus_search(self) -> None:
        from PySide6.QtCore import Qt

        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    def focus_results(self) -> None:
        """From the search box to the results (Down or Enter): the current item, else the first one."""
        from PySide6.QtCore import Qt

        self.apply_filters()
        view = self.current_view()
        if self.model.loading:  # the answer makes the first item current if the current one is not in it
            self._select_first = True
            view.setFocus(Qt.FocusReason.ShortcutFocusReason)
            return
        if not self.model.rowCount():
            return
        if not self.selection_model.currentIndex().isValid():
            self._set_current(self.model.item_id_at(0) or "")
        view.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def clear_filters(self) -> None:
        """Empty the search box and uncheck every filter: every item again."""
        self.search_box.blockSignals(True)
        self.search_box.clear()
        self.search_box.blockSignals(False)
        self.facets.blockSignals(True)
        self.facets.clear_checks()
        self.facets.blockSignals(False)
        self.apply_filters()

    def clear_search(self) -> None:
        if self.search_box.text():
            self.search_box.clear()
            self.apply_filters()

    def build_query(self) -> ItemQuery:
        """The query the search box and side bar describe, in the current sort order."""
        from mediacat.core.search import ItemQuery

        text = self.search_box.text().strip()
        sort = self.model.query.sort
        return ItemQuery(search=text or None, **self.facets.query_fields(), sort=sort,
                         descending=self.model.query.descending)

    def apply_filters(self) -> None:
        """Re-run the query now, on a reader (the search box calls this after a short pause in typing).
        The current item stays current if the answer still holds it."""
        from mediacat.core.search import ItemQuery

        self._search_timer.stop()
        query = self.build_query()
        if query == self.model.requested_query:
            return
        self.model.set_query(query)
        if replace(query, sort="catalog", descending=False) != replace(
                self.facets.query or ItemQuery(), sort="catalog", descending=False):
            # The counts follow the other active filters (not a mere re-sort): asked for once the items have
            # answered, so the two readers do not share the interpreter while the grid waits for its rows.
            self._facets_after_answer = query

    def _remember_selection(self) -> None:
        """Before the rows are replaced: which items were current and selected."""
        if self._keep_current is None:
            self._keep_current = self.current_item_id()
            self._keep_selected = self.selected_item_ids()

    def _restore_selection(self) -> None:
        """After the rows were replaced: select again those of the remembered items that are still shown."""
        from PySide6.QtCore import QItemSelection, QItemSelectionModel

        from mediacat.gui.models.catalog_model import Column, row_runs

        current, selected = self._keep_current, self._keep_selected
        self._keep_current, self._keep_selected = None, []
        if current is not None and self.model.row_of(current) is None:
            current = None
        if self._select_first and current is None and self.model.rowCount():
            current, selected = self.model.item_id_at(0), []
        self._select_first = False
        if current is None or self.model.row_of(current) is None:
            self._show_details(None)
            self.selection_changed.emit()
            return
        self._set_current(current)
        rows = sorted(row for row in (self.model.row_of(i) for i in selected if i != current) if row is not None)
        if rows:
            selection = QItemSelection()
            for first, last in row_runs(rows):
                selection.select(self.model.index(first, 0), self.model.index(last, len(Column) - 1))
            self.selection_model.select(selection, QItemSelectionModel.SelectionFlag.Select)
        self.selection_changed.emit()

    def _facets_follow(self, *_args: object) -> None:
        """The items answered (or failed): now the facet counts narrowed by the same query."""
        if self._facets_after_answer is not None:
            query, self._facets_after_answer = self._facets_after_answer, None
            self.facets.reload(query)

    def _query_answered(self) -> None:
        self._facets_follow()
        if self._keep_current is not None:  # select_item() waited for this answer (the rows were the same)
            self._restore_selection()
        self._update_counts()

    def _set_current(self, item_id: str) -> bool:
        from PySide6.QtCore import QItemSelectionModel

        row = self.model.row_of(item_id)
        if row is None:
            return False
        index = self.model.index(row, 0)
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self.selection_model.setCurrentIndex(index, flags)
        self.current_view().scrollTo(index)
        return True

    def _update_counts(self) -> None:
        """Counted once per answer, from its id list (no query of its own)."""
        from mediacat.core.search import ItemQuery

        query = self.model.query
        shown = self.model.rowCount()
        text = f"{shown} item{'' if shown == 1 else 's'}, {self.model.with_media} with media"
        if self.model.with_builtin:  # the shipped NASA pictures are not the user's media: counted apart
            text += f", {self.model.with_builtin} with a built-in NASA file"
        filtered = replace(query, sort="catalog", descending=False) != ItemQuery()
        if filtered:
            text += f" (of {self.model.total})"
        self.count_label.setText(text)
        empty = filtered and shown == 0
        if empty:
            checked = sum(len(values) for values in self.facets.checked_values().values())
            self.no_match.describe(query.search, checked)
        if empty != self.no_match.isVisible() or empty == self.views.isVisible():
            had_focus = self.views.isAncestorOf(self.focusWidget()) if self.focusWidget() else False
            self.views.setVisible(not empty)
            self.no_match.setVisible(empty)
            if empty and had_focus:
                self.no_match.clear_button.setFocus()

    # -- the library folder and the other windows on it --------------------------------------------

    def library_folder_text(self) -> str:
        """The library folder as the title shows it (~ for the home folder)."""
        root = self._folder.absolute()
        home = Path.home()
        if root == home or home in root.parents:
            return str(Path("~") / root.relative_to(home))
        return str(root)

    def update_presence(self) -> None:
        """Title the window with the library's folder, and say whether another window has it open."""
        others = self.presence.others()
        folder = self.library_folder_text()
        also = "" if not others else " (also open in another window)"
        self.setWindowTitle(f"{folder}{also} – MediaCat")
        if others:
            windows = "Another MediaCat window has" if others == 1 else f"{others} other MediaCat windows have"
            self.other_windows_notice.label.setText(
                f"{windows} this library ({folder}) open. Both can make changes to it."
            )
        self.other_windows_notice.setVisible(bool(others) and not self._presence_notice_dismissed)

    # -- the current item, its details, viewer and reader -----------------------------------------

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_details(self.model.item_id_at(current.row()) if current.isValid() else None)
        self.selection_changed.emit()

    def _show_details(self, item_id: str | None) -> None:
        found = self.library.items([item_id]) if item_id else []
        item = found[0] if found else None
        self.detail.show_item(item, self._preview_pixmap(item) if item else None)

    def _preview_pixmap(self, item: Any) -> QPixmap | None:
        from mediacat.core.builtin_media import shown_media
        from mediacat.gui.views.detail_pane import PREVIEW_SIZE

        if self.thumbnails is None:
            return None
        if not item.attachments:
            builtin = shown_media(item)
            if builtin is None:
                return None
            return self.thumbnails.thumbnail(item.id, builtin.path, builtin.sha256, builtin.media_type, PREVIEW_SIZE)
        first = item.attachments[0]
        return self.thumbnails.thumbnail(item.id, first.resolved_path, first.sha256,
                                         first.media_type or item.media_type, PREVIEW_SIZE)

    def _thumbnail_ready(self, item_id: str) -> None:
        self.model.thumbnail_ready(item_id)
        if self.detail.item is not None and self.detail.item.id == item_id:
            self.detail.set_preview(self._preview_pixmap(self.detail.item))

    def visible_thumbnails_pending(self) -> int:
        """How many items on screen still wait for their thumbnail (for screenshots)."""
        from PySide6.QtCore import QPoint

        from mediacat.gui.models.catalog_model import Roles

        if self.thumbnails is None:
            return 0
        if self.view_mode() == "timeline":  # not loaded yet counts as waiting
            canvas = self.timeline.canvas
            return 1 if canvas.timeline is None else canvas.pending_thumbnails()
        view = self.current_view()
        viewport = view.viewport().rect()
        first = view.indexAt(viewport.topLeft() + QPoint(2, 2))
        pending = 0
        for row in range(first.row() if first.isValid() else 0, self.model.rowCount()):
            index = self.model.index(row, 0)
            rect = view.visualRect(index)
            if rect.top() > viewport.bottom():
                break
            if not rect.intersects(viewport):
                continue
            item_row = index.data(Roles.RowRole)
            if item_row is not None and item_row.first_attachment_path and index.data(Roles.ThumbnailRole) is None:
                pending += 1
        return pending

    def _item_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_viewer(self.model.item_id_at(index.row()))

    def open_viewer(self, item_id: str | None = None) -> ViewerWindow | None:
        item_id = item_id or self.current_item_id()
        if item_id is None:
            return None
        if self._viewer is None:
            from mediacat.gui.views.viewer_window import ViewerWindow

            self._viewer = ViewerWindow(self)
            self._viewer.files_dropped.connect(self.files_dropped)
            geometry = self.settings.viewer_geometry
            if geometry is not None:
                self._viewer.restoreGeometry(geometry)
        self._viewer.show_item(self.library.item(item_id))
        self._viewer.show()
        self._viewer.raise_()
        self._viewer.activateWindow()
        return self._viewer

    def open_reader(self, article_id: str, quote: str | None = None, item_id: str | None = None) -> ArticleReader:
        if self._reader is None:
            from mediacat.gui.views.article_reader import ArticleReader

            self._reader = ArticleReader(self.library, self)
            self._reader.item_requested.connect(self._reader_item_requested)
            geometry = self.settings.reader_geometry
            if geometry is not None:
                self._reader.restoreGeometry(geometry)
        self._reader.show_article(article_id, quote, item_id)
        self._reader.show()
        self._reader.raise_()
        return self._reader

    def _read_first_source(self) -> None:
        item_id = self.current_item_id()
        if item_id is None:
            return
        item = self.library.item(item_id)
        if not item.sources:
            self.status_message(f"No article mentions {item.title!r}")
            return
        self.open_reader(item.sources[0].article_id, item.sources[0].quote, item.id)

    def _reader_item_requested(self, item_id: str) -> None:
        if self.select_item(item_id):
            self.activateWindow()
            self.raise_()

    # -- remembered state -------------------------------------------------------------------------

    def _restore_settings(self) -> None:
        """The content's remembered state (the frame restored the window's geometry and the panes' widths)."""
        from PySide6.QtCore import Qt

        settings = self.settings
        if settings.table_header is not None:
            self.table.horizontalHeader().restoreState(settings.table_header)
            self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.set_view_mode(settings.view_mode)

    def save_settings(self) -> None:
        settings = self.settings
        settings.window_geometry = self.saveGeometry()
        if not self.content_built:  # closed while the library opened: only the window's place is known
            settings.sync()
            return
        with self.small_window_fit.as_the_user_left_it():  # panes a small window hid are not saved as hidden
            if self.features_installed:  # closed before: the state would have none of the features' docks
                settings.window_state = self.saveState()
            settings.splitter_sizes = self.small_window_fit.user_splitter_sizes()
        settings.view_mode = self.view_mode()
        settings.table_header = self.table.horizontalHeader().saveState()
        if self._viewer is not None:
            settings.viewer_geometry = self._viewer.saveGeometry()
        if self._reader is not None:
            settings.reader_geometry = self._reader.saveGeometry()
        settings.sync()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._splitter_placed:
            # The panes get their widths once the window (with any feature docks) has its real size.
            self._splitter_placed = True
            self.splitter.setSizes(self._saved_splitter_sizes or self._default_splitter_sizes())
        if not self._docks_placed and self.features_installed:  # else install_features places the docks
            self._docks_placed = True
            self._place_docks()

    def _place_docks(self) -> None:
        """The default dock layout: docks that share an area share it as tabs (the catalog keeps its width)."""
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QDockWidget

        by_area: dict[Qt.DockWidgetArea, list[QDockWidget]] = {}
        for dock in self.findChildren(QDockWidget):
            by_area.setdefault(self.dockWidgetArea(dock), []).append(dock)
        for docks in by_area.values():
            for dock in docks[1:]:
                self.tabifyDockWidget(docks[0], dock)
            docks[0].raise_()
        bottom = by_area.get(Qt.DockWidgetArea.BottomDockWidgetArea)
        if bottom:
            self.resizeDocks(bottom[:1], [DEFAULT_BOTTOM_DOCK_HEIGHT], Qt.Orientation.Vertical)

    def _default_splitter_sizes(self) -> list[int]:
        total = max(sum(self.splitter.sizes()), self.splitter.width())
        sidebar = min(DEFAULT_SPLITTER_SIZES[0], total // 4)
        detail = min(DEFAULT_SPLITTER_SIZES[2], total * 3 // 10)
        return [sidebar, max(0, total - sidebar - detail), detail]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search_box and event.type() == QEvent.Type.KeyPress:
            from PySide6.QtCore import Qt

            if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_PageDown) and not event.modifiers():
                self.focus_results()
                return True
        return super().eventFilter(watched, event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not all(guard() for guard in list(self._close_guards)):
            event.ignore()
            return
        self._closing = True  # a feature install still due (after the first answer) installs nothing
        for trigger in (self._open_trigger, self._feature_trigger):
            if trigger is not None:  # a window closed before its paint opens nothing, installs no features
                trigger.cancel()
        self._painted_event.set()  # queries still waiting for a paint run now, so the readers can finish
        if not self.content_built:
            self.save_settings()
            super().closeEvent(event)
            return
        self._presence_timer.stop()
        self.presence.release()
        self.save_settings()
        for window in (self._viewer, self._reader):
            if window is not None:
                window.close()
        if self.thumbnails is not None:
            self.thumbnails.shutdown()
        self.tasks.cancel_all()
        self.operations.close(30_000)  # queued edits are written before the connections close
        super().closeEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange and self.content_built:
            from mediacat.gui.views import placeholders

            placeholders.clear_cache()  # the placeholders follow the light or dark palette
            self.grid.viewport().update()
            if self.detail.item is not None:
                self.detail.set_preview(self._preview_pixmap(self.detail.item))
        super().changeEvent(event)
