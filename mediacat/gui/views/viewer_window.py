"""The viewer window (Enter or double-click on an item): the item's first attached file in MediaView,
or the type placeholder and how to attach a file. Space plays and pauses; Esc closes."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QScrollArea, QStackedWidget, QVBoxLayout, QWidget

from mediacat.core.builtin_media import shown_media
from mediacat.core.model import Item
from mediacat.gui.views.detail_pane import how_to_attach_text
from mediacat.gui.views.drops import ItemDropTarget
from mediacat.gui.views.placeholders import placeholder_pixmap

if TYPE_CHECKING:  # the media viewers may be missing from a build: imported at run time only if present
    from mediacat.gui.views.media_view import MediaView

PLACEHOLDER_SIZE = 192


def _media_view_class() -> type[MediaView] | None:
    """MediaView (mediacat.gui.views.media_view) if the media viewers are installed in this build."""
    try:
        from mediacat.gui.views.media_view import MediaView
    except ImportError:
        return None
    return MediaView


class ViewerWindow(ItemDropTarget, QWidget):
    files_dropped = Signal(str, list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setAccessibleName("Viewer")
        self.setAcceptDrops(True)
        self.item: Item | None = None
        media_view_class = _media_view_class()
        self.media_view = media_view_class(self) if media_view_class is not None else None
        if self.media_view is not None:
            self.media_view.setAccessibleName("Media")
        self.title = QLabel()
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title.setWordWrap(True)
        self.title.setAccessibleName("Item title")
        self.placeholder = QLabel()
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setAccessibleName("No file attached")
        self.how_to = QLabel()
        self.how_to.setWordWrap(True)
        self.how_to.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.how_to.setAccessibleName("How to attach a file")
        self.how_to.setMaximumWidth(620)
        self.placeholder_page = QWidget()
        placeholder_layout = QVBoxLayout(self.placeholder_page)
        placeholder_layout.addStretch(1)
        placeholder_layout.addWidget(self.title)
        placeholder_layout.addWidget(self.placeholder)
        # Not aligned in its cell (that would give it the height of one line): centred between stretches, it
        # gets the height its wrapped text needs.
        how_to_row = QHBoxLayout()
        how_to_row.addStretch(1)
        how_to_row.addWidget(self.how_to, 100)
        how_to_row.addStretch(1)
        placeholder_layout.addLayout(how_to_row)
        placeholder_layout.addStretch(1)
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption.setAccessibleName("Picture caption")
        self.caption.setVisible(False)
        # In a small window the placeholder page scrolls rather than squeezing its text behind the picture.
        self.placeholder_scroll = QScrollArea()
        self.placeholder_scroll.setWidgetResizable(True)
        self.placeholder_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.placeholder_scroll.setWidget(self.placeholder_page)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.placeholder_scroll)
        if self.media_view is not None:
            self.pages.addWidget(self.media_view)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.caption)
        self.play_shortcut = QShortcut(QKeySequence(Qt.Key.Key_Space), self)
        self.play_shortcut.activated.connect(self.toggle_playback)
        self.close_shortcut = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        self.close_shortcut.activated.connect(self.close)
        self.resize(960, 720)

    def show_item(self, item: Item) -> None:
        """Show the item's first attachment, or the placeholder and how-to sentence."""
        self.item = item
        self.setWindowTitle(f"{item.title} – MediaCat")
        self.title.setText(f"<h2>{escape(item.title)}</h2>")
        attachment = item.attachments[0] if item.attachments else None
        builtin = shown_media(item) if self.media_view is not None else None
        has_media = (attachment is not None or builtin is not None) and self.media_view is not None
        if self.media_view is not None:
            if builtin is not None:
                self.media_view.show_builtin(builtin, item)
            else:
                self.media_view.show_attachment(attachment, item)
        # What a built-in picture is to the item, and its credit, stay next to it.
        self.caption.setText(f"{builtin.caption}. Built into the catalog; drop a file here to attach your own."
                             if builtin is not None else "")
        self.caption.setVisible(builtin is not None)
        if attachment is None:
            self.how_to.setText(how_to_attach_text(item))
        else:
            self.how_to.setText(f"{attachment.original_name}: the media viewer is not available in this build.")
        self.placeholder.setPixmap(
            placeholder_pixmap(item.media_type, PLACEHOLDER_SIZE, self.palette(), self.devicePixelRatioF())
        )
        media_page = self.media_view if has_media else None
        self.pages.setCurrentWidget(media_page if media_page is not None else self.placeholder_scroll)
        shown = media_page.current_viewer() if media_page is not None else None
        if shown is not None:
            shown.setFocus(Qt.FocusReason.OtherFocusReason)  # "+", "-", F and 1 reach the image at once

    def toggle_playback(self) -> None:
        if self.media_view is not None and self.pages.currentWidget() is self.media_view:
            self.media_view.toggle_playback()


    def closeEvent(self, event: QCloseEvent) -> None:
        if self.media_view is not None:
            self.media_view.stop()
        super().closeEvent(event)
