"""Child processes for the crash tests: write to a library, and die by SIGKILL at a chosen moment or whenever.

`python -m tests.reliability.crash_child point LIBRARY POINT SOURCE`: attach or detach one file and SIGKILL
itself at POINT (one of `POINTS`), so each window between a file operation and a commit is hit exactly.

`python -m tests.reliability.crash_child point LIBRARY IMPORT_POINT FOLDER`: import a folder of files (one batch,
`attach_paths`) and SIGKILL itself at IMPORT_POINT (one of `IMPORT_POINTS`).

`python -m tests.reliability.crash_child random LIBRARY LOG SEED SOURCES...`: run random writes (attach copy
and link, a folder import, tag, note, import-csv, detach with and without deleting the copy) until killed
from outside. Before
each write it appends `{"start": ...}` to LOG and after it `{"ack": ...}` (each line fsynced), so the parent
knows what was acknowledged and which single write was in flight when the kill came.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import sys
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from mediacat.core import attachments as attach_module
from mediacat.core.attachments import attach_file, attach_paths, detach
from mediacat.core.csv_import import apply_import, read_import
from mediacat.core.library import Library
from mediacat.core.store import connection
from mediacat.core.tags import add_tags, remove_tags, set_note

ITEMS = ("skycrane-still", "hazcam-first-frames", "mars-wind-audio-original")
TAGS = ("edl", "rover", "sound", "first")
POINTS = (
    "attach-before-commit",  # the copy is a temporary file; the row not yet committed
    "attach-after-commit",  # the row is committed; the file not yet renamed into media/
    "detach-before-commit",  # the managed copy renamed away; the row's deletion not yet committed
    "detach-after-commit",  # the row's deletion committed; the renamed copy not yet deleted
)
IMPORT_POINTS = (
    "import-before-commit",  # every file of the batch a temporary file; no row committed
    "import-after-commit",  # the batch's rows committed; no file renamed into media/ yet
    "import-mid-place",  # the rows committed; some files renamed into media/, the others still temporary
)


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _commit_hook(when: str) -> None:
    """SIGKILL this process just before or just after the next top-level COMMIT."""
    original = connection.Store.transaction

    def transaction(self: connection.Store) -> AbstractContextManager[sqlite3.Connection]:
        class Wrapped(AbstractContextManager[sqlite3.Connection]):
            def __enter__(inner) -> sqlite3.Connection:
                inner.context = original(self)
                return inner.context.__enter__()

            def __exit__(inner, *exc: Any) -> bool | None:
                if exc[0] is None and self._depth == 1 and when == "before":
                    die()
                result = inner.context.__exit__(*exc)
                if exc[0] is None and self._depth == 0 and when == "after":
                    die()
                return result

        return Wrapped()

    # a plain context manager where the method is a generator one: the same protocol, so the ignore
    connection.Store.transaction = transaction  # type: ignore[method-assign, assignment]


def _kill_at_rename(number: int) -> None:
    """SIGKILL this process just after its `number`-th rename of a temporary file into `media/`."""
    original = os.replace
    renames = 0

    def replace(source: str | os.PathLike[str], destination: str | os.PathLike[str]) -> None:
        nonlocal renames
        original(source, destination)
        if ".incoming" not in str(destination):
            renames += 1
            if renames == number:
                die()

    os.replace = replace  # type: ignore[assignment]


def run_point(library_dir: Path, point: str, source: Path) -> None:
    with Library.open(library_dir) as library:
        if point.startswith("import"):
            if point == "import-mid-place":
                _kill_at_rename(2)
            else:
                _commit_hook("before" if point.endswith("before-commit") else "after")
            attach_paths(library, ITEMS[0], [source])
        elif point.startswith("attach"):
            _commit_hook("before" if point.endswith("before-commit") else "after")
            attach_file(library, ITEMS[0], source)
        else:
            attachment = attach_file(library, ITEMS[0], source).attachment
            print(json.dumps({"attachment_id": attachment.id}), flush=True)
            _commit_hook("before" if point.endswith("before-commit") else "after")
            detach(library, attachment.id, delete_managed_copy=True)
    raise SystemExit("the kill point was never reached")


class Log:
    def __init__(self, path: Path) -> None:
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def write(self, record: dict[str, Any]) -> None:
        os.write(self.fd, (json.dumps(record) + "\n").encode())
        os.fsync(self.fd)


def run_random(library_dir: Path, log_path: Path, seed: int, sources: list[Path]) -> None:
    rng = random.Random(seed)
    log = Log(log_path)
    with Library.open(library_dir) as library:
        step = 0
        while True:
            step += 1
            op = random_op(rng, library, sources, library_dir, step)
            if op is None:
                continue
            log.write({"start": op})
            result = _apply(library, op, library_dir)
            log.write({"ack": {**op, **result}})


def random_op(rng: random.Random, library: Library, sources: list[Path], library_dir: Path,
               step: int) -> dict[str, Any] | None:
    kind = rng.choice(("attach", "attach", "link", "folder", "tag", "untag", "note", "import", "detach",
                       "detach-delete"))
    item = rng.choice(ITEMS)
    if kind == "folder":  # three new files (bytes after the JPEG's end), imported as one batch
        folder = library_dir.parent / "made" / f"folder-{os.getpid()}-{step}"
        folder.mkdir(parents=True)
        jpeg = next(s for s in sources if s.suffix == ".jpg")
        for n in range(3):
            (folder / f"file-{n}.jpg").write_bytes(jpeg.read_bytes() + f"{os.getpid()}-{step}-{n}".encode())
        return {"op": kind, "item": item, "folder": str(folder)}
    if kind in ("attach", "link"):
        source = rng.choice(sources)
        if source.suffix == ".jpg" and rng.random() < 0.7:  # new content (bytes after the JPEG's end), so
            unique = library_dir.parent / "made" / f"{os.getpid()}-{step}.jpg"  # the copy is not a reuse
            unique.parent.mkdir(exist_ok=True)
            unique.write_bytes(source.read_bytes() + f"{os.getpid()}-{step}".encode())
            source = unique
        return {"op": kind, "item": item, "file": str(source)}
    if kind in ("tag", "untag"):
        return {"op": kind, "item": item, "tag": rng.choice(TAGS)}
    if kind == "note":
        return {"op": "note", "item": item, "note": f"note {step}\nline two {rng.random()}"}
    if kind == "import":
        return {"op": "import", "item": item, "note": f"imported {step}", "tags": rng.sample(TAGS, 2)}
    ids = [row[0] for row in library.store.execute("SELECT id FROM attachments ORDER BY id")]
    if not ids:
        return None
    return {"op": kind, "attachment_id": rng.choice(ids)}


def _apply(library: Library, op: dict[str, Any], library_dir: Path) -> dict[str, Any]:
    kind = op["op"]
    if kind in ("attach", "link"):
        result = attach_file(library, op["item"], op["file"], mode="copy" if kind == "attach" else "link",
                             allow_duplicate=True)
        return {"attachment_id": result.attachment.id, "path": result.attachment.path}
    if kind == "folder":
        report = attach_paths(library, op["item"], [op["folder"]], allow_duplicate=True)
        assert report.ok, report.failures
        return {"attachments": [[r.attachment.id, r.attachment.path] for r in report.attached]}
    if kind == "tag":
        add_tags(library, [op["item"]], [op["tag"]])
    elif kind == "untag":
        remove_tags(library, [op["item"]], [op["tag"]])
    elif kind == "note":
        set_note(library, op["item"], op["note"])
    elif kind == "import":
        csv_path = library_dir.parent / f"import-{os.getpid()}.csv"
        csv_path.write_text(f"id,tags,notes\n{op['item']},{'; '.join(op['tags'])},{op['note']}\n", encoding="utf-8")
        apply_import(library, read_import(library, csv_path))
    else:
        detach(library, op["attachment_id"], delete_managed_copy=kind == "detach-delete")
    return {}


def main(argv: list[str]) -> None:
    if argv[0] == "point":
        run_point(Path(argv[1]), argv[2], Path(argv[3]))
    else:
        run_random(Path(argv[1]), Path(argv[2]), int(argv[3]), [Path(p) for p in argv[4:]])


if __name__ == "__main__":
    assert attach_module  # imported so the whole attach path is loaded before the first kill
    main(sys.argv[1:])
