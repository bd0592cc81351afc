"""Attaching local files to items: copy into the managed folder or link in place, duplicates, folder imports.

Checking, relinking and detaching live in `mediacat.core.attachment_upkeep` and are re-exported here, so
`mediacat.core.attachments` is the one module callers import. A file is read, hashed, probed and (copy mode)
staged as a temporary file in `media/.incoming` here; `mediacat.core.attach_batch` commits the rows (one
transaction per batch of files: `attach_file` is a batch of one, `attach_paths` batches a folder) and renames
the copies into place, so a failure leaves neither a half-written file nor a database row.
"""

from __future__ import annotations

import contextlib
import os
import stat
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mediacat.core.attach_batch import (
    DuplicateContent,
    PendingAttach,
    commit_batch,
    find_duplicates,
    ready_for_commit,
    stage_copy,
    unstage,
)
from mediacat.core.changes import NO_CHANGES, Changes
from mediacat.core.errors import MediaCatError, UnknownItem
from mediacat.core.filestore import AttachError, display_name, hash_file, managed_relative_path, os_reason
from mediacat.core.jobs import Cancelled, Job
from mediacat.core.library import Library
from mediacat.core.model import Attachment
from mediacat.core.probe import UnsupportedMedia, VideoProber, display_path, probe_file

MODES = ("copy", "link")
MEDIA_EXTENSIONS = frozenset(
    (
        ".jpg", ".jpeg", ".jpe", ".png", ".gif", ".tif", ".tiff", ".webp", ".bmp",
        ".mp3", ".wav", ".wave", ".flac", ".ogg", ".oga", ".opus", ".m4a", ".aac", ".aif", ".aiff", ".aifc",
        ".mp4", ".m4v", ".mov", ".webm", ".mkv", ".avi", ".ogv",
    )
)


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
    sha256, size = read_source(source, job)
    pending = prepare_attach(library, item_id, source, sha256, size, mode=mode, allow_duplicate=allow_duplicate,
                             video_prober=video_prober, job=job, move=move, provenance=provenance,
                             original_name=original_name)
    outcome = commit_batch(library, [pending])[0]
    if isinstance(outcome, Exception):
        raise outcome
    return AttachResult(pending.name, get_attachment(library, outcome), list(pending.facts.warnings),
                        pending.duplicates)


def read_source(source: Path, job: Job | None) -> tuple[str, int]:
    """(sha256, size) of a file fit to attach, read once; AttachError/UnsupportedMedia name the file otherwise."""
    before = check_source_file(source)
    try:
        sha256, size = hash_file(source, job)
    except OSError as error:
        raise AttachError(f"{display_path(source)}: cannot read the file ({os_reason(error)})") from error
    require_unchanged(source, before, size)
    return sha256, size


def prepare_attach(
    library: Library,
    item_id: str,
    source: Path,
    sha256: str,
    size: int,
    *,
    mode: str,
    allow_duplicate: bool,
    video_prober: VideoProber | None,
    job: Job | None,
    move: bool = False,
    provenance: dict[str, Any] | None = None,
    original_name: str | None = None,
) -> PendingAttach:
    """A hashed file checked for duplicates, probed and (copy mode) staged in `media/.incoming`, ready for
    `commit_batch`. Raises a MediaCatError naming the file (DuplicateContent for known content)."""
    name = display_path(source)
    if move and (mode != "copy" or library.paths.incoming not in Path(os.path.abspath(source)).parents):
        raise AttachError(f"{name}: only a copy-mode file inside {library.paths.incoming} can be moved in")
    stored_link = link_path(library, source) if mode == "link" else None
    duplicates = find_duplicates(library, sha256)
    if duplicates and not allow_duplicate:
        raise DuplicateContent(name, duplicates)
    facts = probe_file(source, video_prober)
    try:
        mtime = source.stat().st_mtime
    except OSError as error:
        raise AttachError(f"{name}: the file went away while being attached ({os_reason(error)})") from error
    file_name = original_name or source.name
    row = {
        "item_id": item_id,
        "mode": mode,
        "path": managed_relative_path(sha256, file_name) if mode == "copy" else stored_link,
        "original_name": display_name(file_name),
        "file_name": file_name,
        "sha256": sha256,
        "size": size,
        "mtime": mtime,
        "provenance": provenance if provenance is not None else {"source": "file", "original_path": name},
        "allow_duplicate": allow_duplicate,
    }
    pending = PendingAttach(name, source, row, facts, duplicates, move=move)
    if mode == "copy":
        stage_copy(library, pending, job)
    return pending


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
    paths: Sequence[str | os.PathLike[str]],
    *,
    recursive: bool = False,
    mode: str = "copy",
    allow_duplicate: bool = False,
    video_prober: VideoProber | None = None,
    job: Job | None = None,
) -> ImportReport:
    """Attach files and the media files in folders (subfolders too when `recursive`), going on past bad ones.

    A named file that is not media is a failure; a non-media file found in a folder whose name does not look
    like media (notes, sidecars) is only listed as ignored. Cancelling keeps what was attached so far, and the
    files read before the cancel. The files are committed in batches (`attach_batch.BATCH_FILES` files or
    `BATCH_SECONDS`); each keeps its own attachment, event and failure message.
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
    if mode not in MODES:
        raise AttachError(f"unknown attachment mode {mode!r} (use copy or link)")
    batch: list[PendingAttach] = []  # read, probed and staged; committed together (`attach_batch`)
    started = 0.0
    try:
        for index, (path, named) in enumerate(files):
            try:
                if job is not None:
                    job.check()
                    job.report(index, total, display_path(path.name))
                sha256, size = read_source(path, job)
                if any(p.sha256 == sha256 for p in batch):
                    _commit_into(library, batch, report)  # so that its duplicate check sees the first copy
                if not batch:
                    started = time.monotonic()  # a batch's age counts from its first file
                batch.append(prepare_attach(library, item_id, path, sha256, size, mode=mode,
                                            allow_duplicate=allow_duplicate, video_prober=video_prober, job=job))
            except Cancelled:
                report.cancelled = True
                break
            except Exception as error:  # an unexpected failure on one file must not stop the others
                _report_failure(report, path, named, error)
            if ready_for_commit(batch, started, time.monotonic()):
                _commit_into(library, batch, report)
        _commit_into(library, batch, report)  # what was read before a cancel is kept too
    finally:
        for pending in batch:  # only after an unexpected BaseException: nothing half-done is left
            unstage(library, pending)
    if job is not None and not report.cancelled:
        job.report(total, total, report.summary())
    return report


def _commit_into(library: Library, batch: list[PendingAttach], report: ImportReport) -> None:
    """Commit the batch (`attach_batch.commit_batch`), put each file in the report, and empty the batch."""
    if not batch:
        return
    pendings = list(batch)
    batch.clear()
    try:
        outcomes: list[int | Exception] = commit_batch(library, pendings)
    except Exception as error:  # the transaction itself failed (busy, disk full): none of them is attached
        reason = str(error) if isinstance(error, MediaCatError) else f"{type(error).__name__}: {error}"
        for pending in pendings:
            report.failures.append((pending.name, f"{pending.name}: not attached: {reason}"))
        return
    attached = {a.id: a for a in library.attachments_by_id([o for o in outcomes if isinstance(o, int)])}
    for pending, outcome in zip(pendings, outcomes, strict=True):
        if isinstance(outcome, int):
            report.attached.append(AttachResult(pending.name, attached[outcome], list(pending.facts.warnings),
                                                pending.duplicates))
        else:
            _report_failure(report, pending.source, True, outcome)


def _report_failure(report: ImportReport, path: Path, named: bool, error: Exception) -> None:
    """One file's failure in the report: a duplicate, an ignored non-media file, or a failure naming it."""
    name = display_path(path)
    if isinstance(error, DuplicateContent):
        report.duplicates.append((name, error.existing))
        report.duplicate_files.append(path)
    elif isinstance(error, UnsupportedMedia):
        if named or path.suffix.lower() in MEDIA_EXTENSIONS:
            report.failures.append((name, str(error)))
        else:
            report.ignored.append(name)
    elif isinstance(error, MediaCatError):
        report.failures.append((name, str(error)))
    else:
        report.failures.append((name, f"{name}: {type(error).__name__}: {error}"))


_UPKEEP_NAMES = frozenset(
    ("CheckResult", "DetachResult", "check_attachments", "detach", "relink", "relink_candidates", "relink_from_folder")
)


def __getattr__(name: str) -> Any:
    """Checking, relinking and detaching are importable from here too (they live in attachment_upkeep)."""
    if name in _UPKEEP_NAMES:
        from mediacat.core import attachment_upkeep

        return getattr(attachment_upkeep, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

