"""Play Together on generated clips whose frame number is written into their pixels.

Each clip is ffmpeg's `color` source with luma 16 + 2*N in frame N (read back as N = R * 219 / 510), at
different frame rates, and each is placed on the shared clock at a different offset. After a seek, pause
and resume, every pane must show the frame that covers the same shared-clock instant, within one frame.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from mediacat.qtmedia import multimedia_status
from tests.media_fixtures import make_garbage, require_ffmpeg

pytestmark = pytest.mark.skipif(not multimedia_status()[0], reason="Qt Multimedia is not available here")


def numbered_clip(path: Path, fps: int, seconds: float) -> Path:
    ffmpeg = require_ffmpeg()
    subprocess.run([ffmpeg, "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                    f"color=black:s=160x120:r={fps}:d={seconds}", "-vf",
                    "format=yuv420p,geq=lum='16+2*N':cb=128:cr=128", "-c:v", "mpeg4", "-q:v", "1", str(path)],
                   check=True, timeout=60)
    return path


def frame_number(pane) -> int:
    color = pane.frame.pixelColor(pane.frame.width() // 2, pane.frame.height() // 2)
    return round(color.red() * 219 / 510)


def shown_instant(pane) -> float:
    """The shared-clock time at which the frame on screen starts."""
    return pane.clip.offset_ms + frame_number(pane) * pane.frame_ms


@pytest.fixture
def clips(tmp_path):
    from mediacat.gui.views.play_together import Clip

    specs = [(25, 0.0, 3.0), (30, 400.0, 3.0), (24, 900.0, 2.5), (15, 250.0, 2.0)]
    return [Clip(str(numbered_clip(tmp_path / f"c{fps}.mp4", fps, seconds)), f"{fps} fps", offset)
            for fps, offset, seconds in specs]


def open_together(qtbot, clips):
    from mediacat.gui.views.play_together import PlayTogetherWindow

    window = PlayTogetherWindow(clips)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(window.all_ready, timeout=20000)
    return window


def settled(window, at_ms: float) -> bool:
    """Every usable pane shows the frame that covers `at_ms` (clamped to its first/last frame)."""
    for pane in window.panes:
        if not pane.usable:
            continue
        if pane.frame.isNull():
            return False
        expected = pane.clip.offset_ms + pane.target(at_ms)
        if not expected - pane.frame_ms - 1 <= shown_instant(pane) <= expected + 1:
            return False
    return True


def spread(window, at_ms: float) -> float:
    """How far apart the instants the covering panes show are (panes whose clip covers `at_ms`)."""
    instants = [shown_instant(p) for p in window.panes
                if p.usable and p.clip.offset_ms <= at_ms <= p.clip.offset_ms + p.last_frame_ms()]
    return max(instants) - min(instants)


def test_four_clips_stay_within_one_frame_across_seeks(qtbot, clips):
    window = open_together(qtbot, clips)
    assert [round(p.frame_ms, 1) for p in window.panes] == [40.0, 33.3, 41.7, 66.7]
    start, end = window.clock_range()
    assert (start, end) == (0.0, pytest.approx(3400.0, abs=50))
    for at in (1500.0, 2300.0, 1000.0, 1750.0, 1200.0):
        window.seek(at)
        qtbot.waitUntil(lambda at=at: settled(window, at), timeout=10000)
        assert spread(window, at) < max(p.frame_ms for p in window.panes), at
    # frame step moves the clock by one frame of the fastest clip, and the panes follow
    before = window.position()
    window.step(+1)
    assert window.position() == pytest.approx(before + 1000 / 30, abs=0.5)
    qtbot.waitUntil(lambda: settled(window, window.position()), timeout=10000)
    window.close()


def test_pause_and_resume_keep_the_panes_aligned_and_a_short_clip_holds_its_last_frame(qtbot, clips):
    window = open_together(qtbot, clips)
    window.seek(1000.0)
    qtbot.waitUntil(lambda: settled(window, 1000.0), timeout=10000)
    for _ in range(2):
        window.play()
        qtbot.wait(500)
        assert window.position() > 1000.0
        window.pause()
        paused_at = window.position()
        qtbot.waitUntil(lambda paused_at=paused_at: settled(window, paused_at), timeout=10000)
        assert spread(window, paused_at) < max(p.frame_ms for p in window.panes)
    # past the end of the 15 fps clip (250 ms + 2 s), it holds its last frame
    window.seek(3000.0)
    qtbot.waitUntil(lambda: settled(window, 3000.0), timeout=10000)
    short = window.panes[3]
    assert frame_number(short) == pytest.approx(29, abs=1)
    # half speed: the clock runs at half the wall-clock rate
    window.set_speed(0.5)
    assert window.clock.rate == 0.5
    # audio from one pane only, and never an output without a sound device (see playback.py)
    from PySide6.QtMultimedia import QMediaDevices

    window.set_audio_pane(1)
    outputs = [pane.player.audioOutput() is not None for pane in window.panes]
    assert outputs == ([False, True, False, False] if QMediaDevices.audioOutputs() else [False] * 4)
    window.close()


@pytest.mark.qt_log_ignore("Could not open media")  # QtMultimedia's own log line for the file we expect to fail
def test_a_corrupt_clip_shows_its_error_and_the_others_play(qtbot, clips, tmp_path):
    from mediacat.gui.views.play_together import Clip

    broken = Clip(str(make_garbage(tmp_path / "broken.mp4")), "broken")
    window = open_together(qtbot, [clips[0], broken, clips[1]])
    assert window.panes[1].error.startswith(f"Cannot play {tmp_path / 'broken.mp4'}")
    assert window.panes[0].usable and window.panes[2].usable
    window.seek(500.0)
    qtbot.waitUntil(lambda: settled(window, 500.0), timeout=10000)
    window.play()
    qtbot.waitUntil(lambda: frame_number(window.panes[0]) > 20, timeout=10000)
    window.pause()
    window.close()


def test_two_to_six_clips(qtbot, clips):
    from mediacat.gui.views.play_together import PlayTogetherWindow

    with pytest.raises(ValueError, match="2 to 6"):
        PlayTogetherWindow(clips[:1])


def test_play_together_from_the_selection_places_clips_by_their_saved_starts(qtbot, library, tmp_path):
    from datetime import UTC, datetime, timedelta

    from mediacat.core.attachments import attach_file
    from mediacat.core.timeline import clip_starts, set_clip_start
    from tests.gui.window_helpers import open_window

    first = attach_file(library, "edl-rover-downlook", numbered_clip(tmp_path / "rdc.mp4", 25, 2.0)).attachment
    second = attach_file(library, "edl-parachute-uplook", numbered_clip(tmp_path / "puc.mp4", 30, 2.0)).attachment
    start = datetime(2021, 2, 18, 20, 40, 50, tzinfo=UTC)
    set_clip_start(library, first.id, start, "known")
    set_clip_start(library, second.id, start + timedelta(milliseconds=700), "aligned")
    window = open_window(qtbot, library)
    window.select_item("edl-rover-downlook")
    assert window.play_together.open_selected() is None  # one item with one clip is not enough
    qtbot.waitUntil(lambda: window.last_error_dialog is not None)
    window.last_error_dialog.close()
    from PySide6.QtCore import QItemSelectionModel

    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    window.selection_model.select(window.model.index(window.model.row_of("edl-parachute-uplook"), 0), flags)
    assert set(window.selected_item_ids()) == {"edl-rover-downlook", "edl-parachute-uplook"}
    player = window.play_together.open_selected()
    qtbot.waitUntil(player.all_ready, timeout=20000)
    offsets = {pane.clip.attachment_id: pane.clip.offset_ms for pane in player.panes}
    assert offsets == {first.id: 0.0, second.id: 700.0}
    assert player.origin_scet == start
    # the timeline's events on the scrubber, in landing order
    assert [title for _ms, title in player.scrubber.events][:3] == ["Entry interface", "Peak heating",
                                                                     "Parachute deploy"]
    assert "SCET" in player.position_label.text()
    # align: the frame now on screen in the second pane shows the last LCAM frame -> its start is saved
    player.seek(1000.0)
    qtbot.waitUntil(lambda: settled(player, 1000.0), timeout=10000)
    pane_index = next(n for n, p in enumerate(player.panes) if p.clip.attachment_id == second.id)
    player.align_pane_box.setCurrentIndex(pane_index)
    player.align_event_box.setCurrentIndex(player.align_event_box.findText("Lander Vision System: last LCAM frame"))
    position = player.panes[pane_index].player.position()
    player.align_button.click()
    event = datetime(2021, 2, 18, 20, 44, 11, 249523, tzinfo=UTC)
    qtbot.waitUntil(lambda: clip_starts(library, [second.id])[second.id].basis == "aligned"
                    and clip_starts(library, [second.id])[second.id].start_scet
                    == event - timedelta(milliseconds=position), timeout=10000)
    player.close()
