"""The video player: a QVideoWidget fed by QMediaPlayer, with play/pause, seek, position and duration."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QStackedWidget, QVBoxLayout, QWidget

from mediacat.gui.views.playback import PlayerControls, PlayerCore, TransportBar, unavailable_message


class VideoPlayer(PlayerControls, QWidget):
    """Plays one video file; without Qt Multimedia it shows why instead."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Video player")
        self.message = QLabel(self)
        self.message.setAccessibleName("Video player message")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._screen = QStackedWidget(self)
        self._screen.addWidget(self.message)
        self.transport = TransportBar(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._screen, 1)
        layout.addWidget(self.transport)
        self.core: PlayerCore | None = None
        self.video_widget: QWidget | None = None
        reason = unavailable_message()
        if reason is not None:
            self.transport.setEnabled(False)
            self._show_message(reason)
            return
        from PySide6.QtMultimediaWidgets import QVideoWidget

        self.video_widget = QVideoWidget(self)
        self.video_widget.setAccessibleName("Video")
        self._screen.addWidget(self.video_widget)
        self.core = PlayerCore(self.transport, self)
        self.core.player.setVideoOutput(self.video_widget)
        self.core.show_first_frame = True
        self.core.error_message.connect(self._show_message)

    def load(self, path: str) -> None:
        """Open the file paused at the start."""
        if self.core is None:
            self._show_message(unavailable_message() or "")
            return
        assert self.video_widget is not None
        self._screen.setCurrentWidget(self.video_widget)
        self.message.setText("")
        self.core.load(path)

    def clear(self) -> None:
        if self.core is not None:
            self.core.unload()

    def message_text(self) -> str:
        return self.message.text() if self._screen.currentWidget() is self.message else ""

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self._screen.setCurrentWidget(self.message)
