"""The filter side bar: the facets as a checkable tree, and a button that clears them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QLabel, QPushButton, QTreeView, QVBoxLayout, QWidget

from mediacat.gui.models.facet_model import FacetModel


class FilterSidebar(QWidget):
    def __init__(self, model: FacetModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.setAccessibleName("Filters")
        title = QLabel("Filters")
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        self.clear_button = QPushButton("Clear")
        self.clear_button.setToolTip("Show every item again")
        self.clear_button.setAccessibleName("Clear filters")
        self.clear_button.clicked.connect(model.clear_checks)
        header = QHBoxLayout()
        header.addWidget(title, 1)
        header.addWidget(self.clear_button)

        self.tree = QTreeView()
        self.tree.setModel(model)
        self.tree.setHeaderHidden(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.tree.setAccessibleName("Filter values")
        self.tree.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.tree.expandAll()
        model.modelReset.connect(self.tree.expandAll)
        model.rowsInserted.connect(lambda *_: self.tree.expandAll())

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 0, 4)
        layout.addLayout(header)
        layout.addWidget(self.tree, 1)
        self._sections = 0

    def add_section(self, title: str, widget: QWidget) -> None:
        """A titled section above the filters (feature modules: the saved searches)."""
        label = QLabel(title)
        font = label.font()
        font.setBold(True)
        label.setFont(font)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(self._sections, label)
        layout.insertWidget(self._sections + 1, widget)
        self._sections += 2
