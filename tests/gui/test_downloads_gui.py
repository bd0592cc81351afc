"""The app's downloads (pytest-qt, offscreen) against a real HTTP server on 127.0.0.1: the Downloads dock,
Attach from URL, Download from NASA, the NASA search dialog end to end, and quitting with downloads running."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from mediacat.core.download import format_bytes
from mediacat.core.download_attach import set_download_max_time
from mediacat.core.library import Library
from mediacat.gui.dialogs.nasa_search import NasaSearchDialog
from mediacat.gui.features.downloads import DownloadsFeature
from mediacat.gui.features.downloads_panel import CANCELLED, DONE, FAILED, RUNNING
from mediacat.gui.main_window import MainWindow
from tests.gui.window_helpers import downloads_window, installed
from tests.http_server import HTML_PAGE, MediaServer, Resource, jpeg_bytes, mp3_bytes
from tests.nasa_api import SPACED_ID

WAIT_MS = 20_000


@pytest.fixture
def window(qtbot: QtBot, library: Library, nasa_app_server: MediaServer) -> Iterator[MainWindow]:
    yield from downloads_window(qtbot, library, WAIT_MS)


def feature_of(window: MainWindow) -> DownloadsFeature:
    return installed(window, "downloads_feature", DownloadsFeature)


def action(window: MainWindow, menu: str, text: str) -> QAction:
    found = [a for a in window.menu(menu).actions() if a.text().replace("&", "") == text.replace("&", "")]
    assert found, f"no {text!r} in the {menu} menu"
    return found[0]


def incoming_files(library: Library) -> list[str]:
    folder = library.paths.incoming
    return [str(p) for p in folder.rglob("*")] if folder.exists() else []


def test_attach_from_url_downloads_in_the_background_and_attaches(qtbot, window, library, nasa_app_server) -> None:
    url = nasa_app_server.add("/PIA24428-1200.jpg", Resource(body=jpeg_bytes(), content_type="image/jpeg"))
    assert window.select_item("skycrane-still")
    action(window, "Item", "Attach from URL…").trigger()
    dialog = feature_of(window).url_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.url_edit.setText("file:///etc/passwd")
    dialog.accept()
    assert dialog.isVisible() and "file: URLs are refused" in dialog.error_label.text()
    dialog.url_edit.setText(url)
    dialog.accept()
    entry = feature_of(window).model.entries[-1]
    qtbot.waitUntil(lambda: entry.state == DONE, timeout=WAIT_MS)
    attachment = library.item("skycrane-still").attachments[0]
    assert attachment.provenance["source_url"] == url and attachment.original_name == "PIA24428-1200.jpg"
    assert "attached to skycrane-still as #" in entry.status_text()
    assert window.model.data(window.model.index(window.model.row_of("skycrane-still"), 0)) is not None
    assert incoming_files(library) == []


def test_the_panel_shows_progress_and_cancel_leaves_nothing(qtbot, window, library, nasa_app_server) -> None:
    body = mp3_bytes(3.0)
    url = nasa_app_server.add("/slow.mp3", Resource(body=body, fault="stall", fault_after=4000))
    feature = feature_of(window)
    entry = feature.attach_url("mars-wind-audio-original", url)
    model = feature.model
    qtbot.waitUntil(lambda: entry.done == 4000, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: f"of {format_bytes(len(body))}" in model.data(model.index(0)), timeout=WAIT_MS)
    text = model.data(model.index(0))
    assert text.startswith(f"{url} → mars-wind-audio-original: running, 4.0 KB of ") and "/s" in text
    assert entry.total == len(body)
    panel = feature.panel
    assert panel.selected_entry() is entry and panel.cancel_button.isEnabled()
    assert not panel.retry_button.isEnabled()
    assert not panel.grab().isNull()  # the delegate paints the bar, bytes and rate
    panel.cancel_button.click()
    qtbot.waitUntil(lambda: entry.state == CANCELLED, timeout=WAIT_MS)
    assert model.data(model.index(0)).endswith("cancelled")
    assert panel.retry_button.isEnabled() and not panel.cancel_button.isEnabled()
    assert library.item("mars-wind-audio-original").attachments == ()
    assert incoming_files(library) == []


def test_a_failed_download_shows_its_error_and_retry_succeeds(qtbot, window, library, nasa_app_server) -> None:
    nasa_app_server.add("/flaky.jpg", Resource(body=HTML_PAGE, content_type="text/html"))
    url = nasa_app_server.url("/flaky.jpg")
    feature = feature_of(window)
    entry = feature.attach_url("skycrane-still", url)
    qtbot.waitUntil(lambda: entry.state == FAILED, timeout=WAIT_MS)
    assert entry.status_text().startswith(f"{url}: the server sent an HTML page")
    assert window.last_error_dialog is None  # shown in the panel, not as a modal dialog
    assert library.item("skycrane-still").attachments == ()
    nasa_app_server.add("/flaky.jpg", Resource(body=jpeg_bytes(), content_type="image/jpeg"))  # the server is fixed
    feature.panel.select(entry)
    feature.panel.retry_button.click()
    assert entry.state == RUNNING
    qtbot.waitUntil(lambda: entry.state == DONE, timeout=WAIT_MS)
    assert len(library.item("skycrane-still").attachments) == 1
    feature.panel.clear_button.click()
    assert feature.model.rowCount() == 0


def test_the_apps_downloads_obey_the_librarys_stored_time_limit(qtbot, window, library, nasa_app_server) -> None:
    set_download_max_time(library, 0.5)  # as `mediacat download-settings --max-time 0.5` stores it
    url = nasa_app_server.add("/steady.jpg", Resource(body=jpeg_bytes(200, 150), content_type="image/jpeg",
                                             fault="trickle", trickle_interval=0.002))  # ~74 s at this pace
    entry = feature_of(window).attach_url("skycrane-still", url)
    qtbot.waitUntil(lambda: entry.state == FAILED, timeout=WAIT_MS)
    assert "took longer than the limit of 0.5 s" in entry.status_text()
    assert library.item("skycrane-still").attachments == ()
    assert incoming_files(library) == []


def test_download_from_nasa_uses_the_items_media_url(qtbot, window, library, nasa_app_server) -> None:
    """(More in test_nasa_download_gui.py: the menu and the button, the mirror, several URLs, Attach Anyway.)"""
    url = nasa_app_server.add("/45507_PIA24428-1200.jpg", Resource(body=jpeg_bytes(), content_type="image/jpeg"))
    with library.store.transaction():
        library.store.execute("UPDATE items SET media_urls = ? WHERE id = 'skycrane-still'", (json.dumps([url]),))
    download = action(window, "Item", "Download from NASA")
    assert window.select_item("hazcam-wheel-color")
    assert not download.isEnabled()  # no public file known (no media URL, no PIA id)
    assert window.select_item("skycrane-still")
    assert download.isEnabled()
    download.trigger()
    entry = feature_of(window).model.entries[-1]
    qtbot.waitUntil(lambda: entry.state == DONE, timeout=WAIT_MS)
    provenance = library.item("skycrane-still").attachments[0].provenance
    assert provenance["source_url"] == url and provenance["nasa_id"] == "PIA24428"


def test_nasa_search_dialog_end_to_end(qtbot, window, library, nasa_app_server) -> None:
    assert window.select_item("navcam-panorama")
    action(window, "Tools", "Search NASA Image Library…").trigger()
    dialog: NasaSearchDialog = feature_of(window).search_dialog
    assert dialog.isVisible() and dialog.nasa.base_url == nasa_app_server.base_url
    assert "Navcam" in dialog.target_label.text() or "Attach to:" in dialog.target_label.text()
    dialog.query_edit.setText("perseverance")
    dialog.type_combo.setCurrentIndex(dialog.type_combo.findData("image"))
    dialog.search_button.click()
    dialog.search()  # Enter again while the first search runs: ignored
    qtbot.waitUntil(lambda: dialog.results.count() == 2, timeout=WAIT_MS)
    assert len(nasa_app_server.requests_for("/search?q=perseverance&media_type=image")) == 1
    assert dialog.results.item(0).text().startswith("Perseverance Rover's Descent and Touchdown on Mars\nPIA24428")
    assert dialog.status_label.text() == "Page 1: 2 results of 3"
    qtbot.waitUntil(lambda: dialog.thumbnails_pending == 0, timeout=WAIT_MS)
    assert all(not dialog.results.item(row).icon().isNull() for row in range(2))  # thumbnails arrived
    assert dialog.next_button.isEnabled()
    dialog.next_button.click()
    qtbot.waitUntil(lambda: dialog.page_number == 2, timeout=WAIT_MS)
    result = dialog.selected_result()
    assert dialog.results.count() == 1 and result is not None and result.nasa_id == SPACED_ID
    assert not dialog.next_button.isEnabled()
    dialog.rendition_combo.setCurrentIndex(dialog.rendition_combo.findData("medium"))
    assert dialog.download_button.isEnabled()
    dialog.download_button.click()
    entry = feature_of(window).model.entries[-1]
    qtbot.waitUntil(lambda: entry.state in (DONE, FAILED), timeout=WAIT_MS)
    assert entry.state == DONE, entry.message
    attachment = library.item("navcam-panorama").attachments[0]
    assert attachment.provenance["nasa_id"] == SPACED_ID and attachment.provenance["rendition"] == "medium"
    assert attachment.width == 80
    assert nasa_app_server.requests_for("/asset/50%20Years%20of%20Mars%20Exploration%20")
    dialog.close()


def test_a_failed_search_is_shown_in_the_dialog(qtbot, window, nasa_app_server, monkeypatch) -> None:
    monkeypatch.setenv("MEDIACAT_NASA_API", nasa_app_server.url("/broken"))
    dialog = feature_of(window).open_search_dialog()
    dialog.query_edit.setText("mars")
    dialog.search()
    qtbot.waitUntil(lambda: dialog.status_label.text().startswith("The search failed"), timeout=WAIT_MS)
    assert "answered 400: Invalid search parameters" in dialog.status_label.text()
    assert dialog.search_button.isEnabled() and dialog.results.count() == 0
    dialog.close()


def answer_next_question(button: QMessageBox.StandardButton, seen: list[str]) -> None:
    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, answer)
            return
        seen.append(box.text())
        box.button(button).click()

    QTimer.singleShot(0, answer)


def test_quitting_with_a_running_download_asks_first(qtbot, window, library, nasa_app_server) -> None:
    url = nasa_app_server.add("/stuck.jpg", Resource(body=jpeg_bytes(), fault="stall", fault_after=500))
    feature = feature_of(window)
    feature.confirm_quit = feature.ask_before_quit  # the real question, answered by answer_next_question
    entry = feature.attach_url("skycrane-still", url)
    qtbot.waitUntil(lambda: entry.done == 500, timeout=WAIT_MS)
    seen: list[str] = []
    answer_next_question(QMessageBox.StandardButton.No, seen)
    window.close()
    assert seen == ["1 download is still running. Quit anyway and cancel it?"]
    assert window.isVisible() and entry.state == RUNNING
    answer_next_question(QMessageBox.StandardButton.Yes, seen)
    window.close()
    assert len(seen) == 2 and not window.isVisible()
    qtbot.waitUntil(lambda: entry.state == CANCELLED, timeout=WAIT_MS)
    assert library.item("skycrane-still").attachments == () and incoming_files(library) == []


def test_quitting_without_downloads_does_not_ask(qtbot, window) -> None:
    window.close()
    assert not window.isVisible()


def test_the_window_stays_responsive_while_a_download_is_stalled(qtbot, window, nasa_app_server) -> None:
    url = nasa_app_server.add("/stalled.jpg", Resource(body=jpeg_bytes(), fault="stall", fault_after=100))
    entry = feature_of(window).attach_url("skycrane-still", url)
    qtbot.waitUntil(lambda: entry.done == 100, timeout=WAIT_MS)
    # The GUI thread keeps handling events: a search in the main window runs while the worker waits.
    window.search_box.setText("wind")
    qtbot.waitUntil(lambda: window.model.rowCount() < len(window.library.item_ids()), timeout=WAIT_MS)
    assert entry.state == RUNNING
    feature_of(window).cancel(entry)
    qtbot.waitUntil(lambda: entry.state == CANCELLED, timeout=WAIT_MS)
