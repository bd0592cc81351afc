"""The stored text of an article as a reader shows it: scraping leftovers at its start set apart, never removed.

The seed articles are kept verbatim (the quotes are found in them as stored). Two begin with lines that are not
part of the article: the BBC text with the page's metadata and photo caption (" date 2021-02-19 Perseverance
viewed from its rocket cradle just before landing"), a Digital Trends text with the site's "Skip to main content"
link. `split_leading_leftovers` tells them apart so the reader can show them as the page's metadata.
"""

from __future__ import annotations

import re

LEFTOVER_LINES = (
    re.compile(r"[ \t]*date \d{4}-\d{2}-\d{2}\b[^\n]*"),  # a scraped "date" field, with the photo caption
    re.compile(r"[ \t]*skip to (?:main )?content[ \t]*", re.IGNORECASE),  # a site's accessibility link
)


def split_leading_leftovers(text: str) -> tuple[list[str], str]:
    """(the leftover lines at the start of `text`, stripped; the rest of the text from its first real line,
    unchanged). Without leftovers: ([], text)."""
    leftovers: list[str] = []
    position = 0
    while True:
        while position < len(text) and text[position] in "\r\n":
            position += 1
        end = text.find("\n", position)
        line = text[position:] if end < 0 else text[position:end]
        if not line.strip() or not any(pattern.fullmatch(line.rstrip("\r")) for pattern in LEFTOVER_LINES):
            break
        leftovers.append(line.strip())
        if end < 0:
            position = len(text)
            break
        position = end + 1
    if not leftovers:
        return [], text
    while position < len(text) and text[position] in "\r\n":
        position += 1
    return leftovers, text[position:]
