"""The app's remembered state (window geometry, splitter sizes, view mode): a typed wrapper over QSettings.

Stored as an INI file in the config folder (`mediacat.paths.config_dir()`); every key is named here.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from mediacat.paths import config_dir

SETTINGS_FILE_NAME = "mediacat.ini"

KEY_WINDOW_GEOMETRY = "window/geometry"
KEY_WINDOW_STATE = "window/state"
KEY_SPLITTER_SIZES = "window/splitter_sizes"
KEY_VIEW_MODE = "view/mode"
KEY_TABLE_HEADER = "view/table_header"
KEY_VIEWER_GEOMETRY = "viewer/geometry"
KEY_READER_GEOMETRY = "reader/geometry"
KEY_WELCOME_DISMISSED = "help/welcome_dismissed"

VIEW_MODES = ("grid", "table", "timeline")

KEY_PUBLIC_MEDIA_BAR = "catalog/public_media_bar_dismissed"


class Settings:
    """The remembered state of the app, one property per key."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or (config_dir() / SETTINGS_FILE_NAME)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._qsettings = QSettings(str(self.path), QSettings.Format.IniFormat)

    def sync(self) -> None:
        self._qsettings.sync()

    def _bytes(self, key: str) -> QByteArray | None:
        value = self._qsettings.value(key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    @property
    def window_geometry(self) -> QByteArray | None:
        return self._bytes(KEY_WINDOW_GEOMETRY)

    @window_geometry.setter
    def window_geometry(self, value: QByteArray) -> None:
        self._qsettings.setValue(KEY_WINDOW_GEOMETRY, value)

    @property
    def window_state(self) -> QByteArray | None:
        return self._bytes(KEY_WINDOW_STATE)

    @window_state.setter
    def window_state(self, value: QByteArray) -> None:
        self._qsettings.setValue(KEY_WINDOW_STATE, value)

    @property
    def table_header(self) -> QByteArray | None:
        return self._bytes(KEY_TABLE_HEADER)

    @table_header.setter
    def table_header(self, value: QByteArray) -> None:
        self._qsettings.setValue(KEY_TABLE_HEADER, value)

    @property
    def viewer_geometry(self) -> QByteArray | None:
        return self._bytes(KEY_VIEWER_GEOMETRY)

    @viewer_geometry.setter
    def viewer_geometry(self, value: QByteArray) -> None:
        self._qsettings.setValue(KEY_VIEWER_GEOMETRY, value)

    @property
    def reader_geometry(self) -> QByteArray | None:
        return self._bytes(KEY_READER_GEOMETRY)

    @reader_geometry.setter
    def reader_geometry(self, value: QByteArray) -> None:
        self._qsettings.setValue(KEY_READER_GEOMETRY, value)

    @property
    def splitter_sizes(self) -> list[int] | None:
        value = self._qsettings.value(KEY_SPLITTER_SIZES)
        if not value:
            return None
        values = value if isinstance(value, list) else str(value).split(",")
        try:
            sizes = [int(size) for size in values]
        except ValueError:
            return None
        return sizes if all(size >= 0 for size in sizes) else None

    @splitter_sizes.setter
    def splitter_sizes(self, sizes: list[int]) -> None:
        self._qsettings.setValue(KEY_SPLITTER_SIZES, ",".join(str(int(size)) for size in sizes))

    @property
    def view_mode(self) -> str:
        value = self._qsettings.value(KEY_VIEW_MODE, "grid")
        return value if value in VIEW_MODES else "grid"

    @view_mode.setter
    def view_mode(self, mode: str) -> None:
        if mode not in VIEW_MODES:
            raise ValueError(f"unknown view mode {mode!r} (expected one of {', '.join(VIEW_MODES)})")
        self._qsettings.setValue(KEY_VIEW_MODE, mode)

    @property
    def public_media_bar_dismissed(self) -> bool:
        """The user closed the "public NASA files not here yet" bar above the grid."""
        return str(self._qsettings.value(KEY_PUBLIC_MEDIA_BAR, "false")).lower() == "true"

    @public_media_bar_dismissed.setter
    def public_media_bar_dismissed(self, value: bool) -> None:
        self._qsettings.setValue(KEY_PUBLIC_MEDIA_BAR, "true" if value else "false")

    @property
    def welcome_dismissed(self) -> bool:
        """The person closed the first-start welcome above the catalog."""
        return str(self._qsettings.value(KEY_WELCOME_DISMISSED, "false")).lower() == "true"

    @welcome_dismissed.setter
    def welcome_dismissed(self, value: bool) -> None:
        self._qsettings.setValue(KEY_WELCOME_DISMISSED, "true" if value else "false")
