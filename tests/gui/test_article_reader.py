"""Activating a source opens the article reader with the quote highlighted and in view."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from mediacat.core.article_text import split_leading_leftovers
from mediacat.core.errors import UnknownArticle
from mediacat.gui.views.article_reader import ArticleReader
from tests.gui.window_helpers import open_window, settle


def _open_source(qtbot, window, row: int) -> ArticleReader:
    view = window.detail.sources_view
    index = window.detail.sources_model.index(row)
    view.setFocus()
    view.setCurrentIndex(index)
    qtbot.keyClick(view, Qt.Key.Key_Return)  # Enter activates, like a double-click
    reader = window.findChild(ArticleReader)
    assert reader is not None
    qtbot.waitExposed(reader)
    return reader


def test_activating_a_source_opens_the_reader_with_the_quote_highlighted(qtbot, library):
    window = open_window(qtbot, library)
    # The last source of the landing video is deep into its article, so the reader must scroll to it.
    item = max(library.items(library.item_ids()), key=lambda i: max(
        library.article(s.article_id).text.find(s.quote) for s in i.sources))
    source_row, source = max(enumerate(item.sources),
                             key=lambda pair: library.article(pair[1].article_id).text.find(pair[1].quote))
    window.select_item(item.id)
    reader = _open_source(qtbot, window, source_row)
    article = library.article(source.article_id)
    assert reader.article_id == article.id
    leftovers, body = split_leading_leftovers(article.text)
    assert reader.text.toPlainText() == body and article.text.endswith(body)  # verbatim, leftovers shown apart
    assert reader.leftovers.isVisible() == bool(leftovers)
    header = reader.header.text()
    for field in (article.title, article.outlet, article.date, article.author):
        assert field.replace("'", "&#x27;") in header or field in header
    assert reader.highlighted_text() == source.quote
    highlight = reader.text.extraSelections()
    assert len(highlight) == 1 and highlight[0].cursor.selectedText() == source.quote
    # The passage is on screen: its start is inside the viewport, and the reader had to scroll to show it.
    start = reader.highlight_cursor()
    cursor = reader.text.textCursor()
    assert cursor.position() == start.selectionStart()
    assert reader.text.viewport().rect().contains(reader.text.cursorRect(cursor).center())
    assert reader.text.verticalScrollBar().value() > 0


def test_reader_lists_the_other_items_and_selects_them_back(qtbot, qtmodeltester, library):
    window = open_window(qtbot, library)
    item = library.item("skycrane-still")
    window.select_item(item.id)
    reader = _open_source(qtbot, window, 0)
    qtmodeltester.check(reader.mentions_model)
    mentions = library.article_mentions(item.sources[0].article_id)
    others = [(mentioned_id, title) for mentioned_id, title, _quote in mentions if mentioned_id != item.id]
    listed = [(reader.mentions_model.item(n).data(Qt.ItemDataRole.UserRole + 1),
               reader.mentions_model.item(n).text().split("\n")[0]) for n in range(reader.mentions_model.rowCount())]
    assert listed == others and others
    target_id = others[-1][0]
    window.facets.set_checked("media_type", "audio")  # selecting it back must bring it into view
    settle(qtbot, window)
    rect = reader.mentions_view.visualRect(reader.mentions_model.index(len(others) - 1, 0))
    qtbot.mouseClick(reader.mentions_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    settle(qtbot, window)
    assert window.current_item_id() == target_id
    assert window.detail.item.id == target_id


def test_unknown_article_is_an_error_naming_it(qtbot, library):
    reader = ArticleReader(library)
    qtbot.addWidget(reader)
    with pytest.raises(UnknownArticle, match="no-such-article"):
        reader.show_article("no-such-article")


def test_quote_with_different_line_breaks_is_still_found(qtbot, library):
    reader = ArticleReader(library)
    qtbot.addWidget(reader)
    source = library.item("skycrane-still").sources[0]
    reader.show_article(source.article_id)
    words = source.quote.split()
    assert reader.highlight_quote("\n".join(words))
    assert reader.highlighted_text().split() == words
    assert not reader.highlight_quote("words that the article does not contain at all")
