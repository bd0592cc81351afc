"""Keeping attachments honest: check (re-hash: ok/missing/modified/unreadable), relink missing files, detach.

Import these from `mediacat.core.attachments` (they are re-exported there).
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mediacat.core import events
from mediacat.core.attachments import check_source_file, get_attachment, link_path
from mediacat.core.changes import Changes
from mediacat.core.filestore import (
    AttachError,
    copy_to_temp,
    fsync_folder,
    hash_file,
    make_folders,
    os_reason,
    remove_empty_folders,
    temp_name,
)
from mediacat.core.jobs import Job
from mediacat.core.library import Library
from mediacat.core.model import Attachment
from mediacat.core.probe import VideoProber, display_path, probe_file
from mediacat.core.recovery import recover_interrupted_files


class ContentDiffers(AttachError):
    """A relink target whose bytes differ from the attachment's (`force` relinks a linked file anyway). The
    message says what differs; each front end adds how to force it in its own words."""

    def __init__(self, message: str, attachment: Attachment) -> None:
        super().__init__(message)
        self.attachment = attachment

STATUSES = ("ok", "missing", "modified", "unreadable")
_NOW = "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"


@dataclass(frozen=True)
class CheckResult:
    attachment_id: int | None  # None for a built-in file of the seed catalog
    item_id: str
    path: str
    status: str  # ok | missing | modified | unreadable
    expected_sha256: str
    actual_sha256: str | None
    message: str
    builtin: bool = False

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def to_json(self) -> dict[str, Any]:
        return {
            "attachment_id": self.attachment_id,
            "item_id": self.item_id,
            "path": self.path,
            "status": self.status,
            "expected_sha256": self.expected_sha256,
            "actual_sha256": self.actual_sha256,
            "message": self.message,
            "builtin": self.builtin,
        }


@dataclass(frozen=True)
class DetachResult:
    attachment: Attachment
    deleted_file: str | None  # the managed copy removed from disk, if any
    kept_reason: str | None  # why a file was kept although deletion was asked for

    @property
    def changes(self) -> Changes:
        return Changes.of_items([self.attachment.item_id], attachments=frozenset([self.attachment.id]),
                                facets=True, events=True)


@dataclass(frozen=True)
class Fixity:
    """What re-hashing a file found: "ok", "modified", "missing" or "unreadable" (with the OS's reason)."""

    status: str
    sha256: str | None = None
    size: int | None = None
    reason: str = ""


def fixity_of(path: Path, expected_sha256: str, job: Job | None = None) -> Fixity:
    """Re-hash `path` against the SHA-256 it should have: the one fixity check of attachments and built-in files."""
    try:
        path.stat()
    except (FileNotFoundError, NotADirectoryError):
        return Fixity("missing")
    except OSError as error:
        return Fixity("unreadable", reason=os_reason(error))
    if not path.is_file():
        return Fixity("missing", reason="not a file any more")
    try:
        actual, size = hash_file(path, job)
    except OSError as error:
        return Fixity("unreadable", reason=os_reason(error))
    return Fixity("ok" if actual == expected_sha256 else "modified", actual, size)


def check_attachment(attachment: Attachment, job: Job | None = None) -> CheckResult:
    """Re-hash one attachment's file and say whether it is still the file that was attached."""
    path = Path(attachment.resolved_path)
    shown = display_path(path)
    found = fixity_of(path, attachment.sha256, job)
    if found.status == "missing":
        message = (f"{shown}: not a file any more (attachment #{attachment.id})" if found.reason else
                   f"{shown}: missing (attachment #{attachment.id} of {attachment.item_id!r})")
    elif found.status == "unreadable":
        message = f"{shown}: cannot read ({found.reason})"
    elif found.status == "modified":
        change = f"size {attachment.size} -> {found.size} bytes" if found.size != attachment.size else "same size"
        message = f"{shown}: modified since it was attached ({change}, different SHA-256)"
    else:
        message = f"{shown}: ok"
    return CheckResult(attachment.id, attachment.item_id, shown, found.status, attachment.sha256, found.sha256,
                       message)


def check_attachments(
    library: Library, job: Job | None = None, attachment_ids: list[int] | None = None
) -> list[CheckResult]:
    """Re-hash every attachment (or the given ones) and store each verdict in `check_status`/`checked_at`.

    When cancelled, the verdicts reached so far are stored and `Cancelled` propagates. A whole check also
    finishes or removes what a killed copy, download or detach left in the library (`mediacat.core.recovery`).
    """
    if attachment_ids is None:
        recover_interrupted_files(library.store, library.paths, walk_media=True)
    attachments = library.all_attachments() if attachment_ids is None else library.attachments_by_id(attachment_ids)
    results: list[CheckResult] = []
    total = len(attachments)
    try:
        for index, attachment in enumerate(attachments):
            if job is not None:
                job.check()
                job.report(index, total, display_path(Path(attachment.resolved_path).name))
            results.append(check_attachment(attachment, job))
    finally:
        with library.store.transaction() as conn:
            conn.executemany(
                f"UPDATE attachments SET check_status = ?, checked_at = {_NOW} WHERE id = ?",
                [(r.status, r.attachment_id) for r in results],
            )
            for r in results:
                events.record(conn, "check", item_id=r.item_id, attachment_id=r.attachment_id, outcome=r.status,
                              path=r.path, expected_sha256=r.expected_sha256, actual_sha256=r.actual_sha256)
    if job is not None:
        job.report(total, total, "checked")
    return results


def relink(
    library: Library,
    attachment_id: int,
    new_path: str | os.PathLike[str],
    *,
    force: bool = False,
    video_prober: VideoProber | None = None,
    job: Job | None = None,
) -> Attachment:
    """Point an attachment at `new_path` after checking it has the same SHA-256 (refused otherwise unless
    `force`, which re-reads the new file's facts). A managed copy is restored from a file with the same bytes."""
    attachment = get_attachment(library, attachment_id)
    source = Path(new_path)
    name = display_path(source)
    check_source_file(source)
    try:
        sha256, size = hash_file(source, job)
    except OSError as error:
        raise AttachError(f"{name}: cannot read the file ({os_reason(error)})") from error
    same = sha256 == attachment.sha256
    if not same and not force:
        raise ContentDiffers(
            f"{name}: not the same content as attachment #{attachment_id} (SHA-256 {sha256[:12]}…, "
            f"expected {attachment.sha256[:12]}…); not relinked", attachment
        )
    if attachment.mode == "copy":
        if not same:
            raise AttachError(
                f"{name}: attachment #{attachment_id} is a managed copy; only a file with its exact content can "
                "restore it (attach the new file instead)"
            )
        _restore_managed_copy(library, attachment, source, job)
        return get_attachment(library, attachment_id)
    stored = link_path(library, source)
    mtime = source.stat().st_mtime
    with library.store.transaction() as conn:
        events.record(conn, "relink", item_id=attachment.item_id, attachment_id=attachment_id, path=stored,
                      old_path=attachment.path, sha256=sha256, same_content=same)
        if same:
            conn.execute(
                f"UPDATE attachments SET path = ?, mtime = ?, check_status = 'ok', checked_at = {_NOW} WHERE id = ?",
                (stored, mtime, attachment_id),
            )
        else:
            facts = probe_file(source, video_prober)
            stored_facts = {**facts.facts, **({"warnings": facts.warnings} if facts.warnings else {})}
            conn.execute(
                f"""UPDATE attachments SET path = ?, original_name = ?, sha256 = ?, size = ?, mtime = ?, mime = ?,
                        media_type = ?, width = ?, height = ?, duration = ?, facts = ?, check_status = 'ok',
                        checked_at = {_NOW} WHERE id = ?""",
                (stored, display_path(source.name), sha256, size, mtime, facts.mime, facts.media_type,
                 facts.width, facts.height, facts.duration, json.dumps(stored_facts, ensure_ascii=False),
                 attachment_id),
            )
    return get_attachment(library, attachment_id)


def _restore_managed_copy(library: Library, attachment: Attachment, source: Path, job: Job | None) -> None:
    destination = Path(attachment.resolved_path)
    created: list[Path] = []
    temp: Path | None = None
    try:
        try:
            created = make_folders(destination.parent) + make_folders(library.paths.incoming)
            temp, copied, _ = copy_to_temp(source, library.paths.incoming, job, attachment.sha256)
            if copied != attachment.sha256:
                raise AttachError(f"{display_path(source)}: the file changed while it was being copied")
            with library.store.transaction() as conn:
                conn.execute(
                    f"UPDATE attachments SET check_status = 'ok', checked_at = {_NOW} WHERE path = ? AND mode = 'copy'",
                    (attachment.path,),
                )
                events.record(conn, "relink", item_id=attachment.item_id, attachment_id=attachment.id,
                              path=attachment.path, restored_from=display_path(source), same_content=True)
                os.replace(temp, destination)
                temp = None
                fsync_folder(destination.parent)
        except OSError as error:
            raise AttachError(
                f"{display_path(destination)}: cannot restore the managed copy ({os_reason(error)})"
            ) from error
    except BaseException:
        if temp is not None:
            with contextlib.suppress(OSError):
                temp.unlink()
        remove_empty_folders(created, library.paths.media)
        raise


def relink_candidates(
    library: Library,
    old_folder: str | os.PathLike[str],
    new_folder: str | os.PathLike[str],
    *,
    job: Job | None = None,
) -> list[tuple[Attachment, Path]]:
    """Linked attachments whose file is missing from under `old_folder` and whose same relative path under
    `new_folder` exists with the expected SHA-256: (attachment, new path) pairs ready for `relink`."""
    old = Path(os.path.abspath(old_folder))
    new = Path(new_folder)
    found: list[tuple[Attachment, Path]] = []
    for attachment in library.all_attachments():
        if job is not None:
            job.check()
        current = Path(attachment.resolved_path)
        if attachment.mode != "link" or current.exists():
            continue
        try:
            relative = current.relative_to(old)
        except ValueError:
            continue
        candidate = new / relative
        try:
            if candidate.is_file() and candidate.stat().st_size == attachment.size and \
                    hash_file(candidate, job)[0] == attachment.sha256:
                found.append((attachment, candidate))
        except OSError:
            continue
    return found


@dataclass(frozen=True)
class RelinkResult:
    """One attachment relinked, and its missing siblings: the other linked files missing from its old folder
    found with the same content at the same relative place under the new folder (ready for
    `relink_from_folder`, which the user is asked about first)."""

    attachment: Attachment
    before: Attachment  # undo data: where it pointed before
    old_folder: Path
    new_folder: Path
    siblings: list[tuple[Attachment, Path]]

    @property
    def changes(self) -> Changes:
        return Changes.of_items([self.attachment.item_id], attachments=frozenset([self.attachment.id]), events=True)


def relink_with_siblings(
    library: Library,
    attachment_id: int,
    new_path: str | os.PathLike[str],
    *,
    force: bool = False,
    video_prober: VideoProber | None = None,
    job: Job | None = None,
) -> RelinkResult:
    """`relink` one attachment, then look for its missing siblings (the CLI and the app both use this)."""
    before = get_attachment(library, attachment_id)
    relinked = relink(library, attachment_id, new_path, force=force, video_prober=video_prober, job=job)
    old_folder = Path(before.resolved_path).parent
    new_folder = Path(new_path).absolute().parent
    siblings = [] if old_folder == new_folder else relink_candidates(library, old_folder, new_folder, job=job)
    return RelinkResult(relinked, before, old_folder, new_folder, siblings)


@dataclass(frozen=True)
class FolderRelinkResult:
    relinked: list[Attachment]
    failures: list[tuple[str, str]]  # (path, message)

    @property
    def changes(self) -> Changes:
        return Changes.of_items({a.item_id for a in self.relinked}, attachments=frozenset(a.id for a in self.relinked),
                                events=bool(self.relinked))


def relink_from_folder(
    library: Library, old_folder: str | os.PathLike[str], new_folder: str | os.PathLike[str], *, job: Job | None = None
) -> tuple[list[Attachment], list[tuple[str, str]]]:
    """Relink every candidate from `relink_candidates`: (relinked attachments, failures as (path, message))."""
    relinked: list[Attachment] = []
    failures: list[tuple[str, str]] = []
    for attachment, path in relink_candidates(library, old_folder, new_folder, job=job):
        try:
            relinked.append(relink(library, attachment.id, path, job=job))
        except AttachError as error:
            failures.append((display_path(path), str(error)))
    return relinked, failures


def detach(library: Library, attachment_id: int, *, delete_managed_copy: bool) -> DetachResult:
    """Remove an attachment from its item. A linked original is never deleted; a managed copy is deleted only
    when asked and when no other attachment uses the same file."""
    attachment = get_attachment(library, attachment_id)
    path = Path(attachment.resolved_path)
    kept: str | None = None
    if delete_managed_copy and attachment.mode == "link":
        kept = f"{display_path(path)}: a linked original is never deleted; only the link was removed"
    trash: Path | None = None
    try:
        with library.store.transaction() as conn:
            conn.execute("DELETE FROM attachments WHERE id = ?", (attachment_id,))
            events.record(conn, "detach", item_id=attachment.item_id, attachment_id=attachment_id,
                          name=attachment.original_name, sha256=attachment.sha256, mode=attachment.mode,
                          delete_managed_copy=delete_managed_copy)
            if delete_managed_copy and attachment.mode == "copy":
                users = conn.execute(
                    "SELECT count(*) FROM attachments WHERE mode = 'copy' AND path = ?", (attachment.path,)
                ).fetchone()[0]
                if users:
                    kept = f"{display_path(path)}: kept, still used by {users} other attachment(s)"
                elif path.is_file():
                    # Renamed to a marked temporary file before the commit, deleted after it: killed in
                    # between, the next open puts the file back if the row is still there (recovery.py).
                    try:
                        make_folders(library.paths.incoming)
                        candidate = library.paths.incoming / temp_name(attachment.sha256)
                        os.replace(path, candidate)  # undone below if the transaction fails
                    except OSError as error:
                        raise AttachError(
                            f"{display_path(path)}: cannot remove the managed copy ({os_reason(error)}); "
                            "nothing detached"
                        ) from error
                    trash = candidate
    except BaseException:
        if trash is not None:
            with contextlib.suppress(OSError):
                os.replace(trash, path)
        raise
    if trash is not None:
        with contextlib.suppress(OSError):
            trash.unlink()
        remove_empty_folders([path.parent], library.paths.media)
    return DetachResult(attachment, display_path(path) if trash is not None else None, kept)
