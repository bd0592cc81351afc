"""Downloads against a real 127.0.0.1 server that misbehaves on purpose (issue 13, items 4, 5 and 11).

A server sending a byte at a time (body or headers) is stopped by the minimum rate or the overall deadline,
whatever the idle timeout; invalid hosts and ports are messages, not tracebacks; `user:password@` is never
kept. The limits are small here so the tests stay short; the defaults are 1 KiB/s over 60 s and no deadline.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mediacat.core.download import (
    DownloadPolicy,
    DownloadTimeout,
    RedirectRefused,
    UnsupportedURL,
    check_url,
    download,
    fetch_bytes,
    redact_url,
)
from tests.http_server import MediaServer, Resource, jpeg_bytes

SLOW = DownloadPolicy(connect_timeout=5, idle_timeout=5, min_rate=1000.0, rate_window=0.6)


@pytest.fixture
def dest(tmp_path: Path) -> Path:
    return tmp_path / "incoming"


def test_the_defaults_stop_a_slower_than_1_kib_per_second_transfer_after_a_minute() -> None:
    policy = DownloadPolicy()
    assert (policy.min_rate, policy.rate_window, policy.deadline) == (1024.0, 60.0, None)


def test_a_body_trickling_one_byte_at_a_time_is_stopped_by_the_minimum_rate(server: MediaServer, dest: Path) -> None:
    url = server.add("/slow.jpg", Resource(body=jpeg_bytes(), content_type="image/jpeg", fault="trickle",
                                           trickle_interval=0.02))
    with pytest.raises(DownloadTimeout, match="slower than the minimum of 1000 bytes/s"):  # not the idle timeout:
        download(url, dest, policy=SLOW)  # bytes kept coming
    assert list(dest.iterdir()) == []


def test_headers_trickling_are_stopped_too(server: MediaServer, dest: Path) -> None:
    url = server.add("/slow-headers.jpg", Resource(body=jpeg_bytes(), content_type="image/jpeg",
                                                   fault="trickle-headers", trickle_interval=0.02))
    with pytest.raises(DownloadTimeout, match=r"sent 0 bytes in 0\.6 s"):
        download(url, dest, policy=SLOW)
    with pytest.raises(DownloadTimeout, match="slower than the minimum"):
        fetch_bytes(url, policy=SLOW)


def test_the_overall_deadline_stops_a_download_fast_enough_for_the_rate(server: MediaServer, dest: Path) -> None:
    url = server.add("/steady.jpg", Resource(body=jpeg_bytes(200, 150), content_type="image/jpeg",
                                             fault="trickle", trickle_interval=0.001))
    policy = DownloadPolicy(connect_timeout=5, idle_timeout=5, min_rate=10.0, rate_window=0.5, deadline=0.8)
    with pytest.raises(DownloadTimeout, match=r"took longer than the limit of 0\.8 s"):
        download(url, dest, policy=policy)


def test_a_fast_download_is_not_stopped(server: MediaServer, dest: Path) -> None:
    url = server.add("/fast.jpg", Resource(body=jpeg_bytes(), content_type="image/jpeg"))
    done = download(url, dest, policy=replace(SLOW, deadline=5.0))
    assert done.size == len(jpeg_bytes())


def test_an_idna_invalid_host_is_a_message() -> None:
    with pytest.raises(UnsupportedURL, match="not a valid international domain name"):
        check_url("http://" + "ä" * 70 + ".example/")


def test_a_redirect_to_port_99999_is_refused_with_a_message(server: MediaServer, dest: Path) -> None:
    url = server.redirect("/bad-port", "http://127.0.0.1:99999/x.jpg")
    with pytest.raises(RedirectRefused, match="not a valid URL"):
        download(url, dest, policy=SLOW)
    url = server.redirect("/bad-host", "http://" + "ä" * 70 + ".example/x.jpg")
    with pytest.raises(RedirectRefused, match="not a valid URL"):
        download(url, dest, policy=SLOW)


def test_user_and_password_are_not_kept_in_provenance_or_messages(server: MediaServer, dest: Path) -> None:
    url = server.add("/secret.jpg", Resource(body=jpeg_bytes(), content_type="image/jpeg"))
    with_password = url.replace("http://", "http://ann:hunter2@")
    done = download(with_password, dest, policy=SLOW)
    provenance = done.provenance()
    assert "hunter2" not in str(provenance) and "ann:" not in str(provenance)
    assert provenance["source_url"] == url
    with pytest.raises(Exception, match="404") as failure:
        download(with_password.replace("secret", "missing"), dest, policy=SLOW)
    assert "hunter2" not in str(failure.value)


@given(st.text(max_size=20), st.text(max_size=20))
def test_redact_url_never_keeps_userinfo(user: str, password: str) -> None:
    user, password = (text.translate({ord(ch): None for ch in "@/?#"}) for text in (user, password))
    redacted = redact_url(f"https://{user}:{password}@example.org/a.jpg")
    assert redacted == "https://example.org/a.jpg"
