"""`fetch-media ID --url URL` (which of an item's verified media URLs) and `--allow-duplicate` (Attach Anyway),
and Attach Anyway kept in the library's fetch queue: a run killed or cancelled mid-file and resumed still
attaches the second copy; a plain queueing of the item resets the choice. Against a mirror on 127.0.0.1."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from mediacat.cli import main
from mediacat.core.fetch_media import plan_fetch, run_fetch
from mediacat.core.fetch_queue import has_unfinished_run, queue_entries, queue_fetch
from mediacat.core.jobs import Job
from mediacat.core.library import Library
from mediacat.core.store import connection, schema
from mediacat.core.user_items import add_item
from tests.core.test_fetch_media import REPO, install_mirror, report, run_cli
from tests.http_server import MediaServer, Resource, jpeg_bytes

ITEM = "skycrane-still"  # a seed item whose public file is its Photojournal id's (PIA24428)
MULTI = "two-views"  # a user item with two verified media URLs (a seed item's cannot be edited)
FIRST = "https://svs.gsfc.nasa.gov/a/one.jpg"
SECOND = "https://svs.gsfc.nasa.gov/a/two.jpg"
JSON_FIELDS = {"item_id", "outcome", "message", "attachment_id"}  # fetch-media --json: unchanged


@pytest.fixture(autouse=True)
def official_nasa_api(monkeypatch, qapp) -> None:
    """The official API, reached through the mirror (`qapp`: see tests/core/test_fetch_media.py)."""
    monkeypatch.delenv("MEDIACAT_NASA_API", raising=False)


def two_media_urls(library: Library, server: MediaServer) -> dict[str, bytes]:
    """Add MULTI with two verified media URLs (as the archivist's New Item makes it), both served by the mirror."""
    bodies = {FIRST: jpeg_bytes(64, 48), SECOND: jpeg_bytes(96, 72)}
    for url, body in bodies.items():
        server.add("/mirror/" + url.split("://", 1)[1], Resource(body=body, content_type="image/jpeg", ranges=True))
    add_item(library, {"title": "Two views", "media_type": "image", "media_urls": [FIRST, SECOND]}, item_id=MULTI)
    assert library.item(MULTI).media_urls == (FIRST, SECOND)
    return bodies


def served(server: MediaServer, url: str) -> int:
    return len(server.requests_for("/mirror/" + url.split("://", 1)[1]))


def test_url_chooses_which_of_the_items_media_files_is_attached(capsys, library: Library, server, tmp_path) -> None:
    mirror, _expected = install_mirror(server, library, tmp_path)
    bodies = two_media_urls(library, server)
    code, out, _ = run_cli(capsys, "fetch-media", MULTI, "--url", SECOND, "--mirror", mirror, "--dry-run")
    assert code == 0 and f"{mirror}/svs.gsfc.nasa.gov/a/two.jpg" in out and "one.jpg" not in out
    assert queue_entries(library) == [] and server.requests == []  # a dry run with --url queues nothing
    code, outcomes = report(capsys, MULTI, "--url", SECOND, "--mirror", mirror)
    assert code == 0 and outcomes[MULTI]["outcome"] == "attached", outcomes
    assert set(outcomes[MULTI]) == JSON_FIELDS
    [attachment] = library.item(MULTI).attachments
    assert attachment.provenance["source_url"] == SECOND
    assert attachment.sha256 == hashlib.sha256(bodies[SECOND]).hexdigest()
    assert served(server, SECOND) == 1 and served(server, FIRST) == 0
    code, outcomes = report(capsys, MULTI, "--mirror", mirror)  # without --url: the first, not attached yet
    assert code == 0 and outcomes[MULTI]["outcome"] == "attached"
    assert [a.provenance["source_url"] for a in library.item(MULTI).attachments] == [SECOND, FIRST]


def test_a_url_that_is_not_the_items_is_refused_and_nothing_is_queued_or_fetched(
    capsys, library: Library, server, tmp_path
) -> None:
    mirror, _expected = install_mirror(server, library, tmp_path)
    two_media_urls(library, server)
    wrong = "https://svs.gsfc.nasa.gov/a/three.jpg"
    for extra in ((), ("--dry-run",), ("--allow-duplicate",)):
        code, out, err = run_cli(capsys, "fetch-media", MULTI, "--url", wrong, "--mirror", mirror, *extra)
        assert code == 2 and out == ""
        assert f"{wrong} is not one of item '{MULTI}''s verified media URLs ({FIRST}, {SECOND})" in err
    code, _, err = run_cli(capsys, "fetch-media", "hazcam-first-color-forward", "--url", FIRST, "--mirror", mirror)
    assert code == 2 and f"{FIRST} is not one of item 'hazcam-first-color-forward''s verified media URLs " \
                         "(none)" in err
    code, _, err = run_cli(capsys, "fetch-media", "no-such-item", "--url", FIRST)
    assert code == 2 and "no-such-item" in err
    assert queue_entries(library) == [] and server.requests == []
    assert library.item(MULTI).attachments == ()


@pytest.mark.parametrize("ids", [[], [MULTI, ITEM]])
def test_url_without_exactly_one_id_is_a_usage_error(capsys, library: Library, ids: list[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["fetch-media", *ids, "--url", FIRST])
    assert caught.value.code == 2
    assert f"--url goes with exactly one ID (got {len(ids)})" in capsys.readouterr().err
    assert queue_entries(library) == []


def test_the_help_names_the_new_options(capsys) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["fetch-media", "--help"])
    out = " ".join(capsys.readouterr().out.split())  # however argparse wrapped it
    assert caught.value.code == 0
    assert "--url URL" in out and "with exactly one ID" in out and "--allow-duplicate" in out
    assert "--mirror URL" in out and "--dry-run" in out  # the options it had are all still there


def test_allow_duplicate_attaches_a_second_copy(capsys, library: Library, server, tmp_path) -> None:
    mirror, expected = install_mirror(server, library, tmp_path)
    assert report(capsys, ITEM, "--mirror", mirror)[0] == 0
    code, out, err = run_cli(capsys, "fetch-media", ITEM, "--mirror", mirror)
    assert code == 0 and "already-there" in out and "already there: attachment #1" in out
    assert out.splitlines()[-1] == "0 attached, 1 already there"  # the summary is still the report's last line
    assert "--allow-duplicate attaches a second copy" in err  # the hint goes to stderr
    code, out, _ = run_cli(capsys, "fetch-media", ITEM, "--mirror", mirror, "--dry-run", "--allow-duplicate")
    assert code == 0 and "would-fetch" in out and "1 of 1 items would be fetched" in out
    code, out, _ = run_cli(capsys, "fetch-media", ITEM, "--mirror", mirror, "--allow-duplicate", "--json")
    data = json.loads(out)
    assert code == 0 and set(data) == {"items", "summary", "cancelled"}
    [entry] = data["items"]
    assert set(entry) == JSON_FIELDS and entry["outcome"] == "attached" and entry["attachment_id"] == 2
    first, second = library.item(ITEM).attachments
    assert first.sha256 == second.sha256 == hashlib.sha256(expected[ITEM][1]).hexdigest()
    code, outcomes = report(capsys, ITEM, "--mirror", mirror)  # a plain run again: the choice was not kept
    assert code == 0 and outcomes[ITEM]["outcome"] == "already-there"
    assert len(library.item(ITEM).attachments) == 2


def attach_once(library: Library, mirror: str) -> None:
    queue_fetch(library, [ITEM])
    assert run_fetch(library, mirror=mirror).ok
    assert len(library.item(ITEM).attachments) == 1


def stall_half_way(server: MediaServer, official: str) -> Resource:
    resource = server.resources["/mirror/" + official.split("://", 1)[1]]
    resource.fault, resource.fault_after = "stall", len(resource.body) // 2
    return resource


def wait_for_part(part: Path, running) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (part.is_file() and part.stat().st_size > 0):
        assert running(), "the run ended before its file was half downloaded"
        time.sleep(0.05)
    assert part.is_file() and part.stat().st_size > 0


def test_attach_anyway_is_kept_in_the_queue_through_a_stopped_run(library: Library, library_dir, server,
                                                                  tmp_path) -> None:
    mirror, expected = install_mirror(server, library, tmp_path)
    attach_once(library, mirror)
    queue_fetch(library, [ITEM], allow_duplicate=[ITEM])  # Attach Anyway
    resource = stall_half_way(server, expected[ITEM][0])
    part = library.paths.incoming / f"fetch-{ITEM}" / "download.part"
    job, reports = Job(), []
    runner = threading.Thread(target=lambda: reports.append(run_fetch(library.reopen(), job, mirror=mirror)))
    runner.start()
    wait_for_part(part, runner.is_alive)
    job.cancel()  # the run stops mid-file, as a kill or Ctrl+C leaves it
    runner.join(30)
    assert not runner.is_alive() and [o.outcome for o in reports[0].outcomes] == ["interrupted"]
    kept = part.stat().st_size
    library.close()
    resource.fault = None
    again = Library.open(library_dir)  # a new process's library
    try:
        [entry] = queue_entries(again)
        assert entry.item_id == ITEM and entry.state == "queued" and entry.allow_duplicate
        resumed = run_fetch(again, mirror=mirror)  # no allow_duplicate: the queue remembers it
        assert [o.outcome for o in resumed.outcomes] == ["attached"], resumed.outcomes
        first, second = again.item(ITEM).attachments
        assert first.sha256 == second.sha256
        ranges = [r.headers.get("range") for r in server.requests_for(resource_path(expected[ITEM][0]))]
        assert f"bytes={kept}-" in ranges  # the resumed run continued the stopped file
        assert has_unfinished_run(again) == 0
    finally:
        again.close()


def resource_path(official: str) -> str:
    return "/mirror/" + official.split("://", 1)[1]


def test_a_plain_queueing_resets_attach_anyway(library: Library, server, tmp_path) -> None:
    mirror, _expected = install_mirror(server, library, tmp_path)
    attach_once(library, mirror)
    queue_fetch(library, [ITEM, "edl-landing-video"], allow_duplicate=[ITEM])  # only ITEM is attached anyway
    assert {e.item_id: e.allow_duplicate for e in queue_entries(library)} == {ITEM: True, "edl-landing-video": False}
    queue_fetch(library, [ITEM])  # a new run names it again, without Attach Anyway, while it is still queued
    assert {e.item_id: e.allow_duplicate for e in queue_entries(library)} == {ITEM: False, "edl-landing-video": False}
    plan = plan_fetch(library, mirror=mirror, item_ids=[ITEM])
    assert plan.downloads == [] and plan.outcomes[ITEM].outcome == "already-there"
    # plan_fetch(allow_duplicate=...) (run_fetch's) keeps the choice in the queue too, for a later resume; the
    # next queueing of the item starts a new row without it
    queue_fetch(library, [ITEM])
    plan = plan_fetch(library, mirror=mirror, item_ids=[], allow_duplicate=[ITEM])
    assert plan.total == 0 and {e.item_id for e in queue_entries(library) if e.allow_duplicate} == {ITEM}
    report = run_fetch(library, mirror=mirror)
    assert {o.item_id: o.outcome for o in report.outcomes} == {ITEM: "attached", "edl-landing-video": "attached"}
    assert len(library.item(ITEM).attachments) == 2
    queue_fetch(library, [ITEM])
    [entry] = queue_entries(library)
    assert entry.item_id == ITEM and entry.state == "queued" and not entry.allow_duplicate


def test_resuming_with_allow_duplicate_attaches_the_items_left(capsys, library: Library, server, tmp_path) -> None:
    mirror, _expected = install_mirror(server, library, tmp_path)
    attach_once(library, mirror)
    queue_fetch(library, [ITEM])
    code, _, err = run_cli(capsys, "fetch-media", "--mirror", mirror, "--allow-duplicate", "--dry-run")
    assert code == 0 and "resuming an unfinished run: 1 items left" in err
    code, outcomes = report(capsys, "--mirror", mirror, "--allow-duplicate")
    assert code == 0 and outcomes[ITEM]["outcome"] == "attached"
    assert len(library.item(ITEM).attachments) == 2


def test_a_library_made_before_the_step_keeps_its_queue_without_the_choice(tmp_path: Path, monkeypatch) -> None:
    step = schema.MIGRATIONS.index(schema._FETCH_QUEUE_ALLOW_DUPLICATE)
    folder = tmp_path / "old"
    with monkeypatch.context() as old_app:
        old_app.setattr(connection, "MIGRATIONS", schema.MIGRATIONS[:step])
        old_app.setattr(connection, "SCHEMA_VERSION", step)
        old = Library.open(folder)
        with old.store.transaction():
            old.store.execute("INSERT INTO fetch_queue(item_id, position, nasa_id) VALUES (?, 0, 'PIA24428')",
                              (ITEM,))
        old.close()
    upgraded = Library.open(folder)
    try:
        [entry] = queue_entries(upgraded)
        assert (entry.item_id, entry.state, entry.nasa_id, entry.allow_duplicate) == (ITEM, "queued", "PIA24428",
                                                                                      False)
    finally:
        upgraded.close()


@pytest.mark.slow
def test_a_killed_allow_duplicate_run_attaches_the_copy_when_resumed(library: Library, server, tmp_path) -> None:
    """The bug as it was: `fetch-media ID --allow-duplicate` killed (SIGKILL) mid-file, then `fetch-media`
    resumed it and reported "already there"."""
    mirror, expected = install_mirror(server, library, tmp_path)
    attach_once(library, mirror)
    resource = stall_half_way(server, expected[ITEM][0])
    part = library.paths.incoming / f"fetch-{ITEM}" / "download.part"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen([sys.executable, "-m", "mediacat", "fetch-media", ITEM, "--allow-duplicate",
                                "--mirror", mirror], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    try:
        wait_for_part(part, lambda: process.poll() is None)
    finally:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
        process.communicate()
    resource.fault = None
    resumed = subprocess.run([sys.executable, "-m", "mediacat", "fetch-media", "--mirror", mirror, "--json"],
                             cwd=tmp_path, env=env, capture_output=True, text=True, check=False)
    assert resumed.returncode == 0, resumed.stderr
    assert "resuming an unfinished run" in resumed.stderr
    [entry] = json.loads(resumed.stdout)["items"]
    assert entry["item_id"] == ITEM and entry["outcome"] == "attached", entry
    first, second = library.item(ITEM).attachments
    assert first.sha256 == second.sha256
