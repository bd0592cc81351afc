"""The one writer (`window.run_op`), the readers (`window.run_query`) and `window.library_changed`."""

from __future__ import annotations

import threading
import time

from mediacat.core.changes import Changes
from mediacat.core.jobs import Job
from mediacat.core.library import Library
from mediacat.core.search import ItemQuery
from mediacat.core.tags import note_of, set_note
from tests.gui.window_helpers import open_window


def note_op(job: Job, library: Library, item_id: str, text: str) -> Changes:
    set_note(library, item_id, text)
    return Changes.of_items([item_id])


def test_an_op_runs_off_the_gui_thread_on_the_writer_connection(qtbot, library):
    window = open_window(qtbot, library)
    item_id = library.item_ids()[0]
    seen: dict[str, object] = {}

    def op(job: Job, writer: Library, text: str) -> Changes:
        seen["thread"] = threading.current_thread()
        seen["library"] = writer
        return note_op(job, writer, item_id, text)

    done = []
    window.run_op(op, "written by the writer", label="Note", on_done=done.append)
    qtbot.waitUntil(lambda: bool(done), timeout=10_000)
    assert seen["thread"] is not threading.main_thread()
    assert seen["library"] is not window.library  # the GUI thread's connection only reads
    assert note_of(library, item_id) == "written by the writer"
    assert done == [Changes.of_items([item_id])]


def test_ops_run_one_at_a_time_in_the_order_given(qtbot, library):
    window = open_window(qtbot, library)
    order: list[int] = []
    running = []
    overlap = []
    threads = set()

    def op(job: Job, writer: Library, n: int) -> None:
        running.append(n)
        overlap.append(len(running))
        threads.add(threading.get_ident())
        time.sleep(0.002 * (n % 3))  # uneven lengths: a pool of several threads would reorder them
        order.append(n)
        running.remove(n)

    finished = []
    for n in range(30):
        window.run_op(op, n, label=f"op {n}", on_done=lambda _result, n=n: finished.append(n))
    qtbot.waitUntil(lambda: len(finished) == 30, timeout=20_000)
    assert order == list(range(30)) and finished == list(range(30))
    assert max(overlap) == 1 and len(threads) == 1


def test_library_changed_carries_the_ops_changes_before_on_done(qtbot, library):
    window = open_window(qtbot, library)
    item_id = library.item_ids()[1]
    events: list[tuple[str, object]] = []
    window.library_changed.connect(lambda changes: events.append(("changed", changes)))
    window.run_op(note_op, item_id, "a note", label="Note", on_done=lambda result: events.append(("done", result)))
    qtbot.waitUntil(lambda: len(events) == 2, timeout=10_000)
    assert events == [("changed", Changes.of_items([item_id])), ("done", Changes.of_items([item_id]))]
    # The views refreshed from the signal: the detail pane of that item shows the note.
    window.select_item(item_id)
    assert window.detail.item is not None and window.detail.item.notes == "a note"


def test_a_stale_query_answer_is_dropped(qtbot, library):
    window = open_window(qtbot, library)
    release = threading.Event()
    answers: list[object] = []

    def slow_count(job: Job, reader: Library) -> str:
        release.wait(10)
        return f"slow {reader.count_items()}"

    def quick_count(job: Job, reader: Library) -> str:
        return f"quick {reader.count_items(ItemQuery(media_types=('image',)))}"

    first = window.run_query(slow_count, on_done=answers.append, key="count")
    second = window.run_query(quick_count, on_done=answers.append, key="count")
    qtbot.waitUntil(lambda: second.done, timeout=10_000)
    release.set()
    qtbot.waitUntil(lambda: first.done, timeout=10_000)
    assert answers == [f"quick {library.count_items(ItemQuery(media_types=('image',)))}"]
    # Queries without a key, or with another key, are all answered.
    both: list[object] = []
    window.run_query(quick_count, on_done=both.append)
    window.run_query(quick_count, on_done=both.append, key="other")
    qtbot.waitUntil(lambda: len(both) == 2, timeout=10_000)


def test_a_query_runs_on_a_reader_off_the_gui_thread(qtbot, library):
    window = open_window(qtbot, library)
    seen = {}

    def ids(job: Job, reader: Library) -> list[str]:
        seen["thread"] = threading.current_thread()
        seen["reader"] = reader
        return reader.item_ids()

    answers = []
    window.run_query(ids, on_done=answers.append)
    qtbot.waitUntil(lambda: bool(answers), timeout=10_000)
    assert answers[0] == library.item_ids()
    assert seen["thread"] is not threading.main_thread() and seen["reader"] is not window.library


def test_closing_the_window_writes_the_queued_ops_first(qtbot, library):
    window = open_window(qtbot, library)
    ids = library.item_ids()[:5]
    for n, item_id in enumerate(ids):
        window.run_op(note_op, item_id, f"note {n}", label="Note")
    window.close()
    assert [note_of(library, item_id) for item_id in ids] == [f"note {n}" for n in range(5)]


def test_a_write_by_another_connection_is_announced_as_everything(qtbot, library):
    window = open_window(qtbot, library)
    changes: list[Changes] = []
    window.library_changed.connect(changes.append)
    item_id = library.item_ids()[2]
    # The app's own write: announced once, with its own Changes (not also as a foreign write).
    done = []
    window.run_op(note_op, item_id, "mine", label="Note", on_done=done.append)
    qtbot.waitUntil(lambda: bool(done), timeout=10_000)
    window.operations.check_for_foreign_writes()
    qtbot.waitUntil(lambda: not window.operations._checking, timeout=10_000)
    assert changes == [Changes.of_items([item_id])]
    # Another connection (as another process would) writes: the poll notices it.
    assert window.select_item(item_id)
    with library.reopen() as other:
        set_note(other, item_id, "theirs")
    qtbot.waitUntil(lambda: len(changes) == 2)
    assert changes[1].is_everything
    qtbot.waitUntil(lambda: window.detail.item is not None and window.detail.item.notes == "theirs")


def test_an_undo_step_runs_its_operations_on_the_writer_and_a_failed_one_is_reported(qtbot, library):
    """The one undo command (`OpCommand`; `OperationCommand` gives it fixed steps): the first redo does
    nothing, undo and redo run their operations in order on the writer, and an undo that fails says so and
    makes its step obsolete."""
    from mediacat.core.errors import MediaCatError
    from mediacat.gui.features.tag_commands import OperationCommand

    window = open_window(qtbot, library)
    item_id = library.item_ids()[0]
    window.run_op(note_op, item_id, "after", label="Note")
    qtbot.waitUntil(lambda: note_of(library, item_id) == "after")
    command = OperationCommand("Edit note", window, (note_op, (item_id, "before")), (note_op, (item_id, "after")))
    window.undo_stack.push(command)  # the first redo: nothing (the edit already ran)
    window.undo_stack.undo()
    window.undo_stack.redo()  # asked while the undo still runs: waits for it, then runs
    qtbot.waitUntil(lambda: window.settled and not command._running)
    assert note_of(library, item_id) == "after"
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: note_of(library, item_id) == "before")

    def refused(job: Job, writer: Library) -> Changes:
        raise MediaCatError("the item was deleted meanwhile")

    failing = OperationCommand("Doomed edit", window, (refused, ()), (refused, ()))
    window.undo_stack.push(failing)
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: window.last_error_dialog is not None)
    shown = window.last_error_dialog.text_for_clipboard()
    assert "Undo 'Doomed edit' failed" in shown and "deleted meanwhile" in shown
    qtbot.waitUntil(lambda: failing.isObsolete())
