"""The main window with attached files: thumbnails in the grid and details, badges, counts, the viewer."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap

from mediacat.core.operations import attach_paths_op
from mediacat.gui.models.catalog_model import Roles
from mediacat.gui.views.viewer_window import ViewerWindow
from tests.gui.window_helpers import link_attachment, open_window, settle
from tests.media_fixtures import make_jpeg, make_wav


def test_grid_and_details_show_the_thumbnail_of_the_first_attachment(qtbot, library, tmp_path):
    link_attachment(library, "skycrane-still", make_jpeg(tmp_path / "skycrane.jpg", (800, 400)), "image/jpeg",
                    "image")
    window = open_window(qtbot, library, thumbnails=True)
    window.select_item("skycrane-still")
    index = window.model.index(window.model.row_of("skycrane-still"), 0)
    qtbot.waitUntil(lambda: isinstance(index.data(Roles.ThumbnailRole), QPixmap), timeout=20_000)
    thumbnail = index.data(Roles.ThumbnailRole)
    assert thumbnail.width() / thumbnail.devicePixelRatio() <= window.model.thumbnail_size
    assert abs(thumbnail.width() / thumbnail.height() - 2.0) < 0.1  # the picture's own shape
    qtbot.waitUntil(lambda: window.detail.preview.pixmap().width() > window.detail.preview.pixmap().height())
    assert not window.detail.how_to.isVisibleTo(window.detail)
    assert "skycrane.jpg" in window.detail.fields.text()
    assert window.count_label.text() == (f"{len(library.item_ids())} items, 1 with media"
                                         f", {len(library.item_ids_with_builtin_media())} with a built-in NASA file")
    assert window.visible_thumbnails_pending() == 0


def test_missing_attachment_gets_the_warning_role(qtbot, library, tmp_path):
    link_attachment(library, "navcam-panorama", tmp_path / "moved-away.jpg", "image/jpeg", "image",
                    status="missing")
    window = open_window(qtbot, library)
    index = window.model.index(window.model.row_of("navcam-panorama"), 0)
    assert index.data(Roles.ProblemCountRole) == 1
    assert index.data(Roles.AttachmentCountRole) == 1
    assert "missing, modified or unreadable" in index.data(Qt.ItemDataRole.ToolTipRole)
    window.select_item("navcam-panorama")
    assert "missing" in window.detail.fields.text()


def test_an_attach_operation_shows_the_new_attachment_everywhere(qtbot, library, tmp_path):
    window = open_window(qtbot, library)
    window.select_item("skycrane-still")
    assert window.detail.how_to.isVisibleTo(window.detail)
    assert "0 with media" in window.count_label.text()
    window.run_op(attach_paths_op, "skycrane-still", [str(make_jpeg(tmp_path / "new.jpg"))], "link", False, False)
    settle(qtbot, window)  # the views refreshed from library_changed: the row, the detail pane, the counts
    index = window.model.index(window.model.row_of("skycrane-still"), 0)
    assert index.data(Roles.AttachmentCountRole) == 1
    assert not window.detail.how_to.isVisibleTo(window.detail)
    assert "1 with media" in window.count_label.text()


def test_viewer_plays_and_pauses_with_space(qtbot, library, tmp_path):
    link_attachment(library, "mars-wind-audio-filtered", make_wav(tmp_path / "wind.wav", 3.0), "audio/x-wav",
                    "audio")
    window = open_window(qtbot, library)
    window.select_item("mars-wind-audio-filtered")
    window.current_view().setFocus()
    qtbot.keyClick(window.current_view(), Qt.Key.Key_Return)
    viewer = window.findChild(ViewerWindow)
    qtbot.waitUntil(viewer.isActiveWindow)
    assert viewer.pages.currentWidget() is viewer.media_view
    player = viewer.media_view.current_viewer()
    assert player is viewer.media_view.audio_player
    qtbot.keyClick(viewer, Qt.Key.Key_Space)
    qtbot.waitUntil(player.is_playing, timeout=10_000)
    qtbot.keyClick(viewer, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not player.is_playing(), timeout=10_000)
    viewer.close()


def test_viewer_shows_an_attached_image(qtbot, library, tmp_path):
    link_attachment(library, "navcam-panorama", make_jpeg(tmp_path / "pano.jpg", (1200, 300)), "image/jpeg",
                    "image")
    window = open_window(qtbot, library)
    viewer = window.open_viewer("navcam-panorama")
    assert viewer.pages.currentWidget() is viewer.media_view
    assert viewer.media_view.current_viewer() is viewer.media_view.image_viewer
    assert viewer.windowTitle().startswith(library.item("navcam-panorama").title)
