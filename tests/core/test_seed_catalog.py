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
    "description", "evidence", "nasa_ids", "official_urls", "media_urls", "sources",
}  # fmt: skip
ARTICLE_FIELDS = {"id", "file", "outlet", "title", "date", "author", "url", "original_file", "provenance"}
REQUIRED_ITEMS = {
    "skycrane-still", "hazcam-wheel-color", "hazcam-first-frames", "hazcam-first-color-forward",
    "hirise-parachute-descent", "hirise-descent-closeup", "edl-landing-video", "edl-parachute-uplook",
    "edl-rover-downlook", "edl-descent-stage-downlook", "edl-rover-uplook", "edl-camera-diagram",
    "navcam-panorama", "mars-wind-audio-original", "mars-wind-audio-filtered", "bbc-rover-infographic",
    "raw-image-gallery", "pale-blue-dot", "pillars-of-creation", "curiosity-descent-movie", "mastcam-z-panorama",
}  # fmt: skip
REFERENCED_ITEMS = {"pale-blue-dot", "pillars-of-creation", "curiosity-descent-movie"}
PHASELESS_GRAPHICS = {"bbc-rover-infographic"}  # a graphic of the rover shows no moment of the mission
# A quote may be shared only by items that are each named in it (the name as the article spells it).
NAMED_IN_QUOTE = {"pale-blue-dot": "Pale blue point", "pillars-of-creation": "Pillars of creation"}


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
        assert item["evidence"].strip(), item["id"]
        assert item["date_taken"] is None or ISO_DATE.match(item["date_taken"]), item["id"]
        if item["kind"] == "referenced":
            assert item["mission_phase"] is None, item["id"]
        elif item["id"] in PHASELESS_GRAPHICS:
            assert item["kind"] == "diagram" and item["mission_phase"] is None, item["id"]
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
    assert "PIA24422" not in by_id["navcam-panorama"]["nasa_ids"]  # the 360° mosaic, not the six-image panorama
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


# /work/shared beside the checkout: two levels up from /work/main, three from a worktree in /work/wt/<branch>
SHARED = next((up / "shared" for up in SEEDS.parents if (up / "shared" / "reference").is_dir()), Path("/nonexistent"))
REFERENCE = SHARED / "reference" / "landing-media-facts.md"
AUDIT = REFERENCE.with_name("catalog-audit.md")


@pytest.mark.skipif(not REFERENCE.is_file(), reason="the research notes live beside the repository, not in it")
def test_every_official_reference_comes_from_the_research_notes(catalog: dict) -> None:
    notes = REFERENCE.read_text(encoding="utf-8") + AUDIT.read_text(encoding="utf-8")
    for item in _items(catalog):
        for value in item["nasa_ids"] + item["official_urls"] + item["media_urls"]:
            youtube_id = value.removeprefix("https://www.youtube.com/watch?v=")
            assert value in notes or youtube_id in notes, (item["id"], value)


def test_no_quote_is_shared_by_two_items_unless_both_are_named_in_it(catalog: dict) -> None:
    users: dict[tuple[str, str], list[str]] = {}
    for item in _items(catalog):
        for source in item["sources"]:
            users.setdefault((source["article"], source["quote"]), []).append(item["id"])
    for (_article, quote), item_ids in users.items():
        if len(set(item_ids)) > 1:
            for item_id in item_ids:
                assert item_id in NAMED_IN_QUOTE and NAMED_IN_QUOTE[item_id] in quote, (item_ids, quote)


def _quotes(item: dict) -> list[str]:
    return [source["quote"] for source in item["sources"]]


def test_the_audits_corrections_stay_corrected(catalog: dict) -> None:
    """Each row of shared/reference/catalog-audit.md (December 2026), as the catalog now has it."""
    by_id = {item["id"]: item for item in _items(catalog)}
    announcements = ("for the first time, audio", "touchdown sequence - with sound", "hopefully have audio")
    wind = by_id["mars-wind-audio-original"]
    assert not [q for q in _quotes(wind) if any(a in q for a in announcements)]
    video = by_id["edl-landing-video"]
    assert all(any(a in q for q in _quotes(video)) for a in announcements)
    assert "10 s" not in wind["description"] and "seconds in" not in wind["description"]
    panorama_sentence = "One of their first tasks will be to make panoramas"
    assert not any(panorama_sentence in q for q in _quotes(by_id["navcam-panorama"]))
    mastcam = by_id["mastcam-z-panorama"]
    assert (mastcam["kind"], mastcam["nasa_ids"]) == ("panorama", [])
    assert any(panorama_sentence in q for q in _quotes(mastcam))
    navcam = by_id["navcam-panorama"]
    assert navcam["nasa_ids"] == [] and navcam["media_urls"] == [] and "PIA24422" not in str(navcam["official_urls"])
    single_source = ("45507_PIA24428", "45689_PIA24430", "45703_JPL", "45732_nasa", "PIA24422~orig", "jpeg/PIA24422")
    for item in _items(catalog):
        assert not [url for url in item["media_urls"] if any(s in url for s in single_source)], item["id"]
    assert video["media_urls"] == [
        "https://svs.gsfc.nasa.gov/vis/a030000/a031200/a031250/Perseverance-landing-1080p.mp4"
    ]
    assert "7 miles (11 kilometers)" in video["description"] and "under the parachute" not in video["description"]
    assert "Front" not in by_id["hazcam-first-color-forward"]["camera"]
    assert "15 s" not in by_id["edl-parachute-uplook"]["description"]
    downlook = by_id["edl-rover-downlook"]
    assert downlook["mission_phase"] == "entry-descent-landing" and "9.5 km" not in downlook["description"]
    wheel = by_id["hazcam-wheel-color"]
    assert wheel["date_taken"] is None and "alt text 'Wheel'" in wheel["description"]
    frames = by_id["hazcam-first-frames"]
    assert "front and rear" not in frames["camera"] and "First Image from Mars" not in frames["description"]
    curiosity = by_id["curiosity-descent-movie"]
    assert (curiosity["date_taken"], curiosity["credit"]) == ("2012-08-06", "NASA/JPL-Caltech/MSSS")
    assert "297" in curiosity["description"] and "1600" not in curiosity["description"]
    assert curiosity["official_urls"] == ["https://mars.nasa.gov/resources/20067/dropping-in-on-mars-a-rovers-eye-view/"]
    pillars = by_id["pillars-of-creation"]
    assert pillars["credit"] == "NASA, J. Hester and P. Scowen (ASU)" and "WFPC2" in pillars["camera"]
    assert "STScI-1995-44" in pillars["description"]
    assert "inset" in by_id["hirise-descent-closeup"]["description"]
    assert by_id["raw-image-gallery"]["credit"] == "NASA/JPL-Caltech"
    assert "narrow-angle camera" in by_id["pale-blue-dot"]["camera"].lower()
    assert by_id["bbc-rover-infographic"]["mission_phase"] is None


def test_the_readme_says_why_the_related_stories_are_left_out() -> None:
    readme = (SEEDS / "README.md").read_text(encoding="utf-8")
    for story in ("Ingenuity", "habitat", "CTX"):
        assert story in readme


BUILTIN = SEEDS / "builtin_media.json"
SHARED_MANIFEST = SHARED / "media" / "MANIFEST.tsv"


def _builtin() -> list[dict]:
    return json.loads(BUILTIN.read_text(encoding="utf-8"))["files"]


def test_every_builtin_file_is_there_byte_for_byte_as_the_manifest_says(catalog: dict) -> None:
    import hashlib

    from PIL import Image

    ids = {item["id"] for item in _items(catalog)}
    files = _builtin()
    assert len(files) == 6
    assert {path.name for path in (SEEDS / "media").iterdir()} == {Path(m["file"]).name for m in files}
    for media in files:
        data = (SEEDS / media["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == media["sha256"], media["file"]
        assert len(data) == media["bytes"]
        with Image.open(SEEDS / media["file"]) as image:
            assert image.size == (media["width"], media["height"])
        assert media["item_id"] in ids and Path(media["file"]).name.startswith(media["item_id"] + "__")
        assert media["relation"] in {"own-image", "one-of-set", "frame-of-clip", "related"}
        assert media["label"].strip() and media["credit"] == "NASA/JPL-Caltech"


@pytest.mark.skipif(not SHARED_MANIFEST.is_file(), reason="the shared media folder lives beside the repository")
def test_the_builtin_manifest_agrees_with_the_shared_manifest() -> None:
    import csv

    with SHARED_MANIFEST.open(encoding="utf-8") as handle:
        shared = {row["file"]: row for row in csv.DictReader(handle, delimiter="\t")}
    for media in _builtin():
        row = shared[Path(media["file"]).name]
        assert (row["sha256"], row["item_id"], row["credit"]) == (media["sha256"], media["item_id"], media["credit"])
        assert row["relation"] == media["relation_text"] and row["pixels"] == f"{media['width']}x{media['height']}"
    labels = {m["item_id"]: m["label"] for m in _builtin()}
    assert labels["edl-parachute-uplook"] == "A frame from the parachute up-look camera, not the clip"
    assert labels["navcam-panorama"] == "Related view: the 360° Navcam mosaic, not this six-image panorama"
    relations = {m["item_id"]: m["relation"] for m in _builtin()}
    assert relations["navcam-panorama"] == "related" and relations["edl-parachute-uplook"] == "frame-of-clip"
