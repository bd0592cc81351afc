"""What one image may cost is bounded (issue 13.3): the issue's 680 KB PNG of 13375x13375 RGBA (just under
Pillow's bomb limit) took 712 MB to attach and 4.3 GB to thumbnail. Measured in a child process's peak RSS."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from mediacat.core.probe import MAX_DECODE_PIXELS, probe_file
from mediacat.core.thumbnails import ThumbnailError, image_thumbnail
from tests.media_fixtures import make_jpeg

REPO = Path(__file__).resolve().parents[2]
SIDE = 13375


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


@pytest.fixture(scope="module")
def huge_png(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real, valid PNG of SIDE x SIDE transparent RGBA pixels, written without decoding it (~3 MB)."""
    row = b"\x00" + bytes(SIDE * 4)
    compressor = zlib.compressobj(1)
    full, rest = divmod(SIDE, 256)
    data = b"".join([compressor.compress(row * 256) for _ in range(full)] + [compressor.compress(row * rest),
                                                                             compressor.flush()])
    path = tmp_path_factory.mktemp("huge") / "huge.png"
    header = struct.pack(">IIBBBBB", SIDE, SIDE, 8, 6, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", data) + _chunk(b"IEND", b""))
    return path


# Peak memory is the child's own VmHWM (the high-water mark of its address space since exec): getrusage's
# ru_maxrss would also count the parent's resident size at the spawn (Linux keeps it across execve), which
# made the figure grow with the test process late in a full run.
CHILD = """
import json, sys
from mediacat.core.probe import probe_file
from mediacat.core.thumbnails import ThumbnailError, image_thumbnail
facts = probe_file(sys.argv[1])
try:
    image_thumbnail(sys.argv[1], 256)
    thumbnail = "made"
except ThumbnailError as error:
    thumbnail = str(error)
print(json.dumps({"warnings": facts.warnings, "width": facts.width, "thumbnail": thumbnail,
                  "peak_mb": next(int(line.split()[1]) for line in open("/proc/self/status")
                                  if line.startswith("VmHWM:")) / 1024}))
"""


def test_probing_and_thumbnailing_a_huge_png_stay_small(huge_png: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    child = subprocess.run([sys.executable, "-c", CHILD, str(huge_png)], env=env, cwd=REPO, capture_output=True,
                           text=True, timeout=120)
    assert child.returncode == 0, child.stderr
    result = json.loads(child.stdout)
    assert result["width"] == SIDE
    assert "pixels were not decoded" in result["warnings"][0]
    assert "cannot make a thumbnail" in result["thumbnail"] and "179 MP" in result["thumbnail"]
    assert result["peak_mb"] < 200, f"peak {result['peak_mb']:.0f} MB (a full decode is 716 MB)"


def test_a_large_jpeg_is_thumbnailed_by_reduced_decoding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    photo = make_jpeg(tmp_path / "wide.jpg", size=(4000, 1000))  # 4 MP; with the limit at 1 MP:
    monkeypatch.setattr("mediacat.core.thumbnails.MAX_DECODE_PIXELS", 1_000_000)
    monkeypatch.setattr("mediacat.core.probe.MAX_DECODE_PIXELS", 1_000_000)
    assert image_thumbnail(photo, 256).size == (256, 64)  # draft decodes it at 1/4 or 1/8 scale
    assert probe_file(photo).warnings == []  # the JPEG check decodes at 1/8 scale: 62,500 pixels
    assert MAX_DECODE_PIXELS == 64_000_000


def test_an_image_over_the_limit_is_refused_for_a_thumbnail_with_a_message(huge_png: Path) -> None:
    with pytest.raises(ThumbnailError, match=r"huge\.png: 13375x13375 is 179 MP, more than the 64 MP"):
        image_thumbnail(huge_png, 128)
