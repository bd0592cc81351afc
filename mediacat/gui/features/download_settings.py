"""Tools ▸ Download Settings…: the library's download limits, NASA API URL and mirror (`dialogs/download_settings.py`).

The settings are read on a reader (`download_settings_query`) and saved by one operation on the window's writer
(`set_download_settings_op`, the same `core.download_settings.apply_download_settings` as `mediacat
download-settings`), announced by `library_changed` like every change. The app's downloads read the library's
limits as they start, so the next download obeys what was saved.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction

from mediacat.core.changes import Changes
from mediacat.core.download_settings import DownloadSettings, DownloadSettingsResult, DownloadSettingsUpdate
from mediacat.core.operations import download_settings_query, set_download_settings_op
from mediacat.gui.dialogs.download_settings import FIELD_LABELS, DownloadSettingsDialog
from mediacat.gui.features.window_api import FeatureWindow


class DownloadSettingsFeature(QObject):
    def __init__(self, window: FeatureWindow) -> None:
        super().__init__(window.dialog_parent())
        self.window = window
        self.dialog: DownloadSettingsDialog | None = None
        self.action = QAction("Download Settings…", window.dialog_parent())
        self.action.setStatusTip("The size limit, minimum rate and time limit of downloads, the NASA API URL "
                                 "and the media mirror of this library")
        self.action.triggered.connect(self.open_dialog)
        window.menu("Tools").addAction(self.action)
        window.library_changed.connect(self._library_changed)

    def open_dialog(self) -> DownloadSettingsDialog:
        """Show the dialog (one at a time) and ask a reader for the library's settings to fill it."""
        if self.dialog is not None:
            self.dialog.raise_()
            self.dialog.activateWindow()
            return self.dialog
        dialog = DownloadSettingsDialog(self.window.dialog_parent())
        dialog.save_requested.connect(lambda update: self._save(dialog, update))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda *_: self._forget(dialog))
        self.dialog = dialog
        dialog.open()
        self._read(dialog)
        return dialog

    def _forget(self, dialog: DownloadSettingsDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None

    def _read(self, dialog: DownloadSettingsDialog) -> None:
        def answered(settings: DownloadSettings) -> None:
            if self.dialog is dialog:
                dialog.show_settings(settings)

        def failed(error: BaseException) -> None:
            if self.dialog is dialog:
                dialog.show_read_error(str(error))

        self.window.run_query(download_settings_query, on_done=answered, on_error=failed, key="download-settings",
                              label="Reading the download settings")

    def _library_changed(self, changes: Changes) -> None:
        """A change made elsewhere (another window or process) while the dialog is open: show its "now"."""
        dialog = self.dialog
        if dialog is not None and not dialog.saving and (changes.download_settings or changes.is_everything):
            self._read(dialog)

    def _save(self, dialog: DownloadSettingsDialog, update: DownloadSettingsUpdate) -> None:
        def done(result: DownloadSettingsResult) -> None:
            names = ", ".join(FIELD_LABELS[name].lower() for name in result.changed)
            self.window.status_message(f"Download settings saved: {names}" if names else
                                       "Download settings unchanged")
            if self.dialog is dialog:
                dialog.saved()

        def failed(error: BaseException) -> None:
            if self.dialog is dialog:
                dialog.save_failed(error)
            else:
                self.window.report_error("Download Settings", error)

        self.window.run_op(set_download_settings_op, update, label="Save the download settings", on_done=done,
                           on_error=failed)


def install(window: FeatureWindow) -> None:
    window.download_settings_feature = DownloadSettingsFeature(window)  # type: ignore[attr-defined]  # for tests
