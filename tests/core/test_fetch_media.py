"""`mediacat fetch-media` against a mirror served on 127.0.0.1: attach, skip on a second run, resume after a
kill (a real subprocess, SIGKILL), a 404 for one item while the rest attach, cancel, offline, dry run."""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mediacat.cli import main
from mediacat.core.events import events
from mediacat.core.fetch_media import run_fetch
from mediacat.core.fetch_queue import (
    PublicSource,
    has_unfinished_run,
    items_missing_public_media,
    mirror_url,
    public_source,
    queue_entries,
    queue_fetch,
)
from mediacat.core.jobs import Job
from mediacat.core.library import Library
from tests.http_server import MediaServer, Resource, jpeg_bytes, json_bytes
from tests.media_fixtures import make_mp4

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def official_nasa_api(monkeypatch, qapp) -> None:
    """The official API, reached through the mirror. (`qapp`: the in-process video probe then finds pytest-qt's
    QApplication instead of making a QCoreApplication that later GUI tests could not replace.)"""
    monkeypatch.delenv("MEDIACAT_NASA_API", raising=False)


def sources(library: Library) -> dict[str, PublicSource]:
    return {item.id: source for item in library.items(library.item_ids())
            if (source := public_source(item)) is not None}


def install_mirror(server: MediaServer, library: Library, tmp_path: Path, *, video: bytes | None = None
                   ) -> tuple[str, dict[str, tuple[str, bytes]]]:
    """Serve every public file the catalog knows under /mirror/HOST/PATH; returns (mirror URL, expected files)."""
    expected: dict[str, tuple[str, bytes]] = {}
    for number, (item_id, source) in enumerate(sorted(sources(library).items())):
        if source.url:
            body = video if video is not None else make_mp4(tmp_path / f"{item_id}.mp4", 1.0).read_bytes()
            official, content_type = source.url, "video/mp4"
        else:
            nasa_id = source.nasa_id
            official = f"https://images-assets.nasa.gov/image/{nasa_id}/{nasa_id}~orig.jpg"
            body, content_type = jpeg_bytes(120 + number, 80), "image/jpeg"
            asset = {"collection": {"version": "1.0", "items": [
                {"href": f"https://images-assets.nasa.gov/image/{nasa_id}/{nasa_id}~thumb.jpg"},
                {"href": official},
                {"href": f"https://images-assets.nasa.gov/image/{nasa_id}/metadata.json"},
            ]}}
            server.add(f"/mirror/images-api.nasa.gov/asset/{nasa_id}",
                       Resource(body=json_bytes(asset), content_type="application/json"))
        server.add("/mirror/" + official.split("://", 1)[1], Resource(body=body, content_type=content_type,
                                                                        ranges=True))
        expected[item_id] = (official, body)
    return server.url("/mirror"), expected


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def report(capsys, *argv: str) -> tuple[int, dict[str, dict]]:
    code, out, _err = run_cli(capsys, "fetch-media", *argv, "--json")
    assert out, _err
    return code, {entry["item_id"]: entry for entry in json.loads(out)["items"]}


def test_mirror_urls_keep_host_path_and_query() -> None:
    assert mirror_url("https://svs.gsfc.nasa.gov/vis/a.mp4", "http://127.0.0.1:9/m/") == \
        "http://127.0.0.1:9/m/svs.gsfc.nasa.gov/vis/a.mp4"
    assert mirror_url("https://images-api.nasa.gov/asset/PIA1?x=1", "https://mirror.example") == \
        "https://mirror.example/images-api.nasa.gov/asset/PIA1?x=1"
    assert mirror_url("https://a.b/c", None) == "https://a.b/c"


def test_the_catalog_has_public_sources_for_the_verified_items(library: Library) -> None:
    found = sources(library)
    url = found["edl-landing-video"].url
    assert url is not None and url.endswith("Perseverance-landing-1080p.mp4")
    assert found["skycrane-still"].nasa_id == "PIA24428"
    assert "hirise-parachute-descent" in found and "mars-wind-audio-original" not in found
    assert set(items_missing_public_media(library)) == set(found)


def test_fetch_media_with_a_mirror_attaches_every_item_then_skips_them_all(
    capsys, library: Library, server: MediaServer, tmp_path: Path
) -> None:
    mirror, expected = install_mirror(server, library, tmp_path)
    code, out, err = run_cli(capsys, "fetch-media", "--mirror", mirror, "--json")
    outcomes = {entry["item_id"]: entry for entry in json.loads(out)["items"]}
    assert code == 0, outcomes
    # one overall progress line: items done of total, bytes, rate
    assert f"fetch-media: {len(expected)}/{len(expected)} (100%)" in err and "/s" in err
    for item_id, (official, body) in expected.items():
        assert outcomes[item_id]["outcome"] == "attached", outcomes[item_id]
        [attachment] = library.item(item_id).attachments
        assert attachment.sha256 == hashlib.sha256(body).hexdigest()
        assert attachment.provenance["source_url"] == official  # the official URL, not the mirror's
        assert attachment.provenance["mirror_url"].startswith(mirror)
        assert attachment.original_name == official.rsplit("/", 1)[1]  # not the marked name it had in .incoming
    others = set(outcomes) - set(expected)
    assert others and {outcomes[i]["outcome"] for i in others} == {"no-public-file"}
    assert "mediacat attach" in outcomes["mars-wind-audio-original"]["message"]
    assert items_missing_public_media(library) == []
    served = len(server.requests)
    code, outcomes = report(capsys, "--mirror", mirror)
    assert code == 0
    assert {outcomes[item_id]["outcome"] for item_id in expected} == {"already-there"}
    assert len(server.requests) == served  # nothing downloaded again, not even the NASA asset lists
    assert all(len(library.item(item_id).attachments) == 1 for item_id in expected)


def test_two_downloads_run_at_once_and_a_cancel_keeps_both_partial_files(library: Library, server, tmp_path) -> None:
    import threading

    video = make_mp4(tmp_path / "long.mp4", 4.0, size="640x480").read_bytes()
    mirror, expected = install_mirror(server, library, tmp_path, video=video)
    for item_id in ("edl-landing-video", "skycrane-still"):
        resource = server.resources["/mirror/" + expected[item_id][0].split("://", 1)[1]]
        resource.fault, resource.fault_after = "stall", len(resource.body) // 2
    queue_fetch(library, ["edl-landing-video", "skycrane-still"])
    job = Job()
    reports = []
    runner = threading.Thread(target=lambda: reports.append(run_fetch(library.reopen(), job, mirror=mirror)))
    runner.start()
    parts = [library.paths.incoming / f"fetch-{item_id}" / "download.part"
             for item_id in ("edl-landing-video", "skycrane-still")]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not all(part.is_file() and part.stat().st_size for part in parts):
        time.sleep(0.05)
    assert all(part.is_file() and part.stat().st_size for part in parts)  # both transfers under way together
    job.cancel()
    runner.join(30)
    assert not runner.is_alive()
    [report] = reports
    assert report.cancelled and {o.outcome for o in report.outcomes} == {"interrupted"}
    assert all(part.is_file() for part in parts) and has_unfinished_run(library) == 2


def test_a_404_for_one_item_is_reported_and_the_rest_are_attached(
    capsys, library: Library, server: MediaServer, tmp_path: Path
) -> None:
    mirror, expected = install_mirror(server, library, tmp_path)
    server.add("/mirror/images-assets.nasa.gov/image/PIA24430/PIA24430~orig.jpg", Resource(status=404))
    code, out, _ = run_cli(capsys, "fetch-media", "--mirror", mirror)
    assert code == 1
    assert "404" in out and "hazcam-first-color-forward" in out and "1 failed" in out
    for item_id in set(expected) - {"hazcam-first-color-forward"}:
        assert len(library.item(item_id).attachments) == 1, item_id
    assert library.item("hazcam-first-color-forward").attachments == ()
    assert has_unfinished_run(library) == 0  # a 404 is final, not something to resume
    logged = [e for e in events(library, item_id="hazcam-first-color-forward") if e.action == "download"]
    assert [e.outcome for e in logged] == ["failed"] and "404" in logged[0].details["message"]


def test_the_mirror_can_be_a_library_setting(capsys, library: Library, server: MediaServer, tmp_path) -> None:
    mirror, _expected = install_mirror(server, library, tmp_path)
    assert run_cli(capsys, "download-settings", "--mirror", mirror)[0] == 0
    code, outcomes = report(capsys, "skycrane-still")
    assert code == 0 and set(outcomes) == {"skycrane-still"} and outcomes["skycrane-still"]["outcome"] == "attached"


def test_dry_run_downloads_nothing_and_queues_nothing(capsys, library: Library, server, tmp_path) -> None:
    mirror, expected = install_mirror(server, library, tmp_path)
    code, out, _ = run_cli(capsys, "fetch-media", "--all", "--dry-run", "--mirror", mirror)
    assert code == 0 and f"{len(expected)} of {len(library.item_ids())} items would be fetched" in out
    assert server.requests == [] and queue_entries(library) == []
    assert f"{mirror}/svs.gsfc.nasa.gov/" in out


def test_cancel_leaves_the_rest_queued_and_the_next_run_finishes(library: Library, server, tmp_path) -> None:
    mirror, expected = install_mirror(server, library, tmp_path)
    queue_fetch(library, library.item_ids())
    job = Job()
    first = run_fetch(library, job, mirror=mirror, workers=1, on_item=lambda outcome: job.cancel())
    assert first.cancelled and not first.ok
    left = has_unfinished_run(library)
    assert 0 < left < len(expected)
    assert first.changes.fetch_queue
    second = run_fetch(library, Job(), mirror=mirror)
    assert second.ok and has_unfinished_run(library) == 0
    assert all(len(library.item(item_id).attachments) == 1 for item_id in expected)


def test_offline_items_stay_queued_with_the_reason(capsys, library: Library, tmp_path) -> None:
    with MediaServer() as server:
        mirror = server.url("/mirror")
    code, outcomes = report(capsys, "edl-landing-video", "skycrane-still", "--mirror", mirror, "--timeout", "2")
    assert code == 1
    assert {o["outcome"] for o in outcomes.values()} == {"interrupted"}
    assert "cannot connect" in outcomes["edl-landing-video"]["message"]
    assert has_unfinished_run(library) == 2


def test_unknown_item_is_an_error(capsys) -> None:
    code, _, err = run_cli(capsys, "fetch-media", "no-such-item")
    assert code == 2 and "no-such-item" in err


@pytest.mark.slow
def test_a_killed_run_resumes_inside_the_file_with_range(library: Library, server: MediaServer, tmp_path) -> None:
    video = make_mp4(tmp_path / "long.mp4", 6.0, size="640x480").read_bytes()
    mirror, expected = install_mirror(server, library, tmp_path, video=video)
    video_path = "/mirror/" + expected["edl-landing-video"][0].split("://", 1)[1]
    resource = server.resources[video_path]
    resource.fault, resource.fault_after = "stall", len(video) // 2
    part = library.paths.incoming / "fetch-edl-landing-video" / "download.part"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "mediacat", "fetch-media", "edl-landing-video", "skycrane-still",
               "--mirror", mirror]
    process = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (part.is_file() and part.stat().st_size >= len(video) // 3):
            assert process.poll() is None, process.communicate()
            time.sleep(0.05)
        assert part.is_file() and part.stat().st_size > 0
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.communicate()
    kept = part.stat().st_size
    assert has_unfinished_run(library) >= 1
    resource.fault = None
    resumed = subprocess.run([sys.executable, "-m", "mediacat", "fetch-media", "--mirror", mirror, "--json"],
                             cwd=tmp_path, env=env, capture_output=True, text=True, check=False)
    assert resumed.returncode == 0, resumed.stderr
    assert "resuming an unfinished run" in resumed.stderr
    ranges = [r.headers.get("range") for r in server.requests_for(video_path)]
    assert f"bytes={kept}-" in ranges  # continued where the killed process stopped
    [attachment] = library.item("edl-landing-video").attachments
    assert attachment.sha256 == hashlib.sha256(video).hexdigest()
    assert not part.parent.exists()
    assert len(library.item("skycrane-still").attachments) == 1


def test_public_sources_are_each_media_url_else_the_pia_id(library: Library) -> None:
    from mediacat.core.fetch_queue import PublicSource, item_public_sources, public_sources

    video, still, wind = (library.item(i) for i in ("edl-landing-video", "skycrane-still", "mars-wind-audio-original"))
    assert public_sources(video) == [PublicSource(url=url) for url in video.media_urls]
    assert public_sources(still) == [PublicSource(nasa_id="PIA24428")]
    assert public_sources(wind) == []
    for item in (video, still, wind):  # the cheap read the app's action uses says the same
        assert item_public_sources(library, item.id) == public_sources(item)
    assert item_public_sources(library, "no-such-item") == []


def test_one_item_is_queued_with_the_chosen_url_and_planned_alone(library: Library, server, tmp_path) -> None:
    from mediacat.core.errors import MediaCatError
    from mediacat.core.fetch_media import download_item, plan_fetch, settle_fetched

    mirror, expected = install_mirror(server, library, tmp_path)
    first, second = "https://svs.gsfc.nasa.gov/a/one.jpg", "https://svs.gsfc.nasa.gov/a/two.jpg"
    server.add("/mirror/svs.gsfc.nasa.gov/a/two.jpg", Resource(body=jpeg_bytes(50, 30), content_type="image/jpeg"))
    with library.store.transaction():
        library.store.execute("UPDATE items SET media_urls = ? WHERE id = 'skycrane-still'",
                              (json.dumps([first, second]),))
    with pytest.raises(MediaCatError, match=re.escape("https://x.org/a.jpg is not one of item 'skycrane-still'")):
        queue_fetch(library, ["skycrane-still"], urls={"skycrane-still": "https://x.org/a.jpg"})
    queue_fetch(library, ["edl-landing-video", "skycrane-still"])  # an unfinished run's two items
    assert [e.url for e in queue_entries(library)] == [expected["edl-landing-video"][0], first]
    part = library.paths.incoming / "fetch-skycrane-still"
    part.mkdir(parents=True)
    (part / "download.part").write_bytes(b"half of one.jpg")
    queue_fetch(library, ["skycrane-still"], urls={"skycrane-still": second})  # another file chosen now
    assert [e.url for e in queue_entries(library)][1] == second and not part.exists()
    plan = plan_fetch(library, mirror=mirror, item_ids=["skycrane-still"])
    assert [entry.item_id for entry, _ids in plan.downloads] == ["skycrane-still"] and plan.total == 1
    fetched = download_item(Job(), plan)
    outcome = settle_fetched(library, fetched, plan).outcome
    assert outcome.outcome == "attached", outcome.message
    [attachment] = library.item("skycrane-still").attachments
    assert attachment.provenance["source_url"] == second
    assert has_unfinished_run(library) == 1  # the other item stays queued, untouched


def test_allow_duplicate_attaches_a_file_that_is_already_there(library: Library, server, tmp_path) -> None:
    from mediacat.core.fetch_media import plan_fetch

    mirror, _expected = install_mirror(server, library, tmp_path)
    queue_fetch(library, ["skycrane-still"])
    assert run_fetch(library, mirror=mirror).ok
    queue_fetch(library, ["skycrane-still"])
    plan = plan_fetch(library, mirror=mirror)
    assert plan.outcomes["skycrane-still"].outcome == "already-there" and plan.downloads == []
    queue_fetch(library, ["skycrane-still"])
    report = run_fetch(library, mirror=mirror, allow_duplicate=["skycrane-still"])
    assert [o.outcome for o in report.outcomes] == ["attached"]
    first, second = library.item("skycrane-still").attachments
    assert first.sha256 == second.sha256
