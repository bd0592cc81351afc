"""Items dated only by the catalog share their day's converted time, but each gets its own answer to keep."""

from __future__ import annotations

from pathlib import Path

from mediacat.core.library import Library
from mediacat.core.timeline import _span, item_times_json, load_clock, time_json


def test_items_of_one_catalog_day_get_equal_but_separate_times(tmp_path: Path) -> None:
    with Library.open(tmp_path / "lib") as library:
        rows = library.store.execute(
            "SELECT i.id, i.date_taken FROM items i LEFT JOIN item_times t ON t.item_id = i.id "
            "WHERE t.item_id IS NULL AND i.date_taken IS NOT NULL").fetchall()
        day = rows[0][1]
        with library.store.transaction():
            library.store.execute("UPDATE items SET date_taken = ? WHERE id = ?", (day, rows[1][0]))
        first, second = rows[0][0], rows[1][0]
        times = item_times_json(library, [first, second])
        span = _span(day, None, None, None, None, None, None)
        assert span is not None, f"no time span for the date {day!r}"
        expected = time_json(span, load_clock(library))
        assert times[first] == times[second] == expected
        times[first]["evidence"].append({"user": "changed"})
        times[first]["note"] = "changed"
        assert times[second] == expected  # one item's answer changed, not the other's
        assert item_times_json(library, [second])[second] == expected
