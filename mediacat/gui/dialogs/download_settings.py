"""Tools ▸ Download Settings…: the library's size limit, minimum rate, time limit, NASA API URL and media mirror,
each with its value now and its default; what `mediacat download-settings` shows and changes.

The dialog only edits: it is filled with `show_settings(DownloadSettings)` (read on a reader by the feature),
checks what was typed with the core's own text forms and checks (`core.download_settings`), and asks for the
save with `save_requested(DownloadSettingsUpdate)`; the feature runs the operation on the window's writer and
calls `saved()` or `save_failed(error)`. A field left as it was shown is not part of the update (another
window's change to it survives); a value equal to its default is saved as "the default".
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mediacat.core.download import format_bytes
from mediacat.core.download_settings import (
    DEFAULT_DOWNLOAD_SETTINGS,
    KEEP,
    DownloadSettingError,
    DownloadSettings,
    DownloadSettingsUpdate,
    format_size,
    parse_seconds,
    parse_size,
)
from mediacat.core.errors import MediaCatError

DEFAULTS = DEFAULT_DOWNLOAD_SETTINGS
OFFICIAL_API = DEFAULTS.nasa_api_url

# The fields' names in messages, by the settings' `download-settings --json` names.
FIELD_LABELS = {
    "max_bytes": "Size limit",
    "min_rate": "Minimum rate",
    "max_time": "Time limit",
    "nasa_api_url": "NASA API URL",
    "media_mirror_url": "Mirror URL",
}


def size_text(count: float) -> str:
    return f"{format_size(count)} ({format_bytes(count)})"


def rate_text(rate: float) -> str:
    return f"{format_size(rate)} bytes a second" if rate > 0 else "no minimum"


def time_text(seconds: float | None) -> str:
    return f"{seconds:g} s" if seconds else "no limit"


class DownloadSettingsDialog(QDialog):
    """Emits `save_requested(DownloadSettingsUpdate)` when accepted with something changed and valid."""

    save_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Download Settings")
        self.settings: DownloadSettings | None = None  # as read when the dialog opened
        self._shown: dict[str, tuple[bool, str]] = {}  # each field's state as filled in
        self.saving = False

        intro = QLabel("Every download of this library obeys these, in the app and on the command line "
                       "(<tt>mediacat download-settings</tt>).")
        intro.setWordWrap(True)
        self.status_label = QLabel("Reading the library's settings…")

        self.size_edit = self._edit("Size limit", "e.g. 500M, 2G")
        self.size_hint = self._hint()
        self.rate_check = QCheckBox("Stop a download receiving less than")
        self.rate_edit = self._edit("Minimum rate", "e.g. 1K")
        self.rate_hint = self._hint()
        self.time_check = QCheckBox("Stop a download taking longer than")
        self.time_edit = self._edit("Time limit", "seconds")
        self.time_hint = self._hint()
        self.api_edit = self._edit("NASA API URL", OFFICIAL_API, width=None)
        self.api_edit.setMinimumWidth(360)
        self.official_button = QPushButton("Official")
        self.official_button.setToolTip(f"Use NASA's own Image Library API, {OFFICIAL_API}")
        self.official_button.clicked.connect(lambda: self.api_edit.setText(OFFICIAL_API))
        self.api_hint = self._hint()
        self.api_env_note = self._hint()  # shown while $MEDIACAT_NASA_API overrides the library's URL
        self.api_env_note.hide()
        self.mirror_check = QCheckBox("Fetch NASA's media files from")
        self.mirror_edit = self._edit("Mirror URL", "https://mirror.example.org/nasa", width=None)
        self.mirror_hint = self._hint()
        self.rate_check.toggled.connect(self.rate_edit.setEnabled)
        self.time_check.toggled.connect(self.time_edit.setEnabled)
        self.mirror_check.toggled.connect(self.mirror_edit.setEnabled)

        form = QFormLayout()
        form.addRow("Size limit:", self._column(self._row(self.size_edit, QLabel("bytes (K, M, G, T: ×1024)")),
                                                self.size_hint))
        form.addRow("Minimum rate:", self._column(
            self._row(self.rate_check, self.rate_edit, QLabel("bytes a second over a minute")), self.rate_hint))
        form.addRow("Time limit:", self._column(
            self._row(self.time_check, self.time_edit, QLabel("seconds in all")), self.time_hint))
        api_column = self._column(self._row(self.api_edit, self.official_button, stretch=False), self.api_hint)
        api_column.addWidget(self.api_env_note)
        form.addRow("NASA API:", api_column)
        form.addRow("Mirror:", self._column(self._row(self.mirror_check, self.mirror_edit, stretch=False),
                                            self.mirror_hint))

        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #c62828")
        self.error_label.hide()
        buttons = QDialogButtonBox.StandardButton
        self.buttons = QDialogButtonBox(buttons.Ok | buttons.Cancel | buttons.RestoreDefaults)
        self.ok_button = self.buttons.button(buttons.Ok)
        self.ok_button.setText("Save")
        self.restore_button = self.buttons.button(buttons.RestoreDefaults)
        self.restore_button.clicked.connect(self.restore_defaults)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        layout.addWidget(intro)
        layout.addWidget(self.status_label)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self._set_editable(False)

    # -- building -------------------------------------------------------------------------------

    def _edit(self, name: str, placeholder: str, width: int | None = 100) -> QLineEdit:
        edit = QLineEdit()
        if width is not None:
            edit.setFixedWidth(width)
        edit.setAccessibleName(name)
        edit.setPlaceholderText(placeholder)
        edit.textEdited.connect(lambda _text: self.error_label.hide())
        return edit

    def _hint(self) -> QLabel:
        label = QLabel()
        label.setStyleSheet("color: palette(placeholder-text)")
        return label

    def _row(self, *widgets: QWidget, stretch: bool = True) -> QHBoxLayout:
        row = QHBoxLayout()
        for widget in widgets:
            row.addWidget(widget)
        if stretch:
            row.addStretch(1)
        return row

    def _column(self, row: QHBoxLayout, hint: QLabel) -> QVBoxLayout:
        column = QVBoxLayout()
        column.setSpacing(2)
        column.addLayout(row)
        column.addWidget(hint)
        return column

    def _fields(self) -> dict[str, tuple[QCheckBox | None, QLineEdit]]:
        return {"max_bytes": (None, self.size_edit), "min_rate": (self.rate_check, self.rate_edit),
                "max_time": (self.time_check, self.time_edit), "nasa_api_url": (None, self.api_edit),
                "media_mirror_url": (self.mirror_check, self.mirror_edit)}

    def _states(self) -> dict[str, tuple[bool, str]]:
        return {name: (check is None or check.isChecked(), edit.text().strip())
                for name, (check, edit) in self._fields().items()}

    def _set_editable(self, editable: bool) -> None:
        for check, edit in self._fields().values():
            if check is not None:
                check.setEnabled(editable)
            edit.setEnabled(editable and (check is None or check.isChecked()))
        self.official_button.setEnabled(editable)
        self.ok_button.setEnabled(editable)
        self.restore_button.setEnabled(editable)

    # -- filling --------------------------------------------------------------------------------

    def show_settings(self, settings: DownloadSettings) -> None:
        """The library's settings: the first answer fills the fields; a later one (a change made elsewhere
        while the dialog is open) only updates the "now" of each hint."""
        if self.settings is None:
            self.settings = settings
            self._fill(settings)
            self._shown = self._states()
            self.status_label.hide()
            self._set_editable(True)
        self._show_hints(settings)

    def _fill(self, settings: DownloadSettings) -> None:
        self.size_edit.setText(format_size(settings.max_bytes))
        self.rate_check.setChecked(settings.min_rate > 0)
        self.rate_edit.setText(format_size(settings.min_rate if settings.min_rate > 0 else DEFAULTS.min_rate))
        self.time_check.setChecked(settings.max_time is not None)
        self.time_edit.setText(f"{settings.max_time:g}" if settings.max_time else "")
        self.api_edit.setText(settings.nasa_api_setting or OFFICIAL_API)
        self.mirror_check.setChecked(settings.media_mirror_url is not None)
        self.mirror_edit.setText(settings.media_mirror_url or "")
        # (each edit follows its check box through `toggled`; `_set_editable` sets them all when the dialog opens)

    def _show_hints(self, now: DownloadSettings) -> None:
        self.size_hint.setText(f"Now {size_text(now.max_bytes)}; default {size_text(DEFAULTS.max_bytes)}.")
        self.rate_hint.setText(f"Now {rate_text(now.min_rate)}; default {rate_text(DEFAULTS.min_rate)}.")
        self.time_hint.setText(f"Now {time_text(now.max_time)}; default {time_text(DEFAULTS.max_time)}.")
        self.api_hint.setText(f"Now {now.nasa_api_setting or OFFICIAL_API}; default the official one.")
        overridden = now.nasa_api_url != (now.nasa_api_setting or OFFICIAL_API)
        self.api_env_note.setText(f"$MEDIACAT_NASA_API is set: while it is, the app asks {now.nasa_api_url}."
                                  if overridden else "")
        self.api_env_note.setVisible(overridden)
        self.mirror_hint.setText(f"Now {now.media_mirror_url or 'none'}; default none (NASA's own servers).")

    def restore_defaults(self) -> None:
        """Every field at its default (saved only with Save)."""
        self._fill(DEFAULTS)
        self.error_label.hide()

    def show_read_error(self, message: str) -> None:
        self.status_label.setText(f"The library's download settings could not be read: {message}")

    # -- checking and saving --------------------------------------------------------------------

    def settings_update(self) -> DownloadSettingsUpdate:
        """What the fields change, checked; DownloadSettingError names the first field that is wrong."""
        states = self._states()
        values: dict[str, object] = {}
        for name, (on, text) in states.items():
            if self._shown.get(name) == (on, text):
                values[name] = KEEP
                continue
            try:
                values[name] = self._value(name, on, text)
            except MediaCatError as error:
                raise DownloadSettingError(name, str(error)) from error
        update = DownloadSettingsUpdate(**values)  # type: ignore[arg-type]
        update.check()
        return update

    def _value(self, name: str, on: bool, text: str) -> object:
        """A field's value for the update; None: the setting's default."""
        if name == "max_bytes":
            size = parse_size(text)
            return None if size == DEFAULTS.max_bytes else size
        if name == "min_rate":
            rate = float(parse_size(text)) if on else 0.0
            return None if rate == DEFAULTS.min_rate else rate
        if name == "max_time":
            return parse_seconds(text) if on else None
        if name == "nasa_api_url":
            return None if not text or text.rstrip("/") == OFFICIAL_API else text
        if not on:
            return None
        if not text:
            raise MediaCatError("type the mirror's http or https URL, or untick the mirror")
        return text

    def accept(self) -> None:
        if self.saving or self.settings is None:
            return
        try:
            update = self.settings_update()
        except DownloadSettingError as error:
            self._show_error(error)
            return
        if not update.given():
            super().accept()
            return
        self.saving = True
        self._set_editable(False)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setEnabled(False)
        self.status_label.setText("Saving…")
        self.status_label.show()
        self.save_requested.emit(update)

    def reject(self) -> None:
        if not self.saving:  # a save on its way is finished first (saved() or save_failed())
            super().reject()

    def saved(self) -> None:
        self.saving = False
        super().accept()

    def save_failed(self, error: BaseException) -> None:
        """The operation refused the update (nothing was saved): say why, and let the person fix it."""
        self.saving = False
        self.status_label.hide()
        self._set_editable(True)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setEnabled(True)
        self._show_error(error)

    def _show_error(self, error: BaseException) -> None:
        setting = error.setting if isinstance(error, DownloadSettingError) else None
        if setting is not None:
            self.error_label.setText(f"{FIELD_LABELS[setting]}: {error}")
            self._fields()[setting][1].setFocus()
        else:
            self.error_label.setText(f"The download settings were not saved: {error}")
        self.error_label.show()
        self.adjustSize()
