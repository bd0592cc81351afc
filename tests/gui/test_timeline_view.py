"""View ▸ Timeline: the same rows, filters and selection as the grid; spans, clocks, zoom and keys."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from mediacat.core.attachments import attach_file
from mediacat.core.timeline import set_item_time
from mediacat.gui.views.timeline_view import MIN_SPAN_SECONDS, WEEK_SECONDS
from mediacat.gui.views.viewer_window import ViewerWindow
from tests.gui.window_helpers import open_window
from tests.media_fixtures import make_png


@pytest.fixture
def window(qtbot, library):
    window = open_window(qtbot, library)
    window.resize(1500, 900)
    window.set_view_mode("timeline")
    qtbot.waitUntil(lambda: window.timeline_controller.loads >= 1)
    return window


def canvas_of(window):
    return window.timeline.canvas


def test_the_timeline_shows_the_filtered_items_at_their_times(qtbot, window, library):
    canvas = canvas_of(window)
    assert window.view_mode() == "timeline" and window.timeline_action.isChecked()
    start, end = canvas.visible_range()  # opens on the EDL minutes
    assert start < datetime(2021, 2, 18, 20, 36, 38, tzinfo=UTC) and end > datetime(2021, 2, 18, 20, 44, tzinfo=UTC)
    for item_id in ("skycrane-still", "edl-parachute-uplook", "hirise-parachute-descent"):
        assert canvas.marker_rect(item_id) is not None, item_id
    # the parachute clip sits on the parachute-deploy minute; the still on the sky-crane minute, later
    parachute = canvas.marker_rect("edl-parachute-uplook")
    still = canvas.marker_rect("skycrane-still")
    assert parachute.center().x() < still.center().x()
    x0 = canvas.x_of(datetime(2021, 2, 18, 20, 40, 38, tzinfo=UTC).timestamp())
    x1 = canvas.x_of(datetime(2021, 2, 18, 20, 41, 38, tzinfo=UTC).timestamp())
    assert x0 - 1 <= parachute.left() and parachute.right() <= x1 + 1  # inside its minute: a span, not a point
    # events are drawn in landing order
    xs = [canvas.event_x(e) for e in ("entry-interface", "parachute-deploy", "sky-crane", "lvs-last-frame")]
    assert xs == sorted(xs)
    # the search narrows the timeline too
    window.search_box.setText("HiRISE")
    window.apply_filters()
    qtbot.waitUntil(lambda: canvas.marker_rect("skycrane-still") is None)
    assert canvas.marker_rect("hirise-parachute-descent") is not None


def test_click_selects_and_double_click_opens_the_viewer(qtbot, window, library, tmp_path):
    canvas = canvas_of(window)
    rect = canvas.marker_rect("skycrane-still")
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.current_item_id() == "skycrane-still"
    assert window.selected_item_ids() == ["skycrane-still"]
    window.select_item("edl-rover-uplook")  # the other way round: the timeline follows the selection
    assert canvas.current_item == "edl-rover-uplook"
    caption = window.timeline.selected.text()
    assert caption.startswith("Rover Up-Look Camera view") and "SCET" in caption and "LMST" in caption
    window.select_item("raw-image-gallery")
    assert window.timeline.selected.text() == "raw-image-gallery: no known time (not on the timeline)"
    window.select_item("edl-rover-uplook")
    picture = make_png(tmp_path / "still.png")
    loads = window.timeline_controller.loads
    window.run_op(lambda job, lib: attach_file(lib, "skycrane-still", picture), label="attach")
    qtbot.waitUntil(lambda: window.timeline_controller.loads > loads)  # library_changed reloaded it
    assert canvas.rows["skycrane-still"].first_attachment_path
    qtbot.mouseDClick(canvas, Qt.MouseButton.LeftButton, pos=canvas.marker_rect("skycrane-still").center())
    qtbot.waitUntil(lambda: any(isinstance(w, ViewerWindow) and w.isVisible() for w in QApplication.topLevelWidgets()))
    viewers = [w for w in QApplication.topLevelWidgets() if isinstance(w, ViewerWindow) and w.isVisible()]
    for viewer in viewers:
        viewer.close()


def test_zoom_from_the_week_to_seconds_and_keys_walk_the_events(qtbot, window):
    canvas = canvas_of(window)
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_Home)
    start, end = canvas.visible_range()
    assert (end - start).total_seconds() == pytest.approx(WEEK_SECONDS)
    for _ in range(40):
        qtbot.keyClick(canvas, Qt.Key.Key_Plus)
    start, end = canvas.visible_range()
    assert (end - start).total_seconds() == pytest.approx(MIN_SPAN_SECONDS)
    # the wheel zooms around the pointer
    canvas.show_edl()
    before = canvas.visible_range()
    at = canvas.event_x("touchdown")
    pivot = canvas.time_at(at)
    event = QWheelEvent(QPointF(at, 200), canvas.mapToGlobal(QPointF(at, 200)), QPoint(0, 0), QPoint(0, 240),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    canvas.wheelEvent(event)
    after = canvas.visible_range()
    assert (after[1] - after[0]) < (before[1] - before[0])
    assert canvas.time_at(at) == pytest.approx(pivot, abs=0.01)
    # N / P: event to event in time order, each zoomed to
    canvas.current_event = -1
    seen = []
    for _ in range(4):
        qtbot.keyClick(canvas, Qt.Key.Key_N)
        seen.append(sorted(canvas.timeline.events, key=lambda e: e.time.scet)[canvas.current_event].id)
    assert seen[:2] == ["entry-interface", "peak-heating"]
    qtbot.keyClick(canvas, Qt.Key.Key_P)
    start, end = canvas.visible_range()
    entry = canvas.timeline.event(seen[2])
    assert start <= entry.time.scet <= end


def test_three_clocks_on_the_ruler_and_all_three_on_hover(qtbot, window):
    canvas = canvas_of(window)
    canvas.show_edl()
    x = canvas.event_x("lvs-last-frame")
    text = canvas.hover_text(x)
    assert "SCET" in text and "ERT" in text and "Sol 0 15:53" in text
    qtbot.mouseMove(canvas, QPoint(int(x), 300))
    qtbot.waitUntil(lambda: "LMST" in window.timeline.readout.text())
    window.timeline.set_clock("lmst")
    labels = [label for _x, label in canvas.ticks()]
    assert any(label.startswith(("15:4", "15:5")) for label in labels), labels
    window.timeline.set_clock("ert")
    assert any(label.startswith("20:5") for _x, label in canvas.ticks())
    window.timeline.set_clock("scet")
    assert any(label.startswith("20:4") for _x, label in canvas.ticks())
    tip = canvas.tooltip_at(QPointF(canvas.marker_rect("edl-parachute-uplook").center()))
    assert "precision: minute" in tip and "LMST" in tip and "ERT" in tip
    with pytest.raises(ValueError):
        window.timeline.set_clock("tai")


def test_a_user_time_set_through_the_writer_moves_the_marker(qtbot, window):
    canvas = canvas_of(window)
    canvas.show_week()
    loads = window.timeline_controller.loads
    done = []
    window.run_op(lambda job, library: set_item_time(library, "bbc-rover-infographic", "2021-02-19T10Z", "hour"),
                  on_done=done.append)
    qtbot.waitUntil(lambda: bool(done) and window.timeline_controller.loads > loads)
    assert canvas.marker_rect("bbc-rover-infographic") is not None


def test_item_set_time_dialog_writes_through_the_writer_and_errors_are_shown(qtbot, window, library):
    from mediacat.core.timeline import item_time

    window.select_item("bbc-rover-infographic")
    dialog = window.item_time.edit_current()
    dialog.time_edit.setText("2021-02-19T10:30Z")
    dialog.precision_box.setCurrentText("hour")  # more digits than an hour: refused, with the reason
    dialog.accept()
    qtbot.waitUntil(lambda: window.last_error_dialog is not None)
    assert "more digits than its precision" in window.last_error_dialog.message + window.last_error_dialog.details
    window.last_error_dialog.close()
    assert item_time(library, "bbc-rover-infographic") is None
    dialog = window.item_time.edit_current()
    dialog.time_edit.setText("2021-02-19T10Z")
    dialog.precision_box.setCurrentText("hour")
    dialog.evidence_edit.setText("https://example.org/my-notes")
    loads = window.timeline_controller.loads
    dialog.accept()
    qtbot.waitUntil(lambda: window.timeline_controller.loads > loads)
    span = item_time(library, "bbc-rover-infographic")
    assert span is not None and (span.origin, span.precision) == ("user", "hour")
    assert window.timeline.canvas.entry("bbc-rover-infographic") is not None


def test_a_crowded_minute_lays_out_what_fits_and_counts_the_rest(qtbot, library):
    from dataclasses import replace

    from mediacat.core.timeline import TimelineEntry, TimeSpan, load_timeline
    from mediacat.gui.views.timeline_view import MAX_MARKERS, TimelineCanvas

    base = load_timeline(library)
    minute = datetime(2021, 2, 18, 20, 43, tzinfo=UTC)
    crowd = tuple(TimelineEntry("item", f"user-{n}", f"User item {n}", TimeSpan(minute, "minute")) for n in range(2000))
    canvas = TimelineCanvas()
    qtbot.addWidget(canvas)
    canvas.resize(1200, 700)
    canvas.set_timeline(replace(base, items=crowd), {}, [e.id for e in crowd])
    canvas.grab()  # paints
    shown = [n for n in range(2000) if canvas.marker_rect(f"user-{n}") is not None]
    assert 0 < len(shown) <= MAX_MARKERS
    assert canvas.hidden_markers == 2000 - len(shown)
    rects = [canvas.marker_rect(f"user-{n}") for n in shown]
    assert all(r.bottom() <= canvas.height() for r in rects)  # nothing drawn below the widget
    assert not any(a.intersects(b) for i, a in enumerate(rects) for b in rects[i + 1:])  # no overlaps
