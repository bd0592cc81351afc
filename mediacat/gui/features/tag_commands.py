"""Undo commands for tag, note and CSV-import edits: each edit is already saved when pushed; undo/redo save again.

A command is built from what the core edit returned (`TagEdit`, `NoteEdit`), so undo restores exactly the
state before: the previous tags of every item a batch edit touched, the previous note. `on_changed(ids)` is
called after every undo and redo so the window can refresh those items and the tag counts.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from mediacat.core.errors import MediaCatError
from mediacat.core.library import Library
from mediacat.core.tags import NoteEdit, TagEdit, rename_tag, set_note, set_notes_many, set_tags_many

Changed = Callable[[list[str]], None]
Failed = Callable[[str, str], None]

NOTE_COMMAND_ID = 6001


class _LibraryCommand(QUndoCommand):
    """Applies nothing on its first redo (the edit was saved before the push); reports failures."""

    def __init__(self, text: str, library: Library, on_changed: Changed, on_failed: Failed | None) -> None:
        super().__init__(text)
        self.library = library
        self.on_changed = on_changed
        self.on_failed = on_failed
        self._first_redo = True

    def redo(self) -> None:
        if self._first_redo:
            self._first_redo = False
            return
        self._run(self.apply_after, "Redo")

    def undo(self) -> None:
        self._run(self.apply_before, "Undo")

    def _run(self, step: Callable[[], list[str]], verb: str) -> None:
        try:
            changed = step()
        except MediaCatError as error:  # e.g. the item was deleted from the command line meanwhile
            if self.on_failed is not None:
                self.on_failed(f"{verb} failed", f"{verb} {self.text()!r}: {error}")
            self.setObsolete(True)
            return
        self.on_changed(changed)

    def apply_before(self) -> list[str]:
        raise NotImplementedError

    def apply_after(self) -> list[str]:
        raise NotImplementedError


class TagEditCommand(_LibraryCommand):
    """Tags added to, removed from or set on one or many items: one undo step for the whole batch."""

    def __init__(
        self, text: str, library: Library, edit: TagEdit, on_changed: Changed, on_failed: Failed | None = None
    ) -> None:
        super().__init__(text, library, on_changed, on_failed)
        self.edit = edit

    def apply_before(self) -> list[str]:
        set_tags_many(self.library, self.edit.before)
        return self.edit.changed_ids

    def apply_after(self) -> list[str]:
        set_tags_many(self.library, self.edit.after)
        return self.edit.changed_ids


class TagRenameCommand(_LibraryCommand):
    """A tag renamed (undone by renaming back) or merged into another (undone by restoring each item's tags)."""

    def __init__(
        self,
        library: Library,
        sources: list[str],
        target: str,
        edit: TagEdit,
        merged: bool,
        on_changed: Changed,
        on_failed: Failed | None = None,
    ) -> None:
        if merged:
            text = f"Merge {', '.join(map(repr, sources))} into {target!r}"
        else:
            text = f"Rename tag {sources[0]!r} to {target!r}"
        super().__init__(text, library, on_changed, on_failed)
        self.sources = sources
        self.target = target
        self.edit = edit
        self.merged = merged

    def apply_before(self) -> list[str]:
        if self.merged:
            set_tags_many(self.library, self.edit.before)
        else:
            rename_tag(self.library, self.target, self.sources[0])
        return self.edit.changed_ids

    def apply_after(self) -> list[str]:
        if self.merged:
            set_tags_many(self.library, self.edit.after)
        else:
            rename_tag(self.library, self.sources[0], self.target)
        return self.edit.changed_ids


class NoteEditCommand(_LibraryCommand):
    """A note changed; consecutive saves of the same item's note merge into one undo step."""

    def __init__(
        self, library: Library, edit: NoteEdit, on_changed: Changed, on_failed: Failed | None = None
    ) -> None:
        super().__init__(f"Edit note of {edit.item_id}", library, on_changed, on_failed)
        self.item_id = edit.item_id
        self.before = edit.before
        self.after = edit.after

    def id(self) -> int:
        return NOTE_COMMAND_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, NoteEditCommand) or other.item_id != self.item_id:
            return False
        self.after = other.after
        return True

    def apply_before(self) -> list[str]:
        set_note(self.library, self.item_id, self.before)
        return [self.item_id]

    def apply_after(self) -> list[str]:
        set_note(self.library, self.item_id, self.after)
        return [self.item_id]


class ImportCommand(_LibraryCommand):
    """A CSV import: every item's tags and note it changed, restored together."""

    def __init__(
        self,
        text: str,
        library: Library,
        tag_edit: TagEdit,
        note_edits: list[NoteEdit],
        on_changed: Changed,
        on_failed: Failed | None = None,
    ) -> None:
        super().__init__(text, library, on_changed, on_failed)
        self.tag_edit = tag_edit
        self.note_edits = note_edits

    def _ids(self) -> list[str]:
        return list(dict.fromkeys([*self.tag_edit.changed_ids, *(edit.item_id for edit in self.note_edits)]))

    def apply_before(self) -> list[str]:
        with self.library.store.transaction():
            set_tags_many(self.library, self.tag_edit.before)
            set_notes_many(self.library, {edit.item_id: edit.before for edit in self.note_edits})
        return self._ids()

    def apply_after(self) -> list[str]:
        with self.library.store.transaction():
            set_tags_many(self.library, self.tag_edit.after)
            set_notes_many(self.library, {edit.item_id: edit.after for edit in self.note_edits})
        return self._ids()
