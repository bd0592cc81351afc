"""Errors in the app: an edit that cannot be saved says so and keeps what was typed; a busy library never
freezes the GUI thread; an exception nobody caught is shown with its details, never lost."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import threading

import pytest
from PySide6.QtCore import QTimer

from mediacat.core.errors import MediaCatError
from mediacat.core.jobs import Cancelled
from mediacat.core.tags import note_of
from mediacat.gui.error_hook import ExceptionHook
from tests.gui.window_helpers import open_window, settle


def test_cancelled_is_not_an_error():
    assert not issubclass(Cancelled, MediaCatError)


def held_write_lock(library):
    """Another connection (a CLI process would do the same) in a write transaction: the library is busy."""
    other = library.reopen()
    other.store.execute("BEGIN IMMEDIATE")
    return other


def type_note(qtbot, window, item_id: str, text: str):
    assert window.select_item(item_id)
    settle(qtbot, window)
    editor = window.tags_feature.note_editor
    editor.editor.setFocus()
    qtbot.keyClicks(editor.editor, text)
    editor.save()
    return editor


def test_a_note_saved_while_another_connection_writes_waits_on_the_writer_not_the_gui(qtbot, library):
    window = open_window(qtbot, library)
    other = held_write_lock(library)
    try:
        editor = type_note(qtbot, window, "skycrane-still", "saved later")
        assert window.operations.busy  # the save waits on the writer thread for the lock
        ticks = []
        timer = QTimer()
        timer.timeout.connect(lambda: ticks.append(1))
        timer.start(10)
        qtbot.waitUntil(lambda: len(ticks) >= 30, timeout=10_000)  # the GUI thread keeps running meanwhile
        timer.stop()
        assert window.operations.busy and note_of(library, "skycrane-still") == ""
        qtbot.keyClicks(window.search_box, "x")  # and takes input
        assert window.search_box.text() == "x"
    finally:
        other.store.execute("ROLLBACK")
        other.close()
    settle(qtbot, window)
    assert note_of(library, "skycrane-still") == "saved later"
    assert window.last_error_dialog is None and not editor.has_unsaved_text


def test_a_note_that_cannot_be_saved_is_reported_and_its_text_kept(qtbot, library, monkeypatch):
    monkeypatch.setattr("mediacat.core.store.connection.BUSY_TIMEOUT_MS", 200)  # give up on a busy library soon
    window = open_window(qtbot, library)
    other = held_write_lock(library)
    try:
        editor = type_note(qtbot, window, "navcam-panorama", "do not lose me")
        qtbot.waitUntil(lambda: window.last_error_dialog is not None, timeout=10_000)
        dialog = window.last_error_dialog
        assert dialog.windowTitle() == "Note not saved"
        assert "navcam-panorama" in dialog.message or "locked" in dialog.message
        assert editor.editor.toPlainText() == "do not lose me"  # what was typed is still there
        assert "not saved yet" in editor.label.text() and note_of(library, "navcam-panorama") == ""
        dialog.close()
        # Another item is chosen meanwhile: the unsaved text comes back with its item.
        assert window.select_item("skycrane-still")
        settle(qtbot, window)
        assert editor.editor.toPlainText() == ""
    finally:
        other.store.execute("ROLLBACK")
        other.close()
    assert window.select_item("navcam-panorama")
    settle(qtbot, window)
    assert editor.editor.toPlainText() == "do not lose me"
    editor.save()  # the next save (focus-out, a pause in typing) writes it
    settle(qtbot, window)
    assert note_of(library, "navcam-panorama") == "do not lose me"


@contextlib.contextmanager
def unwritable_library_files(library):
    """Make the open library's database and WAL files immutable (`chattr +i`): every write to them fails with
    EPERM, for root too (file modes do not stop root, and the app's connections are already open for writing).
    Skips when the file system or the user cannot set the attribute."""
    files = [library.paths.database, library.paths.database.with_name(library.paths.database.name + "-wal")]
    assert all(path.exists() for path in files)  # the app's connections keep the WAL in place
    made = []
    try:
        for path in files:
            done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True)
            if done.returncode != 0:
                pytest.skip(f"cannot make {path.name} immutable here (chattr +i needs root and ext2/3/4, XFS or "
                            f"Btrfs): {done.stderr.strip()}")
            made.append(path)
        yield
    finally:
        for path in made:
            subprocess.run(["chattr", "-i", str(path)], check=True)


def test_a_note_that_cannot_be_saved_because_the_library_is_read_only_is_reported_and_kept(qtbot, library):
    window = open_window(qtbot, library)
    settle(qtbot, window)  # the writer's connection is open: the library became read-only under a running app
    with unwritable_library_files(library):
        editor = type_note(qtbot, window, "navcam-panorama", "typed on a read-only library")
        qtbot.waitUntil(lambda: window.last_error_dialog is not None, timeout=20_000)
        dialog = window.last_error_dialog
        assert dialog.windowTitle() == "Note not saved"
        # the true reason, naming the file; not "damaged", not a traceback
        assert "navcam-panorama" in dialog.message and str(library.paths.database) in dialog.message
        assert "cannot be written" in dialog.message and "Your text is kept" in dialog.message
        assert "damaged" not in dialog.message and "Traceback" not in dialog.details
        assert editor.editor.toPlainText() == "typed on a read-only library"
        assert "not saved yet" in editor.label.text() and note_of(library, "navcam-panorama") == ""
        dialog.close()
        settle(qtbot, window)
    editor.save()  # writable again: the kept text is saved by the next save
    settle(qtbot, window)
    assert note_of(library, "navcam-panorama") == "typed on a read-only library"
    assert not editor.has_unsaved_text


def test_a_tag_edit_that_cannot_be_saved_is_reported(qtbot, library, monkeypatch):
    monkeypatch.setattr("mediacat.core.store.connection.BUSY_TIMEOUT_MS", 200)
    window = open_window(qtbot, library)
    other = held_write_lock(library)
    try:
        window.tags_feature.add_tags_to(["skycrane-still"], ["landing"])
        qtbot.waitUntil(lambda: window.last_error_dialog is not None, timeout=10_000)
        assert window.last_error_dialog.windowTitle() == "Tags not changed"
        assert window.undo_stack.count() == 0
    finally:
        other.store.execute("ROLLBACK")
        other.close()


@pytest.fixture
def hook(qtbot):
    installed = ExceptionHook().install()
    yield installed
    installed.uninstall()
    for dialog in list(installed.dialogs):
        dialog.close()


def test_the_exception_hook_shows_a_bug_with_its_traceback(qtbot, hook, capsys):
    try:
        raise KeyError("no such column")
    except KeyError as error:
        hook.handle(type(error), error, error.__traceback__)
    [dialog] = hook.dialogs
    assert dialog.isVisible() and dialog.windowTitle() == "Unexpected error"
    assert "KeyError" in dialog.message and "bug" in dialog.message
    assert "Traceback" in dialog.details and "no such column" in dialog.details
    assert "Traceback" in capsys.readouterr().err  # and on standard error


def test_the_exception_hook_shows_a_users_error_as_its_sentence(qtbot, hook):
    error = MediaCatError("/media/x.jpg: cannot read")
    hook.handle(type(error), error, None)
    [dialog] = hook.dialogs
    assert dialog.message == "/media/x.jpg: cannot read" and dialog.details == ""


def test_an_exception_escaping_a_thread_is_shown_on_the_gui_thread(qtbot, hook, capsys):
    assert sys.excepthook == hook.handle

    def broken() -> None:
        raise ValueError("in a thread")

    thread = threading.Thread(target=broken)
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: len(hook.dialogs) == 1)
    assert "in a thread" in hook.dialogs[0].details
