"""Feeds View ▸ Timeline: the window's filtered items and their times, loaded off the GUI thread.

The timeline shows the catalog model's rows (the same search and filters), follows the window's one
selection, and reloads when the query or the library changes (`library_changed`), only while it is shown.
"""

from __future__ import annotations

from typing import Any

from mediacat.core.changes import Changes
from mediacat.core.jobs import Job
from mediacat.core.library import Library
from mediacat.core.timeline import Timeline, load_timeline
from mediacat.gui.views.timeline_view import TimelinePanel


def timeline_query(job: Job, library: Library, item_ids: list[str]) -> tuple[Timeline, dict[str, Any], list[str]]:
    """Read-only, on a reader: the events, these items' times and their light rows (for thumbnails)."""
    job.check()
    timeline = load_timeline(library, item_ids)
    rows = library.item_rows([entry.id for entry in timeline.items])
    return timeline, rows, item_ids


class TimelineController:
    def __init__(self, window: Any, panel: TimelinePanel) -> None:
        self.window = window
        self.panel = panel
        self.canvas = panel.canvas
        self.canvas.thumbnail_provider = window.thumbnails
        self._dirty = True
        self.loads = 0  # answers applied (tests wait on it)
        window.model.modelReset.connect(self.invalidate)
        window.model.query_changed.connect(self.invalidate)
        window.library_changed.connect(self._library_changed)
        window.selection_changed.connect(self._follow_selection)
        if window.thumbnails is not None:
            window.thumbnails.thumbnail_ready.connect(lambda _item_id: self.canvas.update())
        self.canvas.item_clicked.connect(self._clicked)
        self.canvas.item_activated.connect(lambda item_id: window.open_viewer(item_id))

    def invalidate(self, *_args: Any) -> None:
        self._dirty = True
        if self.panel.isVisible():
            self.reload()

    def shown(self) -> None:
        """The timeline became the current view: load it if anything changed since it was last shown."""
        self._follow_selection()
        if self._dirty:
            self.reload()

    def reload(self) -> None:
        self._dirty = False
        self.window.run_query(timeline_query, self.window.visible_item_ids(), on_done=self._loaded,
                              key="timeline", label="Loading the timeline")

    def _loaded(self, result: tuple[Timeline, dict[str, Any], list[str]]) -> None:
        timeline, rows, order = result
        self.canvas.set_timeline(timeline, rows, order)
        self.panel.show_selected(self.canvas.current_item)
        self.loads += 1

    def _library_changed(self, changes: Changes) -> None:
        if changes.is_everything or changes.item_set or changes.items or changes.attachments:
            self.invalidate()

    def _follow_selection(self) -> None:
        current = self.window.current_item_id()
        if current != self.canvas.current_item:
            self.canvas.current_item = current
            self.canvas.update()
        self.panel.show_selected(current)

    def _clicked(self, item_id: str) -> None:
        self.window.select_item(item_id)
