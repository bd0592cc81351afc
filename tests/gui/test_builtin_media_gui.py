"""Built-in pictures in the grid, the detail pane and the viewer: shown where nothing is attached, with their
credit and what they are to the item."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap

from mediacat.gui.models.catalog_model import Roles
from mediacat.gui.views.image_viewer import ImageViewer
from mediacat.gui.views.viewer_window import ViewerWindow
from tests.gui.window_helpers import link_attachment, open_window
from tests.media_fixtures import make_jpeg

FRAME_LABEL = "A frame from the parachute up-look camera, not the clip"
RELATED_LABEL = "Related view: the 360° Navcam mosaic, not this six-image panorama"


def test_the_grid_shows_the_builtin_pictures_of_a_new_library_with_their_credit(qtbot, library):
    window = open_window(qtbot, library, thumbnails=True)
    for item_id, width, height in (("skycrane-still", 1200, 900), ("navcam-panorama", 1280, 377)):
        index = window.model.index(window.model.row_of(item_id), 0)
        qtbot.waitUntil(lambda index=index: isinstance(index.data(Roles.ThumbnailRole), QPixmap), timeout=20_000)
        thumbnail = index.data(Roles.ThumbnailRole)
        assert abs(thumbnail.width() / thumbnail.height() - width / height) < 0.1  # the real picture's shape
        builtin = index.data(Roles.BuiltinRole)
        assert builtin is not None and builtin.credit == "NASA/JPL-Caltech"
        assert "NASA/JPL-Caltech" in index.data(Qt.ItemDataRole.ToolTipRole)
    related = window.model.index(window.model.row_of("navcam-panorama"), 0)
    assert RELATED_LABEL in related.data(Qt.ItemDataRole.ToolTipRole)
    assert window.model.index(window.model.row_of("edl-landing-video"), 0).data(Roles.BuiltinRole) is None
    # The painted tile carries the credit band: its bottom rows are dark, unlike the picture's own pixels.
    window.grid.scrollTo(related)
    window.grid.viewport().repaint()
    rect = window.grid.visualRect(related)
    assert rect.height() > 100
    image = window.grid.viewport().grab(rect).toImage()
    assert _darkest_row_is_near_the_bottom(image)


def _darkest_row_is_near_the_bottom(image: QImage) -> bool:
    height = image.height()
    top_of_band = int(height * 0.55)
    samples = [image.pixelColor(x, y).lightness() for y in range(top_of_band, height - 20, 2)
               for x in range(10, image.width() - 10, 6)]
    return min(samples) < 40


def test_the_detail_pane_shows_the_builtin_picture_and_says_what_it_is(qtbot, library):
    window = open_window(qtbot, library, thumbnails=True)
    window.select_item("edl-parachute-uplook")
    pane = window.detail
    qtbot.waitUntil(lambda: pane.caption.isVisibleTo(pane), timeout=20_000)
    assert pane.caption.text() == f"{FRAME_LABEL}. Credit: NASA/JPL-Caltech"
    assert not pane.preview.pixmap().isNull()
    assert pane.how_to.text().startswith("The picture shown is built into the catalog")
    assert "Built into the catalog" in pane.fields.text() and FRAME_LABEL in pane.fields.text()


def test_an_attachment_of_its_own_replaces_the_builtin_picture(qtbot, library, tmp_path):
    link_attachment(library, "skycrane-still", make_jpeg(tmp_path / "mine.jpg", (800, 400)), "image/jpeg", "image")
    window = open_window(qtbot, library, thumbnails=True)
    window.select_item("skycrane-still")
    index = window.model.index(window.model.row_of("skycrane-still"), 0)
    assert index.data(Roles.BuiltinRole) is None
    qtbot.waitUntil(lambda: isinstance(index.data(Roles.ThumbnailRole), QPixmap), timeout=20_000)
    assert abs(index.data(Roles.ThumbnailRole).width() / index.data(Roles.ThumbnailRole).height() - 2.0) < 0.1
    assert not window.detail.caption.isVisibleTo(window.detail)


def test_the_viewer_shows_the_builtin_picture_with_its_caption(qtbot, library):
    window = open_window(qtbot, library)
    window.select_item("navcam-panorama")
    window.grid.setFocus()
    qtbot.keyClick(window.grid, Qt.Key.Key_Return)
    viewer = window.findChild(ViewerWindow)
    assert viewer is not None and viewer.isVisible()
    assert viewer.pages.currentWidget() is viewer.media_view
    assert isinstance(viewer.media_view.current_viewer(), ImageViewer)
    assert viewer.media_view.attachment() is None  # shown, never made an attachment
    assert viewer.caption.isVisible() and viewer.caption.text().startswith(f"{RELATED_LABEL}. Credit: NASA/JPL-Caltech")
    assert library.item("navcam-panorama").attachments == ()
