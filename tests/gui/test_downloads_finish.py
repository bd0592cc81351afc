# ruff: noqa: F811  (the fixtures of test_downloads_gui are imported by name)
"""Issue 16, downloads and dialogs: a download whose content is already attached offers Attach Anyway; the
Attach from URL dialog and the viewer of an item without a file show all of their text."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from mediacat.core.attachments import attach_file
from mediacat.gui.dialogs.attach_url import AttachUrlDialog
from mediacat.gui.features.downloads_panel import DONE, FAILED
from mediacat.gui.views.viewer_window import ViewerWindow
from tests.gui.test_downloads_gui import WAIT_MS, feature_of, window  # noqa: F401  (the window fixture)
from tests.gui.window_helpers import open_window
from tests.http_server import Resource, jpeg_bytes


def test_a_download_of_content_already_attached_offers_attach_anyway(qtbot, window, library, server, tmp_path):
    body = jpeg_bytes()
    existing = tmp_path / "mine.jpg"
    existing.write_bytes(body)
    attach_file(library, "skycrane-still", existing)
    url = server.add("/again.jpg", Resource(body=body, content_type="image/jpeg"))
    feature = feature_of(window)
    entry = feature.attach_url("skycrane-still", url)
    qtbot.waitUntil(lambda: entry.state == FAILED, timeout=WAIT_MS)
    assert entry.duplicate and "the same content is already attached" in entry.status_text()
    assert "Attach Anyway" in entry.status_text()
    panel = feature.panel
    panel.select(entry)
    assert panel.anyway_button.isVisibleTo(panel) and not panel.retry_button.isVisibleTo(panel)
    panel.anyway_button.click()
    qtbot.waitUntil(lambda: entry.state == DONE, timeout=WAIT_MS)
    attachments = library.item("skycrane-still").attachments
    assert len(attachments) == 2 and {a.sha256 for a in attachments} == {attachments[0].sha256}
    assert attachments[1].provenance["source_url"] == url
    assert not panel.anyway_button.isVisibleTo(panel)


def test_an_ordinary_failure_still_offers_retry_not_attach_anyway(qtbot, window, server):
    url = server.add("/missing.jpg", Resource(body=b"", status=404))
    entry = feature_of(window).attach_url("skycrane-still", url)
    qtbot.waitUntil(lambda: entry.state == FAILED, timeout=WAIT_MS)
    panel = feature_of(window).panel
    panel.select(entry)
    assert not entry.duplicate and panel.retry_button.isVisibleTo(panel)
    assert not panel.anyway_button.isVisibleTo(panel)


def fully_shown(label: QLabel) -> bool:
    """The label is tall enough for its wrapped text at its width."""
    return label.isVisible() and label.height() >= label.heightForWidth(label.width())


def test_the_attach_from_url_dialog_shows_its_whole_text(qtbot, library):
    dialog = AttachUrlDialog("skycrane-still", library.item("skycrane-still").title * 3)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert fully_shown(dialog.intro)
    dialog.url_edit.setText("ftp://" + "very-long-host-name." * 12 + "example/file.jpg")
    dialog.accept()
    qtbot.waitUntil(dialog.error_label.isVisible)
    qtbot.wait(10)
    assert dialog.error_label.text() and fully_shown(dialog.error_label) and fully_shown(dialog.intro)


def test_the_viewer_of_an_item_without_a_file_shows_its_text(qtbot, library):
    window = open_window(qtbot, library)
    viewer = window.open_viewer("hirise-parachute-descent")  # no attachment and no built-in picture
    assert isinstance(viewer, ViewerWindow)
    for size in ((960, 720), (520, 360), (420, 300)):
        viewer.resize(*size)
        qtbot.wait(20)
        assert "No file is attached" in viewer.how_to.text() or "attach" in viewer.how_to.text().lower()
        assert fully_shown(viewer.how_to), size
        assert not viewer.how_to.geometry().intersects(viewer.placeholder.geometry()), size
    viewer.close()
