"""The image viewer: a QGraphicsView with wheel/key zoom under the mouse, drag to pan, Fit and 1:1, panoramas."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QAction, QImage, QImageReader, QKeySequence, QPainter, QPixmap, QWheelEvent
from PySide6.QtWidgets import (
    QGraphicsPixmapItem,
    QGraphicsScene,
    QGraphicsView,
    QLabel,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from mediacat.core.errors import MediaCatError
from mediacat.gui.tasks import run_in_background

PANORAMA_ASPECT = 2.5
ZOOM_STEP = 1.25
MIN_ZOOM = 0.01
MAX_ZOOM = 32.0


def read_image(path: str) -> QImage:
    """The image at path, upright per its EXIF (runs on a worker); MediaCatError naming the file on failure."""
    file = Path(path)
    if not file.is_file():
        raise MediaCatError(f"cannot read image {file}: no such file")
    reader = QImageReader(str(file))
    reader.setAutoTransform(True)
    image = reader.read()
    if image.isNull():
        raise MediaCatError(f"cannot read image {file}: {reader.errorString()}")
    return image


class _ZoomingView(QGraphicsView):
    """Zooms with the wheel (anchored under the mouse); drags pan; tells the viewer when its viewport resized
    (the window, or a scroll bar appearing)."""

    wheel_zoom = Signal(float)
    resized = Signal()

    def __init__(self, scene: QGraphicsScene, parent: QWidget) -> None:
        super().__init__(scene, parent)
        self.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.viewport() and event.type() == QEvent.Type.Resize:
            self.resized.emit()
        return super().eventFilter(watched, event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120
        if steps:
            self.wheel_zoom.emit(ZOOM_STEP**steps)
            event.accept()
        else:
            super().wheelEvent(event)


class ImageViewer(QWidget):
    """Shows one image file; loads it off the GUI thread; errors are shown as a message naming the file."""

    zoom_changed = Signal(float)
    loaded = Signal(str)  # path, once the image is on screen
    load_failed = Signal(str)  # the message

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Image viewer")
        self._path: str | None = None
        self._request = 0
        self._mode = "fit"  # fit | fit_height | manual: what a resize keeps
        self._panorama = False
        self._scene = QGraphicsScene(self)
        self._pixmap_item = QGraphicsPixmapItem()
        self._pixmap_item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self._scene.addItem(self._pixmap_item)

        self.view = _ZoomingView(self._scene, self)
        self.view.setAccessibleName("Image")
        self.view.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.view.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.view.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.view.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        self.view.setBackgroundBrush(self.palette().dark())
        self.view.wheel_zoom.connect(self.zoom_by)
        self.view.resized.connect(self._refit)
        self.setFocusProxy(self.view)  # the zoom keys work as soon as the viewer shows, before any click

        self.message = QLabel(self)
        self.message.setAccessibleName("Image viewer message")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self._pages = QStackedWidget(self)
        self._pages.addWidget(self.view)
        self._pages.addWidget(self.message)

        self.toolbar = QToolBar("Image", self)
        self.toolbar.setAccessibleName("Image viewer tools")
        zoom_in_keys = [QKeySequence.StandardKey.ZoomIn, "+", "Shift++", "="]  # Shift++: "+" on a US keyboard
        self.zoom_in_action = self._action("Zoom in", zoom_in_keys, self.zoom_in)
        self.zoom_out_action = self._action("Zoom out", [QKeySequence.StandardKey.ZoomOut, "-"], self.zoom_out)
        self.fit_action = self._action("Fit", ["F"], self.fit)
        self.actual_size_action = self._action("1:1", ["1"], self.actual_size)
        self.zoom_label = QLabel("", self)
        self.zoom_label.setAccessibleName("Zoom level")
        self.zoom_label.setMinimumWidth(self.zoom_label.fontMetrics().horizontalAdvance("10000%") + 8)
        self.toolbar.addWidget(self.zoom_label)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self._pages, 1)
        self._set_actions_enabled(False)

    def _action(self, text: str, shortcuts: list, slot) -> QAction:
        action = QAction(text, self)
        action.setShortcuts([QKeySequence(shortcut) for shortcut in shortcuts])
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.setToolTip(f"{text} ({QKeySequence(shortcuts[-1]).toString()})")
        action.triggered.connect(slot)
        self.addAction(action)
        self.toolbar.addAction(action)
        return action

    # -- loading

    def load(self, path: str, *, panorama: bool = False) -> None:
        """Show the image at path; `panorama` (or an aspect ratio of 2.5 or more) opens it fitted to height."""
        self._request += 1
        request = self._request
        self._path = path
        self._panorama = panorama
        self._pixmap_item.setPixmap(QPixmap())
        self._show_message(f"Loading {Path(path).name}…")
        self._set_actions_enabled(False)
        run_in_background(
            read_image,
            path,
            on_success=lambda image: self._on_loaded(request, image),
            on_failure=lambda message: self._on_failed(request, message),
        )

    def clear(self) -> None:
        self._request += 1
        self._path = None
        self._pixmap_item.setPixmap(QPixmap())
        self._show_message("")
        self._set_actions_enabled(False)

    def _on_loaded(self, request: int, image: QImage) -> None:
        if request != self._request:
            return
        pixmap = QPixmap.fromImage(image)
        self._pixmap_item.setPixmap(pixmap)
        self._scene.setSceneRect(self._pixmap_item.boundingRect())
        self._panorama = self._panorama or pixmap.width() >= PANORAMA_ASPECT * max(1, pixmap.height())
        self._pages.setCurrentWidget(self.view)
        self._set_actions_enabled(True)
        if self._panorama:
            self.fit_height()
        else:
            self.fit()
        self.loaded.emit(self._path or "")

    def _on_failed(self, request: int, message: str) -> None:
        if request != self._request:
            return
        self._show_message(message)
        self.load_failed.emit(message)

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self._pages.setCurrentWidget(self.message)

    def _set_actions_enabled(self, enabled: bool) -> None:
        for action in (self.zoom_in_action, self.zoom_out_action, self.fit_action, self.actual_size_action):
            action.setEnabled(enabled)
        if not enabled:
            self.zoom_label.setText("")

    # -- facts

    @property
    def path(self) -> str | None:
        return self._path

    def has_image(self) -> bool:
        return not self._pixmap_item.pixmap().isNull()

    def is_panorama(self) -> bool:
        return self._panorama and self.has_image()

    def zoom_factor(self) -> float:
        """The current scale: 1.0 is one image pixel per screen pixel."""
        return self.view.transform().m11()

    def message_text(self) -> str:
        return self.message.text() if self._pages.currentWidget() is self.message else ""

    # -- zooming

    def zoom_in(self) -> None:
        self.zoom_by(ZOOM_STEP)

    def zoom_out(self) -> None:
        self.zoom_by(1 / ZOOM_STEP)

    def zoom_by(self, factor: float) -> None:
        """Scale by factor around the point under the mouse (the view's center when the mouse is elsewhere)."""
        if not self.has_image():
            return
        current = self.zoom_factor()
        target = min(MAX_ZOOM, max(MIN_ZOOM, current * factor))
        self._set_mode("manual")
        self.view.scale(target / current, target / current)
        self._zoom_changed()

    def fit(self) -> None:
        """The whole image in the view."""
        if not self.has_image():
            return
        self._set_mode("fit")
        self.view.fitInView(self._pixmap_item, Qt.AspectRatioMode.KeepAspectRatio)
        self._zoom_changed()

    def fit_height(self) -> None:
        """The image's full height in the view, scrolling sideways (how a panorama opens), at its left end."""
        if not self.has_image():
            return
        self._set_mode("fit_height")
        self.view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        height = self._pixmap_item.pixmap().height()
        scale = max(MIN_ZOOM, self.view.viewport().height() / max(1, height))
        self.view.resetTransform()
        self.view.scale(scale, scale)
        self.view.horizontalScrollBar().setValue(self.view.horizontalScrollBar().minimum())
        self._zoom_changed()

    def actual_size(self) -> None:
        """One image pixel per screen pixel."""
        if not self.has_image():
            return
        self._set_mode("manual")
        self.view.resetTransform()
        self._zoom_changed()

    def _set_mode(self, mode: str) -> None:
        self._mode = mode
        if mode != "fit_height":
            self.view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)

    def _refit(self) -> None:
        if self._mode == "fit":
            self.fit()
        elif self._mode == "fit_height":
            self.fit_height()

    def _zoom_changed(self) -> None:
        factor = self.zoom_factor()
        self.zoom_label.setText(f"{factor * 100:.0f}%")
        self.zoom_changed.emit(factor)
