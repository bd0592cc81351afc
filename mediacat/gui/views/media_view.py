"""The media pane: shows an attachment in the image viewer, the audio player or the video player by its type."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QStackedWidget, QWidget

from mediacat.core.model import Attachment, BuiltinMedia, Item
from mediacat.gui.views.audio_player import AudioPlayer
from mediacat.gui.views.image_viewer import ImageViewer
from mediacat.gui.views.video_player import VideoPlayer


class MediaView(QStackedWidget):
    """One page per media type, made on first use; `show_attachment(None, item)` shows an empty page."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Media view")
        self._empty = QLabel("", self)
        self._empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.addWidget(self._empty)
        self._image_viewer: ImageViewer | None = None
        self._audio_player: AudioPlayer | None = None
        self._video_player: VideoPlayer | None = None
        self._attachment: Attachment | None = None

    @property
    def image_viewer(self) -> ImageViewer:
        if self._image_viewer is None:
            self._image_viewer = ImageViewer(self)
            self.addWidget(self._image_viewer)
        return self._image_viewer

    @property
    def audio_player(self) -> AudioPlayer:
        if self._audio_player is None:
            self._audio_player = AudioPlayer(self)
            self.addWidget(self._audio_player)
        return self._audio_player

    @property
    def video_player(self) -> VideoPlayer:
        if self._video_player is None:
            self._video_player = VideoPlayer(self)
            self.addWidget(self._video_player)
        return self._video_player

    def attachment(self) -> Attachment | None:
        return self._attachment

    def show_attachment(self, attachment: Attachment | None, item: Item) -> None:
        """Show the file in the viewer for its media type (the attachment's, else the item's); None: nothing."""
        self.stop()
        self._attachment = attachment
        if attachment is None:
            self._clear_pages()
            self.setCurrentWidget(self._empty)
            return
        path = attachment.resolved_path or attachment.path
        media_type = attachment.media_type or item.media_type
        if media_type == "audio":
            self.audio_player.load(path)
            self.setCurrentWidget(self.audio_player)
        elif media_type == "video":
            self.video_player.load(path)
            self.setCurrentWidget(self.video_player)
        else:
            self.image_viewer.load(path, panorama=item.kind == "panorama")
            self.setCurrentWidget(self.image_viewer)

    def show_builtin(self, media: BuiltinMedia, item: Item) -> None:
        """Show a built-in file of the seed catalog (an image) in the image viewer; it is no attachment."""
        self.stop()
        self._attachment = None
        self.image_viewer.load(media.path, panorama=item.kind == "panorama")
        self.setCurrentWidget(self.image_viewer)

    def current_viewer(self) -> QWidget | None:
        """The image viewer or player on show, None when nothing is."""
        widget = self.currentWidget()
        return None if widget is self._empty else widget

    def toggle_playback(self) -> None:
        """Play/pause the audio or video on show (nothing for an image)."""
        widget = self.currentWidget()
        if isinstance(widget, AudioPlayer | VideoPlayer):
            widget.toggle_playback()

    def stop(self) -> None:
        """Stop any playback (before showing another item, or closing)."""
        for player in (self._audio_player, self._video_player):
            if player is not None:
                player.stop()

    def _clear_pages(self) -> None:
        for page in (self._image_viewer, self._audio_player, self._video_player):
            if page is not None:
                page.clear()
