"""The shipped seed catalog (`seeds/catalog.json` + `seeds/articles/*.txt`): loading, checking, applying.

Applying updates only seed-owned fields (titles, descriptions, sources ...) and never user data: tags,
notes and attachments survive every seed update. A seed item that disappears is removed only when no user
data hangs on it; otherwise it stays, marked `origin = 'seed-retired'`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mediacat.core import events
from mediacat.core.errors import SeedError
from mediacat.core.model import BUILTIN_RELATIONS, KINDS, MEDIA_TYPES
from mediacat.core.store import Store
from mediacat.core.user_items import reapply_overrides

SEED_FORMAT = 1
CATALOG_FILE = "catalog.json"
BUILTIN_MEDIA_FILE = "builtin_media.json"  # the manifest of the shipped NASA files (seeds/media/)


@dataclass(frozen=True)
class SeedCatalog:
    version: str
    digest: str
    phases: list[dict[str, Any]]
    articles: list[dict[str, Any]]  # each with "text"
    items: list[dict[str, Any]]
    builtin_media: list[dict[str, Any]] = field(default_factory=list)  # seeds/builtin_media.json "files"


@dataclass(frozen=True)
class SeedReport:
    applied: bool
    version: str
    items_added: int = 0
    items_updated: int = 0
    items_removed: int = 0
    items_retired: int = 0


def load_seed_catalog(seeds_dir: Path) -> SeedCatalog:
    catalog_path = seeds_dir / CATALOG_FILE
    try:
        raw = catalog_path.read_bytes()
    except OSError as error:
        raise SeedError(f"{catalog_path}: cannot read the seed catalog ({error.strerror or error})") from error
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SeedError(f"{catalog_path}: not valid UTF-8 JSON ({error})") from error
    if data.get("format") != SEED_FORMAT:
        raise SeedError(f"{catalog_path}: format {data.get('format')!r} is not {SEED_FORMAT}")
    digest = hashlib.sha256(raw)
    articles = []
    for article in _list(data, "articles", catalog_path):
        text_path = seeds_dir / _field(article, "file", catalog_path)
        try:
            text_bytes = text_path.read_bytes()
            text = text_bytes.decode("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise SeedError(f"{text_path}: cannot read the article text ({error})") from error
        digest.update(text_bytes)
        articles.append({**article, "text": text})
    phases = _list(data, "mission_phases", catalog_path)
    items = _list(data, "items", catalog_path)
    _check(catalog_path, phases, articles, items)
    builtin = _load_builtin_media(seeds_dir, {item["id"] for item in items}, digest)
    return SeedCatalog(str(data.get("version", "")), digest.hexdigest(), phases, articles, items, builtin)


_BUILTIN_FIELDS = ("item_id", "file", "sha256", "bytes", "media_type", "mime", "relation", "label", "credit")


def _load_builtin_media(seeds_dir: Path, item_ids: set[str], digest: Any) -> list[dict[str, Any]]:
    """The built-in media manifest (optional): each file must exist with the size it names.

    The files' SHA-256 is checked by the tests and by `check`, not on every open (that would hash them all).
    """
    manifest = seeds_dir / BUILTIN_MEDIA_FILE
    if not manifest.exists():
        return []
    try:
        raw = manifest.read_bytes()
        data = json.loads(raw.decode("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SeedError(f"{manifest}: cannot read the built-in media manifest ({error})") from error
    if data.get("format") != SEED_FORMAT:
        raise SeedError(f"{manifest}: format {data.get('format')!r} is not {SEED_FORMAT}")
    digest.update(raw)
    files = _list(data, "files", manifest)
    for entry in files:
        for key in _BUILTIN_FIELDS:
            _field(entry, key, manifest)
        if entry["item_id"] not in item_ids:
            raise SeedError(f"{manifest}: {entry['file']!r} belongs to unknown item {entry['item_id']!r}")
        if entry["relation"] not in BUILTIN_RELATIONS:
            raise SeedError(f"{manifest}: {entry['file']!r} has relation {entry['relation']!r}")
        path = seeds_dir / entry["file"]
        try:
            size = path.stat().st_size
        except OSError as error:
            raise SeedError(f"{path}: the built-in media file is missing ({error.strerror or error})") from error
        if size != entry["bytes"]:
            raise SeedError(f"{path}: {size} bytes, but the manifest says {entry['bytes']}")
    return files


def _list(data: dict[str, Any], key: str, path: Path) -> list[dict[str, Any]]:
    value = data.get(key)
    if not isinstance(value, list):
        raise SeedError(f"{path}: {key!r} must be a list")
    return value


def _field(record: dict[str, Any], key: str, path: Path) -> Any:
    if key not in record:
        raise SeedError(f"{path}: {record.get('id', record)!r} has no {key!r}")
    return record[key]


def _check(path: Path, phases: list, articles: list, items: list) -> None:
    phase_ids = {_field(phase, "id", path) for phase in phases}
    article_ids = {_field(article, "id", path) for article in articles}
    texts = {article["id"]: article["text"] for article in articles}
    seen: set[str] = set()
    for item in items:
        item_id = _field(item, "id", path)
        if item_id in seen:
            raise SeedError(f"{path}: item id {item_id!r} appears twice")
        seen.add(item_id)
        if _field(item, "media_type", path) not in MEDIA_TYPES:
            raise SeedError(f"{path}: item {item_id!r} has media_type {item['media_type']!r}")
        if _field(item, "kind", path) not in KINDS:
            raise SeedError(f"{path}: item {item_id!r} has kind {item['kind']!r}")
        phase = item.get("mission_phase")
        if phase is not None and phase not in phase_ids:
            raise SeedError(f"{path}: item {item_id!r} has unknown mission_phase {phase!r}")
        for source in item.get("sources", []):
            article_id = _field(source, "article", path)
            if article_id not in article_ids:
                raise SeedError(f"{path}: item {item_id!r} cites unknown article {article_id!r}")
            if source["quote"] not in texts[article_id]:
                raise SeedError(f"{path}: item {item_id!r}: quote not found in {article_id!r}: {source['quote']!r}")


def apply_seed_catalog(store: Store, catalog: SeedCatalog) -> SeedReport:
    """Bring the store's seed fields up to `catalog` in one transaction (no-op when already applied)."""
    if store.get_meta("seed_digest") == catalog.digest:
        return SeedReport(applied=False, version=catalog.version)
    added = updated = removed = retired = 0
    with store.transaction() as conn:
        for position, phase in enumerate(catalog.phases):
            conn.execute(
                "INSERT INTO mission_phases(id, label, position, description) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET label = excluded.label, position = excluded.position, "
                "description = excluded.description",
                (phase["id"], phase["label"], position, phase.get("description", "")),
            )
        phase_ids = [phase["id"] for phase in catalog.phases]
        conn.execute(
            f"DELETE FROM mission_phases WHERE id NOT IN ({_marks(phase_ids)})", phase_ids
        )
        for article in catalog.articles:
            conn.execute(
                "INSERT INTO articles(id, outlet, title, date, author, url, text) VALUES (?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET outlet = excluded.outlet, title = excluded.title, "
                "date = excluded.date, author = excluded.author, url = excluded.url, text = excluded.text",
                (
                    article["id"],
                    article["outlet"],
                    article["title"],
                    article["date"],
                    article.get("author") or "unknown",
                    article.get("url"),
                    article["text"],
                ),
            )
        existing = {row[0] for row in conn.execute("SELECT id FROM items WHERE origin LIKE 'seed%'")}
        for position, item in enumerate(catalog.items):
            if item["id"] in existing:
                updated += 1
            else:
                added += 1
            conn.execute(
                """INSERT INTO items(id, title, media_type, kind, camera, date_taken, mission_phase, credit,
                       description, nasa_ids, official_urls, media_urls, origin, seed_position)
                   VALUES (:id, :title, :media_type, :kind, :camera, :date_taken, :mission_phase, :credit,
                       :description, :nasa_ids, :official_urls, :media_urls, 'seed', :position)
                   ON CONFLICT(id) DO UPDATE SET title = excluded.title, media_type = excluded.media_type,
                       kind = excluded.kind, camera = excluded.camera, date_taken = excluded.date_taken,
                       mission_phase = excluded.mission_phase, credit = excluded.credit,
                       description = excluded.description, nasa_ids = excluded.nasa_ids,
                       official_urls = excluded.official_urls, media_urls = excluded.media_urls,
                       origin = 'seed', seed_position = excluded.seed_position,
                       updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')""",
                {
                    "id": item["id"],
                    "title": item["title"],
                    "media_type": item["media_type"],
                    "kind": item["kind"],
                    "camera": item.get("camera"),
                    "date_taken": item.get("date_taken"),
                    "mission_phase": item.get("mission_phase"),
                    "credit": item.get("credit"),
                    "description": item.get("description", ""),
                    "nasa_ids": json.dumps(item.get("nasa_ids", [])),
                    "official_urls": json.dumps(item.get("official_urls", [])),
                    "media_urls": json.dumps(item.get("media_urls", [])),
                    "position": position,
                },
            )
            conn.execute("DELETE FROM source_links WHERE item_id = ?", (item["id"],))
            conn.executemany(
                "INSERT INTO source_links(item_id, position, article_id, quote) VALUES (?, ?, ?, ?)",
                [
                    (item["id"], index, source["article"], source["quote"])
                    for index, source in enumerate(item.get("sources", []))
                ],
            )
        conn.execute("DELETE FROM builtin_media")
        positions: dict[str, int] = {}
        for media in catalog.builtin_media:
            position = positions.get(media["item_id"], 0)
            positions[media["item_id"]] = position + 1
            conn.execute(
                """INSERT INTO builtin_media(item_id, position, path, sha256, size, relation, label, credit,
                       width, height, media_type, mime, shows, confidence, source)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (media["item_id"], position, media["file"], media["sha256"], media["bytes"], media["relation"],
                 media["label"], media["credit"], media.get("width"), media.get("height"), media["media_type"],
                 media["mime"], media.get("shows", ""), media.get("confidence", ""),
                 json.dumps(media.get("source", {}), ensure_ascii=False)),
            )
        gone = existing - {item["id"] for item in catalog.items}
        for item_id in sorted(gone):
            has_user_data = conn.execute(
                """SELECT (SELECT notes FROM items WHERE id = :id) != ''
                       OR EXISTS (SELECT 1 FROM item_tags WHERE item_id = :id)
                       OR EXISTS (SELECT 1 FROM attachments WHERE item_id = :id)
                       OR EXISTS (SELECT 1 FROM item_overrides WHERE item_id = :id)""",
                {"id": item_id},
            ).fetchone()[0]
            if has_user_data:
                conn.execute("UPDATE items SET origin = 'seed-retired' WHERE id = ?", (item_id,))
                retired += 1
            else:
                conn.execute("DELETE FROM items WHERE id = ?", (item_id,))
                removed += 1
        reapply_overrides(conn)  # the user's corrections of seed facts survive the update
        article_ids = [article["id"] for article in catalog.articles]
        conn.execute(f"DELETE FROM articles WHERE id NOT IN ({_marks(article_ids)})", article_ids)
        events.record(conn, "seed-update", version=catalog.version, added=added, updated=updated, removed=removed,
                      retired=retired, summary=f"catalog {catalog.version}: {added} added, {updated} updated, "
                      f"{removed} removed, {retired} retired")
        store.set_meta("seed_digest", catalog.digest)
        store.set_meta("seed_version", catalog.version)
    return SeedReport(True, catalog.version, added, updated, removed, retired)


def _marks(values: list) -> str:
    return ", ".join("?" * len(values)) or "NULL"
