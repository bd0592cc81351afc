"""Undo commands for tag, note and CSV-import edits: operations too, run on the window's one writer.

Each edit was saved (by its operation) before its command is pushed, so the first redo does nothing; undo
and redo run the restoring operation (`restore_tags_op`, `restore_notes_op`, `restore_import_op`) through
`window.run_op`, in order with every other edit, off the GUI thread (the undo of a 20,000-item tag edit
too). The views refresh from `library_changed` as for any operation. A failed undo or redo is reported
and its command made obsolete.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtGui import QUndoCommand

from mediacat.core.csv_import import ImportResult
from mediacat.core.operations import merge_tags_op, restore_import_op, restore_notes_op, restore_tags_op
from mediacat.core.tags import NoteEdit, TagEdit
from mediacat.gui.features.op_command import OpCommand
from mediacat.gui.features.window_api import FeatureWindow

NOTE_COMMAND_ID = 6001

Step = tuple[Callable[..., Any], tuple[Any, ...]]  # (operation, its arguments after job and library)


class OperationCommand(OpCommand):
    """An undo step with fixed operations: the edit's "before" to undo and its "after" to redo (the one undo
    command, `OpCommand`, with steps that do not depend on the previous step's result)."""

    def __init__(self, text: str, window: FeatureWindow, undo: Step, redo: Step) -> None:
        self.undo_step = undo
        self.redo_step = redo  # a merged note edit replaces it: read when the step runs
        super().__init__(window, text, None, lambda _result: self.undo_step, lambda _result: self.redo_step)


def tag_edit_command(text: str, window: FeatureWindow, edit: TagEdit) -> OperationCommand:
    """Tags added to, removed from or set on one or many items: one undo step for the whole batch."""
    return OperationCommand(text, window, (restore_tags_op, (edit.before,)), (restore_tags_op, (edit.after,)))


def tag_rename_command(window: FeatureWindow, sources: Sequence[str], target: str, edit: TagEdit,
                       merged: bool) -> OperationCommand:
    """A tag renamed (undone by renaming back) or merged into another (undone by restoring each item's tags)."""
    if merged:
        text = f"Merge {', '.join(map(repr, sources))} into {target!r}"
        return OperationCommand(text, window, (restore_tags_op, (edit.before,)), (restore_tags_op, (edit.after,)))
    text = f"Rename tag {sources[0]!r} to {target!r}"
    return OperationCommand(text, window, (merge_tags_op, ([target], sources[0])),
                            (merge_tags_op, ([sources[0]], target)))


class NoteEditCommand(OperationCommand):
    """A note changed; consecutive saves of the same item's note merge into one undo step."""

    def __init__(self, window: FeatureWindow, edit: NoteEdit) -> None:
        self.item_id = edit.item_id
        self.before = edit.before
        self.after = edit.after
        super().__init__(f"Edit note of {edit.item_id}", window, self._restore(edit.before),
                         self._restore(edit.after))

    def _restore(self, text: str) -> Step:
        notes: Mapping[str, str] = {self.item_id: text}
        return restore_notes_op, (notes,)

    def id(self) -> int:
        return NOTE_COMMAND_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, NoteEditCommand) or other.item_id != self.item_id:
            return False
        self.after = other.after
        self.redo_step = self._restore(other.after)
        return True


def import_command(text: str, window: FeatureWindow, result: ImportResult) -> OperationCommand:
    """A CSV import: every item's tags and note it changed, restored together in one transaction."""
    notes_before = {edit.item_id: edit.before for edit in result.note_edits}
    notes_after = {edit.item_id: edit.after for edit in result.note_edits}
    return OperationCommand(text, window, (restore_import_op, (result.tag_edit.before, notes_before)),
                            (restore_import_op, (result.tag_edit.after, notes_after)))
