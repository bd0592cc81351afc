"""MediaCat: a desktop catalog of the media of NASA's Perseverance rover landing on Mars."""

__version__ = "0.1.0"
APP_NAME = "MediaCat"
