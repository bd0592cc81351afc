"""File-level helpers for attachments: streaming SHA-256, safe names, managed-copy paths, atomic copies."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import time
import unicodedata
import uuid
from pathlib import Path

from mediacat.core.errors import MediaCatError
from mediacat.core.jobs import Job
from mediacat.core.probe import display_path

CHUNK_BYTES = 1024 * 1024
TEMP_PREFIX = ".mediacat-tmp-"
MAX_NAME_BYTES = 200


class AttachError(MediaCatError):
    """A file cannot be attached, relinked, checked or detached (message names the file and the reason)."""


def os_reason(error: OSError) -> str:
    return error.strerror or str(error)


def hash_file(path: Path, job: Job | None = None, *, copy_to=None) -> tuple[str, int]:
    """(sha256 hex, size) of `path`, read in 1 MiB chunks with `job.check()` between chunks.

    With `copy_to` (a binary file object) every chunk is also written there, so a copy and its hash take
    one read.
    """
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while True:
            if job is not None:
                job.check()
            chunk = handle.read(CHUNK_BYTES)
            if not chunk:
                break
            digest.update(chunk)
            size += len(chunk)
            if copy_to is not None:
                copy_to.write(chunk)
    return digest.hexdigest(), size


def display_name(name: str) -> str:
    """A file name as storable, printable text (undecodable bytes become \\xNN escapes)."""
    return display_path(name)


def safe_file_name(name: str) -> str:
    """A file name safe to create in the managed folder: no separators, control characters or `..`; keeps
    non-ASCII; undecodable bytes become U+FFFD; shortened (keeping the extension) to fit file systems."""
    text = os.fsencode(name).decode("utf-8", "replace")
    text = unicodedata.normalize("NFC", text)
    text = "".join("_" if ch in "/\\" or unicodedata.category(ch) == "Cc" else ch for ch in text).strip()
    if text in ("", ".", "..") or text.startswith(TEMP_PREFIX):
        text = "file" + (text if text.startswith(TEMP_PREFIX) else "")
    if len(text.encode("utf-8")) > MAX_NAME_BYTES:
        stem, dot, extension = text.rpartition(".")
        extension = f".{extension}" if dot and len(extension) <= 10 else ""
        stem = stem if dot and extension else text
        while len((stem + extension).encode("utf-8")) > MAX_NAME_BYTES:
            stem = stem[:-1]
        text = stem + extension
    return text


def managed_relative_path(sha256: str, original_name: str) -> str:
    """Where a managed copy lives inside `media/`: `<sha[:2]>/<sha>/<safe original name>`."""
    return f"{sha256[:2]}/{sha256}/{safe_file_name(original_name)}"


def make_folders(folder: Path) -> list[Path]:
    """mkdir -p, returning the folders it created (deepest last) so a failure can remove them again."""
    missing = []
    current = folder
    while not current.exists():
        missing.append(current)
        current = current.parent
    for path in reversed(missing):
        path.mkdir(exist_ok=True)  # another worker may create the same folder at the same moment
    return list(reversed(missing))


def remove_empty_folders(folders: list[Path], stop_at: Path) -> None:
    """Remove each folder (deepest first) while empty, never `stop_at` or above."""
    for folder in sorted(set(folders), key=lambda p: len(p.parts), reverse=True):
        current = folder
        while current != stop_at and stop_at in current.parents:
            try:
                current.rmdir()
            except OSError:
                break
            current = current.parent


def copy_to_temp(source: Path, folder: Path, job: Job | None) -> tuple[Path, str, int]:
    """Copy `source` to a new temporary file in `folder` (flushed and fsynced). Returns (temp, sha256, size).

    On any failure (including cancellation) the temporary file is removed before the error propagates.
    """
    temp = folder / f"{TEMP_PREFIX}{uuid.uuid4().hex}"
    try:
        with open(temp, "xb") as out:
            sha256, size = hash_file(source, job, copy_to=out)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    return temp, sha256, size


def fsync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (best effort: not every file system allows opening a folder)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def leftover_temp_files(folder: Path) -> list[Path]:
    """Temporary files a crash may have left in the managed folder (normally none)."""
    if not folder.is_dir():
        return []
    return [path for path in folder.rglob(f"{TEMP_PREFIX}*") if path.is_file()]


STALE_AFTER_S = 24 * 3600  # a partial file this old belongs to no running copy or download


def remove_stale_partial_files(media: Path | None, incoming: Path, *, older_than_s: float = STALE_AFTER_S
                               ) -> list[Path]:
    """Delete what a crash or a kill left behind: download folders in `incoming`, and copy temp files in `media`
    (a walk of the whole managed folder: pass None to skip it).

    Only names MediaCat gives its own temporary files are touched, and only when older than `older_than_s`
    (a copy or download running in another process right now is younger). Returns what was removed.
    """
    cutoff = time.time() - older_than_s
    removed: list[Path] = []
    candidates = leftover_temp_files(media) if media is not None else []
    if incoming.is_dir():
        candidates += [path for path in incoming.glob("download-*") if path.is_dir()]
    for path in candidates:
        with contextlib.suppress(OSError):
            # A download folder is as recent as the newest file in it (a .part file's time moves as it grows).
            touched = [path, *path.iterdir()] if path.is_dir() else [path]
            if max(entry.stat().st_mtime for entry in touched) >= cutoff:
                continue
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
            removed.append(path)
    return removed

