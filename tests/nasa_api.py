"""Recorded-shape NASA Image and Video Library answers, served by tests/http_server.MediaServer."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from tests.http_server import MediaServer, Resource, jpeg_bytes, json_bytes, mp3_bytes, png_bytes

SPACED_ID = "50 Years of Mars Exploration "  # real NASA ids can end in a space


def _item(server: MediaServer, nasa_id: str, title: str, media_type: str = "image", **extra: Any) -> dict[str, Any]:
    encoded = quote(nasa_id)
    data = {
        "nasa_id": nasa_id,
        "title": title,
        "description": f"{title}. Credit: NASA/JPL-Caltech.",
        "media_type": media_type,
        "date_created": "2021-02-19T00:00:00Z",
        "center": "JPL",
        "keywords": ["Mars", "Perseverance"],
        **extra,
    }
    links = [{"href": server.url(f"/media/{media_type}/{encoded}/{encoded}~thumb.png"), "rel": "preview",
              "render": "image"}]
    return {
        "href": server.url(f"/media/{media_type}/{encoded}/collection.json"),
        "data": [data],
        "links": links,
    }


def _asset(server: MediaServer, nasa_id: str, media_type: str, names: list[str]) -> dict[str, Any]:
    encoded = quote(nasa_id)
    items = [{"href": server.url(f"/media/{media_type}/{encoded}/{encoded}~{name}")} for name in names]
    items.append({"href": server.url(f"/media/{media_type}/{encoded}/metadata.json")})
    return {"collection": {"version": "1.0", "href": server.url(f"/asset/{encoded}"), "items": items}}


def install_nasa_api(server: MediaServer) -> str:
    """Serve a small NASA API (search with two pages, asset manifests, media files); returns the base URL."""
    first = [
        _item(server, "PIA24428", "Perseverance Rover's Descent and Touchdown on Mars"),
        _item(server, "PIA24430", "Perseverance's First Full-Color Look at Mars", photographer="NASA/JPL"),
    ]
    second = [_item(server, SPACED_ID, "50 Years of Mars Exploration")]
    next_path = "/search?page=2&q=perseverance"
    page_one = {
        "collection": {
            "version": "1.0",
            "href": server.url("/search?q=perseverance"),
            "items": first,
            "metadata": {"total_hits": 3},
            "links": [{"rel": "next", "prompt": "Next", "href": server.url(next_path)}],
        }
    }
    page_two = {
        "collection": {
            "version": "1.0",
            "href": server.url(next_path),
            "items": second,
            "metadata": {"total_hits": 3},
            "links": [{"rel": "prev", "prompt": "Previous", "href": server.url("/search?page=1&q=perseverance")}],
        }
    }
    server.add("/search", Resource(body=json_bytes(page_one), content_type="application/json"))
    server.add(next_path, Resource(body=json_bytes(page_two), content_type="application/json"))
    empty = {"collection": {"version": "1.0", "items": [], "metadata": {"total_hits": 0}, "links": []}}
    server.add("/search?q=nothing%20at%20all", Resource(body=json_bytes(empty), content_type="application/json"))
    renditions = ["orig.jpg", "large.jpg", "medium.jpg", "small.jpg", "thumb.png"]
    for nasa_id in ("PIA24428", "PIA24430", SPACED_ID):
        encoded = quote(nasa_id)
        server.add(f"/asset/{quote(nasa_id, safe='')}",
                   Resource(body=json_bytes(_asset(server, nasa_id, "image", renditions)),
                            content_type="application/json"))
        for size, name in ((160, "orig.jpg"), (120, "large.jpg"), (80, "medium.jpg"), (40, "small.jpg")):
            server.add(f"/media/image/{encoded}/{encoded}~{name}",
                       Resource(body=jpeg_bytes(size, size * 3 // 4), content_type="image/jpeg"))
        server.add(f"/media/image/{encoded}/{encoded}~thumb.png", Resource(body=png_bytes(), content_type="image/png"))
    wind = "PIA24495"
    server.add(f"/asset/{wind}", Resource(body=json_bytes(_asset(server, wind, "audio", ["orig.mp3", "128k.mp3"])),
                                          content_type="application/json"))
    server.add(f"/media/audio/{wind}/{wind}~orig.mp3", Resource(body=mp3_bytes(), content_type="audio/mpeg"))
    server.add("/asset/NOPE", Resource(status=404, body=json_bytes({"reason": "No asset found for NOPE"}),
                                       content_type="application/json"))
    server.add("/broken/search", Resource(status=400, body=json_bytes({"reason": "Invalid search parameters"}),
                                          content_type="application/json"))
    server.add("/garbage/search", Resource(body=b"<html>maintenance</html>", content_type="text/html"))
    return server.base_url
