"""Downloading and attaching in one step: provenance kept, and every failure leaves the library unchanged."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from mediacat.core.attachment_upkeep import check_attachments
from mediacat.core.attachments import DuplicateContent
from mediacat.core.download import DownloadError, DownloadPolicy, UnsupportedURL
from mediacat.core.download_attach import (
    attach_from_nasa,
    attach_from_url,
    download_policy,
    nasa_id_in_url,
    set_download_max_time,
    set_download_min_rate,
    set_max_download_bytes,
)
from mediacat.core.errors import MediaCatError, UnknownItem
from mediacat.core.events import events
from mediacat.core.jobs import Cancelled, Job, Progress
from mediacat.core.library import Library
from mediacat.core.nasa import NasaImageLibrary
from tests.core.seed_fixtures import default_items, write_seeds
from tests.http_server import HTML_PAGE, LAST_MODIFIED, MediaServer, Resource, jpeg_bytes, mp3_bytes, png_bytes
from tests.nasa_api import SPACED_ID, install_nasa_api

FAST = DownloadPolicy(connect_timeout=5, idle_timeout=5)


@pytest.fixture
def library(tmp_path: Path):
    items = default_items()
    items[0]["media_urls"] = ["http://127.0.0.1:1/placeholder.jpg"]  # replaced per test
    with Library.open(tmp_path / "lib", seeds=write_seeds(tmp_path / "seeds", items=items)) as lib:
        yield lib


def snapshot(library: Library) -> tuple[str, list[str]]:
    """The whole database as SQL text (but the event log, which records failures too), and every file under the
    library's media folder."""
    dump = "\n".join(line for line in library.store.conn.iterdump() if not line.startswith('INSERT INTO "events"'))
    files = sorted(
        str(path.relative_to(library.paths.root))
        for path in library.paths.media.rglob("*")
        if path != library.paths.incoming  # created on the first download; its contents are checked separately
    )
    return dump, files


def incoming_leftovers(library: Library) -> list[str]:
    incoming = library.paths.incoming
    return [str(path) for path in incoming.rglob("*")] if incoming.exists() else []


def test_a_downloaded_jpeg_is_attached_with_its_provenance(library: Library, server: MediaServer) -> None:
    body = jpeg_bytes()
    url = server.add("/PIA24428-1200.jpg", Resource(body=body, content_type="image/jpeg"))
    first = server.redirect("/go", "/PIA24428-1200.jpg")
    result = attach_from_url(library, "skycrane-still", first, policy=FAST)
    attachment = result.attachment
    assert attachment.item_id == "skycrane-still" and attachment.mode == "copy"
    assert attachment.original_name == "PIA24428-1200.jpg"
    assert attachment.sha256 == hashlib.sha256(body).hexdigest() and attachment.size == len(body)
    assert attachment.media_type == "image" and attachment.mime == "image/jpeg"
    assert Path(attachment.resolved_path).read_bytes() == body
    assert Path(attachment.resolved_path).is_relative_to(library.paths.media)
    provenance = attachment.provenance
    assert provenance["source"] == "download"
    assert provenance["source_url"] == first and provenance["final_url"] == url
    assert provenance["etag"] == '"v1"' and provenance["last_modified"] == LAST_MODIFIED
    assert provenance["retrieved_at"].startswith("20") and provenance["content_type"] == "image/jpeg"
    assert "nasa_id" not in provenance
    assert library.item("skycrane-still").attachments[0].provenance == provenance
    assert incoming_leftovers(library) == []


def test_audio_is_attached_too(library: Library, server: MediaServer) -> None:
    url = server.add("/wind.mp3", Resource(body=mp3_bytes(), content_type="audio/mpeg"))
    result = attach_from_url(library, "wind-audio", url, policy=FAST)
    assert result.attachment.media_type == "audio" and result.attachment.duration


FAULTS = {
    "404": Resource(status=404, body=b"not here"),
    "500": Resource(status=500, body=b"boom"),
    "dropped": Resource(body=jpeg_bytes(), fault="drop", fault_after=1000),
    "length-mismatch": Resource(body=png_bytes(), declared_length=len(png_bytes()) + 100),
    "too-slow": Resource(body=jpeg_bytes(), fault="stall", fault_after=200),
    "html": Resource(body=HTML_PAGE, content_type="text/html"),
    "not-media": Resource(body=b"\x00" * 5000),
    "oversized-header": Resource(body=jpeg_bytes()),
    "oversized-stream": Resource(body=jpeg_bytes(), send_length=False),
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_every_failure_leaves_the_library_unchanged(library: Library, server: MediaServer, fault: str) -> None:
    url = server.add(f"/{fault}.jpg", FAULTS[fault])
    before = snapshot(library)
    policy = DownloadPolicy(idle_timeout=0.3 if fault == "too-slow" else 10,  # only the stall may time out
                            max_bytes=3000 if fault.startswith("oversized") else 2**31)
    with pytest.raises(DownloadError) as caught:
        attach_from_url(library, "skycrane-still", url, policy=policy)
    assert str(caught.value).startswith(url + ": ")
    assert snapshot(library) == before
    assert incoming_leftovers(library) == []
    logged = events(library, item_id="skycrane-still")[-1]
    assert (logged.action, logged.outcome, logged.details["url"]) == ("download", "failed", url)
    if fault in ("404", "500"):
        assert logged.details["http_status"] == int(fault)


@pytest.mark.parametrize("target", ["loop", "file", "six"])
def test_refused_redirects_leave_the_library_unchanged(library: Library, server: MediaServer, target: str) -> None:
    server.add("/real.jpg", Resource(body=jpeg_bytes()))
    server.redirect("/loop", "/loop2")
    server.redirect("/loop2", "/loop")
    server.redirect("/file", "file:///etc/passwd")
    urls = {"loop": server.url("/loop"), "file": server.url("/file"), "six": server.redirect_chain(6, "/real.jpg")}
    before = snapshot(library)
    with pytest.raises(DownloadError):
        attach_from_url(library, "skycrane-still", urls[target], policy=FAST)
    assert snapshot(library) == before and incoming_leftovers(library) == []


def test_an_unknown_item_or_a_bad_scheme_is_refused_before_any_request(library: Library, server: MediaServer) -> None:
    url = server.add("/x.png", Resource(body=png_bytes()))
    with pytest.raises(UnknownItem):
        attach_from_url(library, "no-such-item", url, policy=FAST)
    with pytest.raises(UnsupportedURL, match="file: URLs are refused"):
        attach_from_url(library, "skycrane-still", "file:///etc/passwd", policy=FAST)
    assert server.requests == []


def test_the_same_content_twice_is_a_duplicate_and_leaves_nothing(library: Library, server: MediaServer) -> None:
    url = server.add("/x.jpg", Resource(body=jpeg_bytes(50, 50)))
    attach_from_url(library, "skycrane-still", url, policy=FAST)
    before = snapshot(library)
    with pytest.raises(DuplicateContent) as caught:
        attach_from_url(library, "wind-audio", url, policy=FAST)
    assert str(caught.value).startswith(f"{url}: the same content is already attached (item 'skycrane-still'")
    assert snapshot(library) == before and incoming_leftovers(library) == []
    again = attach_from_url(library, "wind-audio", url, policy=FAST, allow_duplicate=True)
    assert again.duplicates and again.attachment.item_id == "wind-audio"


def test_a_cancelled_download_attaches_nothing(library: Library, server: MediaServer) -> None:
    url = server.add("/long.mp3", Resource(body=mp3_bytes(3.0)))
    before = snapshot(library)
    job = Job()
    job._on_progress = lambda progress: job.cancel() if progress.done else None
    with pytest.raises(Cancelled):
        attach_from_url(library, "wind-audio", url, policy=FAST, job=job)
    assert snapshot(library) == before and incoming_leftovers(library) == []


def test_a_resumed_download_is_attached_whole(library: Library, server: MediaServer) -> None:
    body = jpeg_bytes(200, 150)
    url = server.add("/big.jpg", Resource(body=body, ranges=True, fault="drop-once", fault_after=4000))
    reports: list[Progress] = []
    result = attach_from_url(library, "skycrane-still", url, policy=FAST, job=Job(reports.append))
    assert result.attachment.sha256 == hashlib.sha256(body).hexdigest()
    assert server.requests_for("/big.jpg")[1].headers["range"] == "bytes=4000-"
    assert any("resuming" in report.message for report in reports)


def test_a_nasa_asset_is_attached_with_its_nasa_id(library: Library, server: MediaServer) -> None:
    install_nasa_api(server)
    nasa = NasaImageLibrary(server.base_url)
    result = attach_from_nasa(library, "skycrane-still", SPACED_ID, rendition="large", nasa=nasa, policy=FAST)
    provenance = result.attachment.provenance
    assert provenance["nasa_id"] == SPACED_ID and provenance["rendition"] == "large"
    assert provenance["source_url"].endswith("/50%20Years%20of%20Mars%20Exploration%20~large.jpg")
    assert result.attachment.original_name == "50 Years of Mars Exploration ~large.jpg"
    assert result.attachment.width == 120


def test_the_nasa_api_url_comes_from_the_environment(library: Library, server: MediaServer, monkeypatch) -> None:
    install_nasa_api(server)
    monkeypatch.setenv("MEDIACAT_NASA_API", server.base_url)
    result = attach_from_nasa(library, "skycrane-still", "PIA24430", policy=FAST)
    assert result.attachment.provenance["rendition"] == "orig"
    assert result.attachment.provenance["nasa_id"] == "PIA24430"


def test_the_size_limit_is_a_library_setting(library: Library) -> None:
    assert download_policy(library).max_bytes == 2 * 1024**3
    set_max_download_bytes(library, 5_000_000)
    assert download_policy(library).max_bytes == 5_000_000
    assert download_policy(library, max_bytes=10, idle_timeout=None).max_bytes == 10
    with pytest.raises(MediaCatError, match="positive number"):
        set_max_download_bytes(library, 0)
    set_max_download_bytes(library, None)
    assert download_policy(library).max_bytes == 2 * 1024**3


def test_the_minimum_rate_and_the_time_limit_are_library_settings(library: Library) -> None:
    assert (download_policy(library).min_rate, download_policy(library).deadline) == (1024.0, None)
    set_download_min_rate(library, 4096)
    set_download_max_time(library, 600)
    assert (download_policy(library).min_rate, download_policy(library).deadline) == (4096.0, 600.0)
    with Library.open(library.paths.root, apply_seeds=False) as other:  # kept in the library, not the process
        assert (download_policy(other).min_rate, download_policy(other).deadline) == (4096.0, 600.0)
    assert download_policy(library, deadline=5.0, min_rate=10.0).deadline == 5.0  # a call's own limits win
    set_download_min_rate(library, 0)
    assert download_policy(library).min_rate == 0.0  # no minimum
    with pytest.raises(MediaCatError, match="0 or more bytes a second, not -1"):
        set_download_min_rate(library, -1)
    with pytest.raises(MediaCatError, match="positive number of seconds, not 0"):
        set_download_max_time(library, 0)
    set_download_min_rate(library, None)
    set_download_max_time(library, None)
    assert (download_policy(library).min_rate, download_policy(library).deadline) == (1024.0, None)


def test_nasa_ids_are_found_in_urls() -> None:
    assert nasa_id_in_url("https://x/45507_PIA24428-1200.jpg", ("PIA24428",)) == "PIA24428"
    assert nasa_id_in_url("https://x/other.jpg", ("PIA24428",)) is None


def test_a_complete_download_of_a_broken_file_is_not_attached(library: Library, server: MediaServer) -> None:
    broken = jpeg_bytes(200, 150)[:3000]  # starts like a JPEG, served whole, but the picture is cut off
    url = server.add("/cut.jpg", Resource(body=broken, content_type="image/jpeg"))
    before = snapshot(library)
    with pytest.raises(DownloadError) as caught:
        attach_from_url(library, "skycrane-still", url, policy=FAST)
    message = str(caught.value)
    assert message.startswith(f"{url}: downloaded but not attached: cut.jpg: ") and "truncated" in message
    assert ".incoming" not in message
    assert snapshot(library) == before and incoming_leftovers(library) == []


def test_opening_the_library_clears_what_a_killed_download_or_copy_left_behind(tmp_path: Path) -> None:
    import os
    import time

    seeds = write_seeds(tmp_path / "seeds")
    Library.open(tmp_path / "lib", seeds=seeds).close()
    incoming = tmp_path / "lib" / "media" / ".incoming"
    stale_download = incoming / "download-abc123"
    fresh_download = incoming / "download-def456"  # perhaps another process downloading right now
    long_download = incoming / "download-ghi789"  # started two days ago, its .part file still growing
    stale_copy = tmp_path / "lib" / "media" / "ab" / ".mediacat-tmp-1234"
    kept = incoming / "not-ours.txt"
    for folder in (stale_download, fresh_download, long_download, stale_copy.parent):
        folder.mkdir(parents=True)
    (stale_download / "PIA24428.jpg.part").write_bytes(b"half a file")
    (fresh_download / "clip.mp4.part").write_bytes(b"still coming")
    (long_download / "panorama.jpg.part").write_bytes(b"slowly")
    stale_copy.write_bytes(b"half a copy")
    kept.write_text("a user's file")
    two_days_ago = time.time() - 2 * 24 * 3600
    for path in (stale_download, stale_download / "PIA24428.jpg.part", long_download, stale_copy, kept):
        os.utime(path, (two_days_ago, two_days_ago))
    Library.open(tmp_path / "lib", seeds=seeds).close()
    assert not stale_download.exists() and stale_copy.exists()  # opening looks in the incoming folder only
    with Library.open(tmp_path / "lib", seeds=seeds) as library:
        check_attachments(library)  # a whole check also sweeps the managed folder
    assert not stale_copy.exists()
    assert (fresh_download / "clip.mp4.part").read_bytes() == b"still coming"
    assert (long_download / "panorama.jpg.part").read_bytes() == b"slowly"
    assert kept.read_text() == "a user's file"
