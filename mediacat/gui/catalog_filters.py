"""The catalog's query: the search box and the side bar's filters make it, a change to the library runs it again
when it can move items, and the status bar counts its answer.

The search box runs the query after a short pause in typing (Enter, Down or Page Down move to the results); the
side bar's counts follow the other filters, asked for once the items have answered. The count label and the
"no match" panel are worked out from each answer (no query of their own).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent

from mediacat.core.search import ItemQuery

if TYPE_CHECKING:
    from mediacat.core.changes import Changes
    from mediacat.gui.catalog_selection import CatalogSelection
    from mediacat.gui.main_window import MainWindow

SEARCH_DEBOUNCE_MS = 200


def _may_move_items(changes: Changes, query: ItemQuery) -> bool:
    """Whether a change to some items can change which items `query` finds, their order or the counts shown:
    files (the media counts, the Files sort and filter) and item fields (facets: type, kind, phase, title,
    dates ... which filters and sorts read) can; tags only through a tag filter or the search (which reads
    tags and notes too); a note or an item's time only through the search."""
    if changes.attachments or changes.facets:
        return True
    return bool(query.search) or (changes.tags and bool(query.tags))


def _unsorted(query: ItemQuery) -> ItemQuery:
    """`query` in the catalog order: what it finds, whatever order it shows it in."""
    return replace(query, sort="catalog", descending=False)


class CatalogFilters(QObject):
    def __init__(self, window: MainWindow, selection: CatalogSelection) -> None:
        super().__init__(window)
        self.window = window
        self.model = window.model
        self.facets = window.facets
        self.search_box = window.search_box
        self.selection = selection
        self._facets_after_answer: ItemQuery | None = None  # the facet counts to ask for when the items answer
        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DEBOUNCE_MS)
        self.search_timer.timeout.connect(self.apply_filters)
        self.search_box.textChanged.connect(lambda _text: self.search_timer.start())
        self.search_box.returnPressed.connect(selection.focus_results)
        self.search_box.installEventFilter(self)
        self.facets.filters_changed.connect(self.apply_filters)
        self.model.query_changed.connect(self._answered)
        self.model.query_failed.connect(lambda error: window.tasks.show_error("Search", error))
        self.model.query_failed.connect(self._facets_follow)
        self.facets.reload_failed.connect(lambda error: window.tasks.show_error("Filter counts", error))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched is self.search_box and isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Down, Qt.Key.Key_PageDown) and not event.modifiers()):
            self.selection.focus_results()
            return True
        return super().eventFilter(watched, event)

    def focus_search(self) -> None:
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    def build_query(self) -> ItemQuery:
        text = self.search_box.text().strip()
        sort = self.model.query.sort
        return ItemQuery(search=text or None, **self.facets.query_fields(), sort=sort,
                         descending=self.model.query.descending)

    def apply_filters(self) -> None:
        self.search_timer.stop()
        query = self.build_query()
        if query == self.model.requested_query:
            return
        self.model.set_query(query)
        if _unsorted(query) != _unsorted(self.facets.query or ItemQuery()):
            # The counts follow the other active filters (not a mere re-sort): asked for once the items have
            # answered, so the two readers do not share the interpreter while the grid waits for its rows.
            self._facets_after_answer = query

    def clear_filters(self) -> None:
        self.search_box.blockSignals(True)
        self.search_box.clear()
        self.search_box.blockSignals(False)
        self.facets.blockSignals(True)
        self.facets.clear_checks()
        self.facets.blockSignals(False)
        self.apply_filters()

    def clear_search(self) -> None:
        if self.search_box.text():
            self.search_box.clear()
            self.apply_filters()

    def set_tag_filter(self, tags: list[str]) -> None:
        wanted = set(tags)
        for value in self.facets.checked_values().get("tag", ()):
            if value not in wanted:
                self.facets.set_checked("tag", value, False)
        for tag in tags:
            self.facets.set_checked("tag", tag, True)
        self.apply_filters()

    def _facets_follow(self, *_args: object) -> None:
        """The items answered (or failed): now the facet counts narrowed by the same query."""
        if self._facets_after_answer is not None:
            query, self._facets_after_answer = self._facets_after_answer, None
            self.facets.reload(query)

    def _answered(self) -> None:
        self._facets_follow()
        self.selection.answered()
        self.update_counts()

    def update_counts(self) -> None:
        """Counted once per answer, from its id list (no query of its own)."""
        window, model = self.window, self.model
        query = model.query
        shown = model.rowCount()
        text = f"{shown} item{'' if shown == 1 else 's'}, {model.with_media} with media"
        if model.with_builtin:  # the shipped NASA pictures are not the user's media: counted apart
            text += f", {model.with_builtin} with a built-in NASA file"
        filtered = _unsorted(query) != ItemQuery()
        if filtered:
            text += f" (of {model.total})"
        window.count_label.setText(text)
        empty = filtered and shown == 0
        no_match, views = window.no_match, window.views
        if empty:
            checked = sum(len(values) for values in self.facets.checked_values().values())
            no_match.describe(query.search, checked)
        if empty != no_match.isVisible() or empty == views.isVisible():
            had_focus = views.isAncestorOf(window.focusWidget()) if window.focusWidget() else False
            views.setVisible(not empty)
            no_match.setVisible(empty)
            if empty and had_focus:
                no_match.clear_button.setFocus()

    def library_changed(self, changes: Changes) -> None:
        """Refresh only what `changes` names: rows, the item query and counts, facets.

        Bounded work on the GUI thread whatever the size of the change: the rows on screen are repainted
        (`refresh_rows` looks only at the rows it holds), and the query runs again, on a reader, only if the
        change can move items in or out of the results, reorder them or change the counts."""
        model = self.model
        everything = changes.is_everything
        if everything or changes.attachments or changes.facets:
            model.forget_media_ids()
        if everything or changes.item_set or changes.facets:
            model.forget_catalog_order()
        if everything:
            model.reload_phase_labels()
        if everything or changes.item_set or changes.settings:
            model.refresh_rows(None)
            model.reload()
        elif changes.items or changes.attachments:
            model.refresh_rows(changes.items)
            if _may_move_items(changes, model.requested_query):
                model.reload()
        if everything or changes.tags or changes.facets:
            self.facets.reload()
