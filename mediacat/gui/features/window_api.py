"""What a feature module may use of the main window: its typed public API (checked by mypy).

Features never reach into each other (no looking up another feature on the window) or into the window's private
widgets: they change the library only through `run_op`, read big things through `run_query`, and refresh
from `library_changed`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import Qt, SignalInstance
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QDockWidget, QMenu, QWidget

from mediacat.core.jobs import Progress
from mediacat.core.library import Library
from mediacat.core.search import ItemQuery
from mediacat.gui.tasks import TaskHandle, TaskRunner
from mediacat.gui.views.filter_sidebar import FilterSidebar


class FeatureWindow(Protocol):
    """The main window as features see it (`mediacat.gui.main_window.MainWindow` implements it)."""

    library: Library  # the GUI thread's read connection: bounded per-row reads only, never writes
    tasks: TaskRunner
    undo_stack: QUndoStack
    sidebar: FilterSidebar  # `sidebar.add_section(title, widget)` puts a section above the filters
    library_changed: SignalInstance  # (Changes)
    selection_changed: SignalInstance  # ()
    files_dropped: SignalInstance  # (str item_id, list[str] paths)

    def run_op(
        self,
        op: Callable[..., Any],
        *args: Any,
        label: str = "",
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[Progress], None] | None = None,
        cancellable: bool = False,
        with_progress_dialog: bool = False,
        on_cancelled: Callable[[], None] | None = None,
    ) -> TaskHandle: ...

    def run_query(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_done: Callable[[Any], None] | None = None,
        key: object = None,
        on_error: Callable[[BaseException], None] | None = None,
        label: str = "",
        on_progress: Callable[[Progress], None] | None = None,
        on_cancelled: Callable[[], None] | None = None,
        cancellable: bool = False,
        with_progress_dialog: bool = False,
    ) -> TaskHandle: ...

    def menu(self, name: str) -> QMenu: ...

    def selected_item_ids(self) -> list[str]: ...

    def current_item_id(self) -> str | None: ...

    def visible_item_ids(self) -> list[str]: ...

    def current_query(self) -> ItemQuery: ...

    def add_dock(self, widget: QWidget, title: str, area: Qt.DockWidgetArea = ...) -> QDockWidget: ...

    def show_error(self, title: str, message: str, details: str = "") -> None: ...

    def report_error(self, title: str, error: BaseException) -> None: ...

    def status_message(self, text: str, msecs: int = 4000) -> None: ...

    def select_item(self, item_id: str) -> bool: ...

    def set_tag_filter(self, tags: list[str]) -> None: ...

    def dialog_parent(self) -> QWidget:
        """The widget to parent dialogs and actions on (the window itself)."""
        ...

    def add_close_guard(self, guard: Callable[[], bool]) -> None:
        """`guard()` is asked when the window is about to close; False keeps it open."""
        ...


__all__ = ["FeatureWindow"]
