"""Paints one grid cell: the thumbnail (or the type placeholder), the elided title and the badges."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from mediacat.core.model import BuiltinMedia
from mediacat.gui.models.catalog_model import Roles
from mediacat.gui.views.placeholders import placeholder_pixmap

CELL_PADDING = 8
TYPE_BADGES = {"image": "IMG", "video": "VID", "audio": "AUD"}
Index = QModelIndex | QPersistentModelIndex
WARNING_COLOR = QColor(200, 30, 30)  # a warning badge is red in either theme; its "!" is white


class ItemDelegate(QStyledItemDelegate):
    """Grid cells of a fixed size: thumbnail square on top, one line of title below."""

    def __init__(self, thumbnail_size: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.thumbnail_size = thumbnail_size

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        line = QFontMetrics(option.font).height()
        return QSize(self.thumbnail_size + 2 * CELL_PADDING, self.thumbnail_size + 2 * CELL_PADDING + line + 4)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        self.initStyleOption(option, index)
        widget = option.widget
        style = widget.style() if widget is not None else None
        painter.save()
        palette: QPalette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if style is not None:
            # The style's own selection / hover / focus background.
            option.text = ""
            option.icon = QIcon()
            style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, widget)
        rect: QRect = option.rect
        thumb_rect = QRect(
            rect.left() + CELL_PADDING, rect.top() + CELL_PADDING, self.thumbnail_size, self.thumbnail_size
        )
        dpr = painter.device().devicePixelRatioF() if painter.device() is not None else 1.0
        media_type = index.data(Roles.MediaTypeRole) or "image"
        pixmap = index.data(Roles.ThumbnailRole)
        if isinstance(pixmap, QPixmap) and not pixmap.isNull():
            _draw_fitted(painter, pixmap, thumb_rect)
        else:
            painter.drawPixmap(thumb_rect, placeholder_pixmap(media_type, self.thumbnail_size, palette, dpr))

        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        small = QFont(option.font)
        small.setPointSizeF(max(6.0, option.font.pointSizeF() * 0.75))
        small.setBold(True)
        painter.setFont(small)
        metrics = QFontMetrics(small)
        badge_h = metrics.height() + 2
        # Type badge, top left.
        type_text = TYPE_BADGES.get(media_type, media_type[:3].upper())
        _badge(painter, QRect(thumb_rect.left() + 4, thumb_rect.top() + 4, metrics.horizontalAdvance(type_text) + 10,
                              badge_h), type_text, palette.color(QPalette.ColorRole.Window),
               palette.color(QPalette.ColorRole.WindowText))
        # File count, top right (only when files are attached).
        count = index.data(Roles.AttachmentCountRole) or 0
        right = thumb_rect.right() - 4
        if count:
            text = f"{count} file" if count == 1 else f"{count} files"
            width = metrics.horizontalAdvance(text) + 10
            _badge(painter, QRect(right - width, thumb_rect.top() + 4, width, badge_h), text,
                   palette.color(QPalette.ColorRole.Highlight), palette.color(QPalette.ColorRole.HighlightedText))
        # Warning, bottom right: an attached file is missing, modified or unreadable.
        problems = index.data(Roles.ProblemCountRole) or 0
        if problems:
            size = badge_h + 4
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(WARNING_COLOR)
            circle = QRectF(right - size, thumb_rect.bottom() - 4 - size, size, size)
            painter.drawEllipse(circle)
            painter.setPen(QColor(Qt.GlobalColor.white))
            painter.drawText(circle, Qt.AlignmentFlag.AlignCenter, "!")

        # A built-in picture: its credit, and what it is to the item when it is not the item's own image.
        builtin = index.data(Roles.BuiltinRole)
        if builtin is not None and isinstance(pixmap, QPixmap) and not pixmap.isNull():
            _credit_band(painter, thumb_rect, builtin, option.font)

        # Title, one elided line.
        painter.setFont(option.font)
        text_rect = QRect(rect.left() + 4, thumb_rect.bottom() + 4, rect.width() - 8,
                          rect.bottom() - thumb_rect.bottom() - 4)
        title = index.data(Qt.ItemDataRole.DisplayRole) or ""
        elided = QFontMetrics(option.font).elidedText(title, Qt.TextElideMode.ElideRight, text_rect.width())
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.setPen(palette.color(role))
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, elided)
        painter.restore()


def _draw_fitted(painter: QPainter, pixmap: QPixmap, box: QRect) -> None:
    """Draw `pixmap` scaled to fit `box`, centred, keeping its aspect ratio."""
    dpr = pixmap.devicePixelRatio() or 1.0
    width, height = pixmap.width() / dpr, pixmap.height() / dpr
    if width <= 0 or height <= 0:
        return
    scale = min(box.width() / width, box.height() / height)
    target = QRectF(0, 0, width * scale, height * scale)
    target.moveCenter(QRectF(box).center())
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    painter.drawPixmap(target, pixmap, QRectF(pixmap.rect()))


def _credit_band(painter: QPainter, box: QRect, builtin: BuiltinMedia, font: QFont) -> None:
    """A dark band along the bottom of the thumbnail with the credit (and 'Related view' and the like)."""
    small = QFont(font)
    small.setPointSizeF(max(6.0, font.pointSizeF() * 0.7))
    small.setBold(False)
    painter.setFont(small)
    metrics = QFontMetrics(small)
    lines = [text for text in (builtin.short_relation, builtin.credit) if text]
    height = metrics.height() * len(lines) + 4
    band = QRect(box.left(), box.bottom() - height + 1, box.width(), height)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(0, 0, 0, 170))
    painter.drawRect(band)
    painter.setPen(QColor(Qt.GlobalColor.white))
    for number, text in enumerate(lines):
        line = QRect(band.left() + 4, band.top() + 2 + number * metrics.height(), band.width() - 8, metrics.height())
        painter.drawText(line, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         metrics.elidedText(text, Qt.TextElideMode.ElideRight, line.width()))


def _badge(painter: QPainter, rect: QRect, text: str, background: QColor, foreground: QColor) -> None:
    fill = QColor(background)
    fill.setAlphaF(0.85)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(fill)
    painter.drawRoundedRect(QRectF(rect), 4, 4)
    painter.setPen(foreground)
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
