"""The app's start (issue 12, paint first): `MainWindow.opening(folder)` paints its frame, then opens the library
and builds the catalog, then installs the features once the first answer is shown."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QEvent, QObject

from mediacat.core.library import Library
from mediacat.core.search import ItemQuery
from mediacat.gui.main_window import MainWindow
from mediacat.gui.settings import Settings
from tests.gui.window_helpers import settle

REPO = Path(__file__).resolve().parents[2]


class PaintLog(QObject):
    """Records, for each paint of the window, whether the catalog was built yet."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__()
        self.window = window
        self.paints: list[bool] = []
        window.installEventFilter(self)

    def eventFilter(self, watched, event):
        if watched is self.window and event.type() == QEvent.Type.Paint:
            self.paints.append(self.window.content_built)
        return False


def _another_programs_file(folder: Path) -> Path:
    folder.mkdir(parents=True)
    database = folder / "mediacat.sqlite3"
    with contextlib.closing(sqlite3.connect(database)) as conn:
        conn.execute("CREATE TABLE recipes(name TEXT)")
        conn.commit()
    return database


def test_the_frame_paints_before_the_library_opens_then_the_catalog_and_features_follow(qtbot, tmp_path):
    settings = Settings(tmp_path / "settings.ini")
    window = MainWindow.opening(tmp_path / "lib", settings=settings, thumbnails=False)
    qtbot.addWidget(window)
    log = PaintLog(window)
    assert window.library is None and not window.content_built and not window.settled
    assert window.count_label.text() == "Opening the library…"
    assert [menu.title() for menu in window.menuBar().findChildren(type(window.menu("File")))][:1]
    assert window.windowTitle().endswith("lib – MediaCat")
    window.show()
    qtbot.waitUntil(lambda: window.content_built, timeout=30_000)
    assert log.paints and log.paints[0] is False  # the frame painted before the library was opened
    settle(qtbot, window)
    assert window.features_installed
    assert window.visible_item_ids() == window.library.item_ids()
    assert window.current_item_id() == window.library.item_ids()[0]
    assert window.menu("Edit").actions()  # the content's actions joined the frame's menus
    assert window.grid.isVisible() and window.sidebar.isVisible() and window.detail.isVisible()
    assert window.count_label.text().startswith(f"{len(window.library.item_ids())} items")
    # the first item was shown before the features installed: the archivist's Correct Facts… joins it then
    edit = window.detail.edit_button
    assert window.detail.item is not None and window.detail.item.id == window.current_item_id()
    assert edit.isVisibleTo(window.detail) and edit.text() == "Correct Facts…"
    library = window.library
    window.close()
    library.close()


def test_text_typed_while_the_library_opens_is_the_first_query(qtbot, tmp_path):
    window = MainWindow.opening(tmp_path / "lib", settings=Settings(tmp_path / "settings.ini"), thumbnails=False)
    qtbot.addWidget(window)
    window.search_box.setText("hazcam")  # before the event loop ran: the library is not open yet
    assert not window.content_built
    window.show()
    settle(qtbot, window)
    expected = window.library.item_ids(ItemQuery(search="hazcam"))
    assert 0 < len(expected) < len(window.library.item_ids())
    assert window.visible_item_ids() == expected
    library = window.library
    window.close()
    library.close()


def test_a_library_that_cannot_be_opened_is_reported_and_nothing_is_written(qtbot, tmp_path):
    database = _another_programs_file(tmp_path / "lib")
    before = database.read_bytes()
    window = MainWindow.opening(tmp_path / "lib", settings=Settings(tmp_path / "settings.ini"), thumbnails=False)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.open_failed, timeout=30_000) as failed:
        window.show()
    assert str(database) in failed.args[0] and "not a MediaCat library" in failed.args[0]
    assert window.library is None and not window.content_built and not window.settled
    assert window.count_label.text() == "The library could not be opened"
    window.install_features()  # nothing to install into: no content
    assert not window.features_installed
    window.close()  # closes cleanly with no content
    assert database.read_bytes() == before


def test_a_window_closed_before_its_first_paint_opens_nothing(qtbot, tmp_path):
    settings = Settings(tmp_path / "settings.ini")
    window = MainWindow.opening(tmp_path / "lib", settings=settings, thumbnails=False)
    qtbot.addWidget(window)
    window.resize(900, 700)
    window.close()
    qtbot.wait(50)  # the event loop runs: the cancelled trigger does nothing
    assert window.library is None and not (tmp_path / "lib").exists()
    assert Settings(tmp_path / "settings.ini").window_geometry is not None  # where the window was is kept


def test_a_plain_start_on_a_bad_library_says_why_and_exits_2(tmp_path):
    """`mediacat gui` with no start options: the frame shows, the library fails to open, the startup error
    dialog names the file, and the app ends with status 2. (A process of its own: the app's `exec()` ends
    with `aboutToQuit`, which would shut the test process's thread pools down.)"""
    database = _another_programs_file(tmp_path / "lib")
    before = database.read_bytes()
    script = (
        "import sys\n"
        "from PySide6.QtCore import QTimer\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from mediacat.gui.app import application\n"
        "from mediacat.gui.dialogs.error_dialog import ErrorDialog\n"
        "from mediacat.cli import main\n"
        "app = application()\n"
        "def close_the_dialog():\n"
        "    dialog = QApplication.activeModalWidget()\n"
        "    if isinstance(dialog, ErrorDialog):\n"
        "        print('dialog:', dialog.windowTitle(), flush=True)\n"
        "        dialog.accept()\n"
        "    else:\n"
        "        QTimer.singleShot(20, close_the_dialog)\n"
        "QTimer.singleShot(20, close_the_dialog)\n"
        f"sys.exit(main(['gui', '--library', {str(tmp_path / 'lib')!r}]))\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO),
           "MEDIACAT_CONFIG_DIR": str(tmp_path / "config")}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 2, result.stderr
    assert "dialog: MediaCat cannot start" in result.stdout
    assert f"mediacat: error: {database}" in result.stderr and "not a MediaCat library" in result.stderr
    assert database.read_bytes() == before


def test_the_frame_imports_no_catalog_module(tmp_path):
    """What the first paint costs does not grow with the app: making the frame imports neither the core's
    library nor the catalog's models and views (a fresh process, as the app starts)."""
    script = (
        "import json, sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from mediacat.gui.main_window import MainWindow\n"
        f"window = MainWindow.opening({str(tmp_path / 'lib')!r})\n"
        "print(json.dumps(sorted(name for name in sys.modules if name.startswith('mediacat'))))\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO),
           "MEDIACAT_CONFIG_DIR": str(tmp_path / "config")}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120,
                            check=True)
    modules = set(json.loads(result.stdout.splitlines()[-1]))
    assert "mediacat.gui.main_window" in modules
    for heavy in ("mediacat.core.library", "mediacat.core.search", "mediacat.gui.models.catalog_model",
                  "mediacat.gui.views.grid_view", "mediacat.gui.views.detail_pane", "mediacat.gui.features"):
        assert heavy not in modules, heavy
    assert not (tmp_path / "lib").exists()  # nor is the library opened before the event loop runs


def test_a_window_on_an_open_library_is_whole_at_once(qtbot, library: Library):
    window = MainWindow(library, thumbnails=False)
    qtbot.addWidget(window)
    assert window.content_built and window.library is library
    assert window.grid.model() is window.model
    settle(qtbot, window)
    assert window.visible_item_ids() == library.item_ids()
