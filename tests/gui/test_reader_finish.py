"""Issue 16, the article reader: the highlighted quote is centred, two passages about one item are told apart,
and the BBC text's scraping leftover is shown apart as page metadata (the stored text stays verbatim)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from mediacat.core.article_text import split_leading_leftovers
from mediacat.gui.views.article_reader import QUOTE_ROLE, ArticleReader


def open_reader(qtbot, library, size=(640, 420)) -> ArticleReader:
    reader = ArticleReader(library)
    qtbot.addWidget(reader)
    reader.resize(*size)
    reader.show()
    qtbot.waitExposed(reader)
    return reader


def test_the_highlighted_quote_is_centred(qtbot, library):
    reader = open_reader(qtbot, library)
    centred = 0
    line = reader.text.fontMetrics().lineSpacing()
    for article in library.articles():
        for item_id, _title, quote in library.article_mentions(article.id):
            reader.show_article(article.id, quote, item_id)
            qtbot.wait(20)  # the deferred re-centring after layout
            bar = reader.text.verticalScrollBar()
            if bar.minimum() < bar.value() < bar.maximum():  # not clamped at either end of the text
                assert abs(reader.highlight_centre_offset()) <= line, (article.id, quote)
                centred += 1
            cursor = reader.highlight_cursor()
            assert reader.text.viewport().rect().intersects(reader.text.cursorRect(cursor))
    assert centred >= 3  # the test saw real centring, not only passages at the very top or bottom


def test_the_quote_stays_centred_when_the_reader_is_resized(qtbot, library):
    reader = open_reader(qtbot, library)
    article_id, item_id, quote = "digital-trends-2021-02-22", None, None
    mentions = library.article_mentions(article_id)
    item_id, _title, quote = mentions[len(mentions) // 2]
    reader.show_article(article_id, quote, item_id)
    qtbot.wait(20)
    reader.resize(700, 320)
    qtbot.wait(20)
    bar = reader.text.verticalScrollBar()
    if bar.minimum() < bar.value() < bar.maximum():
        assert abs(reader.highlight_centre_offset()) <= reader.text.fontMetrics().lineSpacing()


def test_two_passages_about_one_item_are_told_apart(qtbot, library):
    article_id = "digital-trends-2021-02-22"
    counts: dict[str, int] = {}
    for item_id, _title, _quote in library.article_mentions(article_id):
        counts[item_id] = counts.get(item_id, 0) + 1
    twice = sorted(item_id for item_id, count in counts.items() if count > 1)
    assert twice  # the seeds have items quoted twice in this article
    reader = open_reader(qtbot, library)
    other = next(item_id for item_id in counts if item_id not in twice)
    other_quote = next(q for i, _t, q in library.article_mentions(article_id) if i == other)
    reader.show_article(article_id, other_quote, other)
    model = reader.mentions_model
    labels = [model.item(row).text() for row in range(model.rowCount())]
    assert len(labels) == len(set(labels))  # no two entries look the same
    for item_id in twice:
        rows = [row for row in range(model.rowCount()) if model.item(row).data(Qt.ItemDataRole.UserRole + 1) == item_id]
        assert len(rows) == counts[item_id]
        quotes = {model.item(row).data(QUOTE_ROLE) for row in rows}
        assert len(quotes) == len(rows)
        for row in rows:
            assert model.item(row).data(QUOTE_ROLE).split()[0] in model.item(row).text().split("\n")[1]
    # clicking an entry highlights its own passage
    row = next(row for row in range(model.rowCount()) if model.item(row).data(Qt.ItemDataRole.UserRole + 1) == twice[0])
    rect = reader.mentions_view.visualRect(model.index(row, 0))
    qtbot.mouseClick(reader.mentions_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert reader.highlighted_text().split() == model.item(row).data(QUOTE_ROLE).split()


def test_the_other_passage_of_the_item_on_show_is_listed(qtbot, library):
    article_id = "digital-trends-2021-02-22"
    mentions = library.article_mentions(article_id)
    item_id = "edl-rover-downlook"
    quotes = [q for i, _t, q in mentions if i == item_id]
    assert len(quotes) == 2
    reader = open_reader(qtbot, library)
    reader.show_article(article_id, quotes[0], item_id)
    model = reader.mentions_model
    entries = [model.item(row) for row in range(model.rowCount())]
    own = [entry for entry in entries if entry.data(Qt.ItemDataRole.UserRole + 1) == item_id]
    assert len(own) == 1 and own[0].data(QUOTE_ROLE) == quotes[1] and "(another passage)" in own[0].text()


def test_the_bbc_leftover_line_is_shown_apart_and_the_text_is_kept(qtbot, library):
    article = library.article("bbc-news-2021-02-19")
    assert article.text.startswith(" date 2021-02-19 Perseverance viewed")  # stored verbatim
    reader = open_reader(qtbot, library)
    reader.show_article(article.id)
    assert reader.leftovers.isVisible()
    assert "date 2021-02-19 Perseverance viewed from its rocket cradle just before landing" in reader.leftovers.text()
    assert "not part of the article" in reader.leftovers.text()
    shown = reader.text.toPlainText()
    assert shown.startswith("The American space agency") and article.text.endswith(shown)
    reader.show_article("the-independent-2021-02-19")
    assert not reader.leftovers.isVisible()
    # the whole text (QTextDocument shows a no-break space as a space)
    assert reader.text.toPlainText() == library.article("the-independent-2021-02-19").text.replace("\xa0", " ")


def test_split_leading_leftovers():
    assert split_leading_leftovers("Skip to main content\n\nTitle\n\nBody") == (["Skip to main content"],
                                                                             "Title\n\nBody")
    assert split_leading_leftovers(" date 2021-02-19 A caption\n\nText") == (["date 2021-02-19 A caption"], "Text")
    assert split_leading_leftovers("A date 2021-02-19 in a sentence\n") == ([], "A date 2021-02-19 in a sentence\n")
    assert split_leading_leftovers("") == ([], "")
