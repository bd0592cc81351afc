"""Feature modules that add menus, docks and actions to the main window through its public API.

Each entry is a `gui/features/<name>.py` module's `install(window)` function; MainWindow calls them all, in
this order, once the catalog has painted its first answer (`MainWindow.install_features`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mediacat.gui.features import (
    archivist,
    attachments,
    csv_export,
    database_check,
    download_settings,
    downloads,
    help_menu,
    item_time,
    nasa_download,
    play_together,
    public_media,
    tags,
)

INSTALLERS: list[Callable[[Any], object]] = [
    tags.install,
    csv_export.install,
    attachments.install,
    downloads.install,
    download_settings.install,  # Tools ▸ Download Settings…, after Search NASA Image Library…
    archivist.install,
    public_media.install,
    nasa_download.install,  # after downloads and public media: it uses both
    play_together.install,
    item_time.install,
    database_check.install,
    help_menu.install,  # last: its shortcut list reads every menu
]
