"""File ▸ Get Public Media…, the bar above the grid, the detail pane's Download button (in the Downloads dock:
see test_nasa_download_gui.py), and resuming a run."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QPushButton

from mediacat.core.fetch_queue import has_unfinished_run, queue_fetch, set_media_mirror
from mediacat.core.tags import note_of
from mediacat.gui.settings import Settings
from tests.core.test_fetch_media import install_mirror
from tests.gui.window_helpers import open_window
from tests.http_server import Resource


@pytest.fixture(autouse=True)
def official_nasa_api(monkeypatch) -> None:
    monkeypatch.delenv("MEDIACAT_NASA_API", raising=False)


def feature(window):
    return window.public_media


def test_a_first_start_shows_one_bar_the_welcome_with_the_get_public_media_button(qtbot, library):
    window = open_window(qtbot, library)
    welcome = window.findChild(QObject, "help-feature").welcome
    qtbot.waitUntil(lambda: welcome.isVisible())
    window.tasks.wait_for_all()
    assert not feature(window).bar.isVisible()  # the welcome says it: not a second bar
    button = next(b for b in welcome.findChildren(QPushButton) if b.text() == "Get Public Media…")
    started: list[bool] = []
    feature(window).confirm = lambda: started.append(True) or False  # asked, then declined
    button.click()
    assert started == [True]


def test_the_bar_says_how_many_public_files_are_missing_and_can_be_dismissed(qtbot, library):
    Settings().welcome_dismissed = True  # after the first start's welcome, this bar keeps the offer
    window = open_window(qtbot, library)
    bar = feature(window).bar
    qtbot.waitUntil(bar.isVisible, timeout=10_000)
    assert bar.text.text().startswith("5 items of the catalog have public NASA files that are not here yet.")
    assert "Item ▸ Attach files…" in bar.text.text()  # items with none known: how to attach instead
    assert bar.get_button.isVisible() and not bar.resume_button.isVisible()
    # above the grid
    assert bar.mapTo(window, bar.rect().bottomLeft()).y() <= window.grid.mapTo(window, window.grid.rect().topLeft()).y()
    bar.close_button.click()
    assert not bar.isVisible() and Settings().public_media_bar_dismissed
    window.close()
    again = open_window(qtbot, library)
    qtbot.wait(200)
    again.tasks.wait_for_all()
    assert not feature(again).bar.isVisible()


def test_get_public_media_attaches_the_files_and_reports_each_item(qtbot, library, server, tmp_path):
    mirror, expected = install_mirror(server, library, tmp_path)
    set_media_mirror(library, mirror)
    window = open_window(qtbot, library)
    public = feature(window)
    public.confirm = lambda: True
    assert public.action in window.menu("File").actions()
    assert public.action.text().replace("&", "") == "Get Public Media…"
    public.action.trigger()
    qtbot.waitUntil(lambda: public.last_report is not None, timeout=60_000)
    report = public.last_report
    assert report.ok and report.count("attached") == len(expected)
    for item_id in expected:
        assert len(library.item(item_id).attachments) == 1
    box = public.report_box
    assert box is not None and box.text().startswith(f"{len(expected)} attached")
    assert "No public file known — mars-wind-audio-original" in box.detailedText()
    qtbot.waitUntil(lambda: not public.bar.isVisible(), timeout=10_000)
    window.tasks.wait_for_all()
    assert not public.bar.isVisible()  # nothing missing any more
    window.select_item("skycrane-still")
    assert not window.detail.download_button.isVisible() and not window.detail.caption.isVisible()


def test_the_detail_pane_button_downloads_that_items_file(qtbot, library, server, tmp_path):
    mirror, _expected = install_mirror(server, library, tmp_path)
    set_media_mirror(library, mirror)
    window = open_window(qtbot, library)
    window.select_item("skycrane-still")
    button = window.detail.download_button
    assert button.isVisibleTo(window.detail) and "PIA24428 from the NASA Image Library" in button.toolTip()
    button.click()
    [entry] = window.downloads_feature.model.entries  # Download from NASA: its row in the Downloads dock
    qtbot.waitUntil(lambda: entry.state != "running", timeout=60_000)
    assert entry.item_id == "skycrane-still" and entry.state == "done", entry.status_text()
    assert feature(window).last_report is None  # one item's download, not a Get Public Media run
    assert len(library.item("skycrane-still").attachments) == 1
    assert library.item("navcam-panorama").attachments == ()


def test_an_unfinished_run_is_offered_to_resume_or_discard_never_resumed_by_itself(qtbot, library):
    Settings().welcome_dismissed = True
    queue_fetch(library, ["skycrane-still", "edl-landing-video"])
    window = open_window(qtbot, library)
    bar = feature(window).bar
    qtbot.waitUntil(bar.isVisible, timeout=10_000)
    assert "stopped before it finished: 2 items left" in bar.text.text()
    assert bar.resume_button.isVisible() and bar.discard_button.isVisible()
    assert feature(window).handle is None  # asked, not automatic
    bar.discard_button.click()
    qtbot.waitUntil(lambda: has_unfinished_run(library) == 0, timeout=10_000)
    qtbot.waitUntil(lambda: "not here yet" in bar.text.text(), timeout=10_000)


def test_resume_continues_the_queue(qtbot, library, server, tmp_path):
    mirror, _expected = install_mirror(server, library, tmp_path)
    set_media_mirror(library, mirror)
    queue_fetch(library, ["skycrane-still"])
    window = open_window(qtbot, library)
    bar = feature(window).bar
    qtbot.waitUntil(bar.resume_button.isVisible, timeout=10_000)
    bar.resume_button.click()
    public = feature(window)
    qtbot.waitUntil(lambda: public.last_report is not None, timeout=60_000)
    assert [o.item_id for o in public.last_report.outcomes] == ["skycrane-still"]
    assert len(library.item("skycrane-still").attachments) == 1


def test_a_note_saved_during_a_long_fetch_is_saved_before_the_fetch_ends(qtbot, library, server, tmp_path):
    """The downloads run on the download pool and each attach is its own short operation: the writer is free
    while a transfer is slow, so an edit made meanwhile is not queued behind the whole run."""
    mirror, expected = install_mirror(server, library, tmp_path)
    set_media_mirror(library, mirror)
    official, body = expected["skycrane-still"]
    slow_path = "/mirror/" + official.split("://", 1)[1]
    slow = Resource(body=body, content_type="image/jpeg", fault="stall", fault_after=100)  # then nothing for 60 s
    server.add(slow_path, slow)
    window = open_window(qtbot, library)
    public = feature(window)
    public.start(["skycrane-still"], ask=False)
    qtbot.waitUntil(lambda: slow.hits >= 1, timeout=20_000)  # the transfer has begun and now hangs
    assert window.select_item("navcam-panorama")
    note_editor = window.tags_feature.note_editor
    qtbot.waitUntil(lambda: note_editor.item_id == "navcam-panorama", timeout=10_000)
    note_editor.editor.setPlainText("written while a download hangs")
    note_editor.save()
    qtbot.waitUntil(lambda: note_of(library, "navcam-panorama") == "written while a download hangs", timeout=20_000)
    # saved, and the fetch is still going (its file can only end by a cancel or its 60 s idle limit)
    assert public.handle is not None and not public.handle.done and public.last_report is None
    assert not library.item("skycrane-still").attachments
    public.handle.cancel()
    qtbot.waitUntil(lambda: public.handle is None, timeout=30_000)
    assert has_unfinished_run(library) == 1  # the interrupted item stays queued, to be resumed
    assert not library.item("skycrane-still").attachments
