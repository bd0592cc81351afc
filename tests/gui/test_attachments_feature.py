"""The app's attachment actions, driven with pytest-qt: attach, drops, duplicates, import with cancel,
check with badges, relink with the offer to relink the rest, detach. Dialogs answer from a script."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from mediacat.core import attach_batch
from mediacat.core.filestore import leftover_temp_files
from mediacat.core.library import Library
from mediacat.core.model import Attachment
from mediacat.gui.dialogs.attachment_dialogs import AttachmentDialogs
from mediacat.gui.features.attachments import AttachmentsFeature
from mediacat.gui.main_window import MainWindow
from mediacat.gui.models.catalog_model import Roles
from tests.gui.window_helpers import settle, wait_settled
from tests.media_fixtures import make_jpeg, make_mp4, make_png, make_wav

IMAGE_ITEM = "skycrane-still"
AUDIO_ITEM = "mars-wind-audio-original"
TASK_TIMEOUT_MS = 30_000

pytestmark = pytest.mark.qt_log_ignore("Couldn't load pipewire", "Couldn't resolve pipewire")


class ScriptedDialogs(AttachmentDialogs):
    """Answers the feature's questions from a script and records what it was asked (no modal dialogs). A
    subclass, so mypy holds each answer to the real dialog's signature; it overrides every question."""

    def __init__(self) -> None:
        self.files: tuple[list[str], str] | None = None
        self.folder: tuple[str, bool, str] | None = None
        self.base_dir: str | None = None
        self.attach_anyway = False
        self.relink_file: str | None = None
        self.relink_rest = True
        self.relink_different = False
        self.detach_answer: bool | None = False
        self.pick: int = 0
        self.asked: list[tuple] = []
        self.reports: list[tuple[str, str, list[tuple[str, str]]]] = []
        self.report_details: list[str] = []
        self.drop_mode: tuple[str, bool] | None = ("copy", True)

    def choose_files(self, parent: QWidget) -> tuple[list[str], str] | None:
        self.asked.append(("files",))
        return self.files

    def choose_folder(self, parent: QWidget) -> tuple[str, bool, str] | None:
        self.asked.append(("folder",))
        return self.folder

    def choose_link_base_dir(self, parent: QWidget, current: Path | None) -> str | None:
        self.asked.append(("base dir", current))
        return self.base_dir

    def attach_duplicates(self, parent: QWidget, duplicates: list[tuple[str, list[Attachment]]]) -> bool:
        self.asked.append(("duplicates", [Path(p).name for p, _ in duplicates]))
        return self.attach_anyway

    def show_report(self, parent: QWidget, title: str, summary: str, failures: list[tuple[str, str]], *,
                    details: str = ""):  # shows no dialog, so returns none (the feature never uses it)
        self.reports.append((title, summary, failures))
        self.report_details.append(details)

    def ask_drop_mode(self, parent: QWidget, item_title: str, paths: list[str],
                      on_chosen: Callable[[tuple[str, bool] | None], None]):  # no dialog to return, as above
        self.asked.append(("drop", item_title, [Path(p).name for p in paths]))
        on_chosen(self.drop_mode)

    def choose_attachment(self, parent: QWidget, attachments: list[Attachment], action: str) -> Attachment | None:
        self.asked.append(("attachment", action, [a.id for a in attachments]))
        return attachments[self.pick]

    def choose_relink_file(self, parent: QWidget, attachment: Attachment) -> str | None:
        return self.relink_file

    def relink_anyway(self, parent: QWidget, problem: str) -> bool:
        self.asked.append(("relink anyway", problem))
        return self.relink_different

    def relink_others(self, parent: QWidget, count: int, old_folder: str, new_folder: str) -> bool:
        self.asked.append(("relink others", count, old_folder, new_folder))
        return self.relink_rest

    def confirm_detach(self, parent: QWidget, attachment: Attachment, other_users: int) -> bool | None:
        self.asked.append(("detach", attachment.mode, other_users))
        return self.detach_answer


@pytest.fixture
def window(qtbot: QtBot, library: Library) -> Iterator[MainWindow]:
    main_window = MainWindow(library, thumbnails=False)
    qtbot.addWidget(main_window)
    settle(qtbot, main_window)
    yield main_window
    main_window.tasks.wait_for_all()


@pytest.fixture
def feature(window: MainWindow) -> AttachmentsFeature:
    found = window.findChild(AttachmentsFeature, "attachments-feature")
    assert found is not None
    found.dialogs = ScriptedDialogs()
    return found


def select(window: MainWindow, item_id: str) -> None:
    assert window.select_item(item_id)
    wait_settled(window)
    assert window.current_item_id() == item_id


def test_menus_hold_the_attachment_actions(window: MainWindow) -> None:
    item_actions = [action.text() for action in window.menu("Item").actions()]
    for text in ("&Attach Files…", "&Import Folder…", "&Relink…", "&Detach…"):
        assert text in item_actions
    tools_actions = [action.text() for action in window.menu("Tools").actions()]
    assert "&Check Attachments" in tools_actions and "&Link Base Folder…" in tools_actions


def test_link_base_folder_moves_with_the_files(qtbot, window, feature, library: Library, tmp_path: Path) -> None:
    """Set the base folder, link a file inside it, move the whole tree, point the base folder at the new place."""
    old_root, new_root = tmp_path / "old disk", tmp_path / "new disk"
    photo = make_jpeg(old_root / "landing" / "skycrane.jpg")
    feature.dialogs.base_dir = str(old_root)
    feature.base_dir_action.trigger()
    settle(qtbot, window)
    assert library.link_base_dir == old_root.resolve() and feature.dialogs.asked == [("base dir", None)]
    select(window, IMAGE_ITEM)
    feature.dialogs.files = ([str(photo)], "link")
    with qtbot.waitSignal(feature.attach_finished, timeout=TASK_TIMEOUT_MS):
        feature.attach_action.trigger()
    [attachment] = library.item(IMAGE_ITEM).attachments
    assert attachment.path == "landing/skycrane.jpg"  # stored relative to the base folder
    shutil.move(old_root, new_root)
    feature.dialogs.base_dir = str(tmp_path / "no such folder")
    feature.base_dir_action.trigger()
    settle(qtbot, window)
    assert library.link_base_dir == old_root.resolve() and window.last_error_dialog is not None
    window.last_error_dialog.close()
    feature.dialogs.base_dir = str(new_root)
    feature.base_dir_action.trigger()
    settle(qtbot, window)
    assert feature.dialogs.asked[-1] == ("base dir", old_root.resolve())
    [moved] = library.item(IMAGE_ITEM).attachments
    assert moved.resolved_path == str(new_root.resolve() / "landing" / "skycrane.jpg")
    assert str(new_root.resolve()) in window.statusBar().currentMessage()


def test_attach_files_reports_the_bad_one_and_attaches_the_rest(qtbot, window, feature, tmp_path: Path) -> None:
    select(window, IMAGE_ITEM)
    good = make_jpeg(tmp_path / "good one.jpg")
    fake = tmp_path / "fake.jpg"
    fake.write_text("not an image")
    feature.dialogs.files = ([str(good), str(fake)], "copy")
    with qtbot.waitSignal(feature.attach_finished, timeout=TASK_TIMEOUT_MS) as finished:
        feature.attach_action.trigger()
    report = finished.args[0]
    assert [Path(r.path).name for r in report.attached] == ["good one.jpg"]
    [(title, summary, failures)] = feature.dialogs.reports
    assert title == "Attach files" and "1 attached, 1 failed" in summary
    assert failures[0][1].startswith(f"{fake}: not a media file")
    assert [a.original_name for a in window.library.item(IMAGE_ITEM).attachments] == ["good one.jpg"]
    row = window.model.row_of(IMAGE_ITEM)
    assert window.model.index(row, 0).data(Roles.AttachmentCountRole) == 1


def test_dropped_files_are_attached_and_duplicates_prompted(qtbot, window, feature, tmp_path: Path) -> None:
    sound = make_wav(tmp_path / "wind.wav")
    with qtbot.waitSignal(feature.attach_finished, timeout=TASK_TIMEOUT_MS):
        window.files_dropped.emit(AUDIO_ITEM, [str(sound)])
    assert len(window.library.item(AUDIO_ITEM).attachments) == 1
    feature.dialogs.attach_anyway = False
    with qtbot.waitSignal(feature.attach_finished, timeout=TASK_TIMEOUT_MS) as skipped:
        window.files_dropped.emit("mars-wind-audio-filtered", [str(sound)])
    assert ("duplicates", ["wind.wav"]) in feature.dialogs.asked
    assert len(skipped.args[0].duplicates) == 1
    assert window.library.item("mars-wind-audio-filtered").attachments == ()
    feature.dialogs.attach_anyway = True
    with qtbot.waitSignal(feature.attach_finished, timeout=TASK_TIMEOUT_MS):
        window.files_dropped.emit("mars-wind-audio-filtered", [str(sound)])
    with qtbot.waitSignal(feature.attach_finished, timeout=TASK_TIMEOUT_MS) as retried:
        pass  # the "attach anyway" retry runs as a second task
    assert len(retried.args[0].attached) == 1
    assert len(window.library.item("mars-wind-audio-filtered").attachments) == 1


def test_import_folder_reports_each_failure(qtbot, window, feature, tmp_path: Path) -> None:
    folder = tmp_path / "drop"
    make_jpeg(folder / "a.jpg")
    make_png(folder / "sub" / "b.png")
    (folder / "sub" / "empty.png").write_bytes(b"")
    select(window, IMAGE_ITEM)
    feature.dialogs.folder = (str(folder), True, "link")
    with qtbot.waitSignal(feature.attach_finished, timeout=TASK_TIMEOUT_MS) as finished:
        feature.import_action.trigger()
    report = finished.args[0]
    assert len(report.attached) == 2 and {a.attachment.mode for a in report.attached} == {"link"}
    [(_title, summary, failures)] = feature.dialogs.reports
    assert summary == "Import folder: 2 attached, 1 failed"
    empty = folder / "sub" / "empty.png"
    assert failures == [(str(empty), f"{empty}: the file is empty (0 bytes)")]


def test_cancelling_an_import_from_its_progress_dialog(qtbot, window, feature, library: Library,
                                                       tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "many"
    for index in range(6):
        make_jpeg(folder / f"{index}.jpg", (80 + index, 60))
    # A folder import commits in batches and keeps what it had read when cancelled: with the default batch all
    # six small files could be read before the click. With a batch of one file, the first commit waits for the
    # blocker below, which lets go only after the cancel has been pressed.
    monkeypatch.setattr(attach_batch, "BATCH_FILES", 1)
    blocker = sqlite3.connect(library.paths.database)
    blocker.execute("BEGIN IMMEDIATE")  # the first file cannot be committed until the cancel has been pressed
    try:
        with qtbot.waitSignal(feature.attach_finished, timeout=TASK_TIMEOUT_MS) as finished:
            handle = feature.attach(IMAGE_ITEM, [str(folder)], "copy", title="Import folder")
            assert handle.progress_dialog is not None and handle.cancellable
            cancel_button = handle.progress_dialog.findChild(QPushButton)
            assert cancel_button is not None and cancel_button.text() == "Cancel"
            cancel_button.click()
            blocker.rollback()
    finally:
        blocker.close()
    report = finished.args[0]
    assert report.cancelled and len(report.attached) <= 1
    assert len(window.library.item(IMAGE_ITEM).attachments) == len(report.attached)
    assert leftover_temp_files(library.paths.media) == []
    assert "cancelled" in feature.dialogs.reports[-1][1]


def test_check_marks_missing_files_with_a_badge(qtbot, window, feature, tmp_path: Path) -> None:
    sound = make_wav(tmp_path / "wind.wav")
    with qtbot.waitSignal(feature.attach_finished, timeout=TASK_TIMEOUT_MS):
        feature.attach(AUDIO_ITEM, [str(sound)], "link")
    sound.unlink()
    with qtbot.waitSignal(feature.check_finished, timeout=TASK_TIMEOUT_MS) as finished:
        feature.check_action.trigger()
        settle(qtbot, window)
    assert [r.status for r in finished.args[0]] == ["missing"]
    row = window.model.row_of(AUDIO_ITEM)
    assert window.model.index(row, 0).data(Roles.ProblemCountRole) == 1
    [(_title, summary, failures)] = feature.dialogs.reports
    assert "1 missing, modified or unreadable" in summary and "wind.wav: missing" in failures[0][1]
    assert "6 built-in files: all ok" in summary  # the catalog's shipped NASA files are checked too


def test_relink_one_then_the_rest_of_the_folder(qtbot, window, feature, tmp_path: Path) -> None:
    old = tmp_path / "old"
    paths = [make_wav(old / f"{name}.wav", frequency=300 + 50 * index) for index, name in enumerate("abc")]
    with qtbot.waitSignal(feature.attach_finished, timeout=TASK_TIMEOUT_MS):
        feature.attach(AUDIO_ITEM, [str(p) for p in paths], "link")
    new = tmp_path / "new"
    shutil.move(old, new)
    select(window, AUDIO_ITEM)
    feature.dialogs.relink_file = str(new / "a.wav")
    with qtbot.waitSignal(feature.relink_finished, timeout=TASK_TIMEOUT_MS) as finished:
        feature.relink_action.trigger()
    assert len(finished.args[0]) == 3
    asked = [entry for entry in feature.dialogs.asked if entry[0] == "relink others"]
    assert asked == [("relink others", 2, str(old), str(new))]
    assert {a.status for a in window.library.item(AUDIO_ITEM).attachments} == {"ok"}
    assert {Path(a.resolved_path).parent for a in window.library.item(AUDIO_ITEM).attachments} == {new}


def test_relink_to_different_content_asks_first(qtbot, window, feature, tmp_path: Path) -> None:
    original = make_wav(tmp_path / "a.wav", 1.0)
    with qtbot.waitSignal(feature.attach_finished, timeout=TASK_TIMEOUT_MS):
        feature.attach(AUDIO_ITEM, [str(original)], "link")
    original.unlink()
    other = make_wav(tmp_path / "longer.wav", 2.0)
    select(window, AUDIO_ITEM)
    feature.dialogs.relink_file = str(other)
    feature.dialogs.relink_different = False
    with qtbot.waitSignal(feature.relink_finished, timeout=TASK_TIMEOUT_MS) as refused:
        feature.relink_action.trigger()
    assert refused.args[0] == []
    asked = [entry for entry in feature.dialogs.asked if entry[0] == "relink anyway"]
    assert len(asked) == 1 and "not the same content" in asked[0][1]
    assert "force it" not in asked[0][1]  # the CLI's words stay in the CLI
    assert window.last_error_dialog is None  # declining is not a failure: no second dialog
    assert "Not relinked" in window.statusBar().currentMessage()
    assert "a.wav" in window.library.item(AUDIO_ITEM).attachments[0].original_name
    feature.dialogs.relink_different = True
    with qtbot.waitSignal(feature.relink_finished, timeout=TASK_TIMEOUT_MS) as forced:
        feature.relink_action.trigger()
    [attachment] = forced.args[0]
    assert attachment.original_name == "longer.wav" and attachment.duration == pytest.approx(2.0, abs=0.01)


def test_detach_keeps_linked_originals_and_deletes_unused_copies(qtbot, window, feature, tmp_path: Path) -> None:
    photo = make_jpeg(tmp_path / "photo.jpg")
    with qtbot.waitSignal(feature.attach_finished, timeout=TASK_TIMEOUT_MS):
        feature.attach(IMAGE_ITEM, [str(photo)], "copy")
    managed = Path(window.library.item(IMAGE_ITEM).attachments[0].resolved_path)
    select(window, IMAGE_ITEM)
    feature.dialogs.detach_answer = None  # cancel: nothing happens
    feature.detach_action.trigger()
    settle(qtbot, window)
    assert len(window.library.item(IMAGE_ITEM).attachments) == 1
    feature.dialogs.detach_answer = True
    with qtbot.waitSignal(feature.detach_finished, timeout=TASK_TIMEOUT_MS) as finished:
        feature.detach_action.trigger()
        settle(qtbot, window)
    assert finished.args[0].deleted_file == str(managed) and not managed.exists()
    assert photo.exists()
    with qtbot.waitSignal(feature.attach_finished, timeout=TASK_TIMEOUT_MS):
        feature.attach(IMAGE_ITEM, [str(photo)], "link")
    with qtbot.waitSignal(feature.detach_finished, timeout=TASK_TIMEOUT_MS) as finished:
        feature.detach_action.trigger()
        settle(qtbot, window)
    assert ("detach", "link", 0) in feature.dialogs.asked
    assert photo.exists() and finished.args[0].deleted_file is None


def test_a_video_attached_in_the_background_gets_its_qt_facts(qtbot, window, feature, tmp_path: Path) -> None:
    clip = make_mp4(tmp_path / "clip.mp4", 1.0, size="320x240")
    with qtbot.waitSignal(feature.attach_finished, timeout=TASK_TIMEOUT_MS) as finished:
        feature.attach("edl-landing-video", [str(clip)], "copy")
    [result] = finished.args[0].attached
    assert (result.attachment.width, result.attachment.height) == (320, 240)
    assert result.attachment.facts["video_codec"] == "H264"


def _click_when_shown(qtbot, button_text: str) -> None:
    """Press a button of the next modal message box as soon as it appears (so exec() returns)."""

    def press() -> None:
        box = QApplication.activeModalWidget()
        if box is None:
            QTimer.singleShot(10, press)
            return
        for button in box.findChildren(QPushButton):
            if button.text().replace("&", "") == button_text:
                button.click()
                return
        raise AssertionError(f"no button {button_text!r} in {[b.text() for b in box.findChildren(QPushButton)]}")

    QTimer.singleShot(0, press)


def test_real_dialogs_report_and_ask(qtbot, window, library: Library, tmp_path: Path) -> None:
    from mediacat.core.attachments import attach_file
    from mediacat.gui.dialogs.attachment_dialogs import AttachmentDialogs

    dialogs = AttachmentDialogs()
    failures = [("/x/bad.jpg", "/x/bad.jpg: the file is empty")]
    report = dialogs.show_report(window, "Import folder", "1 attached, 1 failed", failures)
    assert report.isVisible() and report.message_label.text().startswith("1 attached, 1 failed")
    assert "/x/bad.jpg: the file is empty" in report.message_label.text()
    assert report.details_button.isEnabled() and "/x/bad.jpg" in report.details
    report.close()
    attachment = attach_file(library, IMAGE_ITEM, make_jpeg(tmp_path / "p.jpg")).attachment
    _click_when_shown(qtbot, "Attach Anyway")
    assert dialogs.attach_duplicates(window, [("/x/p.jpg", [attachment])]) is True
    _click_when_shown(qtbot, "Skip")
    assert dialogs.attach_duplicates(window, [("/x/p.jpg", [attachment])]) is False
    _click_when_shown(qtbot, "Detach and Delete Copy")
    assert dialogs.confirm_detach(window, attachment, 0) is True
    _click_when_shown(qtbot, "Detach")
    assert dialogs.confirm_detach(window, attachment, 2) is False  # a shared copy can only be kept
    _click_when_shown(qtbot, "Cancel")
    assert dialogs.confirm_detach(window, attachment, 0) is None
