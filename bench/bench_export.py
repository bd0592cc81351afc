"""Benchmark: CSV export of the catalog scaled to 100,000 items, against a floor measured in the same run.

The floor is the least any CSV export of these rows can cost: the stdlib `csv.writer` writing the items
table's own columns from a plain `sqlite3` query. MediaCat's export does more per row (sources, quotes,
tags, attachments, the injection guard, the atomic write), so the ratio says what that costs.

    python3 bench/bench_export.py [--items 100000]
"""

from __future__ import annotations

import argparse
import csv
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mediacat.core.csv_export import export_csv
from mediacat.core.library import Library


def scale_catalog(library: Library, total: int) -> None:
    """Copy the shipped items (with their source links, a tag and a note each) until there are `total`."""
    conn = library.store.conn
    seed_count = conn.execute("SELECT count(*) FROM items").fetchone()[0]
    copies = max(0, -(-(total - seed_count) // seed_count))
    conn.execute("CREATE TEMP TABLE seed_items AS SELECT * FROM items WHERE origin = 'seed'")
    conn.execute("CREATE TEMP TABLE seed_links AS SELECT * FROM source_links")
    with library.store.transaction():
        conn.execute("INSERT INTO tags(name) VALUES ('bench'), ('=formula')")
        for copy in range(1, copies + 1):
            last_pk = conn.execute("SELECT max(pk) FROM items").fetchone()[0]
            conn.execute(
                """INSERT INTO items(id, title, media_type, kind, camera, date_taken, mission_phase, credit,
                       description, nasa_ids, official_urls, media_urls, notes, origin, seed_position)
                   SELECT id || '-' || :copy, title, media_type, kind, camera, date_taken, mission_phase, credit,
                       description, nasa_ids, official_urls, media_urls,
                       '-note ' || :copy || ', with "quotes"' || char(10) || 'and a second line', 'bench',
                       seed_position + :copy * 1000
                   FROM seed_items""",
                {"copy": copy},
            )
            conn.execute(
                """INSERT INTO source_links(item_id, position, article_id, quote)
                   SELECT item_id || '-' || :copy, position, article_id, quote FROM seed_links""",
                {"copy": copy},
            )
            conn.execute(
                """INSERT INTO item_tags(item_id, tag_id)
                   SELECT i.id, t.id FROM items i, tags t WHERE i.pk > :last""",
                {"last": last_pk},
            )
        extra = conn.execute("SELECT count(*) FROM items").fetchone()[0] - total
        if extra > 0:
            conn.execute(
                "DELETE FROM items WHERE pk IN (SELECT pk FROM items WHERE origin = 'bench' "
                "ORDER BY pk DESC LIMIT ?)",
                (extra,),
            )


def floor_export(database: Path, out: Path) -> int:
    conn = sqlite3.connect(database)
    try:
        rows = conn.execute(
            "SELECT id, title, media_type, kind, camera, date_taken, mission_phase, credit, description, "
            "nasa_ids, official_urls, notes FROM items ORDER BY seed_position"
        )
        with out.open("w", encoding="utf-8-sig", newline="") as stream:
            writer = csv.writer(stream, lineterminator="\r\n")
            writer.writerow(["id", "title", "media_type", "kind", "camera", "date_taken", "mission_phase",
                             "credit", "description", "nasa_ids", "official_urls", "notes"])
            count = 0
            for row in rows:
                writer.writerow(row)
                count += 1
        return count
    finally:
        conn.close()


def best_of(runs: int, function) -> tuple[float, object]:
    best = float("inf")
    result = None
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3, help="best of this many runs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        library = Library.open(root / "library")
        start = time.perf_counter()
        scale_catalog(library, args.items)
        ids = library.item_ids()
        print(f"catalog scaled to {len(ids)} items in {time.perf_counter() - start:.1f} s")
        floor_seconds, floor_rows = best_of(args.runs, lambda: floor_export(library.paths.database, root / "f.csv"))
        export_seconds, rows = best_of(
            args.runs, lambda: export_csv(library, library.item_ids(), root / "export.csv")
        )
        size = (root / "export.csv").stat().st_size
        library.close()
    print(f"floor (csv.writer over a plain sqlite3 query, {floor_rows} rows): {floor_seconds:.2f} s")
    print(f"mediacat export (default profile, {rows} rows, {size / 1e6:.0f} MB): {export_seconds:.2f} s "
          f"= {rows / export_seconds:,.0f} rows/s")
    print(f"ratio export / floor: {export_seconds / floor_seconds:.1f}x")


if __name__ == "__main__":
    main()
