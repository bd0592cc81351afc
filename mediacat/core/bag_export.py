"""Export a selection of items as a BagIt bag (RFC 8493), made and checked with the Library of Congress `bagit`.

The bag:
    bagit.txt, bag-info.txt (Source-Organization, Bagging-Date, Payload-Oxum, External-Description,
    External-Identifier, MediaCat-Bag-Format ...), manifest-sha256.txt, tagmanifest-sha256.txt
    data/media/<item id>/<name>       a copy of every attached file (names made safe and unique)
    data/metadata/catalog.json        the items as `show --json` prints them, each attachment with `bag_path`
    data/metadata/catalog.csv         the default CSV profile; catalog-dublin-core.csv the Dublin Core one
    data/metadata/events.json         the event log of those items (oldest first)
    data/articles/<article id>.txt    the source articles' text; data/articles/articles.json their details

Every file is copied while hashed and must still be the file that was attached: a missing or modified file
(a linked original that moved, say) refuses the whole bag with a message naming it. The bag is built in a
hidden folder beside the target, validated by `bagit`, then renamed into place, so a failed export leaves
nothing. The manifests are written here from the hashes taken while copying (`bagit.make_bag` would hash
every file a second time and changes the process's working folder, which a GUI worker thread must not do).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import unicodedata
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import bagit

from mediacat import __version__
from mediacat.core.csv_export import export_csv
from mediacat.core.errors import MediaCatError
from mediacat.core.events import events
from mediacat.core.jobs import Job
from mediacat.core.library import Library
from mediacat.core.model import Attachment
from mediacat.core.probe import display_path

BAG_FORMAT = "1"
CHUNK = 1 << 20


class BagError(MediaCatError):
    """A bag that cannot be made or read (the message names the file or the item)."""


@dataclass(frozen=True)
class BagReport:
    path: Path
    items: int
    files: int
    bytes: int
    events: int


def safe_name(name: str, *, limit: int = 120) -> str:
    """A file name any file system and archive accepts: ASCII letters, digits, '.', '-', '_'."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._") or "file"
    if len(text) > limit:
        stem, dot, suffix = text.rpartition(".")
        text = (stem[: limit - len(suffix) - 1] + dot + suffix) if dot and len(suffix) < 10 else text[:limit]
    return text


def _unique(name: str, taken: set[str]) -> str:
    candidate, number = name, 1
    stem, dot, suffix = name.rpartition(".")
    while candidate.lower() in taken:
        number += 1
        candidate = f"{stem}-{number}{dot}{suffix}" if dot else f"{name}-{number}"
    taken.add(candidate.lower())
    return candidate


def export_bag(
    library: Library,
    item_ids: Sequence[str],
    target: str | os.PathLike[str],
    *,
    source_organization: str | None = None,
    description: str | None = None,
    include_builtin: bool = False,
    job: Job | None = None,
) -> BagReport:
    """Write the items (with their files, articles and events) as a valid bag at `target` (a new folder).

    `include_builtin`: also copy the NASA files shipped with the catalog for those items (checked against their
    manifest's SHA-256), under data/media/<item>/builtin/."""
    job = job or Job()
    target = Path(target)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BagError(f"{display_path(target)}: already exists and is not an empty folder; choose a new folder")
    ids = list(dict.fromkeys(item_ids))
    if not ids:
        raise BagError("nothing to export: the selection has no items")
    items = library.items(ids)
    _refuse_unusable_files(items_attachments := [a for item in items for a in item.attachments])
    parent = target.parent if str(target.parent) else Path(".")
    parent.mkdir(parents=True, exist_ok=True)
    staging = parent / f".{target.name}.bag-{uuid.uuid4().hex[:8]}"
    (staging / "data").mkdir(parents=True)
    try:
        builtin = [media for item in items for media in item.builtin_media] if include_builtin else []
        payload = _write_payload(library, items, staging / "data", job, len(items_attachments) + len(builtin),
                                 include_builtin=include_builtin)
        log = events(library, item_ids=ids)
        payload.add(_write_json(staging / "data" / "metadata" / "events.json", [e.to_json() for e in log]))
        files = len(items_attachments) + len(builtin)
        job.check()
        info = {
            "Source-Organization": source_organization or "MediaCat user",
            "External-Description": description or (
                f"{len(items)} items of the MediaCat catalog of NASA's Perseverance rover landing on Mars "
                f"(18 February 2021), with {files} media files, their source articles and event log"),
            "External-Identifier": f"mediacat-bag-{uuid.uuid4()}",
            "MediaCat-Bag-Format": BAG_FORMAT,
            "MediaCat-Version": __version__,
            "Bag-Count": "1 of 1",
        }
        job.report(files, files, "writing manifests")
        _write_bag_files(staging, payload, info)
        job.check()
        bagit.Bag(str(staging)).validate()
        if target.exists():
            target.rmdir()
        os.replace(staging, target)
    except bagit.BagError as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise BagError(f"{display_path(target)}: the bag did not validate ({error})") from error
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise BagError(f"{display_path(target)}: cannot write the bag ({error.strerror or error})") from error
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return BagReport(target, len(items), files, payload.media_bytes, len(log))


def _refuse_unusable_files(attachments: list[Attachment]) -> None:
    for attachment in attachments:
        path = Path(attachment.resolved_path)
        if not path.is_file():
            raise BagError(
                f"{display_path(path)}: attachment #{attachment.id} of {attachment.item_id!r} is missing "
                f"(a {'linked file' if attachment.mode == 'link' else 'managed copy'} that went away); relink it "
                "or leave the item out; no bag was made")


class _Payload:
    """Every payload file written: its path under data/, SHA-256 and size (for the manifest and Payload-Oxum)."""

    def __init__(self, data: Path) -> None:
        self.data = data
        self.files: dict[str, tuple[str, int]] = {}
        self.media_bytes = 0

    def add(self, path: Path, sha256: str | None = None, size: int | None = None) -> None:
        if sha256 is None or size is None:
            sha256, size = _hash(path)
        self.files[path.relative_to(self.data).as_posix()] = (sha256, size)


def _hash(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as reader:
        while chunk := reader.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _write_payload(library: Library, items: list[Any], staging: Path, job: Job, count: int, *,
                   include_builtin: bool = False) -> _Payload:
    payload = _Payload(staging)
    catalog: list[dict[str, Any]] = []
    files = 0
    article_ids: list[str] = []
    for item in items:
        data = item.to_json()
        folder_name = safe_name(item.id)
        taken: set[str] = set()
        for attachment, entry in zip(item.attachments, data["attachments"], strict=True):
            job.check()
            job.report(files, count, display_path(Path(attachment.resolved_path).name))
            name = _unique(safe_name(attachment.original_name), taken)
            relative = Path("media") / folder_name / name
            size = _copy_checked(attachment, staging / relative, job)
            payload.add(staging / relative, attachment.sha256, size)
            payload.media_bytes += size
            entry["bag_path"] = f"data/{relative.as_posix()}"
            files += 1
        if include_builtin:
            for media, entry in zip(item.builtin_media, data["builtin_media"], strict=True):
                job.check()
                name = _unique(safe_name(Path(media.path).name), taken)
                relative = Path("media") / folder_name / "builtin" / name
                size = _copy_verified(Path(media.path), staging / relative, media.sha256, job,
                                      f"the built-in file of {item.id!r}")
                payload.add(staging / relative, media.sha256, size)
                payload.media_bytes += size
                entry["bag_path"] = f"data/{relative.as_posix()}"
                files += 1
        article_ids += [source.article_id for source in item.sources]
        catalog.append(data)
    payload.add(_write_json(staging / "metadata" / "catalog.json",
                            {"format": BAG_FORMAT, "program": "mediacat", "version": __version__, "items": catalog}))
    ids = [item.id for item in items]
    for name, profile in (("catalog.csv", "default"), ("catalog-dublin-core.csv", "dublin-core")):
        export_csv(library, ids, staging / "metadata" / name, profile=profile, job=job)
        payload.add(staging / "metadata" / name)
    articles = []
    for article_id in dict.fromkeys(article_ids):
        article = library.article(article_id)
        (staging / "articles").mkdir(exist_ok=True)
        file_name = f"{safe_name(article.id)}.txt"
        (staging / "articles" / file_name).write_text(article.text, encoding="utf-8")
        payload.add(staging / "articles" / file_name)
        articles.append({**article.to_json(), "bag_path": f"data/articles/{file_name}"})
    payload.add(_write_json(staging / "articles" / "articles.json", articles))
    return payload


def _write_bag_files(bag: Path, payload: _Payload, info: dict[str, str]) -> None:
    """bagit.txt, bag-info.txt, manifest-sha256.txt and tagmanifest-sha256.txt (RFC 8493 sections 2.1-2.2)."""
    lines = [f"{sha}  data/{_manifest_path(path)}\n" for path, (sha, _size) in sorted(payload.files.items())]
    (bag / "manifest-sha256.txt").write_text("".join(lines), encoding="utf-8")
    (bag / "bagit.txt").write_text("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n", encoding="utf-8")
    octets = sum(size for _sha, size in payload.files.values())
    fields = {
        **info,
        "Bagging-Date": date.today().isoformat(),
        "Payload-Oxum": f"{octets}.{len(payload.files)}",
        "Bag-Software-Agent": f"MediaCat {__version__} (bagit {bagit.VERSION} validates)",
    }
    text = "".join(f"{key}: {' '.join(str(value).split())}\n" for key, value in sorted(fields.items()))
    (bag / "bag-info.txt").write_text(text, encoding="utf-8")
    tags = [f"{_hash(bag / name)[0]}  {name}\n" for name in ("bag-info.txt", "bagit.txt", "manifest-sha256.txt")]
    (bag / "tagmanifest-sha256.txt").write_text("".join(tags), encoding="utf-8")


def _manifest_path(path: str) -> str:
    """RFC 8493 2.1.3: CR, LF and % in a file name are percent-encoded (safe_name never makes them)."""
    return path.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _copy_checked(attachment: Attachment, destination: Path, job: Job) -> int:
    """Copy an attachment while hashing; the copy must have the attached content (else BagError naming it)."""
    return _copy_verified(Path(attachment.resolved_path), destination, attachment.sha256, job,
                          f"attachment #{attachment.id} of {attachment.item_id!r}", recorded="attached")


def _copy_verified(source: Path, destination: Path, sha256: str, job: Job, what: str, *,
                   recorded: str = "shipped") -> int:
    """Copy `source` while hashing; it must have the content `sha256` names (else BagError naming `what`)."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    try:
        with open(source, "rb") as reader, open(destination, "wb") as writer:
            while chunk := reader.read(CHUNK):
                job.check()
                digest.update(chunk)
                writer.write(chunk)
                size += len(chunk)
    except FileNotFoundError as error:
        raise BagError(f"{display_path(source)}: {what} is missing; relink it or leave the item out; "
                       "no bag was made") from error
    except OSError as error:
        if error.filename == str(destination):
            raise
        raise BagError(f"{display_path(source)}: cannot read {what} ({error.strerror or error}); "
                       "no bag was made") from error
    if digest.hexdigest() != sha256:
        with contextlib.suppress(OSError):
            destination.unlink()
        raise BagError(f"{display_path(source)}: {what} was modified since it was {recorded} (different SHA-256); "
                       "check it, then relink or re-attach it; no bag was made")
    return size


def _write_json(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path
