"""The questions the attachment actions ask (files, folder, copy or link, duplicates, relink, detach) and the report.

`AttachmentDialogs` is one object so tests can hand the feature a scripted stand-in that answers without
showing modal dialogs; every method here is the real Qt dialog.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QInputDialog,
    QLabel,
    QMessageBox,
    QRadioButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from mediacat.core.model import Attachment
from mediacat.gui.dialogs.error_dialog import ErrorDialog

IMAGE_PATTERNS = "*.jpg *.jpeg *.png *.gif *.tif *.tiff *.webp *.bmp"
AUDIO_PATTERNS = "*.mp3 *.wav *.flac *.ogg *.oga *.opus *.m4a *.aac *.aif *.aiff"
VIDEO_PATTERNS = "*.mp4 *.m4v *.mov *.webm *.mkv *.avi *.ogv"
MEDIA_FILTERS = ";;".join(
    (
        f"Media files ({IMAGE_PATTERNS} {AUDIO_PATTERNS} {VIDEO_PATTERNS})",
        f"Images ({IMAGE_PATTERNS})",
        f"Audio ({AUDIO_PATTERNS})",
        f"Video ({VIDEO_PATTERNS})",
        "All files (*)",
    )
)
REPORT_LINES = 8


class AttachOptionsDialog(QDialog):
    """Copy into the library or link in place (and, for folders, whether to include subfolders)."""

    def __init__(self, title: str, *, with_recursive: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        self.copy_button = QRadioButton("&Copy into the library (the original stays where it is)")
        self.link_button = QRadioButton("&Link to the file where it is (no copy is made)")
        self.copy_button.setChecked(True)
        layout.addWidget(QLabel("How should MediaCat keep the files?"))
        layout.addWidget(self.copy_button)
        layout.addWidget(self.link_button)
        self.recursive_box = QCheckBox("Include &subfolders")
        self.recursive_box.setChecked(True)
        self.recursive_box.setVisible(with_recursive)
        layout.addWidget(self.recursive_box)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    @property
    def mode(self) -> str:
        return "link" if self.link_button.isChecked() else "copy"


def relink_anyway_text() -> str:
    return ("Relink anyway? The attachment will then describe the new file (its size, checksum and media facts are "
            "read again). Or keep the old link, to locate the right file later.")


def detach_text(attachment: Attachment, other_users: int) -> str:
    """What detaching does to the file, and that it cannot be undone (Edit ▸ Undo does not bring it back)."""
    if attachment.mode == "link":
        what = "The original file is never deleted; only the link is removed."
    elif other_users:
        what = f"The managed copy is kept: {other_users} other attachment(s) use it."
    else:
        what = "You can keep the managed copy in the library folder or delete it."
    return (f"{what} Detaching cannot be undone: the file's record (its checksum, facts and check history) is "
            "removed, and to get it back you attach the file again.")


class AttachmentDialogs:
    """The real dialogs. Each returns None (or False) when the person cancels."""

    def choose_files(self, parent: QWidget) -> tuple[list[str], str] | None:
        paths, _ = QFileDialog.getOpenFileNames(parent, "Attach Files", "", MEDIA_FILTERS)
        if not paths:
            return None
        options = AttachOptionsDialog("Attach Files", with_recursive=False, parent=parent)
        if options.exec() != QDialog.DialogCode.Accepted:
            return None
        return paths, options.mode

    def choose_folder(self, parent: QWidget) -> tuple[str, bool, str] | None:
        folder = QFileDialog.getExistingDirectory(parent, "Import Folder")
        if not folder:
            return None
        options = AttachOptionsDialog("Import Folder", with_recursive=True, parent=parent)
        if options.exec() != QDialog.DialogCode.Accepted:
            return None
        return folder, options.recursive_box.isChecked(), options.mode

    def choose_link_base_dir(self, parent: QWidget, current: Path | None) -> str | None:
        """The folder linked files are stored relative to (None: cancelled)."""
        folder = QFileDialog.getExistingDirectory(parent, "Link Base Folder", str(current or Path.home()))
        return folder or None

    def attach_duplicates(self, parent: QWidget, duplicates: list[tuple[str, list[Attachment]]]) -> bool:
        """Skip (False) or attach anyway (True) files whose content is already in the library."""
        lines = [
            f"{Path(path).name}: already attached to {existing[0].item_id} (#{existing[0].id})"
            for path, existing in duplicates[:REPORT_LINES]
        ]
        if len(duplicates) > REPORT_LINES:
            lines.append(f"… and {len(duplicates) - REPORT_LINES} more")
        box = QMessageBox(QMessageBox.Icon.Question, "Already Attached",
                          f"{len(duplicates)} file(s) have the same content as files already in the library.",
                          parent=parent)
        box.setInformativeText("\n".join(lines))
        skip = box.addButton("&Skip", QMessageBox.ButtonRole.RejectRole)
        anyway = box.addButton("&Attach Anyway", QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(skip)
        box.exec()
        return box.clickedButton() is anyway

    def show_report(self, parent: QWidget, title: str, summary: str, failures: list[tuple[str, str]], *,
                    details: str = "") -> ErrorDialog:
        """The end of an import, drop or check: what happened, each file that failed and why, and under Show
        Details the full account (every failed, ignored and attached file with its path), with Copy. Not
        blocking."""
        lines = [summary]
        if failures:
            shown = [message for _path, message in failures[:REPORT_LINES]]
            if len(failures) > REPORT_LINES:
                shown.append(f"… and {len(failures) - REPORT_LINES} more (Show Details lists them all)")
            lines += ["", *shown]
        full = details or "\n".join(f"{path}\n    {message}" for path, message in failures)
        pixmaps = QStyle.StandardPixmap
        icon = pixmaps.SP_MessageBoxWarning if failures else pixmaps.SP_MessageBoxInformation
        dialog = ErrorDialog(title, "\n".join(lines), full, parent, icon=icon)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setAccessibleName(f"Report: {title}")
        dialog.open()
        return dialog

    def ask_drop_mode(self, parent: QWidget, item_title: str, paths: list[str],
                      on_chosen: Callable[[tuple[str, bool] | None], None]) -> QDialog:
        """Ask, without blocking, whether to copy or link files dropped on an item (for folders: with their
        subfolders?); `on_chosen((mode, recursive))`, or `on_chosen(None)` when cancelled."""
        has_folder = any(Path(path).is_dir() for path in paths)
        count = len(paths)
        what = Path(paths[0]).name if count == 1 else f"{count} dropped files"
        options = AttachOptionsDialog(f"Attach {what} to {item_title}", with_recursive=has_folder, parent=parent)
        options.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        options.finished.connect(lambda result: on_chosen(
            (options.mode, options.recursive_box.isChecked()) if result == QDialog.DialogCode.Accepted else None))
        options.open()
        return options

    def choose_attachment(self, parent: QWidget, attachments: list[Attachment], action: str) -> Attachment | None:
        if len(attachments) == 1:
            return attachments[0]
        labels = [f"#{a.id} [{a.status}] {a.original_name} ({a.mode})" for a in attachments]
        label, ok = QInputDialog.getItem(parent, action, f"{action} which attached file?", labels, 0, False)
        return attachments[labels.index(label)] if ok and label in labels else None

    def choose_relink_file(self, parent: QWidget, attachment: Attachment) -> str | None:
        start = Path(attachment.resolved_path).parent
        path, _ = QFileDialog.getOpenFileName(
            parent, f"Locate {attachment.original_name}", str(start if start.is_dir() else Path.home()),
            MEDIA_FILTERS,
        )
        return path or None

    def relink_anyway(self, parent: QWidget, problem: str) -> bool:
        """Relink to a file with other content (True), or leave the attachment as it is (False)."""
        box = QMessageBox(QMessageBox.Icon.Question, "Different Content", problem, parent=parent)
        box.setInformativeText(relink_anyway_text())
        anyway = box.addButton("&Relink Anyway", QMessageBox.ButtonRole.AcceptRole)
        keep = box.addButton("&Keep the Old Link", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.exec()
        return box.clickedButton() is anyway

    def relink_others(self, parent: QWidget, count: int, old_folder: str, new_folder: str) -> bool:
        answer = QMessageBox.question(
            parent, "Relink Other Files",
            f"{count} other missing file(s) from {old_folder} were found in {new_folder} with the same content.\n"
            "Relink them too?",
        )
        return answer == QMessageBox.StandardButton.Yes

    def confirm_detach(self, parent: QWidget, attachment: Attachment, other_users: int) -> bool | None:
        """None: cancel; False: detach and keep the file; True: detach and delete the managed copy."""
        box = QMessageBox(QMessageBox.Icon.Question, "Detach", f"Detach {attachment.original_name} from "
                          f"{attachment.item_id}?", parent=parent)
        box.setInformativeText(detach_text(attachment, other_users))
        delete = None
        if attachment.mode == "copy" and not other_users:
            delete = box.addButton("Detach and &Delete Copy", QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton("&Detach" if delete is None else "Detach, &Keep Copy", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        clicked = box.clickedButton()
        if clicked is keep:
            return False
        if delete is not None and clicked is delete:
            return True
        return None

