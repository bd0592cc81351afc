"""Issue 12: a search in the catalog order is ordered by a kept `CatalogOrder` (no SQL sort of its hits) and
answers exactly what the SQL-sorted query answers; a stale order never shows an item that is gone. (And
`Library.media_urls`, the one column the Downloads menu reads on every selection change.)"""

from __future__ import annotations

import pytest

from mediacat.core import tags
from mediacat.core.library import Library
from mediacat.core.search import ItemQuery
from mediacat.core.user_items import add_item, delete_item

QUERIES = [
    ItemQuery(search="descent"),
    ItemQuery(search="descent stage"),
    ItemQuery(search="sky cra"),
    ItemQuery(search="descent", descending=True),
    ItemQuery(search="descent", media_types=("image",)),
    ItemQuery(search="rover", phases=("skycrane", "first-images")),
    ItemQuery(search="descent", tags=("mine",)),
    ItemQuery(search="no-such-word-anywhere"),
]


def test_the_catalog_order_is_the_unfiltered_query_and_orders_searches_as_sql_does(library: Library):
    tags.add_tags(library, library.item_ids(ItemQuery(search="descent"))[::2], ["mine"])
    order = library.catalog_order()
    assert order.ids == library.item_ids(ItemQuery()) and len(order) == library.count_items()
    for query in QUERIES:
        assert library.item_ids(query, order=order) == library.item_ids(query), query
    assert library.item_ids(ItemQuery(search="descent"), order=order)  # the searches do find items
    assert library.item_ids(ItemQuery(search="descent", tags=("mine",)), order=order)


def test_other_sorts_and_queries_without_a_search_still_sort_in_sql(library: Library):
    order = library.catalog_order()
    for query in (ItemQuery(search="descent", sort="title"), ItemQuery(search="descent", sort="relevance"),
                  ItemQuery(media_types=("audio",))):
        assert library.item_ids(query, order=order) == library.item_ids(query), query
    assert library.item_ids(ItemQuery(search="descent", sort="title"), order=order) != \
        library.item_ids(ItemQuery(search="descent"))  # a different order indeed


def test_a_stale_order_leaves_out_items_added_after_it_and_never_shows_a_deleted_one(library: Library):
    order = library.catalog_order()
    added = add_item(library, {"title": "Descent zebra", "media_type": "image"}).item_id
    assert added in library.item_ids(ItemQuery(search="zebra"))
    assert library.item_ids(ItemQuery(search="zebra"), order=order) == []  # not in the snapshot: left out
    fresh = library.catalog_order()
    assert added in library.item_ids(ItemQuery(search="zebra"), order=fresh)  # a fresh one has it
    delete_item(library, added)
    assert library.item_ids(ItemQuery(search="zebra"), order=fresh) == []  # its search row went with it


def test_a_searchs_row_index_by_place_answers_as_a_dict_of_its_rows_would(library: Library):
    order = library.catalog_order()
    assert order.place_of == {item_id: row for row, item_id in enumerate(order.ids)}
    everything = set(order.ids)
    for query in QUERIES:
        ids = library.item_ids(query, order=order)
        assert library.searches_by_place(query), query
        places = library.item_places(query, order)
        assert places == sorted(order.place_of[item_id] for item_id in ids), query
        rows = order.rows_at(places, descending=query.descending)
        expected = {item_id: row for row, item_id in enumerate(ids)}
        assert dict(rows) == expected and list(rows) == ids and len(rows) == len(ids), query
        assert all(rows.get(item_id) == row and item_id in rows for item_id, row in expected.items()), query
        for absent in [*sorted(everything - set(ids))[:5], "no-such-item"]:
            assert rows.get(absent) is None and absent not in rows, (query, absent)
            with pytest.raises(KeyError):
                rows[absent]
