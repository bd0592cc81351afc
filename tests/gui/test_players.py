"""Audio and video players and the media view, through the real QtMultimedia backend (and without it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mediacat.core.model import Attachment, Item
from mediacat.gui.tasks import shared_runner
from mediacat.gui.views.audio_player import AudioPlayer
from mediacat.gui.views.image_viewer import ImageViewer
from mediacat.gui.views.media_view import MediaView
from mediacat.gui.views.playback import format_time
from mediacat.gui.views.video_player import VideoPlayer
from tests.media_fixtures import (
    make_corrupt_jpeg,
    make_garbage,
    make_jpeg,
    make_mp3,
    make_mp4,
    make_wav,
    no_multimedia,  # noqa: F401  (fixture)
)


@pytest.fixture(autouse=True)
def _finish_background_work():
    yield
    shared_runner().wait_for_all()


def shown(qtbot, widget):
    qtbot.addWidget(widget)
    widget.resize(640, 400)
    widget.show()
    return widget


def attachment(path: Path, media_type: str | None) -> Attachment:
    return Attachment(
        id=1, item_id="item", mode="link", path=str(path), original_name=path.name, sha256="0" * 64, size=1,
        mtime=0.0, mime="application/octet-stream", media_type=media_type, resolved_path=str(path),
    )  # fmt: skip


def item(media_type: str = "image", kind: str = "still") -> Item:
    return Item("item", "An item", media_type, kind, None, None, None, None, "")


@pytest.mark.parametrize(("maker", "seconds"), [(make_wav, 2.0), (make_mp3, 3.0)], ids=["wav", "mp3"])
def test_audio_player_reports_duration_and_draws_the_waveform(qtbot, tmp_path: Path, maker, seconds) -> None:
    player = shown(qtbot, AudioPlayer())
    path = maker(tmp_path / f"sine.{maker.__name__[-3:]}", seconds)
    player.load(str(path))
    qtbot.waitUntil(lambda: player.duration_ms() > 0, timeout=30_000)
    assert player.duration_ms() == pytest.approx(seconds * 1000, rel=0.10)
    qtbot.waitUntil(lambda: bool(player.waveform.peaks()), timeout=30_000)
    sounding = [(low, high) for low, high in player.waveform.peaks() if high > 0.05 and low < -0.05]
    assert len(sounding) >= 0.95 * len(player.waveform.peaks())  # an MP3 starts with a few silent samples
    assert all(abs(high + low) < 0.25 * high for low, high in sounding)
    assert player.transport.duration_label.text() == format_time(player.duration_ms())
    assert player.message_text() == ""


def test_audio_play_pause_and_waveform_seek(qtbot, tmp_path: Path) -> None:
    player = shown(qtbot, AudioPlayer())
    player.load(str(make_wav(tmp_path / "sine.wav", 4.0)))
    qtbot.waitUntil(lambda: player.duration_ms() > 0, timeout=30_000)
    player.toggle_playback()
    qtbot.waitUntil(player.is_playing, timeout=10_000)
    assert player.transport.play_button.accessibleName() == "Pause"
    player.toggle_playback()
    qtbot.waitUntil(lambda: not player.is_playing(), timeout=10_000)
    assert player.transport.play_button.accessibleName() == "Play"
    with qtbot.waitSignal(player.core.player.positionChanged, timeout=10_000):
        player.waveform.seek_requested.emit(0.5)
    qtbot.waitUntil(lambda: abs(player.core.player.position() - 2000) < 300, timeout=10_000)


def test_audio_player_refuses_a_file_without_sound(qtbot, tmp_path: Path) -> None:
    player = shown(qtbot, AudioPlayer())
    path = make_corrupt_jpeg(tmp_path / "picture.mp3")  # FFmpeg opens it as an (empty) MJPEG video
    player.load(str(path))
    qtbot.waitUntil(lambda: str(path) in player.message_text(), timeout=30_000)
    assert "no audio track" in player.message_text()
    qtbot.waitUntil(lambda: player.waveform.note().startswith("No waveform"), timeout=30_000)
    assert str(path) in player.waveform.note()


def test_video_player_reports_duration_and_plays(qtbot, tmp_path: Path) -> None:
    player = shown(qtbot, VideoPlayer())
    player.load(str(make_mp4(tmp_path / "clip.mp4", 3.0)))
    qtbot.waitUntil(lambda: player.duration_ms() > 0, timeout=30_000)
    assert player.duration_ms() == pytest.approx(3000, rel=0.10)
    assert player.transport.seek_slider.maximum() == player.duration_ms()
    player.toggle_playback()
    qtbot.waitUntil(player.is_playing, timeout=10_000)
    player.toggle_playback()
    qtbot.waitUntil(lambda: not player.is_playing(), timeout=10_000)
    player.stop()
    assert player.message_text() == ""


@pytest.mark.qt_log_ignore("Could not open media")  # QtMultimedia's own log line for the file we expect to fail
@pytest.mark.parametrize("player_class", [AudioPlayer, VideoPlayer])
@pytest.mark.parametrize("case", ["garbage", "missing", "empty"])
def test_unplayable_file_shows_a_message_naming_it(qtbot, tmp_path: Path, player_class, case) -> None:
    player = shown(qtbot, player_class())
    path = tmp_path / "broken.mp4"
    if case == "garbage":
        make_garbage(path)
    elif case == "empty":
        path.write_bytes(b"")
    player.load(str(path))
    qtbot.waitUntil(lambda: str(path) in player.message_text(), timeout=30_000)
    assert player.message_text().startswith(f"Cannot play {path}")
    assert not player.is_playing()


@pytest.mark.usefixtures("no_multimedia")
@pytest.mark.parametrize("player_class", [AudioPlayer, VideoPlayer])
def test_without_multimedia_the_players_explain(qtbot, tmp_path: Path, player_class) -> None:
    player = shown(qtbot, player_class())
    assert "Playback is not available" in player.message_text()
    assert "MEDIACAT_NO_MULTIMEDIA" in player.message_text()
    assert not player.transport.isEnabled()
    player.load(str(make_wav(tmp_path / "sine.wav")))
    player.toggle_playback()
    assert not player.is_playing() and player.duration_ms() == 0
    assert "Playback is not available" in player.message_text()


@pytest.mark.usefixtures("no_multimedia")
def test_without_multimedia_the_media_view_still_shows_images_and_explains_video(qtbot, tmp_path: Path) -> None:
    view = shown(qtbot, MediaView())
    view.show_attachment(attachment(make_mp4(tmp_path / "clip.mp4"), "video"), item("video", "clip"))
    assert isinstance(view.current_viewer(), VideoPlayer)
    assert "Playback is not available" in view.video_player.message_text()
    view.toggle_playback()  # nothing to play: no error
    with qtbot.waitSignal(view.image_viewer.loaded, timeout=30_000):
        view.show_attachment(attachment(make_jpeg(tmp_path / "photo.jpg"), "image"), item())
    assert view.current_viewer() is view.image_viewer


def test_media_view_picks_the_viewer_by_media_type(qtbot, tmp_path: Path) -> None:
    view = shown(qtbot, MediaView())
    assert view.current_viewer() is None
    with qtbot.waitSignal(view.image_viewer.loaded, timeout=30_000):
        view.show_attachment(attachment(make_jpeg(tmp_path / "photo.jpg"), "image"), item())
    assert isinstance(view.current_viewer(), ImageViewer)

    view.show_attachment(attachment(make_wav(tmp_path / "sine.wav"), "audio"), item("audio", "recording"))
    assert view.current_viewer() is view.audio_player
    qtbot.waitUntil(lambda: view.audio_player.duration_ms() > 0, timeout=30_000)
    view.toggle_playback()
    qtbot.waitUntil(view.audio_player.is_playing, timeout=10_000)

    # the attachment's media type is missing: the item's decides; showing another file stops playback
    view.show_attachment(attachment(make_mp4(tmp_path / "clip.mp4"), None), item("video", "clip"))
    assert view.current_viewer() is view.video_player
    qtbot.waitUntil(lambda: not view.audio_player.is_playing(), timeout=10_000)
    qtbot.waitUntil(lambda: view.video_player.duration_ms() > 0, timeout=30_000)
    view.toggle_playback()
    qtbot.waitUntil(view.video_player.is_playing, timeout=10_000)

    view.show_attachment(None, item())
    assert view.current_viewer() is None and view.attachment() is None
    qtbot.waitUntil(lambda: not view.video_player.is_playing(), timeout=10_000)


def test_format_time() -> None:
    assert [format_time(ms) for ms in (0, 61_500, 3_723_000, -5)] == ["0:00", "1:01", "1:02:03", "0:00"]
