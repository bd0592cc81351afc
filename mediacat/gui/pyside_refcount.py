"""A guard against a PySide6 reference-counting bug that crashes Python 3.11 at exit ("none_dealloc").

PySide6 6.12 returns Python's None (and sometimes True/False) to Python code without taking a reference,
for example from `QAbstractItemModel.data()` of a role with no value. Every such call lowers the count of
None by one; on Python < 3.12, where None is not immortal, the count eventually reaches zero and the
interpreter aborts ("Fatal Python error: none_dealloc"). Python 3.12 made these singletons immortal; this
does the same on older versions by giving them a reference count no leak can exhaust. Nothing else
changes: the extra references are never released, which is what immortality means.
"""

from __future__ import annotations

import ctypes
import sys

_HEADROOM = 1 << 40


def make_singletons_immortal() -> None:
    if sys.version_info >= (3, 12):
        return
    for singleton in (None, True, False):
        count = ctypes.c_ssize_t.from_address(id(singleton))  # ob_refcnt is the object's first field
        if count.value < _HEADROOM:
            count.value += _HEADROOM
