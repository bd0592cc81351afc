"""The main window: search, filters, status counts, keyboard, remembered state and the public API."""

from __future__ import annotations

from html import escape
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QMimeData, QObject, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QDockWidget, QLabel

from mediacat.core.search import ItemQuery
from mediacat.gui.dialogs.error_dialog import ErrorDialog
from mediacat.gui.main_window import MainWindow
from mediacat.gui.models.facet_model import VALUE_ROLE
from mediacat.gui.settings import Settings
from mediacat.gui.views.viewer_window import ViewerWindow
from tests.gui.window_helpers import open_window, settle


@pytest.fixture
def window(qtbot, library):
    return open_window(qtbot, library)


def test_search_box_narrows_the_view_after_a_pause(qtbot, window, library):
    everything = library.item_ids()
    assert window.visible_item_ids() == everything
    qtbot.keyClicks(window.search_box, "hazcam")
    expected = library.item_ids(ItemQuery(search="hazcam"))
    assert 0 < len(expected) < len(everything)
    qtbot.waitUntil(lambda: window.visible_item_ids() == expected)
    assert window.current_query().search == "hazcam"
    assert f"{len(expected)} items" in window.count_label.text()
    assert f"(of {len(everything)})" in window.count_label.text()


def test_a_search_answer_announces_the_selection_once_with_its_current_item(qtbot, window, library):
    expected = library.item_ids(ItemQuery(search="hazcam"))
    assert len(expected) > 1
    assert window.select_item(expected[1])
    seen: list[tuple[str | None, list[str]]] = []
    window.selection_changed.connect(lambda: seen.append((window.current_item_id(), window.selected_item_ids())))
    window.search_box.setText("hazcam")
    window.apply_filters()
    qtbot.waitUntil(lambda: window.visible_item_ids() == expected)
    settle(qtbot, window)
    # the current item is in the answer: current and selected again, announced once (not once more for the
    # current item and once more for the selection), and the detail pane shows it
    assert seen == [(expected[1], [expected[1]])]
    assert window.detail.item is not None and window.detail.item.id == expected[1]
    seen.clear()
    assert window.select_item(expected[0])  # outside an answer every change is announced, as before
    assert seen and seen[-1] == (expected[0], [expected[0]])


def test_search_matches_article_quotes(qtbot, window, library):
    item = library.item("skycrane-still")
    word = max(item.sources[0].quote.split(), key=len).strip(".,;:’'\"“”")
    window.search_box.setText(word)
    window.apply_filters()
    settle(qtbot, window)
    assert "skycrane-still" in window.visible_item_ids()
    assert window.visible_item_ids() == library.item_ids(ItemQuery(search=word))


@pytest.mark.parametrize(
    ("facet", "value", "field"),
    [
        ("media_type", "audio", "media_types"),
        ("kind", "panorama", "kinds"),
        ("mission_phase", "skycrane", "phases"),
        ("article", "bbc-news-2021-02-19", "article_ids"),
    ],
)
def test_each_filter_narrows_the_view(qtbot, window, library, facet, value, field):
    assert window.facets.set_checked(facet, value)
    settle(qtbot, window)
    expected = library.item_ids(ItemQuery(**{field: (value,)}))
    assert 0 < len(expected) < len(library.item_ids())
    assert window.visible_item_ids() == expected


def test_filters_or_within_a_facet_and_across_facets(qtbot, window, library):
    window.facets.set_checked("media_type", "audio")
    settle(qtbot, window)
    window.facets.set_checked("media_type", "video")
    settle(qtbot, window)
    audio_or_video = library.item_ids(ItemQuery(media_types=("audio", "video")))
    assert window.visible_item_ids() == audio_or_video
    window.facets.set_checked("mission_phase", "parachute-descent")
    settle(qtbot, window)
    both = library.item_ids(ItemQuery(media_types=("audio", "video"), phases=("parachute-descent",)))
    assert window.visible_item_ids() == both
    assert set(both) < set(audio_or_video)
    window.sidebar.clear_button.click()
    settle(qtbot, window)
    assert window.visible_item_ids() == library.item_ids()
    assert window.count_label.text() == (f"{len(library.item_ids())} items, 0 with media"
                                         f", {len(library.item_ids_with_builtin_media())} with a built-in NASA file")


def test_tag_filter_requires_every_checked_tag(qtbot, window, library):
    with library.reopen() as other, other.store.transaction():
        other.store.execute("INSERT INTO tags(name) VALUES ('favourite'), ('edl')")
        other.store.execute(
            "INSERT INTO item_tags(item_id, tag_id) SELECT 'skycrane-still', id FROM tags UNION ALL "
            "SELECT 'navcam-panorama', id FROM tags WHERE name = 'favourite'"
        )
    # Written behind the app's back (another connection, as the CLI would): noticed by its data_version poll.
    qtbot.waitUntil(lambda: window.facets.item(4).rowCount() == 2)
    settle(qtbot, window)  # no refresh still on its way replaces the branch while it is read
    tag_branch = window.facets.item(4)
    assert [tag_branch.child(n).data(VALUE_ROLE) for n in range(tag_branch.rowCount())] == ["edl", "favourite"]
    window.facets.set_checked("tag", "favourite")
    settle(qtbot, window)
    assert window.visible_item_ids() == library.item_ids(ItemQuery(tags=("favourite",)))
    assert len(window.visible_item_ids()) == 2
    window.facets.set_checked("tag", "edl")
    settle(qtbot, window)
    assert window.visible_item_ids() == ["skycrane-still"]


def test_phase_facet_lists_phases_in_mission_order_with_counts(window, library):
    branch = window.facets.item(2)
    listed = [branch.child(n).data(VALUE_ROLE) for n in range(branch.rowCount())]
    phases = [phase.id for phase in library.mission_phases()]
    assert listed == [phase for phase in phases if phase in listed]
    counts = library.facet_counts()["mission_phase"]
    labels = {phase.id: phase.label for phase in library.mission_phases()}
    assert branch.child(0).text() == f"{labels[listed[0]]} ({counts[listed[0]]})"


def test_keyboard_find_escape_view_switch_and_arrows(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.search_box.hasFocus()
    qtbot.keyClicks(window.search_box, "wind")
    qtbot.waitUntil(lambda: window.current_query().search == "wind")
    qtbot.keyClick(window.search_box, Qt.Key.Key_Escape)
    settle(qtbot, window)
    assert window.search_box.text() == ""
    assert window.current_query().search is None

    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.view_mode() == "table"
    assert window.views.currentWidget() is window.table
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.view_mode() == "grid"

    window.grid.setFocus()
    first, second = window.visible_item_ids()[:2]
    assert window.current_item_id() == first
    qtbot.keyClick(window.grid, Qt.Key.Key_Right)
    assert window.current_item_id() == second
    assert window.detail.item.id == second


def test_enter_opens_the_viewer_with_the_placeholder_and_how_to(qtbot, window, library):
    assert window.select_item("edl-landing-video")  # no attachment and no built-in picture
    window.grid.setFocus()
    qtbot.keyClick(window.grid, Qt.Key.Key_Return)
    viewer = window.findChild(ViewerWindow)
    assert viewer is not None and viewer.isVisible()
    item = library.item(window.current_item_id())
    assert viewer.item.id == item.id
    assert viewer.pages.currentWidget() is viewer.placeholder_scroll
    assert "Item ▸ Attach files…" in viewer.how_to.text()
    assert f"mediacat attach {item.id} FILE" in viewer.how_to.text()
    qtbot.waitUntil(viewer.isActiveWindow)
    qtbot.keyClick(viewer, Qt.Key.Key_Escape)
    assert not viewer.isVisible()


def test_detail_pane_shows_the_item_and_how_to_attach(qtbot, window, library):
    assert window.select_item("edl-landing-video")
    settle(qtbot, window)
    item = library.item("edl-landing-video")
    pane = window.detail
    assert pane.item.id == "edl-landing-video"
    assert pane.how_to.isVisibleTo(pane)
    assert pane.how_to.text() == (
        "No file is attached to this item. Attach one with Item ▸ Attach files…, drag files here, "
        "or run mediacat attach edl-landing-video FILE. "
        "Or download Perseverance-landing-1080p.mp4 with “Download from NASA” below."
    )
    assert pane.download_button.isVisibleTo(pane)
    assert pane.download_button.text() == "Download from NASA"
    assert "Perseverance-landing-1080p.mp4" in pane.download_button.toolTip()
    assert pane.get_public_button.isVisibleTo(pane)
    html = pane.fields.text()
    assert escape(item.title) in html
    for url in item.official_urls + item.media_urls:
        assert f"href='{url}'" in html
    assert pane.sources_model.rowCount() == len(item.sources)
    assert pane.sources_model.index(0).data() .endswith(f"“{item.sources[0].quote}”")
    assert not pane.preview.pixmap().isNull()


def test_no_download_sentence_without_media_urls(qtbot, window, library):
    no_urls = next(item for item in library.items(library.item_ids()) if not item.media_urls)
    window.select_item(no_urls.id)
    settle(qtbot, window)
    assert window.detail.how_to.text().endswith(f"or run mediacat attach {no_urls.id} FILE.")


def test_view_mode_geometry_and_splitter_are_remembered(qtbot, library):
    first = open_window(qtbot, library)
    first.resize(780, 560)  # within the offscreen screen (800x600), where restoreGeometry would clamp it
    first.set_view_mode("table")
    tags_dock = first.findChild(QDockWidget, "dock-Tags")
    first.removeDockWidget(tags_dock)  # the user drags the tags panel out of the bottom tabs to the left side
    first.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, tags_dock)
    tags_dock.show()
    qtbot.waitUntil(lambda: first.splitter.width() < 780 - tags_dock.width())
    first.splitter.setSizes([120, 200, 150])
    qtbot.wait(100)  # any relayout the dock move queued runs first: what is saved is what is shown at close
    sizes = first.splitter.sizes()
    first.close()
    assert Settings().view_mode == "table"

    second = open_window(qtbot, library)
    assert second.view_mode() == "table"
    assert (second.size().width(), second.size().height()) == (780, 560)
    assert second.splitter.sizes() == sizes
    assert second.dockWidgetArea(second.findChild(QDockWidget, "dock-Tags")) == Qt.DockWidgetArea.LeftDockWidgetArea
    assert second.dockWidgetArea(second.findChild(QDockWidget, "dock-Note")) == Qt.DockWidgetArea.BottomDockWidgetArea


def test_select_item_clears_filters_that_hide_it(qtbot, window):
    window.facets.set_checked("media_type", "audio")
    settle(qtbot, window)
    assert "skycrane-still" not in window.visible_item_ids()
    assert window.select_item("skycrane-still")
    settle(qtbot, window)
    assert window.current_item_id() == "skycrane-still"
    assert window.selected_item_ids() == ["skycrane-still"]
    assert window.facets.checked_values() == {}
    assert not window.select_item("no-such-item")
    assert "no-such-item" in window.statusBar().currentMessage()


def test_menus_undo_redo_docks_and_status(qtbot, window):
    assert [window.menu(name).title().replace("&", "") for name in
            ("File", "Edit", "Item", "View", "Tools", "Help")] == ["File", "Edit", "Item", "View", "Tools", "Help"]
    with pytest.raises(KeyError, match="Gallery"):
        window.menu("Gallery")
    edit_actions = window.menu("Edit").actions()
    assert window.undo_action in edit_actions and window.redo_action in edit_actions
    assert window.undo_action.shortcut().toString() == "Ctrl+Z"
    assert window.redo_action.shortcut().toString() == "Ctrl+Shift+Z"
    dock = window.add_dock(QLabel("downloads"), "Downloads", Qt.DockWidgetArea.BottomDockWidgetArea)
    assert isinstance(dock, QDockWidget) and window.dockWidgetArea(dock) == Qt.DockWidgetArea.BottomDockWidgetArea
    assert dock.toggleViewAction() in window.menu("View").actions()
    neighbours = [other for other in window.findChildren(QDockWidget) if other is not dock
                  and window.dockWidgetArea(other) == Qt.DockWidgetArea.BottomDockWidgetArea]
    assert {other.windowTitle() for other in neighbours} >= {"Note", "Tags"}
    # docks sharing an area become tabs (the catalog keeps its width)
    qtbot.waitUntil(lambda: set(window.tabifiedDockWidgets(dock)) == set(neighbours))
    window.status_message("Attached 2 files", 10_000)
    assert window.statusBar().currentMessage() == "Attached 2 files"


def test_show_error_opens_the_error_dialog(window):
    window.show_error("Attach failed", "/tmp/x.jpg: not a file", "Traceback ...")
    dialog = window.last_error_dialog
    assert isinstance(dialog, ErrorDialog) and dialog.isVisible()
    assert dialog.message_label.text() == "/tmp/x.jpg: not a file"
    dialog.close()


def _drop(widget, position: QPoint, paths: list[Path]) -> QDropEvent:
    """What a file manager's drag does: enter, move over the target, drop."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path)) for path in paths])
    rest = (Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    for event_class in (QDragEnterEvent, QDragMoveEvent):
        try:  # PySide6 6.12 takes a QPointF (and deprecates QPoint); 6.11 only a QPoint
            event = event_class(QPointF(position), *rest)  # type: ignore[call-overload]  # the 6.12 signature
        except TypeError:
            event = event_class(position, *rest)
        QApplication.sendEvent(widget, event)
        assert event.isAccepted()
    event = QDropEvent(QPointF(position), *rest)
    QApplication.sendEvent(widget, event)
    assert event.isAccepted()
    return event


def test_files_dropped_on_grid_table_and_detail_pane(qtbot, window, tmp_path):
    files = [tmp_path / "a.jpg", tmp_path / "b.wav"]
    for path in files:
        path.write_bytes(b"x")
    ids = window.visible_item_ids()
    target = window.model.index(2, 0)
    # Wait for the grid's batched layout: the cell is on screen where the view says it is.
    qtbot.waitUntil(lambda: window.grid.viewport().rect().contains(window.grid.visualRect(target))
                    and window.grid.indexAt(window.grid.visualRect(target).center()) == target)
    with qtbot.waitSignal(window.files_dropped) as grid_drop:
        _drop(window.grid.viewport(), window.grid.visualRect(target).center(), files)
    assert grid_drop.args == [ids[2], [str(path) for path in files]]

    window.set_view_mode("table")
    row_rect = window.table.visualRect(window.model.index(1, 0))
    with qtbot.waitSignal(window.files_dropped) as table_drop:
        _drop(window.table.viewport(), row_rect.center(), files[:1])
    assert table_drop.args == [ids[1], [str(files[0])]]

    window.select_item(ids[3])
    settle(qtbot, window)
    with qtbot.waitSignal(window.files_dropped) as pane_drop:
        _drop(window.detail, QPoint(20, 20), files)
    assert pane_drop.args == [ids[3], [str(path) for path in files]]


def test_feature_installers_run_after_the_first_paint(qtbot, library, monkeypatch):
    """Issue 12: the window paints its skeleton first; the feature modules are imported and installed right
    after that paint (with the views and their first query already there)."""
    from mediacat.gui import features

    events = []
    monkeypatch.setattr(features, "INSTALLERS", [lambda window: events.append(("install",
                                                                                window.model.requested_query))])
    window = MainWindow(library, thumbnails=False)
    qtbot.addWidget(window)

    class PaintWatch(QObject):
        def eventFilter(self, watched, event):
            if watched is window and event.type() == QEvent.Type.Paint:
                events.append(("paint", None))
            return False

    watch = PaintWatch()
    window.installEventFilter(watch)
    assert events == [] and not window.features_installed and not window.settled
    window.show()
    qtbot.waitUntil(lambda: window.features_installed, timeout=10_000)
    assert events[0] == ("paint", None)
    assert events.count(("install", ItemQuery())) == 1
    settle(qtbot, window)
    window.install_features()  # idempotent
    assert [event for event in events if event[0] == "install"] == [("install", ItemQuery())]
    assert window.visible_item_ids() == library.item_ids()


def test_a_window_never_shown_installs_its_features_when_the_event_loop_runs(qtbot, library):
    window = MainWindow(library, thumbnails=False)
    qtbot.addWidget(window)
    assert not window.features_installed
    settle(qtbot, window)  # settled includes the features
    assert window.features_installed and not window.isVisible()
    assert window.findChild(QObject, "help-feature") is not None
    assert {action.text() for action in window.menu("File").actions()} > {"&Quit"}  # the features' entries


def test_clicking_a_table_header_sorts_in_sql_and_keeps_the_current_item(qtbot, window, library):
    window.set_view_mode("table")
    window.select_item("navcam-panorama")
    settle(qtbot, window)
    header = window.table.horizontalHeader()
    title_x = header.sectionViewportPosition(0) + header.sectionSize(0) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(title_x, header.height() // 2))
    settle(qtbot, window)
    assert window.current_query().sort == "title"
    first_order = window.visible_item_ids()
    assert first_order in (library.item_ids(ItemQuery(sort="title")),
                           library.item_ids(ItemQuery(sort="title", descending=True)))
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(title_x, header.height() // 2))
    settle(qtbot, window)
    assert window.visible_item_ids() == list(reversed(first_order))
    assert window.current_item_id() == "navcam-panorama"
    assert window.detail.item.id == "navcam-panorama"
    # Filtering keeps the order chosen in the table.
    window.facets.set_checked("media_type", "image")
    settle(qtbot, window)
    assert window.current_query().sort == "title" and window.current_query().media_types == ("image",)


def test_unreadable_settings_fall_back_to_defaults(qtbot, library):
    from mediacat.gui.settings import KEY_SPLITTER_SIZES, KEY_VIEW_MODE

    settings = Settings()
    settings._qsettings.setValue(KEY_VIEW_MODE, "mosaic")
    settings._qsettings.setValue(KEY_SPLITTER_SIZES, "wide,narrow")
    settings._qsettings.setValue("window/geometry", "not a geometry")
    settings.sync()
    window = open_window(qtbot, library)
    assert window.view_mode() == "grid"
    assert Settings().splitter_sizes is None
    with pytest.raises(ValueError, match="mosaic"):
        settings.view_mode = "mosaic"
