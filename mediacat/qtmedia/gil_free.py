"""Qt Multimedia calls that wait for Qt's own threads, made without holding Python's interpreter lock.

`QAudioDecoder.stop()`, `QMediaPlayer.stop()` and `QMediaPlayer.setSource()` join the FFmpeg backend's threads,
and PySide keeps the interpreter lock through the call. Meanwhile the GUI thread can hold one of Qt's
connection locks while it waits for the interpreter lock (PySide asks Python whether a `disconnectNotify`
override exists while Qt holds the lock); when the backend's thread needs that Qt lock to end, the two threads
wait for each other for ever. Seen once in a test run: a waveform worker in `QAudioDecoder.stop()`, the GUI
thread in `QObject.disconnect`. A call through ctypes releases the interpreter lock for its duration, so the
workers (waveforms, video frames, video probes) make these calls that way; where the symbol cannot be found
(another Qt build) they fall back to PySide's call.
"""

from __future__ import annotations

import ctypes
import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

QT_MULTIMEDIA = "libQt6Multimedia.so.6"


def _library_path() -> str:
    """PySide6's own copy of the library (the one its objects live in), else the soname (already loaded)."""
    import PySide6

    bundled = Path(PySide6.__file__).parent / "Qt" / "lib" / QT_MULTIMEDIA
    return str(bundled) if bundled.is_file() else QT_MULTIMEDIA


@functools.cache
def _function(symbol: str, arguments: int) -> Any:
    try:
        function = ctypes.CDLL(_library_path())[symbol]
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_void_p] * arguments
    function.restype = None
    return function


def without_the_gil(qt_object: Any, symbol: str, fallback: Callable[[], object], *pointers: Any) -> None:
    """Call the C++ member `symbol` (mangled; `void` result) on `qt_object` with `pointers` (Qt objects passed
    by reference) while the interpreter lock is free; `fallback()` where the symbol is not found."""
    import shiboken6

    function = _function(symbol, 1 + len(pointers))
    if function is None:
        fallback()
        return
    function(*(shiboken6.getCppPointer(each)[0] for each in (qt_object, *pointers)))
