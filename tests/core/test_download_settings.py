"""The library's download settings as one operation (core.download_settings): read, change together or not at all,
log what changed; and the text forms the CLI and the app's dialog share."""

from __future__ import annotations

import json

import pytest

from mediacat.cli import main
from mediacat.core.changes import NO_CHANGES, Changes, changes_of
from mediacat.core.download_attach import MAX_BYTES_SETTING, MIN_RATE_SETTING, download_policy
from mediacat.core.download_settings import (
    DEFAULT_DOWNLOAD_SETTINGS,
    DownloadSettingError,
    DownloadSettingsUpdate,
    apply_download_settings,
    download_settings,
    format_size,
    parse_seconds,
    parse_size,
)
from mediacat.core.errors import MediaCatError
from mediacat.core.events import events
from mediacat.core.jobs import Job
from mediacat.core.library import Library
from mediacat.core.nasa import API_ENV, api_url
from mediacat.core.operations import download_settings_query, set_download_settings_op


@pytest.fixture(autouse=True)
def no_api_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(API_ENV, raising=False)


def settings_events(library: Library) -> list:
    return [event for event in events(library) if event.action == "download-settings"]


def test_a_new_library_has_the_defaults(library: Library) -> None:
    settings = download_settings(library)
    assert settings == DEFAULT_DOWNLOAD_SETTINGS
    assert settings.to_json() == {"max_bytes": 2 * 1024**3, "nasa_api_url": "https://images-api.nasa.gov",
                                  "media_mirror_url": None, "min_rate": 1024.0, "max_time": None}
    assert download_settings_query(Job(), library) == settings


def test_an_update_changes_what_it_names_in_one_step_and_logs_it(library: Library) -> None:
    update = DownloadSettingsUpdate(max_bytes=4096, min_rate=0.0, max_time=30.0,
                                    nasa_api_url="http://127.0.0.1:9/api/", media_mirror_url="https://m.example/x")
    result = set_download_settings_op(Job(), library, update)
    assert result.changed == ["max_bytes", "nasa_api_url", "media_mirror_url", "min_rate", "max_time"]
    assert changes_of(result) == Changes(download_settings=True, events=True)  # the catalog shows none of them
    after = download_settings(library)
    assert after.to_json() == {"max_bytes": 4096, "nasa_api_url": "http://127.0.0.1:9/api",
                               "media_mirror_url": "https://m.example/x", "min_rate": 0.0, "max_time": 30.0}
    assert result.after == after and result.before == DEFAULT_DOWNLOAD_SETTINGS
    policy = download_policy(library)  # what every download of the library obeys
    assert (policy.max_bytes, policy.min_rate, policy.deadline) == (4096, 0.0, 30.0)
    (event,) = settings_events(library)
    assert event.item_id is None and event.details["before"]["max_bytes"] == 2 * 1024**3
    assert event.details["after"] == {"max_bytes": 4096, "nasa_api_url": "http://127.0.0.1:9/api",
                                      "media_mirror_url": "https://m.example/x", "min_rate": 0.0, "max_time": 30.0}
    assert "max_bytes: 4096" in event.summary()


def test_kept_settings_stay_and_an_update_that_changes_nothing_logs_nothing(library: Library) -> None:
    apply_download_settings(library, DownloadSettingsUpdate(max_bytes=4096, max_time=30.0))
    result = apply_download_settings(library, DownloadSettingsUpdate(min_rate=2048.0))
    assert result.changed == ["min_rate"]
    assert (download_settings(library).max_bytes, download_settings(library).max_time) == (4096, 30.0)
    again = apply_download_settings(library, DownloadSettingsUpdate(max_bytes=4096, min_rate=2048.0))
    assert again.changed == [] and changes_of(again) is NO_CHANGES
    assert len(settings_events(library)) == 2
    assert apply_download_settings(library, DownloadSettingsUpdate()).changed == []


def test_defaults_forget_the_stored_values(library: Library) -> None:
    apply_download_settings(library, DownloadSettingsUpdate(4096, 0.0, 30.0, "http://127.0.0.1:9", "https://m.example"))
    result = apply_download_settings(library, DownloadSettingsUpdate.defaults())
    assert download_settings(library) == DEFAULT_DOWNLOAD_SETTINGS
    assert set(result.changed) == set(DEFAULT_DOWNLOAD_SETTINGS.to_json())
    assert library.store.get_meta(MAX_BYTES_SETTING) is None and library.store.get_meta(MIN_RATE_SETTING) is None


def test_a_wrong_value_names_its_setting_and_nothing_is_saved(library: Library) -> None:
    update = DownloadSettingsUpdate(max_bytes=4096, media_mirror_url="ftp://mirror.example.org")
    with pytest.raises(DownloadSettingError) as caught:
        apply_download_settings(library, update)
    assert caught.value.setting == "media_mirror_url"
    assert "ftp://mirror.example.org" in str(caught.value) and "ftp: URLs are refused" in str(caught.value)
    assert download_settings(library) == DEFAULT_DOWNLOAD_SETTINGS and settings_events(library) == []
    for wrong, setting, message in ((DownloadSettingsUpdate(max_bytes=0), "max_bytes", "positive number of bytes"),
                                    (DownloadSettingsUpdate(min_rate=-1.0), "min_rate", "0 or more bytes"),
                                    (DownloadSettingsUpdate(max_time=0.0), "max_time", "positive number of seconds"),
                                    (DownloadSettingsUpdate(nasa_api_url="images-api"), "nasa_api_url", "no scheme")):
        with pytest.raises(DownloadSettingError, match=message) as caught:
            apply_download_settings(library, wrong)
        assert caught.value.setting == setting
    assert download_settings(library) == DEFAULT_DOWNLOAD_SETTINGS


def test_the_environment_api_url_wins_but_the_librarys_own_is_what_changes(library, monkeypatch) -> None:
    monkeypatch.setenv(API_ENV, "http://127.0.0.1:8/")
    result = apply_download_settings(library, DownloadSettingsUpdate(nasa_api_url="http://127.0.0.1:7"))
    assert result.changed == ["nasa_api_url"]
    settings = download_settings(library)
    assert settings.nasa_api_url == api_url(library) == "http://127.0.0.1:8"
    assert settings.nasa_api_setting == "http://127.0.0.1:7"


def test_sizes_and_seconds_as_text() -> None:
    assert [parse_size(t) for t in ("1500000", "500M", "2G", "2GiB", " 4k ", "1T")] == [
        1500000, 500 * 1024**2, 2 * 1024**3, 2 * 1024**3, 4096, 1024**4]
    for text in ("lots", "0", "-1K", "1.5M", ""):
        with pytest.raises(MediaCatError, match="is not a size in bytes"):
            parse_size(text)
    assert parse_seconds("0.5") == 0.5
    for text in ("0", "-3", "soon", "nan"):
        with pytest.raises(MediaCatError, match="is not a positive number of seconds"):
            parse_seconds(text)
    for count in (1, 1000, 1024, 1536, 500 * 1024**2, 2 * 1024**3, 3 * 1024**4, 1500000):
        assert parse_size(format_size(count)) == count
    assert (format_size(2 * 1024**3), format_size(1024.0), format_size(1500000)) == ("2G", "1K", "1500000")
    assert format_size(1500.5) == "1500.5"


def test_the_cli_saves_all_or_nothing(library: Library, capsys) -> None:
    code = main(["download-settings", "--max-size", "4K", "--mirror", "ftp://mirror.example.org"])
    assert code == 2 and "ftp: URLs are refused" in capsys.readouterr().err
    assert download_settings(library) == DEFAULT_DOWNLOAD_SETTINGS  # the size limit was not kept either
    assert main(["download-settings", "--max-size", "4K", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["max_bytes"] == 4096
    assert [event.details["after"] for event in settings_events(library)] == [{"max_bytes": 4096}]
