"""Attaching real files: copy vs link, the base folder, duplicates, atomic copies, names, detaching."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from mediacat.core.attachments import (
    AttachError,
    DuplicateContent,
    attach_file,
    detach,
    find_duplicates,
)
from mediacat.core.errors import LibraryBusy, UnknownItem
from mediacat.core.filestore import leftover_temp_files
from mediacat.core.jobs import Cancelled, Job
from mediacat.core.library import Library
from mediacat.core.probe import MediaProbeError, UnsupportedMedia
from tests.media_fixtures import make_jpeg, make_mp3, make_wav

IMAGE_ITEM = "skycrane-still"
AUDIO_ITEM = "mars-wind-audio-original"


def snapshot(library: Library) -> tuple[list[tuple], list[str]]:
    """Every attachment row and every file under media/: what "nothing changed" is measured against."""
    rows = library.store.execute("SELECT * FROM attachments ORDER BY id").fetchall()
    media = library.paths.media
    files = sorted(str(p.relative_to(media)) for p in media.rglob("*")) if media.exists() else []
    return rows, files


class CancelAtCheck(Job):
    """A real Job whose cancel button is pressed at its n-th safe point (e.g. in the middle of a copy)."""

    def __init__(self, at: int) -> None:
        super().__init__()
        self.at = at
        self.checks = 0

    def check(self) -> None:
        self.checks += 1
        if self.checks == self.at:
            self.cancel()
        super().check()


def test_copy_mode_stores_the_file_by_hash_with_its_original_name(library: Library, tmp_path: Path) -> None:
    source = make_jpeg(tmp_path / "in" / "sky crane.jpg", (640, 480), orientation=1)
    result = attach_file(library, IMAGE_ITEM, source)
    attachment = result.attachment
    assert attachment.mode == "copy"
    sha = attachment.sha256
    assert attachment.path == f"{sha[:2]}/{sha}/sky crane.jpg"
    managed = library.paths.media / attachment.path
    assert managed.read_bytes() == source.read_bytes()
    assert attachment.resolved_path == str(managed)
    assert (attachment.size, attachment.mime, attachment.media_type) == (source.stat().st_size, "image/jpeg", "image")
    assert (attachment.width, attachment.height) == (640, 480)
    assert attachment.facts["exif_date"] == "2021-02-18T20:44:00"
    assert attachment.facts["camera"] == "NASA/JPL DDC"
    assert attachment.status == "ok"
    assert source.exists()  # copying never touches the original
    assert leftover_temp_files(library.paths.media) == []


def test_show_json_lists_the_attachment_fields(library: Library, tmp_path: Path) -> None:
    attach_file(library, AUDIO_ITEM, make_wav(tmp_path / "wind.wav", 1.0, rate=8000))
    data = library.item(AUDIO_ITEM).to_json()["attachments"][0]
    for key in ("id", "path", "mode", "sha256", "size", "mime", "status", "duration"):
        assert key in data
    assert data["mode"] == "copy" and data["mime"] == "audio/wav" and data["status"] == "ok"
    assert data["duration"] == pytest.approx(1.0, abs=0.01)
    assert Path(data["path"]).is_file()
    assert "width" not in data  # only the facts that apply


def test_link_mode_stores_an_absolute_path_outside_the_base_folder(library: Library, tmp_path: Path) -> None:
    source = make_wav(tmp_path / "elsewhere" / "wind.wav")
    attachment = attach_file(library, AUDIO_ITEM, source, mode="link").attachment
    assert attachment.mode == "link"
    assert attachment.path == str(source.resolve())
    assert not library.paths.media.exists() or not any(library.paths.media.rglob("*.wav"))


def test_relative_link_under_the_base_folder_survives_moving_the_tree(library: Library, tmp_path: Path) -> None:
    tree = tmp_path / "mars media"
    source = make_jpeg(tree / "stills" / "frame 1.jpg")
    library.set_link_base_dir(tree)
    attachment = attach_file(library, IMAGE_ITEM, source, mode="link").attachment
    assert attachment.path == "stills/frame 1.jpg"
    moved = tmp_path / "new disk" / "mars media"
    moved.parent.mkdir()
    tree.rename(moved)
    from mediacat.core.attachments import check_attachments

    assert [r.status for r in check_attachments(library)] == ["missing"]
    library.set_link_base_dir(moved)
    [result] = check_attachments(library)
    assert result.status == "ok"
    assert result.path == str(moved / "stills" / "frame 1.jpg")


def test_duplicate_content_is_detected_anywhere_in_the_library(library: Library, tmp_path: Path) -> None:
    first = make_wav(tmp_path / "a.wav")
    copy = tmp_path / "b.wav"
    copy.write_bytes(first.read_bytes())
    original = attach_file(library, AUDIO_ITEM, first).attachment
    before = snapshot(library)
    with pytest.raises(DuplicateContent, match=r"b\.wav: the same content is already attached") as caught:
        attach_file(library, "mars-wind-audio-filtered", copy)
    assert [a.id for a in caught.value.existing] == [original.id]
    assert snapshot(library) == before
    again = attach_file(library, "mars-wind-audio-filtered", copy, allow_duplicate=True)
    assert [a.id for a in again.duplicates] == [original.id]
    assert len(find_duplicates(library, original.sha256)) == 2


def test_attaching_the_same_copy_twice_shares_one_managed_file(library: Library, tmp_path: Path) -> None:
    source = make_wav(tmp_path / "a.wav")
    first = attach_file(library, AUDIO_ITEM, source).attachment
    second = attach_file(library, "mars-wind-audio-filtered", source, allow_duplicate=True).attachment
    assert first.path == second.path
    assert len([p for p in library.paths.media.rglob("*") if p.is_file()]) == 1


def test_cancelling_in_the_middle_of_a_copy_leaves_nothing_behind(library: Library, tmp_path: Path) -> None:
    source = tmp_path / "big.wav"
    make_wav(source, 40.0, rate=48000, channels=2)  # about 7.7 MB: several 1 MiB chunks
    before = snapshot(library)
    job = CancelAtCheck(at=12)  # the hash pass takes ~9 checks; the 12th falls inside the copy
    with pytest.raises(Cancelled):
        attach_file(library, AUDIO_ITEM, source, job=job)
    assert job.checks == 12
    assert leftover_temp_files(library.paths.media) == []
    assert snapshot(library) == before


def test_an_unwritable_destination_leaves_db_and_files_unchanged(library: Library, tmp_path: Path) -> None:
    source = make_jpeg(tmp_path / "photo.jpg")
    import hashlib

    sha = hashlib.sha256(source.read_bytes()).hexdigest()
    library.paths.media.mkdir(parents=True, exist_ok=True)
    blocker = library.paths.media / sha[:2]
    blocker.write_bytes(b"a file where the folder should be")
    before = snapshot(library)
    with pytest.raises(AttachError, match=r"photo\.jpg: cannot write the managed copy .*nothing attached"):
        attach_file(library, IMAGE_ITEM, source)
    assert snapshot(library) == before
    assert leftover_temp_files(library.paths.media) == []


def test_a_database_failure_removes_the_new_managed_file(library: Library, tmp_path: Path) -> None:
    source = make_jpeg(tmp_path / "photo.jpg")
    before = snapshot(library)
    other = sqlite3.connect(library.paths.database, timeout=0)
    other.execute("BEGIN IMMEDIATE")  # another writer holds the lock: the insert cannot happen
    library.store.execute("PRAGMA busy_timeout = 0")
    try:
        with pytest.raises(LibraryBusy, match="the library is busy"):  # a true, typed message (issue 13.7)
            attach_file(library, IMAGE_ITEM, source)
    finally:
        other.rollback()
        other.close()
    assert snapshot(library) == before
    assert leftover_temp_files(library.paths.media) == []


def test_unknown_item_and_unknown_mode_are_refused(library: Library, tmp_path: Path) -> None:
    source = make_jpeg(tmp_path / "photo.jpg")
    with pytest.raises(UnknownItem, match="no-such-item"):
        attach_file(library, "no-such-item", source)
    with pytest.raises(AttachError, match="unknown attachment mode 'hardlink'"):
        attach_file(library, IMAGE_ITEM, source, mode="hardlink")


@pytest.mark.parametrize("name", ["with spaces in it.jpg", "Ünïcødé 火星.jpg"])
def test_names_with_spaces_and_non_ascii_are_kept(library: Library, tmp_path: Path, name: str) -> None:
    source = make_jpeg(tmp_path / name)
    attachment = attach_file(library, IMAGE_ITEM, source).attachment
    assert attachment.original_name == name
    assert Path(attachment.resolved_path).name == name
    linked = attach_file(library, IMAGE_ITEM, source, mode="link", allow_duplicate=True).attachment
    assert Path(linked.resolved_path) == source.resolve()


def test_non_utf8_file_names_are_copied_with_a_readable_name(library: Library, tmp_path: Path) -> None:
    raw = os.fsencode(tmp_path) + b"/caf\xe9 \xff.jpg"
    make_jpeg(Path(os.fsdecode(raw)))
    source = os.fsdecode(raw)
    attachment = attach_file(library, IMAGE_ITEM, source).attachment
    assert attachment.original_name == "caf\\xe9 \\xff.jpg"
    assert Path(attachment.resolved_path).name == "caf\ufffd \ufffd.jpg"
    assert Path(attachment.resolved_path).read_bytes() == Path(source).read_bytes()
    before = snapshot(library)
    with pytest.raises(AttachError, match=r"caf\\xe9 \\xff\.jpg: the path is not valid UTF-8 .*attach a copy"):
        attach_file(library, IMAGE_ITEM, source, mode="link", allow_duplicate=True)
    assert snapshot(library) == before


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda p: p.write_bytes(b"") or p, UnsupportedMedia, "the file is empty"),
        (lambda p: p.write_text("not a picture\n") or p, UnsupportedMedia, "starts with text"),
    ],
)
def test_bad_files_leave_the_library_unchanged(library: Library, tmp_path: Path, make, error, message) -> None:
    attach_file(library, IMAGE_ITEM, make_jpeg(tmp_path / "good.jpg"))
    before = snapshot(library)
    bad = tmp_path / "bad.jpg"
    make(bad)
    with pytest.raises(error, match=rf"bad\.jpg: .*{message}"):
        attach_file(library, IMAGE_ITEM, bad)
    assert snapshot(library) == before


def test_truncated_and_corrupt_files_are_refused(library: Library, tmp_path: Path) -> None:
    from tests.media_fixtures import corrupt_mp3, truncate

    cut = truncate(make_jpeg(tmp_path / "whole.jpg", (800, 600)), tmp_path / "cut.jpg")
    with pytest.raises(MediaProbeError, match=r"cut\.jpg: .*truncated"):
        attach_file(library, IMAGE_ITEM, cut)
    with pytest.raises(MediaProbeError, match=r"bad\.mp3: corrupt MP3"):
        attach_file(library, AUDIO_ITEM, corrupt_mp3(tmp_path / "bad.mp3"))
    assert snapshot(library) == ([], [])


def test_missing_file_and_folder_are_refused_by_name(library: Library, tmp_path: Path) -> None:
    with pytest.raises(AttachError, match=r"nowhere\.jpg: no such file"):
        attach_file(library, IMAGE_ITEM, tmp_path / "nowhere.jpg")
    with pytest.raises(AttachError, match="is a folder"):
        attach_file(library, IMAGE_ITEM, tmp_path)


def test_move_adopts_a_file_from_the_incoming_folder(library: Library, tmp_path: Path) -> None:
    incoming = library.paths.incoming
    incoming.mkdir(parents=True)
    part = make_mp3(incoming / "download-1.mp3")
    data = part.read_bytes()
    attachment = attach_file(library, AUDIO_ITEM, part, move=True, provenance={"url": "http://127.0.0.1/x.mp3"})
    assert not part.exists()
    assert Path(attachment.attachment.resolved_path).read_bytes() == data
    assert attachment.attachment.provenance == {"url": "http://127.0.0.1/x.mp3"}
    outside = make_wav(tmp_path / "outside.wav")
    with pytest.raises(AttachError, match="only a copy-mode file inside"):
        attach_file(library, AUDIO_ITEM, outside, move=True)
    assert outside.exists()


def test_detach_never_deletes_a_linked_original(library: Library, tmp_path: Path) -> None:
    source = make_wav(tmp_path / "keep.wav")
    attachment = attach_file(library, AUDIO_ITEM, source, mode="link").attachment
    result = detach(library, attachment.id, delete_managed_copy=True)
    assert source.exists()
    assert result.deleted_file is None and "never deleted" in (result.kept_reason or "")
    assert library.item(AUDIO_ITEM).attachments == ()


def test_detach_deletes_a_managed_copy_only_when_nothing_else_uses_it(library: Library, tmp_path: Path) -> None:
    source = make_wav(tmp_path / "shared.wav")
    first = attach_file(library, AUDIO_ITEM, source).attachment
    second = attach_file(library, "mars-wind-audio-filtered", source, allow_duplicate=True).attachment
    managed = Path(first.resolved_path)
    kept = detach(library, first.id, delete_managed_copy=True)
    assert managed.exists() and "still used by 1 other" in (kept.kept_reason or "")
    gone = detach(library, second.id, delete_managed_copy=True)
    assert gone.deleted_file == str(managed)
    assert not managed.exists() and not managed.parent.exists()
    assert library.all_attachments() == []
    assert source.exists()


def test_detach_without_deleting_keeps_the_managed_copy(library: Library, tmp_path: Path) -> None:
    attachment = attach_file(library, AUDIO_ITEM, make_wav(tmp_path / "a.wav")).attachment
    result = detach(library, attachment.id, delete_managed_copy=False)
    assert result.deleted_file is None
    assert Path(attachment.resolved_path).exists()


def test_detach_of_an_unknown_attachment_names_it(library: Library) -> None:
    from mediacat.core.attachments import UnknownAttachment

    with pytest.raises(UnknownAttachment, match="no attachment with id 999"):
        detach(library, 999, delete_managed_copy=True)
