"""Sniffing by bytes and probing real files: image EXIF facts, audio facts, and every kind of bad media."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest

from mediacat.core.probe import MediaProbeError, UnsupportedMedia, probe_file, sniff, sniff_bytes
from tests.media_fixtures import corrupt_mp3, make_jpeg, make_mp3, make_png, make_wav, truncate


def make_bomb_png(path: Path, width: int = 20000, height: int = 20000) -> Path:
    """A tiny PNG whose header claims width x height pixels (over Pillow's decompression-bomb limit)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = chunk(b"IDAT", zlib.compress(b"\x00" * 64))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + pixels + chunk(b"IEND", b""))
    return path


def test_jpeg_facts_include_exif_date_camera_and_orientation(tmp_path: Path) -> None:
    path = make_jpeg(tmp_path / "sky crane.jpg", (640, 480), orientation=6)
    facts = probe_file(path)
    assert (facts.mime, facts.media_type) == ("image/jpeg", "image")
    assert (facts.width, facts.height) == (640, 480)
    assert facts.facts["format"] == "JPEG"
    assert facts.facts["exif_date"] == "2021-02-18T20:44:00"
    assert facts.facts["camera"] == "NASA/JPL DDC"
    assert facts.facts["orientation"] == 6
    assert facts.warnings == []


def test_png_facts(tmp_path: Path) -> None:
    facts = probe_file(make_png(tmp_path / "frame.png", (320, 240)))
    assert (facts.mime, facts.width, facts.height, facts.facts["format"]) == ("image/png", 320, 240, "PNG")


def test_wav_facts(tmp_path: Path) -> None:
    facts = probe_file(make_wav(tmp_path / "wind.wav", 1.5, rate=8000, channels=2))
    assert (facts.mime, facts.media_type) == ("audio/wav", "audio")
    assert facts.duration == pytest.approx(1.5, abs=0.01)
    assert facts.facts["sample_rate"] == 8000
    assert facts.facts["channels"] == 2


def test_mp3_facts(tmp_path: Path) -> None:
    facts = probe_file(make_mp3(tmp_path / "wind.mp3", 2.0, rate=44100))
    assert (facts.mime, facts.media_type) == ("audio/mpeg", "audio")
    assert facts.duration == pytest.approx(2.0, abs=0.1)
    assert facts.facts["sample_rate"] == 44100
    assert facts.facts["channels"] == 2
    assert facts.facts["bitrate_kbps"] == pytest.approx(128, abs=2)


def test_type_comes_from_the_bytes_not_the_extension(tmp_path: Path) -> None:
    png_named_jpg = make_png(tmp_path / "really-a-png.jpg")
    assert sniff(png_named_jpg) == ("image/png", "image")
    wav_named_mp4 = make_wav(tmp_path / "sound.mp4")
    assert sniff(wav_named_mp4) == ("audio/wav", "audio")


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"GIF89a" + b"\x00" * 10, "image/gif"),
        (b"II*\x00" + b"\x00" * 10, "image/tiff"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"BM\x00\x00\x00\x00\x00\x00\x00\x00" + b"\x00" * 20, "image/bmp"),
        (b"fLaC\x00\x00\x00\x22", "audio/flac"),
        (b"OggS\x00\x02" + b"\x00" * 30, "audio/ogg"),
        (b"FORM\x00\x00\x00\x00AIFF", "audio/aiff"),
        (b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00", "audio/mp4"),
        (b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00", "video/mp4"),
        (b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00", "video/quicktime"),
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm", "video/webm"),
        (b"RIFF\x00\x00\x00\x00AVI LIST", "video/x-msvideo"),
        (b"\xff\xfb\x90\x64" + b"\x00" * 10, "audio/mpeg"),
        (b"\xff\xf1\x50\x80" + b"\x00" * 10, "audio/aac"),
    ],
)
def test_sniff_recognises_each_known_format(head: bytes, expected: str) -> None:
    found = sniff_bytes(head)
    assert found is not None and found[0] == expected


def test_zero_byte_file_is_refused_by_name(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    with pytest.raises(UnsupportedMedia, match=r"empty\.jpg: the file is empty"):
        probe_file(empty)


def test_text_file_named_jpg_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "notes.jpg"
    fake.write_text("These are my notes about the landing.\n", encoding="utf-8")
    with pytest.raises(UnsupportedMedia, match=r"notes\.jpg: not a media file .*starts with text"):
        probe_file(fake)


def test_truncated_jpeg_is_detected(tmp_path: Path) -> None:
    whole = make_jpeg(tmp_path / "whole.jpg", (800, 600))
    cut = truncate(whole, tmp_path / "cut.jpg", 0.5)
    with pytest.raises(MediaProbeError, match=r"cut\.jpg: .*truncated"):
        probe_file(cut)


def test_corrupt_mp3_is_detected(tmp_path: Path) -> None:
    with pytest.raises(MediaProbeError, match=r"bad\.mp3: corrupt MP3"):
        probe_file(corrupt_mp3(tmp_path / "bad.mp3"))


def test_mp3_with_scrambled_frames_is_detected(tmp_path: Path) -> None:
    good = make_mp3(tmp_path / "good.mp3", 2.0).read_bytes()
    header_end = good.index(b"\xff\xfb") if b"\xff\xfb" in good else 40
    scrambled = bytearray(good[: header_end + 4])  # the tag and one frame header survive ...
    scrambled += bytes((index * 37) % 251 for index in range(len(good) - len(scrambled)))  # ... the rest is noise
    path = tmp_path / "scrambled.mp3"
    path.write_bytes(bytes(scrambled))
    with pytest.raises(MediaProbeError, match=r"scrambled\.mp3: corrupt MP3"):
        probe_file(path)


def test_image_over_the_decompression_bomb_limit_is_refused(tmp_path: Path) -> None:
    with pytest.raises(MediaProbeError, match=r"bomb\.png: image too large to open safely"):
        probe_file(make_bomb_png(tmp_path / "bomb.png"))


def test_unknown_bytes_are_named(tmp_path: Path) -> None:
    path = tmp_path / "blob.bin"
    path.write_bytes(bytes(range(200, 256)) * 3)
    with pytest.raises(UnsupportedMedia, match=r"blob\.bin: not a media file MediaCat knows \(unknown bytes c8 c9"):
        sniff(path)


def test_video_without_a_prober_keeps_its_type_and_warns(tmp_path: Path) -> None:
    path = tmp_path / "clip.mp4"
    boxes = b"\x00\x00\x00\x10ftypisom\x00\x00\x02\x00" + b"\x00\x00\x00\x08moov" + b"\x00\x00\x00\x10mdat" + bytes(8)
    path.write_bytes(boxes)  # a complete (if empty) box structure: ftyp, moov, mdat
    facts = probe_file(path)
    assert (facts.mime, facts.media_type, facts.duration) == ("video/mp4", "video", None)
    assert "video facts not read" in facts.warnings[0]
