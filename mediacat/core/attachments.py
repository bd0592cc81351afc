"""Attaching local files to items: copy into the managed folder or link in place, duplicates, folder imports.

Checking, relinking and detaching live in `mediacat.core.attachment_upkeep` and are re-exported here, so
`mediacat.core.attachments` is the one module callers import. Every write goes through
`library.store.transaction()`; a managed copy is a temporary file in its destination folder, flushed, fsynced
and renamed inside that transaction, so a failure leaves neither a half-written file nor a database row.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mediacat.core import events
from mediacat.core.changes import NO_CHANGES, Changes
from mediacat.core.errors import MediaCatError, UnknownItem
from mediacat.core.filestore import (
    AttachError,
    copy_to_temp,
    display_name,
    fsync_folder,
    hash_file,
    make_folders,
    managed_relative_path,
    os_reason,
    remove_empty_folders,
    temp_name,
)
from mediacat.core.jobs import Cancelled, Job
from mediacat.core.library import Library
from mediacat.core.model import Attachment
from mediacat.core.probe import MediaFacts, UnsupportedMedia, VideoProber, display_path, probe_file

MODES = ("copy", "link")
MEDIA_EXTENSIONS = frozenset(
    (
        ".jpg", ".jpeg", ".jpe", ".png", ".gif", ".tif", ".tiff", ".webp", ".bmp",
        ".mp3", ".wav", ".wave", ".flac", ".ogg", ".oga", ".opus", ".m4a", ".aac", ".aif", ".aiff", ".aifc",
        ".mp4", ".m4v", ".mov", ".webm", ".mkv", ".avi", ".ogv",
    )
)


class DuplicateContent(AttachError):
    """The same bytes (by SHA-256) are already attached somewhere in the library."""

    def __init__(self, path: str, existing: list[Attachment]) -> None:
        where = ", ".join(f"item {a.item_id!r} as attachment #{a.id}" for a in existing[:3])
        if len(existing) > 3:
            where += f" and {len(existing) - 3} more"
        super().__init__(f"{path}: the same content is already attached ({where})")
        self.path = path
        self.existing = existing


class UnknownAttachment(MediaCatError):
    def __init__(self, attachment_id: int) -> None:
        super().__init__(f"no attachment with id {attachment_id} in the library")
        self.attachment_id = attachment_id


@dataclass
class AttachResult:
    path: str  # the source file, as display text
    attachment: Attachment
    warnings: list[str] = field(default_factory=list)
    duplicates: list[Attachment] = field(default_factory=list)  # same content attached before (allowed)

    @property
    def changes(self) -> Changes:
        """The item and its new attachment; the "has media" facet (undo: detach the attachment)."""
        return Changes.of_items([self.attachment.item_id], attachments=frozenset([self.attachment.id]),
                                facets=True, events=True)


IGNORED_NAMES_SHOWN = 3  # the summary names this many ignored files


@dataclass
class ImportReport:
    folder: str  # what was imported: the folder, or the paths given
    attached: list[AttachResult] = field(default_factory=list)
    duplicates: list[tuple[str, list[Attachment]]] = field(default_factory=list)  # skipped: (path, existing)
    failures: list[tuple[str, str]] = field(default_factory=list)  # (path, message)
    ignored: list[str] = field(default_factory=list)  # not media and not named like media (sidecars, notes)
    cancelled: bool = False
    duplicate_files: list[Path] = field(default_factory=list)  # the skipped duplicates' real paths (to retry)

    @property
    def ok(self) -> bool:
        return not self.failures and not self.cancelled

    @property
    def changes(self) -> Changes:
        if not self.attached:
            return NO_CHANGES
        return Changes.of_items({a.attachment.item_id for a in self.attached}, facets=True, events=True,
                                attachments=frozenset(a.attachment.id for a in self.attached))

    def summary(self) -> str:
        parts = [f"{len(self.attached)} attached"]
        if self.duplicates:
            parts.append(f"{len(self.duplicates)} duplicates skipped")
        if self.failures:
            parts.append(f"{len(self.failures)} failed")
        if self.ignored:
            count = len(self.ignored)
            names = ", ".join(Path(path).name for path in self.ignored[:IGNORED_NAMES_SHOWN])
            more = f" and {count - IGNORED_NAMES_SHOWN} more" if count > IGNORED_NAMES_SHOWN else ""
            parts.append(f"{count} other file{'' if count == 1 else 's'} ignored ({names}{more})")
        text = ", ".join(parts)
        return f"{text} (cancelled)" if self.cancelled else text


def find_duplicates(library: Library, sha256: str) -> list[Attachment]:
    """Every attachment in the library whose content has this SHA-256."""
    rows = library.store.execute("SELECT id FROM attachments WHERE sha256 = ? ORDER BY id", (sha256,))
    return library.attachments_by_id([row[0] for row in rows])


def other_users_of_managed_copy(library: Library, attachment: Attachment) -> int:
    """How many other attachments share this attachment's managed copy (0 for a linked file)."""
    if attachment.mode != "copy":
        return 0
    return int(library.store.execute(
        "SELECT count(*) FROM attachments WHERE mode = 'copy' AND path = ? AND id != ?",
        (attachment.path, attachment.id),
    ).fetchone()[0])


def get_attachment(library: Library, attachment_id: int) -> Attachment:
    found = library.attachments_by_id([attachment_id])
    if not found:
        raise UnknownAttachment(attachment_id)
    return found[0]


def attach_file(
    library: Library,
    item_id: str,
    path: str | os.PathLike[str],
    *,
    mode: str = "copy",
    allow_duplicate: bool = False,
    video_prober: VideoProber | None = None,
    job: Job | None = None,
    move: bool = False,
    provenance: dict[str, Any] | None = None,
    original_name: str | None = None,
) -> AttachResult:
    """Attach one file to an item. Raises a MediaCatError naming the file (DuplicateContent for known content).

    `mode="copy"` puts the file in `media/<sha[:2]>/<sha>/<name>`; `mode="link"` stores its path (relative to
    the link base folder when inside it). `move=True` adopts a file from the library's incoming folder by
    renaming it (downloads); `original_name` then names the managed copy instead of the file's own name. On
    any failure the library's files and database are as they were.
    """
    if mode not in MODES:
        raise AttachError(f"unknown attachment mode {mode!r} (use copy or link)")
    require_item(library, item_id)
    source = Path(path)
    name = display_path(source)
    before = check_source_file(source)
    if move and (mode != "copy" or library.paths.incoming not in Path(os.path.abspath(source)).parents):
        raise AttachError(f"{name}: only a copy-mode file inside {library.paths.incoming} can be moved in")
    stored_link = link_path(library, source) if mode == "link" else None
    try:
        sha256, size = hash_file(source, job)
    except OSError as error:
        raise AttachError(f"{name}: cannot read the file ({os_reason(error)})") from error
    require_unchanged(source, before, size)
    duplicates = find_duplicates(library, sha256)
    if duplicates and not allow_duplicate:
        raise DuplicateContent(name, duplicates)
    facts = probe_file(source, video_prober)
    try:
        mtime = source.stat().st_mtime
    except OSError as error:
        raise AttachError(f"{name}: the file went away while being attached ({os_reason(error)})") from error
    row = {
        "item_id": item_id,
        "mode": mode,
        "original_name": display_name(original_name or source.name),
        "file_name": original_name or source.name,
        "sha256": sha256,
        "size": size,
        "mtime": mtime,
        "provenance": provenance if provenance is not None else {"source": "file", "original_path": name},
        "allow_duplicate": allow_duplicate,
    }
    if mode == "copy":
        attachment_id = _store_managed_copy(library, source, row, facts, job, move=move)
    else:
        with library.store.transaction():
            attachment_id = _insert_row(library, {**row, "path": stored_link}, facts)
    return AttachResult(name, get_attachment(library, attachment_id), list(facts.warnings), duplicates)


def require_item(library: Library, item_id: str) -> None:
    if library.store.execute("SELECT 1 FROM items WHERE id = ?", (item_id,)).fetchone() is None:
        raise UnknownItem(item_id)


def check_source_file(source: Path) -> os.stat_result:
    """The file's stat, or AttachError/UnsupportedMedia saying why it cannot be attached."""
    name = display_path(source)
    try:
        info = source.stat()
    except FileNotFoundError as error:
        raise AttachError(f"{name}: no such file (it may have been moved or deleted)") from error
    except OSError as error:
        raise AttachError(f"{name}: cannot read the file ({os_reason(error)})") from error
    if stat.S_ISDIR(info.st_mode):
        raise AttachError(f"{name}: is a folder, not a file (attach folders with Import Folder / a folder argument)")
    if not stat.S_ISREG(info.st_mode):
        raise AttachError(f"{name}: not a regular file")
    try:
        with open(source, "rb"):
            pass
    except OSError as error:
        raise AttachError(f"{name}: cannot read the file ({os_reason(error)})") from error
    if info.st_size == 0:
        raise UnsupportedMedia(f"{name}: the file is empty (0 bytes)")
    return info


def require_unchanged(source: Path, before: os.stat_result, hashed_size: int) -> None:
    """Refuse a file that changed while it was hashed (its hash would be of no real version of it)."""
    name = display_path(source)
    try:
        after = source.stat()
    except OSError as error:
        raise AttachError(f"{name}: the file went away while being read ({os_reason(error)}); nothing attached"
                          ) from error
    identity = (before.st_dev, before.st_ino, before.st_size, before.st_mtime_ns)
    if identity != (after.st_dev, after.st_ino, after.st_size, after.st_mtime_ns) or hashed_size != after.st_size:
        raise AttachError(f"{name}: the file changed while it was being read (size {before.st_size} -> "
                          f"{after.st_size} bytes); nothing attached; attach it again once it is complete")


def link_path(library: Library, source: Path) -> str:
    """The path stored for a linked file: relative to the link base folder when inside it, else absolute."""
    absolute = Path(os.path.abspath(source))
    try:
        str(absolute).encode("utf-8")
    except UnicodeEncodeError as error:
        raise AttachError(
            f"{display_path(source)}: the path is not valid UTF-8 text, so it cannot be stored as a link; "
            "attach a copy instead (the copy gets a readable name) or rename the file"
        ) from error
    base = library.link_base_dir
    if base is not None:
        for candidate in (absolute, absolute.resolve()):
            with contextlib.suppress(ValueError):
                return candidate.relative_to(base).as_posix()
    return str(absolute)


def _insert_row(library: Library, row: dict[str, Any], facts: MediaFacts) -> int:
    if not row["allow_duplicate"]:
        existing = find_duplicates(library, row["sha256"])  # again, inside the transaction
        if existing:
            raise DuplicateContent(row["original_name"], existing)
    stored_facts = dict(facts.facts)
    if facts.warnings:
        stored_facts["warnings"] = list(facts.warnings)
    cursor = library.store.execute(
        # an id is never reused, not even one a detach freed: the event log names attachments by id
        """INSERT INTO attachments(id, item_id, mode, path, original_name, sha256, size, mtime, mime, media_type,
               width, height, duration, facts, provenance, check_status, checked_at)
           VALUES (1 + max(coalesce((SELECT max(id) FROM attachments), 0),
                           coalesce((SELECT max(attachment_id) FROM events), 0)),
                   ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'ok', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))""",
        (
            row["item_id"],
            row["mode"],
            row["path"],
            row["original_name"],
            row["sha256"],
            row["size"],
            row["mtime"],
            facts.mime,
            facts.media_type,
            facts.width,
            facts.height,
            facts.duration,
            json.dumps(stored_facts, ensure_ascii=False),
            json.dumps(row["provenance"], ensure_ascii=False),
        ),
    )
    assert cursor.lastrowid is not None  # an INSERT always sets it
    events.log_attach(library.store.conn, int(cursor.lastrowid), row, facts.mime)
    return int(cursor.lastrowid)


def _store_managed_copy(
    library: Library, source: Path, row: dict[str, Any], facts: MediaFacts, job: Job | None, *, move: bool
) -> int:
    """Put the file in `media/` and commit its row, so that a kill at any moment loses nothing.

    The bytes first become a marked temporary file in `media/.incoming` (a copy, or the download renamed);
    the row is committed; then the temporary file is renamed into place. A kill before the commit leaves
    only the temporary file, which the next open deletes; a kill after it leaves the row and the temporary
    file, which the next open renames into place (`mediacat.core.recovery`).
    """
    name = display_path(source)
    relative = managed_relative_path(row["sha256"], row["file_name"])
    media = library.paths.media
    destination = media / relative
    created: list[Path] = []
    temp: Path | None = None
    try:
        try:
            created = make_folders(destination.parent) + make_folders(library.paths.incoming)
            reuse = destination.is_file() and hash_file(destination, job) == (row["sha256"], row["size"])
            if not reuse and move:
                temp = library.paths.incoming / temp_name(row["sha256"])
                os.replace(source, temp)
            elif not reuse:
                temp, copied_sha, _ = copy_to_temp(source, library.paths.incoming, job, row["sha256"])
                if copied_sha != row["sha256"]:
                    raise AttachError(f"{name}: the file changed while it was being copied; nothing attached")
        except OSError as error:
            where = "read the file" if error.filename == str(source) else f"write the managed copy in {media}"
            raise AttachError(f"{name}: cannot {where} ({os_reason(error)}); nothing attached") from error
        with library.store.transaction():
            attachment_id = _insert_row(library, {**row, "path": relative}, facts)
        if temp is not None:
            _place(library, temp, destination, attachment_id, name)
            temp = None
    except BaseException:
        if temp is not None:
            with contextlib.suppress(OSError):
                if move:
                    os.replace(temp, source)
                else:
                    temp.unlink()
        remove_empty_folders(created, media)
        raise
    if move and reuse:
        with contextlib.suppress(OSError):
            source.unlink()  # the same bytes are already in place; the download is no longer needed
    return attachment_id


def _place(library: Library, temp: Path, destination: Path, attachment_id: int, name: str) -> None:
    """Rename the committed attachment's temporary file into place; if that fails, take the row back."""
    try:
        os.replace(temp, destination)
        fsync_folder(destination.parent)
    except OSError as error:
        with library.store.transaction():
            library.store.execute("DELETE FROM attachments WHERE id = ?", (attachment_id,))
        raise AttachError(
            f"{name}: cannot write the managed copy in {library.paths.media} ({os_reason(error)}); nothing attached"
        ) from error


# -- folders --------------------------------------------------------------------------------------------------


def files_in_folder(folder: Path, *, recursive: bool) -> tuple[list[Path], list[tuple[str, str]]]:
    """Regular, non-hidden files in `folder` (sorted; into subfolders when recursive) and the walk's errors."""
    files: list[Path] = []
    errors: list[tuple[str, str]] = []

    def on_error(error: OSError) -> None:
        where = display_path(error.filename or folder)
        errors.append((where, f"{where}: cannot read the folder ({os_reason(error)})"))

    for root, dirs, names in os.walk(folder, onerror=on_error):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")) if recursive else []
        files.extend(Path(root) / n for n in sorted(names) if not n.startswith("."))
    return files, errors


def import_folder(
    library: Library,
    item_id: str,
    folder: str | os.PathLike[str],
    *,
    recursive: bool = False,
    mode: str = "copy",
    allow_duplicate: bool = False,
    video_prober: VideoProber | None = None,
    job: Job | None = None,
) -> ImportReport:
    """Attach every media file in `folder`, going on past bad files; the report names each failure."""
    folder = Path(folder)
    if not folder.is_dir():
        raise AttachError(f"{display_path(folder)}: not a folder")
    return attach_paths(library, item_id, [folder], recursive=recursive, mode=mode,
                        allow_duplicate=allow_duplicate, video_prober=video_prober, job=job)


def attach_paths(
    library: Library,
    item_id: str,
    paths: list[str | os.PathLike[str]],
    *,
    recursive: bool = False,
    mode: str = "copy",
    allow_duplicate: bool = False,
    video_prober: VideoProber | None = None,
    job: Job | None = None,
) -> ImportReport:
    """Attach files and the media files in folders (subfolders too when `recursive`), going on past bad ones.

    A named file that is not media is a failure; a non-media file found in a folder whose name does not look
    like media (notes, sidecars) is only listed as ignored. Cancelling keeps what was attached so far.
    """
    require_item(library, item_id)
    report = ImportReport(", ".join(display_path(p) for p in paths))
    files: list[tuple[Path, bool]] = []  # (file, named explicitly)
    for path in map(Path, paths):
        if path.is_dir():
            found, walk_errors = files_in_folder(path, recursive=recursive)
            files.extend((file, False) for file in found)
            report.failures.extend(walk_errors)
        else:
            files.append((path, True))
    total = len(files)
    for index, (path, named) in enumerate(files):
        name = display_path(path)
        try:
            if job is not None:
                job.check()
                job.report(index, total, display_path(path.name))
            report.attached.append(
                attach_file(
                    library, item_id, path, mode=mode, allow_duplicate=allow_duplicate,
                    video_prober=video_prober, job=job,
                )
            )
        except Cancelled:
            report.cancelled = True
            break
        except DuplicateContent as duplicate:
            report.duplicates.append((name, duplicate.existing))
            report.duplicate_files.append(path)
        except UnsupportedMedia as error:
            if named or path.suffix.lower() in MEDIA_EXTENSIONS:
                report.failures.append((name, str(error)))
            else:
                report.ignored.append(name)
        except MediaCatError as error:
            report.failures.append((name, str(error)))
        except Exception as error:  # an unexpected failure on one file must not stop the others
            report.failures.append((name, f"{name}: {type(error).__name__}: {error}"))
    if job is not None and not report.cancelled:
        job.report(total, total, report.summary())
    return report


_UPKEEP_NAMES = frozenset(
    ("CheckResult", "DetachResult", "check_attachments", "detach", "relink", "relink_candidates", "relink_from_folder")
)


def __getattr__(name: str) -> Any:
    """Checking, relinking and detaching are importable from here too (they live in attachment_upkeep)."""
    if name in _UPKEEP_NAMES:
        from mediacat.core import attachment_upkeep

        return getattr(attachment_upkeep, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

