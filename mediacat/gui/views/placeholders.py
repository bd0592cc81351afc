"""Placeholder pictures for items without a thumbnail (image, video, audio), drawn with QPainter and cached.

Colours come from the palette, so the placeholders follow the light or dark theme; the cache is keyed by
the palette, size and device pixel ratio.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPalette, QPen, QPixmap, QPolygonF

_cache: dict[tuple[str, int, float, int], QPixmap] = {}


def placeholder_pixmap(media_type: str, size: int, palette: QPalette, device_pixel_ratio: float = 1.0) -> QPixmap:
    """A square picture standing for `media_type` ("image", "video", "audio"), `size` logical pixels wide."""
    key = (media_type, size, device_pixel_ratio, palette.cacheKey())
    cached = _cache.get(key)
    if cached is not None:
        return cached
    pixels = max(1, round(size * device_pixel_ratio))
    pixmap = QPixmap(pixels, pixels)
    pixmap.setDevicePixelRatio(device_pixel_ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    _draw(painter, media_type, QRectF(0, 0, size, size), palette)
    painter.end()
    if len(_cache) > 64:
        _cache.clear()
    _cache[key] = pixmap
    return pixmap


def clear_cache() -> None:
    """Forget drawn placeholders (the palette changed)."""
    _cache.clear()


def _draw(painter: QPainter, media_type: str, rect: QRectF, palette: QPalette) -> None:
    base = palette.color(QPalette.ColorRole.AlternateBase)
    ink = QColor(palette.color(QPalette.ColorRole.Text))
    ink.setAlphaF(0.45)
    frame = QColor(palette.color(QPalette.ColorRole.Mid))
    radius = rect.width() * 0.06
    painter.setPen(QPen(frame, max(1.0, rect.width() / 120)))
    painter.setBrush(base)
    painter.drawRoundedRect(rect.adjusted(1, 1, -1, -1), radius, radius)
    inner = rect.adjusted(rect.width() * 0.22, rect.height() * 0.25, -rect.width() * 0.22, -rect.height() * 0.25)
    stroke = QPen(ink, max(1.5, rect.width() / 40))
    stroke.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    stroke.setCapStyle(Qt.PenCapStyle.RoundCap)
    painter.setPen(stroke)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    if media_type == "video":
        _draw_video(painter, inner, ink)
    elif media_type == "audio":
        _draw_audio(painter, inner)
    else:
        _draw_image(painter, inner, ink)


def _draw_image(painter: QPainter, r: QRectF, ink: QColor) -> None:
    painter.drawRoundedRect(r, r.width() * 0.06, r.width() * 0.06)
    sun = r.width() * 0.1
    painter.drawEllipse(QPointF(r.left() + r.width() * 0.72, r.top() + r.height() * 0.3), sun, sun)
    hills = QPainterPath(QPointF(r.left(), r.bottom()))
    hills.lineTo(r.left() + r.width() * 0.35, r.top() + r.height() * 0.45)
    hills.lineTo(r.left() + r.width() * 0.55, r.top() + r.height() * 0.7)
    hills.lineTo(r.left() + r.width() * 0.7, r.top() + r.height() * 0.55)
    hills.lineTo(r.right(), r.bottom())
    hills.closeSubpath()
    painter.setBrush(ink)
    painter.drawPath(hills)


def _draw_video(painter: QPainter, r: QRectF, ink: QColor) -> None:
    painter.drawRoundedRect(r, r.width() * 0.06, r.width() * 0.06)
    hole = r.height() * 0.09
    for edge in (r.top() + hole * 0.9, r.bottom() - hole * 1.9):
        x = r.left() + hole
        while x + hole < r.right() - hole * 0.5:
            painter.drawRect(QRectF(x, edge, hole, hole))
            x += hole * 2
    c = r.center()
    h = r.height() * 0.22
    triangle = QPolygonF([QPointF(c.x() - h * 0.7, c.y() - h), QPointF(c.x() - h * 0.7, c.y() + h),
                          QPointF(c.x() + h, c.y())])
    painter.setBrush(ink)
    painter.drawPolygon(triangle)


def _draw_audio(painter: QPainter, r: QRectF) -> None:
    heights = (0.25, 0.55, 0.9, 0.6, 1.0, 0.45, 0.75, 0.3, 0.55, 0.2)
    step = r.width() / len(heights)
    mid = r.center().y()
    for n, height in enumerate(heights):
        x = r.left() + step * (n + 0.5)
        half = r.height() * 0.5 * height
        painter.drawLine(QPointF(x, mid - half), QPointF(x, mid + half))
