"""Other windows on the library: the window's title names the library folder, and a notice says when another
MediaCat process has it open (`core/presence.py`: a lock on one byte of `<library>/windows.lock` per process,
never the database file), looked at every `PRESENCE_POLL_MS`. A dismissed notice stays dismissed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer

from mediacat.core.presence import Presence
from mediacat.gui.views.catalog_notices import NoticeBar

if TYPE_CHECKING:
    from mediacat.gui.main_window import MainWindow

PRESENCE_POLL_MS = 5000  # how often the window looks for other windows on its library


class PresenceNotice:
    """Claims the window's slot on the library at once; `start()` polls the others once the content is built."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.presence = Presence(window.library.paths.root)
        self.presence.claim()
        self.notice = NoticeBar("Other windows")
        self.notice.hide()
        self._dismissed = False
        self.notice.dismissed.connect(lambda: setattr(self, "_dismissed", True))
        self._timer = QTimer(window)
        self._timer.setInterval(PRESENCE_POLL_MS)
        self._timer.timeout.connect(self.update)

    def start(self) -> None:
        self._timer.start()

    def update(self) -> None:
        """Title the window with the library's folder, and say whether another window has it open."""
        others = self.presence.others()
        folder = self.window.library_folder_text()
        also = "" if not others else " (also open in another window)"
        self.window.setWindowTitle(f"{folder}{also} – MediaCat")
        if others:
            windows = "Another MediaCat window has" if others == 1 else f"{others} other MediaCat windows have"
            self.notice.label.setText(f"{windows} this library ({folder}) open. Both can make changes to it.")
        self.notice.setVisible(bool(others) and not self._dismissed)

    def release(self) -> None:
        """The window closes: no more polling, and its slot is free for another window."""
        self._timer.stop()
        self.presence.release()
