"""File ▸ New Item…: the fields of a new item of the user's own, filled from a NASA Image Library record (an id or
a search; its chosen rendition is attached) or from a file's facts (the file is attached), and its sources.

The dialog does no work of its own: it asks (`nasa_lookup_wanted`, `nasa_record_wanted`, `file_chosen`) and the
archivist feature answers off the GUI thread (`show_nasa_results`, `fill_from_nasa`, `fill_from_file`,
`show_nasa_problem`, `show_file_problem`).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mediacat.core.item_sources import Sources
from mediacat.core.nasa import NasaResult
from mediacat.core.new_items import NasaLookup
from mediacat.gui.dialogs.item_form import ItemForm
from mediacat.gui.dialogs.source_editor import QuoteCheck, SourcesEditor

RENDITION_CHOICES = (("Original", "orig"), ("Large", "large"), ("Medium", "medium"), ("Small", "small"))
TEXT_FIELDS = ("title", "camera", "date_taken", "credit", "description")


class NewItemDialog(QDialog):
    nasa_lookup_wanted = Signal(str)  # a NASA id or search words
    nasa_record_wanted = Signal(str)  # the nasa_id of a search result chosen
    file_chosen = Signal(str)

    def __init__(self, phases: list[tuple[str, str]], articles: list[tuple[str, str]] | None = None,
                 check_quote: QuoteCheck | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New Item")
        self.form = ItemForm(phases)
        self.form.set_values({"media_type": "image", "kind": "still"})
        self.nasa: NasaLookup | None = None  # the record chosen: its values fill the form, its file is attached

        self.nasa_query = QLineEdit()
        self.nasa_query.setAccessibleName("NASA id or search words")
        self.nasa_query.setPlaceholderText("a NASA Image Library id (PIA24428) or words to search for")
        self.nasa_query.returnPressed.connect(self.look_up)
        self.look_up_button = QPushButton("Look Up")
        self.look_up_button.setAutoDefault(False)
        self.look_up_button.clicked.connect(self.look_up)
        self.nasa_results = QComboBox()
        self.nasa_results.setAccessibleName("NASA results")
        self.nasa_results.setVisible(False)
        self.nasa_results.activated.connect(self._result_chosen)
        self.rendition = QComboBox()
        self.rendition.setAccessibleName("Rendition")
        for label, value in RENDITION_CHOICES:
            self.rendition.addItem(label, value)
        self.nasa_status = QLabel("Fill the fields from the NASA Image Library and attach its file.")
        self.nasa_status.setWordWrap(True)
        self.nasa_status.setAccessibleName("NASA status")

        self.file = QLineEdit()
        self.file.setAccessibleName("File")
        self.file.setPlaceholderText("optional: a media file to attach (its facts fill the fields)")
        self.file.editingFinished.connect(self._file_typed)
        self.choose = QPushButton("Choose…")
        self.choose.setAutoDefault(False)
        self.choose.clicked.connect(self._choose_file)
        self.ask_file = lambda: QFileDialog.getOpenFileName(self, "New Item From a File")[0]
        self.file_status = QLabel()
        self.file_status.setWordWrap(True)
        self.file_status.setVisible(False)
        self.sources_editor = SourcesEditor(articles or [], check_quote or (lambda _a, _q: None))
        # the editor's rows stay the names the first version of this dialog had
        self.article, self.quote = self.sources_editor.article, self.sources_editor.quote

        nasa_row = QHBoxLayout()
        nasa_row.addWidget(self.nasa_query, 1)
        nasa_row.addWidget(self.look_up_button)
        pick_row = QHBoxLayout()
        pick_row.addWidget(self.nasa_results, 1)
        pick_row.addWidget(QLabel("File:"))
        pick_row.addWidget(self.rendition)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file, 1)
        file_row.addWidget(self.choose)
        extra = QFormLayout()
        extra.addRow("From NASA", nasa_row)
        extra.addRow("", pick_row)
        extra.addRow("", self.nasa_status)
        extra.addRow("Or a file", file_row)
        extra.addRow("", self.file_status)
        extra.addRow("Sources", self.sources_editor)
        self.error = QLabel()
        self.error.setStyleSheet("color: palette(highlight);")
        self.error.setWordWrap(True)
        self.error.setAccessibleName("Problem")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Add Item")
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(extra)
        layout.addWidget(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    # -- NASA -------------------------------------------------------------------------------------------

    def look_up(self) -> None:
        text = self.nasa_query.text().strip()
        if not text:
            self.nasa_status.setText("Type a NASA id or some words to search for.")
            return
        self.look_up_button.setEnabled(False)
        self.nasa_status.setText(f"Looking up {text!r}…")
        self.nasa_lookup_wanted.emit(text)

    def show_nasa_results(self, results: list[NasaResult]) -> None:
        """A search's results: the first is chosen (its record fills the form); another can be picked."""
        self.look_up_button.setEnabled(True)
        self.nasa_results.clear()
        for result in results:
            date = (result.date_created or "")[:10]
            self.nasa_results.addItem(f"{result.title} ({result.nasa_id.strip()}{', ' + date if date else ''})",
                                      result.nasa_id)
        self.nasa_results.setVisible(True)
        self.nasa_status.setText(f"{len(results)} results; the first fills the form, or choose another.")
        if results:
            self._result_chosen(0)

    def _result_chosen(self, index: int) -> None:
        nasa_id = self.nasa_results.itemData(index)
        if nasa_id is not None:
            self.nasa_status.setText(f"Reading {nasa_id.strip()}…")
            self.nasa_record_wanted.emit(nasa_id)

    def fill_from_nasa(self, lookup: NasaLookup) -> None:
        """The record's title, date, credit, description and page fill the form; its file will be attached and
        its keywords become tags. (A file chosen before is forgotten: one file comes with the new item.)"""
        if lookup.results:
            self.show_nasa_results(lookup.results)
            return
        self.look_up_button.setEnabled(True)
        self.nasa = lookup
        self.form.set_values({**self.form.values(), **lookup.values})
        self.form.edited.emit()
        self.file.clear()
        self.file_status.setVisible(False)
        keywords = ", ".join(lookup.keywords) or "none"
        self.nasa_status.setText(f"From NASA {str(lookup.nasa_id).strip()}: its {self.rendition.currentText().lower()} "
                                 f"file is attached. Keywords (become tags): {keywords}.")

    def show_nasa_problem(self, message: str) -> None:
        self.look_up_button.setEnabled(True)
        self.nasa_status.setText(f"NASA look-up failed: {message}")

    def nasa_choice(self) -> tuple[str, str, list[str]] | None:
        """(nasa_id, rendition, keywords) of the chosen record, or None."""
        if self.nasa is None or self.nasa.nasa_id is None:
            return None
        return self.nasa.nasa_id, self.rendition.currentData(), list(self.nasa.keywords)

    # -- a file -----------------------------------------------------------------------------------------

    def _choose_file(self) -> None:
        chosen = self.ask_file()
        if chosen:
            self.file.setText(chosen)
            self._file_typed()

    def _file_typed(self) -> None:
        path = self.file_path()
        if path:
            self.nasa = None  # one file comes with the new item: this one
            self.nasa_status.setText("A file is chosen: its facts fill the form.")
            self.file_status.setText("Reading the file's facts…")
            self.file_status.setVisible(True)
            self.file_chosen.emit(path)

    def fill_from_file(self, path: str, values: dict[str, Any]) -> None:
        """The file's facts fill the fields still empty; its type and kind are the file's."""
        if path != self.file_path():
            return  # another file was chosen meanwhile
        current = self.form.values()
        filled = {name: value for name, value in values.items()
                  if name in ("media_type", "kind") or (name in TEXT_FIELDS and not current.get(name))}
        self.form.set_values({**current, **filled})
        self.form.edited.emit()
        self.file_status.setText(f"Filled from the file: {', '.join(sorted(filled)) or 'nothing new'}.")

    def show_file_problem(self, path: str, message: str) -> None:
        if path == self.file_path():
            self.file_status.setText(f"The file cannot be read: {message}")

    def file_path(self) -> str | None:
        return self.file.text().strip() or None

    # -- the answer -------------------------------------------------------------------------------------

    def sources(self) -> Sources:
        return self.sources_editor.sources()

    def values(self) -> dict[str, Any]:
        """The fields given; with a file, the type and kind only when changed (else the file's own)."""
        given = {name: value for name, value in self.form.values().items() if value not in (None, "", [])}
        if self.file_path():
            for name, default in (("media_type", "image"), ("kind", "still")):
                if given.get(name) == default:
                    del given[name]
        if self.nasa_choice() is not None and self.nasa is not None:
            given["nasa_ids"] = list(self.nasa.values.get("nasa_ids", []))
        return given

    def _accept(self) -> None:
        editor = self.sources_editor
        if editor.pending() or editor.article.currentData():  # typed but not added: add it now, or say why not
            added = editor.add_page() if editor.url.text().strip() or editor.url_quote.text().strip() else True
            if added and (editor.article.currentData() or editor.quote.text().strip()):
                added = editor.add_article()
                if added:
                    editor.article.setCurrentIndex(0)
            if not added:
                self.error.setText(editor.error.text())
                return
        if not self.form.values().get("title") and not self.file_path():
            self.error.setText("Give the item a title (or choose a file or a NASA record to take it from).")
            return
        self.accept()


__all__ = ["NewItemDialog"]
