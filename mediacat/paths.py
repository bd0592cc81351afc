"""Every folder MediaCat uses: library, managed media, cache, config, and the shipped seeds/resources.

The library folder comes from `--library DIR`, else the MEDIACAT_LIBRARY environment variable, else the
platformdirs user data folder. The cache and config folders follow platformdirs, overridable with
MEDIACAT_CACHE_DIR and MEDIACAT_CONFIG_DIR so tests point everything at a temporary folder.
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_SLUG = "mediacat"
LIBRARY_ENV = "MEDIACAT_LIBRARY"
CACHE_ENV = "MEDIACAT_CACHE_DIR"
CONFIG_ENV = "MEDIACAT_CONFIG_DIR"
DATABASE_NAME = "mediacat.sqlite3"


@dataclass(frozen=True)
class LibraryPaths:
    """The layout of one library folder."""

    root: Path

    @property
    def database(self) -> Path:
        return self.root / DATABASE_NAME

    @property
    def media(self) -> Path:
        """Managed copies of attached files, named by content hash."""
        return self.root / "media"

    @property
    def incoming(self) -> Path:
        """Downloads in progress (`.part` files); on the same file system as `media` for atomic renames."""
        return self.root / "media" / ".incoming"


def default_library_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_SLUG, appauthor=False))


def resolve_library_dir(option: str | os.PathLike[str] | None = None) -> Path:
    """The library folder: the command-line option, then $MEDIACAT_LIBRARY, then the user data folder."""
    if option:
        return Path(option).expanduser()
    env = os.environ.get(LIBRARY_ENV)
    if env:
        return Path(env).expanduser()
    return default_library_dir()


def cache_dir() -> Path:
    env = os.environ.get(CACHE_ENV)
    return Path(env).expanduser() if env else Path(platformdirs.user_cache_dir(APP_SLUG, appauthor=False))


def config_dir() -> Path:
    env = os.environ.get(CONFIG_ENV)
    return Path(env).expanduser() if env else Path(platformdirs.user_config_dir(APP_SLUG, appauthor=False))


def seeds_dir() -> Path:
    """The shipped seed catalog (top-level `seeds/` in the source tree, `mediacat._seeds` when installed)."""
    return _package_dir("mediacat._seeds", "seeds")


def resources_dir() -> Path:
    """Icons and desktop files (top-level `resources/`, `mediacat._resources` when installed)."""
    return _package_dir("mediacat._resources", "resources")


def _package_dir(package: str, source_folder: str) -> Path:
    """The folder of a data package (no `__init__.py`, so found by its spec), else the source tree's folder."""
    try:
        spec = importlib.util.find_spec(package)
    except ModuleNotFoundError:
        spec = None
    for location in (spec.submodule_search_locations or []) if spec else []:
        if Path(location).is_dir():
            return Path(location)
    return Path(__file__).resolve().parent.parent / source_folder
