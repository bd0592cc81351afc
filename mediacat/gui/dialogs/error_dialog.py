"""The error dialog: one short sentence, details that expand on request, and a Copy button (like calibre)."""

from __future__ import annotations

import traceback

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from mediacat.core.errors import MediaCatError


def describe_exception(error: BaseException, context: str = "") -> tuple[str, str]:
    """(message, details) for an exception: a MediaCatError's own sentence, else its type, plus the traceback."""
    if isinstance(error, MediaCatError):
        message = str(error)
    else:
        message = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    if context:
        message = f"{context}: {message}"
    details = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    return message, details


class ErrorDialog(QDialog):
    """A message, expandable details and a Copy button that copies both."""

    def __init__(self, title: str, message: str, details: str = "", parent: QWidget | None = None, *,
                 icon: QStyle.StandardPixmap = QStyle.StandardPixmap.SP_MessageBoxCritical) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName("Error")
        self.message = message
        self.details = details

        icon_label = QLabel()
        icon_label.setPixmap(self.style().standardIcon(icon).pixmap(48, 48))
        icon_label.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.message_label = QLabel(message)
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message_label.setAccessibleName("Error message")
        top = QHBoxLayout()
        top.addWidget(icon_label)
        top.addWidget(self.message_label, 1)

        self.details_view = QPlainTextEdit(details)
        self.details_view.setReadOnly(True)
        self.details_view.setAccessibleName("Error details")
        self.details_view.setVisible(False)
        self.details_view.setMinimumHeight(160)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.details_button = QPushButton("Show details")
        self.details_button.setCheckable(True)
        self.details_button.setEnabled(bool(details))
        self.details_button.toggled.connect(self._toggle_details)
        self.copy_button = QPushButton("Copy")
        self.copy_button.setToolTip("Copy the message and details to the clipboard")
        self.copy_button.clicked.connect(self.copy_to_clipboard)
        buttons.addButton(self.details_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.details_view, 1)
        layout.addWidget(buttons)
        self.resize(520, 160)

    def text_for_clipboard(self) -> str:
        text = f"{self.windowTitle()}\n{self.message}"
        return f"{text}\n\n{self.details}" if self.details else text

    def copy_to_clipboard(self) -> None:
        QApplication.clipboard().setText(self.text_for_clipboard())

    def _toggle_details(self, shown: bool) -> None:
        self.details_view.setVisible(shown)
        self.details_button.setText("Hide details" if shown else "Show details")
        self.adjustSize()
