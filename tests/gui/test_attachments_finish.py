# ruff: noqa: F811  (the fixtures of test_attachments_feature are imported by name)
"""Issue 16, attachments in the app: a drop on an unselected row selects it, asks copy or link and reports what
was attached; the folder report names ignored files and its Show Details has the full account and Copy; a
declined relink shows no second dialog and the GUI's own wording; detach says it cannot be undone."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QRadioButton

from mediacat.core.attachments import attach_file
from mediacat.gui.dialogs.attachment_dialogs import AttachmentDialogs, AttachOptionsDialog
from mediacat.gui.dialogs.error_dialog import ErrorDialog
from tests.gui.test_attachments_feature import (  # noqa: F401  (fixtures)
    AUDIO_ITEM,
    IMAGE_ITEM,
    TASK_TIMEOUT_MS,
    _click_when_shown,
    feature,
    window,
)
from tests.gui.test_main_window import _drop
from tests.media_fixtures import make_jpeg, make_wav


def test_a_drop_on_an_unselected_row_selects_it_asks_and_reports(qtbot, window, feature, tmp_path: Path) -> None:
    sound = make_wav(tmp_path / "wind.wav")
    window.select_item(IMAGE_ITEM)
    target = window.model.index(window.model.row_of(AUDIO_ITEM), 0)
    window.grid.scrollTo(target)
    qtbot.waitUntil(lambda: window.grid.indexAt(window.grid.visualRect(target).center()) == target)
    feature.dialogs.drop_mode = ("link", False)
    with qtbot.waitSignal(feature.attach_finished, timeout=TASK_TIMEOUT_MS):
        _drop(window.grid.viewport(), window.grid.visualRect(target).center(), [sound])
    assert window.current_item_id() == AUDIO_ITEM and window.selected_item_ids() == [AUDIO_ITEM]
    title = window.library.item(AUDIO_ITEM).title
    assert ("drop", title, ["wind.wav"]) in feature.dialogs.asked
    [attachment] = window.library.item(AUDIO_ITEM).attachments
    assert attachment.mode == "link"  # as chosen, not silently copied
    [(report_title, summary, _failures)] = feature.dialogs.reports
    assert title in report_title and "1 attached" in summary
    details = feature.dialogs.report_details[0]
    assert str(sound) in details and "linked where they are" in details
    assert "wind.wav" in window.detail.fields.text()  # the details on show are the target's


def test_a_cancelled_drop_attaches_nothing(qtbot, window, feature, tmp_path: Path) -> None:
    feature.dialogs.drop_mode = None
    window.files_dropped.emit(AUDIO_ITEM, [str(make_wav(tmp_path / "wind.wav"))])
    assert window.library.item(AUDIO_ITEM).attachments == ()
    assert "nothing attached" in window.statusBar().currentMessage()


def test_the_real_drop_question_offers_copy_and_link(qtbot, window, tmp_path: Path) -> None:
    chosen: list[tuple[str, bool] | None] = []
    dialog = AttachmentDialogs().ask_drop_mode(window, "An item", [str(tmp_path)], chosen.append)
    assert isinstance(dialog, AttachOptionsDialog) and dialog.isVisible() and "An item" in dialog.windowTitle()
    assert dialog.recursive_box.isVisibleTo(dialog)  # a folder: with subfolders?
    [link] = [b for b in dialog.findChildren(QRadioButton) if "Link" in b.text()]
    link.setChecked(True)
    dialog.accept()
    assert chosen == [("link", True)]


def test_import_folder_names_the_ignored_files_with_real_details(qtbot, window, feature, tmp_path: Path) -> None:
    folder = tmp_path / "import"
    make_jpeg(folder / "a.jpg")
    (folder / "notes.txt").write_text("my notes")
    (folder / "empty.jpg").write_bytes(b"")
    feature.dialogs.folder = (str(folder), True, "copy")
    window.select_item(IMAGE_ITEM)
    with qtbot.waitSignal(feature.attach_finished, timeout=TASK_TIMEOUT_MS):
        feature.import_action.trigger()
    [(_title, summary, failures)] = feature.dialogs.reports
    assert "1 other file ignored (notes.txt)" in summary and len(failures) == 1
    details = feature.dialogs.report_details[0]
    for expected in (str(folder / "a.jpg"), str(folder / "notes.txt"), str(folder / "empty.jpg"), "Ignored",
                     "Failed", "Attached"):
        assert expected in details
    # the real report dialog: its details are more than the message, and Copy copies both
    report = AttachmentDialogs().show_report(window, "Import folder", summary, failures, details=details)
    assert isinstance(report, ErrorDialog)
    report.details_button.click()
    assert report.details_view.isVisible() and report.details_view.toPlainText() == details
    assert report.details_view.toPlainText() != report.message_label.text()
    report.copy_button.click()
    clipboard = QApplication.clipboard().text()
    assert summary in clipboard and str(folder / "notes.txt") in clipboard
    report.close()


def _text_of_next_box(qtbot, seen: list, button: str) -> None:
    def look() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, look)
            return
        seen.append(f"{box.windowTitle()}\n{box.text()}\n{box.informativeText()}")

    QTimer.singleShot(0, look)
    _click_when_shown(qtbot, button)


def test_the_relink_question_speaks_the_gui_and_keeps_the_old_link(qtbot, window) -> None:
    seen: list[str] = []
    _text_of_next_box(qtbot, seen, "Keep the Old Link")
    problem = "/x/longer.wav: not the same content as attachment #1 (SHA-256 …); not relinked"
    assert AttachmentDialogs().relink_anyway(window, problem) is False
    assert problem in seen[0] and "force it" not in seen[0] and "Relink anyway?" in seen[0]
    _text_of_next_box(qtbot, seen, "Relink Anyway")
    assert AttachmentDialogs().relink_anyway(window, problem) is True


def test_detach_says_it_cannot_be_undone(qtbot, window, library, tmp_path: Path) -> None:
    attachment = attach_file(library, IMAGE_ITEM, make_jpeg(tmp_path / "p.jpg")).attachment
    linked = attach_file(library, AUDIO_ITEM, make_wav(tmp_path / "w.wav"), mode="link").attachment
    for target, users in ((attachment, 0), (attachment, 2), (linked, 0)):
        seen: list[str] = []
        _text_of_next_box(qtbot, seen, "Cancel")
        assert AttachmentDialogs().confirm_detach(window, target, users) is None
        assert "cannot be undone" in seen[0]


def test_the_cli_keeps_its_own_relink_wording(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    from mediacat.core.library import Library

    repo = Path(__file__).resolve().parents[2]
    folder = tmp_path / "lib"
    with Library.open(folder) as library:
        attach_file(library, AUDIO_ITEM, make_wav(tmp_path / "a.wav", 1.0), mode="link")
    other = make_wav(tmp_path / "b.wav", 2.0)
    result = subprocess.run([sys.executable, "-m", "mediacat", "relink", "1", str(other), "--library", str(folder)],
                            capture_output=True, text=True, cwd=repo, env={**os.environ, "PYTHONPATH": str(repo)})
    assert result.returncode == 2 and "not the same content" in result.stderr and "force it" in result.stderr
