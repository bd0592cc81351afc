"""A small seed catalog written by the tests, for exercising seed updates without the shipped one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ARTICLE_TEXT = "The rover landed. A camera aboard the descent stage captured this shot.\nWind was heard.\n"


def write_seeds(folder: Path, *, items: list[dict[str, Any]] | None = None, version: str = "1") -> Path:
    (folder / "articles").mkdir(parents=True, exist_ok=True)
    (folder / "articles" / "paper-2021-02-19.txt").write_text(ARTICLE_TEXT, encoding="utf-8")
    catalog = {
        "format": 1,
        "version": version,
        "mission_phases": [
            {"id": "skycrane", "label": "Sky crane"},
            {"id": "surface-operations", "label": "Surface operations"},
        ],
        "articles": [
            {
                "id": "paper-2021-02-19",
                "file": "articles/paper-2021-02-19.txt",
                "outlet": "The Paper",
                "title": "Rover lands",
                "date": "2021-02-19",
                "author": "unknown",
                "url": None,
            }
        ],
        "items": items if items is not None else default_items(),
    }
    (folder / "catalog.json").write_text(json.dumps(catalog, indent=2), encoding="utf-8")
    return folder


def default_items() -> list[dict[str, Any]]:
    return [
        {
            "id": "skycrane-still",
            "title": "Sky crane still",
            "media_type": "image",
            "kind": "still",
            "camera": "Descent Stage Down-Look Camera",
            "date_taken": "2021-02-18",
            "mission_phase": "skycrane",
            "credit": "NASA/JPL-Caltech",
            "description": "The rover dangling below the descent stage.",
            "nasa_ids": ["PIA24428"],
            "official_urls": ["https://images.nasa.gov/details/PIA24428"],
            "media_urls": [],
            "sources": [
                {"article": "paper-2021-02-19", "quote": "A camera aboard the descent stage captured this shot."}
            ],
        },
        {
            "id": "wind-audio",
            "title": "Wind on Mars",
            "media_type": "audio",
            "kind": "recording",
            "camera": "EDL microphone",
            "date_taken": "2021-02-20",
            "mission_phase": "surface-operations",
            "credit": "NASA/JPL-Caltech",
            "description": "A gust of wind.",
            "sources": [{"article": "paper-2021-02-19", "quote": "Wind was heard."}],
        },
    ]
