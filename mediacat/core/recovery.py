"""What a killed process leaves in the library, put right on the next open.

Every file operation on managed copies goes through a temporary file in `media/.incoming` whose name says
which process made it and which content it holds (`filestore.temp_name`):

- attach: the copy (or the download being moved in) becomes a temporary file; the row is committed; then the
  file is renamed into `media/`. Killed before the commit: no row, the temporary file is removed here. Killed
  after it: the row names a file that is not there yet, and the temporary file is renamed into place here.
- detach with deletion: inside the transaction the managed copy is renamed to a temporary file; after the
  commit it is deleted. Killed before the commit: the row is back and its file is restored here. After: the
  row is gone and the temporary file is deleted here.

So one rule covers both: a temporary file of a process that is gone is renamed to where a copy-mode row with
its content expects a file that is missing (after its bytes are checked), and deleted otherwise. Download
folders (`download-<host>-<pid>-...`) of a process that is gone are deleted. In the `fetch-<item id>` folders
fetch-media keeps to resume, the partial file stays; a finished download a killed process never attached
(`<host>-<pid>-<name>`) is deleted.
"""

from __future__ import annotations

import contextlib
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from mediacat.core.filestore import (
    PART_FILE,
    PARTIAL_DOWNLOAD_PREFIX,
    STATE_FILE,
    TEMP_PREFIX,
    abandoned,
    fsync_folder,
    hash_file,
    make_folders,
    owner_alive,
    temp_content,
)
from mediacat.core.store import Store
from mediacat.paths import LibraryPaths


@dataclass
class Recovery:
    restored: list[Path] = field(default_factory=list)  # managed copies put back where their row expects them
    removed: list[Path] = field(default_factory=list)  # temporary files and download folders deleted


def recover_interrupted_files(store: Store, paths: LibraryPaths, *, walk_media: bool = False) -> Recovery:
    """Finish or undo what killed processes left in `media/.incoming` (and, with `walk_media`, temporary files
    an older MediaCat left beside managed copies). Files of running processes are left alone."""
    report = Recovery()
    candidates: list[Path] = []
    with contextlib.suppress(OSError):
        if paths.incoming.is_dir():
            candidates = sorted(paths.incoming.iterdir())
    if walk_media and paths.media.is_dir():
        candidates += [p for p in paths.media.rglob(f"{TEMP_PREFIX}*") if paths.incoming not in p.parents]
    for path in candidates:
        with contextlib.suppress(OSError):
            if path.is_dir() and path.name.startswith(PARTIAL_DOWNLOAD_PREFIX):
                report.removed += _finished_downloads_of_the_gone(path)
                continue
            if not abandoned(path):
                continue
            if path.is_dir():
                if path.name.startswith("download-"):
                    shutil.rmtree(path)
                    report.removed.append(path)
                continue
            if not path.name.startswith(TEMP_PREFIX):
                continue
            target = _restore_target(store, paths, path)
            if target is not None:
                make_folders(target.parent)
                path.replace(target)
                fsync_folder(target.parent)
                report.restored.append(target)
            else:
                path.unlink()
                report.removed.append(path)
    return report


def _finished_downloads_of_the_gone(folder: Path) -> list[Path]:
    """In a `fetch-<item id>` folder (a partial download kept to resume), the finished files of processes that
    are gone: killed between the download's last byte and its attach (their names carry the process marker).
    `download.part` and `download.json` stay for the next fetch to continue."""
    removed = []
    for entry in folder.iterdir():
        if entry.is_file() and entry.name not in (PART_FILE, STATE_FILE) and owner_alive(entry.name) is False:
            entry.unlink()
            removed.append(entry)
    return removed


def _restore_target(store: Store, paths: LibraryPaths, temp: Path) -> Path | None:
    """Where a copy-mode row holding this temporary file's content expects its missing file, if anywhere."""
    sha256 = temp_content(temp.name)
    if sha256 is None and temp.parent.parent.parent == paths.media and len(temp.parent.name) == 64:
        sha256 = temp.parent.name  # an older MediaCat's temporary file, beside the copy it belongs to
    if sha256 is None:
        return None
    rows = store.execute(
        "SELECT path, size FROM attachments WHERE mode = 'copy' AND sha256 = ? ORDER BY id", (sha256,)
    ).fetchall()
    missing = [(paths.media / path, size) for path, size in rows if not (paths.media / path).exists()]
    if not missing:
        return None
    target, size = missing[0]
    if temp.stat().st_size != size or hash_file(temp)[0] != sha256:
        return None  # a partial copy: the row's file is really missing (`check` says so)
    return target


__all__ = ["Recovery", "recover_interrupted_files"]
