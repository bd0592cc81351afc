"""Fault injection: a full disk (a real, small tmpfs), a read-only library folder and file, a newer schema,
`media` or `media/.incoming` being files, four processes creating one library. Each gives a true message,
no traceback, and changes nothing (issue 13, items 5, 6 and 7)."""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from mediacat.core.library import Library
from tests.http_server import MediaServer, Resource, jpeg_bytes
from tests.media_fixtures import make_jpeg

REPO = Path(__file__).resolve().parents[2]
ITEM = "skycrane-still"


def cli(library_dir: Path, *argv: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "mediacat", *argv, "--library", str(library_dir)], cwd=REPO,
                          env=env, capture_output=True, text=True, timeout=120, input=stdin)


def no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr, result.stderr


def integrity(library_dir: Path) -> str:
    with contextlib.closing(sqlite3.connect(library_dir / "mediacat.sqlite3")) as conn:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]


@contextlib.contextmanager
def mounted_tmpfs(folder: Path, size: str) -> Iterator[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {done.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def fill(folder: Path) -> Path:
    """Fill the file system holding `folder` to the last byte (unbuffered, so closing never writes more)."""
    filler = folder / f"filler-{uuid.uuid4().hex}"
    with filler.open("wb", buffering=0) as out:
        for size in (1 << 20, 65536, 4096, 1):
            with contextlib.suppress(OSError):
                while True:
                    out.write(b"\0" * size)
    return filler


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """A library (with one note and one attachment) on a tmpfs that is then filled: (library, filler)."""
    with mounted_tmpfs(tmp_path / "disk", "12m") as disk:
        library_dir = disk / "library"
        with Library.open(library_dir) as app:  # the app is open: its WAL and WAL index exist when the disk fills
            app.item_ids()
            assert cli(library_dir, "note", ITEM, "saved before the disk filled").returncode == 0
            assert cli(library_dir, "attach", ITEM, str(make_jpeg(tmp_path / "first.jpg"))).returncode == 0
            yield library_dir, fill(disk)


def test_on_a_full_disk_reads_work_and_writes_say_the_disk_is_full(full_disk: tuple[Path, Path],
                                                                   tmp_path: Path) -> None:
    library_dir, filler = full_disk
    listed = cli(library_dir, "list")
    no_traceback(listed)
    assert listed.returncode == 0, listed.stderr
    assert "corrupt" not in listed.stderr
    big_note = cli(library_dir, "note", ITEM, "-", stdin="Perseverance " * 200_000)
    no_traceback(big_note)
    assert big_note.returncode == 2 and "the disk is full" in big_note.stderr, big_note.stderr
    assert "rollback" not in big_note.stderr and "corrupt" not in big_note.stderr
    photo = make_jpeg(tmp_path / "second.jpg", size=(1600, 1200), quality=95)
    attached = cli(library_dir, "attach", ITEM, str(photo))
    no_traceback(attached)
    assert attached.returncode == 1 and "the disk is full" in attached.stderr, attached.stderr
    exported = cli(library_dir, "export", "-o", str(library_dir / "out.csv"))
    no_traceback(exported)
    assert exported.returncode == 2 and "No space left" in exported.stderr, exported.stderr
    assert not (library_dir / "out.csv").exists()

    filler.unlink()  # space again: nothing was lost, nothing half-written is left
    assert integrity(library_dir) == "ok"
    shown = cli(library_dir, "show", ITEM, "--json")
    assert "saved before the disk filled" in shown.stdout
    with contextlib.closing(sqlite3.connect(library_dir / "mediacat.sqlite3")) as conn:
        assert conn.execute("SELECT count(*) FROM attachments WHERE item_id = ?", (ITEM,)).fetchone()[0] == 1
    assert list((library_dir / "media" / ".incoming").iterdir()) == []


def test_a_download_onto_a_full_disk_is_a_message(full_disk: tuple[Path, Path], server: MediaServer) -> None:
    library_dir, _filler = full_disk
    url = server.add("/big.jpg", Resource(body=jpeg_bytes(2000, 1500), content_type="image/jpeg"))
    result = cli(library_dir, "attach", ITEM, url)
    no_traceback(result)
    assert result.returncode == 1 and "the disk is full" in result.stderr, result.stderr


def test_a_read_only_library_folder_gives_a_true_message_and_changes_nothing(tmp_path: Path) -> None:
    with mounted_tmpfs(tmp_path / "ro", "16m") as disk:
        library_dir = disk / "library"
        with Library.open(library_dir):
            pass
        before = sorted((p.name, p.stat().st_size) for p in library_dir.iterdir())
        if subprocess.run(["mount", "-o", "remount,ro", str(disk)], capture_output=True).returncode != 0:
            pytest.skip("cannot remount the tmpfs read-only")
        for argv in (("list",), ("note", ITEM, "x")):
            result = cli(library_dir, *argv)
            no_traceback(result)
            assert result.returncode == 2 and "not writable" in result.stderr, result.stderr
            assert "corrupt" not in result.stderr and "damaged" not in result.stderr
        assert sorted((p.name, p.stat().st_size) for p in library_dir.iterdir()) == before


def test_a_read_only_database_file_gives_a_true_message(library_dir: Path) -> None:
    with Library.open(library_dir):
        pass
    database = library_dir / "mediacat.sqlite3"
    database.chmod(0o444)
    # root ignores file modes; the immutable attribute is obeyed by root too (when the file system has it)
    immutable = subprocess.run(["chattr", "+i", str(database)], capture_output=True).returncode == 0
    try:
        if os.geteuid() == 0 and not immutable:
            pytest.skip("running as root on a file system without chattr: a read-only file is still writable")
        result = cli(library_dir, "note", ITEM, "x")
        no_traceback(result)
        assert result.returncode == 2 and "cannot be written" in result.stderr, result.stderr
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(database)], check=False)
        database.chmod(0o644)
    assert integrity(library_dir) == "ok"


def test_with_no_connection_open_a_full_disk_is_named_as_such_not_corrupt(tmp_path: Path) -> None:
    """SQLite cannot create the WAL index (-shm) on a full disk, so then even `list` cannot open: it says so."""
    with mounted_tmpfs(tmp_path / "disk", "12m") as disk:
        library_dir = disk / "library"
        with Library.open(library_dir):
            pass
        filler = fill(disk)
        listed = cli(library_dir, "list")
        no_traceback(listed)
        assert listed.returncode == 0 or "the disk is full; could not open the library" in listed.stderr
        assert "corrupt" not in listed.stderr
        filler.unlink()
        assert integrity(library_dir) == "ok"


def test_a_library_from_a_newer_mediacat_is_left_untouched(library_dir: Path) -> None:
    with Library.open(library_dir) as library:
        library.store.execute("PRAGMA user_version = 999")
    before = (library_dir / "mediacat.sqlite3").read_bytes()
    result = cli(library_dir, "note", ITEM, "x")
    no_traceback(result)
    assert result.returncode == 2 and "made by a newer MediaCat (schema 999" in result.stderr
    assert (library_dir / "mediacat.sqlite3").read_bytes() == before


@pytest.mark.parametrize("which", ["media", "media/.incoming"])
def test_media_folders_that_are_files_are_messages(library_dir: Path, tmp_path: Path, server: MediaServer,
                                                   which: str) -> None:
    with Library.open(library_dir):
        pass
    target = library_dir / which
    target.parent.mkdir(exist_ok=True)
    if target.exists():
        target.rmdir()
    target.write_bytes(b"not a folder")
    url = server.add("/x.jpg", Resource(body=jpeg_bytes(), content_type="image/jpeg"))
    for argv in (("attach", ITEM, str(make_jpeg(tmp_path / "photo.jpg"))), ("attach", ITEM, url), ("list",)):
        result = cli(library_dir, *argv)
        no_traceback(result)
        if argv[0] == "attach":
            assert result.returncode == 1, result.stderr
            assert re.search(r"(Not a directory|File exists)\)?; nothing (attached|was kept)", result.stderr), \
                result.stderr
        else:
            assert result.returncode == 0, result.stderr
    assert target.read_bytes() == b"not a folder"


CREATE = """
import sys
from mediacat.core.library import Library
with Library.open(sys.argv[1]) as library:
    print(len(library.item_ids()))
"""


def test_four_processes_creating_one_new_library_all_succeed(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    for round_number in range(3):
        library_dir = tmp_path / f"new-{round_number}"
        children = [subprocess.Popen([sys.executable, "-c", CREATE, str(library_dir)], env=env, cwd=REPO,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
        results = [(*child.communicate(timeout=120), child.returncode) for child in children]
        assert all(code == 0 for _out, _err, code in results), [err for _out, err, _code in results]
        assert len({out for out, _err, _code in results}) == 1
        assert integrity(library_dir) == "ok"
