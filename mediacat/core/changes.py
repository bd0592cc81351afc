"""What one operation changed in a library: the record every view refreshes from (Anki's `OpChanges`).

Every change to a library is one core operation (a function taking the `Library` and returning a result that
is, or carries as `.changes`, a `Changes`). The CLI calls operations directly; the app runs them on its one
writer and announces the `Changes` with its `library_changed` signal, and each view refreshes only what the
record names. A write noticed from another process (through `PRAGMA data_version`) is announced as
`Changes.everything()`, since nothing says what it touched.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from typing import Any


@dataclass(frozen=True)
class Changes:
    """The parts of a library one operation touched; combine with `|`.

    `items`: ids of items whose fields, tags, notes, attachments or built-in media changed.
    `item_set`: items were added or removed (queries must run again, not just rows be repainted).
    `tags`: tag names or counts changed (and so the tag facet's counts). `facets`: item fields or files
    changed, so the other facets' counts, the catalog's order and its counts may have changed.
    `attachments`: ids of attachments added, removed or changed (check verdicts, relinks).
    `settings`: a library setting the catalog shows through changed (the link base folder: files resolve anew).
    `download_settings`: the download limits, NASA API or media mirror changed (what the next download obeys;
    nothing the catalog shows). `saved_searches`, `events`, `fetch_queue`: those tables changed.
    """

    items: frozenset[str] = frozenset()
    item_set: bool = False
    tags: bool = False
    facets: bool = False
    attachments: frozenset[int] = frozenset()
    settings: bool = False
    download_settings: bool = False
    saved_searches: bool = False
    events: bool = False
    fetch_queue: bool = False
    everything_: bool = field(default=False, repr=False)

    @classmethod
    def of_items(cls, item_ids: Iterable[str], **flags: Any) -> Changes:
        return cls(items=frozenset(item_ids), **flags)

    @classmethod
    def everything(cls) -> Changes:
        """Anything may have changed (a write by another process, an undo of unknown scope)."""
        return cls(item_set=True, tags=True, facets=True, settings=True, download_settings=True, saved_searches=True,
                   events=True, fetch_queue=True, everything_=True)

    @property
    def is_everything(self) -> bool:
        return self.everything_

    def __or__(self, other: Changes) -> Changes:
        if not isinstance(other, Changes):
            return NotImplemented
        merged: dict[str, Any] = {}
        for f in fields(self):
            mine, theirs = getattr(self, f.name), getattr(other, f.name)
            merged[f.name] = mine | theirs
        return Changes(**merged)

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    def touches_item(self, item_id: str) -> bool:
        return self.everything_ or self.item_set or item_id in self.items


NO_CHANGES = Changes()


def changes_of(result: object) -> Changes:
    """The `Changes` an operation's result is or carries (`result.changes`); none for anything else."""
    if isinstance(result, Changes):
        return result
    found = getattr(result, "changes", None)
    return found if isinstance(found, Changes) else NO_CHANGES


__all__ = ["NO_CHANGES", "Changes", "changes_of"]
