"""The attach, check, detach and relink commands, run in-process through `mediacat.cli.main` and as a process."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mediacat.cli import main
from mediacat.core.library import Library
from tests.media_fixtures import corrupt_mp3, make_jpeg, make_png, make_wav

REPO = Path(__file__).resolve().parents[2]
IMAGE_ITEM = "skycrane-still"
AUDIO_ITEM = "mars-wind-audio-original"


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def show_json(capsys: pytest.CaptureFixture[str], item_id: str) -> dict:
    code, out, _ = run_cli(capsys, "show", item_id, "--json")
    assert code == 0
    return json.loads(out)


def test_attach_copies_by_default_and_show_json_lists_the_attachment(capsys, tmp_path: Path) -> None:
    photo = make_jpeg(tmp_path / "sky crane.jpg", (320, 200))
    code, out, err = run_cli(capsys, "attach", IMAGE_ITEM, str(photo))
    assert code == 0, err
    assert f"attached {photo} to {IMAGE_ITEM} as #1 (copy, image/jpeg, 320x200)" in out
    [attachment] = show_json(capsys, IMAGE_ITEM)["attachments"]
    assert attachment["mode"] == "copy" and attachment["width"] == 320 and attachment["height"] == 200
    assert attachment["size"] == photo.stat().st_size and len(attachment["sha256"]) == 64
    assert attachment["mime"] == "image/jpeg" and attachment["status"] == "ok"
    assert Path(attachment["path"]).is_file() and Path(attachment["path"]) != photo


def test_attach_link_with_base_dir_and_options_after_paths(capsys, tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    first, second = make_wav(tree / "a.wav", frequency=300), make_wav(tree / "b.wav", frequency=600)
    code, out, err = run_cli(capsys, "attach", AUDIO_ITEM, str(first), "--link", str(second),
                             "--base-dir", str(tree))
    assert code == 0, err
    assert f"link base folder: {tree.resolve()}" in out
    stored = [a["stored_path"] for a in show_json(capsys, AUDIO_ITEM)["attachments"]]
    assert stored == ["a.wav", "b.wav"]


def test_duplicates_are_skipped_with_a_message_unless_allowed(capsys, tmp_path: Path) -> None:
    sound = make_wav(tmp_path / "wind.wav")
    assert run_cli(capsys, "attach", AUDIO_ITEM, str(sound))[0] == 0
    code, out, err = run_cli(capsys, "attach", "mars-wind-audio-filtered", str(sound))
    assert code == 0 and out == ""
    assert "skipped: " in err and "wind.wav: the same content is already attached" in err
    assert "--allow-duplicate" in err
    code, out, err = run_cli(capsys, "attach", "mars-wind-audio-filtered", str(sound), "--allow-duplicate")
    assert code == 0 and "as #2" in out
    assert "same content as attachment #1" in err


def test_partial_failures_exit_1_and_name_each_file(capsys, tmp_path: Path) -> None:
    good = make_png(tmp_path / "good.png")
    text = tmp_path / "fake.jpg"
    text.write_text("hello")
    broken = corrupt_mp3(tmp_path / "broken.mp3")
    code, out, err = run_cli(capsys, "attach", IMAGE_ITEM, str(good), str(text), str(broken), "ftp://example.org/x.jpg",
                              "data:image/png;base64,AA==")
    assert code == 1
    assert "attached" in out and "good.png" in out
    assert f"mediacat: error: {text}: not a media file" in err
    assert f"mediacat: error: {broken}: corrupt MP3" in err
    assert "mediacat: error: ftp://example.org/x.jpg: " in err and "refused" in err
    assert "mediacat: error: data:image/png;base64,AA==: data: URLs are refused" in err
    assert len(show_json(capsys, IMAGE_ITEM)["attachments"]) == 1


def test_attach_folder_recursive_reports_failures(capsys, tmp_path: Path) -> None:
    folder = tmp_path / "drop"
    make_jpeg(folder / "one.jpg")
    make_png(folder / "deeper" / "two.png")
    (folder / "deeper" / "empty.png").write_bytes(b"")
    code, out, err = run_cli(capsys, "attach", IMAGE_ITEM, str(folder), "--recursive")
    assert code == 1
    assert "\n2 attached, 1 failed\n" in out
    assert f"{folder / 'deeper' / 'empty.png'}: the file is empty" in err
    code, out, err = run_cli(capsys, "attach", "hazcam-wheel-color", str(folder))
    assert code == 0 and out == ""  # not recursive: one.jpg only, a duplicate
    assert "one.jpg: the same content is already attached" in err and "two.png" not in err


def test_unknown_item_and_bad_arguments_exit_2(capsys, tmp_path: Path) -> None:
    photo = make_jpeg(tmp_path / "p.jpg")
    code, _, err = run_cli(capsys, "attach", "no-such-item", str(photo))
    assert code == 2 and "no item with id 'no-such-item'" in err
    code, _, err = run_cli(capsys, "attach", IMAGE_ITEM)
    assert code == 2 and "needs an item ID and at least one PATH" in err
    code, _, err = run_cli(capsys, "attach", IMAGE_ITEM, "--base-dir", str(tmp_path / "nowhere"))
    assert code == 2 and "the link base folder must be an existing folder" in err
    code, _, err = run_cli(capsys, "detach", "42")
    assert code == 2 and "no attachment with id 42" in err


def test_check_reports_and_exits_1_when_anything_is_not_ok(capsys, tmp_path: Path) -> None:
    kept = make_jpeg(tmp_path / "kept.jpg")
    gone = make_wav(tmp_path / "gone.wav")
    run_cli(capsys, "attach", IMAGE_ITEM, str(kept), "--link")
    run_cli(capsys, "attach", AUDIO_ITEM, str(gone), "--link")
    code, out, _ = run_cli(capsys, "check")
    assert code == 0 and "2 attachments checked: 2 ok" in out
    gone.unlink()
    with kept.open("ab") as handle:
        handle.write(b"more")
    code, out, _ = run_cli(capsys, "check", "--json")
    assert code == 1
    results = {r["item_id"]: r for r in json.loads(out) if not r["builtin"]}
    assert results[AUDIO_ITEM]["status"] == "missing" and results[AUDIO_ITEM]["actual_sha256"] is None
    assert results[IMAGE_ITEM]["status"] == "modified"
    assert set(results[IMAGE_ITEM]) == {"attachment_id", "item_id", "path", "status", "expected_sha256",
                                        "actual_sha256", "message", "builtin"}
    code, out, _ = run_cli(capsys, "check")
    assert code == 1 and "1 missing" in out and "1 modified" in out and "gone.wav: missing" in out
    assert show_json(capsys, AUDIO_ITEM)["attachments"][0]["status"] == "missing"


def test_check_as_a_separate_process(capsys, tmp_path: Path) -> None:
    gone = make_wav(tmp_path / "gone.wav")
    assert run_cli(capsys, "attach", AUDIO_ITEM, str(gone), "--link")[0] == 0
    gone.unlink()
    process = subprocess.run([sys.executable, "-m", "mediacat", "check", "--json"], cwd=REPO,
                             capture_output=True, text=True, check=False)
    assert process.returncode == 1, process.stderr
    [result] = [r for r in json.loads(process.stdout) if not r["builtin"]]
    assert result["status"] == "missing" and result["path"] == str(gone.resolve())


def test_detach_command_rules(capsys, tmp_path: Path) -> None:
    linked = make_wav(tmp_path / "linked.wav")
    run_cli(capsys, "attach", AUDIO_ITEM, str(linked), "--link")
    code, out, err = run_cli(capsys, "detach", "1", "--delete-copy")
    assert code == 0 and "detached #1" in out and "never deleted" in err
    assert linked.exists()
    run_cli(capsys, "attach", AUDIO_ITEM, str(linked))
    [attachment] = show_json(capsys, AUDIO_ITEM)["attachments"]
    managed = Path(attachment["path"])
    code, out, _ = run_cli(capsys, "detach", str(attachment["id"]))
    assert code == 0 and managed.exists()
    run_cli(capsys, "attach", AUDIO_ITEM, str(linked))
    [attachment] = show_json(capsys, AUDIO_ITEM)["attachments"]
    code, out, _ = run_cli(capsys, "detach", str(attachment["id"]), "--delete-copy")
    assert code == 0 and f"deleted the managed copy {managed}" in out and not managed.exists()


def test_relink_command_and_all_from_folder(capsys, tmp_path: Path) -> None:
    old = tmp_path / "old"
    for index, name in enumerate(("a.wav", "b.wav", "c.wav")):
        make_wav(old / name, frequency=200 + 100 * index)
        run_cli(capsys, "attach", AUDIO_ITEM, str(old / name), "--link")
    new = tmp_path / "new"
    shutil.move(old, new)
    code, out, err = run_cli(capsys, "relink", "1", str(new / "b.wav"))
    assert code == 2 and "not the same content as attachment #1" in err
    code, out, _ = run_cli(capsys, "relink", "1", str(new / "a.wav"))
    assert code == 0 and "2 other missing files" in out and "--all-from-folder" in out
    code, out, _ = run_cli(capsys, "relink", "2", str(new / "b.wav"), "--all-from-folder")
    assert code == 0 and "relinked #3" in out
    assert run_cli(capsys, "check")[0] == 0


def test_unreadable_file_is_named_and_the_rest_goes_on(capsys, tmp_path: Path) -> None:
    secret = make_jpeg(tmp_path / "secret.jpg")
    fine = make_png(tmp_path / "fine.png")
    secret.chmod(0)
    command = [sys.executable, "-m", "mediacat", "attach", IMAGE_ITEM, str(secret), str(fine)]
    if os.geteuid() == 0:  # root reads anything: drop the capabilities that let it ignore file modes
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: cannot make a file unreadable")
        caps = "-dac_override,-dac_read_search"
        command = [setpriv, f"--inh-caps={caps}", f"--bounding-set={caps}", *command]
    try:
        Library.open().close()  # create the library first, as the test user
        process = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
    finally:
        secret.chmod(0o644)
    assert process.returncode == 1, process.stderr
    assert f"{secret}: cannot read the file (Permission denied)" in process.stderr
    assert "fine.png" in process.stdout
    assert len(show_json(capsys, IMAGE_ITEM)["attachments"]) == 1
