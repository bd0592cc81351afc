"""A waveform drawn from decoded peaks, with the play position; a click asks to seek there."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QMouseEvent, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from mediacat.gui.thumb_render import envelope_path

Peaks = list[tuple[float, float]]


class WaveformWidget(QWidget):
    """Paints (min, max) peaks in the palette's highlight color; the played part darker, the position a line."""

    seek_requested = Signal(float)  # fraction of the duration, 0..1

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Waveform")
        self.setAccessibleDescription("Click to seek")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self._peaks: Peaks = []
        self._fraction = 0.0
        self._note = ""

    def sizeHint(self) -> QSize:
        return QSize(480, 120)

    def minimumSizeHint(self) -> QSize:
        return QSize(120, 48)

    def set_peaks(self, peaks: Peaks) -> None:
        self._peaks = list(peaks)
        self._note = ""
        self.update()

    def peaks(self) -> Peaks:
        return list(self._peaks)

    def set_note(self, text: str) -> None:
        """Text shown instead of the waveform (while decoding, or why there is none)."""
        self._peaks = []
        self._note = text
        self.update()

    def note(self) -> str:
        return self._note

    def set_position_fraction(self, fraction: float) -> None:
        fraction = min(1.0, max(0.0, fraction))
        if abs(fraction - self._fraction) * max(1, self.width()) >= 0.5 or fraction in (0.0, 1.0):
            self._fraction = fraction
            self.update()

    def position_fraction(self) -> float:
        return self._fraction

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.width() > 0:
            self.seek_requested.emit(min(1.0, max(0.0, event.position().x() / self.width())))
            event.accept()
        else:
            super().mousePressEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        palette = self.palette()
        painter = QPainter(self)
        painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Base))
        area = QRectF(self.rect()).adjusted(2, 4, -2, -4)
        if not self._peaks:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter, self._note)
            painter.end()
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        path = envelope_path(self._peaks, area)
        split = area.left() + area.width() * self._fraction
        painter.save()
        painter.setClipRect(QRectF(area.left(), area.top(), split - area.left(), area.height()))
        painter.setBrush(palette.color(QPalette.ColorRole.Highlight).darker(140))
        painter.drawPath(path)
        painter.setClipRect(QRectF(split, area.top(), area.right() - split, area.height()))
        painter.setBrush(palette.color(QPalette.ColorRole.Highlight))
        painter.drawPath(path)
        painter.restore()
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Text), 1))
        painter.drawLine(QPointF(split, area.top()), QPointF(split, area.bottom()))
        painter.end()
