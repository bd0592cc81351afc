"""Accepting files dropped from a file manager: which local paths a drag carries."""

from __future__ import annotations

from PySide6.QtCore import QMimeData


def dropped_paths(mime: QMimeData | None) -> list[str]:
    """The local file paths of a drag (empty if it carries no local files, e.g. web links)."""
    if mime is None or not mime.hasUrls():
        return []
    return [url.toLocalFile() for url in mime.urls() if url.isLocalFile() and url.toLocalFile()]
