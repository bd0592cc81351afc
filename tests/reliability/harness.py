"""The crash harness: a child runs random writes, the parent SIGKILLs it at random moments, then checks.

After each kill the parent opens the library again (the "next open": recovery runs) while its own long-lived
connection, like the app's, stays open and writes too. It checks SQLite's integrity_check and the FTS5
integrity-check, that every acknowledged change is there (the one write in flight may or may not be), that
every copy-mode row has its file and every managed file a row, and that nothing is left in `media/.incoming`.

`run(rounds, folder)` returns the figures; `tests/reliability/run_harness.py` prints them for 500 rounds.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image

from mediacat.core.library import Library
from mediacat.core.tags import note_of, set_note, tags_of
from tests.media_fixtures import make_jpeg, make_png, make_wav
from tests.reliability.crash_child import ITEMS
from tests.reliability.invariants import REPO, file_problems, integrity_problems

APP_ITEM = "hirise-parachute-descent"  # written by the parent's own connection between rounds


@dataclass
class Figures:
    rounds: int = 0
    acknowledged: int = 0
    in_flight: Counter = field(default_factory=Counter)  # which write the kill interrupted
    left_by_kill: int = 0  # temporary files and download folders the kills left for the next open
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def report(self) -> str:
        flight = ", ".join(f"{op} {count}" for op, count in sorted(self.in_flight.items())) or "none"
        return (f"{self.rounds} rounds in {self.seconds:.1f} s: {self.acknowledged} acknowledged writes, kills "
                f"during: {flight}; {self.left_by_kill} temporary file(s) left by the kills, each finished or "
                "removed by the next open; "
                f"{len(self.problems)} problem(s)")


@dataclass
class State:
    notes: dict[str, str]
    tags: dict[str, set[str]]
    attachments: dict[int, dict[str, Any]]  # id -> {"item", "path", "mode"}
    kept: set[str] = field(default_factory=set)  # managed copies a detach without deletion left on purpose


def sources(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = [make_jpeg(folder / f"photo-{n}.jpg", size=(64 + n, 48)) for n in range(3)]
    files.append(make_png(folder / "picture.png", size=(40, 30)))
    files.append(make_wav(folder / "tone.wav", seconds=0.5))
    noise = folder / "noise.jpg"  # about 1 MB: its copy is a window a kill can land in
    Image.effect_noise((1200, 1200), 64).convert("RGB").save(noise, quality=95)
    files.append(noise)
    return files


def read_state(library: Library) -> State:
    notes = {item: note_of(library, item) for item in ITEMS}
    tags = {item: set(values) for item, values in tags_of(library, list(ITEMS)).items()}
    rows = library.store.execute("SELECT id, item_id, path, mode FROM attachments").fetchall()
    return State(notes, tags, {row[0]: {"item": row[1], "path": row[2], "mode": row[3]} for row in rows})


def _after(state: State, op: dict[str, Any]) -> None:
    """Apply one write to the expected state."""
    kind = op["op"]
    if kind == "note":
        state.notes[op["item"]] = op["note"]
    elif kind == "import":
        state.notes[op["item"]] = op["note"]
        state.tags[op["item"]] = set(op["tags"])
    elif kind == "tag":
        state.tags[op["item"]].add(op["tag"])
    elif kind == "untag":
        state.tags[op["item"]].discard(op["tag"])
    elif kind in ("detach", "detach-delete"):
        gone = state.attachments.pop(op["attachment_id"], None)
        if gone and gone["mode"] == "copy" and kind == "detach":
            state.kept.add(gone["path"])
    elif kind == "folder":  # an acknowledged folder import knows its ids
        for attachment_id, path in op.get("attachments", []):
            state.attachments[attachment_id] = {"item": op["item"], "path": path, "mode": "copy"}
    elif "attachment_id" in op:  # an acknowledged attach knows its id
        state.attachments[op["attachment_id"]] = {"item": op["item"], "path": op["path"],
                                                  "mode": "copy" if kind == "attach" else "link"}


def check_round(before: State, log: list[dict[str, Any]], actual: State) -> tuple[list[str], set[str]]:
    """Problems (acknowledged writes missing, or changes no write explains), and the managed copies that
    detaches without deletion may have left on purpose."""
    expected = State(dict(before.notes), {k: set(v) for k, v in before.tags.items()}, dict(before.attachments),
                     set(before.kept))
    acks = [entry["ack"] for entry in log if "ack" in entry]
    for op in acks:
        _after(expected, op)
    flight = log[-1]["start"] if log and "start" in log[-1] else None
    alternatives = [expected]
    if flight is not None:
        other = State(dict(expected.notes), {k: set(v) for k, v in expected.tags.items()},
                      dict(expected.attachments), set(expected.kept))
        _after(other, flight)
        alternatives.append(other)
    problems = []
    for item in ITEMS:
        if actual.notes[item] not in {s.notes[item] for s in alternatives}:
            problems.append(f"{item}: note {actual.notes[item]!r}, acknowledged {expected.notes[item]!r}")
        if actual.tags[item] not in [s.tags[item] for s in alternatives]:
            problems.append(f"{item}: tags {sorted(actual.tags[item])}, acknowledged {sorted(expected.tags[item])}")
    have, want = set(actual.attachments), set(expected.attachments)
    extra, lost = have - want, want - have
    if flight is not None and flight["op"] in ("attach", "link", "folder"):
        extra = {i for i in extra if not (actual.attachments[i]["item"] == flight["item"] and i > max(want, default=0))}
    if flight is not None and flight["op"].startswith("detach"):
        lost.discard(flight["attachment_id"])
    if extra or lost:
        problems.append(f"attachments: unexplained {sorted(extra)}, lost {sorted(lost)}")
    return problems, set().union(*(s.kept for s in alternatives))


def run(rounds: int, folder: Path, *, seed: int = 13, kill_after: tuple[float, float] = (0.3, 1.6)) -> Figures:
    rng = random.Random(seed)
    figures = Figures()
    library_dir = folder / "library"
    files = sources(folder / "sources")
    started = time.monotonic()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with Library.open(library_dir) as app:  # the app's connection: open through every round, writing too
        kept: set[str] = set()
        for number in range(rounds):
            set_note(app, APP_ITEM, f"app edit {number}")
            before = read_state(app)
            before.kept = kept
            log_path = folder / f"log-{number}.jsonl"
            child = subprocess.Popen(
                [sys.executable, "-m", "tests.reliability.crash_child", "random", str(library_dir), str(log_path),
                 str(rng.randrange(1 << 30)), *map(str, files)],
                cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            )
            time.sleep(rng.uniform(*kill_after))
            child.send_signal(signal.SIGKILL)
            _, stderr = child.communicate()
            if child.returncode != -signal.SIGKILL:
                figures.problems.append(f"round {number}: the child ended by itself: {stderr.decode()[-1500:]}")
            log = [json.loads(line) for line in log_path.read_text().splitlines()] if log_path.exists() else []
            figures.acknowledged += sum(1 for entry in log if "ack" in entry)
            if log and "start" in log[-1]:
                figures.in_flight[log[-1]["start"]["op"]] += 1
            incoming = library_dir / "media" / ".incoming"
            figures.left_by_kill += len(list(incoming.iterdir())) if incoming.is_dir() else 0
            with Library.open(library_dir, apply_seeds=False) as reopened:  # the next open (recovery ran)
                actual = read_state(reopened)
                problems, kept = check_round(before, log, actual)
                problems = integrity_problems(reopened) + problems + file_problems(reopened, kept=kept)
            figures.problems += [f"round {number}: {problem}" for problem in problems]
            figures.rounds += 1
            assert app.store.execute("SELECT notes FROM items WHERE id = ?", (APP_ITEM,)).fetchone()[0] == \
                f"app edit {number}"
    figures.seconds = time.monotonic() - started
    return figures
