"""The article reader: an article's full text with one item's quote highlighted and centred in view, the
scraping leftovers at its start shown apart as the page's metadata, and the other passages the article quotes
for the catalog, which select their item back in the catalog."""

from __future__ import annotations

import re
from html import escape

from PySide6.QtCore import QModelIndex, QRegularExpression, Qt, QTimer, Signal
from PySide6.QtGui import (
    QPalette,
    QResizeEvent,
    QShowEvent,
    QStandardItem,
    QStandardItemModel,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QLabel,
    QListView,
    QSplitter,
    QTextBrowser,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from mediacat.core.article_text import split_leading_leftovers
from mediacat.core.library import Library

ITEM_ID_ROLE = Qt.ItemDataRole.UserRole + 1
QUOTE_ROLE = Qt.ItemDataRole.UserRole + 2
EXCERPT_WORDS = 12


def excerpt(quote: str, words: int = EXCERPT_WORDS) -> str:
    """The first words of a quote, to tell two passages about one item apart."""
    parts = quote.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


def quote_pattern(quote: str) -> QRegularExpression:
    """The quote as a pattern that tolerates different whitespace and line breaks between its words."""
    words = [re.escape(word) for word in quote.split()]
    return QRegularExpression(r"\s+".join(words))


class ArticleReader(QDialog):
    """Shows one article; `item_requested(item_id)` when a mentioned item is clicked."""

    item_requested = Signal(str)

    def __init__(self, library: Library, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.setWindowTitle("Article")
        self.setAccessibleName("Article reader")
        self.setModal(False)
        self.article_id: str | None = None
        self.quote: str | None = None
        self.item_id: str | None = None
        self._highlight: QTextCursor | None = None

        self.header = QLabel()
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.header.setOpenExternalLinks(True)
        self.header.setAccessibleName("Article title, outlet, date and author")
        self.leftovers = QLabel()
        self.leftovers.setWordWrap(True)
        self.leftovers.setAccessibleName("Page metadata")
        self.leftovers.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.leftovers.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.leftovers.hide()
        self.text = QTextBrowser()
        self.text.setOpenLinks(False)
        self.text.setAccessibleName("Article text")

        self.mentions_model = QStandardItemModel(self)
        self.mentions_view = QListView()
        self.mentions_view.setModel(self.mentions_model)
        self.mentions_view.setWordWrap(True)
        self.mentions_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.mentions_view.setAccessibleName("Other items this article mentions")
        self.mentions_view.setToolTip("Click an item to select it in the catalog")
        self.mentions_view.clicked.connect(self._mention_clicked)
        self.mentions_view.activated.connect(self._mention_clicked)
        mentions_label = QLabel("<b>Also in this article</b> (click to select in the catalog)")
        mentions_box = QWidget()
        mentions_layout = QVBoxLayout(mentions_box)
        mentions_layout.setContentsMargins(0, 0, 0, 0)
        mentions_layout.addWidget(mentions_label)
        mentions_layout.addWidget(self.mentions_view, 1)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.text)
        splitter.addWidget(mentions_box)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.leftovers)
        layout.addWidget(splitter, 1)
        self.resize(760, 720)

    def show_article(self, article_id: str, quote: str | None = None, item_id: str | None = None) -> None:
        """Load the article (raises UnknownArticle), highlight `quote` and list the other mentioned items."""
        article = self.library.article(article_id)
        self.article_id, self.quote, self.item_id = article_id, quote, item_id
        self.setWindowTitle(f"{article.outlet}: {article.title}")
        url = f" · <a href='{escape(article.url, quote=True)}'>original page</a>" if article.url else ""
        author = "author unknown" if article.author.strip().lower() in ("", "unknown") else f"by {article.author}"
        self.header.setText(
            f"<h2>{escape(article.title)}</h2>"
            f"<p>{escape(article.outlet)} · {escape(article.date)} · {escape(author)}{url}</p>"
        )
        leftovers, body = split_leading_leftovers(article.text)
        self.leftovers.setText(
            "Page metadata at the start of the stored text (kept as scraped, not part of the article): "
            + " · ".join(f"“{line}”" for line in leftovers)
        )
        self.leftovers.setVisible(bool(leftovers))
        self.text.setPlainText(body)
        self._highlight = None
        self.text.setExtraSelections([])
        if quote:
            self.highlight_quote(quote)
        self.mentions_model.clear()
        mentions = self.library.article_mentions(article_id)
        for mentioned_id, title, mention_quote in mentions:
            if mentioned_id == item_id and (mention_quote == quote or not quote):
                continue
            # Each entry is one passage: the title and the passage's first words, so two quotes of one item
            # (or another passage about the item on show) are told apart.
            label = f"{title}\n“{excerpt(mention_quote)}”"
            if mentioned_id == item_id:
                label = f"{title} (another passage)\n“{excerpt(mention_quote)}”"
            entry = QStandardItem(label)
            entry.setData(mentioned_id, ITEM_ID_ROLE)
            entry.setData(mention_quote, QUOTE_ROLE)
            entry.setToolTip(mention_quote)
            entry.setForeground(self.palette().color(QPalette.ColorRole.Link))
            font = entry.font()
            font.setUnderline(True)
            entry.setFont(font)
            entry.setAccessibleText(f"Select {title} in the catalog")
            self.mentions_model.appendRow(entry)

    def highlight_quote(self, quote: str) -> bool:
        """Mark the quote's passage and scroll it into view; False if the article does not contain it."""
        document: QTextDocument = self.text.document()
        found = document.find(quote_pattern(quote))
        if found.isNull():
            return False
        self._highlight = found
        selection = QTextEdit.ExtraSelection()
        selection.cursor = found
        char_format = QTextCharFormat()
        char_format.setBackground(self.palette().color(QPalette.ColorRole.Highlight))
        char_format.setForeground(self.palette().color(QPalette.ColorRole.HighlightedText))
        selection.format = char_format
        self.text.setExtraSelections([selection])
        cursor = QTextCursor(document)
        cursor.setPosition(found.selectionStart())
        self.text.setTextCursor(cursor)
        self.centre_highlight()
        QTimer.singleShot(0, self.centre_highlight)  # again once the window has its size and layout
        return True

    def centre_highlight(self) -> None:
        """Scroll so the highlighted passage is in the middle of the view (its top, if it is taller)."""
        if self._highlight is None:
            return
        document = self.text.document()
        bar = self.text.verticalScrollBar()
        start, end = QTextCursor(document), QTextCursor(document)
        start.setPosition(self._highlight.selectionStart())
        end.setPosition(self._highlight.selectionEnd())
        top = self.text.cursorRect(start).top() + bar.value()
        bottom = self.text.cursorRect(end).bottom() + bar.value()
        height = self.text.viewport().height()
        margin = self.text.fontMetrics().lineSpacing()
        if bottom - top + 2 * margin > height:
            target = top - margin
        else:
            target = (top + bottom) // 2 - height // 2
        bar.setValue(max(bar.minimum(), min(bar.maximum(), target)))

    def highlight_centre_offset(self) -> int:
        """How far (pixels) the highlighted passage's middle is from the middle of the view (for tests)."""
        if self._highlight is None:
            return 0
        document = self.text.document()
        start, end = QTextCursor(document), QTextCursor(document)
        start.setPosition(self._highlight.selectionStart())
        end.setPosition(self._highlight.selectionEnd())
        middle = (self.text.cursorRect(start).top() + self.text.cursorRect(end).bottom()) // 2
        return middle - self.text.viewport().height() // 2

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, self.centre_highlight)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.centre_highlight()

    def highlighted_text(self) -> str:
        if self._highlight is None:
            return ""
        return self._highlight.selectedText().replace("\u2029", "\n")

    def highlight_cursor(self) -> QTextCursor | None:
        return self._highlight

    def _mention_clicked(self, index: QModelIndex) -> None:
        item_id = index.data(ITEM_ID_ROLE)
        quote = index.data(QUOTE_ROLE)
        if quote:
            self.highlight_quote(quote)  # the passage this entry stands for
        if item_id:
            self.item_requested.emit(item_id)
