"""What the catalog area says besides the items: a welcome on the first start, "No items match" with a Clear
Filters button when the search and filters leave nothing, and that another window has the library open."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QVBoxLayout, QWidget


class NoMatchPanel(QWidget):
    """Shown instead of the grid or table when the query has no results."""

    clear_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("No items match")
        self.title = QLabel("<h2>No items match</h2>")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.explanation = QLabel()
        self.explanation.setWordWrap(True)
        self.explanation.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.explanation.setAccessibleName("Why no items match")
        self.clear_button = QPushButton("&Clear Filters")
        self.clear_button.setAccessibleName("Clear filters and search")
        self.clear_button.setToolTip("Uncheck every filter and empty the search box (Esc in the search box)")
        self.clear_button.clicked.connect(self.clear_requested)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.title)
        layout.addWidget(self.explanation)
        layout.addWidget(self.clear_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)

    def describe(self, search: str | None, filter_count: int) -> None:
        """Say what is hiding every item: the search words, the checked filters, or both."""
        parts = []
        if search:
            parts.append(f"the search “{search}”")
        if filter_count:
            parts.append(f"{filter_count} checked filter{'' if filter_count == 1 else 's'}")
        reason = " and ".join(parts) or "the current query"
        self.explanation.setText(f"No item in the catalog matches {reason}.")


class NoticeBar(QFrame):
    """A one-line notice above the catalog with optional action buttons and a close button."""

    dismissed = Signal()  # the person closed it

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(name)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.AlternateBase)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setAccessibleName(f"{name} text")
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(8, 4, 4, 4)
        self._layout.addWidget(self.label, 1)
        self.close_button = QToolButton()
        self.close_button.setText("×")
        self.close_button.setAutoRaise(True)
        self.close_button.setToolTip("Hide this notice")
        self.close_button.setAccessibleName(f"Hide {name.lower()}")
        self.close_button.clicked.connect(self.hide)
        self.close_button.clicked.connect(self.dismissed)
        self._layout.addWidget(self.close_button)

    def add_button(self, text: str) -> QPushButton:
        button = QPushButton(text)
        self._layout.insertWidget(self._layout.count() - 1, button)
        return button

    def text(self) -> str:
        return self.label.text()
