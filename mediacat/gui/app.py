"""Starting the desktop app: QApplication setup, the main window, and the offscreen screenshot mode."""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QThread
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QWidget

from mediacat.gui.settings import SETTINGS_FILE_NAME, Settings
from mediacat.paths import resources_dir

if TYPE_CHECKING:
    from mediacat.gui.main_window import MainWindow

APP_NAME = "MediaCat"
ORGANIZATION = "MediaCat"
SCREENSHOT_SIZE = (1600, 900)
READER_SCREENSHOT_SIZE = (820, 760)
VIEWER_SCREENSHOT_SIZE = (1000, 760)
HELP_SCREENSHOT_SIZE = (760, 820)
THUMBNAIL_WAIT_MS = 15_000
MEDIA_SETTLE_MS = 1500


def application(argv: list[str] | None = None) -> QApplication:
    """The QApplication (created once): names, window icon; the palette follows the system. (High-DPI scale
    factors are not rounded: Qt 6's default, PassThrough.)"""
    existing = QApplication.instance()
    if existing is not None:
        return existing  # type: ignore[return-value]
    QCoreApplication.setApplicationName(APP_NAME)
    QCoreApplication.setOrganizationName(ORGANIZATION)
    app = QApplication(argv if argv is not None else [sys.argv[0]])
    app.setApplicationDisplayName(APP_NAME)
    QGuiApplication.setDesktopFileName("mediacat")
    icon = window_icon()
    if icon is not None:
        app.setWindowIcon(icon)
    return app


def window_icon() -> QIcon | None:
    folder = resources_dir()
    for name in ("mediacat.svg", "mediacat.png", "icons/mediacat.svg", "icons/mediacat.png"):
        path = folder / name
        if path.is_file():
            return QIcon(str(path))
    return None


def run_app(args: argparse.Namespace) -> int:
    """`mediacat gui`: the window, or with --screenshot a PNG of it. Returns the exit status.

    A plain start paints the window's frame first and opens the library right after (`MainWindow.opening`,
    issue 12); a screenshot, or a start told what to show (--select, --search, --filter, --view), opens the
    library first, so a bad option or library is reported before any window shows."""
    screenshot = getattr(args, "screenshot", None)
    if screenshot and "QT_QPA_PLATFORM" not in os.environ and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    app = application()
    from mediacat.core.events import set_program
    from mediacat.gui.error_hook import ExceptionHook
    from mediacat.gui.main_window import MainWindow  # after QApplication exists

    set_program("mediacat-gui")  # the event log names the app, not the command line, as the changes' program
    folder = getattr(args, "library", None)
    told = any(getattr(args, name, None) for name in ("select", "search", "filter", "view"))
    if not screenshot and not told:
        window = MainWindow.opening(folder)
        hook = ExceptionHook(lambda: window).install()
        window.open_failed.connect(lambda message: _startup_failed(app, window, message))
        window.ready.connect(freeze_startup_heap)
        window.show()
        try:
            return app.exec()
        finally:
            hook.uninstall()
            _close(window)

    from mediacat.core.errors import MediaCatError, UnknownItem
    from mediacat.core.library import Library

    try:
        library = Library.open(folder)
    except MediaCatError as error:
        if screenshot:
            raise
        _show_startup_error(str(error))
        return 2
    # A screenshot shows the app as a new user sees it, and leaves the user's remembered layout alone.
    scratch = tempfile.TemporaryDirectory(prefix="mediacat-screenshot-") if screenshot else None
    settings = Settings(Path(scratch.name) / SETTINGS_FILE_NAME) if scratch is not None else None
    window = MainWindow(library, settings=settings)
    hook = ExceptionHook(lambda: window).install()
    if screenshot:
        _wait_until_settled(window)  # the first query's answer: the current item the views show
    view = getattr(args, "view", None)
    select = getattr(args, "select", None)
    try:
        if select and not window.select_item(select):
            raise UnknownItem(select)
        apply_start_filters(window, getattr(args, "search", None), getattr(args, "filter", None) or [])
        if screenshot:
            return take_screenshot(window, Path(screenshot), view)
        window.ready.connect(freeze_startup_heap)
        window.show()
        show_view(window, view)
        return app.exec()
    finally:
        hook.uninstall()
        _close(window)
        if scratch is not None:
            scratch.cleanup()


def _startup_failed(app: QApplication, window: MainWindow, message: str) -> None:
    """The library of a plain start could not be opened: say why, then end the app with status 2."""
    _show_startup_error(message, window)
    window.close()
    app.exit(2)


def _close(window: MainWindow) -> None:
    window.close()
    window.deleteLater()
    if window.library is not None:
        window.library.close()


def freeze_startup_heap() -> None:
    """Take what starting made (modules, classes, the window's widgets and their wrappers: ~50,000 objects that
    live as long as the app) out of the cyclic garbage collector's walks (`gc.freeze`). A full collection
    walking them holds the interpreter lock 10 to 40 ms on whichever thread it runs; the GUI thread waited
    that long (bench/bench_gui_stall.py)."""
    gc.collect()
    gc.freeze()


def apply_start_filters(window: MainWindow, search: str | None, filters: list[str]) -> None:
    """`--search TEXT` and `--filter FACET=VALUE`: the query the window starts with."""
    from mediacat.core.errors import MediaCatError

    for spec in filters:
        facet, separator, value = spec.partition("=")
        if not separator or not window.facets.set_checked(facet.strip(), value.strip()):
            raise MediaCatError(f"--filter {spec}: no such filter value (expected FACET=VALUE, e.g. media_type=audio)")
    if search:
        window.search_box.setText(search)
    window.apply_filters()


def show_view(window: MainWindow, view: str | None) -> QWidget:
    """Switch to `view` ("grid", "table", "timeline", "reader", "viewer", "getting-started",
    "download-settings"); returns the widget showing it."""
    from mediacat.core.errors import MediaCatError

    if view in (None, "grid", "table", "timeline"):
        window.set_view_mode(view or window.view_mode())
        return window
    if view == "getting-started":
        from mediacat.gui.features.help_menu import HelpFeature

        window.install_features()  # the help feature (installed after the first paint otherwise)
        help_feature = window.findChild(HelpFeature, "help-feature")
        assert help_feature is not None  # the window's content is built (it has its library): features install
        return help_feature.show_getting_started()
    if view == "download-settings":
        from mediacat.gui.features.download_settings import DownloadSettingsFeature

        window.install_features()
        settings_feature = window.findChild(DownloadSettingsFeature)
        assert settings_feature is not None  # as the help feature: installed with the others
        return settings_feature.open_dialog()  # filled from a reader: the screenshot waits for the window to settle
    item_id = window.current_item_id()
    if item_id is None:
        raise MediaCatError(f"--view {view} needs an item: the catalog is empty")
    if view == "viewer":
        viewer = window.open_viewer(item_id)
        assert viewer is not None  # None only without an item id
        return viewer
    item = window.library.item(item_id)
    if not item.sources:
        raise MediaCatError(f"--view reader: no article mentions item {item_id!r}")
    return window.open_reader(item.sources[0].article_id, item.sources[0].quote, item.id)


def take_screenshot(window: MainWindow, path: Path, view: str | None) -> int:
    """Render the window (or the reader / viewer) and write it to `path` as a PNG."""
    from mediacat.core.errors import MediaCatError

    window.resize(*SCREENSHOT_SIZE)
    window.show()
    target = show_view(window, view)
    if target is not window:
        sizes = {"viewer": VIEWER_SCREENSHOT_SIZE, "getting-started": HELP_SCREENSHOT_SIZE}
        if view != "download-settings":  # a dialog keeps the size its layout asks for
            target.resize(*sizes.get(view or "", READER_SCREENSHOT_SIZE))
        target.show()
    _process_events_for(200)
    _wait_until_settled(window)
    view_widget = window.current_view()
    current = view_widget.currentIndex()
    view_widget.scrollToTop()  # start at the top, scrolling only as far as the selected item needs
    if current.isValid():
        view_widget.scrollTo(current)
    _process_events_for(100)
    deadline = QDeadlineTimer(THUMBNAIL_WAIT_MS)
    while window.visible_thumbnails_pending() and not deadline.hasExpired():
        _process_events_for(50)
    if view == "viewer":
        _process_events_for(MEDIA_SETTLE_MS)
    pixmap = target.grab()
    path.parent.mkdir(parents=True, exist_ok=True)
    if not pixmap.save(str(path), "PNG"):
        raise MediaCatError(f"{path}: cannot write the screenshot")
    return 0


def _wait_until_settled(window: MainWindow, timeout_ms: int = 30_000) -> None:
    deadline = QDeadlineTimer(timeout_ms)
    while not window.settled and not deadline.hasExpired():
        _process_events_for(20)


def _process_events_for(msecs: int) -> None:
    deadline = QDeadlineTimer(msecs)
    while not deadline.hasExpired():
        QCoreApplication.processEvents()
        QThread.msleep(10)


def _show_startup_error(message: str, parent: QWidget | None = None) -> None:
    from mediacat.gui.dialogs.error_dialog import ErrorDialog

    print(f"mediacat: error: {message}", file=sys.stderr)
    dialog = ErrorDialog("MediaCat cannot start", message, "", parent)
    dialog.exec()


def main() -> int:
    """The `mediacat-gui` entry point: the desktop app without a terminal."""
    from mediacat.cli import main as cli_main

    return cli_main(["gui", *sys.argv[1:]])
