"""The detail pane's Edit form: every field and the sources of a user item, or the correctable facts of a
shipped item (each correction shown beside the catalog's value). Save, Revert and Done; the archivist feature
runs the save as one core operation on the window's writer."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from mediacat.core.item_sources import Sources
from mediacat.core.model import Item
from mediacat.core.user_items import SEED_CORRECTABLE, ExternalSource
from mediacat.gui.dialogs.item_form import ItemForm
from mediacat.gui.dialogs.source_editor import QuoteCheck, SourcesEditor


def item_sources(item: Item) -> Sources:
    """The sources of an item as the editor lists them."""
    return Sources(tuple((link.article_id, link.quote) for link in item.sources),
                   tuple(ExternalSource(page["url"], page["quote"], page.get("title", ""))
                         for page in item.external_sources))


class ItemEditor(QWidget):
    """The current item's fields (and a user item's sources), to change and save."""

    done = Signal()  # back to the details

    def __init__(self, phases: list[tuple[str, str]], articles: list[tuple[str, str]], check_quote: QuoteCheck,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Edit item")
        self.heading = QLabel("No item selected.")
        self.heading.setWordWrap(True)
        self.form = ItemForm(phases)
        self.sources_title = QLabel("<b>Sources</b>")
        self.sources_editor = SourcesEditor(articles, check_quote)
        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        body_layout.addWidget(self.form)
        body_layout.addWidget(self.sources_title)
        body_layout.addWidget(self.sources_editor)
        body_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setMinimumWidth(60)
        scroll.setWidget(body)
        self.save_button = QPushButton("Save")
        self.revert_button = QPushButton("Revert")
        self.revert_button.setToolTip("Put back what is saved")
        self.done_button = QPushButton("Done")
        self.done_button.setToolTip("Back to the item's details")
        self.save_button.setEnabled(False)
        self.revert_button.setEnabled(False)
        self.form.edited.connect(self._edited)
        self.sources_editor.edited.connect(self._edited)
        buttons = QHBoxLayout()
        buttons.addWidget(self.done_button)
        buttons.addStretch(1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.heading)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)
        self.item: Item | None = None
        self.revert_button.clicked.connect(lambda: self.show_item(self.item))
        self.done_button.clicked.connect(self.done)

    def show_item(self, item: Item | None) -> None:
        self.item = item
        self.form.show_item(item)
        user = item is not None and item.origin == "user"
        self.sources_title.setVisible(user)
        self.sources_editor.setVisible(user)
        self.sources_editor.set_sources(item_sources(item) if user and item is not None else Sources())
        if item is None:
            self.heading.setText("No item selected.")
        elif user:
            self.heading.setText(f"Your item {item.id}: every field and source can be changed.")
        else:
            self.heading.setText(f"Shipped item {item.id}: its facts can be corrected; your correction is kept "
                                 "beside the catalog's value. Tags, notes and files are edited in their panels.")
        self.save_button.setEnabled(False)
        self.revert_button.setEnabled(False)

    def changed_values(self) -> dict[str, Any]:
        if self.item is None:
            return {}
        allowed = None if self.item.origin == "user" else SEED_CORRECTABLE
        changed: dict[str, Any] = {}
        for name, value in self.form.values().items():
            if allowed is not None and name not in allowed:
                continue
            current = getattr(self.item, name)
            current = list(current) if isinstance(current, tuple) else current
            if (value or None) != (current or None):
                changed[name] = value
        return changed

    def changed_sources(self) -> Sources | None:
        """A user item's sources as listed now, when they differ from the saved ones (else None)."""
        if self.item is None or self.item.origin != "user":
            return None
        listed = self.sources_editor.sources()
        return listed if listed != item_sources(self.item) else None

    def dirty(self) -> bool:
        return bool(self.changed_values()) or self.changed_sources() is not None

    def _edited(self) -> None:
        dirty = self.dirty()
        self.save_button.setEnabled(dirty)
        self.revert_button.setEnabled(dirty)


__all__ = ["ItemEditor", "item_sources"]
