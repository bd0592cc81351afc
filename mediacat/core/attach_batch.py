"""Committing attachments in batches: many files' rows in one transaction, one fsync per folder per batch.

A copy-mode file is first *staged*: its bytes become a marked temporary file in `media/.incoming` (a copy,
flushed and fsynced, or a download renamed; `filestore.temp_name`). `commit_batch` then

1. fsyncs the staged copies (several at once: `filestore.fsync_all`), then `media/.incoming` once, so every
   staged file of the batch survives a power cut with its bytes and its name;
2. inserts every row (and its event) in one transaction, each row in its own savepoint so that one bad row
   fails alone;
3. renames each committed file into `media/<sha[:2]>/<sha>/<name>` (one `mkdir` when the prefix folder
   exists);
4. fsyncs each folder that got a new entry once (after all the renames, several at once).

The crash windows are the same as for one file, only shared by the batch's files: a kill before (2)'s commit
leaves temporary files of a process that is gone and no rows, which the next open deletes; a kill after it
leaves rows whose files are still temporary files, which the next open renames into place
(`mediacat.core.recovery`). A batch of one is what `attach_file` commits.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mediacat.core import events
from mediacat.core.filestore import (
    AttachError,
    copy_to_temp,
    fsync_all,
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
from mediacat.core.probe import MediaFacts

BATCH_FILES = 100  # a folder import commits at least this often ...
BATCH_SECONDS = 0.5  # ... and at least this often (what a kill or a cancel can cost is this much copying)


class DuplicateContent(AttachError):
    """The same bytes (by SHA-256) are already attached somewhere in the library."""

    def __init__(self, path: str, existing: list[Attachment]) -> None:
        where = ", ".join(f"item {a.item_id!r} as attachment #{a.id}" for a in existing[:3])
        if len(existing) > 3:
            where += f" and {len(existing) - 3} more"
        super().__init__(f"{path}: the same content is already attached ({where})")
        self.path = path
        self.existing = existing


def find_duplicates(library: Library, sha256: str) -> list[Attachment]:
    """Every attachment in the library whose content has this SHA-256."""
    rows = library.store.execute("SELECT id FROM attachments WHERE sha256 = ? ORDER BY id", (sha256,))
    return library.attachments_by_id([row[0] for row in rows])


@dataclass
class PendingAttach:
    """One file read, hashed and probed, waiting for its batch's commit."""

    name: str  # the source file, as display text
    source: Path
    row: dict[str, Any]  # the attachment row to insert ("path": relative to media/ for copies)
    facts: MediaFacts
    duplicates: list[Attachment] = field(default_factory=list)  # same content attached before (allowed)
    move: bool = False  # the staged file was renamed from `source` (a download), not copied
    temp: Path | None = None  # the staged temporary file (copy mode), renamed into place after the commit
    reuse: bool = False  # copy mode: the same bytes already sit where the managed copy goes
    synced: bool = True  # False while a staged copy's bytes are not yet fsynced (`commit_batch` does it)
    created: list[Path] = field(default_factory=list)  # folders made for it (removed again if it fails)

    @property
    def sha256(self) -> str:
        return str(self.row["sha256"])


def stage_copy(library: Library, pending: PendingAttach, job: Job | None) -> None:
    """Put a copy-mode file's bytes in a temporary file in `media/.incoming` (nothing when the same bytes are
    already in place). Raises AttachError naming the file; on failure nothing is left behind."""
    media = library.paths.media
    destination = media / pending.row["path"]
    try:
        try:
            if not library.paths.incoming.is_dir():
                pending.created = make_folders(library.paths.incoming)
            pending.reuse = destination.is_file() and hash_file(destination, job) == (pending.sha256,
                                                                                     pending.row["size"])
            if pending.reuse:
                return
            if pending.move:
                pending.temp = library.paths.incoming / temp_name(pending.sha256)
                os.replace(pending.source, pending.temp)
                return
            pending.temp, copied_sha, _ = copy_to_temp(pending.source, library.paths.incoming, job, pending.sha256,
                                                       sync=False)
            pending.synced = False
        except OSError as error:
            where = "read the file" if error.filename == str(pending.source) else f"write the managed copy in {media}"
            raise AttachError(f"{pending.name}: cannot {where} ({os_reason(error)}); nothing attached") from error
        if copied_sha != pending.sha256:
            raise AttachError(f"{pending.name}: the file changed while it was being copied; nothing attached")
    except BaseException:
        unstage(library, pending)
        raise


def unstage(library: Library, pending: PendingAttach) -> None:
    """Undo `stage_copy`: the temporary file goes (a moved-in download back where it was), and its folders."""
    if pending.temp is not None:
        with contextlib.suppress(OSError):
            if pending.move:
                os.replace(pending.temp, pending.source)
            else:
                pending.temp.unlink()
        pending.temp = None
    remove_empty_folders(pending.created, library.paths.media)
    pending.created = []


def commit_batch(library: Library, batch: list[PendingAttach]) -> list[int | Exception]:
    """Commit the batch's rows in one transaction and put their files in place; per file, its new attachment
    id or the error (naming the file) that kept it out. A failure of the transaction itself (busy, disk full)
    propagates after every staged file is removed: then nothing of the batch is attached."""
    outcomes: list[int | Exception | None] = _sync_staged(library, batch)
    try:
        with library.store.transaction():
            for index, pending in enumerate(batch):
                if outcomes[index] is not None:
                    continue  # its copy could not be made durable
                try:
                    with library.store.transaction():  # a savepoint: one bad row fails alone
                        outcomes[index] = _insert_row(library, pending)
                except Exception as error:  # reported for this file; the others go on
                    if not library.store.conn.in_transaction:
                        raise  # SQLite ended the whole transaction itself (disk full, I/O error)
                    outcomes[index] = error
    except BaseException:
        for pending in batch:
            unstage(library, pending)
        raise
    done = [AttachError(f"{p.name}: not attached") if o is None else o for p, o in zip(batch, outcomes, strict=True)]
    _place_committed(library, batch, done)
    return done


def _sync_staged(library: Library, batch: list[PendingAttach]) -> list[int | Exception | None]:
    """fsync the batch's staged copies and `media/.incoming`: None per file ready to commit, else its error."""
    outcomes: list[int | Exception | None] = [None] * len(batch)
    unsynced = [p.temp for p in batch if p.temp is not None and not p.synced]
    failed = fsync_all(unsynced)
    for index, pending in enumerate(batch):
        if pending.temp is not None and pending.temp in failed:
            outcomes[index] = AttachError(f"{pending.name}: cannot write the managed copy in {library.paths.media} "
                                          f"({os_reason(failed[pending.temp])}); nothing attached")
            unstage(library, pending)
        pending.synced = True
    if any(p.temp is not None for p in batch):
        fsync_folder(library.paths.incoming)
    return outcomes


def _insert_row(library: Library, pending: PendingAttach) -> int:
    row, facts = pending.row, pending.facts
    if not row["allow_duplicate"]:
        existing = find_duplicates(library, row["sha256"])  # again, inside the transaction
        if existing:
            raise DuplicateContent(pending.name, existing)
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


def _place_committed(library: Library, batch: list[PendingAttach], outcomes: list[int | Exception]) -> None:
    """Rename each committed row's temporary file into place, then fsync each changed folder once; a file
    that cannot be put in place takes its row back (its outcome becomes the error)."""
    media = library.paths.media
    changed: dict[Path, None] = {}  # folders with a new entry, in order, each fsynced once
    taken_back: list[int] = []
    for index, (pending, outcome) in enumerate(zip(batch, outcomes, strict=True)):
        if not isinstance(outcome, int):
            unstage(library, pending)
            continue
        if pending.temp is None:
            if pending.move and pending.reuse:
                with contextlib.suppress(OSError):
                    pending.source.unlink()  # the same bytes are already in place; the download is not needed
            continue
        destination = media / pending.row["path"]
        try:
            made = make_folders(destination.parent)
            pending.created += made
            os.replace(pending.temp, destination)
        except OSError as error:
            taken_back.append(outcome)
            outcomes[index] = AttachError(f"{pending.name}: cannot write the managed copy in {media} "
                                          f"({os_reason(error)}); nothing attached")
            unstage(library, pending)
            continue
        pending.temp = None
        changed.update((folder.parent, None) for folder in made)  # a new folder's own entry, in its parent
        changed[destination.parent] = None
    if taken_back:
        with library.store.transaction():
            library.store.conn.executemany("DELETE FROM attachments WHERE id = ?", [(i,) for i in taken_back])
    fsync_all(list(changed), folders=True)  # best effort, as `fsync_folder`


def ready_for_commit(batch: list[PendingAttach], started: float, now: float) -> bool:
    """Whether a growing batch should be committed now (`BATCH_FILES` files or `BATCH_SECONDS` old)."""
    return len(batch) >= BATCH_FILES or (bool(batch) and now - started >= BATCH_SECONDS)


__all__ = ["BATCH_FILES", "BATCH_SECONDS", "DuplicateContent", "PendingAttach", "commit_batch", "find_duplicates",
           "ready_for_commit", "stage_copy", "unstage"]
