"""Tags and notes in the core: add/remove on many items, rename, merge, orphan clean-up, notes, search."""

from __future__ import annotations

import pytest

from mediacat.core.errors import UnknownItem
from mediacat.core.library import Library
from mediacat.core.search import ItemQuery
from mediacat.core.tags import (
    NoteError,
    TagError,
    UnknownTag,
    add_tags,
    all_tag_names,
    merge_tags,
    normalize_tag,
    remove_tags,
    rename_tag,
    set_note,
    set_notes_many,
    set_tags,
    set_tags_many,
    tag_counts,
    tags_of,
)

THREE = ["skycrane-still", "navcam-panorama", "mars-wind-audio-original"]


def tag_rows(library: Library) -> list[str]:
    return [row[0] for row in library.store.execute("SELECT name FROM tags ORDER BY name")]


def test_add_tags_to_many_items_in_one_call_and_report_the_change(library: Library) -> None:
    edit = add_tags(library, THREE, ["landing", " favourite  "])
    assert sorted(edit.changed_ids) == sorted(THREE)
    assert all(edit.before[item_id] == () for item_id in THREE)
    assert all(edit.after[item_id] == ("favourite", "landing") for item_id in THREE)
    assert library.item("navcam-panorama").tags == ("favourite", "landing")
    assert tag_counts(library) == [("favourite", 3), ("landing", 3)]
    assert all_tag_names(library) == ["favourite", "landing"]


def test_adding_a_tag_an_item_has_changes_nothing_and_reuses_the_existing_spelling(library: Library) -> None:
    add_tags(library, ["skycrane-still"], ["Favourite"])
    edit = add_tags(library, ["skycrane-still", "navcam-panorama"], ["favourite"])
    assert edit.changed_ids == ["navcam-panorama"]
    assert tags_of(library, ["skycrane-still", "navcam-panorama"]) == {
        "skycrane-still": ("Favourite",),
        "navcam-panorama": ("Favourite",),
    }
    assert tag_rows(library) == ["Favourite"]


def test_remove_tags_deletes_tags_left_unused(library: Library) -> None:
    add_tags(library, THREE, ["landing", "wind"])
    edit = remove_tags(library, THREE, ["WIND"])
    assert sorted(edit.changed_ids) == sorted(THREE)
    assert tag_rows(library) == ["landing"]
    remove_tags(library, THREE[:2], ["landing"])
    assert tag_counts(library) == [("landing", 1)]
    remove_tags(library, THREE, ["landing"])
    assert tag_rows(library) == []
    assert library.store.execute("SELECT count(*) FROM item_tags").fetchone()[0] == 0


def test_set_tags_replaces_an_items_tags(library: Library) -> None:
    add_tags(library, ["skycrane-still"], ["a", "b"])
    edit = set_tags(library, "skycrane-still", ["b", "c"])
    assert edit.before == {"skycrane-still": ("a", "b")}
    assert edit.after == {"skycrane-still": ("b", "c")}
    assert tag_rows(library) == ["b", "c"]


def test_set_tags_many_restores_a_before_state_exactly(library: Library) -> None:
    add_tags(library, THREE[:1], ["x"])
    edit = add_tags(library, THREE, ["y"])
    undo = set_tags_many(library, edit.before)
    assert tags_of(library, THREE) == {THREE[0]: ("x",), THREE[1]: (), THREE[2]: ()}
    assert undo.before == edit.after
    set_tags_many(library, edit.after)
    assert tags_of(library, THREE) == edit.after


def test_unknown_item_changes_nothing(library: Library) -> None:
    add_tags(library, ["skycrane-still"], ["keep"])
    with pytest.raises(UnknownItem, match="no-such-item"):
        add_tags(library, ["navcam-panorama", "no-such-item"], ["new"])
    with pytest.raises(UnknownItem, match="no-such-item"):
        remove_tags(library, ["skycrane-still", "no-such-item"], ["keep"])
    with pytest.raises(UnknownItem, match="no-such-item"):
        set_note(library, "no-such-item", "text")
    assert tag_counts(library) == [("keep", 1)]
    assert library.item("navcam-panorama").tags == ()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "empty tag name"),
        ("   ", "empty tag name"),
        ("a;b", "';' is not allowed"),
        ("line\nbreak", "control characters"),
        ("tab\there", "control characters"),
        ("x" * 201, "longer than 200"),
    ],
)
def test_bad_tag_names_are_refused_with_a_message_naming_the_tag(library: Library, name: str, message: str) -> None:
    with pytest.raises(TagError, match=message):
        add_tags(library, ["skycrane-still"], ["good", name])
    assert tag_rows(library) == []


def test_tag_names_are_trimmed() -> None:
    assert normalize_tag("  sky crane \t") == "sky crane"


def test_rename_a_tag_keeps_its_items(library: Library) -> None:
    add_tags(library, THREE[:2], ["skycrane"])
    edit = rename_tag(library, "skycrane", "sky crane")
    assert sorted(edit.changed_ids) == sorted(THREE[:2])
    assert tag_counts(library) == [("sky crane", 2)]
    assert library.item_ids(ItemQuery(tags=("sky crane",))) == library.item_ids(ItemQuery(item_ids=tuple(THREE[:2])))
    assert library.item_ids(ItemQuery(tags=("skycrane",))) == []


def test_rename_changing_only_the_case(library: Library) -> None:
    add_tags(library, THREE, ["mars"])
    rename_tag(library, "mars", "Mars")
    assert tag_counts(library) == [("Mars", 3)]


def test_rename_onto_an_existing_tag_merges_them(library: Library) -> None:
    add_tags(library, THREE[:2], ["edl"])
    add_tags(library, THREE[1:], ["landing"])
    edit = rename_tag(library, "edl", "landing")
    assert tag_counts(library) == [("landing", 3)]
    assert tag_rows(library) == ["landing"]
    assert edit.before[THREE[1]] == ("edl", "landing")
    assert edit.after[THREE[1]] == ("landing",)


def test_merge_several_tags_into_a_new_one(library: Library) -> None:
    add_tags(library, THREE[:1], ["a"])
    add_tags(library, THREE[1:2], ["b"])
    add_tags(library, THREE[2:], ["c"])
    merge_tags(library, ["a", "b"], "ab")
    assert tag_counts(library) == [("ab", 2), ("c", 1)]


def test_merge_and_rename_of_an_unknown_tag_change_nothing(library: Library) -> None:
    add_tags(library, THREE[:1], ["a"])
    with pytest.raises(UnknownTag, match="'nope'"):
        merge_tags(library, ["a", "nope"], "b")
    with pytest.raises(UnknownTag, match="'nope'"):
        rename_tag(library, "nope", "b")
    with pytest.raises(TagError, match="';' is not allowed"):
        rename_tag(library, "a", "x;y")
    assert tag_counts(library) == [("a", 1)]


def test_notes_are_saved_searchable_and_keep_line_breaks(library: Library) -> None:
    edit = set_note(library, "navcam-panorama", "Check the horizon\r\nfor dust devils")
    assert edit.before == "" and edit.after == "Check the horizon\nfor dust devils"
    assert library.item("navcam-panorama").notes == "Check the horizon\nfor dust devils"
    assert library.item_ids(ItemQuery(search="devils")) == ["navcam-panorama"]
    set_note(library, "navcam-panorama", "")
    assert library.item_ids(ItemQuery(search="devils")) == []
    with pytest.raises(NoteError, match="NUL"):
        set_note(library, "navcam-panorama", "a\x00b")


def test_tags_are_searchable_and_filterable_and_follow_renames(library: Library) -> None:
    add_tags(library, THREE[:2], ["zebrafish"])
    assert sorted(library.item_ids(ItemQuery(search="zebrafish"))) == sorted(THREE[:2])
    assert sorted(library.item_ids(ItemQuery(tags=("zebrafish",)))) == sorted(THREE[:2])
    rename_tag(library, "zebrafish", "okapi")
    assert library.item_ids(ItemQuery(search="zebrafish")) == []
    assert sorted(library.item_ids(ItemQuery(search="okapi"))) == sorted(THREE[:2])
    remove_tags(library, THREE[:1], ["okapi"])
    assert library.item_ids(ItemQuery(search="okapi")) == [THREE[1]]


def test_filter_by_several_tags_needs_all_of_them(library: Library) -> None:
    add_tags(library, THREE, ["landing"])
    add_tags(library, THREE[:1], ["favourite"])
    assert library.item_ids(ItemQuery(tags=("landing", "favourite"))) == [THREE[0]]


def test_a_batch_edit_is_set_based_and_its_undo_hands_the_json_back(library: Library):
    from mediacat.core.events import events
    from mediacat.core.tag_batch import TagsByItem

    ids = library.item_ids()[:4]
    add_tags(library, ids[:1], ["first"])
    edit = add_tags(library, [*ids, ids[0]], ["Batch", "first"])  # a repeated id counts once
    assert isinstance(edit.before, TagsByItem) and list(edit.before) == ids  # in the given order
    assert edit.before[ids[0]] == ("first",) and edit.after[ids[1]] == ("Batch", "first")
    logged = [e for e in events(library) if e.action == "tag"][-4:]
    assert [(e.item_id, e.details["before"], e.details["after"]) for e in logged] == [
        (ids[0], ["first"], ["Batch", "first"])] + [(i, [], ["Batch", "first"]) for i in ids[1:]]
    undone = set_tags_many(library, edit.before)  # the JSON goes back to SQLite as it is
    assert dict(undone.after) == {ids[0]: ("first",), **{i: () for i in ids[1:]}}
    assert library.item_ids(ItemQuery(search="batch")) == []  # the search index followed
    with pytest.raises(UnknownItem, match="no-such-item"):
        set_notes_many(library, {ids[0]: "kept out", "no-such-item": "x"})
    assert library.item(ids[0]).notes != "kept out"  # nothing of the failed batch was written
