"""A user item's sources as an editable list: a shipped article with its quote (checked word for word), or an
outside page (an http(s) URL) with the quote the user gives. Used by New Item… and the detail pane's form."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mediacat.core.errors import MediaCatError
from mediacat.core.item_sources import Sources
from mediacat.core.user_items import ExternalSource, check_external_source

SOURCE_ROLE = Qt.ItemDataRole.UserRole + 1
ARTICLE, PAGE = "article", "page"

# `check(article_id, quote)` -> None, or the problem (the quote is not in the article word for word ...)
QuoteCheck = Callable[[str, str], str | None]


class SourcesEditor(QWidget):
    """The list of sources, and rows to add one: an article and its quote, or a URL and a quote."""

    edited = Signal()

    def __init__(self, articles: list[tuple[str, str]], check_quote: QuoteCheck,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Sources editor")
        self.check_quote = check_quote
        self.article_labels = dict(articles)
        self.list = QListWidget()
        self.list.setAccessibleName("Sources of the item")
        self.list.setWordWrap(True)
        self.list.setMaximumHeight(90)
        self.remove_button = QPushButton("Remove Source")
        self.remove_button.setEnabled(False)
        self.remove_button.clicked.connect(self.remove_current)
        self.list.currentRowChanged.connect(lambda row: self.remove_button.setEnabled(row >= 0))

        self.article = QComboBox()
        self.article.setAccessibleName("Source article")
        self.article.addItem("(choose an article)", None)
        for article_id, label in articles:
            self.article.addItem(label, article_id)
        self.quote = QLineEdit()
        self.quote.setAccessibleName("Quote")
        self.quote.setPlaceholderText("the article's words about the item, exactly as printed")
        self.add_article_button = QPushButton("Add")
        self.add_article_button.setAccessibleName("Add the article source")
        self.add_article_button.clicked.connect(self.add_article)
        self.url = QLineEdit()
        self.url.setAccessibleName("Outside page")
        self.url.setPlaceholderText("https://… a page that mentions the item")
        self.url_quote = QLineEdit()
        self.url_quote.setAccessibleName("Quote from the page")
        self.url_quote.setPlaceholderText("your quote from that page")
        self.add_url_button = QPushButton("Add")
        self.add_url_button.setAccessibleName("Add the outside source")
        self.add_url_button.clicked.connect(self.add_page)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setAccessibleName("Source problem")
        self.error.setStyleSheet("color: palette(highlight);")

        form = QFormLayout()
        article_row = QHBoxLayout()
        article_row.addWidget(self.quote, 1)
        article_row.addWidget(self.add_article_button)
        page_row = QHBoxLayout()
        page_row.addWidget(self.url_quote, 1)
        page_row.addWidget(self.add_url_button)
        form.addRow("Article", self.article)
        form.addRow("Quote", article_row)
        form.addRow("Outside page", self.url)
        form.addRow("Its quote", page_row)
        top = QHBoxLayout()
        top.addWidget(self.list, 1)
        top.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(form)
        layout.addWidget(self.error)

    # -- the list ---------------------------------------------------------------------------------------

    def set_sources(self, sources: Sources) -> None:
        self.list.clear()
        for article_id, quote in sources.articles:
            self._append((ARTICLE, article_id, quote))
        for page in sources.external:
            self._append((PAGE, page.url, page.quote, page.title))
        self.error.clear()

    def sources(self) -> Sources:
        entries = [self.list.item(row).data(SOURCE_ROLE) for row in range(self.list.count())]
        return Sources(tuple((e[1], e[2]) for e in entries if e[0] == ARTICLE),
                       tuple(ExternalSource(e[1], e[2], e[3]) for e in entries if e[0] == PAGE))

    def pending(self) -> bool:
        """Something typed in the rows to add that was not added yet."""
        return bool(self.quote.text().strip() or self.url.text().strip() or self.url_quote.text().strip())

    def _append(self, entry: tuple[str, ...]) -> None:
        if entry[0] == ARTICLE:
            text = f"{self.article_labels.get(entry[1], entry[1])}: “{entry[2]}”"
        else:
            text = f"{entry[1]}: “{entry[2]}”"
        row = QListWidgetItem(text)
        row.setData(SOURCE_ROLE, entry)
        row.setToolTip(text)
        self.list.addItem(row)

    def remove_current(self) -> None:
        row = self.list.currentRow()
        if row >= 0:
            self.list.takeItem(row)
            self.edited.emit()

    # -- adding -----------------------------------------------------------------------------------------

    def add_article(self) -> bool:
        article_id = self.article.currentData()
        quote = self.quote.text()
        if not article_id:
            return self._refuse("Choose the article that mentions the item.")
        if not quote.strip():
            return self._refuse("Give the quote from the article, word for word.")
        problem = self.check_quote(article_id, quote)
        if problem:
            return self._refuse(problem)
        self._append((ARTICLE, article_id, quote))
        self.quote.clear()
        self.error.clear()
        self.edited.emit()
        return True

    def add_page(self) -> bool:
        try:
            page = check_external_source(self.url.text(), self.url_quote.text())
        except MediaCatError as error:
            return self._refuse(str(error))
        self._append((PAGE, page.url, page.quote, page.title))
        self.url.clear()
        self.url_quote.clear()
        self.error.clear()
        self.edited.emit()
        return True

    def _refuse(self, message: str) -> bool:
        self.error.setText(message)
        return False


__all__ = ["SourcesEditor"]
