"""The catalog, facet, sources, tag-count and downloads models: the model contract, lazy fetching, SQL sort."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from mediacat.core.jobs import Progress
from mediacat.core.search import ItemQuery
from mediacat.core.tags import add_tags, tag_counts
from mediacat.gui.features.downloads_panel import DONE, DownloadEntry, DownloadsModel
from mediacat.gui.features.tags import COUNT_ROLE, NAME_ROLE, TagCountsModel
from mediacat.gui.models.catalog_model import FETCH_BATCH, CatalogModel, Column, Roles
from mediacat.gui.models.facet_model import FACET_ROLE, FACETS, VALUE_ROLE, FacetModel, FacetQueryFields
from mediacat.gui.models.sources_model import ARTICLE_ID_ROLE, QUOTE_ROLE, SourcesModel
from mediacat.gui.operations import LibraryOperations
from mediacat.gui.tasks import TaskRunner


@pytest.fixture
def operations(qtbot, library):
    """The readers the models run their queries on (the window's, without a window)."""
    ops = LibraryOperations(library, TaskRunner(), watch_interval_ms=0)
    yield ops
    ops.close()


def catalog(qtbot, library, operations, query: ItemQuery | None = None) -> CatalogModel:
    model = CatalogModel(library, run_query=operations.run_query)
    if query is not None:
        show(qtbot, model, query)
    return model


def show(qtbot, model: CatalogModel, query: ItemQuery) -> None:
    """Ask for `query` and wait for its answer to be shown."""
    model.set_query(query)
    qtbot.waitUntil(lambda: not model.loading, timeout=10_000)


def test_catalog_model_passes_the_model_tester(qtbot, qtmodeltester, library, operations):
    model = catalog(qtbot, library, operations, ItemQuery())
    qtmodeltester.check(model)
    show(qtbot, model, ItemQuery(media_types=("audio",)))
    qtmodeltester.check(model)
    model.sort(Column.TITLE, Qt.SortOrder.DescendingOrder)
    qtbot.waitUntil(lambda: not model.loading, timeout=10_000)
    qtmodeltester.check(model)


def test_the_item_query_runs_off_the_gui_thread_and_a_stale_answer_is_dropped(qtbot, library, operations):
    model = catalog(qtbot, library, operations)
    model.set_query(ItemQuery(media_types=("audio",)))
    model.set_query(ItemQuery(media_types=("video",)))  # overtakes the first before it is shown
    assert model.rowCount() == 0 and model.loading  # nothing ran on the GUI thread
    answers = []
    model.query_changed.connect(lambda: answers.append(model.item_ids()))
    qtbot.waitUntil(lambda: not model.loading, timeout=10_000)
    assert answers == [library.item_ids(ItemQuery(media_types=("video",)))]
    assert model.with_media == 0 and model.total == library.count_items()


def test_catalog_model_columns_and_roles(qtbot, library, operations):
    model = catalog(qtbot, library, operations, ItemQuery(item_ids=("skycrane-still",)))
    item = library.item("skycrane-still")
    phases = {phase.id: phase.label for phase in library.mission_phases()}
    row = [model.index(0, column).data() for column in Column]
    assert row == [item.title, "image", item.kind, item.camera, item.date_taken, phases[item.mission_phase],
                   item.credit, "", "0", str(len(item.sources))]
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in Column][:3] == ["Title", "Type", "Kind"]
    index = model.index(0, 0)
    assert index.data(Roles.ItemIdRole) == "skycrane-still"
    assert index.data(Roles.RowRole).id == "skycrane-still"
    assert index.data(Roles.MediaTypeRole) == "image"
    assert index.data(Roles.AttachmentCountRole) == 0
    assert index.data(Roles.ProblemCountRole) == 0
    assert index.data(Roles.ThumbnailRole) is None  # no provider, no attachment
    assert "no file attached" in index.data(Qt.ItemDataRole.ToolTipRole)


def test_catalog_model_fetches_rows_lazily_in_batches(qtbot, library, operations):
    model = catalog(qtbot, library, operations, ItemQuery())
    assert model.rowCount() == len(library.item_ids())
    assert model.rows_fetched == 0
    model.index(0, 0).data()
    assert model.rows_fetched == min(FETCH_BATCH, model.rowCount())
    model.index(1, 3).data()
    assert model.rows_fetched == min(FETCH_BATCH, model.rowCount())  # cached


def test_sorting_runs_the_query_in_sql_and_keeps_the_selection(qtbot, library, operations):
    model = catalog(qtbot, library, operations, ItemQuery())

    def sort(*args):
        model.sort(*args)
        qtbot.waitUntil(lambda: not model.loading, timeout=10_000)

    kept = model.index(5, 0)
    from PySide6.QtCore import QPersistentModelIndex

    persistent = QPersistentModelIndex(kept)
    kept_id = kept.data(Roles.ItemIdRole)
    sort(Column.TITLE, Qt.SortOrder.AscendingOrder)
    assert model.item_ids() == library.item_ids(ItemQuery(sort="title"))
    titles = [model.index(row, 0).data() for row in range(model.rowCount())]
    assert titles == sorted(titles, key=str.casefold)
    assert persistent.data(Roles.ItemIdRole) == kept_id
    sort(Column.DATE, Qt.SortOrder.DescendingOrder)
    assert model.query.sort == "date_taken" and model.query.descending
    assert model.item_ids() == library.item_ids(ItemQuery(sort="date_taken", descending=True))
    sort(-1)
    assert model.item_ids() == library.item_ids()


def test_refresh_rereads_changed_items(qtbot, library, operations):
    model = catalog(qtbot, library, operations, ItemQuery())
    row = model.row_of("navcam-panorama")
    assert model.index(row, Column.TITLE).data() == library.item("navcam-panorama").title
    with library.store.transaction():
        library.store.execute("UPDATE items SET title = 'Renamed panorama' WHERE id = 'navcam-panorama'")
    assert model.index(row, Column.TITLE).data() != "Renamed panorama"  # cached until refreshed
    with qtbot.waitSignal(model.dataChanged):
        model.refresh_rows(["navcam-panorama"])
    assert model.index(row, Column.TITLE).data() == "Renamed panorama"


def test_facet_model_passes_the_model_tester_and_counts(qtbot, qtmodeltester, library, operations):
    model = FacetModel(library, run_query=operations.run_query)
    assert model.rowCount() == 0  # the counts come from a reader
    qtbot.waitUntil(lambda: not model.loading, timeout=10_000)
    qtmodeltester.check(model)
    counts = library.facet_counts()
    media = model.item(0)
    assert media.data(FACET_ROLE) == "media_type"
    listed = {media.child(n).data(VALUE_ROLE): media.child(n).text() for n in range(media.rowCount())}
    assert listed["image"] == f"Images ({counts['media_type']['image']})"
    articles = model.item(3)
    assert articles.rowCount() == len(library.articles())
    assert model.query_fields() == {"media_types": (), "kinds": (), "phases": (), "article_ids": (), "tags": ()}
    model.set_checked("kind", "clip")
    with qtbot.waitSignal(model.reloaded, timeout=10_000):
        model.reload()  # keeps what was checked
    assert model.checked_values() == {"kind": ("clip",)}


def test_facet_models_checked_values_follow_every_check_and_the_rows(qtbot, library, operations):
    model = FacetModel(library, run_query=operations.run_query)
    qtbot.waitUntil(lambda: not model.loading, timeout=10_000)
    assert model.checked_values() == {}
    kinds = next(model.item(row) for row in range(model.rowCount()) if model.item(row).data(FACET_ROLE) == "kind")
    first = kinds.child(0)
    first.setCheckState(Qt.CheckState.Checked)  # straight on the item, as a click in the side bar does
    assert model.checked_values() == {"kind": (first.data(VALUE_ROLE),)}
    first.setCheckState(Qt.CheckState.Unchecked)
    assert model.checked_values() == {}
    model.set_checked("kind", first.data(VALUE_ROLE))
    model.removeRows(0, model.rowCount())
    assert model.checked_values() == {}  # rows gone: nothing checked is left


def test_each_facets_checked_value_fills_its_item_query_field(qtbot, library, operations):
    # query_fields names the fields one by one (a typed dict the checker can match against ItemQuery):
    # each of FACETS must be among them, or its checks would narrow nothing
    assert set(FacetQueryFields.__required_keys__) == {facet.query_field for facet in FACETS}
    add_tags(library, ["skycrane-still"], ["descent"])  # the tag facet lists a value too
    model = FacetModel(library, run_query=operations.run_query)
    qtbot.waitUntil(lambda: not model.loading, timeout=10_000)
    for row, facet in enumerate(FACETS):
        branch = model.item(row)
        assert branch.data(FACET_ROLE) == facet.key and branch.rowCount() > 0
        value = branch.child(0).data(VALUE_ROLE)
        assert model.set_checked(facet.key, value)
        fields = dict(model.query_fields())
        assert fields.pop(facet.query_field) == (value,)
        assert set(fields.values()) == {()}  # the other facets stay unchecked
        assert ItemQuery(**model.query_fields()) != ItemQuery()
        model.set_checked(facet.key, value, checked=False)


def test_sources_model_passes_the_model_tester(qtmodeltester, library):
    model = SourcesModel()
    item = library.item("skycrane-still")
    model.set_sources(item.sources)
    qtmodeltester.check(model)
    assert model.rowCount() == len(item.sources)
    assert model.index(0).data(ARTICLE_ID_ROLE) == item.sources[0].article_id
    assert model.index(0).data(QUOTE_ROLE) == item.sources[0].quote


def test_tag_counts_model_passes_the_model_tester(qtmodeltester, library):
    model = TagCountsModel()
    model.set_counts(tag_counts(library))
    qtmodeltester.check(model)
    add_tags(library, ["skycrane-still", "navcam-panorama"], ["descent"])
    add_tags(library, ["navcam-panorama"], ["wallpaper"])
    model.set_counts(tag_counts(library))
    qtmodeltester.check(model)
    assert [model.index(row).data() for row in range(model.rowCount())] == ["descent (2)", "wallpaper (1)"]
    assert model.index(1).data(NAME_ROLE) == "wallpaper" and model.index(0).data(COUNT_ROLE) == 2


def test_downloads_model_passes_the_model_tester(qtmodeltester):
    model = DownloadsModel()
    qtmodeltester.check(model)
    first = DownloadEntry(1, "skycrane-still", "http://127.0.0.1/a.jpg", work=lambda *_: None)
    second = DownloadEntry(2, "navcam-panorama", "http://127.0.0.1/b.jpg", work=lambda *_: None)
    model.add(first)
    model.add(second)
    model.progress(second, Progress(2048, 4096, "2.0 KB of 4.0 KB"))
    model.flush()
    first.state = DONE
    model.changed(first)
    qtmodeltester.check(model)
    assert model.index(1).data() == "http://127.0.0.1/b.jpg → navcam-panorama: running, 2.0 KB of 4.0 KB"
    model.remove_finished()
    qtmodeltester.check(model)
    assert model.entries == [second]


def test_facets_show_narrowed_counts_and_keep_a_checked_value_at_zero(qtbot, tmp_path):
    from mediacat.core.jobs import Job
    from mediacat.core.library import Library
    from mediacat.core.search import ItemQuery
    from mediacat.gui.models.facet_model import FacetModel

    with Library.open(tmp_path / "lib") as library:
        def run_here(fn, *args, on_done, **_options):  # the window's run_query, answered at once on this thread
            on_done(fn(Job(), library, *args))

        model = FacetModel(library, run_query=run_here)
        changes = []
        model.filters_changed.connect(lambda: changes.append(1))
        assert model.set_checked("kind", "recording")
        changes.clear()
        model.reload(ItemQuery(kinds=("recording",), media_types=("image",)))
        assert model.query == ItemQuery(kinds=("recording",), media_types=("image",))
        assert model.checked_values() == {"kind": ("recording",)}
        assert changes == []  # nothing was unchecked
        labels = {model.item(row).child(c).text() for row in range(model.rowCount())
                  for c in range(model.item(row).rowCount())}
        assert "Recording (0)" in labels
        assert "Images (0)" not in labels and "Audio (2)" in labels  # the type facet: recordings by type


def test_the_model_keeps_the_catalog_order_for_searches_and_forgets_it_when_items_change(
        qtbot, tmp_path):
    """Issue 12: a search after the unfiltered query is ordered by that query's catalog order; after an item is
    added or edited the window drops it, so the next search finds the new item (sorted in SQL)."""
    from mediacat.core.archivist_ops import add_item_op, edit_item_op
    from mediacat.core.library import Library
    from mediacat.core.operations import add_tags_op
    from tests.gui.window_helpers import open_window, settle

    library = Library.open(tmp_path / "lib")
    try:
        window = open_window(qtbot, library)
        assert window.model._order is not None and window.model._order.ids == library.item_ids()
        search = ItemQuery(search="descent")
        window.search_box.setText("descent")
        window.apply_filters()
        settle(qtbot, window)
        assert window.model.item_ids() == library.item_ids(search) != []
        added = []
        window.run_op(add_item_op, {"title": "Descent zebra", "media_type": "image"},
                      on_done=lambda result: added.append(result.item_id))
        qtbot.waitUntil(lambda: bool(added), timeout=10_000)
        settle(qtbot, window)
        assert added[0] in window.model.item_ids() and window.model.item_ids() == library.item_ids(search)
        moved = window.model.item_ids()[0]
        window.run_op(edit_item_op, moved, {"mission_phase": "first-images"})
        settle(qtbot, window)
        assert window.model.item_ids() == library.item_ids(search) and window.model.item_ids()[0] != moved
        window.search_box.setText("")  # cleared: the catalog order read again after the edit, not the kept one
        window.apply_filters()
        settle(qtbot, window)
        assert window.model.item_ids() == library.item_ids() and added[0] in window.model.item_ids()
        window.run_op(add_tags_op, [moved], ["kept"])  # a tag moves nothing: the kept order answers the reload
        settle(qtbot, window)
        assert "kept" in library.item(moved).tags
        assert window.model.item_ids() == library.item_ids() and window.model._order is not None
        window.close()
    finally:
        library.close()


def test_a_catalog_order_dropped_while_a_search_runs_stays_dropped(qtbot, library, operations):
    model = catalog(qtbot, library, operations, ItemQuery())
    kept = model._order
    assert kept is not None and kept.ids == library.item_ids()
    search = ItemQuery(search="descent")
    model.set_query(search)  # runs with the kept order ...
    model.forget_catalog_order()  # ... which items changing drops before it answers (answers come via the loop)
    qtbot.waitUntil(lambda: not model.loading, timeout=10_000)
    assert model.item_ids() == library.item_ids(search) and model._order is None
    show(qtbot, model, ItemQuery())  # the next unfiltered query reads a new one
    assert model._order is not None and model._order is not kept and model.item_ids() == library.item_ids()
