"""Crash-harness rounds whose kills hit real `mediacat` CLI processes, while the app's connections stay open.

Each round the parent runs one CLI command after another (`note`, `tag`, `attach` copy and `--link`,
`detach` with and without `--delete-copy`, `import-csv`, `fetch-media` from a mirror on a local MediaServer)
and SIGKILLs the running one at a random moment. Meanwhile the app's writing connection keeps saving a note
and a worker-like reading connection, opened for the round and closed at its end, keeps reading: the app and
the terminal on one library at once (issue 13, item 0). A command's exit status 0 is its acknowledgement; the
killed one is the write in flight, as in the in-process rounds, so `harness.check_round` judges both.
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from PIL import Image

from mediacat.core.library import Library
from mediacat.core.tags import set_note
from tests.http_server import MediaServer, Resource, json_bytes
from tests.reliability.crash_child import random_op
from tests.reliability.invariants import REPO

FETCHED = {"skycrane-still": "PIA24428", "hirise-parachute-descent": "PIA24270"}  # items with a NASA id
_ATTACHED = re.compile(r"^attached .* as #(\d+) \(")  # `attached FILE to ITEM as #7 (copy, ...)`


def serve_public_media(server: MediaServer, folder: Path) -> str:
    """Serve the NASA files of the FETCHED items under /mirror/HOST/PATH (about 1 MB each, Range allowed, so a
    kill can land inside a transfer and leave a partial file to resume); returns the mirror URL."""
    noise = folder / "public.jpg"
    Image.effect_noise((1000, 1000), 64).convert("RGB").save(noise, quality=95)
    for nasa_id in FETCHED.values():
        official = f"https://images-assets.nasa.gov/image/{nasa_id}/{nasa_id}~orig.jpg"
        asset = {"collection": {"version": "1.0", "items": [{"href": official}]}}
        server.add(f"/mirror/images-api.nasa.gov/asset/{nasa_id}",
                   Resource(body=json_bytes(asset), content_type="application/json"))
        server.add("/mirror/" + official.split("://", 1)[1],
                   Resource(body=noise.read_bytes() + nasa_id.encode(), content_type="image/jpeg", ranges=True))
    return server.url("/mirror")


def command(op: dict[str, Any], library_dir: Path, folder: Path, mirror: str) -> list[str]:
    cli = [sys.executable, "-m", "mediacat", "--library", str(library_dir)]
    kind = op["op"]
    if kind in ("attach", "link"):
        return [*cli, "attach", op["item"], op["file"], "--allow-duplicate", *(["--link"] if kind == "link" else [])]
    if kind == "folder":  # a folder import: its files in batches (issue 12)
        return [*cli, "attach", op["item"], op["folder"], "--allow-duplicate"]
    if kind in ("tag", "untag"):
        return [*cli, "tag", op["item"], "--add" if kind == "tag" else "--remove", op["tag"]]
    if kind == "note":
        return [*cli, "note", op["item"], op["note"]]
    if kind == "import":
        csv_path = folder / "import-cli.csv"
        csv_path.write_text(f"id,tags,notes\n{op['item']},{'; '.join(op['tags'])},{op['note']}\n", encoding="utf-8")
        return [*cli, "import-csv", str(csv_path)]
    if kind == "fetch":
        return [*cli, "fetch-media", *op["items"], "--mirror", mirror, "--json"]
    return [*cli, "detach", str(op["attachment_id"]), *(["--delete-copy"] if kind == "detach-delete" else [])]


def acknowledgement(op: dict[str, Any], stdout: str, app: Library) -> dict[str, Any]:
    """What an acknowledged command did, as `harness._after` expects it (new attachments with their paths)."""
    def row(attachment_id: int) -> dict[str, Any]:
        found = app.store.execute("SELECT item_id, path FROM attachments WHERE id = ?", (attachment_id,)).fetchone()
        return {"attachment_id": attachment_id, "item": found[0], "path": found[1]}

    if op["op"] in ("attach", "link"):
        match = next(m for line in stdout.splitlines() if (m := _ATTACHED.match(line)))
        return row(int(match.group(1)))
    if op["op"] == "folder":
        attached = [row(int(m.group(1))) for line in stdout.splitlines() if (m := _ATTACHED.match(line))]
        return {"attachments": [(new["attachment_id"], new["path"]) for new in attached]}
    if op["op"] == "fetch":
        report = json.loads(stdout)["items"]
        return {"attached": [row(entry["attachment_id"]) for entry in report if entry["outcome"] == "attached"]}
    return {}


def run_round(app: Library, app_item: str, library_dir: Path, folder: Path, files: list[Path], mirror: str,
              rng: random.Random, number: int, kill_at: float) -> tuple[list[dict[str, Any]], list[str], str]:
    """One round: (log of start/ack entries, problems, the note the app saved last on `app_item`). The command
    running at `kill_at` seconds is SIGKILLed."""
    env = {key: value for key, value in os.environ.items() if key != "MEDIACAT_NASA_API"}  # official API, mirrored
    env["PYTHONPATH"] = str(REPO)
    deadline = time.monotonic() + kill_at
    log: list[dict[str, Any]] = []
    problems: list[str] = []
    app_note, edits = "", 0
    reader = app.reopen()  # a worker's connection: opened and closed while others write (issue 13, item 0)
    try:
        step = 0
        while True:
            step += 1
            op = ({"op": "fetch", "items": sorted(FETCHED)} if rng.random() < 0.15
                  else random_op(rng, app, files, library_dir, number * 1000 + step))
            if op is None:
                continue
            log.append({"start": op})
            child = subprocess.Popen(command(op, library_dir, folder, mirror), cwd=REPO, env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            while child.poll() is None and time.monotonic() < deadline:
                edits += 1
                app_note = f"app edit {number}.{edits}"
                set_note(app, app_item, app_note)
                reader.store.execute("SELECT count(*) FROM attachments").fetchone()
                time.sleep(0.03)
            if child.poll() is None:
                child.kill()
            stdout, stderr = child.communicate()
            if child.returncode == -9:
                return log, problems, app_note
            if child.returncode != 0:
                problems.append(f"`{' '.join(command(op, library_dir, folder, mirror)[4:])}` failed "
                                f"({child.returncode}): {stderr.strip()[-600:]}")
                return log, problems, app_note
            log.append({"ack": {**op, **acknowledgement(op, stdout, app)}})
            if time.monotonic() >= deadline:
                return log, problems, app_note
    finally:
        reader.close()
