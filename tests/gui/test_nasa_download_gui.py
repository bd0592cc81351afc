"""Download from NASA is one action: Item ▸ Download from NASA and the detail pane's button are enabled for the
same items, fetch the same file through the library's mirror into the Downloads dock, and report the same
outcome; Attach Anyway, Cancel/Retry (resumed with Range) and failures, against a real server on 127.0.0.1."""

from __future__ import annotations

import hashlib
import json

import pytest

from mediacat.core.events import events
from mediacat.core.fetch_queue import has_unfinished_run, set_media_mirror
from mediacat.gui.features.downloads_panel import CANCELLED, DONE, FAILED, RUNNING
from tests.core.test_fetch_media import install_mirror
from tests.gui.window_helpers import open_window, settle
from tests.http_server import Resource, jpeg_bytes

MEDIA_URL_ITEM = "edl-landing-video"  # a verified media URL (svs.gsfc.nasa.gov)
PIA_ONLY_ITEM = "skycrane-still"  # no media URL, a Photojournal id (PIA24428) the NASA Image Library resolves
NOTHING_PUBLIC_ITEM = "mars-wind-audio-original"  # neither


@pytest.fixture(autouse=True)
def official_nasa_api(monkeypatch) -> None:
    monkeypatch.delenv("MEDIACAT_NASA_API", raising=False)  # the official API, reached through the mirror


def menu_action(window):
    [found] = [a for a in window.menu("Item").actions() if a.text().replace("&", "") == "Download from NASA"]
    return found


def trigger(window, how: str, item_id: str) -> None:
    assert window.select_item(item_id)
    if how == "menu":
        action = menu_action(window)
        assert action.isEnabled()
        action.trigger()
    else:
        button = window.detail.download_button
        assert button.isVisibleTo(window.detail) and button.isEnabled()
        button.click()


def last_entry(window, item_id: str):
    entries = [e for e in window.downloads_feature.model.entries if e.item_id == item_id]
    assert entries, f"no download of {item_id} in the Downloads dock"
    return entries[-1]


def test_the_menu_action_and_the_button_are_enabled_for_the_same_items(qtbot, library):
    window = open_window(qtbot, library)
    action, button = menu_action(window), window.detail.download_button
    for item_id, public in ((MEDIA_URL_ITEM, True), (PIA_ONLY_ITEM, True), (NOTHING_PUBLIC_ITEM, False)):
        assert window.select_item(item_id)
        qtbot.waitUntil(lambda item_id=item_id: window.detail.item is not None and window.detail.item.id == item_id)
        shown = button.isVisibleTo(window.detail) and button.isEnabled()
        assert action.isEnabled() == shown == public, item_id
    assert window.nasa_download.download(NOTHING_PUBLIC_ITEM) is None  # asked anyway: nothing starts
    assert window.downloads_feature.model.entries == []


@pytest.mark.parametrize("how", ["menu", "button"])
@pytest.mark.parametrize("item_id", [MEDIA_URL_ITEM, PIA_ONLY_ITEM])
def test_the_menu_action_and_the_button_download_the_same_file_through_the_mirror(
        qtbot, library, server, tmp_path, how, item_id):
    mirror, expected = install_mirror(server, library, tmp_path)
    set_media_mirror(library, mirror)
    official, body = expected[item_id]
    window = open_window(qtbot, library)
    trigger(window, how, item_id)
    entry = last_entry(window, item_id)  # the progress is in the Downloads dock, whichever way it was asked
    assert window.downloads_feature.dock.isVisible()
    qtbot.waitUntil(lambda: entry.state != RUNNING, timeout=60_000)
    assert entry.state == DONE, entry.status_text()
    [attachment] = library.item(item_id).attachments
    assert attachment.sha256 == hashlib.sha256(body).hexdigest()
    assert attachment.provenance["source"] == "fetch-media"
    assert attachment.provenance["source_url"] == official  # the official URL ...
    assert attachment.provenance["mirror_url"] == mirror + "/" + official.split("://", 1)[1]  # ... from the mirror
    assert entry.status_text().startswith(f"attached #{attachment.id}: {attachment.original_name} (")
    assert entry.status_text().endswith(f") from {official}")
    assert [r.path for r in server.requests if "nasa.gov" in r.path and r.path.startswith("/mirror/")]
    assert not [r for r in server.requests if not r.path.startswith("/mirror/")]  # nothing but the mirror
    assert window.public_media.last_report is None  # not a Get Public Media run
    assert has_unfinished_run(library) == 0
    logged = [e for e in events(library, item_id=item_id) if e.action == "attach"]
    assert len(logged) == 1


@pytest.mark.parametrize("how", ["menu", "button"])
def test_several_media_urls_ask_which_one_wherever_it_is_asked(qtbot, library, server, tmp_path, how):
    mirror, _expected = install_mirror(server, library, tmp_path)
    set_media_mirror(library, mirror)
    first, second = "https://svs.gsfc.nasa.gov/a/one.jpg", "https://svs.gsfc.nasa.gov/a/two.jpg"
    server.add("/mirror/svs.gsfc.nasa.gov/a/two.jpg", Resource(body=jpeg_bytes(50, 30), content_type="image/jpeg"))
    with library.store.transaction():
        library.store.execute("UPDATE items SET media_urls = ? WHERE id = ?",
                              (json.dumps([first, second]), PIA_ONLY_ITEM))
    window = open_window(qtbot, library)
    trigger(window, how, PIA_ONLY_ITEM)
    if how == "button":
        assert "one of its 2 media files" in window.detail.download_button.toolTip()
    chooser = window.nasa_download.chooser
    assert chooser is not None and chooser.comboBoxItems() == [first, second]
    chooser.setTextValue(second)
    chooser.accept()
    entry = last_entry(window, PIA_ONLY_ITEM)
    qtbot.waitUntil(lambda: entry.state != RUNNING, timeout=60_000)
    assert entry.state == DONE, entry.status_text()
    [attachment] = library.item(PIA_ONLY_ITEM).attachments
    assert attachment.provenance["source_url"] == second
    assert attachment.provenance["mirror_url"] == f"{mirror}/svs.gsfc.nasa.gov/a/two.jpg"
    assert not server.requests_for("/mirror/svs.gsfc.nasa.gov/a/one.jpg")


def test_a_file_already_there_is_not_downloaded_again_and_attach_anyway_attaches_a_second_copy(
        qtbot, library, server, tmp_path):
    mirror, _expected = install_mirror(server, library, tmp_path)
    set_media_mirror(library, mirror)
    window = open_window(qtbot, library)
    feature = window.nasa_download
    first = feature.download(PIA_ONLY_ITEM)
    qtbot.waitUntil(lambda: first.state != RUNNING, timeout=60_000)
    assert first.state == DONE, first.status_text()
    [attachment] = library.item(PIA_ONLY_ITEM).attachments
    served = len(server.requests)
    again = feature.download(PIA_ONLY_ITEM)
    qtbot.waitUntil(lambda: again.state != RUNNING, timeout=60_000)
    assert again.state == FAILED and again.duplicate
    assert again.status_text() == (f"already there: attachment #{attachment.id} is NASA PIA24428 "
                                   "(Attach Anyway attaches a second copy)")
    assert len(server.requests) == served  # nothing downloaded for it
    panel = window.downloads_feature.panel
    panel.select(again)
    assert panel.anyway_button.isVisibleTo(panel)
    panel.anyway_button.click()
    qtbot.waitUntil(lambda: again.state != RUNNING, timeout=60_000)
    assert again.state == DONE, again.status_text()
    attachments = library.item(PIA_ONLY_ITEM).attachments
    assert len(attachments) == 2 and {a.sha256 for a in attachments} == {attachment.sha256}


def test_attach_anyway_is_kept_in_the_fetch_queue_for_a_resumed_run(library, library_dir, server, tmp_path):
    """No window: the app's steps themselves. Attach Anyway's plan (plan_item_op with allow_duplicate=True)
    keeps the choice in the library's queue, so the run that resumes the item after a kill (Get Public Media's
    Resume: plan_fetch with no choice of its own) attaches the copy; a plain Download from NASA resets it."""
    from mediacat.core.fetch_media import run_fetch
    from mediacat.core.fetch_queue import queue_entries
    from mediacat.core.jobs import Job
    from mediacat.core.library import Library
    from mediacat.gui.features.nasa_download import plan_item_op

    mirror, _expected = install_mirror(server, library, tmp_path)
    set_media_mirror(library, mirror)
    plan = plan_item_op(Job(), library, PIA_ONLY_ITEM, None, False)
    assert [entry.item_id for entry, _ids in plan.downloads] == [PIA_ONLY_ITEM]
    assert run_fetch(library).ok and len(library.item(PIA_ONLY_ITEM).attachments) == 1
    plan = plan_item_op(Job(), library, PIA_ONLY_ITEM, None, False)
    assert plan.outcomes[PIA_ONLY_ITEM].outcome == "already-there" and plan.downloads == []
    plan = plan_item_op(Job(), library, PIA_ONLY_ITEM, None, True)  # Attach Anyway
    assert [entry.item_id for entry, _ids in plan.downloads] == [PIA_ONLY_ITEM]
    assert PIA_ONLY_ITEM in plan.allow_duplicate
    library.close()  # killed before the transfer ended
    again = Library.open(library_dir)
    try:
        [entry] = queue_entries(again)
        assert entry.item_id == PIA_ONLY_ITEM and entry.state == "queued" and entry.allow_duplicate
        resumed = run_fetch(again)
        assert [o.outcome for o in resumed.outcomes] == ["attached"], resumed.outcomes
        assert len(again.item(PIA_ONLY_ITEM).attachments) == 2
        plan = plan_item_op(Job(), again, PIA_ONLY_ITEM, None, False)  # a plain download again: not kept
        assert plan.outcomes[PIA_ONLY_ITEM].outcome == "already-there"
        assert not queue_entries(again)[0].allow_duplicate
    finally:
        again.close()


def test_cancel_keeps_the_partial_file_queued_and_retry_continues_it_with_range(qtbot, library, server, tmp_path):
    mirror, expected = install_mirror(server, library, tmp_path)
    set_media_mirror(library, mirror)
    official, body = expected[MEDIA_URL_ITEM]
    path = "/mirror/" + official.split("://", 1)[1]
    resource = server.resources[path]
    resource.fault, resource.fault_after = "stall", len(body) // 2
    window = open_window(qtbot, library)
    entry = window.nasa_download.download(MEDIA_URL_ITEM)
    qtbot.waitUntil(lambda: entry.done == len(body) // 2, timeout=60_000)
    assert entry.total == len(body)  # the file's own bytes: the dock's bar
    window.downloads_feature.cancel(entry)
    qtbot.waitUntil(lambda: entry.state != RUNNING, timeout=60_000)
    assert entry.state == CANCELLED and entry.status_text() == "cancelled; Retry continues where it stopped"
    part = library.paths.incoming / f"fetch-{MEDIA_URL_ITEM}" / "download.part"
    assert part.stat().st_size == len(body) // 2 and has_unfinished_run(library) == 1
    assert library.item(MEDIA_URL_ITEM).attachments == ()
    resource.fault = None
    window.downloads_feature.retry(entry)
    qtbot.waitUntil(lambda: entry.state != RUNNING, timeout=60_000)
    assert entry.state == DONE, entry.status_text()
    assert f"bytes={len(body) // 2}-" in [r.headers.get("range") for r in server.requests_for(path)]
    [attachment] = library.item(MEDIA_URL_ITEM).attachments
    assert attachment.sha256 == hashlib.sha256(body).hexdigest() and has_unfinished_run(library) == 0


def test_a_failed_download_says_why_in_its_row_and_is_logged(qtbot, library, server, tmp_path):
    mirror, _expected = install_mirror(server, library, tmp_path)
    set_media_mirror(library, mirror)
    server.add("/mirror/images-assets.nasa.gov/image/PIA24428/PIA24428~orig.jpg", Resource(status=404))
    window = open_window(qtbot, library)
    entry = window.nasa_download.download(PIA_ONLY_ITEM)
    qtbot.waitUntil(lambda: entry.state != RUNNING, timeout=60_000)
    assert entry.state == FAILED and not entry.duplicate
    assert "PIA24428~orig.jpg" in entry.status_text() and "404" in entry.status_text()
    assert library.item(PIA_ONLY_ITEM).attachments == ()
    logged = [e for e in events(library, item_id=PIA_ONLY_ITEM) if e.action == "download"]
    assert [e.outcome for e in logged] == ["failed"]


def test_get_public_media_waits_for_a_running_download_from_nasa(qtbot, library, server, tmp_path):
    mirror, expected = install_mirror(server, library, tmp_path)
    set_media_mirror(library, mirror)
    official, _body = expected[MEDIA_URL_ITEM]
    resource = server.resources["/mirror/" + official.split("://", 1)[1]]
    resource.fault, resource.fault_after = "stall", 100
    window = open_window(qtbot, library)
    entry = window.nasa_download.download(MEDIA_URL_ITEM)
    qtbot.waitUntil(lambda: entry.done == 100, timeout=60_000)
    public = window.public_media
    assert public.start(ask=False) is None and public.handle is None  # refused, both use the one queue
    assert not public.bar.isVisible()  # the queued item is being fetched, not "left unfinished"
    window.downloads_feature.cancel(entry)
    qtbot.waitUntil(lambda: entry.state == CANCELLED, timeout=60_000)


def test_a_stopped_download_is_offered_again_by_its_row_not_also_by_the_public_media_bar(
        qtbot, library, server, tmp_path):
    mirror, expected = install_mirror(server, library, tmp_path)
    set_media_mirror(library, mirror)
    official, body = expected[MEDIA_URL_ITEM]
    resource = server.resources["/mirror/" + official.split("://", 1)[1]]
    resource.fault, resource.fault_after = "stall", len(body) // 2
    window = open_window(qtbot, library)
    entry = window.nasa_download.download(MEDIA_URL_ITEM)
    qtbot.waitUntil(lambda: entry.done == len(body) // 2, timeout=60_000)
    window.downloads_feature.cancel(entry)
    qtbot.waitUntil(lambda: entry.state == CANCELLED, timeout=60_000)
    settle(qtbot, window)  # the bar's count, asked again after the outcome, has answered
    bar = window.public_media.bar
    assert has_unfinished_run(library) == 1  # the item stays queued with its partial file ...
    assert not bar.isVisible()  # ... and its row's Retry offers it: the bar does not offer it a second time
    window.downloads_feature.model.remove_finished()  # the row cleared: now the bar offers to resume it
    qtbot.waitUntil(bar.isVisible)
    assert bar.text.text() == ("A download of public NASA files stopped before it finished: 1 item left. "
                               "Resume where it stopped?")
    assert bar.resume_button.isVisible()
