"""Turning what a person types into a safe FTS5 query, and the item query used by list, GUI and export."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_PHRASE_OR_WORD = re.compile(r'"([^"]*)"?|(\S+)')
_TOKEN = re.compile(r"\w+", re.UNICODE)


def to_fts_query(text: str | None) -> str | None:
    """Every word must match (as a prefix); "quoted words" match as a phrase. No FTS syntax leaks through.

    `sky-crane wheel` -> `"sky crane"* AND "wheel"*`. Returns None when there is nothing to search for.
    """
    if not text:
        return None
    terms: list[str] = []
    for match in _PHRASE_OR_WORD.finditer(text):
        phrase, word = match.group(1), match.group(2)
        tokens = _TOKEN.findall(phrase if phrase is not None else word)
        if not tokens:
            continue
        term = '"' + " ".join(tokens) + '"'
        # A quoted phrase matches exactly; a bare word also matches longer words it begins.
        terms.append(term if phrase is not None else term + "*")
    return " AND ".join(terms) if terms else None


SORT_KEYS = (
    "catalog",
    "title",
    "media_type",
    "kind",
    "camera",
    "date_taken",
    "mission_phase",
    "credit",
    "attachments",
    "sources",
    "relevance",
)


@dataclass(frozen=True)
class ItemQuery:
    """Which items, in which order. Empty filters mean "any"; tags must all be present."""

    search: str | None = None
    media_types: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    phases: tuple[str, ...] = ()
    article_ids: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    has_attachments: bool | None = None
    item_ids: tuple[str, ...] | None = None
    sort: str = "catalog"
    descending: bool = False
    extra: dict[str, str] = field(default_factory=dict)
