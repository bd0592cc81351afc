"""What the audio and video players share: QMediaPlayer + QAudioOutput, the transport bar, error messages.

QtMultimedia is imported only when `multimedia_status()` says it works; otherwise the player shows why.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, QUrl, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QStyle, QToolButton, QWidget

from mediacat.qtmedia import multimedia_status


def format_time(milliseconds: int) -> str:
    """m:ss, or h:mm:ss from an hour on."""
    seconds = max(0, milliseconds) // 1000
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def unavailable_message() -> str | None:
    """The message shown in place of playback on a machine without working Qt Multimedia, else None."""
    available, reason = multimedia_status()
    return None if available else f"Playback is not available: {reason}."


class TransportBar(QWidget):
    """Play/pause, a seek slider, position and duration labels; optionally a volume slider."""

    def __init__(self, parent: QWidget | None = None, *, with_volume: bool = True) -> None:
        super().__init__(parent)
        self.setAccessibleName("Playback controls")
        self.play_button = QToolButton(self)
        self.play_button.setAccessibleName("Play")
        self.play_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_MediaPlay))
        self.play_button.setToolTip("Play / pause (Space)")
        self.position_label = QLabel(format_time(0), self)
        self.position_label.setAccessibleName("Position")
        self.seek_slider = QSlider(Qt.Orientation.Horizontal, self)
        self.seek_slider.setAccessibleName("Seek")
        self.seek_slider.setRange(0, 0)
        self.duration_label = QLabel(format_time(0), self)
        self.duration_label.setAccessibleName("Duration")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addWidget(self.play_button)
        layout.addWidget(self.position_label)
        layout.addWidget(self.seek_slider, 1)
        layout.addWidget(self.duration_label)
        self.volume_slider: QSlider | None = None
        if with_volume:
            volume_label = QLabel("Volume", self)
            self.volume_slider = QSlider(Qt.Orientation.Horizontal, self)
            self.volume_slider.setAccessibleName("Volume")
            self.volume_slider.setRange(0, 100)
            self.volume_slider.setValue(80)
            self.volume_slider.setMaximumWidth(120)
            volume_label.setBuddy(self.volume_slider)
            layout.addWidget(volume_label)
            layout.addWidget(self.volume_slider)

    def show_playing(self, playing: bool) -> None:
        icon = QStyle.StandardPixmap.SP_MediaPause if playing else QStyle.StandardPixmap.SP_MediaPlay
        self.play_button.setIcon(self.style().standardIcon(icon))
        self.play_button.setAccessibleName("Pause" if playing else "Play")

    def show_position(self, position_ms: int) -> None:
        if not self.seek_slider.isSliderDown():
            self.seek_slider.setValue(position_ms)
        self.position_label.setText(format_time(position_ms))

    def show_duration(self, duration_ms: int) -> None:
        self.seek_slider.setRange(0, max(0, duration_ms))
        self.duration_label.setText(format_time(duration_ms))


class PlayerCore(QObject):
    """A QMediaPlayer with audio output wired to a TransportBar; reports errors naming the file."""

    error_message = Signal(str)
    duration_changed = Signal(int)
    position_changed = Signal(int)
    playing_changed = Signal(bool)

    def __init__(self, transport: TransportBar, parent: QObject | None = None) -> None:
        super().__init__(parent)
        from PySide6.QtMultimedia import QAudioOutput, QMediaDevices, QMediaPlayer

        self._states = QMediaPlayer.PlaybackState
        self._path: str | None = None
        self._at_end = False  # played to the end: the next play starts again from the beginning
        self.transport = transport
        self.player = QMediaPlayer(self)
        self.audio_output = QAudioOutput(self)
        if QMediaDevices.audioOutputs():
            # Without a sound device the player keeps time on its own clock. (Attaching an output anyway makes
            # Qt's audio thread log a warning while stop() waits for that thread: a deadlock whenever a
            # Python message handler, such as pytest-qt's, needs the interpreter lock to print it.)
            self.player.setAudioOutput(self.audio_output)
        self.player.durationChanged.connect(self._on_duration)
        self.player.positionChanged.connect(self._on_position)
        self.player.playbackStateChanged.connect(self._on_state)
        self.player.errorOccurred.connect(self._on_error)
        self.player.mediaStatusChanged.connect(self._on_status)
        self.show_first_frame = False  # video: pause on load so the first frame is on screen
        self.required_track = ""  # "audio" or "video": a file without one is reported as not playable
        transport.play_button.clicked.connect(self.toggle_playback)
        transport.seek_slider.sliderMoved.connect(self.player.setPosition)
        transport.seek_slider.sliderReleased.connect(lambda: self.player.setPosition(transport.seek_slider.value()))
        if transport.volume_slider is not None:
            transport.volume_slider.valueChanged.connect(lambda value: self.audio_output.setVolume(value / 100))
            self.audio_output.setVolume(transport.volume_slider.value() / 100)

    def load(self, path: str) -> bool:
        """Open the file (paused at the start); False, with `error_message` emitted, when it does not exist."""
        self.player.stop()
        self._path = path
        self._at_end = False
        self.transport.show_position(0)
        self.transport.show_duration(0)
        if not Path(path).is_file():
            self.player.setSource(QUrl())
            self.error_message.emit(f"Cannot play {path}: no such file")
            return False
        self.player.setSource(QUrl.fromLocalFile(str(Path(path).resolve())))
        return True

    def unload(self) -> None:
        self.player.stop()
        self.player.setSource(QUrl())
        self._path = None

    def toggle_playback(self) -> None:
        if self.is_playing():
            self.player.pause()
        elif self._path is not None:
            duration = self.player.duration()
            if self._at_end or (duration > 0 and self.player.position() >= duration):
                self.player.setPosition(0)  # replay from the start, as at the end of a video
            self._at_end = False
            self.player.play()

    def at_end(self) -> bool:
        """Whether the file was played to its end (the next play restarts it)."""
        return self._at_end

    def stop(self) -> None:
        self.player.stop()

    def is_playing(self) -> bool:
        return self.player.playbackState() == self._states.PlayingState

    def duration_ms(self) -> int:
        return self.player.duration()

    def seek_fraction(self, fraction: float) -> None:
        duration = self.player.duration()
        if duration > 0:
            self.player.setPosition(int(min(1.0, max(0.0, fraction)) * duration))

    def _on_duration(self, duration: int) -> None:
        self.transport.show_duration(duration)
        self.duration_changed.emit(duration)

    def _on_position(self, position: int) -> None:
        self.transport.show_position(position)
        self.position_changed.emit(position)
        duration = self.player.duration()
        if duration > 0 and position >= duration and self.is_playing():
            # Without a sound device QMediaPlayer keeps time on its own clock and never reports EndOfMedia:
            # it stays "playing" at the end. Finish the way EndOfMedia does, so Play and Space work again.
            self._reached_end()

    def _reached_end(self) -> None:
        self._at_end = True
        if self.is_playing():
            self.player.pause()
        self.transport.show_playing(False)
        self.playing_changed.emit(False)

    def _on_state(self, state) -> None:
        playing = state == self._states.PlayingState
        self.transport.show_playing(playing)
        self.playing_changed.emit(playing)

    def _on_status(self, status) -> None:
        from PySide6.QtMultimedia import QMediaPlayer

        if status == QMediaPlayer.MediaStatus.EndOfMedia and self._path is not None:
            self._reached_end()
            return
        if status != QMediaPlayer.MediaStatus.LoadedMedia or self._path is None:
            return
        has_track = {"audio": self.player.hasAudio, "video": self.player.hasVideo}.get(self.required_track)
        if has_track is not None and not has_track():
            self.error_message.emit(f"Cannot play {self._path}: the file has no {self.required_track} track")
        elif self.show_first_frame and not self.is_playing():
            self.player.pause()

    def _on_error(self, _error, message: str) -> None:
        if self._path is not None:
            self.error_message.emit(f"Cannot play {self._path}: {message or 'not a playable file'}")


class PlayerControls:
    """What the audio and video players answer the same way, through their PlayerCore (None without QtMultimedia)."""

    core: PlayerCore | None

    def toggle_playback(self) -> None:
        if self.core is not None:
            self.core.toggle_playback()

    def stop(self) -> None:
        if self.core is not None:
            self.core.stop()

    def is_playing(self) -> bool:
        return self.core is not None and self.core.is_playing()

    def duration_ms(self) -> int:
        return self.core.duration_ms() if self.core is not None else 0
