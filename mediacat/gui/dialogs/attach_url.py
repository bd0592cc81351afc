"""Item ▸ Attach from URL…: asks for an http(s) URL and refuses other schemes before anything is downloaded."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLayout, QLineEdit, QVBoxLayout, QWidget

from mediacat.core.download import UnsupportedURL, check_url


class AttachUrlDialog(QDialog):
    """Emits `url_chosen(item_id, url)` when accepted with a valid http or https URL."""

    url_chosen = Signal(str, str)

    def __init__(self, item_id: str, item_title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item_id = item_id
        self.setWindowTitle("Attach from URL")
        intro = QLabel(f"Download a public image, audio or video file and attach it to “{item_title}”.")
        intro.setWordWrap(True)
        self.url_edit = QLineEdit()
        self.url_edit.setPlaceholderText("https://…")
        self.url_edit.setAccessibleName("URL")
        self.url_edit.setMinimumWidth(460)
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #c62828")
        self.error_label.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Download and attach")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.intro = intro
        layout = QVBoxLayout(self)
        # The dialog grows with its wrapped text (the instructions, a long error) instead of cutting it off.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        layout.addWidget(intro)
        layout.addWidget(self.url_edit)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

    def accept(self) -> None:
        url = self.url_edit.text().strip()
        try:
            check_url(url)
        except UnsupportedURL as error:
            self.error_label.setText(str(error) if url else "Type or paste the file's http or https URL.")
            self.error_label.show()
            self.adjustSize()
            return
        super().accept()
        self.url_chosen.emit(self.item_id, url)
