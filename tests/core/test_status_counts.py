"""The status bar's counts from a query's id list and a cached set of the items with media (issue 12)."""

from __future__ import annotations

from pathlib import Path

from mediacat.core.attachments import attach_file
from mediacat.core.library import Library, StatusCounts
from mediacat.core.search import ItemQuery
from tests.media_fixtures import make_jpeg


def test_counts_follow_attachments_made_here_and_by_another_connection(tmp_path: Path) -> None:
    with Library.open(tmp_path / "lib") as library:
        everything = library.item_ids()
        images = library.item_ids(ItemQuery(media_types=("image",)))
        assert library.status_counts(images) == StatusCounts(len(images), 0, len(everything))
        attach_file(library, images[0], make_jpeg(tmp_path / "a.jpg"), mode="link")
        assert library.status_counts(images) == StatusCounts(len(images), 1, len(everything))  # own write
        assert library.status_counts([]) == StatusCounts(0, 0, len(everything))
        with library.reopen() as other:
            assert other.status_counts(everything).with_media == 1
            attach_file(other, images[1], make_jpeg(tmp_path / "b.jpg", (320, 240)), mode="link")
        assert library.status_counts(images).with_media == 2  # another connection's commit
        assert library.status_counts(images[2:]).with_media == 0
        expected = library.count_items(ItemQuery(media_types=("image",), has_attachments=True))
        assert library.status_counts(images).with_media == expected
