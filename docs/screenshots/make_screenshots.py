"""Rebuild the README's screenshots: a demo library (the shipped catalog plus generated media files linked
to a few items), rendered offscreen with `mediacat gui --screenshot`.

    python3 docs/screenshots/make_screenshots.py [NAME.png ...]   (default: all of them)

The media files are drawn here (Pillow, the stdlib `wave`); they stand in for the NASA files, which are not
shipped. They are attached as links with the same core functions the app and the command line use.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
import tempfile
import wave
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from mediacat.core.attachment_upkeep import check_attachments  # noqa: E402
from mediacat.core.attachments import attach_file  # noqa: E402
from mediacat.core.library import Library  # noqa: E402
from mediacat.core.tags import add_tags, set_note  # noqa: E402

SHOTS = [
    ("grid.png", ["--view", "grid", "--select", "skycrane-still"]),
    ("table.png", ["--view", "table", "--select", "edl-landing-video"]),
    ("item-sources.png", ["--view", "grid", "--select", "navcam-panorama"]),
    ("article-reader.png", ["--view", "reader", "--select", "skycrane-still"]),
    ("image-viewer.png", ["--view", "viewer", "--select", "skycrane-still"]),
    ("timeline.png", ["--view", "timeline", "--select", "skycrane-still"]),
]


def mars_scene(path: Path, width: int, height: int, seed: int) -> None:
    """A stand-in picture: a dusty sky, a horizon, rocks and a rover-like silhouette."""
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    horizon = int(height * 0.45)
    for y in range(height):
        if y < horizon:
            t = y / horizon
            colour = (int(200 + 30 * t), int(150 + 30 * t), int(110 + 20 * t))
        else:
            t = (y - horizon) / (height - horizon)
            colour = (int(170 - 60 * t), int(90 - 40 * t), int(50 - 25 * t))
        draw.line([(0, y), (width, y)], fill=colour)
    for n in range(60):
        x = (n * 7919 * seed) % width
        y = horizon + ((n * 104729) % (height - horizon))
        r = 3 + (n * 31) % 14
        draw.ellipse([x - r, y - r * 0.6, x + r, y + r * 0.6], fill=(90, 50, 30))
    cx, cy = width // 2, int(height * 0.62)
    s = height / 8
    draw.rectangle([cx - 1.6 * s, cy - 0.7 * s, cx + 1.6 * s, cy + 0.1 * s], fill=(225, 225, 220))
    draw.rectangle([cx + 0.9 * s, cy - 2.2 * s, cx + 1.1 * s, cy - 0.7 * s], fill=(210, 210, 205))
    draw.rectangle([cx + 0.6 * s, cy - 2.5 * s, cx + 1.4 * s, cy - 2.1 * s], fill=(200, 200, 195))
    for wx in (-1.3, 0, 1.3):
        draw.ellipse([cx + (wx - 0.35) * s, cy + 0.0 * s, cx + (wx + 0.35) * s, cy + 0.7 * s], fill=(40, 40, 40))
    image.save(path, "JPEG", quality=90)


def wind_recording(path: Path, seconds: float = 4.0, rate: int = 22050) -> None:
    frames = bytearray()
    for n in range(int(seconds * rate)):
        t = n / rate
        gust = 0.5 + 0.5 * math.sin(2 * math.pi * 0.4 * t)
        value = gust * (math.sin(2 * math.pi * 90 * t) * 0.3 + math.sin(2 * math.pi * 37 * t * (1 + t)) * 0.2)
        frames += int(max(-1, min(1, value)) * 32767).to_bytes(2, "little", signed=True)
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(rate)
        handle.writeframes(bytes(frames))


def build_demo_library(folder: Path) -> Path:
    """The shipped catalog with a few generated files attached (as links, through the core), tags and a note."""
    media = folder / "files"
    media.mkdir(parents=True)
    library_dir = folder / "library"
    mars_scene(media / "skycrane.jpg", 1600, 1000, 3)
    mars_scene(media / "navcam-panorama.jpg", 3600, 700, 5)
    mars_scene(media / "hazcam.jpg", 1280, 960, 7)
    mars_scene(media / "hirise.jpg", 1024, 768, 11)
    wind_recording(media / "wind.wav")
    with Library.open(library_dir) as library:
        for item_id, name in [("skycrane-still", "skycrane.jpg"), ("navcam-panorama", "navcam-panorama.jpg"),
                              ("hazcam-first-color-forward", "hazcam.jpg"), ("hirise-parachute-descent", "hirise.jpg"),
                              ("mars-wind-audio-filtered", "wind.wav")]:
            attach_file(library, item_id, media / name, mode="link")
        # A file that was moved away after attaching: `check` marks it missing; the grid shows a red badge.
        (media / "hirise.jpg").unlink()
        check_attachments(library)
        add_tags(library, ["skycrane-still", "hirise-parachute-descent", "edl-landing-video"], ["descent"])
        add_tags(library, ["skycrane-still", "navcam-panorama", "hazcam-first-color-forward"], ["wallpaper"])
        add_tags(library, ["mars-wind-audio-filtered"], ["sound"])
        set_note(library, "skycrane-still", "Print at A3 for the outreach table; credit NASA/JPL-Caltech.")
    return library_dir


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="mediacat-demo-") as temp:
        library_dir = build_demo_library(Path(temp))
        env = dict(os.environ, MEDIACAT_CONFIG_DIR=str(Path(temp) / "config"),
                   MEDIACAT_CACHE_DIR=str(Path(temp) / "cache"), PYTHONPATH=str(ROOT))
        wanted = set(sys.argv[1:])
        for name, args in SHOTS:
            if wanted and name not in wanted:
                continue
            command = [sys.executable, "-m", "mediacat", "--library", str(library_dir), "gui",
                       "--screenshot", str(OUT / name), *args]
            subprocess.run(command, check=True, env=env)
            print(OUT / name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
