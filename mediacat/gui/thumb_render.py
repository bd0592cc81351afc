"""Thumbnail rendering for worker threads: files in, QImages out (never QPixmaps; those belong to the GUI thread)."""

from __future__ import annotations

from typing import cast

from PIL import Image
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath

from mediacat.core.thumbnails import ThumbnailError, image_thumbnail
from mediacat.qtmedia import MediaDecodeError

FRAME_TIMEOUT_S = 10.0
AUDIO_TIMEOUT_S = 15.0


def render_thumbnail(path: str, media_type: str, size: int, accent: QColor) -> QImage:
    """The thumbnail of one file as a QImage at most size x size; raises ThumbnailError / MediaDecodeError."""
    if media_type == "image":
        return pil_to_qimage(image_thumbnail(path, size))
    if media_type == "video":
        from mediacat.qtmedia.frames import grab_frame

        frame = grab_frame(path, None, FRAME_TIMEOUT_S)
        return frame.scaled(size, size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
    if media_type == "audio":
        from mediacat.qtmedia.waveform import decode_peaks

        peaks = normalized(decode_peaks(path, max(1, size // 2), AUDIO_TIMEOUT_S))
        return waveform_image(peaks, size, max(1, size // 2), accent)
    raise ThumbnailError(f"cannot make a thumbnail of {path}: unknown media type {media_type!r}")


def normalized(peaks: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Peaks scaled so the loudest reaches 1.0 (silence stays silence), for a readable small waveform."""
    loudest = max((max(-low, high) for low, high in peaks), default=0.0)
    if loudest <= 0.0:
        return peaks
    return [(low / loudest, high / loudest) for low, high in peaks]


def pil_to_qimage(image: Image.Image) -> QImage:
    """A QImage with a copy of a Pillow image's pixels (RGBA, or RGBX when opaque: rows stay 4-byte aligned).

    Filled through `bits()` rather than `QImage(bytes, ...)`, which leaves PySide6 with a dangling buffer.
    """
    if image.mode == "RGBA":
        image_format = QImage.Format.Format_RGBA8888
    else:
        image = image.convert("RGBX")
        image_format = QImage.Format.Format_RGBX8888
    result = QImage(image.width, image.height, image_format)
    # The stubs say bytes | bytearray | memoryview; bits() of a QImage is always a writable memoryview.
    pixels = cast(memoryview, result.bits())
    pixels[:] = image.tobytes()
    del pixels
    return result


def waveform_image(peaks: list[tuple[float, float]], width: int, height: int, accent: QColor) -> QImage:
    """A transparent image with the min/max envelope of `peaks` filled in `accent` around the middle line."""
    image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    if not peaks:
        return image
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(accent)
    painter.drawPath(envelope_path(peaks, QRectF(0, 0, width, height)))
    painter.end()
    return image


def envelope_path(peaks: list[tuple[float, float]], rect: QRectF) -> QPainterPath:
    """A closed path: the max line left to right, the min line back; at least one pixel thick at the middle."""
    middle = rect.center().y()
    half = rect.height() / 2
    step = rect.width() / len(peaks)
    path = QPainterPath()
    xs = [rect.left() + (index + 0.5) * step for index in range(len(peaks))]
    tops = [QPointF(x, middle - max(0.5, high * half)) for x, (_, high) in zip(xs, peaks, strict=True)]
    bottoms = [QPointF(x, middle - min(-0.5, low * half)) for x, (low, _) in zip(xs, peaks, strict=True)]
    path.moveTo(QPointF(rect.left(), middle))
    for point in tops:
        path.lineTo(point)
    path.lineTo(QPointF(rect.right(), middle))
    for point in reversed(bottoms):
        path.lineTo(point)
    path.closeSubpath()
    return path


RenderErrors = (ThumbnailError, MediaDecodeError, OSError, ValueError)
