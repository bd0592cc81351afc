"""The landing timeline: seeds/timeline.json's rules, the three clocks, the CLI and the item-time operations."""

from __future__ import annotations

import csv
import io
import json
import shutil
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path

import pytest

from mediacat.cli import main
from mediacat.core.attachments import attach_file
from mediacat.core.csv_export import export_csv
from mediacat.core.errors import UnknownItem
from mediacat.core.library import Library
from mediacat.core.timeline import (
    TimelineError,
    clear_clip_start,
    clear_item_time,
    clip_starts,
    item_time,
    load_timeline,
    set_clip_start,
    set_item_time,
)
from mediacat.core.timeline_seed import TimelineFileError, load_seed_timeline
from tests.media_fixtures import make_png

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "seeds"
RAW = json.loads((SEEDS / "timeline.json").read_text(encoding="utf-8"))
CATALOG = json.loads((SEEDS / "catalog.json").read_text(encoding="utf-8"))
OFFICIAL_HOSTS = ("nasa.gov", "uahirise.org")
JSON_FIELDS = ["kind", "id", "title", "scet", "scet_end", "ert", "sol", "sol_end", "lmst", "lmst_end", "precision",
               "evidence", "note", "event", "origin"]


def _official(source: dict[str, str]) -> bool:
    url = source.get("url", "")
    host = url.split("/")[2] if url.count("/") >= 2 else ""
    return "pds" in source or any(host == h or host.endswith("." + h) for h in OFFICIAL_HOSTS)


def _all_timed() -> list[tuple[str, dict]]:
    rows = [(f"event {e['id']}", e) for e in RAW["events"]]
    rows += [(f"item {k}", v) for k, v in RAW["items"].items() if "event" not in v]
    rows += [(f"light time {lt['date']}", lt) for lt in RAW["light_times"]]
    return rows


@pytest.mark.parametrize(("where", "entry"), _all_timed(), ids=[w for w, _ in _all_timed()])
def test_every_time_has_an_official_source_or_two(where: str, entry: dict) -> None:
    evidence = entry["evidence"]
    assert evidence, where
    assert any(_official(s) for s in evidence) or len(evidence) >= 2, where


def test_article_quotes_are_verbatim_and_items_exist() -> None:
    texts = {a["id"]: (SEEDS / a["file"]).read_text(encoding="utf-8") for a in CATALOG["articles"]}
    entries = list(RAW["events"]) + list(RAW["items"].values())
    quoted = 0
    for entry in entries:
        for source in entry["evidence"]:
            if "article" in source:
                assert source["quote"] in texts[source["article"]], source
                quoted += 1
    assert quoted >= 5
    assert set(RAW["items"]) <= {item["id"] for item in CATALOG["items"]}


def test_events_are_in_landing_order_and_the_clocks_agree(library: Library) -> None:
    timeline = load_timeline(library)
    start = {e.id: e.time.scet for e in timeline.events}
    order = ["entry-interface", "peak-heating", "parachute-deploy", "lvs-first-frame", "backshell-separation",
             "sky-crane", "lvs-last-frame", "mast-raised"]
    assert [start[a] <= start[b] for a, b in pairwise(order)] == [True] * (len(order) - 1)
    touchdown = timeline.event("touchdown")
    assert touchdown is not None
    clock = timeline.clock
    # ERT = SCET + 11 min 22 s on landing day (NASA); touchdown confirmed on Earth at 20:55 UTC
    assert clock.ert(touchdown.time.scet) == datetime(2021, 2, 18, 20, 55, tzinfo=UTC)
    assert touchdown.time.scet == datetime(2021, 2, 18, 20, 43, 38, tzinfo=UTC)
    # touchdown sol 0, about 15:53 LMST at Jezero (the LCAM labels' 15:53 is inside the touchdown minute)
    first, last = clock.mars(touchdown.time.scet), clock.mars(touchdown.time.end)
    assert (first.sol, last.sol) == (0, 0)
    assert first.lmst <= 15 + 53.8 / 60 <= last.lmst
    data = touchdown.to_json(clock)
    assert (data["sol"], data["lmst"][:5], data["ert"]) == (0, "15:53", "2021-02-18T20:55:00Z")
    # the wind was recorded on 20 Feb, sols 1-2 (NASA's file names say sol 2)
    wind = timeline.event("wind-recording")
    assert wind is not None and wind.to_json(clock)["sol_end"] == 2
    assert clock.ert(wind.time.scet) is None  # no sourced light time that day: not guessed


def test_evidence_bounds_narrow_a_span(library: Library) -> None:
    timeline = load_timeline(library)
    first, touchdown = timeline.event("first-images"), timeline.event("touchdown")
    assert first is not None and touchdown is not None
    # "minutes after landing": after touchdown, before 21:00 UTC; still written as an hour
    assert first.time.scet == touchdown.time.scet and first.time.end == datetime(2021, 2, 18, 21, tzinfo=UTC)
    assert first.time.precision == "hour"
    ids = [e.id for e in timeline.entries() if e.kind == "event"]
    assert ids.index("touchdown") < ids.index("first-images")
    hirise = item_time(library, "hirise-parachute-descent")  # under the parachute: deploy to backshell separation
    parachute, backshell = timeline.event("parachute-deploy"), timeline.event("backshell-separation")
    assert hirise is not None and parachute is not None and backshell is not None
    assert (hirise.scet, hirise.end) == (parachute.time.scet, backshell.time.end)


def test_items_take_their_event_time_or_their_catalog_date(library: Library) -> None:
    clip = item_time(library, "edl-parachute-uplook")
    assert clip is not None and clip.event_id == "parachute-deploy" and clip.precision == "minute"
    assert any(s.get("article") == "digital-trends-2021-02-22" for s in clip.evidence)
    dot = item_time(library, "pale-blue-dot")  # no timeline entry: its catalog day, day precision
    assert dot is not None and (dot.origin, dot.precision, dot.scet.date().isoformat()) == ("catalog", "day",
                                                                                          "1990-02-14")
    assert item_time(library, "hazcam-wheel-color") is None  # the audited catalog has no date for it
    assert item_time(library, "raw-image-gallery") is None  # a collection: no time at all


def test_user_time_is_kept_over_seed_updates(library_dir: Path, tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    with Library.open(library_dir, seeds=seeds) as library:
        changes = set_item_time(library, "skycrane-still", "2021-02-18T20:44:02Z", "second",
                                evidence="https://example.org/frame", note="frame 4211")
        assert changes.items == frozenset({"skycrane-still"}) and changes.events
        from mediacat.core.events import events as read_events

        logged = [e for e in read_events(library, item_id="skycrane-still") if e.action == "item-time"]
        assert len(logged) == 1 and logged[0].details["scet"] == "2021-02-18T20:44:02Z"
        with pytest.raises(TimelineError, match="more digits than its precision"):
            set_item_time(library, "skycrane-still", "2021-02-18T20:44:02Z", "minute")
        with pytest.raises(UnknownItem):
            set_item_time(library, "no-such-item", "2021-02-18", "day")
    data = json.loads((seeds / "timeline.json").read_text(encoding="utf-8"))
    data["version"] = "changed"
    data["items"]["skycrane-still"] = {"time": "2021-02-18", "scale": "scet", "precision": "day",
                                       "evidence": [{"url": "https://www.nasa.gov/x", "says": "x"}]}
    (seeds / "timeline.json").write_text(json.dumps(data), encoding="utf-8")
    with Library.open(library_dir, seeds=seeds) as library:
        span = item_time(library, "skycrane-still")
        assert span is not None and (span.origin, span.precision, span.note) == ("user", "second", "frame 4211")
        assert span.evidence == ({"url": "https://example.org/frame"},)
        assert clear_item_time(library, "skycrane-still").items == frozenset({"skycrane-still"})
        assert item_time(library, "skycrane-still").origin == "catalog"  # type: ignore[union-attr]


def test_show_json_list_json_and_csv_carry_the_time(library: Library, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "edl-rover-downlook", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)["time"]
    assert list(shown) == JSON_FIELDS[3:]
    assert (shown["event"], shown["precision"], shown["sol"]) == ("heat-shield-separation", "minute", 0)
    buffer = io.BytesIO()
    export_csv(library, ["edl-rover-downlook", "raw-image-gallery"], buffer)
    rows = list(csv.DictReader(io.StringIO(buffer.getvalue().decode("utf-8-sig"))))
    assert rows[0]["time_scet"] == shown["scet"] and rows[0]["time_sol"] == "0"
    assert rows[0]["time_ert"] == "2021-02-18T20:52:00Z" and rows[0]["time_precision"] == "minute"
    assert rows[1]["time_scet"] == "" and rows[1]["time_lmst"] == ""


def test_timeline_cli(library: Library, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["timeline", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert all(list(row) == JSON_FIELDS for row in rows)
    starts = [row["scet"] for row in rows]
    assert starts == sorted(starts)
    ids = [row["id"] for row in rows if row["kind"] == "event"]
    assert ids.index("parachute-deploy") < ids.index("heat-shield-separation") < ids.index("touchdown")
    assert {"skycrane-still", "navcam-panorama"} <= {row["id"] for row in rows if row["kind"] == "item"}
    assert main(["timeline", "--clock", "lmst", "--type", "video"]) == 0
    out = capsys.readouterr().out
    assert "Sol 0 15:50–15:51 LMST" in out and "edl-parachute-uplook" in out and "navcam-panorama" not in out
    assert main(["timeline", "--clock", "ert", "--events-only"]) == 0
    out = capsys.readouterr().out
    assert "2021-02-18 20:55–20:56 UTC ERT" in out and "skycrane-still" not in out
    assert main(["set-time", "bbc-rover-infographic", "2021-02-19T10Z", "--precision", "hour", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["origin"] == "user"
    assert main(["set-time", "bbc-rover-infographic", "2021-02-19T10:30Z", "--precision", "hour"]) == 2
    assert "more digits than its precision" in capsys.readouterr().err


def test_clip_start_is_saved_with_the_attachment(library: Library, tmp_path: Path) -> None:
    result = attach_file(library, "edl-rover-downlook", make_png(tmp_path / "f.png"))
    attachment_id = result.attachment.id
    start = datetime(2021, 2, 18, 20, 41, 1, 500000, tzinfo=UTC)
    changes = set_clip_start(library, attachment_id, start, "aligned", note="frame 0 = heat shield off")
    assert changes.attachments == frozenset({attachment_id}) and "edl-rover-downlook" in changes.items
    saved = clip_starts(library, [attachment_id])[attachment_id]
    assert (saved.start_scet, saved.basis) == (start, "aligned")
    set_clip_start(library, attachment_id, start + timedelta(seconds=2), "known")
    assert clip_starts(library, [attachment_id])[attachment_id].basis == "known"
    with pytest.raises(TimelineError, match="no such attachment"):
        set_clip_start(library, 9999, start)
    with pytest.raises(TimelineError, match="UTC"):
        set_clip_start(library, attachment_id, datetime(2021, 2, 18))
    assert clear_clip_start(library, attachment_id).attachments == frozenset({attachment_id})
    assert clip_starts(library, [attachment_id]) == {}


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d.update(format=2), "unknown format"),
    (lambda d: d["events"][0].update(evidence=[]), "needs its evidence"),
    (lambda d: d["events"][0].update(time="2021-02-18T20:48:30Z"), "more digits than its precision"),
    (lambda d: d["events"][0].update(time="18 Feb"), "not an ISO UTC time"),
    (lambda d: d["items"]["skycrane-still"].update(event="nope"), "unknown event"),
    (lambda d: d["events"][0].update(time="2021-02-19T20:48Z"), "no light time for that day"),
    (lambda d: d["events"][1].pop("title"), "a field is missing"),
    (lambda d: d["events"][0].update(after="touchdown"), "not an earlier event"),
    (lambda d: d["items"]["hirise-descent-closeup"].update(before="entry-interface"), "leave no time at all"),
    (lambda d: d["light_times"][0].update(seconds="eleven minutes"), "wrong type"),
])
def test_a_bad_timeline_file_is_refused_with_its_name(tmp_path: Path, change, message: str) -> None:
    data = json.loads(json.dumps(RAW))
    change(data)
    (tmp_path / "timeline.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(TimelineFileError, match=message) as info:
        load_seed_timeline(tmp_path)
    assert str(tmp_path / "timeline.json") in str(info.value)


def test_no_timeline_file_means_no_events(tmp_path: Path) -> None:
    assert load_seed_timeline(tmp_path) is None
    (tmp_path / "timeline.json").write_bytes(b"\xff\xfe")
    with pytest.raises(TimelineFileError, match="not valid UTF-8 JSON"):
        load_seed_timeline(tmp_path)


def test_clip_start_cli(library: Library, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    attachment_id = attach_file(library, "edl-rover-downlook", make_png(tmp_path / "f.png")).attachment.id
    assert main(["clip-start", str(attachment_id), "2021-02-18T20:41:02.5Z", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"attachment_id": attachment_id,
                                                   "start_scet": "2021-02-18T20:41:02.500000Z",
                                                   "basis": "known", "note": ""}
    assert main(["clip-start", str(attachment_id), "2021-02-18T20:41:02"]) == 2
    assert "time zone" in capsys.readouterr().err
    assert main(["clip-start", "999", "2021-02-18T20:41:02Z"]) == 2
    assert "no such attachment" in capsys.readouterr().err
    assert main(["clip-start", str(attachment_id), "--clear"]) == 0
    assert "no start saved" in capsys.readouterr().out
