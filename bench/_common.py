"""Shared by the benchmarks: timing, reporting ratios against a floor, and a library scaled to many items."""

from __future__ import annotations

import gc
import json
import os
import platform
import random
import re
import sqlite3
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))  # `python bench/bench_x.py` from a source checkout

from mediacat.core.library import Library  # noqa: E402
from mediacat.paths import seeds_dir  # noqa: E402

SEED = 2021_02_18
TAG_COUNT = 200
CAMERAS = (
    "Navcam", "Front Hazcam", "Rear Hazcam", "Mastcam-Z", "SuperCam RMI", "WATSON", "CacheCam",
    "Descent Stage Down-Look Camera (DDC)", "Rover Up-Look Camera (RUC)", "Rover Down-Look Camera (RDC)",
    "Parachute Up-Look Camera", "HiRISE", "EDL microphone", "SuperCam microphone", None,
)  # fmt: skip
KINDS_BY_TYPE = {
    "image": ("still", "still", "still", "panorama", "diagram", "gallery"),
    "video": ("clip", "clip", "referenced"),
    "audio": ("recording",),
}

T = TypeVar("T")


def best_of(action: Callable[[], object], repeat: int = 7) -> float:
    """The fastest of `repeat` runs, in seconds (the least disturbed by the other work on the machine)."""
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def best_of_fresh(make: Callable[[], T], action: Callable[[T], object], repeat: int = 5) -> float:
    """`best_of` for an action that needs fresh state each run (an empty cache, a new library): `make()` runs
    before each timed run, outside the time, and its result is passed to `action`."""
    times = []
    for _ in range(repeat):
        state = make()
        times.append(best_of(lambda state=state: action(state), repeat=1))
    return min(times)


@dataclass
class Result:
    name: str
    seconds: float
    floor_name: str
    floor_seconds: float

    @property
    def ratio(self) -> float:
        return self.seconds / self.floor_seconds if self.floor_seconds else float("inf")


def print_results(title: str, results: list[Result]) -> None:
    print(f"\n{title}")
    name_width = max(len(result.name) for result in results)
    floor_width = max(len(result.floor_name) for result in results)
    print(f"{'measured':{name_width}}  {'ms':>9}  {'floor':{floor_width}}  {'floor ms':>9}  {'ratio':>7}")
    for result in results:
        print(f"{result.name:{name_width}}  {result.seconds * 1000:9.2f}  {result.floor_name:{floor_width}}  "
              f"{result.floor_seconds * 1000:9.2f}  {result.ratio:7.2f}")


def machine_line() -> str:
    return (f"python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, {os.cpu_count()} CPUs, "
            f"{platform.machine()} {platform.system()}")


def _article_words_and_sentences(seeds: Path) -> tuple[Counter[str], list[str]]:
    catalog = json.loads((seeds / "catalog.json").read_text(encoding="utf-8"))
    words: Counter[str] = Counter()
    sentences: list[str] = []
    for article in catalog["articles"]:
        text = (seeds / article["file"]).read_text(encoding="utf-8")
        words.update(word.lower() for word in re.findall(r"[A-Za-z]{3,}", text))
        sentences += [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if 40 <= len(s.strip()) <= 300]
    return words, sentences


def build_scaled_library(folder: Path, item_count: int) -> Library:
    """The shipped catalog plus `item_count` generated items with tags and source links, written with SQL.

    The text is drawn from the shipped articles' own words (with their frequencies), so searches match
    about as selectively as they would in a real catalog. Children (tags, links) are inserted before their
    item with foreign keys deferred, so the full-text triggers index each item once, when it arrives.
    """
    library = Library.open(folder, seeds=seeds_dir())
    words, sentences = _article_words_and_sentences(seeds_dir())
    vocabulary, weights = list(words), list(words.values())
    phases = [phase.id for phase in library.mission_phases()] + [None]
    article_ids = [article.id for article in library.articles()]
    rng = random.Random(SEED)

    def text(count: int) -> str:
        return " ".join(rng.choices(vocabulary, weights, k=count))

    with library.store.transaction() as conn:
        conn.execute("PRAGMA defer_foreign_keys = ON")
        conn.executemany("INSERT OR IGNORE INTO tags(name) VALUES (?)", [(f"tag-{n:03d}",) for n in range(TAG_COUNT)])
        tag_ids = [row[0] for row in conn.execute("SELECT id FROM tags WHERE name LIKE 'tag-%' ORDER BY name")]
        for number in range(item_count):
            item_id = f"bench-{number:06d}"
            media_type = rng.choices(("image", "video", "audio"), (70, 20, 10))[0]
            tags = rng.sample(tag_ids, rng.choice((0, 1, 1, 2, 3)))
            conn.executemany("INSERT INTO item_tags(item_id, tag_id) VALUES (?, ?)", [(item_id, t) for t in tags])
            conn.executemany(
                "INSERT INTO source_links(item_id, position, article_id, quote) VALUES (?, ?, ?, ?)",
                [(item_id, position, rng.choice(article_ids), rng.choice(sentences))
                 for position in range(rng.choice((1, 1, 2)))],
            )
            conn.execute(
                "INSERT INTO items(id, title, media_type, kind, camera, date_taken, mission_phase, credit, "
                "description, notes, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'user')",
                (
                    item_id,
                    text(rng.randint(3, 8)).capitalize(),
                    media_type,
                    rng.choice(KINDS_BY_TYPE[media_type]),
                    rng.choice(CAMERAS),
                    f"2021-{rng.randint(2, 12):02d}-{rng.randint(1, 28):02d}",
                    rng.choice(phases),
                    rng.choice(("NASA/JPL-Caltech", "NASA/JPL-Caltech/ASU", "NASA/JPL-Caltech/MSSS", None)),
                    text(rng.randint(15, 45)),
                    text(rng.randint(3, 10)) if rng.random() < 0.1 else "",
                ),
            )
    return library
