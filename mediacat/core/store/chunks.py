"""Splitting long id lists for `IN (...)` clauses: SQLite limits the number of bound parameters."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

MAX_VARIABLES = 900  # under SQLite's old default limit of 999 bound parameters, with room for a few more

T = TypeVar("T")


def chunks(values: Sequence[T], size: int = MAX_VARIABLES) -> Iterator[Sequence[T]]:
    """`values` in consecutive slices of at most `size`."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def marks(values: Sequence[object]) -> str:
    """The `?, ?, ...` placeholders for `values` (`NULL` for none, so `IN (NULL)` matches nothing)."""
    return ", ".join("?" * len(values)) or "NULL"
