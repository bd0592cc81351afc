"""The download commands end to end: `nasa-search`, `nasa-attach`, `download-settings`, against 127.0.0.1."""

from __future__ import annotations

import json

import pytest

from mediacat.cli import main
from tests.http_server import MediaServer, Resource, jpeg_bytes


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_nasa_search_prints_results_and_the_next_page(nasa_server: MediaServer, capsys) -> None:
    code, out, err = run(capsys, "nasa-search", "perseverance", "--type", "image", "--api", nasa_server.base_url)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["NASA_ID", "TYPE", "DATE", "TITLE"]
    assert lines[1].startswith("PIA24428  image  2021-02-19  Perseverance Rover's Descent")
    assert "3 hits; this page: 2" in err
    next_url = nasa_server.url("/search?page=2&q=perseverance")
    assert f"next page: --page-url '{next_url}'" in err
    code, out, err = run(capsys, "nasa-search", "--page-url", next_url, "--json", "--api", nasa_server.base_url)
    data = json.loads(out)
    assert code == 0 and data["next_url"] is None and data["total_hits"] == 3
    assert data["items"][0]["nasa_id"] == "50 Years of Mars Exploration "


def test_nasa_search_uses_the_environment_api_url(nasa_server: MediaServer, capsys, monkeypatch) -> None:
    monkeypatch.setenv("MEDIACAT_NASA_API", nasa_server.base_url)
    code, out, _ = run(capsys, "nasa-search", "perseverance", "--json")
    assert code == 0 and [item["nasa_id"] for item in json.loads(out)["items"]] == ["PIA24428", "PIA24430"]


def test_nasa_search_errors_are_one_line(nasa_server: MediaServer, capsys) -> None:
    code, _, err = run(capsys, "nasa-search", "mars", "--api", nasa_server.url("/broken"))
    assert code == 2
    assert err.strip() == (f"mediacat: error: {nasa_server.url('/broken/search?q=mars')}: "
                           "the NASA API answered 400: Invalid search parameters")


def test_nasa_attach_downloads_and_attaches_with_the_nasa_id(nasa_server: MediaServer, capsys) -> None:
    code, out, err = run(capsys, "nasa-attach", "skycrane-still", "PIA24428", "--rendition", "large",
                         "--api", nasa_server.base_url)
    assert code == 0, err
    assert out.startswith("attached #1 to skycrane-still: PIA24428~large.jpg (image/jpeg, ")
    assert "downloading PIA24428" in err
    code, out, _ = run(capsys, "show", "skycrane-still", "--json")
    provenance = json.loads(out)["attachments"][0]["provenance"]
    assert provenance["nasa_id"] == "PIA24428" and provenance["rendition"] == "large"
    assert provenance["final_url"] == nasa_server.url("/media/image/PIA24428/PIA24428~large.jpg")


def test_nasa_attach_failures_name_the_problem_and_attach_nothing(nasa_server: MediaServer, capsys) -> None:
    code, _, err = run(capsys, "nasa-attach", "skycrane-still", "NOPE", "--api", nasa_server.base_url)
    assert code == 2 and "answered 404: No asset found for NOPE" in err
    code, _, err = run(capsys, "nasa-attach", "skycrane-still", "PIA24428", "--max-size", "1K",
                       "--api", nasa_server.base_url)
    assert code == 2 and "over the limit of 1.0 KB" in err
    code, _, err = run(capsys, "nasa-attach", "no-such-item", "PIA24428", "--api", nasa_server.base_url)
    assert code == 2 and "no item with id 'no-such-item'" in err
    code, out, _ = run(capsys, "show", "skycrane-still", "--json")
    assert json.loads(out)["attachments"] == []


def test_a_slow_server_hits_the_timeout_option(nasa_server: MediaServer, capsys) -> None:
    nasa_server.add("/media/image/PIA24430/PIA24430~orig.jpg",
                    Resource(body=jpeg_bytes(), fault="stall", fault_after=10))
    code, _, err = run(capsys, "nasa-attach", "skycrane-still", "PIA24430", "--timeout", "0.3",
                       "--api", nasa_server.base_url)
    assert code == 2 and "sent nothing for 0.3 s" in err


def test_bad_size_and_timeout_options_are_usage_errors(capsys) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["nasa-attach", "x", "y", "--max-size", "lots"])
    assert caught.value.code == 2 and "'lots' is not a size in bytes" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["nasa-attach", "x", "y", "--timeout", "-1"])
    assert "not a positive number of seconds" in capsys.readouterr().err


def test_download_settings_are_kept_in_the_library(capsys, monkeypatch) -> None:
    monkeypatch.delenv("MEDIACAT_NASA_API", raising=False)
    code, out, _ = run(capsys, "download-settings", "--max-size", "500M", "--nasa-api", "http://127.0.0.1:8080/",
                       "--json")
    assert code == 0 and json.loads(out) == {"max_bytes": 500 * 1024**2, "nasa_api_url": "http://127.0.0.1:8080",
                                           "media_mirror_url": None, "min_rate": 1024.0, "max_time": None}
    code, out, _ = run(capsys, "download-settings", "--max-size", "default", "--nasa-api", "default")
    assert code == 0 and "2147483648 bytes" in out and "https://images-api.nasa.gov" in out
    code, _, err = run(capsys, "download-settings", "--nasa-api", "ftp://example.org")
    assert code == 2 and "ftp: URLs are refused" in err


def test_the_minimum_rate_and_time_limit_are_kept_in_the_library(capsys) -> None:
    code, out, _ = run(capsys, "download-settings", "--min-rate", "4K", "--max-time", "600", "--json")
    assert code == 0 and (json.loads(out)["min_rate"], json.loads(out)["max_time"]) == (4096.0, 600.0)
    code, out, _ = run(capsys, "download-settings")  # a later command reads them back from the library
    assert code == 0 and "minimum rate:        4096 bytes/s over 60 s" in out and "time limit:          600 s" in out
    code, out, _ = run(capsys, "download-settings", "--min-rate", "none", "--max-time", "none", "--json")
    assert (json.loads(out)["min_rate"], json.loads(out)["max_time"]) == (0.0, None)
    code, out, _ = run(capsys, "download-settings", "--min-rate", "default", "--json")
    assert json.loads(out)["min_rate"] == 1024.0
    with pytest.raises(SystemExit):
        main(["download-settings", "--max-time", "0"])
    assert "not a positive number of seconds" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["download-settings", "--min-rate", "fast"])
    assert "'fast' is not a size in bytes" in capsys.readouterr().err


def test_a_stored_time_limit_stops_an_attach_and_the_flag_overrides_it(nasa_server: MediaServer, capsys) -> None:
    url = nasa_server.add("/steady.jpg", Resource(body=jpeg_bytes(200, 150), content_type="image/jpeg",
                                             fault="trickle", trickle_interval=0.002))
    assert run(capsys, "download-settings", "--max-time", "0.5")[0] == 0
    code, _, err = run(capsys, "attach", "skycrane-still", url)
    assert code != 0 and "took longer than the limit of 0.5 s" in err
    code, _, err = run(capsys, "attach", "skycrane-still", url, "--max-time", "0.3")  # the flag wins
    assert code != 0 and "took longer than the limit of 0.3 s" in err


def test_attach_downloads_a_url_with_a_progress_line(nasa_server: MediaServer, capsys) -> None:
    url = nasa_server.add("/files/PIA24428-1200.jpg",
                          Resource(body=jpeg_bytes(), content_type="image/jpeg", etag='"pia-1"'))
    code, out, err = run(capsys, "attach", "skycrane-still", url)
    assert code == 0, err
    assert out.startswith("attached #1 to skycrane-still: PIA24428-1200.jpg (image/jpeg, ")
    assert f"downloading {url}" in err
    code, out, _ = run(capsys, "show", "skycrane-still", "--json")
    attachment = json.loads(out)["attachments"][0]
    assert attachment["mode"] == "copy" and attachment["mime"] == "image/jpeg" and attachment["width"] > 0
    assert attachment["provenance"]["source_url"] == url and attachment["provenance"]["etag"] == '"pia-1"'
    # The same bytes again: skipped with a message, like a local file; --allow-duplicate attaches it.
    code, out, err = run(capsys, "attach", "hazcam-wheel-color", url)
    assert code == 0 and out == "" and "skipped:" in err and "--allow-duplicate" in err
    code, out, _ = run(capsys, "attach", "hazcam-wheel-color", url, "--allow-duplicate")
    assert code == 0 and out.startswith("attached #2 to hazcam-wheel-color")


def test_attach_url_failures_are_named_and_the_rest_goes_on(nasa_server: MediaServer, capsys, tmp_path) -> None:
    from tests.http_server import HTML_PAGE
    from tests.media_fixtures import make_png

    missing = nasa_server.url("/files/missing.jpg")
    page = nasa_server.add("/files/page.jpg", Resource(body=HTML_PAGE, content_type="text/html"))
    cut = nasa_server.add("/files/cut.jpg", Resource(body=jpeg_bytes(), fault="drop", fault_after=300))
    local = make_png(tmp_path / "local.png")
    code, out, err = run(capsys, "attach", "skycrane-still", missing, page, cut, "file:///etc/passwd", str(local),
                         "--max-size", "10M")
    assert code == 1
    assert f"{missing}: " in err and "404" in err
    assert f"{page}: the server sent an HTML page" in err
    assert f"{cut}: " in err
    assert "file:///etc/passwd: file: URLs are refused" in err
    assert "local.png" in out  # the local file was still attached
    code, out, _ = run(capsys, "show", "skycrane-still", "--json")
    assert [a["original_name"] for a in json.loads(out)["attachments"]] == ["local.png"]
