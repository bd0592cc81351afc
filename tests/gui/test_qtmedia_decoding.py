"""Real decoding through QtMultimedia and the stdlib: waveform peaks and video frames, and their failures."""

from __future__ import annotations

from pathlib import Path

import pytest

from mediacat.qtmedia import MediaDecodeError
from mediacat.qtmedia.frames import grab_frame
from mediacat.qtmedia.waveform import decode_peaks, reduce_blocks
from tests.media_fixtures import make_corrupt_jpeg, make_mp3, make_mp4, make_wav


def assert_sine_peaks(peaks: list[tuple[float, float]], buckets: int) -> None:
    assert len(peaks) == buckets
    for low, high in peaks:
        assert high > 0.05 and low < -0.05
        assert abs(high + low) < 0.25 * high  # symmetric around zero, within a quarter


def test_wav_peaks_of_a_sine_are_symmetric(tmp_path: Path) -> None:
    peaks = decode_peaks(make_wav(tmp_path / "sine.wav"), 50, 10)
    assert_sine_peaks(peaks, 50)
    assert max(high for _, high in peaks) == pytest.approx(16000 / 32768, abs=0.02)


def test_mp3_peaks_decode_in_the_native_format(qapp, tmp_path: Path) -> None:
    assert_sine_peaks(decode_peaks(make_mp3(tmp_path / "sine.mp3"), 40, 15), 40)


def test_peaks_of_the_sound_track_of_a_video(qapp, tmp_path: Path) -> None:
    assert_sine_peaks(decode_peaks(make_mp4(tmp_path / "clip.mp4", 2.0), 20, 15), 20)


def test_reduce_blocks_stretches_and_merges() -> None:
    assert reduce_blocks([(-0.5, 0.5), (-1.0, 0.25)], 1) == [(-1.0, 0.5)]
    assert reduce_blocks([(-0.5, 0.5)], 3) == [(-0.5, 0.5)] * 3


@pytest.mark.parametrize("kind", ["missing", "empty", "garbage"])
def test_undecodable_audio_raises_naming_the_file(qapp, tmp_path: Path, kind: str) -> None:
    path = tmp_path / f"{kind}.mp3"
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "garbage":
        make_corrupt_jpeg(path)
    with pytest.raises(MediaDecodeError, match=str(path)):
        decode_peaks(path, 10, 10)


def test_grab_frame_decodes_a_picture(qapp, tmp_path: Path) -> None:
    image = grab_frame(make_mp4(tmp_path / "clip.mp4"), 1000, 15)
    assert (image.width(), image.height()) == (320, 240)
    colors = {image.pixel(x, y) for x in range(0, 320, 16) for y in range(0, 240, 16)}
    assert len(colors) > 10  # the test pattern, not a blank frame


@pytest.mark.parametrize(
    ("name", "problem"),
    [("missing.mp4", "no such file"), ("garbage.mp4", ""), ("sound.mp3", "no video track")],
)
def test_grab_frame_failures_name_the_file(qapp, tmp_path: Path, name: str, problem: str) -> None:
    path = tmp_path / name
    if name == "garbage.mp4":
        make_corrupt_jpeg(path)
    elif name == "sound.mp3":
        make_mp3(path)
    with pytest.raises(MediaDecodeError, match=str(path)) as raised:
        grab_frame(path, None, 10)
    assert problem in str(raised.value)
