"""Benchmark of the catalog store on a library scaled to 100,000 items: each core read against bare sqlite3.

    python bench/bench_store.py [--items N]

Every number is a ratio against a floor measured in the same run on the same file: the bare `sqlite3`
query that returns the same ids in the same order (or the same columns), so a ratio near 1 means the
`Library` API adds little to what SQLite itself costs. No thresholds: it prints, it does not judge.
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from pathlib import Path

from _common import Result, best_of, build_scaled_library, machine_line, print_results

from mediacat.core.library import Library
from mediacat.core.search import ItemQuery, to_fts_query
from mediacat.paths import seeds_dir

CATALOG_ORDER = "p.position IS NULL, p.position, i.seed_position IS NULL, i.seed_position, i.id"
SEARCH = "descent stage"
FACET_TYPE, FACET_PHASE, FACET_TAG = "video", "parachute-descent", "tag-007"
SCREENFUL = 60


def bare_ids(conn: sqlite3.Connection, sql: str, params: tuple = ()) -> list[str]:
    return [row[0] for row in conn.execute(sql, params)]


def measure_queries(library: Library, bare: sqlite3.Connection) -> list[Result]:
    results = []

    everything = library.item_ids(ItemQuery())
    everything_sql = (f"SELECT i.id FROM items i LEFT JOIN mission_phases p ON p.id = i.mission_phase "
                      f"ORDER BY {CATALOG_ORDER}")
    assert bare_ids(bare, everything_sql) == everything
    results.append(Result(
        f"item_ids(ItemQuery()) [{len(everything)} ids]", best_of(lambda: library.item_ids(ItemQuery())),
        "SELECT id ... ORDER BY catalog order", best_of(lambda: bare_ids(bare, everything_sql)),
    ))

    search = ItemQuery(search=SEARCH)
    found = library.item_ids(search)
    search_sql = (f"SELECT i.id FROM items_fts f JOIN items i ON i.pk = f.rowid "
                  f"LEFT JOIN mission_phases p ON p.id = i.mission_phase WHERE items_fts MATCH ? "
                  f"ORDER BY {CATALOG_ORDER}")
    fts = to_fts_query(SEARCH)
    assert bare_ids(bare, search_sql, (fts,)) == found
    results.append(Result(
        f"item_ids(search={SEARCH!r}) [{len(found)} ids]", best_of(lambda: library.item_ids(search)),
        "items_fts MATCH, same order", best_of(lambda: bare_ids(bare, search_sql, (fts,))),
    ))

    facets = ItemQuery(media_types=(FACET_TYPE,), phases=(FACET_PHASE,), tags=(FACET_TAG,))
    filtered = library.item_ids(facets)
    # from the tag's rows (CROSS JOIN: in this order), each item looked up by id and its type and phase checked
    facet_sql = (f"SELECT i.id FROM item_tags it CROSS JOIN items i ON i.id = it.item_id "
                 f"LEFT JOIN mission_phases p ON p.id = i.mission_phase "
                 f"WHERE it.tag_id = (SELECT t.id FROM tags t WHERE t.name = ?) AND i.media_type = ? "
                 f"AND i.mission_phase = ? ORDER BY {CATALOG_ORDER}")
    facet_params = (FACET_TAG, FACET_TYPE, FACET_PHASE)
    assert bare_ids(bare, facet_sql, facet_params) == filtered
    results.append(Result(
        f"item_ids(type+phase+tag) [{len(filtered)} ids]", best_of(lambda: library.item_ids(facets)),
        "the tag's rows, type, phase, same order", best_of(lambda: bare_ids(bare, facet_sql, facet_params)),
    ))

    unordered_sql = "SELECT id FROM items"
    results.append(Result(
        "  (context) the catalog order's sort itself", best_of(lambda: bare_ids(bare, everything_sql)),
        "SELECT id FROM items, unordered", best_of(lambda: bare_ids(bare, unordered_sql)),
    ))

    screen = everything[len(everything) // 2 : len(everything) // 2 + SCREENFUL]
    marks = ", ".join("?" * len(screen))
    rows_sql = (f"SELECT id, title, media_type, kind, camera, date_taken, mission_phase, credit FROM items "
                f"WHERE id IN ({marks})")
    assert len(library.item_rows(screen)) == len(bare.execute(rows_sql, screen).fetchall()) == SCREENFUL
    results.append(Result(
        f"item_rows({SCREENFUL} ids)", best_of(lambda: library.item_rows(screen), repeat=21),
        "SELECT the row columns WHERE id IN", best_of(lambda: bare.execute(rows_sql, screen).fetchall(), repeat=21),
    ))
    return results


def measure_opening(work: Path, scaled: Path) -> list[Result]:
    counter = iter(range(1000))

    def open_fresh_library() -> None:
        Library.open(work / f"fresh-{next(counter)}", seeds=seeds_dir()).close()

    def create_bare_database() -> None:
        conn = sqlite3.connect(work / f"bare-{next(counter)}.sqlite3")
        conn.execute("CREATE TABLE items (id TEXT PRIMARY KEY, title TEXT)")
        conn.commit()
        conn.close()

    def reopen_scaled_library() -> None:
        with Library.open(scaled, seeds=seeds_dir()) as library:
            library.item_rows(["skycrane-still"])

    def reopen_bare() -> None:
        conn = sqlite3.connect(scaled / "mediacat.sqlite3")
        conn.execute("SELECT title FROM items WHERE id = 'skycrane-still'").fetchone()
        conn.close()

    def quick_check_only() -> None:
        conn = sqlite3.connect(scaled / "mediacat.sqlite3")
        conn.execute("PRAGMA quick_check(1)").fetchone()
        conn.close()

    return [
        Result("first open: Library.open(new folder)", best_of(open_fresh_library, repeat=5),
               "sqlite3.connect + CREATE TABLE", best_of(create_bare_database, repeat=5)),
        Result("reopen the scaled library + 1 row", best_of(reopen_scaled_library, repeat=5),
               "sqlite3.connect + 1 SELECT", best_of(reopen_bare, repeat=5)),
        # what the reopen spends its time on: the integrity check that refuses corrupt files (O(file size))
        Result("  of which: connect + PRAGMA quick_check(1)", best_of(quick_check_only, repeat=5),
               "sqlite3.connect + 1 SELECT", best_of(reopen_bare, repeat=5)),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000, help="generated items (default 100,000)")
    args = parser.parse_args()
    print(f"bench_store: {machine_line()}")
    with tempfile.TemporaryDirectory(prefix="mediacat-bench-") as tmp:
        work = Path(tmp)
        start = time.perf_counter()
        library = build_scaled_library(work / "scaled", args.items)
        total = library.count_items()
        library.store.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = library.paths.database.stat().st_size
        print(f"built {total} items (tags, source links, full-text index) in {time.perf_counter() - start:.1f} s; "
              f"database {size / 1e6:.0f} MB")
        bare = sqlite3.connect(library.paths.database)
        try:
            print_results(f"reads on {total} items", measure_queries(library, bare))
        finally:
            bare.close()
            library.close()
        print_results("opening", measure_opening(work, work / "scaled"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
