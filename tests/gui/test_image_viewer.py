"""ImageViewer: off-thread loading, zoom (buttons, keys, wheel), fit and 1:1, panoramas, unreadable files."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from mediacat.gui.views.image_viewer import ZOOM_STEP, ImageViewer
from tests.media_fixtures import make_corrupt_jpeg, make_jpeg, make_png


@pytest.fixture
def viewer(qtbot) -> ImageViewer:
    widget = ImageViewer()
    qtbot.addWidget(widget)
    widget.resize(800, 600)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def load(qtbot, viewer: ImageViewer, path: Path, *, panorama: bool = False) -> None:
    with qtbot.waitSignal(viewer.loaded, timeout=30_000):
        viewer.load(str(path), panorama=panorama)


def test_zoom_in_and_out_change_the_scale(qtbot, viewer: ImageViewer, tmp_path: Path) -> None:
    load(qtbot, viewer, make_jpeg(tmp_path / "photo.jpg", (1600, 1200)))
    fitted = viewer.zoom_factor()
    assert viewer.zoom_label.text() == f"{fitted * 100:.0f}%"
    viewer.zoom_in()
    assert viewer.zoom_factor() == pytest.approx(fitted * ZOOM_STEP)
    viewer.zoom_out()
    viewer.zoom_out()
    assert viewer.zoom_factor() == pytest.approx(fitted / ZOOM_STEP)
    assert viewer.zoom_label.text() == f"{viewer.zoom_factor() * 100:.0f}%"


def test_keys_and_wheel_zoom(qtbot, viewer: ImageViewer, tmp_path: Path) -> None:
    load(qtbot, viewer, make_jpeg(tmp_path / "photo.jpg", (1600, 1200)))
    viewer.view.setFocus()
    start = viewer.zoom_factor()
    qtbot.keyClick(viewer.view, Qt.Key.Key_Plus)
    assert viewer.zoom_factor() == pytest.approx(start * ZOOM_STEP)
    qtbot.keyClick(viewer.view, Qt.Key.Key_Minus)
    assert viewer.zoom_factor() == pytest.approx(start)
    qtbot.keyClick(viewer.view, Qt.Key.Key_1)
    assert viewer.zoom_factor() == pytest.approx(1.0)
    qtbot.keyClick(viewer.view, Qt.Key.Key_F)
    assert viewer.zoom_factor() == pytest.approx(start)
    position = QPointF(100, 100)
    wheel = QWheelEvent(
        position, viewer.view.viewport().mapToGlobal(position), QPoint(), QPoint(0, 120),
        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False,
    )  # fmt: skip
    QApplication.sendEvent(viewer.view.viewport(), wheel)
    assert viewer.zoom_factor() == pytest.approx(start * ZOOM_STEP)


def test_fit_and_actual_size(qtbot, viewer: ImageViewer, tmp_path: Path) -> None:
    load(qtbot, viewer, make_jpeg(tmp_path / "photo.jpg", (1600, 1200)))
    viewport = viewer.view.viewport()
    factor = viewer.zoom_factor()
    assert factor < 1.0
    assert 1600 * factor <= viewport.width() + 1 and 1200 * factor <= viewport.height() + 1
    assert 1600 * factor >= viewport.width() - 4 or 1200 * factor >= viewport.height() - 4
    viewer.actual_size()
    assert viewer.zoom_factor() == pytest.approx(1.0)
    assert viewer.zoom_label.text() == "100%"
    viewer.fit()
    assert viewer.zoom_factor() == pytest.approx(factor)


def test_exif_orientation_is_applied(qtbot, viewer: ImageViewer, tmp_path: Path) -> None:
    load(qtbot, viewer, make_jpeg(tmp_path / "rotated.jpg", (640, 480), orientation=6))
    assert viewer.view.sceneRect().size().toSize().toTuple() == (480, 640)


def test_panorama_opens_fitted_to_height_with_a_horizontal_scroll_bar(qtbot, viewer, tmp_path: Path) -> None:
    load(qtbot, viewer, make_png(tmp_path / "panorama.png", (12000, 2000)))
    assert viewer.is_panorama()
    viewport = viewer.view.viewport()
    assert viewer.zoom_factor() == pytest.approx(viewport.height() / 2000, rel=0.02)
    scroll_bar = viewer.view.horizontalScrollBar()
    assert scroll_bar.isVisible() and scroll_bar.maximum() > 0 and scroll_bar.value() == scroll_bar.minimum()
    assert not viewer.view.verticalScrollBar().isVisible()
    viewer.resize(800, 400)  # a resize keeps it fitted to height
    qtbot.waitUntil(lambda: viewer.zoom_factor() == pytest.approx(viewport.height() / 2000, rel=0.02))


def test_item_kind_panorama_fits_height_even_when_not_wide(qtbot, viewer: ImageViewer, tmp_path: Path) -> None:
    load(qtbot, viewer, make_jpeg(tmp_path / "photo.jpg", (1600, 1200)), panorama=True)
    assert viewer.is_panorama()
    assert viewer.zoom_factor() == pytest.approx(viewer.view.viewport().height() / 1200, rel=0.02)


@pytest.mark.qt_log_ignore("JPEG datastream contains no image", "unknown JFIF revision")  # libjpeg on the bad file
@pytest.mark.parametrize("case", ["corrupt", "missing", "empty"])
def test_unreadable_image_shows_a_message_naming_the_file(qtbot, viewer: ImageViewer, tmp_path: Path, case) -> None:
    path = tmp_path / f"{case}.jpg"
    if case == "corrupt":
        make_corrupt_jpeg(path)
    elif case == "empty":
        path.write_bytes(b"")
    with qtbot.waitSignal(viewer.load_failed, timeout=30_000) as failed:
        viewer.load(str(path))
    assert str(path) in failed.args[0]
    assert str(path) in viewer.message_text() and viewer.message.isVisible()
    assert not viewer.has_image() and not viewer.fit_action.isEnabled()
    viewer.zoom_in()  # nothing to zoom: no error
    load(qtbot, viewer, make_jpeg(tmp_path / "good.jpg"))  # the next file shows normally
    assert viewer.message_text() == ""


def test_a_newer_load_wins_over_an_older_one(qtbot, viewer: ImageViewer, tmp_path: Path) -> None:
    big = make_png(tmp_path / "big.png", (6000, 1000))
    small = make_jpeg(tmp_path / "small.jpg", (320, 240))
    loaded: list[str] = []
    viewer.loaded.connect(loaded.append)
    viewer.load(str(big))
    load(qtbot, viewer, small)
    qtbot.wait(50)
    from mediacat.gui.tasks import shared_runner

    shared_runner().wait_for_all()
    qtbot.wait(50)
    assert loaded == [str(small)]
    assert viewer.view.sceneRect().width() == 320
