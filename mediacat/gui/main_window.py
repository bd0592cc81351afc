"""MainWindow: the one window. Filter side bar | grid or table | detail pane, with a search box and status.

Feature modules extend it only through its public API (docs/ARCHITECTURE.md, "GUI";
`gui/features/window_api.py::FeatureWindow`): `library` (read only), `run_op`, `run_query`,
`library_changed`, `tasks`, `undo_stack`, `menu(name)`, the selection queries, `selection_changed`,
`files_dropped`, `add_dock`, `add_notice`, `show_error`, `status_message`, `select_item` and `set_tag_filter`.
Every view refreshes from `library_changed(Changes)`; the item query, counts and facets run on readers.

Here are the window's start-up and its public API; the parts it owns do the work, one module each: made with
the window, the frame (`window_frame.py`) and the remembered state and docks (`window_state.py`); made with the
content, its widgets and actions (`window_content.py`), the views (`catalog_views.py`), the query, filters and
counts (`catalog_filters.py`), the selection (`catalog_selection.py`), the current item's details, viewer and
reader (`current_item.py`) and the other windows' notice (`presence_notice.py`).

Paint first (issue 12): this module imports only what the window's frame needs (menus, tool bar, search box,
status bar, the panes' places). The catalog's modules (models, views, the core's library and search, the parts
made with the content) are imported when the content is built: at once for `MainWindow(library)`, after the
frame's first paint for `MainWindow.opening(folder)`, which is how the app starts (gui/first_paint.py).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QTimer, Signal
from PySide6.QtWidgets import QMainWindow, QMenu, QWidget

from mediacat.gui.first_paint import FirstPaintTrigger
from mediacat.gui.settings import Settings
from mediacat.gui.window_frame import WindowFrame
from mediacat.gui.window_state import WindowState
from mediacat.paths import resolve_library_dir

if TYPE_CHECKING:  # imported when the content is built, or when first used: not on the path to the first paint
    import os

    from PySide6.QtCore import QItemSelectionModel, Qt
    from PySide6.QtGui import QAction, QCloseEvent, QShortcut, QShowEvent, QUndoStack
    from PySide6.QtWidgets import QDockWidget, QLabel, QLineEdit, QSplitter, QStackedWidget, QToolBar

    from mediacat.core.jobs import Progress
    from mediacat.core.library import Library
    from mediacat.core.presence import Presence
    from mediacat.core.search import ItemQuery
    from mediacat.gui.catalog_filters import CatalogFilters
    from mediacat.gui.catalog_selection import CatalogSelection
    from mediacat.gui.catalog_views import CatalogViews
    from mediacat.gui.current_item import CurrentItem
    from mediacat.gui.dialogs.error_dialog import ErrorDialog
    from mediacat.gui.models.catalog_model import CatalogModel
    from mediacat.gui.models.facet_model import FacetModel
    from mediacat.gui.operations import LibraryOperations, Operation, Query
    from mediacat.gui.presence_notice import PresenceNotice
    from mediacat.gui.tasks import TaskHandle, TaskRunner
    from mediacat.gui.views.article_reader import ArticleReader
    from mediacat.gui.views.catalog_notices import NoMatchPanel, NoticeBar
    from mediacat.gui.views.detail_pane import DetailPane
    from mediacat.gui.views.filter_sidebar import FilterSidebar
    from mediacat.gui.views.grid_view import CatalogGridView, CatalogTableView
    from mediacat.gui.views.viewer_window import ViewerWindow
    from mediacat.gui.window_fit import SmallWindowFit

FIRST_PAINT_WAIT_S = 2.0  # the longest a query asked for before the first paint waits for it
FEATURES_AT_LATEST_MS = 1000  # after the content's first paint, even if the first answer has not come


class MainWindow(QMainWindow):
    selection_changed = Signal()
    files_dropped = Signal(str, list)
    library_changed = Signal(object)  # Changes: what an operation (or another process) changed
    open_failed = Signal(str)  # `opening(folder)`: the library could not be opened (the sentence says why)
    ready = Signal()  # the content is built and the features are installed

    # The frame's widgets (gui/window_frame.py), made with the window.
    search_box: QLineEdit
    toolbar: QToolBar
    count_label: QLabel
    splitter: QSplitter
    # The content's (gui/window_content.py and _build_content), made when the library is open.
    tasks: TaskRunner
    operations: LibraryOperations
    undo_stack: QUndoStack
    thumbnails: Any  # mediacat.gui.thumbs.ThumbnailProvider, or None
    presence: Presence
    other_windows_notice: NoticeBar
    model: CatalogModel
    facets: FacetModel
    sidebar: FilterSidebar
    grid: CatalogGridView
    table: CatalogTableView
    selection_model: QItemSelectionModel  # the grid's and the table's
    views: QStackedWidget  # grid | table | timeline
    no_match: NoMatchPanel
    catalog_area: QWidget  # the views or the "no match" panel
    detail: DetailPane
    small_window_fit: SmallWindowFit
    undo_action: QAction
    redo_action: QAction
    find_action: QAction
    open_viewer_action: QAction
    read_source_action: QAction
    grid_action: QAction
    table_action: QAction
    timeline_action: QAction
    filters_action: QAction
    details_action: QAction
    escape_shortcut: QShortcut

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
        self._close_guards: list[Callable[[], bool]] = []
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
        self._state.restore_docks()  # after the features added their docks
        if self.isVisible():
            self.small_window_fit.fit()  # the new docks give way in a small window too
        self.ready.emit()

    # -- construction -----------------------------------------------------------------------------

    def _build_frame(self) -> None:
        """What the first paint shows, made of plain widgets (gui/window_frame.py), the title, and the window's
        remembered place."""
        frame = self._frame = WindowFrame(self, self.settings.splitter_sizes)
        self.search_box, self.toolbar, self.count_label = frame.search_box, frame.toolbar, frame.count_label
        self.splitter = frame.splitter
        self.setWindowTitle(f"{self.library_folder_text()} – MediaCat")
        self._state = WindowState(self, self.settings)

    def _build_content(self, library: Library) -> None:
        """The library's part of the window: the writer and readers, the catalog's models, views and the parts
        that run them, the actions, and the first query (answered on a reader, applied after the next paint)."""
        from PySide6.QtGui import QUndoStack

        from mediacat.core.search import ItemQuery
        from mediacat.gui.catalog_filters import CatalogFilters
        from mediacat.gui.catalog_selection import CatalogSelection
        from mediacat.gui.catalog_views import CatalogViews
        from mediacat.gui.current_item import CurrentItem
        from mediacat.gui.models.catalog_model import CatalogModel
        from mediacat.gui.models.facet_model import FacetModel
        from mediacat.gui.operations import LibraryOperations
        from mediacat.gui.presence_notice import PresenceNotice
        from mediacat.gui.tasks import TaskRunner
        from mediacat.gui.window_content import build_actions, build_views, create_thumbnail_provider

        self.library = library
        self._folder = Path(library.paths.root)
        self.tasks = TaskRunner(self, error_handler=self.show_error, dialog_parent=self)
        self.operations = LibraryOperations(library, self.tasks, self)
        self.operations.library_changed.connect(self.library_changed)
        self.undo_stack = QUndoStack(self)
        self.thumbnails = create_thumbnail_provider(self, self.tasks) if self._thumbnails_wanted else None
        self._presence: PresenceNotice = PresenceNotice(self)
        self.presence, self.other_windows_notice = self._presence.presence, self._presence.notice

        self.model = CatalogModel(library, self, run_query=self.run_query)
        self.model.thumbnail_provider = self.thumbnails
        self.facets = FacetModel(library, self, run_query=self.run_query)
        self._views: CatalogViews = CatalogViews(self)
        build_views(self, self._frame)
        self._current: CurrentItem = CurrentItem(self)
        self._selection: CatalogSelection = CatalogSelection(self, self._current)
        self._filters: CatalogFilters = CatalogFilters(self, self._selection)
        build_actions(self, self._frame, self._current.read_first_source)
        self.library_changed.connect(self._filters.library_changed)  # the rows, the query, counts and facets,
        self.library_changed.connect(self._current.library_changed)  # then the current item's details
        self._state.restore_content()
        self._presence.start()
        self.content_built = True
        self.update_presence()
        self.count_label.clear()
        # Text typed into the search box while the library opened is the first query.
        self.model.set_query(self.build_query() if self.search_box.text().strip() else ItemQuery())
        self._feature_trigger = FirstPaintTrigger(self, self.first_paint_done)  # after the content's paint

    # -- public API (docs/ARCHITECTURE.md) --------------------------------------------------------

    def run_op(self, op: Operation, *args: Any, label: str = "", on_done: Callable[[Any], None] | None = None,
               on_error: Callable[[BaseException], None] | None = None,
               on_progress: Callable[[Progress], None] | None = None, cancellable: bool = False,
               with_progress_dialog: bool = False, on_cancelled: Callable[[], None] | None = None) -> TaskHandle:
        """Run the core operation `op(job, library, *args)` on the one writer (in order, one at a time);
        on success `library_changed(changes)` is emitted, then `on_done(result)` is called."""
        return self.operations.run_op(op, *args, label=label, on_done=on_done, on_error=on_error,
                                      on_progress=on_progress, cancellable=cancellable,
                                      with_progress_dialog=with_progress_dialog, on_cancelled=on_cancelled)

    def run_query(self, fn: Query, *args: Any, on_done: Callable[[Any], None] | None = None, key: object = None,
                  on_error: Callable[[BaseException], None] | None = None, label: str = "",
                  on_progress: Callable[[Progress], None] | None = None,
                  on_cancelled: Callable[[], None] | None = None, cancellable: bool = False,
                  with_progress_dialog: bool = False) -> TaskHandle:
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
                and not self.facets.loading and not self._filters.search_timer.isActive() and not loading)

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
        return self._frame.menu(name)

    def selected_item_ids(self) -> list[str]:
        """The selected items in view order (read from the selection's ranges: cheap for 20,000 rows)."""
        return self._selection.selected_item_ids()

    def current_item_id(self) -> str | None:
        return self._selection.current_item_id()

    def visible_item_ids(self) -> list[str]:
        return self.model.item_ids()

    def current_query(self) -> ItemQuery:
        """The query whose items are shown."""
        return self.model.query

    def add_notice(self, widget: QWidget) -> None:
        """Show `widget` (a NoticeBar, say) above the catalog, under the notices already there."""
        self._frame.add_notice(widget)

    def notices(self) -> list[QWidget]:
        """The notice bars above the panes (shown or not), top to bottom."""
        return self._frame.notices()

    def add_dock(self, widget: QWidget, title: str, area: Qt.DockWidgetArea | None = None) -> QDockWidget:
        """`widget` in a dock (by default on the right), with its entry in the View menu."""
        return self._state.add_dock(widget, title, area)

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
        return self._selection.select_item(item_id)

    def set_tag_filter(self, tags: list[str]) -> None:
        """Show only the items that carry every tag in `tags` (checked in the side bar); [] clears it."""
        self._filters.set_tag_filter(tags)

    # -- views, filters and search (gui/catalog_views.py, gui/catalog_filters.py) -------------------

    @property
    def timeline(self) -> Any:
        """View ▸ Timeline (issue 14): the same rows, filters and selection. Made the first time it is asked
        for, with its controller (`timeline_controller`): its modules are not on the path to the first paint."""
        return self._views.timeline

    @property
    def timeline_controller(self) -> Any:
        return self._views.timeline_controller

    def view_mode(self) -> str:
        return self._views.view_mode()

    def set_view_mode(self, mode: str) -> None:
        self._views.set_view_mode(mode)

    def current_view(self) -> CatalogGridView | CatalogTableView:
        """The item view showing (or, under the timeline, behind) the catalog: grid or table."""
        return self._views.current_view()

    def visible_thumbnails_pending(self) -> int:
        """How many items on screen still wait for their thumbnail (for screenshots)."""
        return self._views.visible_thumbnails_pending()

    def focus_search(self) -> None:
        self._filters.focus_search()

    def focus_results(self) -> None:
        """From the search box to the results (Down or Enter): the current item, else the first one."""
        self._selection.focus_results()

    def clear_filters(self) -> None:
        """Empty the search box and uncheck every filter: every item again."""
        self._filters.clear_filters()

    def clear_search(self) -> None:
        self._filters.clear_search()

    def build_query(self) -> ItemQuery:
        """The query the search box and side bar describe, in the current sort order."""
        return self._filters.build_query()

    def apply_filters(self) -> None:
        """Re-run the query now, on a reader (the search box calls this after a short pause in typing).
        The current item stays current if the answer still holds it."""
        self._filters.apply_filters()

    # -- the library folder and the other windows on it (gui/presence_notice.py) -------------------

    def library_folder_text(self) -> str:
        """The library folder as the title shows it (~ for the home folder)."""
        root = self._folder.absolute()
        home = Path.home()
        if root == home or home in root.parents:
            return str(Path("~") / root.relative_to(home))
        return str(root)

    def update_presence(self) -> None:
        """Title the window with the library's folder, and say whether another window has it open."""
        self._presence.update()

    # -- the current item's viewer and reader (gui/current_item.py) --------------------------------

    def open_viewer(self, item_id: str | None = None) -> ViewerWindow | None:
        return self._current.open_viewer(item_id)

    def open_reader(self, article_id: str, quote: str | None = None, item_id: str | None = None) -> ArticleReader:
        return self._current.open_reader(article_id, quote, item_id)

    # -- remembered state and closing (gui/window_state.py) -----------------------------------------

    def save_settings(self) -> None:
        if self.content_built:
            self._current.save_places(self.settings)  # where the viewer and the reader are
        self._state.save()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._frame.place_panes()  # the panes' widths, once the window has its real size
        self._state.shown()

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
        self._presence.release()
        self.save_settings()
        self._current.close_windows()
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
            self._current.refresh_preview()
        super().changeEvent(event)
