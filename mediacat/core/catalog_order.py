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
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property

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
        return self.ids_at(self.places_of(pks), descending=descending)

    def places_of(self, pks: Iterable[int]) -> list[int]:
        """The places of the items with these `pk`s, ascending; `pk`s of no item are left out."""
        places, size = self.places, len(self.places)
        pks = pks if isinstance(pks, list) else list(pks)
        if pks and min(pks) >= 0 and max(pks) < size:  # every pk known: looked up in C, no Python step per hit
            found = list(map(places.__getitem__, pks))
        else:  # items added since the order was read: their pks are left out
            found = [places[pk] for pk in pks if 0 <= pk < size]
        found.sort()
        start = bisect_left(found, 0)
        return found[start:] if start else found

    def ids_at(self, places: list[int], *, descending: bool = False) -> list[str]:
        """The ids at these places (ascending, from `places_of`), reversed when `descending`."""
        chosen = list(map(self.ids.__getitem__, places))
        if descending:
            chosen.reverse()
        return chosen

    @cached_property
    def place_of(self) -> dict[str, int]:
        """Each item's place in `ids` (the unfiltered answer's row index; made once per order, on a reader)."""
        return dict(zip(self.ids, range(len(self.ids)), strict=True))

    def rows_at(self, places: list[int], *, descending: bool = False) -> Mapping[str, int]:
        """The row index of the answer `ids_at(places, descending=)`: each id's row, found by bisecting
        `places` (no per-answer dict of every hit to build on the reader)."""
        return PlaceRows(self, places, descending)


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


class PlaceRows(Mapping[str, int]):
    """id -> row of an answer in the catalog order: its items' places, ascending (the rows reversed when
    `descending`); a look-up is a bisection, O(log n)."""

    def __init__(self, order: CatalogOrder, places: list[int], descending: bool) -> None:
        self._place_of = order.place_of
        self._ids = order.ids
        self._places = places
        self._descending = descending

    def _row(self, item_id: object) -> int | None:
        place = self._place_of.get(item_id) if isinstance(item_id, str) else None
        if place is None:
            return None
        places = self._places
        index = bisect_left(places, place)
        if index == len(places) or places[index] != place:
            return None
        return len(places) - 1 - index if self._descending else index

    def __getitem__(self, item_id: str) -> int:
        row = self._row(item_id)
        if row is None:
            raise KeyError(item_id)
        return row

    def get(self, item_id: str, default: int | None = None) -> int | None:  # type: ignore[override]
        row = self._row(item_id)
        return default if row is None else row

    def __contains__(self, item_id: object) -> bool:
        return self._row(item_id) is not None

    def __iter__(self) -> Iterator[str]:
        ids = map(self._ids.__getitem__, self._places)
        return iter(reversed(list(ids))) if self._descending else ids

    def __len__(self) -> int:
        return len(self._places)
