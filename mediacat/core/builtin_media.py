"""Built-in media: the genuine NASA files shipped with the seed catalog (`seeds/media/`, `seeds/builtin_media.json`).

They are part of the seed catalog, never user attachments: read-only, never detached or deleted, replaced when
a newer seed catalog is applied (`mediacat.core.seeds`), shown where an item has no attachment of its own, and
verified by `check` against the manifest's SHA-256. Read them with `Library.builtin_media_of()`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from mediacat.core.jobs import Job
from mediacat.core.library import Library
from mediacat.core.model import BuiltinMedia, Item
from mediacat.core.probe import display_path

if TYPE_CHECKING:  # the attachment checks (and their imports) are not needed to show an item's built-in file
    from mediacat.core.attachment_upkeep import CheckResult


def check_builtin_file(media: BuiltinMedia, job: Job | None = None) -> CheckResult:
    """Re-hash one shipped file against the manifest (`attachment_id` is None: it is not an attachment)."""
    path = Path(media.path)
    shown = display_path(path)
    from mediacat.core.attachment_upkeep import CheckResult, fixity_of  # here: not on the paint path

    found = fixity_of(path, media.sha256, job)
    messages = {
        "missing": f"{shown}: built-in file of {media.item_id!r} is missing from the installation",
        "unreadable": f"{shown}: cannot read ({found.reason})",
        "modified": f"{shown}: built-in file differs from the seed manifest (different SHA-256)",
        "ok": f"{shown}: ok (built-in)",
    }
    return CheckResult(None, media.item_id, shown, found.status, media.sha256, found.sha256,
                       messages[found.status], builtin=True)


def check_builtin_media(library: Library, job: Job | None = None) -> list[CheckResult]:
    """Re-hash every built-in file of the library's seed catalog (nothing is written: they are read-only)."""
    files = library.builtin_media_of()
    results = []
    for index, media in enumerate(files):
        if job is not None:
            job.check()
            job.report(index, len(files), Path(media.path).name)
        results.append(check_builtin_file(media, job))
    return results


def shown_media(item: Item) -> BuiltinMedia | None:
    """The built-in file to show for an item: its first, but only while it has no attachment of its own."""
    if item.attachments or not item.builtin_media:
        return None
    return item.builtin_media[0]


def caption_of(files: Sequence[BuiltinMedia]) -> str:
    """The words shown with built-in pictures: what each is to the item, and its credit."""
    return " ".join(media.caption + "." for media in files)


__all__ = ["caption_of", "check_builtin_file", "check_builtin_media", "shown_media"]
