"""A process killed between a file operation and its commit loses no file a row names and leaves no orphan.

Each window of attach and `detach --delete-copy` is hit exactly: the child SIGKILLs itself just before or just
after the commit (issue 13, item 1). The next open finishes or undoes the work; temporary files of a process
that is gone are recognised by the pid in their name, never by their age.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mediacat.core.attachments import attach_file, check_attachments, detach
from mediacat.core.filestore import process_marker, temp_name
from mediacat.core.library import Library
from tests.media_fixtures import make_jpeg
from tests.reliability.crash_child import IMPORT_POINTS, ITEMS, POINTS
from tests.reliability.invariants import file_problems, integrity_problems, run_child, sha256_of


@pytest.mark.parametrize("point", POINTS)
def test_a_kill_at_each_commit_window_loses_nothing_and_leaves_nothing(library_dir: Path, tmp_path: Path,
                                                                       point: str) -> None:
    source = make_jpeg(tmp_path / "photo.jpg")
    Library.open(library_dir).close()
    child = run_child("point", str(library_dir), point, str(source))
    assert child.returncode == -9, (child.returncode, child.stderr[-2000:])
    incoming = library_dir / "media" / ".incoming"
    assert [p for p in incoming.iterdir() if p.name.startswith(".mediacat-tmp-")], "the window left no temp file"

    with Library.open(library_dir) as library:  # the next open
        rows = library.store.execute("SELECT id, path, sha256 FROM attachments WHERE item_id = ?",
                                     (ITEMS[0],)).fetchall()
        assert integrity_problems(library) == []
        assert file_problems(library) == []
    expected_rows = {"attach-before-commit": 0, "attach-after-commit": 1,
                     "detach-before-commit": 1, "detach-after-commit": 0}[point]
    assert len(rows) == expected_rows
    for _id, path, sha256 in rows:
        assert sha256_of(library_dir / "media" / path) == sha256 == sha256_of(source)


@pytest.mark.parametrize("point", IMPORT_POINTS)
def test_a_kill_in_a_folder_import_s_batch_loses_nothing_and_leaves_nothing(library_dir: Path, tmp_path: Path,
                                                                           point: str) -> None:
    """Issue 12: a folder import commits its files as one batch; a kill before the commit attaches none of them,
    after it (before or between the renames into media/) all of them, each with its file, after the next open."""
    folder = tmp_path / "photos"
    sources = [make_jpeg(folder / f"photo-{n}.jpg", size=(64 + n, 48)) for n in range(4)]
    Library.open(library_dir).close()
    child = run_child("point", str(library_dir), point, str(folder))
    assert child.returncode == -9, (child.returncode, child.stderr[-2000:])
    incoming = library_dir / "media" / ".incoming"
    left = [p for p in incoming.iterdir() if p.name.startswith(".mediacat-tmp-")]
    assert len(left) == (2 if point == "import-mid-place" else 4), "the window left the wrong temp files"

    with Library.open(library_dir) as library:  # the next open
        rows = library.store.execute("SELECT path, sha256, original_name FROM attachments WHERE item_id = ? "
                                     "ORDER BY id", (ITEMS[0],)).fetchall()
        assert integrity_problems(library) == []
        assert file_problems(library) == []
        logged = library.store.execute("SELECT count(*) FROM events WHERE action = 'attach'").fetchone()[0]
    expected = [] if point == "import-before-commit" else [s.name for s in sources]
    assert [name for _path, _sha, name in rows] == expected
    assert logged == len(expected)  # one event per file, in the batch's transaction
    for (path, sha256, _name), source in zip(rows, sources, strict=False):
        assert sha256_of(library_dir / "media" / path) == sha256 == sha256_of(source)


def test_a_running_process_temp_file_is_left_alone_and_removed_once_it_is_gone(library: Library,
                                                                              library_dir: Path) -> None:
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        library.paths.incoming.mkdir(parents=True, exist_ok=True)
        name = temp_name("0" * 64).replace(f"-{os.getpid()}-", f"-{sleeper.pid}-")
        temp = library.paths.incoming / name
        temp.write_bytes(b"being copied")
        old = time.time() - 3 * 86400
        os.utime(temp, (old, old))  # old, but its process runs: age alone decides nothing
        Library.open(library_dir).close()
        assert temp.exists()
    finally:
        sleeper.kill()
        sleeper.wait()
    Library.open(library_dir).close()
    assert not temp.exists()


def test_a_finished_download_a_killed_fetch_never_attached_is_removed_and_its_partial_kept(
        library: Library, library_dir: Path) -> None:
    """fetch-media keeps `fetch-<item>/download.part` to resume; a finished file there carries its process's
    marker, so once that process is gone (killed between the last byte and the attach) the next open removes it."""
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    folder = library.paths.incoming / "fetch-skycrane-still"
    folder.mkdir(parents=True)
    part, state = folder / "download.part", folder / "download.json"
    part.write_bytes(b"the first half")
    state.write_text("{}", encoding="utf-8")
    other = folder / "download-note.txt"  # not a marked name: nobody can tell whose it is, so it stays
    other.write_bytes(b"?")
    try:
        finished = folder / f"{process_marker().replace(f'-{os.getpid()}', f'-{sleeper.pid}')}-PIA24428~orig.jpg"
        finished.write_bytes(b"all of it")
        Library.open(library_dir).close()
        assert finished.exists(), "removed while its process still runs"
    finally:
        sleeper.kill()
        sleeper.wait()
    Library.open(library_dir).close()
    assert not finished.exists()
    assert part.read_bytes() == b"the first half" and state.exists() and other.exists()


def test_an_older_mediacat_s_renamed_copy_is_restored_not_deleted_by_check(library: Library, tmp_path: Path) -> None:
    """The data loss of issue 13.1: the old detach renamed the copy beside itself, then was killed; the row
    survived, and `check` deleted the day-old temporary file. Now the file goes back where the row expects it."""
    attachment = attach_file(library, ITEMS[0], make_jpeg(tmp_path / "photo.jpg")).attachment
    managed = Path(attachment.resolved_path)
    legacy = managed.with_name(".mediacat-tmp-" + "ab" * 16)
    managed.rename(legacy)
    old = time.time() - 3 * 86400
    os.utime(legacy, (old, old))
    results = check_attachments(library)
    assert [r.status for r in results if r.attachment_id == attachment.id] == ["ok"]
    assert sha256_of(managed) == attachment.sha256 and not legacy.exists()


def test_a_detach_that_completes_leaves_no_temporary_file(library: Library, tmp_path: Path) -> None:
    attachment = attach_file(library, ITEMS[0], make_jpeg(tmp_path / "photo.jpg")).attachment
    result = detach(library, attachment.id, delete_managed_copy=True)
    assert result.deleted_file
    assert file_problems(library) == []
    assert json.dumps(result.deleted_file)
