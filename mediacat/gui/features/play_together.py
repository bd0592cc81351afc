"""Item ▸ Play Together (Ctrl+Shift+P): the selected items' video attachments in one window on one clock.

Two to six items (each gives its first video attachment), or one item with several video attachments.
Each clip is placed by its saved start (`attachment_clock`, SCET); clips without one start at the earliest
known start (or together at 0). Aligning a frame with an event saves that clip's start through the writer.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from PySide6.QtGui import QAction, QKeySequence

from mediacat.core.model import Attachment
from mediacat.core.timeline import clip_starts, load_timeline, set_clip_start_op
from mediacat.gui.views.play_together import MAX_CLIPS, Clip, PlayTogetherWindow


def video_attachments(window: Any, item_ids: list[str]) -> list[Attachment]:
    """The clips a selection plays: each item's first video, or all videos of a single item."""
    by_item: dict[str, list[Attachment]] = {}
    for attachment in window.library.attachments_of(item_ids):
        if attachment.media_type == "video":
            by_item.setdefault(attachment.item_id, []).append(attachment)
    if len(item_ids) == 1:
        return by_item.get(item_ids[0], [])[:MAX_CLIPS]
    return [by_item[item_id][0] for item_id in item_ids if by_item.get(item_id)][:MAX_CLIPS]


def clips_on_one_clock(window: Any, attachments: list[Attachment]) -> tuple[list[Clip], datetime | None]:
    starts = clip_starts(window.library, [a.id for a in attachments])
    known = [s.start_scet for s in starts.values()]
    origin = min(known) if known else None
    clips = []
    for attachment in attachments:
        start = starts.get(attachment.id)
        offset = 0.0 if start is None or origin is None else (start.start_scet - origin) / timedelta(milliseconds=1)
        label = f"{attachment.item_id}: {attachment.original_name}"
        clips.append(Clip(attachment.resolved_path, label, offset, attachment.id))
    return clips, origin


class PlayTogetherFeature:
    def __init__(self, window: Any) -> None:
        self.window = window
        self.windows: list[PlayTogetherWindow] = []
        self.action = QAction("&Play Together…", window, shortcut=QKeySequence("Ctrl+Shift+P"))
        self.action.setToolTip("Play the selected items' video clips side by side on one clock")
        self.action.triggered.connect(self.open_selected)
        window.menu("Item").addAction(self.action)

    def open_selected(self) -> PlayTogetherWindow | None:
        attachments = video_attachments(self.window, self.window.selected_item_ids())
        if len(attachments) < 2:
            self.window.show_error("Play Together", "Select two to six items with video files attached "
                                   "(or one item with several).")
            return None
        return self.open(attachments)

    def open(self, attachments: list[Attachment]) -> PlayTogetherWindow:
        clips, origin = clips_on_one_clock(self.window, attachments)
        timeline = load_timeline(self.window.library, [])
        events = [(e.title, e.time.scet) for e in sorted(timeline.events, key=lambda e: e.time.scet)]
        player = PlayTogetherWindow(clips, origin_scet=origin, events=events, parent=self.window)
        player.clip_start_chosen.connect(self._save_start)
        player.destroyed.connect(lambda *_: self.windows.remove(player) if player in self.windows else None)
        self.windows.append(player)
        player.show()
        return player

    def _save_start(self, attachment_id: int, start: datetime) -> None:
        self.window.run_op(set_clip_start_op, attachment_id, start, "aligned",
                           "aligned in Play Together: a frame matched with an event",
                           label="Save the clip's start",
                           on_done=lambda _c: self.window.status_message(
                               f"Clip #{attachment_id} now starts at {start.strftime('%H:%M:%S.%f')[:-3]} SCET"))


def install(window: Any) -> None:
    window.play_together = PlayTogetherFeature(window)
