"""The window checks the library database in the background after it shows (issue 12)."""

from __future__ import annotations

from pathlib import Path

from mediacat.core.library import Library
from mediacat.gui.main_window import MainWindow
from tests.core.test_database_health import damage_page_of
from tests.gui.window_helpers import installed, open_window


def database_problems(window: MainWindow) -> list[str] | None:
    """What the background check found (features/database_check.py sets it on the window): None until it has
    answered."""
    problems = installed(window, "database_problems", object)
    assert problems is None or isinstance(problems, list), f"database_problems is {problems!r}"
    return problems


def test_a_sound_library_is_checked_after_the_window_shows(qtbot, tmp_path: Path) -> None:
    with Library.open(tmp_path / "lib") as library:
        window = open_window(qtbot, library)
        assert database_problems(window) is None  # not on the way to the first paint
        qtbot.waitUntil(lambda: database_problems(window) is not None, timeout=20_000)
        assert database_problems(window) == []
        assert window.last_error_dialog is None


def test_a_damaged_library_opens_and_then_says_so(qtbot, tmp_path: Path) -> None:
    Library.open(tmp_path / "lib").close()
    damage_page_of(tmp_path / "lib" / "mediacat.sqlite3", "items_fts_docsize")
    with Library.open(tmp_path / "lib") as library:  # a clean previous close: no check on open
        window = open_window(qtbot, library)
        qtbot.waitUntil(lambda: bool(database_problems(window)), timeout=20_000)
        dialog = window.last_error_dialog
        assert dialog is not None and dialog.windowTitle() == "The library database is damaged"
        assert str(library.paths.database) in dialog.message and "malformed" in dialog.message
        assert "mediacat check --database" in dialog.details
