"""Benchmark: issue 12's table, every row against its floor measured in the same run, interleaved, medians.

    QT_QPA_PLATFORM=offscreen python3 bench/bench_issue12.py [--items 100000] [--rounds 7] [--library DIR]
        [--only paint,search,export,list,attach]

- paint: a process that starts the window as `mediacat gui` does (`MainWindow.opening(folder)`: the frame
  paints, then the library opens and the catalog is built) to the window's first paint; floor: the same process
  with a bare `QMainWindow` (at 20 items and at the scaled library). A context row: to the grid's first paint
  that shows rows, against the same floor.
- memory: that window after scrolling the grid end to end, peak RSS; floor: the bare window's (goal +150 MiB).
- search: "descent stage" typed into the window, `apply_filters()` to the grid's first paint that shows its
  answer (waiting in a Qt event loop, as the app idles); floor: the raw FTS5 `MATCH` on a second connection.
  Started once the grid has laid out the cleared search's rows, and (a context row) right after the clear.
- export: `mediacat export -o FILE` of every item (a process); floor: `sqlite3 -csv` of the same cells.
- list: `mediacat list --type audio --json` (a process); floor: a Python process doing the same query and
  `json.dump` (the script checks both print the same JSON).
- attach: copy-mode `attach_paths` of a folder of 500 small PNGs (what `mediacat attach ID FOLDER` and Import
  Folder run), per file, and `attach_file` of each (one commit per file); floor: `shutil.copyfile` + fsync +
  sha256. `--only attach` runs this row alone (no scaled library is built or opened).

Each round runs every pair back to back (ours, then the floor), so the machine's load hits both alike; the
ratio is of the medians. The scaled library (`_common.build_scaled_library`) is built once into `--library`
(default: a folder under the system's temporary folder, kept for the next run).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import REPO, build_scaled_library, machine_line

PYTHON = sys.executable
# The children run as an installed app would: with bytecode caches (kept under the temporary folder, not in the
# source tree), even where PYTHONDONTWRITEBYTECODE is set; without them every start compiles every module.
ENV = {**{key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"},
       "PYTHONPYCACHEPREFIX": str(Path(tempfile.gettempdir()) / "mediacat-bench-pycache"),
       "PYTHONPATH": str(REPO), "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
       # the app's remembered state (saved by each child's clean close) stays the bench's, not the user's
       "MEDIACAT_CONFIG_DIR": str(Path(tempfile.gettempdir()) / "mediacat-bench-issue12-config")}

# The child that measures the first paint: `paint_child.py MODE LIBRARY [--scroll]` (MODE: bare or app).
PAINT_CHILD = r'''
import os, sys, time
start = time.perf_counter()
mode, folder, scroll = sys.argv[1], sys.argv[2], "--scroll" in sys.argv
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
if mode == "app":
    from mediacat.gui.main_window import MainWindow
    # as `mediacat gui` makes it: the frame paints, then the library opens and the catalog's views are built,
    # then the ids, counts and facets arrive from readers
    window = MainWindow.opening(folder, thumbnails=False)
else:
    window = QMainWindow()
window.resize(1360, 800)
painted, rows_painted = [], []
class Watch(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            if not painted and obj is window:
                painted.append(time.perf_counter())
            elif (mode == "app" and not rows_painted and window.content_built and obj is window.grid.viewport()
                  and window.model.rowCount()):
                rows_painted.append(time.perf_counter())  # the catalog's first paint that shows rows
        return False
watch = Watch()
window.installEventFilter(watch)
window.show()
while not painted:
    app.processEvents()
if mode == "app":
    deadline = time.perf_counter() + 120
    while not window.content_built:
        if time.perf_counter() > deadline:
            raise SystemExit("the library did not open in 120 s")
        app.processEvents()
    window.grid.viewport().installEventFilter(watch)
    while not rows_painted:
        if time.perf_counter() > deadline:
            raise SystemExit("the grid did not paint rows in 120 s")
        app.processEvents()
else:
    rows_painted = painted
if scroll and mode == "app":
    grid = window.grid
    deadline = time.perf_counter() + 120
    # the rows arrive after the first paint: wait for them, then for the grid's layout to reach the last one
    rows = window.model.rowCount
    while not (rows() and grid.visualRect(window.model.index(rows() - 1, 0)).isValid()):
        if time.perf_counter() > deadline:
            raise SystemExit("the grid did not lay out its last row in 120 s")
        app.processEvents()
    bar = grid.verticalScrollBar()
    step = max(1, bar.pageStep())
    for value in range(0, bar.maximum() + step, step * 25):
        bar.setValue(value)
        grid.viewport().repaint()
        app.processEvents()
def peak_mib():
    # The child's own peak (VmHWM): ru_maxrss on Linux carries the parent's peak across execve.
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{(painted[0] - start) * 1000:.3f} {peak_mib():.1f} {(rows_painted[0] - start) * 1000:.3f}")
sys.stdout.flush()
if mode == "app":  # a clean close: a killed run would leave its session marker, and the next open would check
    window.close()
    window.library.close()
os._exit(0)
'''

# The list floor: the same query and the same JSON, with sqlite3 and json; the "time" object's Mars clocks with
# MediaCat's own arithmetic (`mediacat.core.mars_time`, pure math importing only the standard library), so the
# ratio measures everything but that arithmetic. Items with attachments, overrides, outside sources or built-in
# files are not handled: the bench checks the JSON is identical, and the audio items of the scaled library have none.
LIST_FLOOR = r"""
import json, sqlite3, sys
from datetime import UTC, datetime, timedelta
from mediacat.core import mars_time
conn = sqlite3.connect(sys.argv[1] + "/mediacat.sqlite3")
order = "p.position IS NULL, p.position, i.seed_position IS NULL, i.seed_position, i.id"
rows = conn.execute("SELECT i.id, i.title, i.media_type, i.kind, i.camera, i.date_taken, i.mission_phase, i.credit, "
    "i.description, i.nasa_ids, i.official_urls, i.media_urls, i.notes, i.origin, t.scet, t.precision, t.evidence, "
    "t.note, t.event_id, t.origin, t.scet_end FROM items i LEFT JOIN mission_phases p ON p.id = i.mission_phase "
    f"LEFT JOIN item_times t ON t.item_id = i.id WHERE i.media_type = 'audio' ORDER BY {order}").fetchall()
tags, sources = {}, {}
for item_id, name in conn.execute("SELECT it.item_id, t.name FROM item_tags it JOIN tags t ON t.id = it.tag_id "
        "JOIN items i ON i.id = it.item_id WHERE i.media_type = 'audio' ORDER BY it.item_id, t.name COLLATE NOCASE"):
    tags.setdefault(item_id, []).append(name)
for item_id, *link in conn.execute("SELECT s.item_id, s.article_id, a.outlet, a.title, a.date, s.quote FROM "
        "source_links s JOIN articles a ON a.id = s.article_id JOIN items i ON i.id = s.item_id "
        "WHERE i.media_type = 'audio' ORDER BY s.item_id, s.position"):
    sources.setdefault(item_id, []).append(dict(zip(("article_id", "outlet", "title", "date", "quote"), link)))
meta = dict(conn.execute("SELECT key, value FROM meta WHERE key LIKE 'timeline_%'"))
site = json.loads(meta.get("timeline_site") or "{}")
east = float(site.get("east_longitude", mars_time.JEZERO_EAST_LONGITUDE))
light = {row["date"]: float(row["seconds"]) for row in json.loads(meta.get("timeline_light_times") or "[]")}
utc = lambda text: datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
iso = lambda moment: moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
landing_row = conn.execute("SELECT scet FROM timeline_events WHERE id = ?",
                           (meta.get("timeline_landing_event"),)).fetchone()
landing = utc(landing_row[0]) if landing_row else None
UNIT = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
readings = {}
def time_of(r):
    date_taken, scet, precision, evidence, note, event_id, origin, scet_end = r[5], *r[14:21]
    if scet is not None and precision is not None:
        start, evidence, note, origin = utc(scet), json.loads(evidence or "[]"), note or "", origin or "seed"
        end = utc(scet_end) if scet_end else start + timedelta(seconds=UNIT[precision])
    elif date_taken:
        try:
            start = datetime.strptime(date_taken, "%Y-%m-%d").replace(tzinfo=UTC)
        except ValueError:
            return None
        precision, evidence, note, event_id, origin = ("day", [{"catalog": "date_taken"}],
                                                       "the catalog's capture date", None, "catalog")
        end = start + timedelta(days=1)
    else:
        return None
    found = readings.get((start, end))
    if found is None:
        seconds = light.get(start.date().isoformat())
        first = mars_time.mars_time(start, east, landing=landing)
        last = mars_time.mars_time(end, east, landing=landing)
        found = readings[(start, end)] = {
            "scet": iso(start), "scet_end": iso(end),
            "ert": None if seconds is None else iso(start + timedelta(seconds=seconds)),
            "sol": first.sol, "sol_end": last.sol, "lmst": first.lmst_text, "lmst_end": last.lmst_text}
    return {**found, "precision": precision, "evidence": evidence, "note": note, "event": event_id, "origin": origin}
out = [{"id": r[0], "title": r[1], "media_type": r[2], "kind": r[3], "camera": r[4], "date_taken": r[5],
        "mission_phase": r[6], "credit": r[7], "description": r[8], "nasa_ids": json.loads(r[9]),
        "official_urls": json.loads(r[10]), "media_urls": json.loads(r[11]), "tags": tags.get(r[0], []),
        "notes": r[12], "sources": sources.get(r[0], []), "attachments": [], "origin": r[13], "overrides": {},
        "external_sources": [], "builtin_media": [], "time": time_of(r)} for r in rows]
json.dump(out, sys.stdout, ensure_ascii=False, indent=2)
sys.stdout.write("\n")
"""

# `sqlite3 -csv` of the cells `mediacat export` writes (its default columns), in the catalog order.
EXPORT_FLOOR_SQL = """
SELECT i.id, i.title, i.media_type, i.kind, i.camera, i.date_taken, i.mission_phase, i.credit, i.description,
  (SELECT group_concat(value, '; ') FROM json_each(i.nasa_ids)),
  (SELECT group_concat(value, '; ') FROM json_each(i.official_urls)),
  (SELECT group_concat(c, '; ') FROM (SELECT a.outlet || ' (' || a.date || '): ' || a.title AS c
     FROM source_links s JOIN articles a ON a.id = s.article_id WHERE s.item_id = i.id ORDER BY s.position)),
  (SELECT group_concat(quote, '; ') FROM (SELECT quote FROM source_links s WHERE s.item_id = i.id
     ORDER BY s.position)),
  (SELECT group_concat(name, '; ') FROM (SELECT t.name FROM item_tags it JOIN tags t ON t.id = it.tag_id
     WHERE it.item_id = i.id ORDER BY t.name COLLATE NOCASE)),
  i.notes,
  (SELECT group_concat(path, '; ') FROM attachments a WHERE a.item_id = i.id),
  (SELECT group_concat(sha256, '; ') FROM attachments a WHERE a.item_id = i.id),
  (SELECT group_concat(size, '; ') FROM attachments a WHERE a.item_id = i.id),
  (SELECT group_concat(width || 'x' || height, '; ') FROM attachments a WHERE a.item_id = i.id),
  (SELECT group_concat(duration, '; ') FROM attachments a WHERE a.item_id = i.id)
FROM items i LEFT JOIN mission_phases p ON p.id = i.mission_phase
ORDER BY p.position IS NULL, p.position, i.seed_position IS NULL, i.seed_position, i.id;
"""


def timed(command: list[str], **kwargs) -> tuple[float, str]:
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, env=ENV, check=True, **kwargs)
    return time.perf_counter() - start, result.stdout


def report(name: str, ours: list[float], floor_name: str, floor: list[float], unit: str = "ms") -> None:
    a, b = statistics.median(ours), statistics.median(floor)
    scale = 1000 if unit == "ms" else 1
    print(f"{name:58} {a * scale:9.1f} {unit}  {floor_name:40} {b * scale:9.1f} {unit}  ratio {a / b:5.2f}",
          flush=True)


def bench_paint(folder: Path, seed_folder: Path, rounds: int) -> None:
    child = Path(tempfile.gettempdir()) / "mediacat-bench-paint-child.py"
    child.write_text(PAINT_CHILD, encoding="utf-8")
    for mode in ("app", "bare"):  # not counted: writes the bytecode caches
        timed([PYTHON, str(child), mode, str(seed_folder)])
    for label, library in (("20 items", seed_folder), (f"{count_items(folder):,} items", folder)):
        ours, with_rows, floor = [], [], []
        for _ in range(rounds):
            answer = timed([PYTHON, str(child), "app", str(library)])[1].split()
            ours.append(float(answer[0]) / 1000)
            with_rows.append(float(answer[2]) / 1000)
            floor.append(float(timed([PYTHON, str(child), "bare", str(library)])[1].split()[0]) / 1000)
        report(f"first paint, MainWindow [{label}]", ours, "first paint, bare QMainWindow", floor)
        report(f"(context) the grid's first paint with rows [{label}]", with_rows, "first paint, bare QMainWindow",
               floor)
    memory_app = [float(timed([PYTHON, str(child), "app", str(folder), "--scroll"])[1].split()[1])
                  for _ in range(max(1, rounds // 3))]
    memory_bare = [float(timed([PYTHON, str(child), "bare", str(folder)])[1].split()[1])
                   for _ in range(max(1, rounds // 3))]
    a, b = statistics.median(memory_app), statistics.median(memory_bare)
    print(f"{'peak RSS, MainWindow, grid scrolled end to end':58} {a:9.1f} MiB  {'peak RSS, bare QMainWindow':40} "
          f"{b:9.1f} MiB  +{a - b:.1f} MiB", flush=True)


def bench_search(folder: Path, rounds: int) -> None:
    import sqlite3

    from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    from mediacat.core.library import Library
    from mediacat.core.search import to_fts_query
    from mediacat.gui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    library = Library.open(folder)
    window = MainWindow(library, thumbnails=False)
    window.resize(1360, 800)
    window.show()
    settle(app, window)
    painted: list[float] = []
    wanted: list[str | None] = [None]
    settling: list[bool] = []
    loop = QEventLoop()
    give_up = QTimer(singleShot=True, interval=60_000)
    give_up.timeout.connect(loop.quit)

    class Watch(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            # the grid's first paint that shows the search's answer (not a paint still due from before it)
            shows_answer = wanted[0] and window.model.query.search == wanted[0]
            if event.type() == QEvent.Type.Paint and shows_answer and not painted:
                painted.append(time.perf_counter())
                loop.quit()
            if event.type() == QEvent.Type.Paint and settling:
                settling.clear()  # the cleared search's rows painted (setup, not timed)
                loop.quit()
            return False

    watch = Watch()
    window.grid.viewport().installEventFilter(watch)
    raw = sqlite3.connect(folder / "mediacat.sqlite3")
    match = to_fts_query("descent stage")
    ours, ours_laying_out, floor = [], [], []
    for round_number in range(2 * rounds):
        # even rounds: the search starts once the grid has laid out the cleared search's 100,000 rows (as after
        # typing a few words); odd rounds: right after the clear, while the grid still lays them out in batches
        laid_out = round_number % 2 == 0
        for text in ("", "descent stage"):
            window.search_box.blockSignals(True)
            window.search_box.setText(text)
            window.search_box.blockSignals(False)
            painted.clear()
            wanted[0] = text or None
            start = time.perf_counter()
            window.apply_filters()
            if text:
                # the app's own event loop (idle in Qt, as the app is between events), not a Python busy loop
                # of processEvents that would compete with the reader thread for the interpreter
                give_up.start()
                loop.exec()
                give_up.stop()
                if not painted:
                    raise SystemExit("the grid did not paint the search's answer in 60 s")
                (ours if laid_out else ours_laying_out).append(painted[0] - start)
            settle(app, window)  # the facet counts too, before the next round
            if laid_out:
                grid_laid_out(app, window)
            if laid_out and not text:
                # and painted: typing the next words takes longer than the paint the last layout batch asked
                # for, so that paint of the cleared search's rows is not left to run inside the timed search
                settling.append(True)
                window.grid.viewport().update()  # a paint is due (merged with the one already asked for)
                give_up.start()
                loop.exec()
                give_up.stop()
                if settling:
                    raise SystemExit("the grid did not paint the cleared search's rows in 60 s")
        start = time.perf_counter()
        hits = raw.execute("SELECT rowid FROM items_fts WHERE items_fts MATCH ?", (match,)).fetchall()
        floor.append(time.perf_counter() - start)
    assert len(hits) == window.model.rowCount(), (len(hits), window.model.rowCount())
    report(f'search "descent stage" to the grid painted [{len(hits):,} hits]', ours, "raw FTS5 MATCH", floor)
    report("(context) the same, the grid still laying out the last rows", ours_laying_out, "raw FTS5 MATCH",
           floor)
    window.close()
    library.close()


def grid_laid_out(app, window, timeout: float = 60) -> None:
    """Wait until the grid has laid out its last row (Qt lays out a big model in batches after a reset)."""
    deadline = time.perf_counter() + timeout
    model, grid = window.model, window.grid
    while model.rowCount() and not grid.visualRect(model.index(model.rowCount() - 1, 0)).isValid():
        if time.perf_counter() > deadline:
            raise SystemExit("the grid did not lay out its last row in 60 s")
        app.processEvents()


def settle(app, window, timeout: float = 60) -> None:
    deadline = time.perf_counter() + timeout
    while not window.settled:
        if time.perf_counter() > deadline:
            raise SystemExit("the window did not settle in 60 s")
        app.processEvents()


def bench_export(folder: Path, rounds: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="mediacat-bench-export-"))
    ours, floor = [], []
    try:
        for _ in range(rounds):
            ours.append(timed([PYTHON, "-m", "mediacat", "--library", str(folder), "export", "-o",
                               str(work / "ours.csv")])[0])
            with open(work / "floor.csv", "w", encoding="utf-8") as out:
                start = time.perf_counter()
                subprocess.run(["sqlite3", "-csv", str(folder / "mediacat.sqlite3"), EXPORT_FLOOR_SQL], stdout=out,
                               check=True)
                floor.append(time.perf_counter() - start)
        mine = list(csv.reader(io.StringIO((work / "ours.csv").read_text(encoding="utf-8-sig"), newline="")))[1:]
        theirs = list(csv.reader(io.StringIO((work / "floor.csv").read_text(encoding="utf-8"), newline="")))
        width = len(theirs[0])  # the floor writes the first 20 columns; the built-in media's 7 are empty here
        mine = [row[:width] for row in mine]
        assert len(mine) == len(theirs) and mine[:200] == theirs[:200] and mine[-200:] == theirs[-200:], \
            "the floor's cells differ from the export's"
        report(f"mediacat export -o [{len(mine):,} rows]", ours, "sqlite3 -csv of the same cells", floor)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def bench_list(folder: Path, rounds: int) -> None:
    script = Path(tempfile.gettempdir()) / "mediacat-bench-list-floor.py"
    script.write_text(LIST_FLOOR, encoding="utf-8")
    ours, floor = [], []
    for _ in range(rounds):
        elapsed, mine = timed([PYTHON, "-m", "mediacat", "--library", str(folder), "list", "--type", "audio",
                               "--json"])
        ours.append(elapsed)
        elapsed, theirs = timed([PYTHON, str(script), str(folder)])
        floor.append(elapsed)
    assert json.loads(mine) == json.loads(theirs), "the floor's JSON differs from list --json"
    report(f"mediacat list --type audio --json [{len(json.loads(mine)):,} items]", ours,
           "Python: the same query and json.dump", floor)


def bench_attach(rounds: int, count: int = 500) -> None:
    from PIL import Image

    from mediacat.core.attachments import attach_file, attach_paths
    from mediacat.core.library import Library

    work = Path(tempfile.mkdtemp(prefix="mediacat-bench-attach-"))
    try:
        sources = []
        for n in range(count):
            path = work / "in" / f"small-{n:03d}.png"
            path.parent.mkdir(exist_ok=True)
            image = Image.new("RGB", (64, 48), (n % 256, (n * 7) % 256, (n * 13) % 256))
            image.putpixel((0, 0), (n // 256, n % 256, 0))  # every file's content differs (no duplicates)
            image.save(path)
            sources.append(path)
        folder, each, floor = [], [], []
        for round_number in range(rounds):
            library = Library.open(work / f"lib-{round_number}")
            item = library.item_ids()[0]
            start = time.perf_counter()
            report = attach_paths(library, item, [work / "in"], mode="copy")
            folder.append((time.perf_counter() - start) / count)
            assert len(report.attached) == count and report.ok, report.summary()
            library.close()
            library = Library.open(work / f"lib-each-{round_number}")
            start = time.perf_counter()
            for path in sources:
                attach_file(library, item, path, mode="copy")
            each.append((time.perf_counter() - start) / count)
            library.close()
            target = work / f"copies-{round_number}"
            target.mkdir()
            start = time.perf_counter()
            for path in sources:
                copy = target / path.name
                shutil.copyfile(path, copy)
                with open(copy, "rb") as file:
                    os.fsync(file.fileno())
                    hashlib.sha256(file.read()).hexdigest()
            floor.append((time.perf_counter() - start) / count)
        b = statistics.median(floor)
        for label, ours in (("copy-mode attach_paths(folder), 500 small PNGs, per file", folder),
                            ("copy-mode attach_file x 500 small PNGs, per file", each)):
            a = statistics.median(ours)
            print(f"{label:58} {a * 1000:9.2f} ms  {'copyfile + fsync + sha256, per file':40} {b * 1000:9.2f} ms  "
                  f"overhead {(a - b) * 1000:.2f} ms/file", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def count_items(folder: Path) -> int:
    import sqlite3

    with sqlite3.connect(folder / "mediacat.sqlite3") as conn:
        return conn.execute("SELECT count(*) FROM items").fetchone()[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--library", type=Path, default=Path(tempfile.gettempdir()) / "mediacat-bench-issue12")
    parser.add_argument("--only", default="paint,search,export,list,attach")
    args = parser.parse_args()
    only = set(args.only.split(","))
    folder = args.library / f"scaled-{args.items}"
    seed_folder = args.library / "seeds-only"
    if only == {"attach"}:  # the attach row needs no scaled library
        print(machine_line(), f"{max(3, args.rounds // 2)} interleaved rounds, medians", flush=True)
        bench_attach(max(3, args.rounds // 2))
        return 0
    if not (folder / "mediacat.sqlite3").exists():
        print(f"building the {args.items:,}-item library in {folder} ...", flush=True)
        build_scaled_library(folder, args.items).close()
    from mediacat.core.library import Library

    Library.open(seed_folder).close()
    Library.open(folder).close()  # migrated to this version's schema before anything is timed
    print(machine_line(), f"{args.rounds} interleaved rounds, medians", flush=True)
    if "paint" in only:
        bench_paint(folder, seed_folder, args.rounds)
    if "search" in only:
        bench_search(folder, args.rounds)
    if "export" in only:
        bench_export(folder, args.rounds)
    if "list" in only:
        bench_list(folder, args.rounds)
    if "attach" in only:
        bench_attach(max(3, args.rounds // 2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
