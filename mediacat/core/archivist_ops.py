"""Issue 15's operations in the form the app's one writer runs them: `op(job, library, *args) -> result`.

Each result carries `.changes` (a `Changes`) and what undo needs; each is the same core function the CLI
calls (`user_items`, `saved_searches`), given the job first. The queries (`*_query`) only read and run on a
reader connection (`window.run_query`); the bag export only reads the library, so it is a query too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mediacat.core.attachments import AttachResult
from mediacat.core.bag_export import BagReport, export_bag
from mediacat.core.changes import Changes
from mediacat.core.csv_create import (
    CreatingImport,
    CreatingImportPreview,
    import_creating,
    preview_creating_import,
    undo_creating_import,
)
from mediacat.core.events import Event, events
from mediacat.core.item_sources import Sources, UserItemEdit, edit_user_item, undo_user_item_edit
from mediacat.core.jobs import Job
from mediacat.core.library import Library
from mediacat.core.new_items import NasaDownload, add_item_from_file, add_item_with_download
from mediacat.core.probe import VideoProber
from mediacat.core.saved_searches import (
    SavedSearch,
    SavedSearchChange,
    remove_saved_search,
    rename_saved_search,
    restore_saved_search,
    save_search,
    saved_search_counts,
)
from mediacat.core.search import ItemQuery
from mediacat.core.user_items import (
    BatchEdit,
    ExternalSource,
    ItemAdded,
    ItemDeleted,
    ItemEdit,
    add_item,
    batch_edit,
    delete_item,
    edit_item,
    preview_batch_edit,
    restore_item,
    undo_batch_edit,
    undo_edit,
)


@dataclass(frozen=True)
class NewItemWithFile:
    added: ItemAdded
    attached: AttachResult

    @property
    def item_id(self) -> str:
        return self.added.item_id

    @property
    def changes(self) -> Changes:
        return self.added.changes | self.attached.changes


# -- items ----------------------------------------------------------------------------------------------------


def add_item_op(job: Job, library: Library, values: Mapping[str, Any],
                sources: Sequence[tuple[str, str]] = (), external_sources: Sequence[ExternalSource] = ()
                ) -> ItemAdded:
    """A user item; `sources` are (article id, verbatim quote) pairs, `external_sources` outside pages."""
    return add_item(library, values, sources=sources, external_sources=external_sources)


def add_item_from_file_op(job: Job, library: Library, path: Path, values: Mapping[str, Any],
                          video_prober: VideoProber | None = None, sources: Sequence[tuple[str, str]] = (),
                          external_sources: Sequence[ExternalSource] = ()) -> NewItemWithFile:
    """A user item filled from a file's facts (the given values win), with the file attached."""
    added, attached = add_item_from_file(library, path, values, video_prober=video_prober, job=job,
                                         sources=sources, external_sources=external_sources)
    return NewItemWithFile(added, attached)


def add_item_with_download_op(job: Job, library: Library, values: Mapping[str, Any], fetched: NasaDownload,
                              tags: Sequence[str] = (), sources: Sequence[tuple[str, str]] = (),
                              external_sources: Sequence[ExternalSource] = (),
                              video_prober: VideoProber | None = None) -> NewItemWithFile:
    """A user item from a NASA record, with the rendition the download pool fetched attached."""
    added, attached = add_item_with_download(library, values, fetched, video_prober=video_prober, job=job,
                                             tags=tags, sources=sources, external_sources=external_sources)
    return NewItemWithFile(added, attached)


def delete_item_op(job: Job, library: Library, item_id: str, remove_files: bool) -> ItemDeleted:
    return delete_item(library, item_id, remove_files=remove_files)


def restore_item_op(job: Job, library: Library, deleted: ItemDeleted) -> ItemAdded:
    return restore_item(library, deleted)


def edit_item_op(job: Job, library: Library, item_id: str, values: Mapping[str, Any]) -> ItemEdit:
    return edit_item(library, item_id, values)


def undo_edit_op(job: Job, library: Library, edit: ItemEdit) -> ItemEdit:
    """Undo (and, given the undo's result, redo) of an item edit."""
    return undo_edit(library, edit)


def edit_user_item_op(job: Job, library: Library, item_id: str, values: Mapping[str, Any],
                      sources: Sources | None = None) -> UserItemEdit:
    """The detail pane's edit: fields, and a user item's sources, together."""
    return edit_user_item(library, item_id, values, sources)


def undo_user_item_edit_op(job: Job, library: Library, edit: UserItemEdit) -> UserItemEdit:
    """Undo (and, given the undo's result, redo) of the detail pane's edit."""
    return undo_user_item_edit(library, edit)


def import_creating_op(job: Job, library: Library, path: Path) -> CreatingImport:
    """File ▸ Import CSV… with "create items": new items for unknown ids, then the tags and notes."""
    return import_creating(library, path)


def undo_creating_import_op(job: Job, library: Library, done: CreatingImport) -> CreatingImport:
    """Undo (and, given the undo's result, redo) of an import that created items."""
    return undo_creating_import(library, done)


def batch_edit_op(job: Job, library: Library, item_ids: Sequence[str], name: str, value: Any) -> BatchEdit:
    return batch_edit(library, item_ids, name, value)


def undo_batch_edit_op(job: Job, library: Library, batch: BatchEdit) -> BatchEdit:
    return undo_batch_edit(library, batch)


# -- saved searches -------------------------------------------------------------------------------------------


def save_search_op(job: Job, library: Library, name: str, query: ItemQuery, replace: bool = False
                   ) -> SavedSearchChange:
    return save_search(library, name, query, replace=replace)


def rename_saved_search_op(job: Job, library: Library, old: str, new: str) -> SavedSearchChange:
    return rename_saved_search(library, old, new)


def remove_saved_search_op(job: Job, library: Library, name: str) -> SavedSearchChange:
    return remove_saved_search(library, name)


def restore_saved_search_op(job: Job, library: Library, search: SavedSearch) -> SavedSearchChange:
    return restore_saved_search(library, search)


# -- queries (read only) --------------------------------------------------------------------------------------


def saved_search_counts_query(job: Job, library: Library) -> list[tuple[SavedSearch, int]]:
    return saved_search_counts(library)


def preview_creating_import_query(job: Job, library: Library, path: Path) -> CreatingImportPreview:
    return preview_creating_import(library, path)


def events_query(job: Job, library: Library, item_id: str, attachment_id: int | None = None) -> list[Event]:
    return events(library, item_id=item_id, attachment_id=attachment_id)


def preview_batch_edit_query(job: Job, library: Library, item_ids: Sequence[str], name: str, value: Any
                             ) -> list[tuple[str, Any, Any]]:
    return preview_batch_edit(library, item_ids, name, value)


def export_bag_query(job: Job, library: Library, item_ids: Sequence[str], folder: Path, organization: str | None
                     ) -> BagReport:
    return export_bag(library, item_ids, folder, source_organization=organization, job=job)
