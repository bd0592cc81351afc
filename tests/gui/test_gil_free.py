"""The Qt Multimedia calls that join the backend's threads are made without Python's interpreter lock
(`mediacat.qtmedia.gil_free`): the symbols are found in this Qt, and a missing one falls back to PySide."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6.QtMultimedia")

from PySide6.QtCore import QUrl
from PySide6.QtMultimedia import QAudioDecoder, QMediaPlayer

from mediacat.qtmedia import gil_free
from mediacat.qtmedia.gil_free import without_the_gil
from tests.media_fixtures import make_wav


@pytest.mark.parametrize(("symbol", "arguments"), [("_ZN13QAudioDecoder4stopEv", 1), ("_ZN12QMediaPlayer4stopEv", 1),
                                                    ("_ZN12QMediaPlayer9setSourceERK4QUrl", 2)])
def test_the_calls_are_found_in_this_qt(symbol: str, arguments: int) -> None:
    assert gil_free._function(symbol, arguments) is not None


def test_the_calls_do_what_pysides_do(qtbot, tmp_path) -> None:
    player = QMediaPlayer()
    wanted = QUrl.fromLocalFile(str(make_wav(tmp_path / "tone.wav", seconds=0.5)))
    without_the_gil(player, "_ZN12QMediaPlayer9setSourceERK4QUrl", lambda: pytest.fail("fell back"), wanted)
    assert player.source() == wanted
    qtbot.waitUntil(lambda: player.mediaStatus() == QMediaPlayer.MediaStatus.LoadedMedia)
    empty = QUrl()
    without_the_gil(player, "_ZN12QMediaPlayer9setSourceERK4QUrl", lambda: pytest.fail("fell back"), empty)
    assert player.source().isEmpty()
    decoder = QAudioDecoder()
    without_the_gil(decoder, "_ZN13QAudioDecoder4stopEv", lambda: pytest.fail("fell back"))
    assert not decoder.isDecoding()


def test_a_symbol_this_qt_lacks_falls_back_to_pysides_call(qapp) -> None:
    called: list[bool] = []
    without_the_gil(QMediaPlayer(), "_ZN12QMediaPlayer12noSuchMemberEv", lambda: called.append(True))
    assert called == [True]
