"""The set-based export (`mediacat.core.export_sql`, issue 12) writes the very bytes of the per-item path.

The library: the shipped catalog (with its built-in NASA files and times) plus a user item, tags, notes,
attachments, overrides, own times and hostile values in every kind of cell (text, several values, numbers).
"""

from __future__ import annotations

import csv
import io
import json
import threading
from pathlib import Path

import pytest

from mediacat.core.csv_cells import DEFAULT_COLUMNS, cell_text, resolve_columns
from mediacat.core.csv_export import EXPORT_CHUNK, export_csv
from mediacat.core.export_sql import _IN_A_CHUNK, _INSIDE, _chunk_may_need_guard, _csv_cells, sql_rows
from mediacat.core.jobs import Cancelled, Job, Progress
from mediacat.core.library import Library
from mediacat.core.tags import add_tags, set_note
from mediacat.core.timeline import set_item_time
from mediacat.core.user_items import add_item, edit_item

QUOTE = "It was taken by the rocket cradle that placed the vehicle on the ground."
HOSTILE_NOTES = [
    "=HYPERLINK(\"http://evil\")", "plain\r\n-2+3", "'@SUM(A1)", " \"+cmd", "first; =second\tthird",
    "\uff1dfull width", "|pipe", "\ttab first", "line\n\n\nafter blank lines", "a, \"quoted\", b", "-",
    "ok; ok\t ok\n ok", "\n=x", "'''=x", "", "comma, only",
]


def export_bytes(library: Library, ids: list[str], **options) -> bytes:
    buffer = io.BytesIO()
    export_csv(library, ids, buffer, **options)
    return buffer.getvalue()


@pytest.fixture
def hostile(library: Library, tmp_path: Path) -> Library:
    ids = library.item_ids()
    added = add_item(
        library,
        {"title": "=1+2 user item", "media_type": "image", "kind": "still", "camera": "@cam",
         "date_taken": "2021-02-24", "credit": "-NASA", "official_urls": ["https://example.org/p?x=-1"],
         "description": "+desc; -more\ttab=\n@line"},
        sources=[("bbc-news-2021-02-19", QUOTE)], tags=["user tag"],
    )
    edit_item(library, ids[0], {"description": "@override\n-line two", "credit": "=credit", "camera": "\uff0bcam"})
    edit_item(library, ids[1], {"title": "  \"=quoted title\""})
    for item_id, note in zip(ids, HOSTILE_NOTES, strict=False):
        set_note(library, item_id, note)
    add_tags(library, [*ids[:5], added.item_id], ["-minus", "\uff20at", "plain", "=sum(1)", "Zed", "alpha"])
    add_tags(library, ids[5:9], ["'quote", "+plus"])
    with library.store.transaction() as conn:
        conn.execute("UPDATE items SET nasa_ids = ?, media_urls = ? WHERE id = ?",
                     (json.dumps(["=1", "a; -b", " \"x", "plain"]), json.dumps(["@u", "https://e.org/a,b"]), ids[2]))
        conn.execute("UPDATE items SET nasa_ids = ? WHERE id = ?", (json.dumps(["PIA\n-2", "", "x"]), ids[3]))
        # the characters the set-based path joins cells and rows with, in values: that chunk goes per item
        conn.execute("UPDATE items SET notes = ? WHERE id = ?", ("cell\x1f=sep", ids[6]))
        conn.execute("UPDATE items SET description = ? WHERE id = ?", ("row\x1e-sep", ids[7]))
        for n, (item_id, path, mode) in enumerate([
            (ids[0], str(tmp_path / "=evil.jpg"), "link"), (ids[0], "ab/-minus.wav", "copy"),
            (added.item_id, str(tmp_path / "ok, fine.png"), "link"),
        ]):
            conn.execute(
                "INSERT INTO attachments(item_id, mode, path, original_name, sha256, size, mtime, mime, media_type, "
                "width, height, duration) VALUES (?, ?, ?, 'f', ?, ?, 0, 'image/jpeg', 'image', ?, ?, ?)",
                (item_id, mode, path, f"{n}abc", 100 + n, 640 if n != 1 else None, 480, 2.5 if n == 1 else None),
            )
    set_item_time(library, ids[4], "2021-02-18T20:44:00Z", "minute", evidence="=evidence")
    set_item_time(library, added.item_id, "2021-02-24T10:00:00Z", "hour")
    return library


def every_id(library: Library) -> list[str]:
    return library.item_ids()


@pytest.mark.parametrize("options", [
    {},
    {"raw": True},
    {"columns": ["tags", "id", "time_sol", "attachment_count", "source_count", "media_urls", "notes"]},
    {"columns": ["time_lmst", "builtin_media_paths", "attachment_paths", "title"]},
    {"columns": ["notes"]},
    {"columns": ["time_scet", "attachment_sha256", "builtin_media_sha256"]},
    {"columns": ["title", "nasa_ids", "source_quotes"], "raw": True},
    {"profile": "dublin-core"},
], ids=["default", "raw", "reordered", "groups-first", "one-column", "no-sql-cells", "raw-subset", "dublin-core"])
def test_the_set_based_export_writes_the_bytes_of_the_per_item_path(hostile: Library, options: dict) -> None:
    ids = every_id(hostile)
    fast = export_bytes(hostile, ids, **options)
    assert fast == export_bytes(hostile, ids, per_item=True, **options)
    assert len(list(csv.reader(io.StringIO(fast.decode("utf-8-sig"), newline="")))) == len(ids) + 1


def test_the_compared_export_holds_the_hostile_cells_guarded(hostile: Library) -> None:
    data = export_bytes(hostile, every_id(hostile), columns=[*DEFAULT_COLUMNS, "media_urls"])
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""))}
    ids = every_id(hostile)
    assert rows[ids[0]]["notes"] == "'=HYPERLINK(\"http://evil\")"
    assert rows[ids[0]]["credit"] == "'=credit" and rows[ids[0]]["camera"] == "'\uff0bcam"
    assert rows[ids[0]]["attachment_sizes"] == "100; 101" and rows[ids[0]]["attachment_dimensions"] == "640x480; "
    assert rows[ids[2]]["nasa_ids"] == "'=1; a;' -b;  \"x; plain"  # "a; -b" is one value: guarded after its `;`
    assert rows[ids[2]]["media_urls"] == "'@u; https://e.org/a,b"
    assert rows[ids[3]]["nasa_ids"] == "PIA\n'-2; ; x"
    assert rows[ids[0]]["tags"] == "'-minus; '=sum(1); alpha; plain; Zed; '\uff20at"
    assert rows[ids[4]]["time_precision"] == "minute" and rows[ids[4]]["time_scet"].startswith("2021-02-18T20:44")
    user = next(item_id for item_id in ids if item_id.startswith("user-"))
    assert rows[user]["title"] == "'=1+2 user item"
    assert rows[user]["description"] == "'+desc;' -more\ttab=\n'@line"
    assert rows[ids[6]]["notes"] == "cell\x1f=sep" and rows[ids[7]]["description"] == "row\x1e-sep"
    assert any(row["builtin_media_paths"] for row in rows.values())  # the shipped files are in the comparison


def test_a_subset_in_any_order_with_unknown_and_repeated_ids(hostile: Library) -> None:
    ids = every_id(hostile)
    chosen = [ids[3], "no-such-item", ids[0], ids[-1], ids[3], *ids[10:5:-1]]
    assert export_bytes(hostile, chosen) == export_bytes(hostile, chosen, per_item=True)
    assert export_bytes(hostile, []) == export_bytes(hostile, [], per_item=True)


def test_more_rows_than_one_chunk_and_progress_on_the_same_steps(hostile: Library) -> None:
    ids = every_id(hostile)
    many = (ids * (2 * EXPORT_CHUNK // len(ids) + 2))[: 2 * EXPORT_CHUNK + 7]  # repeated ids: rows of their own
    assert export_bytes(hostile, many) == export_bytes(hostile, many, per_item=True)
    chunks = list(sql_rows(hostile, many, resolve_columns(), False, cell_text, EXPORT_CHUNK) or [])
    assert [count for count, _rows in chunks] == [EXPORT_CHUNK, EXPORT_CHUNK, 7]


def test_only_the_default_profiles_own_columns_take_the_sql_path(hostile: Library) -> None:
    ids = every_id(hostile)
    assert sql_rows(hostile, ids, resolve_columns("default", DEFAULT_COLUMNS), False, cell_text, 10) is not None
    assert sql_rows(hostile, ids, resolve_columns("dublin-core"), False, cell_text, 10) is None


def test_a_chunk_with_nothing_to_guard_is_quoted_as_csv_writes_it(library: Library, tmp_path: Path) -> None:
    ids = every_id(library)
    set_note(library, ids[0], 'a "quoted" word, a comma\r\nand a line break\n\nand blank lines')
    set_note(library, ids[1], "semicolons; tabs\tand a trailing space ")
    add_tags(library, ids[:3], ["with, comma", 'with "quote"', "plain"])
    set_item_time(library, ids[2], "2021-02-18T20:44:00Z", "minute")
    with library.store.transaction() as conn:
        conn.execute(
            "INSERT INTO attachments(item_id, mode, path, original_name, sha256, size, mtime, mime, media_type, "
            "width, height) VALUES (?, 'link', ?, 'f', 'ab', 7, 0, 'image/png', 'image', 2, 3)",
            (ids[1], str(tmp_path / 'a "file", named.png')),
        )
    for options in ({}, {"raw": True}, {"columns": [*DEFAULT_COLUMNS, "source_count", "attachment_count"]}):
        assert export_bytes(library, ids, **options) == export_bytes(library, ids, per_item=True, **options)
    made = list(sql_rows(library, ids, resolve_columns(), False, cell_text, EXPORT_CHUNK) or [])
    assert made and all(isinstance(payload, str) for _count, payload in made)  # CSV text, not cells
    assert sum(count for count, _payload in made) == len(ids)


def test_a_cancelled_export_ends_its_reader_thread_before_it_returns(library: Library, tmp_path: Path) -> None:
    many = (every_id(library) * (3 * EXPORT_CHUNK))[: 3 * EXPORT_CHUNK]

    def cancel_at_the_first_chunk(progress: Progress) -> None:
        if progress.done:
            job.cancel()

    job = Job(cancel_at_the_first_chunk)
    with pytest.raises(Cancelled):
        export_csv(library, many, tmp_path / "cancelled.csv", job=job)
    assert not [t for t in threading.enumerate() if t.name == "mediacat-export-rows"]
    assert not (tmp_path / "cancelled.csv").exists() and not list(tmp_path.glob(".cancelled.csv.*"))


# what a chunk's text is made of, and every character the guard's patterns name
CHUNK_PIECES = ["a", "b", " ", "'", '"', ",", ";", "\x1f", "\x1e", "\n", "\r", "\t", "-", "=", "+", "@", "|",
                "\uff1d", "\uff0b", "\uff0d", "\uff20", "2021-02-18", "bench-000001", "; ", "\x1f-", "\n -"]


def test_the_chunk_look_answers_as_the_two_patterns_do() -> None:
    import random

    rng = random.Random(12)
    texts = ["", "-", "\n", "\x1f-", "-\x1f", "a\n\"'-", "\x1e -"]
    texts += ["".join(rng.choices(CHUNK_PIECES, k=rng.randint(1, 12))) for _ in range(20000)]
    for text in texts:
        assert _chunk_may_need_guard(text) == bool(_IN_A_CHUNK.search(text) or _INSIDE.search(text)), repr(text)


def test_cells_are_quoted_as_csv_writer_quotes_them() -> None:
    cells = ["", "plain", 'a "quote"', "a, comma", "line\nbreak", "cr\r", "semi; colon", " space ", "'", '"']
    out = io.StringIO()
    csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n").writerow(cells)
    assert _csv_cells(cells) + "\r\n" == out.getvalue()
