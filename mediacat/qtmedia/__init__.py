"""QtMultimedia helpers shared by the CLI and the GUI: video probing, frame grabs, audio decoding.

Outside `mediacat.core` on purpose (they import Qt). QtMultimedia is optional at run time: on a machine
without it, `multimedia_status()` says why and callers show that message where playback would be.
"""

from __future__ import annotations

import functools
import os

from mediacat.core.errors import MediaCatError


class MediaDecodeError(MediaCatError):
    """A media file that cannot be decoded here (missing, empty, corrupt, no such track, or too slow)."""


@functools.cache
def multimedia_status() -> tuple[bool, str]:
    """(available, reason): whether PySide6.QtMultimedia imports here; the reason names what failed."""
    if os.environ.get("MEDIACAT_NO_MULTIMEDIA"):
        return False, "Qt Multimedia is turned off (MEDIACAT_NO_MULTIMEDIA is set)"
    try:
        from PySide6 import QtMultimedia  # noqa: F401
    except ImportError as error:
        return False, f"Qt Multimedia is not available on this machine ({error})"
    return True, ""


def ensure_qt_application():
    """The running Q(Core)Application, or a new QCoreApplication for command-line use."""
    from PySide6.QtCore import QCoreApplication

    app = QCoreApplication.instance()
    if app is None:
        app = QCoreApplication([])
    return app
