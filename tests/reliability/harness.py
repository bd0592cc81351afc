"""The crash harness: a child runs random writes, the parent SIGKILLs it at random moments, then checks.

Rounds alternate: in one the child is a process writing through the core (`crash_child`); in the next the
kills hit real `mediacat` CLI processes (`cli_rounds`: note, tag, attach, detach, import-csv, fetch-media
from a local server) while the app's connections write and read at the same time. After each kill the
parent opens the library again (the "next open": recovery runs) while its own long-lived
connection, like the app's, stays open and writes too. It checks SQLite's integrity_check and the FTS5
integrity-check, that every acknowledged change is there (the one write in flight may or may not be), that
every copy-mode row has its file and every managed file a row, and that nothing is left in `media/.incoming`
but partial downloads kept to resume.

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
from tests.http_server import MediaServer
from tests.media_fixtures import make_jpeg, make_png, make_wav
from tests.reliability import cli_rounds
from tests.reliability.crash_child import ITEMS
from tests.reliability.invariants import REPO, file_problems, integrity_problems, resumable_downloads

APP_ITEM = "hirise-parachute-descent"  # written by the parent's own connection between rounds


@dataclass
class Figures:
    rounds: int = 0
    cli_rounds: int = 0  # rounds whose kills hit `mediacat` CLI processes
    acknowledged: int = 0
    cli_acknowledged: Counter = field(default_factory=Counter)  # CLI commands that finished, by write
    in_flight: Counter = field(default_factory=Counter)  # which write the kill interrupted ("cli ..." for a command)
    left_by_kill: int = 0  # temporary files and download folders the kills left for the next open
    kept_to_resume: int = 0  # rounds after which a killed fetch-media left a partial download to resume
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def report(self) -> str:
        flight = ", ".join(f"{op} {count}" for op, count in sorted(self.in_flight.items())) or "none"
        commands = ", ".join(f"{op} {count}" for op, count in sorted(self.cli_acknowledged.items())) or "none"
        by_cli = sum(self.cli_acknowledged.values())
        return (f"{self.rounds} rounds ({self.cli_rounds} of them killing `mediacat` CLI processes) in "
                f"{self.seconds:.1f} s: {self.acknowledged} acknowledged writes ({by_cli} by CLI commands: "
                f"{commands}), kills during: {flight}; {self.left_by_kill} temporary file(s) left by the kills, "
                f"each finished or removed by the next open; {self.kept_to_resume} time(s) a partial download "
                f"was kept to resume; {len(self.problems)} problem(s)")


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
    elif kind == "fetch":
        for new in op.get("attached", []):
            state.attachments[new["attachment_id"]] = {"item": new["item"], "path": new["path"], "mode": "copy"}
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
    if flight is not None and flight["op"] == "fetch":  # at most one new attachment for each item it fetched
        newest = max(want, default=0)
        for item in flight["items"]:
            new = sorted(i for i in extra if actual.attachments[i]["item"] == item and i > newest)
            extra -= set(new[:1])
    if flight is not None and flight["op"].startswith("detach"):
        lost.discard(flight["attachment_id"])
    if extra or lost:
        problems.append(f"attachments: unexplained {sorted(extra)}, lost {sorted(lost)}")
    return problems, set().union(*(s.kept for s in alternatives))


def run(rounds: int, folder: Path, *, seed: int = 13, kill_after: tuple[float, float] = (0.3, 1.6),
        cli_kill_after: tuple[float, float] = (0.3, 2.4)) -> Figures:
    """`rounds` rounds, every second one killing `mediacat` CLI processes instead of the core child."""
    rng = random.Random(seed)
    figures = Figures()
    library_dir = folder / "library"
    files = sources(folder / "sources")
    started = time.monotonic()
    with MediaServer() as server, Library.open(library_dir) as app:  # the app's connection, open all along
        mirror = cli_rounds.serve_public_media(server, folder / "sources")
        kept: set[str] = set()
        for number in range(rounds):
            app_note = f"app edit {number}"
            set_note(app, APP_ITEM, app_note)
            before = read_state(app)
            before.kept = kept
            through_cli = number % 2 == 1
            if through_cli:
                log, problems, edited = cli_rounds.run_round(app, APP_ITEM, library_dir, folder, files, mirror, rng,
                                                             number, rng.uniform(*cli_kill_after))
                app_note = edited or app_note
                figures.cli_rounds += 1
                figures.cli_acknowledged.update(entry["ack"]["op"] for entry in log if "ack" in entry)
            else:
                log, problems = _core_child_round(library_dir, folder, files, rng, number, kill_after)
            figures.acknowledged += sum(1 for entry in log if "ack" in entry)
            if log and "start" in log[-1]:
                figures.in_flight[("cli " if through_cli else "") + log[-1]["start"]["op"]] += 1
            figures.left_by_kill += len(leftovers(library_dir))
            with Library.open(library_dir, apply_seeds=False) as reopened:  # the next open (recovery ran)
                actual = read_state(reopened)
                found, kept = check_round(before, log, actual)
                problems += integrity_problems(reopened) + found + file_problems(reopened, kept=kept)
                seen = reopened.store.execute("SELECT notes FROM items WHERE id = ?", (APP_ITEM,)).fetchone()[0]
                if seen != app_note:
                    problems.append(f"{APP_ITEM}: the app's acknowledged note {app_note!r} reads {seen!r}")
                figures.kept_to_resume += bool(resumable_downloads(reopened.paths.incoming))
            figures.problems += [f"round {number}{' (CLI)' if through_cli else ''}: {problem}"
                                 for problem in problems]
            figures.rounds += 1
    figures.seconds = time.monotonic() - started
    return figures


def _core_child_round(library_dir: Path, folder: Path, files: list[Path], rng: random.Random, number: int,
                      kill_after: tuple[float, float]) -> tuple[list[dict[str, Any]], list[str]]:
    """A child process writing through the core, SIGKILLed after a random time: (its log, problems)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    log_path = folder / f"log-{number}.jsonl"
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.reliability.crash_child", "random", str(library_dir), str(log_path),
         str(rng.randrange(1 << 30)), *map(str, files)],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    time.sleep(rng.uniform(*kill_after))
    child.send_signal(signal.SIGKILL)
    _, stderr = child.communicate()
    problems = []
    if child.returncode != -signal.SIGKILL:
        problems.append(f"the child ended by itself: {stderr.decode()[-1500:]}")
    log = [json.loads(line) for line in log_path.read_text().splitlines()] if log_path.exists() else []
    return log, problems


def leftovers(library_dir: Path) -> list[Path]:
    """What the kill left in `media/.incoming` for the next open, beyond partial downloads kept to resume."""
    incoming = library_dir / "media" / ".incoming"
    if not incoming.is_dir():
        return []
    kept = set(resumable_downloads(incoming))
    return [path for path in incoming.iterdir() if path not in kept]
