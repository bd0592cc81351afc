"""Helpers shared by the main-window tests: opening a window on a library and waiting for it."""

from __future__ import annotations

from PySide6.QtCore import Qt

from mediacat.core.library import Library
from mediacat.gui.main_window import MainWindow


def open_window(qtbot, library: Library, *, thumbnails: bool = False) -> MainWindow:
    """A shown, active main window on `library` (closed by pytest-qt at the end of the test)."""
    window = MainWindow(library, thumbnails=thumbnails)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def press(qtbot, widget, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(widget, key, modifier)
