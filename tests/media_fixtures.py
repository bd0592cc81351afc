"""Real media files made by the tests: JPEG/PNG (with EXIF) via Pillow, WAV via `wave`, MP3/MP4 via ffmpeg."""

from __future__ import annotations

import math
import shutil
import struct
import subprocess
import wave
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

EXIF_DATETIME_ORIGINAL = 0x9003
EXIF_IFD = 0x8769
EXIF_MAKE = 0x010F
EXIF_MODEL = 0x0110
EXIF_ORIENTATION = 0x0112


def make_jpeg(
    path: Path,
    size: tuple[int, int] = (640, 480),
    *,
    taken: str | None = "2021:02:18 20:44:00",
    make: str | None = "NASA/JPL",
    model: str | None = "DDC",
    orientation: int | None = None,
    quality: int = 85,
) -> Path:
    """A JPEG with a gradient and shapes (so it is not uniform) and optional EXIF date, camera, orientation."""
    image = _picture(size)
    exif = Image.Exif()
    if make:
        exif[EXIF_MAKE] = make
    if model:
        exif[EXIF_MODEL] = model
    if orientation:
        exif[EXIF_ORIENTATION] = orientation
    if taken:
        exif.get_ifd(EXIF_IFD)[EXIF_DATETIME_ORIGINAL] = taken
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "JPEG", quality=quality, exif=exif.tobytes())
    return path


def make_png(path: Path, size: tuple[int, int] = (320, 240)) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    _picture(size).save(path, "PNG")
    return path


def _picture(size: tuple[int, int]) -> Image.Image:
    """A red left half and a blue right half (so a rotation is visible), with a white square top left."""
    width, height = size
    image = Image.new("RGB", size, (0, 0, 255))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width // 2, height), fill=(255, 0, 0))
    draw.rectangle((0, 0, width // 8, height // 8), fill=(255, 255, 255))
    return image


def make_wav(path: Path, seconds: float = 1.0, *, frequency: float = 440.0, rate: int = 8000,
             channels: int = 1, silence: float = 0.0) -> Path:
    """A 16-bit PCM sine tone at about half amplitude, followed by `silence` seconds of silence."""
    frames = int(seconds * rate)
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(rate)
        samples = bytearray()
        for index in range(frames):
            value = int(16000 * math.sin(2 * math.pi * frequency * index / rate))
            samples += struct.pack("<h", value) * channels
        samples += bytes(2 * channels * int(silence * rate))
        out.writeframes(bytes(samples))
    return path


def require_ffmpeg() -> str:
    found = shutil.which("ffmpeg")
    if not found:
        pytest.skip("ffmpeg is not installed (packaging/debian-deps.sh --test installs it)")
    return found


def make_mp3(path: Path, seconds: float = 2.0, *, frequency: float = 440.0, rate: int = 44100) -> Path:
    ffmpeg = require_ffmpeg()
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [ffmpeg, "-v", "error", "-y", "-f", "lavfi", "-i", f"sine=frequency={frequency}:duration={seconds}",
         "-ar", str(rate), "-ac", "2", "-b:a", "128k", str(path)],
        check=True,
    )
    return path


def make_mp4(path: Path, seconds: float = 2.0, *, size: str = "320x240", with_audio: bool = True) -> Path:
    """An H.264 MP4 of ffmpeg's moving test pattern (with an AAC tone when with_audio)."""
    ffmpeg = require_ffmpeg()
    path.parent.mkdir(parents=True, exist_ok=True)
    command = [ffmpeg, "-v", "error", "-y", "-f", "lavfi", "-i", f"testsrc=duration={seconds}:size={size}:rate=25"]
    if with_audio:
        command += ["-f", "lavfi", "-i", f"sine=frequency=330:duration={seconds}", "-c:a", "aac", "-shortest"]
    command += ["-c:v", "libx264", "-pix_fmt", "yuv420p", "-movflags", "+faststart", str(path)]
    subprocess.run(command, check=True)
    return path


def truncate(source: Path, target: Path, keep_fraction: float = 0.5) -> Path:
    """A copy of `source` cut short (a truncated download or a broken copy)."""
    data = source.read_bytes()
    target.write_bytes(data[: max(1, int(len(data) * keep_fraction))])
    return target


def corrupt_mp3(path: Path) -> Path:
    """Bytes that start like an MP3 (ID3 header) but hold no decodable audio frames."""
    path.write_bytes(b"ID3\x03\x00\x00\x00\x00\x00\x0f" + b"\x00" * 15 + bytes(range(256)) * 8)
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
