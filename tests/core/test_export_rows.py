"""The export's set-based records read the same as the full items they replace (issue 12)."""

from __future__ import annotations

from pathlib import Path

from mediacat.core.attachments import attach_file
from mediacat.core.csv_cells import COLUMNS, DUBLIN_CORE_COLUMNS
from mediacat.core.export_rows import export_records
from mediacat.core.library import Library
from mediacat.core.tags import add_tags, set_notes_many
from tests.media_fixtures import make_jpeg


def test_every_column_reads_the_same_from_a_record_as_from_the_item(tmp_path: Path) -> None:
    with Library.open(tmp_path / "lib") as library:
        ids = library.item_ids()
        add_tags(library, ids[::2], ["=sum(A1)", "landing"])
        set_notes_many(library, {ids[1]: "two\nlines"})
        attach_file(library, ids[0], make_jpeg(tmp_path / "a.jpg"), mode="link")
        for selection in (ids, ids[3:9][::-1], [ids[0], "no-such-item", ids[0]]):
            items = library.items(selection)
            records = list(export_records(library, selection))
            assert [r.id for r in records] == [i.id for i in items]
            for item, record in zip(items, records, strict=True):
                for name, column in {**COLUMNS, **DUBLIN_CORE_COLUMNS}.items():
                    assert column.getter(record) == column.getter(item), (item.id, name)
        assert list(export_records(library, [])) == []
