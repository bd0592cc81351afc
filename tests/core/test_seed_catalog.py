"""The shipped seed catalog (seeds/catalog.json + seeds/articles/*.txt) is complete and consistent.

Stdlib only: these tests check the data itself, independently of the loader in mediacat.core.seeds.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MEDIA_TYPES = {"image", "video", "audio"}
KINDS = {"still", "clip", "recording", "panorama", "diagram", "gallery", "referenced"}
# Official identifiers allowed in nasa_ids (documented in seeds/README.md).
ID_PATTERNS = (
    re.compile(r"^PIA\d{5}$"),  # NASA Photojournal
    re.compile(r"^ESP_\d{6}_\d{4}$"),  # HiRISE observation
)
ITEM_FIELDS = {
    "id", "title", "media_type", "kind", "camera", "date_taken", "mission_phase", "credit",
    "description", "nasa_ids", "official_urls", "media_urls", "sources",
}  # fmt: skip
ARTICLE_FIELDS = {"id", "file", "outlet", "title", "date", "author", "url", "original_file", "provenance"}
REQUIRED_ITEMS = {
    "skycrane-still", "hazcam-wheel-color", "hazcam-first-frames", "hazcam-first-color-forward",
    "hirise-parachute-descent", "hirise-descent-closeup", "edl-landing-video", "edl-parachute-uplook",
    "edl-rover-downlook", "edl-descent-stage-downlook", "edl-rover-uplook", "edl-camera-diagram",
    "navcam-panorama", "mars-wind-audio-original", "mars-wind-audio-filtered", "bbc-rover-infographic",
    "raw-image-gallery", "pale-blue-dot", "pillars-of-creation", "curiosity-descent-movie",
}  # fmt: skip
REFERENCED_ITEMS = {"pale-blue-dot", "pillars-of-creation", "curiosity-descent-movie"}


@pytest.fixture(scope="module")
def catalog() -> dict:
    return json.loads((SEEDS / "catalog.json").read_bytes().decode("utf-8"))


@pytest.fixture(scope="module")
def texts(catalog: dict) -> dict[str, str]:
    return {article["id"]: (SEEDS / article["file"]).read_bytes().decode("utf-8") for article in catalog["articles"]}


def _items(catalog: dict) -> list[dict]:
    return catalog["items"]


def test_catalog_has_the_documented_top_level_shape(catalog: dict) -> None:
    assert catalog["format"] == 1
    assert re.fullmatch(r"\d{4}\.\d{1,2}\.\d{1,2}", catalog["version"])
    for key in ("mission_phases", "articles", "items"):
        assert isinstance(catalog[key], list) and catalog[key], key


def test_catalog_is_pretty_printed_utf8_with_two_space_indent() -> None:
    raw = (SEEDS / "catalog.json").read_text(encoding="utf-8")
    assert raw.startswith('{\n  "format": 1,')
    assert "\\u2019" not in raw  # curly quotes stored as UTF-8, not escaped


def test_articles_exist_as_non_empty_utf8_files_under_articles(catalog: dict, texts: dict[str, str]) -> None:
    for article in catalog["articles"]:
        assert set(article) == ARTICLE_FIELDS, article["id"]
        assert article["file"] == f"articles/{article['id']}.txt"
        assert texts[article["id"]].strip(), article["id"]
        assert re.fullmatch(r"\d{3}_[0-9a-f]{16}\.txt", article["original_file"]), article["id"]
        assert article["provenance"].strip() and article["title"].strip() and article["outlet"].strip()
    files_on_disk = {path.name for path in (SEEDS / "articles").glob("*.txt")}
    assert files_on_disk == {Path(article["file"]).name for article in catalog["articles"]}
    assert len(catalog["articles"]) == 5
    assert len({article["original_file"] for article in catalog["articles"]}) == 5


def test_article_ids_are_outlet_slug_plus_their_date(catalog: dict) -> None:
    for article in catalog["articles"]:
        assert SLUG.match(article["id"]), article["id"]
        assert ISO_DATE.match(article["date"]), article["id"]
        assert article["id"].endswith("-" + article["date"]), article["id"]


def test_authors_are_a_name_or_unknown(catalog: dict) -> None:
    authors = {article["id"]: article["author"] for article in catalog["articles"]}
    for article_id, author in authors.items():
        assert author == "unknown" or re.fullmatch(r"[A-Z][\w'.-]+( [A-Z][\w'.-]+)+", author), (article_id, author)
    assert authors["bbc-news-2021-02-19"] == "Jonathan Amos"
    assert authors["digital-trends-2021-02-22"] == "Georgina Torbet"
    assert authors["digital-trends-2021-02-20"] == "unknown"  # only PROBABLE, so not guessed


def test_ids_are_unique_slugs(catalog: dict) -> None:
    for key in ("mission_phases", "articles", "items"):
        ids = [record["id"] for record in catalog[key]]
        assert len(ids) == len(set(ids)), key
        assert all(SLUG.match(record_id) for record_id in ids), key


def test_phases_have_labels_and_run_from_descent_to_surface(catalog: dict) -> None:
    phases = catalog["mission_phases"]
    assert all(phase["label"].strip() for phase in phases)
    ids = [phase["id"] for phase in phases]
    order = ["entry-descent-landing", "parachute-descent", "skycrane", "first-images", "surface-operations"]
    assert [phase for phase in ids if phase in order] == order


def test_items_have_every_field_with_allowed_values(catalog: dict) -> None:
    phase_ids = {phase["id"] for phase in catalog["mission_phases"]}
    for item in _items(catalog):
        assert set(item) == ITEM_FIELDS, item["id"]
        assert item["media_type"] in MEDIA_TYPES, item["id"]
        assert item["kind"] in KINDS, item["id"]
        assert item["title"].strip() and item["description"].strip() and item["credit"].strip(), item["id"]
        assert item["date_taken"] is None or ISO_DATE.match(item["date_taken"]), item["id"]
        if item["kind"] == "referenced":
            assert item["mission_phase"] is None, item["id"]
        else:
            assert item["mission_phase"] in phase_ids, item["id"]


def test_every_phase_but_one_in_between_is_used(catalog: dict) -> None:
    used = {item["mission_phase"] for item in _items(catalog)}
    unused = [phase["id"] for phase in catalog["mission_phases"] if phase["id"] not in used]
    assert unused in ([], ["powered-descent"])


def test_every_quote_occurs_verbatim_in_its_article(catalog: dict, texts: dict[str, str]) -> None:
    for item in _items(catalog):
        assert item["sources"], f"{item['id']} has no source"
        for source in item["sources"]:
            assert source["article"] in texts, (item["id"], source["article"])
            assert source["quote"].strip(), item["id"]
            assert source["quote"] in texts[source["article"]], (item["id"], source["quote"])


def test_every_article_is_linked_by_an_item(catalog: dict) -> None:
    linked = {source["article"] for item in _items(catalog) for source in item["sources"]}
    assert linked == {article["id"] for article in catalog["articles"]}


def test_required_items_exist(catalog: dict) -> None:
    ids = {item["id"] for item in _items(catalog)}
    assert not REQUIRED_ITEMS - ids, sorted(REQUIRED_ITEMS - ids)
    assert len(ids) >= 20


def test_referenced_items_are_exactly_the_other_mission_media(catalog: dict) -> None:
    assert {item["id"] for item in _items(catalog) if item["kind"] == "referenced"} == REFERENCED_ITEMS


def test_media_types_and_kinds_of_key_items(catalog: dict) -> None:
    by_id = {item["id"]: item for item in _items(catalog)}
    expected = {
        "edl-landing-video": ("video", "clip"),
        "edl-parachute-uplook": ("video", "clip"),
        "edl-rover-downlook": ("video", "clip"),
        "edl-descent-stage-downlook": ("video", "clip"),
        "edl-rover-uplook": ("video", "clip"),
        "mars-wind-audio-original": ("audio", "recording"),
        "mars-wind-audio-filtered": ("audio", "recording"),
        "navcam-panorama": ("image", "panorama"),
        "edl-camera-diagram": ("image", "diagram"),
        "raw-image-gallery": ("image", "gallery"),
        "skycrane-still": ("image", "still"),
    }
    for item_id, (media_type, kind) in expected.items():
        assert (by_id[item_id]["media_type"], by_id[item_id]["kind"]) == (media_type, kind), item_id


def test_urls_are_https_and_ids_match_official_patterns(catalog: dict) -> None:
    for article in catalog["articles"]:
        assert article["url"] is None or article["url"].startswith("https://"), article["id"]
    for item in _items(catalog):
        for key in ("nasa_ids", "official_urls", "media_urls"):
            assert isinstance(item[key], list), (item["id"], key)
            assert len(item[key]) == len(set(item[key])), (item["id"], key)
        for url in item["official_urls"] + item["media_urls"]:
            assert re.match(r"^https://[a-z0-9.-]+\.[a-z]{2,}/\S*$", url), (item["id"], url)
        for url in item["media_urls"]:
            assert re.search(r"\.(jpg|png|mp4|mp3)$", url), (item["id"], url)
        for nasa_id in item["nasa_ids"]:
            assert any(pattern.match(nasa_id) for pattern in ID_PATTERNS), (item["id"], nasa_id)


def test_verified_ids_are_on_the_right_items_and_pattern_derived_urls_are_absent(catalog: dict) -> None:
    by_id = {item["id"]: item for item in _items(catalog)}
    assert "PIA24428" in by_id["skycrane-still"]["nasa_ids"]
    assert "PIA24430" in by_id["hazcam-first-color-forward"]["nasa_ids"]
    assert "PIA24270" in by_id["hirise-parachute-descent"]["nasa_ids"]
    assert "PIA24422" in by_id["navcam-panorama"]["nasa_ids"]
    assert "PIA00452" in by_id["pale-blue-dot"]["nasa_ids"]
    all_ids = {nasa_id for item in _items(catalog) for nasa_id in item["nasa_ids"]}
    assert not all_ids & {"PIA24431", "PIA24427", "PIA23645"}  # unverified leads stay out
    for item in _items(catalog):
        for url in item["official_urls"]:
            assert "photojournal.jpl.nasa.gov/catalog/" not in url, (item["id"], url)
    # The official video is known by its VERIFIED YouTube id; the single-source mars.nasa.gov page stays out.
    landing_video = by_id["edl-landing-video"]["official_urls"]
    assert "https://www.youtube.com/watch?v=4czjS9h4Fpg" in landing_video
    assert not any("/resources/25628/" in url for url in landing_video)


REFERENCE = SEEDS.parent.parent / "shared" / "reference" / "landing-media-facts.md"


@pytest.mark.skipif(not REFERENCE.is_file(), reason="the research notes live beside the repository, not in it")
def test_every_official_reference_comes_from_the_research_notes(catalog: dict) -> None:
    notes = REFERENCE.read_text(encoding="utf-8")
    for item in _items(catalog):
        for value in item["nasa_ids"] + item["official_urls"] + item["media_urls"]:
            youtube_id = value.removeprefix("https://www.youtube.com/watch?v=")
            assert value in notes or youtube_id in notes, (item["id"], value)
