"""Errors a user can cause: each carries a message that names the file, id or value and the problem."""

from __future__ import annotations


class MediaCatError(Exception):
    """Base class: a problem with the user's input or environment, shown as a message, never a traceback."""


class LibraryError(MediaCatError):
    """The library folder or database cannot be used (unwritable, not SQLite, corrupt, too new)."""


class UnknownItem(MediaCatError):
    def __init__(self, item_id: str) -> None:
        super().__init__(f"no item with id {item_id!r} in the catalog")
        self.item_id = item_id


class UnknownArticle(MediaCatError):
    def __init__(self, article_id: str) -> None:
        super().__init__(f"no article with id {article_id!r} in the catalog")
        self.article_id = article_id


class SeedError(MediaCatError):
    """The shipped seed catalog is malformed (a packaging bug, reported with the file and field)."""


class SearchSyntaxError(MediaCatError):
    """A search query that cannot be turned into a full-text query."""


class LibraryBusy(LibraryError):
    """Another program (or window) kept the library locked for longer than the wait allows."""


class DiskFull(LibraryError):
    """The disk holding the library (or the file being written) has no space left; nothing is damaged."""


class ReadOnlyLibrary(LibraryError):
    """The library folder or database file cannot be written (permissions, a read-only disk)."""


class LibraryDamaged(LibraryError):
    """SQLite itself reports the database file as malformed (not merely unreadable or busy)."""


class LibraryIOError(LibraryError):
    """The operating system failed a read or write of the library (a failing or removed disk)."""
