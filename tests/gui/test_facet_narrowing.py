"""Issue 16: the side bar's counts follow the other active filters (as digiKam's and calibre's do)."""

from __future__ import annotations

from mediacat.core.search import ItemQuery
from mediacat.gui.models.facet_model import FACET_ROLE, VALUE_ROLE
from tests.gui.window_helpers import open_window, settle


def facet_labels(window, key: str) -> dict[str, str]:
    """value -> the label shown ("Still (5)") in one facet of the side bar."""
    facets = window.facets
    for row in range(facets.rowCount()):
        branch = facets.item(row)
        if branch.data(FACET_ROLE) == key:
            return {branch.child(c).data(VALUE_ROLE): branch.child(c).text() for c in range(branch.rowCount())}
    return {}


def test_checking_images_narrows_the_kind_counts(qtbot, library):
    window = open_window(qtbot, library)
    settle(qtbot, window)
    recordings = len(library.item_ids(ItemQuery(kinds=("recording",))))
    assert recordings >= 1 and facet_labels(window, "kind")["recording"] == f"Recording ({recordings})"

    assert window.facets.set_checked("media_type", "image")
    qtbot.waitUntil(lambda: window.current_query().media_types == ("image",))
    settle(qtbot, window)
    kinds = facet_labels(window, "kind")
    assert "recording" not in kinds  # no image is a recording: the value is not offered
    stills = len(library.item_ids(ItemQuery(kinds=("still",), media_types=("image",))))
    assert kinds["still"] == f"Still ({stills})"
    # the media-type facet is not narrowed by itself: its values are alternatives
    audio = len(library.item_ids(ItemQuery(media_types=("audio",))))
    assert facet_labels(window, "media_type")["audio"] == f"Audio ({audio})"
