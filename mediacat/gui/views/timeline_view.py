"""View ▸ Timeline: the landing on a zoomable time axis, every item a thumbnail marker at its time span.

One custom-painted widget (no widget per item). It shows the rows of the window's catalog model (the same
filters), selects through the window's one selection, and draws each time as what it is: a second as a line,
a minute, hour or day as a span. The axis reads in one of three clocks (SCET, ERT, LMST at Jezero); the
hover readout gives all three. Keys: ←/→ pan, +/− zoom, N/P (or Ctrl+→/←) next/previous event (zoomed to
it), Home the whole first week, E the EDL minutes, Enter opens the current item.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFontMetrics,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPixmap,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from mediacat.core import mars_time
from mediacat.core.timeline import CLOCKS, Timeline, TimelineEntry, TimeSpan
from mediacat.gui.views.placeholders import placeholder_pixmap

THUMB = 56
RULER_HEIGHT = 34
EVENT_LABEL_HEIGHT = 18
MIN_SPAN_SECONDS = 4.0
MAX_MARKERS = 300  # thumbnails laid out at once; the rest are counted ("zoom in") so a big catalog stays fast
WEEK_SECONDS = 8 * 86400.0
_TICK_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400,
               172800)
CLOCK_NAMES = {"scet": "SCET (UTC at Mars)", "ert": "ERT (UTC on Earth)", "lmst": "LMST at Jezero"}
_EVENT_COLORS = ("#d9534f", "#f0ad4e", "#5bc0de", "#5cb85c", "#9b59b6", "#e67e22", "#1abc9c", "#34495e")


def _seconds(moment: datetime) -> float:
    return moment.timestamp()


def _moment(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


@dataclass
class Marker:
    """Where one item is drawn (recomputed on every layout)."""

    item_id: str
    span: TimeSpan
    bar: QRectF
    thumb: QRectF


class TimelineCanvas(QWidget):
    """The painted axis. Emits `item_clicked(id)` and `item_activated(id)`; `hover_text` has the clocks."""

    item_clicked = Signal(str)
    item_activated = Signal(str)
    hover_changed = Signal(str)
    range_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setMinimumSize(160, 160)
        self.setAccessibleName("Timeline")
        self.timeline: Timeline | None = None
        self.clock = "scet"
        self.thumbnail_provider: Any = None
        self.rows: dict[str, Any] = {}  # item id -> ItemRow (media type, first attachment)
        self.current_item: str | None = None
        self.current_event = -1
        self._entries: list[TimelineEntry] = []
        self._markers: list[Marker] = []
        self.hidden_markers = 0  # items in view that did not fit (drawn as a count)
        self._event_rects: list[tuple[str, QRectF]] = []
        self._layout_dirty = True
        self._start = 0.0
        self._end = 1.0
        self._drag_x: float | None = None
        self._drag_start = 0.0
        self._hover_x: float | None = None

    # -- data -------------------------------------------------------------------------------------

    def set_timeline(self, timeline: Timeline, rows: dict[str, Any], order: list[str]) -> None:
        """Show `timeline`'s events and the items of `order` (the catalog model's rows) that have a time."""
        first = self.timeline is None
        self.timeline = timeline
        self.rows = rows
        shown = set(order)
        self._entries = [e for e in timeline.items if e.id in shown]
        self._layout_dirty = True
        if first:
            self.show_edl()
        self.update()

    def entry(self, item_id: str) -> TimelineEntry | None:
        """The shown item's timeline entry (None when it has no time or is filtered out)."""
        return next((e for e in self._entries if e.id == item_id), None)

    def sizeHint(self) -> QSize:
        return QSize(900, 420)

    # -- the visible range --------------------------------------------------------------------------

    def visible_range(self) -> tuple[datetime, datetime]:
        return _moment(self._start), _moment(self._end)

    def set_range(self, start: float, end: float) -> None:
        span = max(MIN_SPAN_SECONDS, min(WEEK_SECONDS, end - start))
        middle = (start + end) / 2
        lo, hi = self._limits()
        start, end = middle - span / 2, middle + span / 2
        if start < lo:
            start, end = lo, lo + span
        if end > hi:
            start, end = hi - span, hi
        if (start, end) != (self._start, self._end):
            self._start, self._end = start, end
            self._layout_dirty = True
            self.range_changed.emit()
            self.update()

    def _limits(self) -> tuple[float, float]:
        """From an hour before entry to the end of the first week on the surface."""
        if self.timeline is None or not self.timeline.events:
            return 0.0, WEEK_SECONDS
        first = min(_seconds(e.time.scet) for e in self.timeline.events)
        return first - 3600.0, first - 3600.0 + WEEK_SECONDS

    def show_week(self) -> None:
        lo, hi = self._limits()
        self.set_range(lo, hi)

    def show_edl(self) -> None:
        """From a minute before entry interface to two minutes after touchdown."""
        if self.timeline is None:
            return
        entry = self.timeline.event("entry-interface")
        landing = self.timeline.clock.landing
        if entry is None or landing is None:
            self.show_week()
            return
        self.set_range(_seconds(entry.time.scet) - 60, _seconds(landing) + 180)

    def zoom(self, factor: float, at_x: float | None = None) -> None:
        """Zoom by `factor` (> 1 zooms in) keeping the time under `at_x` (default the middle) in place."""
        x = self.width() / 2 if at_x is None else at_x
        pivot = self.time_at(x)
        span = (self._end - self._start) / factor
        span = max(MIN_SPAN_SECONDS, min(WEEK_SECONDS, span))
        ratio = x / max(1, self.width())
        self.set_range(pivot - span * ratio, pivot - span * ratio + span)

    def pan(self, fraction: float) -> None:
        shift = (self._end - self._start) * fraction
        self.set_range(self._start + shift, self._end + shift)

    def go_to_event(self, step: int) -> str | None:
        """Make the next (+1) or previous (-1) event current and zoom to it; its id."""
        if self.timeline is None or not self.timeline.events:
            return None
        events = sorted(self.timeline.events, key=lambda e: e.time.scet)
        self.current_event = max(0, min(len(events) - 1, self.current_event + step))
        event = events[self.current_event]
        width = max(60.0, event.time.seconds * 3.0)
        middle = _seconds(event.time.middle)
        self.set_range(middle - width / 2, middle + width / 2)
        return event.id

    # -- coordinates -------------------------------------------------------------------------------

    def x_of(self, seconds: float) -> float:
        return (seconds - self._start) / (self._end - self._start) * self.width()

    def time_at(self, x: float) -> float:
        return self._start + x / max(1, self.width()) * (self._end - self._start)

    def marker_rect(self, item_id: str) -> QRect | None:
        """Where the item's thumbnail is drawn (None when it is not on screen)."""
        self._ensure_layout()
        for marker in self._markers:
            if marker.item_id == item_id:
                return marker.thumb.toRect()
        return None

    def event_x(self, event_id: str) -> float | None:
        event = self.timeline.event(event_id) if self.timeline else None
        return None if event is None else self.x_of(_seconds(event.time.scet))

    def item_at(self, pos: QPointF) -> str | None:
        self._ensure_layout()
        for marker in reversed(self._markers):
            if marker.thumb.contains(pos) or marker.bar.adjusted(0, -3, 0, 3).contains(pos):
                return marker.item_id
        return None

    def event_at(self, pos: QPointF) -> str | None:
        self._ensure_layout()
        return next((event_id for event_id, rect in self._event_rects if rect.contains(pos)), None)

    # -- layout ------------------------------------------------------------------------------------

    def _ensure_layout(self) -> None:
        if not self._layout_dirty:
            return
        self._layout_dirty = False
        self._event_rects = []
        self._markers = []
        if self.timeline is None:
            return
        metrics = QFontMetrics(self.font())
        lanes: list[float] = []
        for event in sorted(self.timeline.events, key=lambda e: e.time.scet):
            x0, x1 = self.x_of(_seconds(event.time.scet)), self.x_of(_seconds(event.time.end))
            if x1 < 0 or x0 > self.width():
                continue
            width = metrics.horizontalAdvance(event.title) + 10
            left = max(0.0, min(x0, self.width() - width))
            lane = next((n for n, right in enumerate(lanes) if right <= left), len(lanes))
            if lane == len(lanes):
                lanes.append(0.0)
            lanes[lane] = left + width
            top = RULER_HEIGHT + 4 + lane * EVENT_LABEL_HEIGHT
            self._event_rects.append((event.id, QRectF(left, top, width, EVENT_LABEL_HEIGHT - 2)))
        items_top = RULER_HEIGHT + 10 + max(1, len(lanes)) * EVENT_LABEL_HEIGHT
        occupied: list[list[tuple[float, float]]] = []  # per lane, the thumbnails' x intervals
        lane_height = THUMB + 14
        # narrow spans first (they have the least room), then by time
        ordered = sorted(self._entries, key=lambda e: (e.time.seconds, e.time.scet, e.id))
        self.hidden_markers = 0
        max_lanes = max(1, int((self.height() - items_top) // lane_height))
        for entry in ordered:
            x0, x1 = self.x_of(_seconds(entry.time.scet)), self.x_of(_seconds(entry.time.end))
            if x1 < 0 or x0 > self.width():
                continue
            if len(self._markers) >= MAX_MARKERS or (len(occupied) >= max_lanes and not self._fits(
                    occupied, max(x0, 0.0), min(x1, float(self.width())))):
                self.hidden_markers += 1
                continue
            visible0, visible1 = max(x0, 0.0), min(x1, float(self.width()))
            lane, left = self._place(occupied, visible0, visible1)
            top = items_top + lane * lane_height
            bar = QRectF(x0, top, max(2.0, x1 - x0), 6).intersected(QRectF(-2, top, self.width() + 4, 6))
            self._markers.append(Marker(entry.id, entry.time, bar, QRectF(left, top + 10, THUMB, THUMB)))
        self._markers.sort(key=lambda m: (m.span.scet, m.item_id))

    def _fits(self, occupied: list[list[tuple[float, float]]], x0: float, x1: float) -> bool:
        """Whether a thumbnail over [x0, x1] still fits in one of the lanes already on screen."""
        probe = [list(lane) for lane in occupied]
        lane, _left = self._place(probe, x0, x1)
        return lane < len(occupied)

    def _place(self, occupied: list[list[tuple[float, float]]], x0: float, x1: float) -> tuple[int, float]:
        """A lane and left edge for a thumbnail anywhere over [x0, x1] (nearest the middle), free of others."""
        middle = (x0 + x1) / 2 - THUMB / 2
        low, high = max(0.0, min(x0, x1 - THUMB)), max(0.0, min(self.width() - THUMB, max(x1 - THUMB, x0)))
        low, high = min(low, high), max(low, high)
        for lane, taken in enumerate(occupied):
            candidates = [middle] + [r + 4 for _l, r in taken] + [left - THUMB - 4 for left, _r in taken]
            fits = [c for c in candidates if low - 0.5 <= c <= high + 0.5
                    and all(c + THUMB + 4 <= a or c >= b + 4 - 0.5 for a, b in taken)]
            if fits:
                best = min(fits, key=lambda c: abs(c - middle))
                taken.append((best, best + THUMB))
                return lane, best
        best = max(low, min(high, middle))
        occupied.append([(best, best + THUMB)])
        return len(occupied) - 1, best

    def resizeEvent(self, event: Any) -> None:
        self._layout_dirty = True
        super().resizeEvent(event)

    # -- painting ----------------------------------------------------------------------------------

    def paintEvent(self, _event: QPaintEvent) -> None:
        self._ensure_layout()
        painter = QPainter(self)
        palette = self.palette()
        painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Base))
        if self.timeline is None:
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "Loading the timeline…")
            return
        self._paint_sols(painter, palette)
        self._paint_ruler(painter, palette)
        self._paint_events(painter, palette)
        self._paint_items(painter, palette)
        if self.hidden_markers:
            painter.setPen(palette.color(QPalette.ColorRole.Text))
            corner = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom
            painter.drawText(self.rect().adjusted(0, 0, -8, -6), corner, f"+{self.hidden_markers} more here: zoom in")
        if self._hover_x is not None:
            painter.setPen(QPen(palette.color(QPalette.ColorRole.Highlight), 1, Qt.PenStyle.DashLine))
            painter.drawLine(QPointF(self._hover_x, RULER_HEIGHT), QPointF(self._hover_x, self.height()))

    def _paint_ruler(self, painter: QPainter, palette: QPalette) -> None:
        text = palette.color(QPalette.ColorRole.Text)
        painter.fillRect(QRectF(0, 0, self.width(), RULER_HEIGHT), palette.color(QPalette.ColorRole.AlternateBase))
        painter.setPen(text)
        for x, label in self.ticks():
            painter.drawLine(QPointF(x, RULER_HEIGHT - 8), QPointF(x, RULER_HEIGHT))
            painter.drawText(QRectF(x + 3, 2, 200, RULER_HEIGHT - 10), Qt.AlignmentFlag.AlignLeft, label)
        painter.drawLine(QPointF(0, RULER_HEIGHT), QPointF(self.width(), RULER_HEIGHT))

    def ticks(self) -> list[tuple[float, str]]:
        """(x, label) of the ruler's ticks in the current clock: round times of that clock."""
        assert self.timeline is not None
        clock = self.timeline.clock
        span = self._end - self._start
        step = next((s for s in _TICK_STEPS if span / s <= max(2, self.width() / 130)), _TICK_STEPS[-1])
        ticks: list[tuple[float, str]] = []
        if self.clock == "lmst":
            # local mean solar seconds are linear in UTC (1 sol = 88775.244 s): ticks at round LMST
            def local(seconds: float) -> float:
                dt = mars_time.days_since_j2000(_moment(seconds))
                return mars_time.local_sol_date(dt, clock.east_longitude) * 86400.0

            origin = local(self._start)
            first = math.ceil(origin / step) * step
            value = first
            while True:
                seconds = self._start + (value - origin) * mars_time.MARS_SOL_IN_DAYS
                if seconds > self._end:
                    break
                ticks.append((self.x_of(seconds), self._tick_label(seconds, step)))
                value += step
            return ticks
        offset = 0.0
        if self.clock == "ert":
            light = clock.light_time(_moment(self._start))
            if light is None:
                return [(0.0, "ERT unknown here (no light time for this day)")]
            offset = light
        value = math.ceil((self._start + offset) / step) * step
        while value - offset <= self._end:
            ticks.append((self.x_of(value - offset), self._tick_label(value - offset, step)))
            value += step
        return ticks

    def _tick_label(self, seconds: float, step: int) -> str:
        assert self.timeline is not None
        clock = self.timeline.clock
        if self.clock == "lmst":
            mars = clock.mars(_moment(seconds))
            text = mars_time.format_hours(mars.lmst + 1e-6, seconds=step < 60)
            return f"Sol {mars.sol} {text}" if step >= 3600 or mars.lmst < step / 3600 + 1e-6 else text
        moment = _moment(seconds) if self.clock == "scet" else clock.ert(_moment(seconds))
        assert moment is not None
        if step >= 86400:
            return moment.strftime("%d %b")
        if step >= 60:
            return moment.strftime("%d %b %H:%M" if moment.hour == 0 and moment.minute == 0 else "%H:%M")
        return moment.strftime("%H:%M:%S")

    def _paint_sols(self, painter: QPainter, palette: QPalette) -> None:
        assert self.timeline is not None
        clock = self.timeline.clock
        if clock.landing is None or self._end - self._start < 3 * 3600:
            return
        first = clock.sol(_moment(self._start)) or 0
        last = clock.sol(_moment(self._end)) or 0
        shade = palette.color(QPalette.ColorRole.AlternateBase)
        for sol in range(first, last + 2):
            start = _seconds(mars_time.sol_start_utc(sol, clock.landing, clock.east_longitude))
            end = _seconds(mars_time.sol_start_utc(sol + 1, clock.landing, clock.east_longitude))
            if sol % 2:
                painter.fillRect(QRectF(self.x_of(start), RULER_HEIGHT, self.x_of(end) - self.x_of(start),
                                        self.height()), shade)
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(QPointF(self.x_of(start) + 4, self.height() - 6), f"Sol {sol}")

    def _paint_events(self, painter: QPainter, palette: QPalette) -> None:
        assert self.timeline is not None
        by_id = {e.id: (n, e) for n, e in enumerate(self.timeline.events)}
        for event_id, rect in self._event_rects:
            n, event = by_id[event_id]
            color = QColor(_EVENT_COLORS[n % len(_EVENT_COLORS)])
            x0, x1 = self.x_of(_seconds(event.time.scet)), self.x_of(_seconds(event.time.end))
            band = QColor(color)
            band.setAlpha(40)
            if event.time.precision == "second" or x1 - x0 < 2:
                painter.setPen(QPen(color, 2))
                painter.drawLine(QPointF(x0, RULER_HEIGHT), QPointF(x0, self.height()))
            else:  # a span: its precision drawn as such
                painter.fillRect(QRectF(x0, RULER_HEIGHT, x1 - x0, self.height()), band)
                painter.setPen(QPen(color, 1))
                painter.drawLine(QPointF(x0, RULER_HEIGHT), QPointF(x0, self.height()))
                painter.drawLine(QPointF(x1, RULER_HEIGHT), QPointF(x1, self.height()))
            label = QColor(color)
            label.setAlpha(230)
            painter.fillRect(rect, label)
            painter.setPen(QColor("white"))
            painter.drawText(rect.adjusted(5, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter, event.title)

    def _paint_items(self, painter: QPainter, palette: QPalette) -> None:
        highlight = palette.color(QPalette.ColorRole.Highlight)
        for marker in self._markers:
            color = QColor(highlight)
            color.setAlpha(60 if marker.bar.width() > 0.8 * self.width() else 170)  # a span beyond the view: faint
            painter.fillRect(marker.bar, color)
            painter.drawPixmap(marker.thumb.toRect(), self._pixmap(marker.item_id))
            pen = QPen(highlight, 3) if marker.item_id == self.current_item else QPen(
                palette.color(QPalette.ColorRole.Mid), 1)
            painter.setPen(pen)
            painter.drawRect(marker.thumb)
            painter.drawLine(QPointF(marker.thumb.center().x(), marker.bar.bottom()),
                             QPointF(marker.thumb.center().x(), marker.thumb.top()))

    @staticmethod
    def thumbnail_source(row: Any) -> tuple[str, str | None, str] | None:
        """(path, sha256, media type) of the picture a marker shows: the item's first attachment, else its
        built-in picture (the catalog's shipped NASA file, `ItemRow.builtin`, when the catalog has one)."""
        if row is None:
            return None
        if row.first_attachment_path:
            return row.first_attachment_path, row.first_attachment_sha256, \
                row.first_attachment_media_type or row.media_type
        builtin = getattr(row, "builtin", None)
        if builtin is not None and not row.attachment_count:
            return builtin.path, builtin.sha256, builtin.media_type
        return None

    def _thumbnail(self, item_id: str) -> QPixmap | None:
        source = self.thumbnail_source(self.rows.get(item_id))
        if self.thumbnail_provider is None or source is None:
            return None
        path, sha256, media_type = source
        return self.thumbnail_provider.thumbnail(item_id, path, sha256, media_type, THUMB)

    def _pixmap(self, item_id: str) -> QPixmap:
        pixmap = self._thumbnail(item_id)
        if pixmap is not None:
            return pixmap
        media_type = getattr(self.rows.get(item_id), "media_type", "image") or "image"
        return placeholder_pixmap(media_type, THUMB, self.palette(), self.devicePixelRatioF())

    def pending_thumbnails(self) -> int:
        """Markers on screen still waiting for their thumbnail (for screenshots)."""
        self._ensure_layout()
        if self.thumbnail_provider is None:
            return 0
        return sum(1 for marker in self._markers
                   if self.thumbnail_source(self.rows.get(marker.item_id)) is not None
                   and self._thumbnail(marker.item_id) is None)

    # -- input -------------------------------------------------------------------------------------

    def hover_text(self, x: float) -> str:
        """All three clocks at the time under `x`."""
        if self.timeline is None:
            return ""
        moment = _moment(self.time_at(x))
        return " · ".join(self.timeline.clock.point_label(moment, clock) for clock in CLOCKS)

    def tooltip_at(self, pos: QPointF) -> str:
        if self.timeline is None:
            return ""
        item_id = self.item_at(pos)
        entry = next((e for e in self._entries if e.id == item_id), None)
        if entry is None:
            event_id = self.event_at(pos)
            entry = self.timeline.event(event_id) if event_id else None
        if entry is None:
            return ""
        lines = [entry.title, *(self.timeline.clock.label(entry.time, c) for c in CLOCKS),
                 f"precision: {entry.time.precision}"]
        if entry.time.note:
            lines.append(entry.time.note)
        return "\n".join(lines)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        x = event.position().x()
        if self._drag_x is not None:
            span = self._end - self._start
            shift = (self._drag_x - x) / max(1, self.width()) * span
            self.set_range(self._drag_start + shift, self._drag_start + shift + span)
        self._hover_x = x
        self.hover_changed.emit(self.hover_text(x))
        tip = self.tooltip_at(event.position())
        if tip:
            QToolTip.showText(event.globalPosition().toPoint(), tip, self)
        else:
            QToolTip.hideText()
        self.update()

    def leaveEvent(self, event: Any) -> None:
        self._hover_x = None
        self.update()
        super().leaveEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        item_id = self.item_at(event.position())
        if item_id is not None:
            self.current_item = item_id
            self.item_clicked.emit(item_id)
            self.update()
        else:
            self._drag_x = event.position().x()
            self._drag_start = self._start

    def mouseReleaseEvent(self, _event: QMouseEvent) -> None:
        self._drag_x = None

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        item_id = self.item_at(event.position())
        if item_id is not None:
            self.item_activated.emit(item_id)

    def wheelEvent(self, event: QWheelEvent) -> None:
        delta = event.angleDelta()
        if delta.x() and not delta.y():
            self.pan(-delta.x() / 1200)
        elif event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.pan(-delta.y() / 1200)
        elif delta.y():
            self.zoom(1.25 ** (delta.y() / 120), event.position().x())
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, ctrl = event.key(), bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        if key in (Qt.Key.Key_N,) or (ctrl and key == Qt.Key.Key_Right):
            self.go_to_event(+1)
        elif key in (Qt.Key.Key_P,) or (ctrl and key == Qt.Key.Key_Left):
            self.go_to_event(-1)
        elif key == Qt.Key.Key_Right:
            self.pan(0.1)
        elif key == Qt.Key.Key_Left:
            self.pan(-0.1)
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom(2.0)
        elif key == Qt.Key.Key_Minus:
            self.zoom(0.5)
        elif key == Qt.Key.Key_Home:
            self.show_week()
        elif key == Qt.Key.Key_E:
            self.show_edl()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.current_item:
            self.item_activated.emit(self.current_item)
        else:
            super().keyPressEvent(event)


class TimelinePanel(QWidget):
    """The canvas with its bar: the clock chooser, zoom buttons and the three-clock readout."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.canvas = TimelineCanvas(self)
        self.clock_box = QComboBox()
        self.clock_box.setAccessibleName("Timeline clock")
        for clock in CLOCKS:
            self.clock_box.addItem(CLOCK_NAMES[clock], clock)
        self.clock_box.currentIndexChanged.connect(lambda _i: self.set_clock(self.clock_box.currentData()))
        self.readout = QLabel("Hover over the axis to read all three clocks")
        self.readout.setAccessibleName("Clocks under the pointer")
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 2)
        bar.addWidget(QLabel("Clock:"))
        bar.addWidget(self.clock_box)
        for text, tip, slot in (
            ("EDL", "The seven minutes: entry to touchdown (E)", self.canvas.show_edl),
            ("Week", "The whole first week (Home)", self.canvas.show_week),
            ("−", "Zoom out (−, or the wheel)", lambda: self.canvas.zoom(0.5)),
            ("+", "Zoom in (+, or the wheel)", lambda: self.canvas.zoom(2.0)),
            ("◀ Event", "Previous event (P, Ctrl+←)", lambda: self.canvas.go_to_event(-1)),
            ("Event ▶", "Next event (N, Ctrl+→)", lambda: self.canvas.go_to_event(+1)),
        ):
            button = QToolButton()
            button.setText(text)
            button.setToolTip(tip)
            button.clicked.connect(slot)
            bar.addWidget(button)
        bar.addWidget(self.readout, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.selected = QLabel("")
        self.selected.setAccessibleName("Selected item's time")
        self.selected.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.selected.setContentsMargins(6, 2, 6, 2)
        layout.addLayout(bar)
        layout.addWidget(self.canvas, 1)
        layout.addWidget(self.selected)
        self.canvas.hover_changed.connect(self.readout.setText)
        self.setFocusProxy(self.canvas)
        self.readout.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumSize(160, 160)  # the bar clips in a narrow window rather than widening the middle pane

    def show_selected(self, item_id: str | None) -> None:
        """The current item's title and its time on all three clocks (or why it is not on the axis)."""
        canvas = self.canvas
        entry = canvas.entry(item_id) if item_id else None
        if item_id is None or canvas.timeline is None:
            self.selected.setText("")
        elif entry is None:
            self.selected.setText(f"{item_id}: no known time (not on the timeline)")
        else:
            self.selected.setText(f"{entry.title}: {canvas.timeline.clock.all_labels(entry.time)} "
                                  f"({entry.time.precision})")

    def set_clock(self, clock: str) -> None:
        if clock not in CLOCKS:
            raise ValueError(f"unknown clock {clock!r}")
        self.canvas.clock = clock
        index = self.clock_box.findData(clock)
        if self.clock_box.currentIndex() != index:
            self.clock_box.setCurrentIndex(index)
        self.canvas.update()

