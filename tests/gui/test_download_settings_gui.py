"""Tools ▸ Download Settings… (pytest-qt, offscreen): the dialog shows the library's settings and their defaults,
checks what is typed, saves through the window's writer what the CLI then reads, and the app's next download
(from a real HTTP server on 127.0.0.1) obeys it."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QDialogButtonBox, QLineEdit
from pytestqt.qtbot import QtBot

from mediacat.cli import main
from mediacat.core.download import format_bytes
from mediacat.core.download_attach import MAX_BYTES_SETTING
from mediacat.core.download_settings import (
    DEFAULT_DOWNLOAD_SETTINGS,
    DownloadSettingsUpdate,
    apply_download_settings,
    download_settings,
)
from mediacat.core.events import Event, events
from mediacat.core.library import Library
from mediacat.core.nasa import API_ENV
from mediacat.gui.dialogs.download_settings import DownloadSettingsDialog
from mediacat.gui.features.download_settings import DownloadSettingsFeature
from mediacat.gui.features.downloads_panel import FAILED
from mediacat.gui.main_window import MainWindow
from tests.gui.window_helpers import downloads_window, installed, settle
from tests.http_server import MediaServer, Resource, jpeg_bytes

WAIT_MS = 20_000


@pytest.fixture
def window(qtbot: QtBot, library: Library, monkeypatch: pytest.MonkeyPatch) -> Iterator[MainWindow]:
    monkeypatch.delenv(API_ENV, raising=False)
    yield from downloads_window(qtbot, library, WAIT_MS)


def settings_feature(window: MainWindow) -> DownloadSettingsFeature:
    return installed(window, "download_settings_feature", DownloadSettingsFeature)


def open_dialog(qtbot: QtBot, window: MainWindow) -> DownloadSettingsDialog:
    """Tools ▸ Download Settings…, as a person chooses it; waits until the reader's answer filled it in."""
    (action,) = [a for a in window.menu("Tools").actions() if a.text().replace("&", "") == "Download Settings…"]
    action.trigger()
    dialog = settings_feature(window).dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.ok_button.isEnabled(), timeout=WAIT_MS)
    return dialog


def type_into(qtbot: QtBot, edit: QLineEdit, text: str) -> None:
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    qtbot.keyClicks(edit, text)


def click(qtbot: QtBot, button: QAbstractButton) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def save(qtbot: QtBot, window: MainWindow, dialog: DownloadSettingsDialog) -> None:
    click(qtbot, dialog.ok_button)
    qtbot.waitUntil(lambda: settings_feature(window).dialog is None, timeout=WAIT_MS)
    settle(qtbot, window)


def settings_events(library: Library) -> list[Event]:
    return [event for event in events(library) if event.action == "download-settings"]


def test_the_dialog_shows_the_librarys_settings_and_their_defaults(qtbot, window, library) -> None:
    apply_download_settings(library, DownloadSettingsUpdate(max_bytes=500 * 1024**2, max_time=600.0,
                                                            media_mirror_url="https://mirror.example.org/nasa"))
    dialog = open_dialog(qtbot, window)
    assert dialog.size_edit.text() == "500M"
    assert dialog.size_hint.text() == f"Now 500M ({format_bytes(500 * 1024**2)}); default 2G (2.1 GB)."
    assert dialog.rate_check.isChecked() and dialog.rate_edit.text() == "1K"
    assert dialog.rate_hint.text() == "Now 1K bytes a second; default 1K bytes a second."
    assert dialog.time_check.isChecked() and dialog.time_edit.text() == "600"
    assert dialog.time_hint.text() == "Now 600 s; default no limit."
    assert dialog.api_edit.text() == "https://images-api.nasa.gov" and "default the official" in dialog.api_hint.text()
    assert dialog.mirror_check.isChecked() and dialog.mirror_edit.text() == "https://mirror.example.org/nasa"
    assert dialog.mirror_hint.text() == "Now https://mirror.example.org/nasa; default none (NASA's own servers)."
    assert not dialog.status_label.isVisible()
    click(qtbot, dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel))
    assert window.download_settings_feature.dialog is None or not dialog.isVisible()


def test_a_size_limit_saved_in_the_dialog_refuses_a_larger_download(qtbot, window, library,
                                                                     server: MediaServer) -> None:
    body = jpeg_bytes()
    assert len(body) > 4096
    url = server.add("/PIA24428-1200.jpg", Resource(body=body, content_type="image/jpeg"))
    dialog = open_dialog(qtbot, window)
    type_into(qtbot, dialog.size_edit, "4K")
    save(qtbot, window, dialog)
    assert download_settings(library).max_bytes == 4096
    assert "Download settings saved: size limit" in window.statusBar().currentMessage()
    entry = window.downloads_feature.attach_url("skycrane-still", url)
    qtbot.waitUntil(lambda: entry.state == FAILED, timeout=WAIT_MS)
    assert entry.status_text() == f"{url}: the file is {format_bytes(len(body))}, over the limit of 4.1 KB"
    assert library.item("skycrane-still").attachments == ()


def test_the_cli_sees_what_the_dialog_saved(qtbot, window, library, capsys) -> None:
    dialog = open_dialog(qtbot, window)
    click(qtbot, dialog.rate_check)  # no minimum rate
    click(qtbot, dialog.time_check)
    type_into(qtbot, dialog.time_edit, "30")
    type_into(qtbot, dialog.api_edit, "http://127.0.0.1:9/api/")
    click(qtbot, dialog.mirror_check)
    type_into(qtbot, dialog.mirror_edit, "https://mirror.example.org/nasa")
    save(qtbot, window, dialog)
    assert main(["download-settings", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "max_bytes": 2 * 1024**3, "nasa_api_url": "http://127.0.0.1:9/api", "min_rate": 0.0, "max_time": 30.0,
        "media_mirror_url": "https://mirror.example.org/nasa"}
    (event,) = settings_events(library)  # one operation, one event, naming only what changed
    assert set(event.details["after"]) == {"nasa_api_url", "min_rate", "max_time", "media_mirror_url"}


def test_saving_the_settings_does_not_run_the_catalog_query_again(qtbot, window, library) -> None:
    """Nothing the catalog shows depends on them: the save is announced as download settings, not settings."""
    answers: list[None] = []
    window.model.query_changed.connect(lambda: answers.append(None))
    dialog = open_dialog(qtbot, window)
    type_into(qtbot, dialog.size_edit, "500M")
    save(qtbot, window, dialog)
    settle(qtbot, window)
    assert download_settings(library).max_bytes == 500 * 1024**2
    assert answers == []


def test_a_wrong_value_names_its_field_and_saves_nothing(qtbot, window, library) -> None:
    dialog = open_dialog(qtbot, window)
    type_into(qtbot, dialog.size_edit, "lots")
    type_into(qtbot, dialog.time_edit, "30")  # disabled (no limit): typing there does nothing
    assert dialog.time_edit.text() == ""
    click(qtbot, dialog.ok_button)
    assert dialog.isVisible() and dialog.error_label.isVisible()
    assert dialog.error_label.text() == "Size limit: 'lots' is not a size in bytes (e.g. 1500000, 500M, 2G)"
    type_into(qtbot, dialog.size_edit, "1G")
    click(qtbot, dialog.mirror_check)
    click(qtbot, dialog.ok_button)
    assert dialog.error_label.text() == "Mirror URL: type the mirror's http or https URL, or untick the mirror"
    type_into(qtbot, dialog.mirror_edit, "ftp://mirror.example.org")
    click(qtbot, dialog.ok_button)
    assert dialog.error_label.text().startswith("Mirror URL: ftp://mirror.example.org: ftp: URLs are refused")
    click(qtbot, dialog.time_check)
    type_into(qtbot, dialog.time_edit, "0")
    click(qtbot, dialog.ok_button)
    assert dialog.error_label.text() == "Time limit: '0' is not a positive number of seconds"
    settle(qtbot, window)
    assert download_settings(library) == DEFAULT_DOWNLOAD_SETTINGS and settings_events(library) == []
    assert dialog.isVisible()
    click(qtbot, dialog.time_check)
    click(qtbot, dialog.mirror_check)
    dialog.accept()
    dialog.accept()  # Save pressed twice before the writer answered: one save
    assert not dialog.ok_button.isEnabled() and dialog.status_label.text() == "Saving…"
    qtbot.waitUntil(lambda: settings_feature(window).dialog is None, timeout=WAIT_MS)
    settle(qtbot, window)
    assert download_settings(library).max_bytes == 1024**3 and len(settings_events(library)) == 1


def test_a_save_the_library_refuses_keeps_the_dialog_open_with_the_reason(qtbot, library, monkeypatch) -> None:
    monkeypatch.setattr("mediacat.core.store.connection.BUSY_TIMEOUT_MS", 200)
    monkeypatch.delenv(API_ENV, raising=False)
    win = MainWindow(library, thumbnails=False)
    qtbot.addWidget(win)
    win.show()
    settle(qtbot, win)
    dialog = open_dialog(qtbot, win)
    type_into(qtbot, dialog.size_edit, "4K")
    other = library.reopen()  # another process writing: the library is busy
    other.store.execute("BEGIN IMMEDIATE")
    try:
        click(qtbot, dialog.ok_button)
        qtbot.waitUntil(lambda: dialog.error_label.isVisible(), timeout=WAIT_MS)
    finally:
        other.store.execute("ROLLBACK")
        other.close()
    assert dialog.error_label.text().startswith("The download settings were not saved: ")
    assert "busy" in dialog.error_label.text()
    assert dialog.isVisible() and dialog.ok_button.isEnabled() and not dialog.saving
    assert download_settings(library).max_bytes == DEFAULT_DOWNLOAD_SETTINGS.max_bytes
    save(qtbot, win, dialog)  # free again: the same Save goes through
    assert download_settings(library).max_bytes == 4096


def test_restore_defaults_fills_the_defaults_and_saves_them_as_defaults(qtbot, window, library) -> None:
    apply_download_settings(library, DownloadSettingsUpdate(4096, 0.0, 30.0, "http://127.0.0.1:9",
                                                            "https://mirror.example.org"))
    dialog = open_dialog(qtbot, window)
    click(qtbot, dialog.restore_button)
    assert dialog.size_edit.text() == "2G" and dialog.rate_check.isChecked() and dialog.rate_edit.text() == "1K"
    assert not dialog.time_check.isChecked() and not dialog.time_edit.isEnabled()
    assert dialog.api_edit.text() == "https://images-api.nasa.gov" and not dialog.mirror_check.isChecked()
    assert download_settings(library).max_bytes == 4096  # nothing saved before Save
    save(qtbot, window, dialog)
    assert download_settings(library) == DEFAULT_DOWNLOAD_SETTINGS
    assert library.store.get_meta(MAX_BYTES_SETTING) is None  # "the default", not 2 GiB written down


def test_the_official_button_brings_the_nasa_api_back(qtbot, window, library, monkeypatch) -> None:
    apply_download_settings(library, DownloadSettingsUpdate(nasa_api_url="http://127.0.0.1:9"))
    monkeypatch.setenv(API_ENV, "http://127.0.0.1:8")
    dialog = open_dialog(qtbot, window)
    assert dialog.api_edit.text() == "http://127.0.0.1:9"  # the library's own, which the dialog changes
    assert dialog.api_env_note.isVisible()
    assert dialog.api_env_note.text() == "$MEDIACAT_NASA_API is set: while it is, the app asks http://127.0.0.1:8."
    click(qtbot, dialog.official_button)
    assert dialog.api_edit.text() == "https://images-api.nasa.gov"
    save(qtbot, window, dialog)
    assert download_settings(library).nasa_api_setting is None


def test_cancel_saves_nothing(qtbot, window, library) -> None:
    dialog = open_dialog(qtbot, window)
    type_into(qtbot, dialog.size_edit, "4K")
    click(qtbot, dialog.restore_button)
    type_into(qtbot, dialog.size_edit, "8K")
    click(qtbot, dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel))
    qtbot.waitUntil(lambda: settings_feature(window).dialog is None, timeout=WAIT_MS)
    settle(qtbot, window)
    assert download_settings(library) == DEFAULT_DOWNLOAD_SETTINGS and settings_events(library) == []


def test_a_change_made_elsewhere_shows_while_the_dialog_is_open_and_survives_its_save(qtbot, window, library,
                                                                                      capsys) -> None:
    dialog = open_dialog(qtbot, window)
    type_into(qtbot, dialog.size_edit, "8K")
    assert main(["download-settings", "--max-time", "45"]) == 0  # another process, while the dialog is open
    capsys.readouterr()
    qtbot.waitUntil(lambda: dialog.time_hint.text().startswith("Now 45 s;"), timeout=WAIT_MS)
    assert not dialog.time_check.isChecked()  # what the person sees and edits stays as they left it
    save(qtbot, window, dialog)
    settings = download_settings(library)
    assert (settings.max_bytes, settings.max_time) == (8192, 45.0)  # the untouched field kept the other change
