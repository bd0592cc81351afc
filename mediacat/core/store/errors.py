"""SQLite's failures as typed, true messages: decided by `sqlite_errorcode` and the disk's free space, never
by the text of SQLite's message (a full disk is not "corrupt"; a locked library is not "damaged")."""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

from mediacat.core.errors import (
    DiskFull,
    LibraryBusy,
    LibraryDamaged,
    LibraryError,
    LibraryIOError,
    ReadOnlyLibrary,
)

_BUSY = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}
_DAMAGED = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}
_READONLY = {sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM, sqlite3.SQLITE_CANTOPEN}
_NO_SPACE = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
_READ_ONLY_ERRNOS = {errno.EROFS, errno.EACCES, errno.EPERM}


def disk_is_full(folder: Path) -> bool:
    """Whether the file system holding `folder` has no block left for this user (statvfs, not a guess)."""
    try:
        info = os.statvfs(folder)
    except OSError:
        return False
    return info.f_bavail * info.f_frsize < 64 * 1024


def library_error(path: Path, error: sqlite3.Error, doing: str = "use the library database") -> LibraryError:
    """The typed MediaCatError for an sqlite3 error on the library database at `path`."""
    code = getattr(error, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    folder = path.parent
    if primary in _BUSY:
        return LibraryBusy(f"{path}: the library is busy (another MediaCat window or command is writing to it); "
                           f"could not {doing}; nothing was changed, try again")
    if primary == sqlite3.SQLITE_FULL or (primary == sqlite3.SQLITE_IOERR and disk_is_full(folder)):
        return DiskFull(f"{folder}: the disk is full; could not {doing}; nothing was changed and the library is "
                        "intact (free some space and try again)")
    unwritable = not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK))
    if primary in _READONLY or (primary == sqlite3.SQLITE_IOERR and unwritable):
        return ReadOnlyLibrary(f"{path}: the library cannot be written (read-only file or folder); "
                                   f"could not {doing}; nothing was changed")
    if primary in _DAMAGED:
        return LibraryDamaged(f"{path}: the library database is damaged ({error}); left untouched (restore a "
                              "backup, or run `mediacat check --database`)")
    if primary == sqlite3.SQLITE_IOERR:
        return LibraryIOError(f"{path}: the disk reported a read or write error ({error}); could not {doing}; "
                              "the file may be on a failing or removed disk")
    return LibraryError(f"{path}: could not {doing} ({error})")


def os_library_error(path: Path, error: OSError, doing: str) -> LibraryError:
    """The typed MediaCatError for an OSError while writing inside the library (by errno)."""
    reason = error.strerror or str(error)
    if error.errno in _NO_SPACE:
        return DiskFull(f"{path}: the disk is full; could not {doing}; nothing was changed (free some space "
                        "and try again)")
    if error.errno in _READ_ONLY_ERRNOS:
        return ReadOnlyLibrary(f"{path}: cannot be written ({reason}); could not {doing}; nothing was changed")
    return LibraryIOError(f"{path}: could not {doing} ({reason})")





_TRANSLATED = _BUSY | _DAMAGED | _READONLY | {sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR}


def translatable(error: sqlite3.Error) -> bool:
    """Whether an sqlite3 error is about the environment (busy, disk, permissions, damage), not a bug."""
    code = getattr(error, "sqlite_errorcode", None)
    return isinstance(code, int) and (code & 0xFF) in _TRANSLATED
__all__ = ["disk_is_full", "library_error", "os_library_error", "translatable"]
