"""Rebuild the README's screenshots, rendered offscreen with `mediacat gui --screenshot`.

    python3 docs/screenshots/make_screenshots.py [NAME.png ...]   (default: all of them)

Every picture in them is real: the grid is a new library, showing the catalog's built-in NASA files (seeds/media,
with their credit and what each is to its item) and type placeholders for the rest. The other views use a demo
library made from a new one with tags, a note and the user's own copy of one shipped NASA file attached (a
link, through the same core functions the app and the command line use); a second copy, moved away after
attaching, shows the red "missing" badge. No drawn stand-in is presented as a catalog picture.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from mediacat.core.attachment_upkeep import check_attachments  # noqa: E402
from mediacat.core.attachments import attach_file  # noqa: E402
from mediacat.core.library import Library  # noqa: E402
from mediacat.core.tags import add_tags, set_note  # noqa: E402

NEW = "new"  # a library just created from the shipped catalog
DEMO = "demo"  # the same with the user's tags, a note and attached copies
SHOTS = [
    ("grid.png", NEW, ["--view", "grid", "--select", "edl-parachute-uplook"]),
    ("table.png", DEMO, ["--view", "table", "--select", "edl-landing-video"]),
    ("item-sources.png", DEMO, ["--view", "grid", "--select", "navcam-panorama"]),
    ("article-reader.png", DEMO, ["--view", "reader", "--select", "skycrane-still"]),
    ("image-viewer.png", DEMO, ["--view", "viewer", "--select", "skycrane-still"]),
    ("reader-centred-quote.png", DEMO, ["--view", "reader", "--select", "edl-rover-uplook"]),
    ("no-items-match.png", DEMO, ["--view", "grid", "--filter", "media_type=image", "--filter", "kind=recording"]),
    # A new user's first start: the shipped catalog, nothing attached yet (the welcome above the catalog).
    ("first-start.png", NEW, ["--view", "grid"]),
    ("getting-started.png", NEW, ["--view", "getting-started"]),
    ("download-settings.png", NEW, ["--view", "download-settings"]),
    # the landing in time on a new library: the EDL events in order, the built-in pictures at their times
    ("timeline.png", NEW, ["--view", "timeline", "--select", "skycrane-still"]),
]


def build_demo_library(folder: Path) -> Path:
    """A new library with tags, a note, the user's own copy of the sky-crane still (the shipped NASA file)
    attached, and a copy of the first colour Hazcam image attached and then moved away (`check`: missing)."""
    files = folder / "files"
    files.mkdir(parents=True)
    library_dir = folder / "library"
    with Library.open(library_dir) as library:
        own = {media.item_id: Path(media.path) for media in library.builtin_media_of()}
        for item_id in ("skycrane-still", "hazcam-first-color-forward"):
            copy = files / own[item_id].name.split("__", 1)[1]
            shutil.copyfile(own[item_id], copy)
            attach_file(library, item_id, copy, mode="link")
        (files / own["hazcam-first-color-forward"].name.split("__", 1)[1]).unlink()
        check_attachments(library)
        add_tags(library, ["skycrane-still", "hirise-parachute-descent", "edl-landing-video"], ["descent"])
        add_tags(library, ["skycrane-still", "navcam-panorama", "hazcam-first-color-forward"], ["wallpaper"])
        add_tags(library, ["mars-wind-audio-filtered"], ["sound"])
        set_note(library, "skycrane-still", "Print at A3 for the outreach table; credit NASA/JPL-Caltech.")
    return library_dir


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="mediacat-demo-") as temp:
        libraries = {NEW: Path(temp) / "new-library", DEMO: build_demo_library(Path(temp) / "demo")}
        env = dict(os.environ, MEDIACAT_CONFIG_DIR=str(Path(temp) / "config"),
                   MEDIACAT_CACHE_DIR=str(Path(temp) / "cache"), PYTHONPATH=str(ROOT))
        wanted = set(sys.argv[1:])
        for name, which, args in SHOTS:
            if wanted and name not in wanted:
                continue
            command = [sys.executable, "-m", "mediacat", "--library", str(libraries[which]), "gui",
                       "--screenshot", str(OUT / name), *args]
            subprocess.run(command, check=True, env=env)
            print(OUT / name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
