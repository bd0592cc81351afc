"""Helpers shared by the main-window tests: opening a window on a library and waiting for it, and typed access
to what the window only knows at run time (the features' objects, the last error dialog, the form's editors)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit, QWidget
from pytestqt.qtbot import QtBot

from mediacat.core.library import Library
from mediacat.gui.dialogs.error_dialog import ErrorDialog
from mediacat.gui.dialogs.item_form import ItemForm
from mediacat.gui.features.downloads import DownloadsFeature
from mediacat.gui.main_window import MainWindow

T = TypeVar("T")
E = TypeVar("E", bound=QWidget)


def open_window(qtbot: QtBot, library: Library, *, thumbnails: bool = False) -> MainWindow:
    """A shown, active main window on `library`, its first query answered (closed by pytest-qt at the end)."""
    window = MainWindow(library, thumbnails=thumbnails)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    settle(qtbot, window)
    return window


def downloads_window(qtbot: QtBot, library: Library, wait_ms: int = 20_000) -> Iterator[MainWindow]:
    """For a fixture (`yield from`): a shown, settled window that quits without asking while downloads run;
    at the end its running downloads are cancelled and its tasks waited for."""
    window = MainWindow(library, thumbnails=False)
    qtbot.addWidget(window)
    window.show()
    settle(qtbot, window)
    downloads = installed(window, "downloads_feature", DownloadsFeature)
    downloads.confirm_quit = lambda _count: True  # no modal question when pytest-qt closes it
    yield window
    for entry in downloads.active():
        downloads.cancel(entry)
    window.tasks.wait_for_all(wait_ms)


def settle(qtbot: QtBot, window: MainWindow, timeout: int = 60_000) -> None:
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


def press(qtbot: QtBot, widget: QWidget, key: Qt.Key,
          modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
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


def installed(window: MainWindow, name: str, kind: type[T]) -> T:
    """The object a feature's installer (gui/features/) set on the window as `name`, checked to be a `kind`: the
    window declares no such attribute, its features are plug-ins."""
    feature = getattr(window, name)
    assert isinstance(feature, kind), f"window.{name} is {feature!r}, not a {kind.__name__}"
    return feature


def shown_row(window: MainWindow, item_id: str) -> int:
    """The catalog row showing `item_id` (a test that expects it shown fails here if it is not)."""
    row = window.model.row_of(item_id)
    assert row is not None, f"{item_id} is not shown in the catalog"
    return row


def error_dialog(window: MainWindow) -> ErrorDialog:
    """The error dialog the window shows now (a test that expects one fails here if there is none)."""
    dialog = window.last_error_dialog
    assert dialog is not None, "the window shows no error dialog"
    return dialog


def editor(form: ItemForm, name: str, kind: type[E]) -> E:
    """The form's editor of the field `name`, checked to be a `kind` (the form holds them as plain QWidgets)."""
    widget = form.editors[name]
    assert isinstance(widget, kind), f"the {name!r} editor is a {type(widget).__name__}, not a {kind.__name__}"
    return widget


def line_edit(form: ItemForm, name: str) -> QLineEdit:
    return editor(form, name, QLineEdit)


def combo(form: ItemForm, name: str) -> QComboBox:
    return editor(form, name, QComboBox)


def plain_text(form: ItemForm, name: str) -> QPlainTextEdit:
    return editor(form, name, QPlainTextEdit)
