"""Guards against a broken Qt binding: PySide6 6.12.0 drops a reference to None on every call that returns
nothing (on Python 3.11), and the app aborts with `none_dealloc` after a few thousand repaints."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject


def test_qt_calls_that_return_nothing_do_not_leak_none_references() -> None:
    holder = QObject()
    before = sys.getrefcount(None)
    for _ in range(2000):
        holder.setObjectName("probe")
    lost = before - sys.getrefcount(None)
    assert lost < 100, f"each Qt call lost a reference to None ({lost} of 2000): pin a working PySide6"
