"""The library shared by this process's connections and another process: nothing drops SQLite's locks.

Regression for the corruption seen with the app open: a worker's reopen read the database header with
Python's `open()`; closing that descriptor dropped every POSIX lock this process held on the file, so the
next CLI process believed it was the last user and deleted the WAL under the live connection.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from mediacat.core.library import Library
from mediacat.core.tags import set_note

REPO = Path(__file__).resolve().parents[2]


def run_cli(library_dir: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "mediacat", *argv, "--library", str(library_dir)],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=120)


def wal_is_open_by_this_process(wal: Path) -> bool:
    """True when one of this process's descriptors names the WAL file and it is not "(deleted)"."""
    fd_dir = Path("/proc/self/fd")
    for fd in fd_dir.iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target == str(wal):
            return True
    return False


def test_a_worker_reopen_then_another_process_keeps_the_wal_and_the_library_intact(library_dir: Path) -> None:
    with Library.open(library_dir) as app:
        app.item_ids()  # the "GUI" connection holds its read lock on the WAL index
        with app.reopen() as worker:  # a worker thread's connection, opened and closed
            set_note(worker, "skycrane-still", "from a worker")
        wal = app.paths.database.with_name(app.paths.database.name + "-wal")
        assert wal_is_open_by_this_process(wal)

        listed = run_cli(library_dir, "list")
        assert listed.returncode == 0, listed.stderr
        noted = run_cli(library_dir, "note", "mars-wind-audio-original", "from the CLI")
        assert noted.returncode == 0, noted.stderr

        assert wal.exists(), "another process deleted the WAL under a live connection"
        assert wal_is_open_by_this_process(wal)
        set_note(app, "hazcam-first-frames", "from the app after the CLI")
        assert app.item("mars-wind-audio-original").notes == "from the CLI"
        assert app.store.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    checked = run_cli(library_dir, "show", "hazcam-first-frames", "--json")
    assert checked.returncode == 0, checked.stderr
    assert '"from the app after the CLI"' in checked.stdout
    with Library.open(library_dir) as again:
        assert again.store.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert again.item("skycrane-still").notes == "from a worker"
