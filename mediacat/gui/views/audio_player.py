"""The audio player: QMediaPlayer + QAudioOutput, transport controls and a clickable waveform of the file."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from mediacat.gui.tasks import run_in_background
from mediacat.gui.views.playback import PlayerControls, PlayerCore, TransportBar, unavailable_message
from mediacat.gui.views.waveform_widget import WaveformWidget

WAVEFORM_BUCKETS = 800
WAVEFORM_TIMEOUT_S = 30.0


class AudioPlayer(PlayerControls, QWidget):
    """Plays one audio file; without Qt Multimedia it shows why instead (a WAV waveform is still drawn)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Audio player")
        self._request = 0
        self.message = QLabel(self)
        self.message.setAccessibleName("Audio player message")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()
        self.waveform = WaveformWidget(self)
        self.transport = TransportBar(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.waveform, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.transport)
        self.core: PlayerCore | None = None
        reason = unavailable_message()
        if reason is not None:
            self.transport.setEnabled(False)
            self._show_message(reason)
            return
        self.core = PlayerCore(self.transport, self)
        self.core.required_track = "audio"
        self.core.error_message.connect(self._show_message)
        self.core.position_changed.connect(self._on_position)
        self.waveform.seek_requested.connect(self.core.seek_fraction)

    def load(self, path: str) -> None:
        """Open the file paused at the start and compute its waveform off the GUI thread."""
        self._request += 1
        request = self._request
        self.message.hide()
        self.waveform.set_position_fraction(0.0)
        self.waveform.set_note(f"Reading the waveform of {Path(path).name}…")
        if self.core is not None:
            self.core.load(path)
        else:
            self._show_message(unavailable_message() or "")
        from mediacat.qtmedia.waveform import decode_peaks

        run_in_background(
            decode_peaks,
            path,
            WAVEFORM_BUCKETS,
            WAVEFORM_TIMEOUT_S,
            on_success=lambda peaks: self._on_peaks(request, peaks),
            on_failure=lambda message: self._on_peaks_failed(request, message),
        )

    def clear(self) -> None:
        self._request += 1
        if self.core is not None:
            self.core.unload()
        self.waveform.set_note("")

    def message_text(self) -> str:
        return self.message.text() if not self.message.isHidden() else ""

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    def _on_position(self, position: int) -> None:
        duration = self.duration_ms()
        if duration > 0:
            self.waveform.set_position_fraction(position / duration)

    def _on_peaks(self, request: int, peaks: list) -> None:
        if request == self._request:
            self.waveform.set_peaks(peaks)

    def _on_peaks_failed(self, request: int, message: str) -> None:
        if request == self._request:
            self.waveform.set_note(f"No waveform: {message}")
