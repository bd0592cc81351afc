"""The event log: every change appends an event in its own transaction; the log is append-only; `mediacat log`."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from mediacat import __version__
from mediacat.cli import main
from mediacat.core.attachment_upkeep import check_attachments, detach, relink
from mediacat.core.attachments import attach_file
from mediacat.core.bag_export import export_bag
from mediacat.core.bag_import import import_bag
from mediacat.core.csv_export import export_csv
from mediacat.core.csv_import import apply_import, read_import
from mediacat.core.download_attach import attach_from_url
from mediacat.core.errors import UnknownItem
from mediacat.core.events import Event, EventLogError, events, normalize_since, set_program
from mediacat.core.library import Library
from mediacat.core.saved_searches import remove_saved_search, rename_saved_search, save_search
from mediacat.core.search import ItemQuery
from mediacat.core.tags import add_tags, merge_tags, remove_tags, set_note
from mediacat.core.user_items import add_item, batch_edit, delete_item, edit_item, restore_item, undo_edit
from tests.http_server import MediaServer, Resource, jpeg_bytes
from tests.media_fixtures import make_jpeg, make_wav

ITEM = "skycrane-still"
AUDIO = "mars-wind-audio-original"


@pytest.fixture(autouse=True)
def command_line_program() -> None:
    set_program("mediacat")  # as the CLI is; a `gui` run earlier in this process names the app instead


def all_rows(library: Library) -> list[tuple]:
    """The log after the catalog's own `seed-update` event (written when the library was made)."""
    return library.store.execute("SELECT * FROM events WHERE action != 'seed-update' ORDER BY id").fetchall()


def changes(library: Library) -> list[Event]:
    return [e for e in events(library) if e.action != "seed-update"]


def every_kind_of_change(library: Library, tmp_path: Path, server: MediaServer) -> None:
    """One of each operation the log records, each on real files and a real HTTP server."""
    add_tags(library, [ITEM, AUDIO], ["landing"])
    remove_tags(library, [AUDIO], ["landing"])
    merge_tags(library, ["landing"], "Landing")
    set_note(library, ITEM, "dust on the lens")
    picture = attach_file(library, ITEM, make_jpeg(tmp_path / "a.jpg")).attachment
    linked = attach_file(library, AUDIO, make_wav(tmp_path / "w.wav"), mode="link").attachment
    check_attachments(library)
    moved = tmp_path / "moved.wav"
    shutil.move(tmp_path / "w.wav", moved)
    check_attachments(library, attachment_ids=[linked.id])
    relink(library, linked.id, moved)
    url = server.add("/p.jpg", Resource(body=jpeg_bytes(120, 80), content_type="image/jpeg"))
    attach_from_url(library, AUDIO, url)
    export_csv(library, [ITEM], tmp_path / "x.csv")
    text = (tmp_path / "x.csv").read_text(encoding="utf-8-sig").replace("dust on the lens", "clean lens")
    (tmp_path / "x.csv").write_text(text, encoding="utf-8")
    apply_import(library, read_import(library, tmp_path / "x.csv"))
    detach(library, picture.id, delete_managed_copy=True)


def every_archivist_change(library: Library, tmp_path: Path) -> None:
    """Items of one's own, corrections, batch edits, deletes, saved searches, a bag made and imported."""
    mine = add_item(library, {"title": "Mine", "media_type": "image"}, tags=["x"]).item_id
    attach_file(library, mine, make_jpeg(tmp_path / "mine.jpg"))
    edit = edit_item(library, ITEM, {"credit": "corrected"})
    undo_edit(library, edit)
    batch_edit(library, [ITEM, mine], "camera", "Mastcam-Z")
    save_search(library, "Mine", ItemQuery(tags=("x",)))
    rename_saved_search(library, "Mine", "Ours")
    remove_saved_search(library, "Ours")
    export_bag(library, [mine, ITEM], tmp_path / "bag")
    deleted = delete_item(library, mine)
    restore_item(library, deleted)
    delete_item(library, mine, remove_files=True)
    import_bag(library, tmp_path / "bag")


def test_every_change_appends_an_event_with_who_when_and_outcome(
    library: Library, tmp_path: Path, server: MediaServer
) -> None:
    every_kind_of_change(library, tmp_path, server)
    log = changes(library)
    actions = [event.action for event in log]
    assert actions[:4] == ["tag", "tag", "tag", "tag"]  # add on two items, remove on one, the rename on one
    for action in ("note", "attach", "check", "relink", "download", "import", "detach"):
        assert action in actions, action
    assert all(e.program == "mediacat" and e.version == __version__ for e in log)
    assert all(e.at.endswith("Z") and e.at[:2] == "20" for e in log)
    tag = log[0]
    assert (tag.item_id, tag.details["before"], tag.details["after"]) == (ITEM, [], ["landing"])
    checks = [e for e in log if e.action == "check"]
    assert [e.outcome for e in checks] == ["ok", "ok", "missing"]
    assert checks[-1].attachment_id is not None and checks[-1].item_id == AUDIO
    download = next(e for e in log if e.action == "download")
    assert download.details["url"].endswith("/p.jpg") and download.details["http_status"] == 200
    assert download.item_id == AUDIO and download.attachment_id is not None
    detached = log[-1]
    assert detached.action == "detach" and detached.item_id == ITEM
    per_item = events(library, item_id=ITEM)
    assert per_item and {e.item_id for e in per_item} == {ITEM}
    relinked = next(e for e in log if e.action == "relink")
    assert [e.action for e in events(library, attachment_id=relinked.attachment_id)] == [
        "attach", "check", "check", "relink"]


def test_no_operation_rewrites_the_log(library: Library, tmp_path: Path, server: MediaServer) -> None:
    add_tags(library, [ITEM], ["first"])
    before = all_rows(library)
    assert before
    every_kind_of_change(library, tmp_path, server)
    after = all_rows(library)
    assert after[: len(before)] == before and len(after) > len(before)
    every_archivist_change(library, tmp_path)
    later = all_rows(library)
    assert later[: len(after)] == after
    actions = {row[2] for row in later[len(after):]}
    assert {"item-add", "item-edit", "item-delete", "item-restore", "saved-search", "import-bag"} <= actions
    after = later
    # and the rest of the log, too, survives a second round of changes untouched
    add_tags(library, [AUDIO], ["second"])
    assert all_rows(library)[: len(after)] == after


def test_the_database_itself_refuses_to_change_or_delete_an_event(library: Library) -> None:
    add_tags(library, [ITEM], ["x"])
    for sql in ("UPDATE events SET outcome = 'forged'", "DELETE FROM events"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            library.store.execute(sql)
    assert len(all_rows(library)) == 1
    assert library.store.execute("SELECT count(*) FROM events").fetchone()[0] == 2  # the seed-update, too


def test_a_failed_change_logs_nothing(library: Library) -> None:
    with pytest.raises(UnknownItem):
        add_tags(library, [ITEM, "no-such-item"], ["x"])
    assert all_rows(library) == []


def test_the_event_is_in_the_changes_transaction(library: Library) -> None:
    with pytest.raises(RuntimeError), library.store.transaction():
        add_tags(library, [ITEM], ["x"])
        raise RuntimeError("the outer transaction fails")
    assert all_rows(library) == []


def test_since_dates_are_read_as_utc() -> None:
    assert normalize_since("2026-12-01") == "2026-12-01T00:00:00.000Z"
    assert normalize_since("2026-12-01T10:30+02:00") == "2026-12-01T08:30:00.000Z"
    with pytest.raises(EventLogError, match="not a date"):
        normalize_since("yesterday")


def test_log_command(library: Library, capsys: pytest.CaptureFixture[str]) -> None:
    add_tags(library, [ITEM], ["landing"])
    set_note(library, AUDIO, "wind")
    assert main(["log", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [(e["action"], e["item_id"]) for e in data] == [("seed-update", None), ("tag", ITEM), ("note", AUDIO)]
    data = data[1:]
    assert set(data[0]) == {"id", "at", "action", "item_id", "attachment_id", "program", "version", "outcome",
                            "details"}
    assert main(["log", ITEM]) == 0
    out = capsys.readouterr().out
    assert "tag" in out and "(none) -> landing" in out and AUDIO not in out
    assert main(["log", "--since", "2999-01-01", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["log", "no-such-item"]) == 2
    assert "no item with id 'no-such-item'" in capsys.readouterr().err
    assert main(["log", "--since", "soon"]) == 2
    assert "--since 'soon': not a date" in capsys.readouterr().err


def test_a_seed_update_is_logged_once_per_catalog_change(tmp_path: Path) -> None:
    from tests.core.seed_fixtures import default_items, write_seeds

    with Library.open(tmp_path / "lib", seeds=write_seeds(tmp_path / "s1")) as lib:
        first = events(lib)
        assert [(e.action, e.details["added"], e.details["version"]) for e in first] == [("seed-update", 2, "1")]
    with Library.open(tmp_path / "lib", seeds=write_seeds(tmp_path / "s1")) as lib:
        assert events(lib) == first  # the same catalog again: nothing changed, nothing logged
    items = default_items()
    items[0]["title"] = "Sky crane still, retitled"
    with Library.open(tmp_path / "lib", seeds=write_seeds(tmp_path / "s2", items=items, version="2")) as lib:
        last = events(lib)[-1]
        assert (last.action, last.details["updated"], last.details["version"]) == ("seed-update", 2, "2")
