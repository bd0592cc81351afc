"""The side bar's facet counts: narrowed by the other active filters (issue 12), from covering indexes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from mediacat.core.library import Library
from mediacat.core.search import ItemQuery
from mediacat.core.tags import add_tags

# facet key -> the query with that facet's filter (its ItemQuery field) set to just one value
ONLY: dict[str, Callable[[ItemQuery, str], ItemQuery]] = {
    "media_type": lambda query, value: replace(query, media_types=(value,)),
    "kind": lambda query, value: replace(query, kinds=(value,)),
    "mission_phase": lambda query, value: replace(query, phases=(value,)),
    "article": lambda query, value: replace(query, article_ids=(value,)),
}


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    with Library.open(tmp_path / "lib") as library:
        ids = library.item_ids()
        add_tags(library, ids[::2], ["landing"])
        add_tags(library, ids[::3], ["favourite"])
        yield library


def expected_counts(library: Library, query: ItemQuery) -> dict[str, dict[str, int]]:
    """What each value's count must be, by running the queries themselves: a value of a facet counts the
    items the query would show with that facet's filter set to just this value; a tag, the items it would
    show with that tag added (tags must all be present)."""
    unfiltered = library.facet_counts()
    result: dict[str, dict[str, int]] = {}
    for facet, only in ONLY.items():
        counts = {value: len(library.item_ids(only(query, value))) for value in unfiltered[facet] if value}
        result[facet] = {value: count for value, count in counts.items() if count}
    result["tag"] = {}
    for tag in unfiltered["tag"]:
        count = len(library.item_ids(replace(query, tags=tuple(dict.fromkeys((*query.tags, tag))))))
        if count:
            result["tag"][tag] = count
    return result


def nonzero(counts: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    return {facet: {value: n for value, n in values.items() if n and value} for facet, values in counts.items()}


QUERIES = [
    ItemQuery(),
    ItemQuery(media_types=("image",)),
    ItemQuery(media_types=("image", "audio")),
    ItemQuery(kinds=("recording",)),
    ItemQuery(search="descent"),
    ItemQuery(search="descent", media_types=("video",)),
    ItemQuery(phases=("parachute-descent",), kinds=("still", "clip")),
    ItemQuery(article_ids=("bbc-news-2021-02-19",)),
    ItemQuery(tags=("landing",)),
    ItemQuery(tags=("landing", "favourite"), media_types=("image",)),
    ItemQuery(has_attachments=False, search="rover"),
]


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: repr({k: v for k, v in vars(q).items() if v}))
def test_each_facet_counts_what_checking_its_value_would_show(library: Library, query: ItemQuery) -> None:
    assert nonzero(library.facet_counts(query)) == expected_counts(library, query)


def test_checking_images_narrows_the_other_facets_but_not_its_own(library: Library) -> None:
    everything = library.facet_counts()
    images = library.facet_counts(ItemQuery(media_types=("image",)))
    assert everything["kind"]["recording"] == 2
    assert images["kind"].get("recording", 0) == 0  # "Recording (2)" no longer says 2
    assert images["media_type"] == everything["media_type"]  # the alternatives keep their counts
    assert sum(images["kind"].values()) == everything["media_type"]["image"]
    assert sum(images["mission_phase"].values()) == everything["media_type"]["image"]


def test_unfiltered_counts_read_covering_indexes_only(library: Library) -> None:
    plans = []
    for sql in ("SELECT i.media_type, count(*) FROM items i GROUP BY i.media_type",
                "SELECT i.kind, count(*) FROM items i GROUP BY i.kind",
                "SELECT i.mission_phase, count(*) FROM items i GROUP BY i.mission_phase",
                "SELECT article_id, count(DISTINCT item_id) FROM source_links GROUP BY article_id"):
        plans.append(" ".join(row[3] for row in library.store.execute(f"EXPLAIN QUERY PLAN {sql}")))
    assert all("COVERING INDEX" in plan for plan in plans), plans
    narrowed = " ".join(row[3] for row in library.store.execute(
        "EXPLAIN QUERY PLAN SELECT i.kind, count(*) FROM items i WHERE i.media_type IN (?) GROUP BY i.kind",
        ("image",)))
    assert "COVERING INDEX items_facets_type" in narrowed
