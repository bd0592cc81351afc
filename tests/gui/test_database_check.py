"""The window checks the library database in the background after it shows (issue 12)."""

from __future__ import annotations

from pathlib import Path

from mediacat.core.library import Library
from tests.core.test_database_health import damage_page_of
from tests.gui.window_helpers import open_window


def test_a_sound_library_is_checked_after_the_window_shows(qtbot, tmp_path: Path) -> None:
    with Library.open(tmp_path / "lib") as library:
        window = open_window(qtbot, library)
        assert window.database_problems is None  # not on the way to the first paint
        qtbot.waitUntil(lambda: window.database_problems is not None, timeout=20_000)
        assert window.database_problems == []
        assert window.last_error_dialog is None


def test_a_damaged_library_opens_and_then_says_so(qtbot, tmp_path: Path) -> None:
    Library.open(tmp_path / "lib").close()
    damage_page_of(tmp_path / "lib" / "mediacat.sqlite3", "items_fts_docsize")
    with Library.open(tmp_path / "lib") as library:  # a clean previous close: no check on open
        window = open_window(qtbot, library)
        qtbot.waitUntil(lambda: bool(window.database_problems), timeout=20_000)
        dialog = window.last_error_dialog
        assert dialog is not None and dialog.windowTitle() == "The library database is damaged"
        assert str(library.paths.database) in dialog.message and "malformed" in dialog.message
        assert "mediacat check --database" in dialog.details
