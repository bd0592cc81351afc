"""Folder imports (good and bad files, cancel, vanishing files), check, relink one and relink the rest."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mediacat.core.attachments import (
    AttachError,
    attach_file,
    check_attachments,
    import_folder,
    relink,
    relink_candidates,
    relink_from_folder,
)
from mediacat.core.filestore import leftover_temp_files
from mediacat.core.jobs import Job, Progress
from mediacat.core.library import Library
from tests.core.test_attachments import AUDIO_ITEM, IMAGE_ITEM, snapshot
from tests.core.test_probe import make_bomb_png
from tests.media_fixtures import corrupt_mp3, make_jpeg, make_mp3, make_png, make_wav, truncate


def make_mixed_folder(folder: Path) -> Path:
    make_jpeg(folder / "a good.jpg")
    make_wav(folder / "b wind.wav")
    (folder / "c empty.jpg").write_bytes(b"")
    (folder / "d text.jpg").write_text("just text\n")
    truncate(make_jpeg(folder / "whole.tmp", (800, 600)), folder / "e cut.jpg")
    (folder / "whole.tmp").unlink()
    corrupt_mp3(folder / "f broken.mp3")
    make_bomb_png(folder / "g bomb.png")
    (folder / "readme.txt").write_text("notes about these files\n")
    make_png(folder / "sub" / "h deep.png")
    return folder


def test_import_folder_goes_on_past_bad_files_and_names_each_failure(library: Library, tmp_path: Path) -> None:
    folder = make_mixed_folder(tmp_path / "drop")
    seen: list[Progress] = []
    report = import_folder(library, IMAGE_ITEM, folder, recursive=False, job=Job(seen.append))
    assert sorted(Path(r.path).name for r in report.attached) == ["a good.jpg", "b wind.wav"]
    failed = {Path(path).name: message for path, message in report.failures}
    assert set(failed) == {"c empty.jpg", "d text.jpg", "e cut.jpg", "f broken.mp3", "g bomb.png"}
    assert "the file is empty" in failed["c empty.jpg"]
    assert "starts with text" in failed["d text.jpg"]
    assert "truncated" in failed["e cut.jpg"]
    assert "corrupt MP3" in failed["f broken.mp3"]
    assert "too large" in failed["g bomb.png"]
    assert all(message.startswith(str(folder)) for message in failed.values())
    assert [Path(p).name for p in report.ignored] == ["readme.txt"]
    assert not report.ok and not report.cancelled
    assert report.summary() == "2 attached, 5 failed, 1 other file ignored (readme.txt)"
    assert seen[-1].done == seen[-1].total == 8
    assert len(library.item(IMAGE_ITEM).attachments) == 2
    assert leftover_temp_files(library.paths.media) == []


def test_recursive_import_reaches_subfolders_and_skips_duplicates(library: Library, tmp_path: Path) -> None:
    folder = tmp_path / "tree"
    make_png(folder / "one" / "x.png")
    make_png(folder / "two" / "same as x.png")
    make_jpeg(folder / "top.jpg")
    report = import_folder(library, IMAGE_ITEM, folder, recursive=True)
    assert sorted(Path(r.path).name for r in report.attached) == ["top.jpg", "x.png"]
    assert [Path(p).name for p, _ in report.duplicates] == ["same as x.png"]
    assert report.ok and report.failures == []


def test_cancelling_an_import_keeps_what_was_attached(library: Library, tmp_path: Path) -> None:
    folder = tmp_path / "many"
    for index in range(5):
        make_jpeg(folder / f"{index}.jpg", (64 + index, 48))

    def on_progress(progress: Progress) -> None:
        if progress.done == 2:
            job.cancel()

    job = Job(on_progress)
    report = import_folder(library, IMAGE_ITEM, folder, job=job)
    assert report.cancelled and not report.ok
    assert [Path(r.path).name for r in report.attached] == ["0.jpg", "1.jpg"]
    assert len(library.item(IMAGE_ITEM).attachments) == 2
    assert leftover_temp_files(library.paths.media) == []


def test_a_file_that_vanishes_during_an_import_is_reported(library: Library, tmp_path: Path) -> None:
    folder = tmp_path / "drop"
    for name in ("1.jpg", "2.jpg", "3.jpg"):
        make_jpeg(folder / name, (60 + int(name[0]), 40))

    def on_progress(progress: Progress) -> None:
        if progress.message == "2.jpg":
            (folder / "2.jpg").unlink()  # gone between the folder listing and its turn

    report = import_folder(library, IMAGE_ITEM, folder, job=Job(on_progress))
    assert [Path(r.path).name for r in report.attached] == ["1.jpg", "3.jpg"]
    [(path, message)] = report.failures
    assert Path(path).name == "2.jpg" and "no such file" in message


def test_import_of_a_missing_folder_is_refused(library: Library, tmp_path: Path) -> None:
    with pytest.raises(AttachError, match=r"nowhere: not a folder"):
        import_folder(library, IMAGE_ITEM, tmp_path / "nowhere")


def test_check_reports_ok_missing_and_modified_and_stores_the_verdict(library: Library, tmp_path: Path) -> None:
    ok = attach_file(library, IMAGE_ITEM, make_jpeg(tmp_path / "ok.jpg")).attachment
    gone_source = make_wav(tmp_path / "gone.wav")
    gone = attach_file(library, AUDIO_ITEM, gone_source, mode="link").attachment
    changed_source = make_mp3(tmp_path / "changed.mp3")
    changed = attach_file(library, AUDIO_ITEM, changed_source, mode="link").attachment
    managed = attach_file(library, IMAGE_ITEM, make_png(tmp_path / "managed.png")).attachment
    gone_source.unlink()
    with changed_source.open("ab") as handle:
        handle.write(b"\x00" * 10)
    Path(managed.resolved_path).write_bytes(b"overwritten")
    results = {r.attachment_id: r for r in check_attachments(library)}
    assert results[ok.id].status == "ok"
    assert results[gone.id].status == "missing" and "gone.wav: missing" in results[gone.id].message
    assert results[changed.id].status == "modified"
    assert results[changed.id].actual_sha256 not in (None, changed.sha256)
    assert results[managed.id].status == "modified"
    stored = {a.id: a.status for a in library.all_attachments()}
    assert stored == {ok.id: "ok", gone.id: "missing", changed.id: "modified", managed.id: "modified"}
    assert library.item_rows([AUDIO_ITEM])[AUDIO_ITEM].problem_attachments == 2
    assert results[ok.id].to_json()["expected_sha256"] == ok.sha256


def test_relink_checks_the_hash_and_then_offers_the_siblings(library: Library, tmp_path: Path) -> None:
    old = tmp_path / "old disk"
    files = [make_wav(old / "a.wav", frequency=300), make_wav(old / "b.wav", frequency=400),
             make_wav(old / "deeper" / "c.wav", frequency=500)]
    attachments = [attach_file(library, AUDIO_ITEM, f, mode="link").attachment for f in files]
    new = tmp_path / "new disk"
    shutil.move(old, new)
    assert {r.status for r in check_attachments(library)} == {"missing"}
    wrong = make_wav(tmp_path / "other.wav", frequency=900)
    before = snapshot(library)
    with pytest.raises(AttachError, match=r"other\.wav: not the same content as attachment"):
        relink(library, attachments[0].id, wrong)
    assert snapshot(library) == before
    relinked = relink(library, attachments[0].id, new / "a.wav")
    assert relinked.status == "ok" and relinked.resolved_path == str((new / "a.wav").resolve())
    candidates = relink_candidates(library, old, new)
    assert sorted(p.name for _, p in candidates) == ["b.wav", "c.wav"]
    done, failures = relink_from_folder(library, old, new)
    assert failures == [] and len(done) == 2
    assert {r.status for r in check_attachments(library)} == {"ok"}


def test_forced_relink_takes_the_new_files_facts(library: Library, tmp_path: Path) -> None:
    attachment = attach_file(library, AUDIO_ITEM, make_wav(tmp_path / "a.wav", 1.0), mode="link").attachment
    replacement = make_wav(tmp_path / "longer.wav", 2.0)
    updated = relink(library, attachment.id, replacement, force=True)
    assert updated.duration == pytest.approx(2.0, abs=0.01)
    assert updated.sha256 != attachment.sha256 and updated.original_name == "longer.wav"


def test_relink_restores_a_missing_managed_copy(library: Library, tmp_path: Path) -> None:
    source = make_jpeg(tmp_path / "photo.jpg")
    attachment = attach_file(library, IMAGE_ITEM, source).attachment
    Path(attachment.resolved_path).unlink()
    assert check_attachments(library)[0].status == "missing"
    restored = relink(library, attachment.id, source)
    assert restored.status == "ok" and Path(restored.resolved_path).read_bytes() == source.read_bytes()
    with pytest.raises(AttachError, match="is a managed copy"):
        relink(library, attachment.id, make_png(tmp_path / "other.png"), force=True)
