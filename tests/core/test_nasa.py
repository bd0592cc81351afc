"""mediacat.core.nasa against recorded-shape NASA API answers served on 127.0.0.1."""

from __future__ import annotations

import socket

import pytest

from mediacat.core.nasa import (
    DEFAULT_API_URL,
    NasaApiError,
    NasaImageLibrary,
    api_url,
    rendition_name,
    set_api_url,
)
from tests.core.seed_fixtures import write_seeds
from tests.http_server import MediaServer
from tests.nasa_api import SPACED_ID


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_search_returns_results_and_pages_through_the_next_link(nasa_server: MediaServer) -> None:
    nasa = NasaImageLibrary(nasa_server.base_url)
    page = nasa.search("perseverance", "image")
    assert [result.nasa_id for result in page.items] == ["PIA24428", "PIA24430"]
    assert page.total_hits == 3
    first = page.items[0]
    assert first.title == "Perseverance Rover's Descent and Touchdown on Mars"
    assert first.media_type == "image" and first.center == "JPL" and first.keywords == ("Mars", "Perseverance")
    assert first.date_created == "2021-02-19T00:00:00Z"
    assert first.preview_url == nasa_server.url("/media/image/PIA24428/PIA24428~thumb.png")
    assert nasa_server.requests[0].path == "/search?q=perseverance&media_type=image"
    assert page.next_url == nasa_server.url("/search?page=2&q=perseverance")
    second = nasa.search("perseverance", "image", page_url=page.next_url)
    assert [result.nasa_id for result in second.items] == [SPACED_ID]
    assert second.next_url is None


def test_search_words_are_percent_encoded_and_an_empty_result_is_fine(nasa_server: MediaServer) -> None:
    page = NasaImageLibrary(nasa_server.base_url).search("nothing at all")
    assert page.items == [] and page.total_hits == 0 and page.next_url is None
    assert nasa_server.requests[-1].path == "/search?q=nothing%20at%20all"


def test_renditions_come_from_the_asset_manifest(nasa_server: MediaServer) -> None:
    renditions = NasaImageLibrary(nasa_server.base_url).renditions("PIA24428")
    assert list(renditions) == ["orig", "large", "medium", "small", "thumb"]
    assert renditions["orig"] == nasa_server.url("/media/image/PIA24428/PIA24428~orig.jpg")


def test_an_id_with_spaces_is_percent_encoded(nasa_server: MediaServer) -> None:
    nasa = NasaImageLibrary(nasa_server.base_url)
    renditions = nasa.renditions(SPACED_ID)
    assert nasa_server.requests[-1].path == "/asset/50%20Years%20of%20Mars%20Exploration%20"
    assert renditions["large"].endswith("~large.jpg")
    assert nasa.best_rendition(SPACED_ID, "medium") == ("medium", renditions["medium"])


def test_audio_renditions_fall_back_to_what_is_offered(nasa_server: MediaServer) -> None:
    name, url = NasaImageLibrary(nasa_server.base_url).best_rendition("PIA24495", "large")
    assert name == "orig" and url.endswith("PIA24495~orig.mp3")


def test_api_errors_carry_the_reason_from_the_json_body(nasa_server: MediaServer) -> None:
    with pytest.raises(NasaApiError) as caught:
        NasaImageLibrary(nasa_server.base_url).renditions("NOPE")
    assert str(caught.value) == f"{nasa_server.url('/asset/NOPE')}: the NASA API answered 404: No asset found for NOPE"
    assert caught.value.status == 404
    with pytest.raises(NasaApiError) as caught:
        NasaImageLibrary(nasa_server.url("/broken")).search("mars")
    assert "answered 400: Invalid search parameters" in str(caught.value)


def test_a_non_json_answer_and_a_dead_server_are_clear_errors(nasa_server: MediaServer) -> None:
    with pytest.raises(NasaApiError) as caught:
        NasaImageLibrary(nasa_server.url("/garbage")).search("mars")
    assert "the answer is not JSON" in str(caught.value)
    with pytest.raises(NasaApiError) as caught:
        NasaImageLibrary(f"http://127.0.0.1:{closed_port()}").search("mars")
    assert "cannot connect to 127.0.0.1" in str(caught.value)


def test_bad_search_arguments_are_refused_before_asking(nasa_server: MediaServer) -> None:
    nasa = NasaImageLibrary(nasa_server.base_url)
    with pytest.raises(NasaApiError, match="needs some words"):
        nasa.search("   ")
    with pytest.raises(NasaApiError, match="unknown media type 'photo'"):
        nasa.search("mars", "photo")
    assert nasa_server.requests == []


def test_rendition_names() -> None:
    assert rendition_name("https://images-assets.nasa.gov/image/PIA1/PIA1~orig.jpg") == "orig"
    assert rendition_name("https://x/a/50%20Years~large.jpg") == "large"
    assert rendition_name("https://x/a/metadata.json") is None


def test_the_api_url_comes_from_the_environment_then_the_library_setting(tmp_path, monkeypatch) -> None:
    from mediacat.core.library import Library

    monkeypatch.delenv("MEDIACAT_NASA_API", raising=False)
    with Library.open(tmp_path / "lib", seeds=write_seeds(tmp_path / "seeds")) as library:
        assert api_url(library) == DEFAULT_API_URL
        set_api_url(library, "http://127.0.0.1:8000/")
        assert api_url(library) == "http://127.0.0.1:8000"
        monkeypatch.setenv("MEDIACAT_NASA_API", "http://127.0.0.1:9000")
        assert api_url(library) == "http://127.0.0.1:9000"
        set_api_url(library, None)
        monkeypatch.delenv("MEDIACAT_NASA_API")
        assert api_url(library) == DEFAULT_API_URL
