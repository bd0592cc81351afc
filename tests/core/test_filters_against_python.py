"""The filter SQL (item_ids, count_items, facet_counts) against the same answers computed in plain Python.

The library is the real shipped catalog with several overlapping tags and three real attached files. The
expected answers are computed here from the tables' plain rows (no WHERE), so a wrong rewrite of the set-based
filters fails; only the full-text search's hit set is taken from SQLite (FTS5 is the truth for what a word
matches), and it is combined with the other filters here.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass

import pytest

from mediacat.core.attachments import attach_file
from mediacat.core.library import Library
from mediacat.core.search import ItemQuery
from mediacat.core.tags import add_tags
from tests.media_fixtures import make_jpeg, make_wav


@dataclass(frozen=True)
class Row:
    id: str
    media_type: str
    kind: str
    phase: str | None
    tags: frozenset[str]  # lower case: tag names match case-insensitively
    articles: frozenset[str]
    attached: bool


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("filters")
    with Library.open(folder / "lib") as library:
        ids = [row[0] for row in library.store.execute("SELECT id FROM items ORDER BY id")]
        add_tags(library, ids[::2], ["landing"])
        add_tags(library, ids[::3], ["Favourite"])
        add_tags(library, ids[1::4], ["sky"])
        add_tags(library, ids[4:5], ["lonely"])
        audio = [row[0] for row in library.store.execute("SELECT id FROM items WHERE media_type = 'audio'")]
        add_tags(library, audio, ["sound", "landing"])
        attach_file(library, "skycrane-still", make_jpeg(folder / "in" / "sky.jpg"))
        attach_file(library, ids[0], make_jpeg(folder / "in" / "other.jpg", (320, 200)))
        attach_file(library, audio[0], make_wav(folder / "in" / "wind.wav"))
        yield library


def plain_rows(library: Library) -> list[Row]:
    """Every item, in the catalog order (phase position, seed position, id; no phase and no seed last)."""
    execute = library.store.execute
    tags: dict[str, set[str]] = {}
    names = dict(execute("SELECT id, name FROM tags").fetchall())
    for item_id, tag_id in execute("SELECT item_id, tag_id FROM item_tags"):
        tags.setdefault(item_id, set()).add(names[tag_id].lower())
    articles: dict[str, set[str]] = {}
    for item_id, article_id in execute("SELECT item_id, article_id FROM source_links"):
        articles.setdefault(item_id, set()).add(article_id)
    attached = {row[0] for row in execute("SELECT item_id FROM attachments")}
    positions = dict(execute("SELECT id, position FROM mission_phases").fetchall())
    items = execute("SELECT id, media_type, kind, mission_phase, seed_position FROM items").fetchall()

    def catalog_key(item: tuple) -> tuple:
        position, seed = positions.get(item[3]), item[4]
        return (position is None, position or 0, seed is None, seed or 0, item[0])

    return [Row(item_id, media_type, kind, phase, frozenset(tags.get(item_id, ())),
                frozenset(articles.get(item_id, ())), item_id in attached)
            for item_id, media_type, kind, phase, _seed in sorted(items, key=catalog_key)]


def matches(row: Row, query: ItemQuery, hits: set[str] | None, skip: str | None = None) -> bool:
    return ((hits is None or row.id in hits)
            and (not query.media_types or skip == "media_type" or row.media_type in query.media_types)
            and (not query.kinds or skip == "kind" or row.kind in query.kinds)
            and (not query.phases or skip == "mission_phase" or row.phase in query.phases)
            and (not query.article_ids or skip == "article" or bool(row.articles & set(query.article_ids)))
            and all(tag.lower() in row.tags for tag in query.tags)
            and (query.has_attachments is None or row.attached == query.has_attachments)
            and (query.item_ids is None or row.id in query.item_ids))


def expected_facets(rows: list[Row], query: ItemQuery, hits: set[str] | None,
                    tag_names: dict[str, str]) -> dict[str, dict[str, int]]:
    """The counts the side bar shows: each facet over the items every *other* filter lets through; the tag
    facet over the items every filter lets through (by the tag's stored name)."""
    media = Counter(r.media_type for r in rows if matches(r, query, hits, "media_type"))
    kinds = Counter(r.kind for r in rows if matches(r, query, hits, "kind"))
    phases = Counter(r.phase or "" for r in rows if matches(r, query, hits, "mission_phase"))
    articles = Counter(a for r in rows if matches(r, query, hits, "article") for a in r.articles)
    tags = Counter(tag_names[t] for r in rows if matches(r, query, hits) for t in r.tags)
    return {"media_type": dict(media), "kind": dict(kinds), "mission_phase": dict(phases),
            "article": dict(articles), "tag": dict(tags)}


def stored_tag_names(library: Library) -> dict[str, str]:
    return {name.lower(): name for (name,) in library.store.execute("SELECT name FROM tags")}


TAGS = [(), ("landing",), ("LANDING", "favourite"), ("sky", "Favourite"), ("sound",), ("lonely", "landing"),
        ("no-such-tag",)]
SEARCHES = [None, "descent", "rover"]
MEDIA_TYPES = [(), ("image",), ("video", "audio")]
KINDS = [(), ("still", "clip", "recording")]
PHASES = [(), ("parachute-descent", "skycrane", "surface-operations")]
ARTICLES = [(), ("bbc-news-2021-02-19",), ("cnet-2021-02-19", "digital-trends-2021-02-22")]
ATTACHED = [None, True, False]


@pytest.mark.parametrize("tags", TAGS, ids=lambda tags: "+".join(tags) or "no-tags")
def test_item_ids_and_facet_counts_match_plain_python(library: Library, tags: tuple[str, ...]) -> None:
    rows = plain_rows(library)
    names = stored_tag_names(library)
    hits_of: dict[str | None, set[str] | None] = {
        None: None, **{text: set(library.item_ids(ItemQuery(search=text))) for text in SEARCHES if text}}
    assert all(hits_of[text] for text in SEARCHES if text)  # each search finds something to combine with
    order = library.catalog_order()
    checked = nonempty = 0
    for search, media, kinds, phases, articles, attached in itertools.product(
            SEARCHES, MEDIA_TYPES, KINDS, PHASES, ARTICLES, ATTACHED):
        query = ItemQuery(search=search, media_types=media, kinds=kinds, phases=phases, article_ids=articles,
                          tags=tags, has_attachments=attached)
        hits = hits_of[search]
        wanted = [r.id for r in rows if matches(r, query, hits)]
        assert library.item_ids(query) == wanted, query
        assert library.item_ids(query, order=order) == wanted, query
        assert library.count_items(query) == len(wanted), query
        assert library.facet_counts(query) == expected_facets(rows, query, hits, names), query
        checked += 1
        nonempty += bool(wanted)
    assert checked == 3 * 3 * 2 * 2 * 3 * 3
    if tags != ("no-such-tag",):
        assert nonempty > 10  # the combinations are not all empty answers


def test_a_list_of_ids_combines_with_a_tag_and_a_type(library: Library) -> None:
    rows = plain_rows(library)
    names = stored_tag_names(library)
    some = (*(r.id for r in rows[::2]), "no-such-item")
    for query in (ItemQuery(item_ids=some), ItemQuery(item_ids=some, tags=("landing",), media_types=("image",)),
                  ItemQuery(item_ids=(), tags=("landing",)), ItemQuery(item_ids=some, has_attachments=True)):
        wanted = [r.id for r in rows if matches(r, query, None)]
        assert library.item_ids(query) == wanted, query
        assert library.facet_counts(query) == expected_facets(rows, query, None, names), query


def test_the_tag_filter_reads_the_tags_items_not_every_item(library: Library) -> None:
    """The query plan starts from the tag's rows in item_tags, even with a media type checked too."""
    for query in (ItemQuery(tags=("landing",)), ItemQuery(tags=("landing",), media_types=("image",))):
        for skip in (None, "kind"):
            joins, where, params = library._filter_sql(query, skip)
            sql = f"SELECT i.kind, count(*) FROM items i {' '.join(joins)} WHERE {' AND '.join(where)} GROUP BY 1"
            plan = [row[3] for row in library.store.execute(f"EXPLAIN QUERY PLAN {sql}", params)]
            assert not any(step.startswith("SCAN") for step in plan), plan
            assert any("item_tags" in step for step in plan), plan


def test_no_attachments_counted_directly_when_most_items_are_attached(tmp_path) -> None:
    """With most items attached, "has no attachments" is counted from its own items, not as all minus the
    attached ones: both ways give the plain-Python answer."""
    with Library.open(tmp_path / "lib") as library:
        ids = [row[0] for row in library.store.execute("SELECT id FROM items ORDER BY id")]
        add_tags(library, ids[::2], ["landing"])
        for number, item_id in enumerate(ids[: len(ids) * 3 // 4]):
            attach_file(library, item_id, make_jpeg(tmp_path / "in" / f"{number}.jpg", (16 + number, 16)))
        rows = plain_rows(library)
        assert sum(r.attached for r in rows) * 2 > len(rows)
        names = stored_tag_names(library)
        hits = set(library.item_ids(ItemQuery(search="descent")))
        for attached, media, articles, search in itertools.product(
                ATTACHED, MEDIA_TYPES, ARTICLES[:2], (None, "descent")):
            query = ItemQuery(search=search, media_types=media, article_ids=articles, has_attachments=attached)
            found = hits if search else None
            assert library.facet_counts(query) == expected_facets(rows, query, found, names), query


def _plan(library: Library, sql: str, params: list) -> list[str]:
    return [row[3] for row in library.store.execute(f"EXPLAIN QUERY PLAN {sql}", params)]


def test_a_search_with_a_type_runs_its_match_once(library: Library) -> None:
    """A search with a type (or kind, phase) checked starts from the FTS5 hits: SQLite must not read the type's
    index range and run the MATCH once per item of it (search + Images took minutes at 100,000 items)."""
    query = ItemQuery(search="descent", media_types=("image",), kinds=("still",), phases=("skycrane",))
    for count in (False, True):
        sql, params = library._query_sql(query, count=count)
        plan = _plan(library, sql, params)
        assert plan[0].startswith("SCAN f VIRTUAL TABLE"), plan
        assert not any("VIRTUAL TABLE INDEX 0:=" in step for step in plan), plan  # no MATCH per item
    joins, where, params = library._filter_sql(query, skip="media_type")
    plan = _plan(library, f"SELECT i.media_type FROM items i {' '.join(joins)} WHERE {' AND '.join(where)}", params)
    assert plan[0].startswith("SCAN f VIRTUAL TABLE"), plan


def test_the_article_facet_reads_the_links_of_the_matching_items_from_an_index(library: Library) -> None:
    """Schema step "links by item and article": the article facet's look-up of a matching item's links reads
    the index alone."""
    library.store.execute("CREATE TEMP TABLE IF NOT EXISTS facet_items(id TEXT NOT NULL, media_type TEXT, "
                          "kind TEXT, mission_phase TEXT, in_articles INTEGER NOT NULL)")
    plan = _plan(library, "SELECT s.article_id, count(DISTINCT s.item_id) FROM temp.facet_items m "
                          "CROSS JOIN source_links s ON s.item_id = m.id GROUP BY s.article_id", [])
    assert any("COVERING INDEX source_links_item_article" in step for step in plan), plan
