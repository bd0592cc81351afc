"""TaskRunner with real jobs on the thread pool: results, throttled progress, cancel, errors."""

from __future__ import annotations

import hashlib
import threading

import pytest
from PySide6.QtWidgets import QApplication, QProgressDialog, QPushButton

from mediacat.core.errors import MediaCatError
from mediacat.core.jobs import Job
from mediacat.core.search import ItemQuery
from mediacat.gui.dialogs.error_dialog import ErrorDialog
from mediacat.gui.tasks import TaskRunner


def hash_chunks(job: Job, data: bytes, chunk: int) -> str:
    """A real job: hash `data` chunk by chunk, reporting progress and honouring cancel."""
    digest = hashlib.sha256()
    total = len(data)
    for start in range(0, total, chunk):
        job.check()
        digest.update(data[start : start + chunk])
        job.report(min(start + chunk, total), total, f"{start + chunk} bytes")
    return digest.hexdigest()


def test_result_and_progress_come_back_on_the_gui_thread(qtbot):
    runner = TaskRunner()
    data = bytes(range(256)) * 4000
    results, progress, threads = [], [], []
    handle = runner.run(
        hash_chunks, data, 1000,
        on_done=lambda result: (results.append(result), threads.append(threading.current_thread())),
        on_progress=progress.append,
        label="Hashing",
    )
    assert runner.wait_for_all(10_000)
    assert results == [hashlib.sha256(data).hexdigest()]
    assert handle.done and handle.result == results[0] and handle.error is None
    assert threads == [threading.main_thread()]
    # Throttled: far fewer reports than chunks, and the last one (done == total) always arrives.
    assert 1 <= len(progress) < len(data) // 1000
    assert progress[-1].done == progress[-1].total == len(data)


def test_the_last_report_of_a_blocked_worker_still_arrives(qtbot):
    """Reports within the throttle interval are held back; a worker that then blocks (a stalled download)
    must not keep its latest progress to itself."""
    runner = TaskRunner()
    release = threading.Event()

    def report_then_block(job: Job) -> None:
        for done in range(1, 51):
            job.report(done, 100, f"{done} of 100")
        release.wait(20)

    progress = []
    runner.run(report_then_block, on_progress=progress.append, label="Blocked")
    qtbot.waitUntil(lambda: bool(progress) and progress[-1].done == 50, timeout=10_000)
    release.set()
    assert runner.wait_for_all(10_000)
    assert progress[-1].message == "50 of 100"


def test_cancel_stops_the_job_at_its_next_check(qtbot):
    runner = TaskRunner()
    started, release = threading.Event(), threading.Event()

    def slow(job: Job) -> str:
        started.set()
        release.wait(10)
        job.check()
        return "finished anyway"

    done, cancelled, errors = [], [], []
    handle = runner.run(slow, on_done=done.append, on_cancelled=lambda: cancelled.append(True),
                        on_error=errors.append, cancellable=True, label="Slow")
    assert started.wait(10)
    handle.cancel()
    release.set()
    assert runner.wait_for_all(10_000)
    assert handle.cancelled and cancelled == [True]
    assert done == [] and errors == []


def test_worker_errors_reach_on_error(qtbot, library):
    runner = TaskRunner()

    def read_missing_item(job: Job) -> object:
        worker_library = library.reopen()  # a worker's own connection
        try:
            assert worker_library.count_items(ItemQuery()) > 0
            return worker_library.item("no-such-item")
        finally:
            worker_library.close()

    errors = []
    handle = runner.run(read_missing_item, on_error=errors.append, label="Loading")
    assert runner.wait_for_all(10_000)
    assert len(errors) == 1 and isinstance(errors[0], MediaCatError)
    assert "no-such-item" in str(errors[0])
    assert handle.error is errors[0]


def test_unhandled_errors_are_shown_in_the_error_dialog(qtbot):
    runner = TaskRunner()

    def broken(job: Job) -> None:
        raise ValueError("bad value 42")

    runner.run(broken, label="Exporting")
    assert runner.wait_for_all(10_000)
    dialogs = [w for w in QApplication.topLevelWidgets()
               if isinstance(w, ErrorDialog) and w.isVisible() and w.windowTitle() == "Exporting failed"]
    assert len(dialogs) == 1 and runner.error_dialogs == dialogs
    assert dialogs[0].message_label.text() == "Exporting: ValueError: bad value 42"
    assert "Traceback" in dialogs[0].details and "bad value 42" in dialogs[0].details
    dialogs[0].close()


def test_error_handler_receives_title_message_and_details(qtbot):
    shown = []
    runner = TaskRunner(error_handler=lambda *args: shown.append(args))

    def broken(job: Job) -> None:
        raise MediaCatError("/media/x.jpg: cannot read")

    runner.run(broken, label="Checking")
    assert runner.wait_for_all(10_000)
    assert shown[0][:2] == ("Checking failed", "Checking: /media/x.jpg: cannot read")


def test_progress_dialog_shows_for_long_tasks_and_cancels(qtbot):
    runner = TaskRunner()
    release = threading.Event()

    def long_task(job: Job) -> None:
        for n in range(1000):
            job.report(n, 1000, "working")
            if release.wait(0.02):
                job.check()
        job.check()

    handle = runner.run(long_task, label="Importing", cancellable=True, with_progress_dialog=True,
                        on_cancelled=lambda: None)
    dialog = handle.progress_dialog
    assert isinstance(dialog, QProgressDialog)
    qtbot.waitUntil(dialog.isVisible, timeout=10_000)
    assert dialog.labelText() == "working"
    cancel_button = dialog.findChild(QPushButton)
    assert cancel_button.text() == "Cancel"
    cancel_button.click()
    release.set()
    assert runner.wait_for_all(10_000)
    assert handle.cancelled


@pytest.mark.parametrize("details", ["", "Traceback (most recent call last): ..."])
def test_error_dialog_details_and_copy(qtbot, details):
    dialog = ErrorDialog("Attach failed", "/tmp/a.jpg: not found", details)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.details_view.isVisible()
    assert dialog.details_button.isEnabled() == bool(details)
    if details:
        dialog.details_button.click()
        assert dialog.details_view.isVisible() and dialog.details_view.toPlainText() == details
        assert dialog.details_button.text() == "Hide details"
    dialog.copy_button.click()
    copied = QApplication.clipboard().text()
    assert copied.startswith("Attach failed\n/tmp/a.jpg: not found")
    assert (details in copied) if details else copied == "Attach failed\n/tmp/a.jpg: not found"
