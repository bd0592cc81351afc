"""What must hold in a library after any crash: SQLite and FTS integrity, files and rows matching, no leftovers."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from mediacat.core.library import Library

REPO = Path(__file__).resolve().parents[2]


def run_child(*argv: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "tests.reliability.crash_child", *argv], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=timeout)


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def integrity_problems(library: Library) -> list[str]:
    problems = []
    result = library.store.execute("PRAGMA integrity_check").fetchall()
    if result != [("ok",)]:
        problems.append(f"integrity_check: {result[:5]}")
    try:
        library.store.execute("INSERT INTO items_fts(items_fts) VALUES('integrity-check')")
    except Exception as error:  # the FTS5 check raises SQLITE_CORRUPT_VTAB when the index is wrong
        problems.append(f"FTS integrity-check: {error}")
    return problems


def file_problems(library: Library, *, kept: set[str] = frozenset()) -> list[str]:  # type: ignore[assignment]
    """Every copy-mode row has its file with its bytes; every managed file is named by a row (or in `kept`,
    the managed copies a detach without deletion deliberately left); nothing is left in `media/.incoming` but
    the partial downloads a killed fetch-media keeps to resume."""
    problems = []
    media = library.paths.media
    named = set()
    for attachment_id, path, sha256 in library.store.execute(
        "SELECT id, path, sha256 FROM attachments WHERE mode = 'copy'"
    ):
        named.add(path)
        file = media / path
        if not file.is_file():
            problems.append(f"attachment #{attachment_id}: its file {path} is missing")
        elif sha256_of(file) != sha256:
            problems.append(f"attachment #{attachment_id}: its file {path} has other bytes")
    if media.is_dir():
        for file in media.rglob("*"):
            if not file.is_file() or library.paths.incoming in file.parents:
                continue
            relative = file.relative_to(media).as_posix()
            if relative not in named and relative not in kept:
                problems.append(f"{relative}: a managed file no row names")
    if library.paths.incoming.is_dir():
        resumable = set(resumable_downloads(library.paths.incoming))
        left = sorted(p.name + (f" (holding {sorted(e.name for e in p.iterdir())})" if p.is_dir() else "")
                      for p in library.paths.incoming.iterdir() if p not in resumable)
        if left:
            problems.append(f"left in media/.incoming after the next open: {left}")
    return problems


def resumable_downloads(incoming: Path) -> list[Path]:
    """The partial downloads a killed `fetch-media` keeps on purpose: a `fetch-<item id>` folder holding only
    `download.part` and its validators (`download.json`), which the next fetch continues with Range."""
    if not incoming.is_dir():
        return []
    return [folder for folder in incoming.glob("fetch-*") if folder.is_dir()
            and {entry.name for entry in folder.iterdir()} <= {"download.part", "download.json"}]
