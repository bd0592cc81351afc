"""mediacat.core.download against a real HTTP server on 127.0.0.1: success, every fault, limits, resume, names."""

from __future__ import annotations

import hashlib
import socket
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mediacat.core.download import (
    ConnectionFailed,
    DownloadPolicy,
    DownloadTimeout,
    DownloadTooLarge,
    HTTPStatusError,
    IncompleteDownload,
    NotMediaFile,
    RedirectRefused,
    UnsupportedURL,
    download,
    fetch_bytes,
    filename_from,
    is_url,
    normalize_url,
    redirect_target,
    sanitize_filename,
)
from mediacat.core.jobs import Cancelled, Job, Progress
from tests.http_server import HTML_PAGE, LAST_MODIFIED, MediaServer, Resource, jpeg_bytes, mp3_bytes, png_bytes

FAST = DownloadPolicy(connect_timeout=5, idle_timeout=5)


@pytest.fixture
def dest(tmp_path: Path) -> Path:
    folder = tmp_path / "incoming"
    folder.mkdir()
    return folder


def assert_nothing_left(dest: Path) -> None:
    leftovers = [str(path) for path in dest.rglob("*")]
    assert leftovers == [], f"left behind: {leftovers}"


def test_a_jpeg_is_downloaded_hashed_named_and_reported(server: MediaServer, dest: Path) -> None:
    body = jpeg_bytes()
    url = server.add("/media/PIA24428.jpg", Resource(body=body, content_type="image/jpeg"))
    reports: list[Progress] = []
    result = download(url, dest, policy=FAST, job=Job(reports.append))
    assert result.path.read_bytes() == body
    assert result.path.name == "PIA24428.jpg" == result.filename
    assert result.path.parent.parent == dest
    assert result.sha256 == hashlib.sha256(body).hexdigest()
    assert result.size == len(body)
    assert result.final_url == url
    assert result.content_type == "image/jpeg"
    assert result.etag == '"v1"' and result.last_modified == LAST_MODIFIED
    assert result.retrieved_at.endswith("Z")
    assert reports[-1].done == len(body) and reports[-1].total == len(body)
    assert "/s" in reports[-1].message
    assert not list(dest.rglob("*.part"))
    provenance = result.provenance(nasa_id="PIA24428")
    assert provenance["source_url"] == url and provenance["nasa_id"] == "PIA24428"
    assert provenance["etag"] == '"v1"' and provenance["last_modified"] == LAST_MODIFIED
    result.discard()
    assert_nothing_left(dest)


@pytest.mark.parametrize("status", [404, 500])
def test_an_error_status_is_reported_and_nothing_is_kept(server: MediaServer, dest: Path, status: int) -> None:
    url = server.add("/broken.jpg", Resource(status=status, body=b"oops", content_type="text/plain"))
    with pytest.raises(HTTPStatusError) as caught:
        download(url, dest, policy=FAST)
    assert str(caught.value).startswith(f"{url}: the server answered {status}")
    assert caught.value.status == status
    assert_nothing_left(dest)


def test_a_connection_dropped_mid_body_names_the_bytes_received(server: MediaServer, dest: Path) -> None:
    body = jpeg_bytes()
    url = server.add("/drop.jpg", Resource(body=body, fault="drop", fault_after=1000))
    with pytest.raises(IncompleteDownload) as caught:
        download(url, dest, policy=FAST)
    message = str(caught.value)
    assert message.startswith(url) and f"after 1000 of {len(body)} bytes" in message
    assert_nothing_left(dest)


def test_a_content_length_larger_than_the_body_is_an_incomplete_download(server: MediaServer, dest: Path) -> None:
    body = png_bytes()
    url = server.add("/short.png", Resource(body=body, declared_length=len(body) + 500))
    with pytest.raises(IncompleteDownload) as caught:
        download(url, dest, policy=FAST)
    assert f"the server closed the connection after {len(body)} of {len(body) + 500} bytes" in str(caught.value)
    assert_nothing_left(dest)


def test_a_stalled_server_times_out(server: MediaServer, dest: Path) -> None:
    url = server.add("/slow.jpg", Resource(body=jpeg_bytes(), fault="stall", fault_after=500))
    with pytest.raises(DownloadTimeout) as caught:
        download(url, dest, policy=DownloadPolicy(idle_timeout=0.3))
    assert "sent nothing for 0.3 s (after 500 of" in str(caught.value)
    assert_nothing_left(dest)


def test_a_server_that_never_answers_times_out(dest: Path) -> None:
    with socket.socket() as listener:  # accepts connections (the kernel does) but never reads or answers
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/x.jpg"
        with pytest.raises(DownloadTimeout) as caught:
            download(url, dest, policy=DownloadPolicy(idle_timeout=0.3))
    assert "sent no answer within 0.3 s" in str(caught.value)
    assert_nothing_left(dest)


def test_a_closed_port_is_a_connection_failure(dest: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(ConnectionFailed) as caught:
        download(f"http://127.0.0.1:{port}/x.jpg", dest, policy=FAST)
    assert "cannot connect to 127.0.0.1" in str(caught.value)
    assert_nothing_left(dest)


def test_five_redirects_are_followed_and_the_final_url_kept(server: MediaServer, dest: Path) -> None:
    target = server.add("/final/PIA24430.png", Resource(body=png_bytes(), content_type="image/png"))
    first = server.redirect_chain(5, "/final/PIA24430.png")
    result = download(first, dest, policy=FAST)
    assert result.final_url == target and result.source_url == first
    assert result.filename == "PIA24430.png"


def test_six_redirects_are_refused(server: MediaServer, dest: Path) -> None:
    server.add("/final.png", Resource(body=png_bytes()))
    first = server.redirect_chain(6, "/final.png")
    with pytest.raises(RedirectRefused) as caught:
        download(first, dest, policy=FAST)
    assert "more than 5 redirects" in str(caught.value)
    assert server.resources["/final.png"].hits == 0
    assert_nothing_left(dest)


def test_a_redirect_loop_is_refused(server: MediaServer, dest: Path) -> None:
    server.redirect("/loop-a", "/loop-b")
    server.redirect("/loop-b", server.url("/loop-a"))
    with pytest.raises(RedirectRefused) as caught:
        download(server.url("/loop-a"), dest, policy=FAST)
    assert "redirect loop" in str(caught.value)
    assert_nothing_left(dest)


@pytest.mark.parametrize("location", ["file:///etc/passwd", "ftp://example.org/x.jpg", "data:image/png;base64,AA=="])
def test_a_redirect_to_another_scheme_is_refused(server: MediaServer, dest: Path, location: str) -> None:
    url = server.redirect("/sneaky.jpg", location, status=301)
    with pytest.raises(RedirectRefused) as caught:
        download(url, dest, policy=FAST)
    assert f"redirected to {location}, which is not an http or https URL; refused" in str(caught.value)
    assert_nothing_left(dest)


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.org/a.jpg", "data:text/plain,hi", "javascript:alert(1)",
            "gopher://x/", "/just/a/path.jpg", "http:///no-host"],
)
def test_only_http_and_https_urls_are_accepted(dest: Path, url: str) -> None:
    with pytest.raises(UnsupportedURL) as caught:
        download(url, dest)
    assert str(caught.value).startswith(url)
    assert_nothing_left(dest)


def test_an_html_page_where_media_was_expected_is_refused(server: MediaServer, dest: Path) -> None:
    url = server.add("/login.jpg", Resource(body=HTML_PAGE * 50, content_type="text/html; charset=utf-8"))
    with pytest.raises(NotMediaFile) as caught:
        download(url, dest, policy=FAST)
    assert "an HTML page (text/html)" in str(caught.value)
    assert_nothing_left(dest)


def test_html_served_as_an_image_is_still_refused_by_its_bytes(server: MediaServer, dest: Path) -> None:
    url = server.add("/fake.jpg", Resource(body=HTML_PAGE, content_type="image/jpeg"))
    with pytest.raises(NotMediaFile):
        download(url, dest, policy=FAST)
    assert_nothing_left(dest)


def test_the_finished_file_is_sniffed_by_its_bytes(server: MediaServer, dest: Path) -> None:
    url = server.add("/noise.bin", Resource(body=b"\x00\x01" * 3000))
    with pytest.raises(NotMediaFile) as caught:
        download(url, dest, policy=FAST)
    assert str(caught.value) == f"{url}: the file (application/octet-stream) is not an image, audio or video file " \
                                "MediaCat knows"
    assert_nothing_left(dest)
    seen: list[bytes] = []

    def sniff(head: bytes) -> str:
        seen.append(head)
        return "anything"

    result = download(url, dest, policy=FAST, sniff=sniff)
    assert seen == [(b"\x00\x01" * 3000)[:4096]] and result.size == 6000


def test_an_oversized_body_is_refused_by_its_content_length_before_reading(server: MediaServer, dest: Path) -> None:
    url = server.add("/huge.jpg", Resource(body=jpeg_bytes()))
    reports: list[Progress] = []
    with pytest.raises(DownloadTooLarge) as caught:
        download(url, dest, policy=DownloadPolicy(max_bytes=1000), job=Job(reports.append))
    assert "over the limit of 1.0 KB" in str(caught.value)
    assert all(report.done == 0 for report in reports)
    assert_nothing_left(dest)


def test_an_oversized_body_without_a_length_is_stopped_while_streaming(server: MediaServer, dest: Path) -> None:
    url = server.add("/endless.mp3", Resource(body=mp3_bytes(), send_length=False))
    with pytest.raises(DownloadTooLarge) as caught:
        download(url, dest, policy=DownloadPolicy(max_bytes=2000))
    assert "passed the limit of 2.0 KB while downloading" in str(caught.value)
    assert_nothing_left(dest)


def test_a_body_without_a_length_is_downloaded_to_its_end(server: MediaServer, dest: Path) -> None:
    body = mp3_bytes()
    url = server.add("/wind.mp3", Resource(body=body, content_type="audio/mpeg", send_length=False))
    result = download(url, dest, policy=FAST)
    assert result.size == len(body) and result.path.read_bytes() == body


def test_a_dropped_transfer_resumes_with_range_when_the_server_allows_it(server: MediaServer, dest: Path) -> None:
    body = jpeg_bytes(160, 120)
    url = server.add("/resume.jpg", Resource(body=body, ranges=True, fault="drop-once", fault_after=3000))
    reports: list[Progress] = []
    result = download(url, dest, policy=FAST, job=Job(reports.append))
    assert result.resumed == 1
    assert result.path.read_bytes() == body and result.sha256 == hashlib.sha256(body).hexdigest()
    second = server.requests_for("/resume.jpg")[1]
    assert second.headers["range"] == "bytes=3000-" and second.headers["if-range"] == '"v1"'
    assert any("resuming at 3.0 KB" in report.message for report in reports)


def test_resume_is_not_attempted_when_asked_not_to(server: MediaServer, dest: Path) -> None:
    url = server.add("/once.jpg", Resource(body=jpeg_bytes(), ranges=True, fault="drop-once"))
    with pytest.raises(IncompleteDownload):
        download(url, dest, policy=FAST, resume=False)
    assert len(server.requests_for("/once.jpg")) == 1
    assert_nothing_left(dest)


def test_a_server_that_keeps_dropping_gives_up_after_the_resume_attempts(server: MediaServer, dest: Path) -> None:
    body = jpeg_bytes(160, 120)
    url = server.add("/flaky.jpg", Resource(body=body, ranges=True, fault="drop", fault_after=700))
    with pytest.raises(IncompleteDownload) as caught:
        download(url, dest, policy=DownloadPolicy(resume_attempts=2, idle_timeout=5))
    assert f"after 2100 of {len(body)} bytes" in str(caught.value)
    assert len(server.requests_for("/flaky.jpg")) == 3
    assert_nothing_left(dest)


def test_a_cancelled_download_leaves_nothing(server: MediaServer, dest: Path) -> None:
    url = server.add("/big.mp3", Resource(body=mp3_bytes(3.0)))
    job = Job()
    job_reports: list[Progress] = []

    def on_progress(progress: Progress) -> None:
        job_reports.append(progress)
        if progress.done > 0:
            job.cancel()

    job._on_progress = on_progress
    with pytest.raises(Cancelled):
        download(url, dest, policy=FAST, job=job)
    assert job_reports
    assert_nothing_left(dest)


def test_content_disposition_names_are_sanitised(server: MediaServer, dest: Path) -> None:
    body = png_bytes()

    def named(path: str, disposition: str) -> str:
        return server.add(path, Resource(body=body, headers={"Content-Disposition": disposition}))

    evil = named("/a", 'attachment; filename="../../etc/passwd"')
    control = named("/b", "attachment; filename*=UTF-8''..%2F%07bell%0Aname.png")
    unicode_name = named("/c", "inline; filename*=UTF-8''J%C3%A9zero%20crater.png")
    assert download(evil, dest, policy=FAST).path.name == "passwd"
    assert download(control, dest, policy=FAST).path.name == "bellname.png"
    assert download(unicode_name, dest, policy=FAST).path.name == "Jézero crater.png"
    for path in dest.rglob("*"):
        assert path.resolve().is_relative_to(dest.resolve())


def test_spaces_in_a_url_are_percent_encoded(server: MediaServer, dest: Path) -> None:
    server.add("/image/50 Years of Mars Exploration /file~orig.jpg", Resource(body=jpeg_bytes()))
    result = download(server.url("/image/50 Years of Mars Exploration /file~orig.jpg"), dest, policy=FAST)
    assert server.requests[-1].path == "/image/50%20Years%20of%20Mars%20Exploration%20/file~orig.jpg"
    assert result.filename == "file~orig.jpg"


def test_fetch_bytes_returns_small_documents_and_keeps_error_bodies(server: MediaServer) -> None:
    ok = server.add("/doc.json", Resource(body=b'{"a": 1}', content_type="application/json"))
    bad = server.add("/bad.json", Resource(status=400, body=b'{"reason": "q is missing"}'))
    assert fetch_bytes(ok, policy=FAST) == (b'{"a": 1}', ok)
    with pytest.raises(HTTPStatusError) as caught:
        fetch_bytes(bad, policy=FAST)
    assert caught.value.status == 400 and b"q is missing" in caught.value.body
    with pytest.raises(DownloadTooLarge):
        fetch_bytes(ok, policy=FAST, max_bytes=3)


def test_names_from_urls_and_headers() -> None:
    assert filename_from(None, "https://x.org/a/PIA24428~orig.jpg?x=1") == "PIA24428~orig.jpg"
    assert filename_from(None, "https://x.org/a/b%20c.mp4") == "b c.mp4"
    assert filename_from(None, "https://x.org/") == "download"
    assert filename_from('attachment; filename="..\\..\\win.ini"', "https://x.org/y") == "win.ini"
    assert filename_from("attachment", "https://x.org/z.png") == "z.png"
    assert sanitize_filename("..") == "download"
    assert sanitize_filename("a" * 400 + ".jpeg").endswith("a.jpeg")
    assert len(sanitize_filename("é" * 400 + ".jpeg").encode()) <= 150


@given(st.text(max_size=400))
def test_sanitised_names_are_always_safe(name: str) -> None:
    safe = sanitize_filename(name)
    assert safe and "/" not in safe and "\\" not in safe and not safe.startswith(".")
    assert all(ord(ch) >= 32 and ord(ch) != 127 for ch in safe)
    assert len(safe.encode("utf-8")) <= 150
    assert safe not in (".", "..")


def test_url_helpers() -> None:
    assert normalize_url("https://x.org/a b/c%20d.jpg#frag") == "https://x.org/a%20b/c%20d.jpg"
    assert normalize_url("http://x.org/s?q=mars rover&media_type=image") == "http://x.org/s?q=mars%20rover&media_type=image"
    assert is_url("https://x.org/a.jpg") and is_url("file:///etc/passwd") and is_url("data:,x")
    assert not is_url("/home/me/a.jpg") and not is_url("photo.jpg") and not is_url("C:\\photos\\a.jpg")


def test_cancelling_unblocks_a_download_waiting_on_a_stalled_server(server: MediaServer, dest: Path) -> None:
    url = server.add("/stuck.jpg", Resource(body=jpeg_bytes(), fault="stall", fault_after=100))
    job = Job(lambda progress: job.cancel() if progress.done >= 100 else None)
    # The cancel comes while the worker is blocked in a read with a 60 s idle timeout: it must end as a
    # cancel (the socket is shut down), not as a timeout.
    with pytest.raises(Cancelled):
        download(url, dest, policy=DownloadPolicy(idle_timeout=60), job=job)
    assert_nothing_left(dest)


def test_cancelling_from_another_thread_while_blocked(server: MediaServer, dest: Path) -> None:
    import threading

    url = server.add("/stuck2.jpg", Resource(body=jpeg_bytes(), fault="stall", fault_after=100))
    started = threading.Event()
    job = Job(lambda progress: started.set() if progress.done >= 100 else None)

    def cancel_once_started() -> None:
        if started.wait(30):
            job.cancel()

    canceller = threading.Thread(target=cancel_once_started)
    canceller.start()
    with pytest.raises(Cancelled):
        download(url, dest, policy=DownloadPolicy(idle_timeout=60), job=job)
    canceller.join()
    assert_nothing_left(dest)


def test_redirects_stay_on_http_or_https_and_never_drop_from_https_to_http() -> None:
    policy = DownloadPolicy()
    start = "https://images.example.org/a.jpg"
    assert redirect_target(start, start, "/b.jpg", policy) == "https://images.example.org/b.jpg"
    assert redirect_target(start, "http://x.org/a", "https://y.org/b.jpg", policy) == "https://y.org/b.jpg"
    with pytest.raises(RedirectRefused, match=r"from https to plain http \(http://cdn.example.org/a.jpg\)"):
        redirect_target(start, start, "http://cdn.example.org/a.jpg", policy)
    with pytest.raises(RedirectRefused, match="not an http or https URL"):
        redirect_target(start, start, "file:///etc/passwd", policy)

