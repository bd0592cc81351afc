"""Media files made by the tests: JPEG with EXIF orientation, PNG panorama, WAV (stdlib), MP3 and MP4 (ffmpeg)."""

from __future__ import annotations

import math
import shutil
import struct
import subprocess
import wave
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

EXIF_ORIENTATION = 0x0112


def make_jpeg(path: Path, size: tuple[int, int] = (640, 480), *, orientation: int | None = None) -> Path:
    """A JPEG with a red left half and a blue right half (so rotation is visible); EXIF orientation if given."""
    image = Image.new("RGB", size, (0, 0, 255))
    ImageDraw.Draw(image).rectangle((0, 0, size[0] // 2, size[1]), fill=(255, 0, 0))
    exif = Image.Exif()
    if orientation is not None:
        exif[EXIF_ORIENTATION] = orientation
    image.save(path, "JPEG", quality=90, exif=exif.tobytes())
    return path


def make_png(path: Path, size: tuple[int, int]) -> Path:
    """A PNG with a horizontal gradient (a panorama at 12000x2000)."""
    gradient = Image.linear_gradient("L").rotate(90).resize(size)
    Image.merge("RGB", (gradient, gradient.transpose(Image.Transpose.FLIP_LEFT_RIGHT), gradient)).save(path)
    return path


def make_wav(
    path: Path, seconds: float = 2.0, *, frequency: float = 440.0, rate: int = 8000, silence: float = 0.0
) -> Path:
    """A 16-bit mono sine at half amplitude, followed by `silence` seconds of silence."""
    frames = int(seconds * rate)
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        step = 2 * math.pi * frequency / rate
        writer.writeframes(b"".join(struct.pack("<h", int(16000 * math.sin(step * i))) for i in range(frames)))
        writer.writeframes(bytes(2 * int(silence * rate)))
    return path


def _ffmpeg(*args: str) -> None:
    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg is not installed (CI installs it)")
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y", *args], check=True, timeout=60)


def make_mp3(path: Path, seconds: float = 2.0) -> Path:
    _ffmpeg("-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}", "-c:a", "libmp3lame", str(path))
    return path


def make_mp4(path: Path, seconds: float = 3.0) -> Path:
    """An H.264 test pattern with a sine sound track."""
    _ffmpeg(
        "-f", "lavfi", "-i", f"testsrc=duration={seconds}:size=320x240:rate=25",
        "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
        "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", str(path),
    )  # fmt: skip
    return path


def make_garbage(path: Path, size: int = 4096) -> Path:
    """Bytes no media library recognises (fixed pseudo-random, no magic number)."""
    import random

    path.write_bytes(random.Random(7).randbytes(size))
    return path


def make_corrupt_jpeg(path: Path) -> Path:
    """A JPEG header followed by garbage."""
    path.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 8)
    return path


@pytest.fixture
def no_multimedia(monkeypatch: pytest.MonkeyPatch):
    """Simulate a machine without working Qt Multimedia (MEDIACAT_NO_MULTIMEDIA=1); use with usefixtures."""
    from mediacat.qtmedia import multimedia_status

    monkeypatch.setenv("MEDIACAT_NO_MULTIMEDIA", "1")
    multimedia_status.cache_clear()
    yield
    monkeypatch.delenv("MEDIACAT_NO_MULTIMEDIA")
    multimedia_status.cache_clear()
