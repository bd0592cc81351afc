"""File-level helpers for attachments: streaming SHA-256, safe names, managed-copy paths, atomic copies."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import time
import unicodedata
from pathlib import Path

from mediacat.core.errors import MediaCatError
from mediacat.core.jobs import Job
from mediacat.core.probe import display_path

CHUNK_BYTES = 1024 * 1024
TEMP_PREFIX = ".mediacat-tmp-"
MAX_NAME_BYTES = 200


def _host_name() -> str:
    uname = getattr(os, "uname", None)  # not socket.gethostname(): importing socket costs every command ~3 ms
    return (uname().nodename if uname is not None else os.environ.get("COMPUTERNAME", "")) or "localhost"


HOST_MARK = hashlib.sha1(_host_name().encode("utf-8", "replace")).hexdigest()[:8]


class AttachError(MediaCatError):
    """A file cannot be attached, relinked, checked or detached (message names the file and the reason)."""


def os_reason(error: OSError) -> str:
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"the disk is full: {error.strerror}"
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


# Right-to-left overrides, embeddings and isolates: they make `evil\u202egpj.exe` look like `evilexe.jpg`.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def safe_file_name(name: str) -> str:
    """A file name safe to create in the managed folder: no separators, control characters, bidi controls or `..`; keeps
    non-ASCII; undecodable bytes become U+FFFD; shortened (keeping the extension) to fit file systems."""
    text = os.fsencode(name).decode("utf-8", "replace")
    text = unicodedata.normalize("NFC", text)
    text = "".join("_" if ch in "/\\" or unicodedata.category(ch) == "Cc" else ch for ch in text
                   if ch not in BIDI_CONTROLS).strip()
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
    """mkdir -p, returning the folders it created (deepest last) so a failure can remove them again.

    One `mkdir` when only the folder itself is missing (a new `media/<sha[:2]>/<sha>` whose prefix exists)."""
    try:
        folder.mkdir()
        return [folder]
    except FileExistsError:
        return []  # (another worker may have made it at the same moment)
    except FileNotFoundError:
        if folder.parent == folder:
            raise
    created = make_folders(folder.parent)  # a parent is missing too
    try:
        folder.mkdir()
    except FileExistsError:
        return created
    return [*created, folder]


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


def process_marker() -> str:
    """`<host>-<pid>`: which running process a temporary name or a session marker belongs to (see
    `owner_alive`); the one marker scheme of the library's files."""
    return f"{HOST_MARK}-{os.getpid()}"


PARTIAL_DOWNLOAD_PREFIX = "fetch-"  # media/.incoming/fetch-<item id>/: a download kept to resume (fetch-media)
PART_FILE, STATE_FILE = "download.part", "download.json"  # what such a folder keeps: the bytes, the validators


def temp_name(sha256: str) -> str:
    """A temporary file's name: who made it (host, pid) and the content it holds (SHA-256).

    A killed process's files are recognised by their dead pid, never by age alone, and the content hash tells
    the next open whether an attachment row still needs the file (see `mediacat.core.recovery`).
    """
    return f"{TEMP_PREFIX}{process_marker()}-{sha256}-{os.urandom(6).hex()}"


_TEMP_NAME = re.compile(
    rf"^{re.escape(TEMP_PREFIX)}(?P<host>[0-9a-f]{{8}})-(?P<pid>\d+)-(?P<sha>[0-9a-f]{{64}})-[0-9a-f]+$"
)
_MARKED = re.compile(r"^(?:download-)?(?P<host>[0-9a-f]{8})-(?P<pid>\d+)-")


def temp_content(name: str) -> str | None:
    """The SHA-256 a temporary file's name says it holds, or None for other names."""
    match = _TEMP_NAME.match(name)
    return match.group("sha") if match else None


def owner_alive(name: str) -> bool | None:
    """Whether the process that made this temporary name still runs: True, False, or None when the name has no
    marker or was made on another host (a library on a shared disk), so that liveness cannot be known here."""
    body = name[len(TEMP_PREFIX):] if name.startswith(TEMP_PREFIX) else name
    match = _MARKED.match(body)
    if match is None or match.group("host") != HOST_MARK:
        return None
    return process_alive(int(match.group("pid")))


def process_alive(pid: int) -> bool:
    """Whether process `pid` of this host still runs (one that exists but is someone else's counts)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def copy_to_temp(source: Path, folder: Path, job: Job | None, sha256: str, *, sync: bool = True
                 ) -> tuple[Path, str, int]:
    """Copy `source` to a new temporary file in `folder` (flushed and fsynced). Returns (temp, sha256, size).

    The name carries this process's marker and the expected `sha256` (`temp_name`). On any failure (including
    cancellation) the temporary file is removed before the error propagates. `sync=False` leaves the fsync to
    the caller (a batch fsyncs its files together, `fsync_all`, before it commits their rows).
    """
    temp = folder / temp_name(sha256)
    try:
        with open(temp, "xb") as out:
            sha256, size = hash_file(source, job, copy_to=out)
            out.flush()
            if sync:
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


FSYNC_THREADS = 4  # fsyncs of different files overlap in the kernel; a batch's take ~1/4 of one after another


def fsync_all(paths: list[Path], *, folders: bool = False) -> dict[Path, OSError]:
    """fsync every file (or, with `folders`, every folder) in `paths`, several at once; the ones that failed,
    with their errors (a folder that cannot be opened is one: not every file system allows it)."""
    flags = os.O_RDONLY if folders else os.O_RDWR  # Windows flushes only a file opened for writing

    def sync(path: Path) -> OSError | None:
        try:
            fd = os.open(path, flags)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as error:
            return error
        return None

    if len(paths) <= FSYNC_THREADS:  # a thread costs about what one fsync does: only many are worth it
        results = [sync(path) for path in paths]
    else:
        from concurrent.futures import ThreadPoolExecutor  # imported here: only batches pay its import

        with ThreadPoolExecutor(min(FSYNC_THREADS, len(paths)), thread_name_prefix="mediacat-fsync") as pool:
            results = list(pool.map(sync, paths))
    return {path: error for path, error in zip(paths, results, strict=True) if error is not None}


def leftover_temp_files(folder: Path) -> list[Path]:
    """Temporary files a crash may have left in the managed folder (normally none)."""
    if not folder.is_dir():
        return []
    return [path for path in folder.rglob(f"{TEMP_PREFIX}*") if path.is_file()]


STALE_AFTER_S = 24 * 3600  # an unmarked (older MediaCat's) partial file this old belongs to no running copy


def abandoned(path: Path, *, older_than_s: float = STALE_AFTER_S) -> bool:
    """Whether a temporary file or download folder was left by a process that is gone.

    Marked names (`process_marker`) are judged by their pid; unmarked ones, from an older MediaCat or another
    host, only when nothing in them changed for `older_than_s`.
    """
    alive = owner_alive(path.name)
    if alive is not None:
        return not alive
    try:
        touched = [path, *path.iterdir()] if path.is_dir() else [path]
        return max(entry.stat().st_mtime for entry in touched) < time.time() - older_than_s
    except OSError:
        return False
