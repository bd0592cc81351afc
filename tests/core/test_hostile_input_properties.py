"""Property tests for what hostile input reaches (issue 13's harness list): URL validation, file-name
sanitising and the search query parser never raise anything but their own MediaCatError, and what they let
through is safe."""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mediacat.core.download import UnsupportedURL, check_url
from mediacat.core.errors import MediaCatError
from mediacat.core.filestore import BIDI_CONTROLS, MAX_NAME_BYTES, TEMP_PREFIX, safe_file_name
from mediacat.core.library import Library
from mediacat.core.search import ItemQuery

URLISH = st.builds(lambda scheme, host, port, rest: f"{scheme}://{host}{port}/{rest}",
                   st.sampled_from(["http", "https", "HTTP", "ftp", "file", "javascript", ""]),
                   st.text(max_size=80), st.sampled_from(["", ":80", ":99999", ":-1", ":x", ":0"]),
                   st.text(max_size=30))


@given(st.one_of(URLISH, st.text(max_size=100)))
def test_check_url_accepts_only_http_urls_with_a_host_and_raises_nothing_else(url: str) -> None:
    try:
        normalized = check_url(url)
    except UnsupportedURL:
        return
    assert normalized.split(":", 1)[0].lower() in ("http", "https")
    assert (urlsplit(normalized).hostname or "").isascii()  # what the connection is made to


@given(st.text(max_size=300))
def test_safe_file_names_are_safe(name: str) -> None:
    safe = safe_file_name(name)
    assert safe and safe not in (".", "..") and not safe.startswith(TEMP_PREFIX)
    assert "/" not in safe and "\\" not in safe
    assert not any(unicodedata.category(ch) == "Cc" or ch in BIDI_CONTROLS for ch in safe)
    assert len(safe.encode("utf-8")) <= MAX_NAME_BYTES


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.sampled_from(list('abc "*^:()-+ORANDNOTNEAR{}[]\\\'é火\x00')), max_size=40))
def test_any_search_text_gives_results_or_a_message(library: Library, text: str) -> None:
    try:
        ids = library.item_ids(ItemQuery(search=text))
    except MediaCatError:
        return
    assert isinstance(ids, list)
