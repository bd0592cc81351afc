"""`mediacat gui --screenshot`: a PNG of the window, the reader or the viewer, from the real command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from mediacat.gui.app import READER_SCREENSHOT_SIZE, SCREENSHOT_SIZE, VIEWER_SCREENSHOT_SIZE

ROOT = Path(__file__).resolve().parents[2]


def run_mediacat(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)  # the command chooses offscreen itself when there is no display
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run([sys.executable, "-m", "mediacat", *args], capture_output=True, text=True, env=env,
                          timeout=120, check=False)


@pytest.mark.parametrize(
    ("view", "size"),
    [("grid", SCREENSHOT_SIZE), ("table", SCREENSHOT_SIZE), ("reader", READER_SCREENSHOT_SIZE),
     ("viewer", VIEWER_SCREENSHOT_SIZE)],
)
def test_screenshot_writes_a_png_of_the_right_size(tmp_path, view, size):
    path = tmp_path / "shots" / f"{view}.png"
    result = run_mediacat("gui", "--screenshot", str(path), "--select", "skycrane-still", "--view", view)
    assert result.returncode == 0, result.stderr
    image = QImage(str(path))
    assert not image.isNull()
    assert (image.width(), image.height()) == size
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # Not blank: a real rendering has many different colours.
    colours = {image.pixel(x, y) for x in range(0, image.width(), 37) for y in range(0, image.height(), 23)}
    assert len(colours) > 5


def test_screenshot_of_an_unknown_item_is_an_error(tmp_path):
    path = tmp_path / "x.png"
    result = run_mediacat("gui", "--screenshot", str(path), "--select", "no-such-item")
    assert result.returncode == 2
    assert "no-such-item" in result.stderr and result.stderr.startswith("mediacat: error:")
    assert not path.exists()


def test_screenshot_of_an_unusable_library_is_an_error(tmp_path):
    library = tmp_path / "not-a-library"
    library.mkdir()
    (library / "mediacat.sqlite3").write_text("hello")
    result = run_mediacat("--library", str(library), "gui", "--screenshot", str(tmp_path / "x.png"))
    assert result.returncode == 2
    assert "not a MediaCat library" in result.stderr
    assert (library / "mediacat.sqlite3").read_text() == "hello"


def test_screenshot_leaves_the_remembered_layout_alone(tmp_path):
    config = Path(os.environ["MEDIACAT_CONFIG_DIR"])
    config.mkdir(parents=True, exist_ok=True)
    remembered = config / "mediacat.ini"
    remembered.write_text("[view]\nmode=table\n")
    result = run_mediacat("gui", "--screenshot", str(tmp_path / "x.png"), "--view", "grid")
    assert result.returncode == 0, result.stderr
    assert remembered.read_text() == "[view]\nmode=table\n"
    assert sorted(path.name for path in config.iterdir()) == ["mediacat.ini"]


def test_screenshot_of_getting_started_and_of_an_empty_filter_result(tmp_path):
    """Issue 16's screenshots come from the real command: the Getting Started page, and --filter values that
    leave nothing (the "No items match" panel)."""
    help_path = tmp_path / "help.png"
    result = run_mediacat("gui", "--screenshot", str(help_path), "--view", "getting-started")
    assert result.returncode == 0, result.stderr
    assert not QImage(str(help_path)).isNull()
    empty = tmp_path / "empty.png"
    result = run_mediacat("gui", "--screenshot", str(empty), "--filter", "media_type=image",
                          "--filter", "kind=recording")
    assert result.returncode == 0, result.stderr
    image = QImage(str(empty))
    assert (image.width(), image.height()) == SCREENSHOT_SIZE
    settings_path = tmp_path / "settings.png"  # the Download Settings dialog, filled from the library
    result = run_mediacat("gui", "--screenshot", str(settings_path), "--view", "download-settings")
    assert result.returncode == 0, result.stderr
    dialog = QImage(str(settings_path))
    assert not dialog.isNull() and 0 < dialog.width() < SCREENSHOT_SIZE[0]  # the dialog, not the window
    result = run_mediacat("gui", "--screenshot", str(tmp_path / "x.png"), "--filter", "colour=red")
    assert result.returncode == 2 and "--filter colour=red" in result.stderr
