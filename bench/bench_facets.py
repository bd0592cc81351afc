"""Benchmark of filtering by a tag on a library scaled to 100,000 items: the side bar's counts and the query.

    python bench/bench_facets.py [--items N] [--library FOLDER] [--repeat N] [--only tag|broad] [--case NAME ...]

Measures `Library.facet_counts(ItemQuery(tags=[the most used tag]))` (what the app runs on a reader when a tag
is checked), the same with Images checked too, and `item_ids` of the tag's query, each against a floor measured
in the same run on the same file: the bare `sqlite3` set-based queries that start from the tag's rows in
`item_tags` and give the same answer (checked equal before timing). `--library FOLDER` keeps the scaled
library there (built on first use), so two checkouts can be measured in turns on one file. No thresholds: it
prints, it does not judge.

The broad filters (`--only broad`, `--case NAME`): Images checked, "has no attachments", the article with the
most items, the search "descent stage", and that search with Images checked. Their floor is bare `sqlite3`
that counts each facet straight from the filters: one GROUP BY of the three columns (and whether the article
links the item) over the items of the filters no facet skips, summed per facet here, and one statement each for
the article and tag facets joining a MATERIALIZED set of the matching items to their links and tags.
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from collections import Counter
from pathlib import Path

from _common import Result, best_of, build_scaled_library, machine_line, print_results

import mediacat
from mediacat.core.library import Library
from mediacat.core.search import ItemQuery, to_fts_query
from mediacat.paths import seeds_dir

CATALOG_ORDER = "p.position IS NULL, p.position, i.seed_position IS NULL, i.seed_position, i.id"
TAG_ITEMS = "FROM item_tags it JOIN items i ON i.id = it.item_id WHERE it.tag_id = (SELECT id FROM tags WHERE name = ?)"


def bare_facet_counts(conn: sqlite3.Connection, tag: str, media_type: str | None) -> dict[str, dict[str, int]]:
    """The facet counts of `tags=[tag]` (and `media_types=[media_type]`) with plain set-based SQL from the tag's
    rows: the three item columns from one GROUP BY of the tag's items, summed here per facet."""
    rows = conn.execute(f"SELECT i.media_type, i.kind, i.mission_phase, count(*) {TAG_ITEMS} GROUP BY 1, 2, 3",
                        (tag,)).fetchall()
    facets: dict[str, Counter[str]] = {"media_type": Counter(), "kind": Counter(), "mission_phase": Counter()}
    for kind_of_media, kind, phase, count in rows:
        facets["media_type"][kind_of_media] += count
        if media_type is None or kind_of_media == media_type:
            facets["kind"][kind] += count
            facets["mission_phase"][phase or ""] += count
    narrowed = " AND i.media_type = ?" if media_type else ""
    params = (tag, media_type) if media_type else (tag,)
    articles = dict(conn.execute(
        f"SELECT s.article_id, count(DISTINCT s.item_id) FROM source_links s WHERE s.item_id IN "
        f"(SELECT i.id {TAG_ITEMS}{narrowed}) GROUP BY s.article_id", params).fetchall())
    tags = dict(conn.execute(
        f"SELECT t.name, count(*) FROM item_tags t2 JOIN tags t ON t.id = t2.tag_id WHERE t2.item_id IN "
        f"(SELECT i.id {TAG_ITEMS}{narrowed}) GROUP BY t2.tag_id", params).fetchall())
    return {**{facet: dict(counts) for facet, counts in facets.items()}, "article": articles, "tag": tags}


def bare_item_ids(conn: sqlite3.Connection, tag: str) -> list[str]:
    return [row[0] for row in conn.execute(
        f"SELECT i.id FROM item_tags it JOIN items i ON i.id = it.item_id "
        f"LEFT JOIN mission_phases p ON p.id = i.mission_phase "
        f"WHERE it.tag_id = (SELECT id FROM tags WHERE name = ?) ORDER BY {CATALOG_ORDER}", (tag,))]


BROAD_CASES = ("images", "no-attachments", "article", "search", "search+images")


def broad_query(name: str, article: str) -> ItemQuery:
    return {
        "images": ItemQuery(media_types=("image",)),
        "no-attachments": ItemQuery(has_attachments=False),
        "article": ItemQuery(article_ids=(article,)),
        "search": ItemQuery(search="descent stage"),
        "search+images": ItemQuery(search="descent stage", media_types=("image",)),
    }[name]


def bare_broad_facet_counts(conn: sqlite3.Connection, query: ItemQuery) -> dict[str, dict[str, int]]:
    """The facet counts of a query of one media type, one article, no attachments and/or a search, in bare
    SQL straight from the filters (no temporary table, no complement)."""
    base, params = ["1"], []
    if query.search:
        base.append("i.pk IN (SELECT rowid FROM items_fts WHERE items_fts MATCH ?)")
        params.append(to_fts_query(query.search))
    if query.has_attachments is False:
        base.append("i.id NOT IN (SELECT item_id FROM attachments)")
    article = query.article_ids[0] if query.article_ids else None
    linked = "i.id IN (SELECT item_id FROM source_links WHERE article_id = ?)"
    media_type = query.media_types[0] if query.media_types else None
    where = " AND ".join(base)
    rows = conn.execute(
        f"SELECT i.media_type, i.kind, i.mission_phase, {linked if article else '1'}, count(*) FROM items i "
        f"WHERE {where} GROUP BY 1, 2, 3, 4", ([article] if article else []) + params).fetchall()
    facets: dict[str, Counter[str]] = {"media_type": Counter(), "kind": Counter(), "mission_phase": Counter()}
    for kind_of_media, kind, phase, in_article, count in rows:
        if not in_article:
            continue
        facets["media_type"][kind_of_media] += count
        if media_type is None or kind_of_media == media_type:
            facets["kind"][kind] += count
            facets["mission_phase"][phase or ""] += count
    typed = f"{where} AND i.media_type = ?" if media_type else where
    typed_params = params + ([media_type] if media_type else [])
    articles = dict(conn.execute(
        f"WITH m AS MATERIALIZED (SELECT i.id FROM items i WHERE {typed}) SELECT s.article_id, "
        "count(DISTINCT s.item_id) FROM m JOIN source_links s ON s.item_id = m.id GROUP BY 1", typed_params))
    tagged = f"{typed} AND {linked}" if article else typed
    tags = dict(conn.execute(
        f"WITH m AS MATERIALIZED (SELECT i.id FROM items i WHERE {tagged}) SELECT t.name, count(*) "
        "FROM m JOIN item_tags it ON it.item_id = m.id JOIN tags t ON t.id = it.tag_id GROUP BY it.tag_id",
        typed_params + ([article] if article else [])))
    return {**{facet: dict(counts) for facet, counts in facets.items()}, "article": articles, "tag": tags}


def measure_broad(library: Library, bare: sqlite3.Connection, repeat: int, cases: list[str]) -> list[Result]:
    counts = library.facet_counts()["article"]
    article = max(sorted(counts), key=lambda name: counts[name])
    results = []
    for name in cases:
        query = broad_query(name, article)
        ours = library.facet_counts(query)
        assert ours == bare_broad_facet_counts(bare, query), f"facet counts differ: {name}"
        matching = library.count_items(query)
        results.append(Result(
            f"facet_counts({name}) [{matching} items]",
            best_of(lambda query=query: library.facet_counts(query), repeat),
            "bare: GROUP BY + 2 joins", best_of(lambda query=query: bare_broad_facet_counts(bare, query), repeat),
        ))
    return results


def measure(library: Library, bare: sqlite3.Connection, repeat: int) -> list[Result]:
    counts = library.facet_counts()["tag"]
    tag = max(sorted(counts), key=lambda name: counts[name])
    results = []
    for media_type in (None, "image"):
        query = ItemQuery(tags=(tag,), media_types=(media_type,) if media_type else ())
        assert library.facet_counts(query) == bare_facet_counts(bare, tag, media_type), "facet counts differ"
        label = f"facet_counts(tags=[{tag!r}]{', media_types=[image]' if media_type else ''})"
        results.append(Result(
            label, best_of(lambda query=query: library.facet_counts(query), repeat),
            "bare: the tag's rows, 3 SELECTs", best_of(lambda m=media_type: bare_facet_counts(bare, tag, m), repeat),
        ))
    query = ItemQuery(tags=(tag,))
    ids = library.item_ids(query)
    assert ids == bare_item_ids(bare, tag), "item ids differ"
    results.append(Result(
        f"item_ids(tags=[{tag!r}]) [{len(ids)} ids]", best_of(lambda: library.item_ids(query), repeat),
        "bare: the tag's rows, same order", best_of(lambda: bare_item_ids(bare, tag), repeat),
    ))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000, help="generated items (default 100,000)")
    parser.add_argument("--library", type=Path, help="keep the scaled library in this folder (built if absent)")
    parser.add_argument("--repeat", type=int, default=7, help="runs of each, the fastest counts (default 7)")
    parser.add_argument("--only", choices=("tag", "broad"), help="only the tag's rows or only the broad filters'")
    parser.add_argument("--case", action="append", choices=BROAD_CASES, help="only these broad filters")
    args = parser.parse_args()
    print(f"bench_facets: {machine_line()}; mediacat from {Path(mediacat.__file__).parent}")
    with tempfile.TemporaryDirectory(prefix="mediacat-bench-") as tmp:
        folder = args.library or Path(tmp) / "scaled"
        start = time.perf_counter()
        if (folder / "mediacat.sqlite3").exists():
            library = Library.open(folder, seeds=seeds_dir())
        else:
            library = build_scaled_library(folder, args.items)
            library.store.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        total = library.count_items()
        print(f"{total} items ready in {time.perf_counter() - start:.1f} s")
        bare = sqlite3.connect(library.paths.database)
        try:
            if args.only != "broad" and not args.case:
                print_results(f"filtering by the most used tag, {total} items", measure(library, bare, args.repeat))
            if args.only != "tag":
                cases = args.case or list(BROAD_CASES)
                print_results(f"broad filters, {total} items", measure_broad(library, bare, args.repeat, cases))
        finally:
            bare.close()
            library.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
