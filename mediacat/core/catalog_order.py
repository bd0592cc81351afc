"""The catalog order of every item, read once and reused to order a search's hits without SQL's sort.

The catalog order (mission phase position, seed position, id) lives in two tables, so no index gives it: SQL
sorts every result. For a search that is most of the query's time at 100,000 items (the FTS5 `MATCH` is ~10
ms, looking up and sorting its 20,000 hits by that order another ~30 ms). A `CatalogOrder` is the unfiltered
catalog query's own answer (the same `SELECT`, with each item's `pk`): the ids in order and each `pk`'s place.
A search then asks FTS5 only for its rowids (the items' `pk`s) and orders them by their places in Python.

It is a snapshot: whoever keeps one (the GUI's catalog model, like its set of items with media) drops it
when items are added or removed or their fields change (`Changes.item_set` / `facets` / everything), and
the next unfiltered query reads a new one. Queries given none sort in SQL as before.
"""

from __future__ import annotations

import sqlite3
from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass

CATALOG_ORDER_SQL = "p.position IS NULL, p.position, i.seed_position IS NULL, i.seed_position, i.id"


@dataclass(frozen=True, eq=False)
class CatalogOrder:
    """`ids`: every item in the catalog order (treat as read-only: answers share it); `places[pk]`: the
    place of the item with that `pk` in `ids`, -1 where no item has that `pk`."""

    ids: list[str]
    places: list[int]  # a list, not an array: its ints are made once, not once per look-up (issue 12)

    def __len__(self) -> int:
        return len(self.ids)

    def ordered(self, pks: Iterable[int], *, descending: bool = False) -> list[str]:
        """The ids of the items with these `pk`s, in the catalog order; `pk`s of no item are left out."""
        places, size = self.places, len(self.places)
        pks = pks if isinstance(pks, list) else list(pks)
        if pks and min(pks) >= 0 and max(pks) < size:  # every pk known: looked up in C, no Python step per hit
            found = list(map(places.__getitem__, pks))
        else:  # items added since the order was read: their pks are left out
            found = [places[pk] for pk in pks if 0 <= pk < size]
        found.sort()
        ids = self.ids
        chosen = list(map(ids.__getitem__, found[bisect_left(found, 0):]))
        if descending:
            chosen.reverse()
        return chosen


def read_catalog_order(execute: Callable[[str], sqlite3.Cursor]) -> CatalogOrder:
    """Every item's `pk` and id in the catalog order (one `SELECT`, the unfiltered catalog query's), read
    with `execute` (a `Store.execute`)."""
    rows = execute(
        "SELECT i.pk, i.id FROM items i LEFT JOIN mission_phases p ON p.id = i.mission_phase "
        f"ORDER BY {CATALOG_ORDER_SQL}"
    ).fetchall()
    ids = [row[1] for row in rows]
    places = [-1] * (max((row[0] for row in rows), default=-1) + 1)
    for place, row in enumerate(rows):
        places[row[0]] = place
    return CatalogOrder(ids, places)
