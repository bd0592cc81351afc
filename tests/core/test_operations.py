"""Core operations: each returns what it changed (`Changes`) and what undo needs; undo is an operation too."""

from __future__ import annotations

from pathlib import Path

from mediacat.core import operations as ops
from mediacat.core.changes import Changes, changes_of
from mediacat.core.csv_export import export_csv
from mediacat.core.csv_import import read_import
from mediacat.core.download_settings import DownloadSettingsUpdate
from mediacat.core.jobs import Job
from mediacat.core.tags import note_of, tags_of
from tests.media_fixtures import make_png


def test_tag_edits_name_their_items_tags_and_facets_and_undo_restores(library):
    ids = library.item_ids()[:3]
    job = Job()
    edit = ops.add_tags_op(job, library, ids, ["parachute"])
    assert changes_of(edit) == Changes.of_items(ids, tags=True, events=True)
    again = ops.add_tags_op(job, library, ids, ["parachute"])
    assert not changes_of(again)  # nothing changed, nothing to refresh
    undo = ops.restore_tags_op(job, library, edit.before)
    assert tags_of(library, ids) == edit.before and changes_of(undo).items == frozenset(ids)
    redo = ops.restore_tags_op(job, library, edit.after)
    assert tags_of(library, ids) == edit.after and changes_of(redo).tags


def test_rename_and_merge_name_the_items_they_moved(library):
    first, second = library.item_ids()[:2]
    ops.add_tags_op(Job(), library, [first], ["edl"])
    ops.add_tags_op(Job(), library, [second], ["EDL sequence"])
    edit = ops.merge_tags_op(Job(), library, ["edl", "EDL sequence"], "entry")
    assert changes_of(edit).items == {first, second} and changes_of(edit).tags
    ops.restore_tags_op(Job(), library, edit.before)
    assert tags_of(library, [first, second]) == {first: ("edl",), second: ("EDL sequence",)}


def test_a_note_edit_names_its_item_and_undo_restores_the_text(library):
    item_id = library.item_ids()[0]
    edit = ops.set_note_op(Job(), library, item_id, "first")
    assert changes_of(edit) == Changes.of_items([item_id], events=True)
    assert edit.before == "" and edit.after == "first"
    undo = ops.restore_notes_op(Job(), library, {item_id: edit.before})
    assert note_of(library, item_id) == "" and changes_of(undo) == Changes.of_items([item_id], events=True)
    assert not changes_of(ops.restore_notes_op(Job(), library, {item_id: ""}))


def test_csv_import_and_its_undo(library, tmp_path: Path):
    ids = library.item_ids()[:2]
    export_csv(library, ids, tmp_path / "before.csv")
    plan = read_import(library, _with_tag(tmp_path / "before.csv", tmp_path / "edited.csv", "from-csv"))
    result = ops.apply_import_op(Job(), library, plan)
    assert changes_of(result).items == frozenset(ids) and changes_of(result).tags
    undo = ops.restore_import_op(Job(), library, result.tag_edit.before,
                                 {e.item_id: e.before for e in result.note_edits})
    assert all("from-csv" not in tags for tags in tags_of(library, ids).values())
    assert changes_of(undo).items == frozenset(ids)


def _with_tag(source: Path, target: Path, tag: str) -> Path:
    import csv

    with source.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["id", "tags"])
        writer.writeheader()
        for row in rows:
            writer.writerow({"id": row["id"], "tags": tag})
    return target


def test_attach_check_relink_and_detach_name_the_attachment(library, tmp_path: Path):
    item_id = library.item_ids()[0]
    image = make_png(tmp_path / "photos" / "a.png", (40, 30))
    report = ops.attach_paths_op(Job(), library, item_id, [str(image)], "link", False, False)
    attachment = report.attached[0].attachment
    assert changes_of(report) == Changes.of_items([item_id], attachments=frozenset([attachment.id]), facets=True,
                                                 events=True)
    check = ops.check_attachments_op(Job(), library, [attachment.id])
    assert changes_of(check) == Changes.of_items([item_id], attachments=frozenset([attachment.id]),
                                                events=True)
    moved = tmp_path / "moved" / "a.png"
    moved.parent.mkdir()
    image.rename(moved)
    relinked = ops.relink_op(Job(), library, attachment.id, str(moved), False)
    assert relinked.before.resolved_path == str(image) and relinked.attachment.resolved_path == str(moved)
    assert changes_of(relinked).attachments == {attachment.id}
    detached = ops.detach_op(Job(), library, attachment.id, False)
    assert changes_of(detached).items == {item_id} and changes_of(detached).facets
    assert library.item(item_id).attachments == ()


def test_settings_changes(library, tmp_path: Path):
    change = ops.set_link_base_dir_op(Job(), library, tmp_path)
    assert changes_of(change) == Changes(settings=True) and change.before is None
    assert not changes_of(ops.set_link_base_dir_op(Job(), library, tmp_path))
    limit = ops.set_download_settings_op(Job(), library, DownloadSettingsUpdate(max_bytes=1234))
    assert changes_of(limit) == Changes(download_settings=True, events=True) and limit.after.max_bytes == 1234
    assert limit.changed == ["max_bytes"]
    assert not changes_of(ops.set_download_settings_op(Job(), library, DownloadSettingsUpdate(max_bytes=1234)))
