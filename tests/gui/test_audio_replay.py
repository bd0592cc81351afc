"""Issue 16: at the end of a WAV or MP3 the player shows Play again, and Play, Space and the button replay it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from mediacat.gui.tasks import shared_runner
from mediacat.gui.views.audio_player import AudioPlayer
from mediacat.gui.views.playback import PlayerCore
from mediacat.gui.views.viewer_window import ViewerWindow
from tests.gui.test_players import attachment, item, shown
from tests.media_fixtures import make_mp3, make_wav


@pytest.fixture(autouse=True)
def _finish_background_work() -> Iterator[None]:
    yield
    shared_runner().wait_for_all()


def core_of(player: AudioPlayer) -> PlayerCore:
    """The player's playback (None where Qt Multimedia cannot play: the message says why)."""
    assert player.core is not None, f"the player cannot play: {player.message.text()}"
    return player.core


def play_to_the_end(qtbot: QtBot, player: AudioPlayer) -> None:
    qtbot.waitUntil(lambda: player.duration_ms() > 0, timeout=30_000)
    if not player.is_playing():
        player.toggle_playback()
        qtbot.waitUntil(player.is_playing, timeout=10_000)
    qtbot.waitUntil(lambda: not player.is_playing(), timeout=20_000)  # it stops by itself at the end
    assert core_of(player).at_end()
    assert player.transport.play_button.accessibleName() == "Play"


@pytest.mark.parametrize("maker", [make_wav, make_mp3], ids=["wav", "mp3"])
def test_the_play_button_replays_an_audio_file_that_played_to_its_end(qtbot, tmp_path: Path, maker) -> None:
    player = shown(qtbot, AudioPlayer())
    player.load(str(maker(tmp_path / f"tone.{maker.__name__[-3:]}", 1.0)))
    play_to_the_end(qtbot, player)
    qtbot.mouseClick(player.transport.play_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(player.is_playing, timeout=10_000)
    assert player.transport.play_button.accessibleName() == "Pause"
    assert not core_of(player).at_end()
    qtbot.waitUntil(lambda: 0 < core_of(player).player.position() < player.duration_ms(), timeout=10_000)
    play_to_the_end(qtbot, player)  # and again: every replay ends the same way


def test_space_in_the_viewer_replays_audio_after_the_end(qtbot, tmp_path: Path) -> None:
    path = make_wav(tmp_path / "tone.wav", 1.0)
    window = ViewerWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.show_item(replace(item("audio", "recording"), attachments=(attachment(path, "audio"),)))
    assert window.media_view is not None, "this build has no media viewers"
    player = window.media_view.audio_player
    qtbot.waitUntil(lambda: player.duration_ms() > 0, timeout=30_000)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(player.is_playing, timeout=10_000)
    qtbot.waitUntil(lambda: not player.is_playing(), timeout=20_000)
    assert player.transport.play_button.accessibleName() == "Play"
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(player.is_playing, timeout=10_000)
    qtbot.waitUntil(lambda: core_of(player).player.position() < player.duration_ms(), timeout=10_000)
