"""Folder imports commit in batches (issue 12): one transaction per batch, each file still its own attachment,
its own events and its own failure; a cancel keeps what was read; nothing is left half-done."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from PIL import Image

from mediacat.core import attach_batch
from mediacat.core.attachments import attach_paths, import_folder
from mediacat.core.filestore import leftover_temp_files
from mediacat.core.jobs import Job
from mediacat.core.library import Library
from tests.media_fixtures import make_garbage
from tests.reliability.invariants import file_problems

ITEM = "skycrane-still"


def small_pngs(folder: Path, count: int, *, start: int = 0) -> list[Path]:
    """`count` small PNGs whose contents all differ."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(start, start + count):
        image = Image.new("RGB", (16, 12), (n % 256, (n * 7) % 256, 40))
        image.putpixel((0, 0), (n // 256, n % 256, 1))
        path = folder / f"small-{n:03d}.png"
        image.save(path)
        paths.append(path)
    return paths


class Commits:
    """Counts the top-level COMMITs a connection runs (SQLite's own statement trace)."""

    def __init__(self, library: Library) -> None:
        self.statements: list[str] = []
        library.store.conn.set_trace_callback(self.statements.append)

    @property
    def count(self) -> int:
        return sum(1 for s in self.statements if s.strip().upper() == "COMMIT")


def attach_events(library: Library) -> list[tuple[int, str]]:
    return library.store.execute(
        "SELECT attachment_id, json_extract(details, '$.name') FROM events WHERE action = 'attach' ORDER BY id"
    ).fetchall()


def test_a_folder_of_files_is_committed_in_batches_with_one_event_per_file(
        library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(attach_batch, "BATCH_FILES", 4)
    monkeypatch.setattr(attach_batch, "BATCH_SECONDS", 3600.0)  # only the count closes a batch here
    sources = small_pngs(tmp_path / "in", 10)
    commits = Commits(library)
    report = import_folder(library, ITEM, tmp_path / "in")
    assert report.ok and len(report.attached) == 10, report.summary()
    assert commits.count == 3  # 4 + 4 + 2 files, not 10 transactions
    assert [Path(a.path).name for a in report.attached] == [p.name for p in sources]
    rows = library.store.execute("SELECT id, path, sha256 FROM attachments WHERE item_id = ? ORDER BY id",
                                 (ITEM,)).fetchall()
    assert len(rows) == 10
    for (_id, path, sha256), source in zip(rows, sources, strict=True):
        assert hashlib.sha256((library.paths.media / path).read_bytes()).hexdigest() == sha256
        assert sha256 == hashlib.sha256(source.read_bytes()).hexdigest()
    assert [(i, name) for i, name in attach_events(library)] == [(r[0], s.name) for r, s in zip(rows, sources,
                                                                                                 strict=True)]
    assert file_problems(library) == []


def test_a_batch_closes_after_its_time_too(library: Library, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(attach_batch, "BATCH_SECONDS", 0.0)  # every file is "old enough": one commit each
    small_pngs(tmp_path / "in", 3)
    commits = Commits(library)
    report = import_folder(library, ITEM, tmp_path / "in")
    assert len(report.attached) == 3 and commits.count == 3


def test_one_bad_file_in_a_batch_fails_alone_and_is_named(library: Library, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    small_pngs(folder, 3)
    make_garbage(folder / "small-001b.png")  # named like media, bytes of none
    (folder / "small-001c.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)  # a PNG header, then junk
    report = import_folder(library, ITEM, folder)
    assert len(report.attached) == 3
    assert sorted(name.rsplit("/", 1)[-1] for name, _ in report.failures) == ["small-001b.png", "small-001c.png"]
    for name, message in report.failures:
        assert message.startswith(name + ":")
    assert file_problems(library) == [] and leftover_temp_files(library.paths.media) == []


def test_a_row_sqlite_refuses_fails_alone_inside_the_batch(library: Library, tmp_path: Path) -> None:
    sources = small_pngs(tmp_path / "in", 4)
    library.store.conn.execute(  # a real SQLite refusal of one row, inside the batch's transaction
        "CREATE TEMP TRIGGER refuse BEFORE INSERT ON attachments WHEN NEW.original_name = 'small-002.png' "
        "BEGIN SELECT RAISE(ABORT, 'refused by a test trigger'); END")
    report = import_folder(library, ITEM, tmp_path / "in")
    assert [Path(a.path).name for a in report.attached] == ["small-000.png", "small-001.png", "small-003.png"]
    assert len(report.failures) == 1
    name, message = report.failures[0]
    assert name == str(sources[2]) and message.startswith(str(sources[2])) and "refused by a test trigger" in message
    assert [n for _i, n in attach_events(library)] == ["small-000.png", "small-001.png", "small-003.png"]
    assert file_problems(library) == [] and leftover_temp_files(library.paths.media) == []


def test_a_file_that_cannot_be_put_in_place_takes_its_row_back_and_the_others_stay(
        library: Library, tmp_path: Path) -> None:
    sources = small_pngs(tmp_path / "in", 3)
    sha = hashlib.sha256(sources[1].read_bytes()).hexdigest()
    blocker = library.paths.media / sha[:2] / sha / sources[1].name / "in-the-way"
    blocker.mkdir(parents=True)  # a folder where the managed copy goes: the rename after the commit fails
    report = import_folder(library, ITEM, tmp_path / "in")
    assert [Path(a.path).name for a in report.attached] == ["small-000.png", "small-002.png"]
    assert len(report.failures) == 1
    name, message = report.failures[0]
    assert name == str(sources[1])
    assert message.startswith(f"{sources[1]}: cannot write the managed copy in ") and "nothing attached" in message
    assert library.store.execute("SELECT count(*) FROM attachments WHERE sha256 = ?", (sha,)).fetchone()[0] == 0
    assert leftover_temp_files(library.paths.media) == []
    blocker.rmdir()
    assert file_problems(library) == []


def test_the_same_content_twice_in_one_batch_is_a_duplicate_as_before(library: Library, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    first, _second = small_pngs(folder, 2)
    (folder / "small-000-again.png").write_bytes(first.read_bytes())  # read first: "-" sorts before "."
    report = import_folder(library, ITEM, folder)
    assert [Path(a.path).name for a in report.attached] == ["small-000-again.png", "small-001.png"]
    assert [Path(name).name for name, _existing in report.duplicates] == ["small-000.png"]
    assert report.duplicates[0][1] == [report.attached[0].attachment]
    assert report.duplicate_files == [first]


def test_the_same_content_twice_with_duplicates_allowed_shares_one_managed_file(
        library: Library, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    (first,) = small_pngs(folder, 1)
    report = attach_paths(library, ITEM, [first, first], allow_duplicate=True)
    assert len(report.attached) == 2 and report.ok
    assert report.attached[0].attachment.path == report.attached[1].attachment.path
    assert file_problems(library) == []


class CancelAfterFiles(Job):
    """A real Job whose cancel button is pressed when the import reports its n-th file."""

    def __init__(self, files: int) -> None:
        super().__init__()
        self.files = files

    def report(self, done: int, total: int | None = None, message: str = "") -> None:
        if done == self.files:
            self.cancel()
        super().report(done, total, message)


def test_cancelling_keeps_every_file_read_before_the_cancel(library: Library, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(attach_batch, "BATCH_FILES", 3)
    monkeypatch.setattr(attach_batch, "BATCH_SECONDS", 3600.0)
    small_pngs(tmp_path / "in", 8)
    report = import_folder(library, ITEM, tmp_path / "in", job=CancelAfterFiles(5))
    assert report.cancelled
    # the 5th file's report came with the cancel: files 0-4 were read; 0-2 committed as a batch, 3-4 at the cancel
    assert [Path(a.path).name for a in report.attached] == [f"small-{n:03d}.png" for n in range(5)]
    assert library.store.execute("SELECT count(*) FROM attachments WHERE item_id = ?", (ITEM,)).fetchone()[0] == 5
    assert file_problems(library) == [] and leftover_temp_files(library.paths.media) == []


def test_a_busy_library_fails_the_batch_by_name_and_leaves_nothing(library: Library, tmp_path: Path) -> None:
    sources = small_pngs(tmp_path / "in", 3)
    other = sqlite3.connect(library.paths.database, timeout=0)
    other.execute("BEGIN IMMEDIATE")  # another writer holds the lock: the batch's transaction cannot start
    library.store.execute("PRAGMA busy_timeout = 0")
    try:
        report = import_folder(library, ITEM, tmp_path / "in")
    finally:
        other.rollback()
        other.close()
    assert report.attached == []
    assert [name for name, _ in report.failures] == [str(p) for p in sources]
    for name, message in report.failures:
        assert message.startswith(f"{name}: not attached: ") and "busy" in message
    assert leftover_temp_files(library.paths.media) == []
    assert library.store.execute("SELECT count(*) FROM attachments").fetchone()[0] == 0
