"""Helpers shared by the main-window tests: opening a window on a library and waiting for it."""

from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtCore import Qt

from mediacat.core.library import Library
from mediacat.gui.main_window import MainWindow


def open_window(qtbot, library: Library, *, thumbnails: bool = False) -> MainWindow:
    """A shown, active main window on `library`, its first query answered (closed by pytest-qt at the end)."""
    window = MainWindow(library, thumbnails=thumbnails)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    settle(qtbot, window)
    return window


def settle(qtbot, window: MainWindow, timeout: int = 60_000) -> None:
    """Wait until every operation and query the window started has answered and been shown (the app never
    waits for them; tests do, with qtbot.waitUntil rather than timed sleeps)."""
    qtbot.waitUntil(lambda: window.settled, timeout=timeout)


def wait_settled(window: MainWindow, timeout: int = 60_000) -> None:
    """`settle` for helpers that have no qtbot at hand: runs the event loop until the window is settled."""
    from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QThread

    deadline = QDeadlineTimer(timeout)
    while not window.settled:
        assert not deadline.hasExpired(), "the window's operations and queries did not finish in time"
        QCoreApplication.processEvents()
        QThread.msleep(5)


def press(qtbot, widget, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(widget, key, modifier)


def link_attachment(library: Library, item_id: str, path: Path, mime: str, media_type: str, *,
                    status: str = "ok") -> None:
    """Record `path` as a linked attachment of `item_id`, as the attach feature would (written in SQL here so
    these tests do not depend on the attach module)."""
    data = path.read_bytes() if path.exists() else b""
    with library.store.transaction():
        library.store.execute(
            "INSERT INTO attachments(item_id, mode, path, original_name, sha256, size, mtime, mime, media_type, "
            "check_status) VALUES (?, 'link', ?, ?, ?, ?, ?, ?, ?, ?)",
            (item_id, str(path), path.name, hashlib.sha256(data).hexdigest(), len(data),
             path.stat().st_mtime if path.exists() else 0.0, mime, media_type, status),
        )
