"""Shared fixtures: every test gets its own library, cache and config folders under tmp_path."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import settings

if TYPE_CHECKING:  # imported where used, so collecting the core's tests loads neither the library nor Qt early
    from pytestqt.qtbot import QtBot

    from mediacat.core.library import Library
    from tests.http_server import MediaServer

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# No timed assertions: Hypothesis's per-example deadline (200 ms) failed a property test on a loaded machine.
settings.register_profile("no-deadline", deadline=None)
settings.load_profile("no-deadline")


@pytest.fixture(autouse=True)
def isolated_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the library, cache and config folders at tmp_path so no test touches the user's files."""
    monkeypatch.setenv("MEDIACAT_LIBRARY", str(tmp_path / "library"))
    monkeypatch.setenv("MEDIACAT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("MEDIACAT_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    return tmp_path


@pytest.fixture
def library_dir(tmp_path: Path) -> Path:
    return tmp_path / "library"


@pytest.fixture
def library(library_dir: Path) -> Iterator[Library]:
    """The real shipped catalog in a fresh library folder."""
    from mediacat.core.library import Library

    lib = Library.open(library_dir)
    yield lib
    lib.close()


@pytest.fixture
def server() -> Iterator[MediaServer]:
    """A real HTTP server on 127.0.0.1 (tests/http_server.py); tests add the resources and faults they need."""
    from tests.http_server import MediaServer

    with MediaServer() as running:
        yield running


@pytest.fixture
def nasa_server(server: MediaServer) -> MediaServer:
    """The test server answering like the NASA Image Library API (tests/nasa_api.py) besides its own files."""
    from tests.nasa_api import install_nasa_api

    install_nasa_api(server)
    return server


@pytest.fixture
def nasa_app_server(nasa_server: MediaServer, monkeypatch: pytest.MonkeyPatch) -> MediaServer:
    """`nasa_server`, and the app and the CLI pointed at it (`MEDIACAT_NASA_API`) instead of NASA's."""
    monkeypatch.setenv("MEDIACAT_NASA_API", nasa_server.base_url)
    return nasa_server


PATIENT_WAIT_MS = 30_000


@pytest.fixture
def qtbot(qtbot: QtBot) -> QtBot:
    """pytest-qt's qtbot whose waits default to 30 s instead of 5 s.

    A wait ends as soon as its condition holds, so the longer default costs nothing when a test passes; it keeps
    a loaded two-core CI machine from failing a test that is only slow there. Waits given a timeout keep it."""
    for name in ("waitUntil", "waitSignal", "waitSignals", "waitCallback"):
        original = getattr(qtbot, name)

        def patient(*args: Any, _original: Callable[..., Any] = original, timeout: int = PATIENT_WAIT_MS,
                    **kwargs: Any) -> Any:
            return _original(*args, timeout=timeout, **kwargs)

        setattr(qtbot, name, patient)
    return qtbot
