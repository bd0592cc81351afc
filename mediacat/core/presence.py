"""Which app windows have a library open: one byte-range lock per process in a small file of the library folder.

The file is `<library>/windows.lock`, never the database (closing any descriptor of the database would drop this
process's SQLite locks). Each app process holds an exclusive `fcntl` lock on one byte ("slot") of it for as long
as a window is open; the kernel releases it when the process ends, however it ends, so a crashed window never
leaves a stale mark. Another process counts the slots it cannot lock.

POSIX locks belong to a process, and closing any descriptor of the file drops all of them: so a process opens
the file once (shared by every `Presence` of that folder, counted) and two windows of one process count as one.
"""

from __future__ import annotations

import fcntl
import os
import threading
from dataclasses import dataclass
from pathlib import Path

PRESENCE_FILE_NAME = "windows.lock"
SLOTS = 64


@dataclass
class _Claim:
    fd: int
    slot: int
    users: int


_claims: dict[Path, _Claim] = {}
_lock = threading.Lock()


class Presence:
    """This process's mark in a library folder. `claim()` when a window opens, `release()` when it closes."""

    def __init__(self, library_root: Path) -> None:
        self.path = Path(library_root).absolute() / PRESENCE_FILE_NAME
        self._claimed = False

    @property
    def claimed(self) -> bool:
        return self._claimed

    def claim(self) -> bool:
        """Mark this process as having a window open; False (no mark) if the folder cannot hold the file or
        every slot is taken."""
        if self._claimed:
            return True
        with _lock:
            existing = _claims.get(self.path)
            if existing is not None:
                existing.users += 1
                self._claimed = True
                return True
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            except OSError:
                return False
            for slot in range(SLOTS):
                try:
                    fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, slot)
                except OSError:
                    continue
                _claims[self.path] = _Claim(fd, slot, 1)
                self._claimed = True
                return True
            os.close(fd)
            return False

    def others(self) -> int:
        """How many other processes have a window open on this library now."""
        with _lock:
            claim = _claims.get(self.path)
            if claim is not None:
                return _count_others(claim.fd, claim.slot)
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CLOEXEC)
            except OSError:
                return 0  # no file: no window ever opened this library
            try:
                return _count_others(fd, None)
            finally:
                os.close(fd)  # this process holds no lock on the file: nothing to lose

    def release(self) -> None:
        if not self._claimed:
            return
        self._claimed = False
        with _lock:
            claim = _claims.get(self.path)
            if claim is None:
                return
            claim.users -= 1
            if claim.users == 0:
                del _claims[self.path]
                os.close(claim.fd)  # drops this process's lock: the slot is free for the next window


def _count_others(fd: int, own_slot: int | None) -> int:
    count = 0
    for slot in range(SLOTS):
        if slot == own_slot:
            continue
        try:
            fcntl.lockf(fd, fcntl.LOCK_SH | fcntl.LOCK_NB, 1, slot)
        except OSError:
            count += 1  # held by another process
        else:
            fcntl.lockf(fd, fcntl.LOCK_UN, 1, slot)  # only this byte: our own slot stays locked
    return count
