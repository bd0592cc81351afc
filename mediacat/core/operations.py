"""The library's operations in the form the app's one writer runs them: `op(job, library, *args) -> result`.

Each returns a result that carries what it changed (`.changes`, a `mediacat.core.changes.Changes`) and what
undo needs (`TagEdit.before`, `NoteEdit.before`, `ImportResult`'s edits, `RelinkResult.before` ...). Each
is the same core function the CLI calls (tags, csv_import, attachments, attachment_upkeep, download_attach), only
given the job first: the app says `window.run_op(add_tags_op, ids, tags)`. Undo and redo are operations too
(`restore_tags_op`, `restore_notes_op`, `restore_import_op`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from mediacat.core.attachment_upkeep import (
    CheckResult,
    DetachResult,
    FolderRelinkResult,
    RelinkResult,
    check_attachments,
    detach,
    relink_from_folder,
    relink_with_siblings,
)
from mediacat.core.attachments import AttachResult, ImportReport, attach_paths
from mediacat.core.changes import NO_CHANGES, Changes
from mediacat.core.csv_import import ImportPlan, ImportResult, apply_import
from mediacat.core.download import DownloadedFile, DownloadError
from mediacat.core.download_attach import attach_download, record_download_failure
from mediacat.core.download_settings import (
    DownloadSettings,
    DownloadSettingsResult,
    DownloadSettingsUpdate,
    apply_download_settings,
    download_settings,
)
from mediacat.core.jobs import Job
from mediacat.core.library import Library
from mediacat.core.probe import VideoProber
from mediacat.core.tags import (
    NoteEdit,
    TagEdit,
    add_tags,
    merge_tags,
    remove_tags,
    set_note,
    set_notes_many,
    set_tags_many,
)

# -- tags and notes ----------------------------------------------------------------------------------


def add_tags_op(job: Job, library: Library, item_ids: Sequence[str], tags: Sequence[str]) -> TagEdit:
    return add_tags(library, item_ids, tags)


def remove_tags_op(job: Job, library: Library, item_ids: Sequence[str], tags: Sequence[str]) -> TagEdit:
    return remove_tags(library, item_ids, tags)


def merge_tags_op(job: Job, library: Library, sources: Sequence[str], target: str) -> TagEdit:
    """Rename one tag (`sources` of one) or merge several into `target`."""
    return merge_tags(library, sources, target)


def restore_tags_op(job: Job, library: Library, tags_by_item: Mapping[str, Sequence[str]]) -> TagEdit:
    """Give items exactly these tags: the undo and redo of every tag edit (`TagEdit.before` / `.after`)."""
    return set_tags_many(library, tags_by_item)


def set_note_op(job: Job, library: Library, item_id: str, text: str) -> NoteEdit:
    return set_note(library, item_id, text)


@dataclass(frozen=True)
class NoteEdits:
    edits: list[NoteEdit]

    @property
    def changes(self) -> Changes:
        return Changes.of_items((edit.item_id for edit in self.edits), events=True) if self.edits else NO_CHANGES


def restore_notes_op(job: Job, library: Library, notes_by_item: Mapping[str, str]) -> NoteEdits:
    """Give items exactly these notes (undo and redo of note edits), in one transaction."""
    return NoteEdits(set_notes_many(library, notes_by_item))


# -- CSV import --------------------------------------------------------------------------------------


def apply_import_op(job: Job, library: Library, plan: ImportPlan) -> ImportResult:
    return apply_import(library, plan)


def restore_import_op(job: Job, library: Library, tags_by_item: Mapping[str, Sequence[str]],
                      notes_by_item: Mapping[str, str]) -> ImportResult:
    """Undo or redo an import: these tags and notes, together, in one transaction."""
    with library.store.transaction():
        tag_edit = set_tags_many(library, tags_by_item)
        note_edits = set_notes_many(library, notes_by_item)
    return ImportResult(tag_edit, note_edits)


# -- attachments -------------------------------------------------------------------------------------


def attach_paths_op(job: Job, library: Library, item_id: str, paths: Sequence[str], mode: str, recursive: bool,
                    allow_duplicate: bool, video_prober: VideoProber | None = None) -> ImportReport:
    return attach_paths(library, item_id, list(paths), recursive=recursive, mode=mode,
                        allow_duplicate=allow_duplicate, video_prober=video_prober, job=job)


def detach_op(job: Job, library: Library, attachment_id: int, delete_managed_copy: bool) -> DetachResult:
    return detach(library, attachment_id, delete_managed_copy=delete_managed_copy)


def relink_op(job: Job, library: Library, attachment_id: int, new_path: str, force: bool,
              video_prober: VideoProber | None = None) -> RelinkResult:
    return relink_with_siblings(library, attachment_id, new_path, force=force, video_prober=video_prober, job=job)


def relink_folder_op(job: Job, library: Library, old_folder: Path, new_folder: Path) -> FolderRelinkResult:
    relinked, failures = relink_from_folder(library, old_folder, new_folder, job=job)
    return FolderRelinkResult(relinked, failures)


@dataclass(frozen=True)
class CheckReport:
    """The verdicts stored by a check (the grid's warning badges follow them)."""

    results: list[CheckResult]

    @property
    def changes(self) -> Changes:
        stored = [r for r in self.results if not r.builtin]
        return Changes.of_items({r.item_id for r in stored}, attachments=frozenset(
            r.attachment_id for r in stored), events=bool(self.results))


def check_attachments_op(job: Job, library: Library, attachment_ids: list[int] | None = None) -> CheckReport:
    """Every attachment (or the given ones); a whole check also re-hashes the catalog's built-in files
    (their results have `builtin` set; nothing is stored for them)."""
    results = check_attachments(library, job, attachment_ids)
    if attachment_ids is None:
        from mediacat.core.builtin_media import check_builtin_media

        results = [*results, *check_builtin_media(library, job)]
    return CheckReport(results)


def attach_downloaded_op(job: Job, library: Library, item_id: str, downloaded: DownloadedFile,
                         nasa_id: str | None = None, rendition: str | None = None,
                         video_prober: VideoProber | None = None, allow_duplicate: bool = False) -> AttachResult:
    """Attach a file the download pool fetched into the library's incoming folder (see `attach_download`)."""
    return attach_download(library, item_id, downloaded, nasa_id=nasa_id, rendition=rendition,
                           video_prober=video_prober, allow_duplicate=allow_duplicate, job=job)


def record_download_failure_op(job: Job, library: Library, item_id: str, url: str, error: DownloadError) -> Changes:
    """The event of a download that failed on the app's download pool (recorded through the writer)."""
    record_download_failure(library, item_id, url, error)
    return Changes(events=True)


# -- settings ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SettingChange:
    name: str
    before: object
    after: object

    @property
    def changes(self) -> Changes:
        return Changes(settings=True) if self.before != self.after else NO_CHANGES


def set_link_base_dir_op(job: Job, library: Library, folder: Path | None) -> SettingChange:
    """Linked files inside `folder` are stored relative to it (every linked file may now resolve elsewhere)."""
    before = library.link_base_dir
    library.set_link_base_dir(folder)
    return SettingChange("link_base_dir", before, library.link_base_dir)


def set_download_settings_op(job: Job, library: Library, update: DownloadSettingsUpdate) -> DownloadSettingsResult:
    """Change some download settings (limits, NASA API, mirror) together; `.changed` names what changed."""
    return apply_download_settings(library, update)


def download_settings_query(job: Job, library: Library) -> DownloadSettings:
    """The library's download settings (a reader's query: `window.run_query(download_settings_query, ...)`)."""
    return download_settings(library)
