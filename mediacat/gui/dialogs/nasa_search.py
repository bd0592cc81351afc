"""Tools ▸ Search NASA Image Library…: search, page, preview thumbnails, pick a rendition, download & attach.

Searches and thumbnails run in `window.tasks` (off the GUI thread); the download goes to the Downloads dock.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mediacat.core.download import fetch_bytes
from mediacat.core.errors import MediaCatError
from mediacat.core.jobs import Job
from mediacat.core.nasa import NasaImageLibrary, NasaResult, SearchPage, api_url

THUMB_SIZE = QSize(96, 96)
THUMB_MAX_BYTES = 4 * 1024**2
RESULT_ROLE = Qt.ItemDataRole.UserRole + 1
MEDIA_TYPE_CHOICES = (("Any type", ""), ("Images", "image"), ("Videos", "video"), ("Audio", "audio"))
RENDITION_CHOICES = (("Original", "orig"), ("Large", "large"), ("Medium", "medium"))


def search_worker(job: Job, nasa: NasaImageLibrary, query: str, media_type: str, page_url: str | None) -> SearchPage:
    job.check()
    return nasa.search(query, media_type or None, page_url=page_url)


def thumbnail_worker(job: Job, url: str) -> QImage:
    """A preview image, decoded off the GUI thread (QImage is safe to use there)."""
    data, _final = fetch_bytes(url, max_bytes=THUMB_MAX_BYTES, job=job)
    image = QImage.fromData(data)
    if image.isNull():
        raise MediaCatError(f"{url}: the preview is not an image Qt can read")
    return image.scaled(THUMB_SIZE, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)


class NasaSearchDialog(QDialog):
    def __init__(self, window: Any, downloads: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent or window)
        self.main_window = window
        self.downloads = downloads
        self.nasa = NasaImageLibrary(api_url(window.library))
        self.page: SearchPage | None = None
        self.page_number = 0
        self._generation = 0  # thumbnails of an older page are dropped
        self._pending_thumbnails = 0
        self.setWindowTitle("Search NASA Image Library")
        self.resize(760, 620)

        self.query_edit = QLineEdit()
        self.query_edit.setPlaceholderText("e.g. Perseverance landing")
        self.query_edit.setAccessibleName("Search words")
        self.query_edit.returnPressed.connect(self.search)
        self.type_combo = QComboBox()
        self.type_combo.setAccessibleName("Media type")
        for label, value in MEDIA_TYPE_CHOICES:
            self.type_combo.addItem(label, value)
        self.search_button = QPushButton("Search")
        self.search_button.setAutoDefault(False)
        self.search_button.clicked.connect(self.search)
        top = QHBoxLayout()
        top.addWidget(self.query_edit, 1)
        top.addWidget(self.type_combo)
        top.addWidget(self.search_button)

        self.results = QListWidget()
        self.results.setAccessibleName("Results")
        self.results.setIconSize(THUMB_SIZE)
        self.results.setWordWrap(True)
        self.results.setUniformItemSizes(True)
        self.results.currentItemChanged.connect(lambda *_: self.update_buttons())
        self.status_label = QLabel(f"Source: {self.nasa.base_url}")
        self.status_label.setWordWrap(True)
        self.status_label.setAccessibleName("Search status")
        self.next_button = QPushButton("Next page")
        self.next_button.setAutoDefault(False)
        self.next_button.clicked.connect(self.next_page)
        paging = QHBoxLayout()
        paging.addWidget(self.status_label, 1)
        paging.addWidget(self.next_button)

        self.target_label = QLabel()
        self.target_label.setWordWrap(True)
        self.rendition_combo = QComboBox()
        self.rendition_combo.setAccessibleName("Rendition")
        for label, value in RENDITION_CHOICES:
            self.rendition_combo.addItem(label, value)
        self.download_button = QPushButton("Download && attach")
        self.download_button.setAutoDefault(False)
        self.download_button.clicked.connect(self.download_selected)
        close_button = QPushButton("Close")
        close_button.setAutoDefault(False)
        close_button.clicked.connect(self.close)
        bottom = QHBoxLayout()
        bottom.addWidget(self.target_label, 1)
        bottom.addWidget(QLabel("File:"))
        bottom.addWidget(self.rendition_combo)
        bottom.addWidget(self.download_button)
        bottom.addWidget(close_button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.results, 1)
        layout.addLayout(paging)
        layout.addLayout(bottom)
        window.selection_changed.connect(self.update_buttons)
        self.searching = False
        self.update_buttons()

    # -- searching ------------------------------------------------------------------------------

    def search(self) -> None:
        if self.searching:  # Enter pressed again while a search runs: one search at a time
            return
        query = self.query_edit.text().strip()
        if not query:
            self.status_label.setText("Type some words to search for.")
            return
        self.page_number = 0
        self._ask(query, None)

    def next_page(self) -> None:
        if not self.searching and self.page is not None and self.page.next_url:
            self._ask(self.query_edit.text().strip(), self.page.next_url)

    def _ask(self, query: str, page_url: str | None) -> None:
        self.searching = True
        self.status_label.setText("Searching…")
        self.update_buttons()
        self.main_window.tasks.run(
            search_worker, self.nasa, query, self.type_combo.currentData(), page_url,
            on_done=self._show_page, on_error=self._search_failed, label="NASA search",
        )

    def _search_failed(self, error: BaseException) -> None:
        self.searching = False
        self.status_label.setText(f"The search failed: {error}")
        self.update_buttons()

    def _show_page(self, page: SearchPage) -> None:
        self.searching = False
        self.page = page
        self.page_number += 1
        self._generation += 1
        self.results.clear()
        for result in page.items:
            item = QListWidgetItem(self._describe(result))
            item.setData(RESULT_ROLE, result)
            item.setToolTip(result.description[:600])
            item.setSizeHint(QSize(THUMB_SIZE.width() * 6, THUMB_SIZE.height() + 8))
            self.results.addItem(item)
            if result.preview_url:
                self._fetch_thumbnail(item, result.preview_url)
        total = f" of {page.total_hits}" if page.total_hits is not None else ""
        self.status_label.setText(f"Page {self.page_number}: {len(page.items)} results{total}")
        if page.items:
            self.results.setCurrentRow(0)
        self.update_buttons()

    @staticmethod
    def _describe(result: NasaResult) -> str:
        parts = (result.nasa_id.strip(), result.media_type, (result.date_created or "")[:10], result.center or "")
        facts = " · ".join(part for part in parts if part)
        return f"{result.title}\n{facts}"

    def _fetch_thumbnail(self, item: QListWidgetItem, url: str) -> None:
        generation = self._generation
        row = self.results.row(item)
        self._pending_thumbnails += 1

        def done(image: QImage) -> None:
            self._pending_thumbnails -= 1
            if generation == self._generation and (current := self.results.item(row)) is not None:
                current.setIcon(QPixmap.fromImage(image))

        def failed(error: BaseException) -> None:
            self._pending_thumbnails -= 1
            if generation == self._generation and (current := self.results.item(row)) is not None:
                current.setToolTip(f"{current.toolTip()}\n\nNo preview: {error}".strip())

        self.main_window.tasks.run(thumbnail_worker, url, on_done=done, on_error=failed, label="NASA preview",
                              cancellable=True)

    @property
    def thumbnails_pending(self) -> int:
        return self._pending_thumbnails

    # -- downloading ----------------------------------------------------------------------------

    def selected_result(self) -> NasaResult | None:
        item = self.results.currentItem()
        return item.data(RESULT_ROLE) if item is not None else None

    def update_buttons(self) -> None:
        item_id = self.main_window.current_item_id()
        if item_id is None:
            self.target_label.setText("Select an item in the catalog to attach to.")
        else:
            title = self.main_window.library.item(item_id).title
            self.target_label.setText(f"Attach to: {title}")
        self.search_button.setEnabled(not self.searching)
        self.next_button.setEnabled(not self.searching and self.page is not None and bool(self.page.next_url))
        self.download_button.setEnabled(item_id is not None and self.selected_result() is not None)

    def download_selected(self) -> Any:
        result = self.selected_result()
        item_id = self.main_window.current_item_id()
        if result is None or item_id is None:
            return None
        rendition = self.rendition_combo.currentData()
        entry = self.downloads.attach_nasa(item_id, result.nasa_id, rendition, self.nasa)
        self.status_label.setText(f"Downloading {result.nasa_id.strip()} ({rendition}); see the Downloads panel.")
        return entry
