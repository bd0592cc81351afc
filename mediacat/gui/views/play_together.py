"""Play Together: 2-6 video clips in one window on one shared clock (the EDL cameras side by side).

The shared clock is the master: play, pause, seek, frame step and speed move it, and every pane follows
it (`clip position = clock - the clip's offset`). While playing each player runs at the clock's rate and is
nudged back when it drifts more than a frame; paused or seeking, each pane is set to its exact position. A
clip that has not started yet shows its first frame; one that ended holds its last frame. A pane whose file
does not play shows the error and the others go on. Audio comes from one chosen pane only (and only when
the machine has a sound device: without one, an attached output deadlocks Qt's audio thread; see
playback.py). The shared clock reads SCET when the clips' starts are known (`attachment_clock`), and the
timeline's events are marked on the scrubber.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QElapsedTimer, QRectF, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSlider,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from mediacat.gui.views.playback import format_time

MAX_CLIPS = 6
SYNC_INTERVAL_MS = 40
SPEEDS = (0.25, 0.5, 1.0, 2.0)


@dataclass(frozen=True)
class Clip:
    """One clip to play: its file, a label, and where its first frame sits on the shared clock."""

    path: str
    label: str
    offset_ms: float = 0.0  # shared-clock time of the clip's frame 0
    attachment_id: int | None = None


class SharedClock:
    """Milliseconds on the shared timeline: advances at `rate` while playing (a monotonic timer)."""

    def __init__(self) -> None:
        self._timer = QElapsedTimer()
        self._base = 0.0
        self.rate = 1.0
        self.playing = False

    def position(self) -> float:
        if not self.playing:
            return self._base
        return self._base + self._timer.elapsed() * self.rate

    def set_position(self, ms: float) -> None:
        self._base = ms
        self._timer.restart()

    def play(self) -> None:
        if not self.playing:
            self._base = self.position()
            self._timer.restart()
            self.playing = True

    def pause(self) -> None:
        if self.playing:
            self._base = self.position()
            self.playing = False

    def set_rate(self, rate: float) -> None:
        self._base = self.position()
        self._timer.restart()
        self.rate = rate


class ClipPane(QWidget):
    """One clip: a QMediaPlayer feeding a QVideoSink, the last frame painted, or the error in its place."""

    ready = Signal()

    def __init__(self, clip: Clip, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from PySide6.QtMultimedia import QMediaPlayer, QVideoSink

        self.clip = clip
        self.setMinimumSize(160, 120)
        self.setAccessibleName(f"Clip {clip.label}")
        self.error = ""
        self.loaded = False
        self.frame = QImage()
        self.frame_start_ms = -1.0  # start time of the frame on screen, in the clip (from the decoder)
        self._states = QMediaPlayer.PlaybackState
        self.player = QMediaPlayer(self)
        self.sink = QVideoSink(self)
        self.player.setVideoSink(self.sink)
        self.audio_output: Any = None
        self.sink.videoFrameChanged.connect(self._on_frame)
        self.player.mediaStatusChanged.connect(self._on_status)
        self.player.errorOccurred.connect(self._on_error)
        if not Path(clip.path).is_file():
            self.error = f"Cannot play {clip.path}: no such file"
        else:
            self.player.setSource(QUrl.fromLocalFile(str(Path(clip.path).resolve())))

    # -- facts --------------------------------------------------------------------------------------

    @property
    def duration_ms(self) -> int:
        return max(0, self.player.duration())

    @property
    def frame_ms(self) -> float:
        """One frame's length (from the stream's frame rate; 1/30 s when the file does not say)."""
        from PySide6.QtMultimedia import QMediaMetaData

        rate = self.player.metaData().value(QMediaMetaData.Key.VideoFrameRate)
        try:
            fps = float(rate)
        except (TypeError, ValueError):
            fps = 0.0
        return 1000.0 / fps if fps > 0 else 1000.0 / 30

    @property
    def usable(self) -> bool:
        return self.loaded and not self.error

    def last_frame_ms(self) -> float:
        return max(0.0, self.duration_ms - self.frame_ms)

    def target(self, clock_ms: float) -> float:
        """Where this clip should be at `clock_ms`: clamped to its first and last frame."""
        return min(max(0.0, clock_ms - self.clip.offset_ms), self.last_frame_ms())

    # -- following the clock ------------------------------------------------------------------------

    def show_at(self, clock_ms: float) -> None:
        """Paused: set the exact frame for `clock_ms`."""
        if not self.usable:
            return
        if self.player.playbackState() == self._states.PlayingState:
            self.player.pause()
        self.player.setPosition(round(self.target(clock_ms)))

    def follow(self, clock_ms: float, rate: float) -> None:
        """Playing: run while the clip covers `clock_ms`, hold the first or last frame outside it."""
        if not self.usable:
            return
        local = clock_ms - self.clip.offset_ms
        inside = 0 <= local < self.last_frame_ms()
        if not inside:
            if self.player.playbackState() == self._states.PlayingState:
                self.player.pause()
            target = round(self.target(clock_ms))
            if abs(self.player.position() - target) > self.frame_ms:
                self.player.setPosition(target)
            return
        if self.player.playbackRate() != rate:
            self.player.setPlaybackRate(rate)
        if self.player.playbackState() != self._states.PlayingState:
            self.player.setPosition(round(local))
            self.player.play()
        elif abs(self.player.position() - local) > 1.5 * self.frame_ms * max(1.0, rate):
            self.player.setPosition(round(local))

    def set_audio(self, on: bool, device_present: bool) -> None:
        from PySide6.QtMultimedia import QAudioOutput

        if on and device_present:
            if self.audio_output is None:
                self.audio_output = QAudioOutput(self)
            self.player.setAudioOutput(self.audio_output)
        elif self.audio_output is not None:
            self.player.setAudioOutput(None)  # type: ignore[arg-type]  # Qt accepts None: detach the output

    def stop(self) -> None:
        self.player.stop()
        self.player.setSource(QUrl())

    # -- decoder events -----------------------------------------------------------------------------

    def _on_frame(self, frame: Any) -> None:
        if frame.isValid():
            image = frame.toImage()
            if not image.isNull():
                self.frame = image
                self.frame_start_ms = frame.startTime() / 1000.0
                self.update()

    def _on_status(self, status: Any) -> None:
        from PySide6.QtMultimedia import QMediaPlayer

        if status == QMediaPlayer.MediaStatus.LoadedMedia and not self.loaded:
            if not self.player.hasVideo():
                self.error = f"Cannot play {self.clip.path}: the file has no video track"
            self.loaded = True
            self.player.pause()
            self.update()
            self.ready.emit()
        elif status == QMediaPlayer.MediaStatus.InvalidMedia and not self.error:
            self._on_error(None, self.player.errorString())

    def _on_error(self, _error: Any, message: str) -> None:
        if not self.error:
            self.error = f"Cannot play {self.clip.path}: {message or 'not a playable video'}"
        self.loaded = True
        self.update()
        self.ready.emit()

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("black"))
        area = self.rect().adjusted(0, 0, 0, -18)
        if self.error:
            painter.setPen(QColor("#ff8080"))
            painter.drawText(area.adjusted(8, 8, -8, -8), Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignCenter,
                             self.error)
        elif not self.frame.isNull():
            scaled = self.frame.size().scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
            x = area.x() + (area.width() - scaled.width()) // 2
            y = area.y() + (area.height() - scaled.height()) // 2
            painter.drawImage(QRectF(x, y, scaled.width(), scaled.height()), self.frame)
        painter.setPen(QColor("white"))
        painter.drawText(self.rect().adjusted(4, 0, -4, -2), Qt.AlignmentFlag.AlignBottom | Qt.AlignmentFlag.AlignLeft,
                         self.clip.label)


class Scrubber(QSlider):
    """The shared clock's slider, with the timeline's events drawn as ticks (label in the tooltip)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setAccessibleName("Shared clock")
        self.events: list[tuple[int, str]] = []  # (clock ms, title)

    def event_positions(self) -> list[tuple[float, str]]:
        span = max(1, self.maximum() - self.minimum())
        groove = self.style().pixelMetric(QStyle.PixelMetric.PM_SliderLength, None, self) / 2
        width = self.width() - 2 * groove
        return [(groove + (ms - self.minimum()) / span * width, title) for ms, title in self.events
                if self.minimum() <= ms <= self.maximum()]

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        painter = QPainter(self)
        painter.setPen(QPen(QColor("#d9534f"), 2))
        for x, _title in self.event_positions():
            painter.drawLine(int(x), 0, int(x), 6)
            painter.drawLine(int(x), self.height() - 6, int(x), self.height())


class PlayTogetherWindow(QWidget):
    """The panes in a grid and one transport for all of them."""

    clip_start_chosen = Signal(int, object)  # attachment id, its frame 0 in SCET (datetime): save it

    def __init__(self, clips: list[Clip], *, origin_scet: datetime | None = None,
                 events: list[tuple[str, datetime]] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        if not 2 <= len(clips) <= MAX_CLIPS:
            raise ValueError(f"Play Together takes 2 to {MAX_CLIPS} clips, not {len(clips)}")
        from PySide6.QtMultimedia import QMediaDevices

        self.setWindowTitle("Play Together")
        self.setAccessibleName("Play Together")
        self.origin_scet = origin_scet  # the SCET of shared-clock 0, when the clips' starts are known
        self.clock = SharedClock()
        self._audio_device = bool(QMediaDevices.audioOutputs())
        self.panes = [ClipPane(clip, self) for clip in clips]
        grid = QGridLayout()
        columns = 2 if len(clips) <= 4 else 3
        for n, pane in enumerate(self.panes):
            grid.addWidget(pane, n // columns, n % columns)
            pane.ready.connect(self._pane_ready)
        self.play_button = QToolButton()
        self.play_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_MediaPlay))
        self.play_button.setAccessibleName("Play")
        self.play_button.clicked.connect(self.toggle)
        self.back_button = QToolButton(text="◀|")  # type: ignore[call-arg]  # PySide6 accepts Qt properties as keywords
        self.back_button.setToolTip("One frame back (,)")
        self.back_button.clicked.connect(lambda: self.step(-1))
        self.forward_button = QToolButton(text="|▶")  # type: ignore[call-arg]  # PySide6 accepts Qt properties as keywords
        self.forward_button.setToolTip("One frame forward (.)")
        self.forward_button.clicked.connect(lambda: self.step(+1))
        self.scrubber = Scrubber()
        self.scrubber.sliderMoved.connect(lambda value: self.seek(float(value)))
        self.position_label = QLabel(format_time(0))
        self.speed_box = QComboBox()
        self.speed_box.setAccessibleName("Speed")
        for speed in SPEEDS:
            self.speed_box.addItem(f"{speed:g}×", speed)
        self.speed_box.setCurrentIndex(SPEEDS.index(1.0))
        self.speed_box.currentIndexChanged.connect(lambda _i: self.set_speed(self.speed_box.currentData()))
        self.audio_box = QComboBox()
        self.audio_box.setAccessibleName("Audio from")
        self.audio_box.addItem("No audio", -1)
        for n, clip in enumerate(clips):
            self.audio_box.addItem(f"Audio: {clip.label}", n)
        self.audio_box.currentIndexChanged.connect(lambda _i: self.set_audio_pane(self.audio_box.currentData()))
        # aligning: "the frame now in pane P shows event E" sets that clip's start (saved by the app)
        self.align_pane_box = QComboBox()
        self.align_pane_box.setAccessibleName("Clip to align")
        for n, clip in enumerate(clips):
            self.align_pane_box.addItem(clip.label, n)
        self.align_event_box = QComboBox()
        self.align_event_box.setAccessibleName("Event shown")
        for title, when in events or []:
            self.align_event_box.addItem(title, when)
        self.align_button = QToolButton(text="This frame is the event")  # type: ignore[call-arg]  # PySide6 accepts Qt properties as keywords
        self.align_button.setToolTip("Set the chosen clip's start so that the frame on screen is at the event's time")
        self.align_button.clicked.connect(self._align_clicked)
        self.align_button.setEnabled(bool(events))
        align_bar = QHBoxLayout()
        align_bar.addWidget(QLabel("Align:"))
        align_bar.addWidget(self.align_pane_box)
        align_bar.addWidget(self.align_event_box)
        align_bar.addWidget(self.align_button)
        align_bar.addStretch(1)
        bar = QHBoxLayout()
        for widget in (self.play_button, self.back_button, self.forward_button):
            bar.addWidget(widget)
        bar.addWidget(self.position_label)
        bar.addWidget(self.scrubber, 1)
        bar.addWidget(self.speed_box)
        bar.addWidget(self.audio_box)
        layout = QVBoxLayout(self)
        layout.addLayout(grid, 1)
        layout.addLayout(bar)
        layout.addLayout(align_bar)
        self._events = events or []
        self._sync = QTimer(self)
        self._sync.setInterval(SYNC_INTERVAL_MS)
        self._sync.timeout.connect(self._tick)
        self.audio_pane = -1
        self.resize(960, 640)

    # -- the shared range ---------------------------------------------------------------------------

    def all_ready(self) -> bool:
        return all(pane.loaded for pane in self.panes)

    def clock_range(self) -> tuple[float, float]:
        usable = [p for p in self.panes if p.usable] or self.panes
        start = min(p.clip.offset_ms for p in usable)
        end = max(p.clip.offset_ms + p.duration_ms for p in usable)
        return start, max(start, end)

    def frame_ms(self) -> float:
        """The frame step: one frame of the clip with the highest frame rate."""
        usable = [p for p in self.panes if p.usable]
        return min((p.frame_ms for p in usable), default=1000.0 / 30)

    def _pane_ready(self) -> None:
        if not self.all_ready():
            return
        start, end = self.clock_range()
        self.scrubber.setRange(int(start), int(end))
        if self.origin_scet is not None:
            self.scrubber.events = [(int((when - self.origin_scet) / timedelta(milliseconds=1)), title)
                                    for title, when in self._events]
            self.scrubber.setToolTip("\n".join(f"{format_time(ms)} {title}" for ms, title in self.scrubber.events))
        self.seek(start)

    # -- transport ----------------------------------------------------------------------------------

    def position(self) -> float:
        return self.clock.position()

    def seek(self, clock_ms: float) -> None:
        start, end = self.clock_range()
        clock_ms = min(max(start, clock_ms), end)
        self.clock.set_position(clock_ms)
        if self.clock.playing:
            for pane in self.panes:
                pane.follow(clock_ms, self.clock.rate)
                if pane.usable:
                    pane.player.setPosition(round(pane.target(clock_ms)))
        else:
            for pane in self.panes:
                pane.show_at(clock_ms)
        self._show_position(clock_ms)

    def step(self, frames: int) -> None:
        self.pause()
        self.seek(self.position() + frames * self.frame_ms())

    def play(self) -> None:
        if self.clock.playing:
            return
        self.clock.play()
        self._sync.start()
        self._tick()
        self.play_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_MediaPause))
        self.play_button.setAccessibleName("Pause")

    def pause(self) -> None:
        if not self.clock.playing:
            return
        self._sync.stop()
        self.clock.pause()
        position = self.clock.position()
        for pane in self.panes:
            pane.show_at(position)  # every pane to the exact same instant
        self._show_position(position)
        self.play_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_MediaPlay))
        self.play_button.setAccessibleName("Play")

    def toggle(self) -> None:
        self.pause() if self.clock.playing else self.play()

    def set_speed(self, rate: float) -> None:
        self.clock.set_rate(rate)
        if self.clock.playing:
            self._tick()

    def set_audio_pane(self, index: int) -> None:
        self.audio_pane = index
        for n, pane in enumerate(self.panes):
            pane.set_audio(n == index, self._audio_device)

    def _tick(self) -> None:
        position = self.clock.position()
        _start, end = self.clock_range()
        if position >= end:
            self.pause()
            self.seek(end)
            return
        for pane in self.panes:
            pane.follow(position, self.clock.rate)
        self._show_position(position)

    def _show_position(self, clock_ms: float) -> None:
        if not self.scrubber.isSliderDown():
            self.scrubber.setValue(int(clock_ms))
        text = format_time(int(clock_ms))
        if self.origin_scet is not None:
            text += " · " + (self.origin_scet + timedelta(milliseconds=clock_ms)).strftime("%H:%M:%S.%f")[:-3] + \
                " SCET"
        self.position_label.setText(text)

    # -- aligning a clip with an event --------------------------------------------------------------

    def align_pane_to(self, pane_index: int, event_scet: datetime) -> datetime:
        """The frame now on screen in this pane shows `event_scet`: the clip's frame 0 is then at ... (emitted)."""
        pane = self.panes[pane_index]
        start = event_scet - timedelta(milliseconds=pane.player.position())
        if pane.clip.attachment_id is not None:
            self.clip_start_chosen.emit(pane.clip.attachment_id, start)
        return start

    def _align_clicked(self) -> None:
        when = self.align_event_box.currentData()
        if when is not None:
            self.align_pane_to(int(self.align_pane_box.currentData()), when)

    def keyPressEvent(self, event: Any) -> None:
        key = event.key()
        if key == Qt.Key.Key_Space:
            self.toggle()
        elif key == Qt.Key.Key_Period:
            self.step(+1)
        elif key == Qt.Key.Key_Comma:
            self.step(-1)
        else:
            super().keyPressEvent(event)

    def closeEvent(self, event: Any) -> None:
        self._sync.stop()
        for pane in self.panes:
            pane.stop()
        super().closeEvent(event)
