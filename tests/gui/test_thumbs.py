"""ThumbnailProvider: real files rendered by worker threads, disk cache, RAM LRU, LIFO order, bad files."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QPixmap

from mediacat.gui.thumbs import RequestStack, ThumbnailProvider, ThumbnailRequest
from tests.media_fixtures import (
    make_corrupt_jpeg,
    make_jpeg,
    make_mp3,
    make_mp4,
    make_wav,
    no_multimedia,  # noqa: F401  (fixture)
)

SIZE = 128


@pytest.fixture
def provider(qapp, tmp_path: Path):
    thumbs = ThumbnailProvider(tmp_path / "thumbnails")
    yield thumbs
    thumbs.shutdown()


def thumbnail_of(qtbot, provider: ThumbnailProvider, path: Path, media_type: str, sha: str = "", item="item"):
    """Ask, wait until the provider has nothing pending, ask again: the pixmap the grid would paint."""
    sha256 = sha or f"sha-{path.name}"
    first = provider.thumbnail(item, str(path), sha256, media_type, SIZE)
    if first is not None:
        return first
    qtbot.waitUntil(lambda: provider.pending_count() == 0, timeout=30_000)
    pixmap = provider.thumbnail(item, str(path), sha256, media_type, SIZE)
    assert pixmap is not None
    return pixmap


def distinct_colors(pixmap: QPixmap) -> int:
    image = pixmap.toImage()
    return len({image.pixel(x, y) for x in range(0, image.width(), 4) for y in range(0, image.height(), 4)})


def test_image_thumbnail_is_scaled_and_upright(qtbot, provider: ThumbnailProvider, tmp_path: Path) -> None:
    # EXIF orientation 6 = rotate 90° clockwise: the red left half ends up on top.
    path = make_jpeg(tmp_path / "rotated.jpg", (640, 480), orientation=6)
    with qtbot.waitSignal(provider.thumbnail_ready, timeout=30_000) as ready:
        assert provider.thumbnail("rot", str(path), "sha-rot", "image", SIZE) is None
    assert ready.args == ["rot"]
    pixmap = provider.thumbnail("rot", str(path), "sha-rot", "image", SIZE)
    assert pixmap is not None
    assert (pixmap.width(), pixmap.height()) == (96, 128)
    image = pixmap.toImage()
    assert QColor(image.pixel(48, 10)).red() > 200 and QColor(image.pixel(48, 10)).blue() < 60
    assert QColor(image.pixel(48, 118)).blue() > 200 and QColor(image.pixel(48, 118)).red() < 60


def test_video_thumbnail_is_a_decoded_frame(qtbot, provider: ThumbnailProvider, tmp_path: Path) -> None:
    pixmap = thumbnail_of(qtbot, provider, make_mp4(tmp_path / "clip.mp4"), "video")
    assert (pixmap.width(), pixmap.height()) == (128, 96)
    assert distinct_colors(pixmap) > 10
    assert pixmap.cacheKey() != provider.error_pixmap(SIZE).cacheKey()


def test_audio_thumbnail_is_a_drawn_waveform(qtbot, provider: ThumbnailProvider, tmp_path: Path) -> None:
    path = make_wav(tmp_path / "tone-then-silence.wav", 1.0, silence=1.0)
    image = thumbnail_of(qtbot, provider, path, "audio").toImage()
    assert (image.width(), image.height()) == (SIZE, SIZE // 2)
    middle = image.height() // 2
    assert all(image.pixelColor(x, middle).alpha() > 0 for x in range(4, SIZE - 4))  # the centre line throughout
    assert image.pixelColor(SIZE // 4, 6).alpha() > 200  # the tone reaches near the top...
    assert image.pixelColor(3 * SIZE // 4, 6).alpha() == 0  # ...the silence does not
    assert image.pixelColor(3 * SIZE // 4, middle + 6).alpha() == 0


def test_mp3_thumbnail_is_a_drawn_waveform(qtbot, provider: ThumbnailProvider, tmp_path: Path) -> None:
    image = thumbnail_of(qtbot, provider, make_mp3(tmp_path / "sine.mp3"), "audio").toImage()
    assert image.height() == SIZE // 2
    assert sum(image.pixelColor(x, 8).alpha() > 200 for x in range(SIZE)) > SIZE // 2


@pytest.mark.parametrize("case", ["corrupt", "empty", "missing", "garbage-video", "garbage-audio"])
def test_unreadable_files_get_the_error_thumbnail(qtbot, provider: ThumbnailProvider, tmp_path: Path, case) -> None:
    media_type = {"garbage-video": "video", "garbage-audio": "audio"}.get(case, "image")
    path = tmp_path / f"{case}.bin"
    if case == "empty":
        path.write_bytes(b"")
    elif case != "missing":
        make_corrupt_jpeg(path)
    pixmap = thumbnail_of(qtbot, provider, path, media_type)
    assert pixmap.cacheKey() == provider.error_pixmap(SIZE, missing=case == "missing").cacheKey()
    assert pixmap.cacheKey() != provider.error_pixmap(SIZE, missing=case != "missing").cacheKey()
    message = provider.error_message(str(path), f"sha-{path.name}", SIZE)
    assert message is not None and str(path) in message
    assert not list((tmp_path / "thumbnails").glob("sha-*"))  # failures are not cached on disk


def test_second_provider_reads_the_disk_cache(qtbot, qapp, tmp_path: Path) -> None:
    path = make_jpeg(tmp_path / "photo.jpg")
    first = ThumbnailProvider(tmp_path / "thumbnails")
    try:
        thumbnail_of(qtbot, first, path, "image", sha="abc")
        assert (first.render_count, first.disk_hits) == (1, 0)
    finally:
        first.shutdown()
    assert [p.name for p in (tmp_path / "thumbnails").iterdir()] == [f"abc-{SIZE}.jpg"]
    second = ThumbnailProvider(tmp_path / "thumbnails")
    try:
        pixmap = thumbnail_of(qtbot, second, path, "image", sha="abc")
        assert (second.render_count, second.disk_hits) == (0, 1)
        assert (pixmap.width(), pixmap.height()) == (128, 96)
    finally:
        second.shutdown()


def test_ram_cache_keeps_at_most_max_pixmaps(qtbot, qapp, tmp_path: Path) -> None:
    path = make_jpeg(tmp_path / "photo.jpg")
    thumbs = ThumbnailProvider(tmp_path / "thumbnails", max_pixmaps=3)
    try:
        for index in range(5):
            thumbnail_of(qtbot, thumbs, path, "image", sha=f"sha{index}", item=f"item{index}")
        assert thumbs.cached_count() == 3
        assert thumbs.thumbnail("item4", str(path), "sha4", "image", SIZE) is not None
        assert thumbs.thumbnail("item0", str(path), "sha0", "image", SIZE) is None  # evicted: asked again
        qtbot.waitUntil(lambda: thumbs.pending_count() == 0, timeout=30_000)
        assert thumbs.disk_hits == 1  # ... and served from the disk cache
    finally:
        thumbs.shutdown()


def test_duplicate_requests_render_once_and_notify_every_item(qtbot, provider, tmp_path: Path) -> None:
    path = make_jpeg(tmp_path / "shared.jpg")
    ready: list[str] = []
    provider.thumbnail_ready.connect(ready.append)
    for item in ("a", "b", "a"):
        assert provider.thumbnail(item, str(path), "same", "image", SIZE) is None
    qtbot.waitUntil(lambda: provider.pending_count() == 0, timeout=30_000)
    assert provider.render_count == 1
    assert sorted(ready) == ["a", "b"]


def test_request_stack_is_lifo_and_coalesces() -> None:
    stack = RequestStack()
    requests = {key: ThumbnailRequest(key, f"/{key}", "image", SIZE, None) for key in "abcd"}
    for key in "abc":
        stack.push(requests[key])
    stack.push(requests["a"])  # asked again: now the most recent
    stack.push(requests["d"])
    assert len(stack) == 4
    popped = [stack.pop() for _ in range(4)]
    assert [request and request.key for request in popped] == ["d", "a", "c", "b"]
    stack.push(requests["a"])
    stack.close()
    assert stack.pop() is None and len(stack) == 0
    stack.push(requests["b"])  # after close: ignored
    assert len(stack) == 0


def test_results_after_shutdown_are_dropped(qtbot, qapp, tmp_path: Path) -> None:
    path = make_jpeg(tmp_path / "photo.jpg", (2000, 1500))
    thumbs = ThumbnailProvider(tmp_path / "thumbnails")
    ready: list[str] = []
    thumbs.thumbnail_ready.connect(ready.append)
    for index in range(6):
        thumbs.thumbnail(f"item{index}", str(path), f"sha{index}", "image", SIZE)
    thumbs.shutdown()
    qapp.processEvents()
    assert ready == [] and thumbs.pending_count() == 0 and thumbs.cached_count() == 0
    assert thumbs.thumbnail("item0", str(path), "sha0", "image", SIZE) is None
    thumbs.shutdown()  # twice is fine


def test_no_attachment_means_no_thumbnail(provider: ThumbnailProvider) -> None:
    assert provider.thumbnail("item", None, None, "image", SIZE) is None
    assert provider.pending_count() == 0


@pytest.mark.usefixtures("no_multimedia")
def test_without_multimedia_video_gets_the_placeholder_and_wav_still_renders(qtbot, provider, tmp_path) -> None:
    video = provider.thumbnail("clip", str(tmp_path / "clip.mp4"), "v", "video", SIZE)
    assert video is not None and video.cacheKey() == provider.placeholder_pixmap("video", SIZE).cacheKey()
    mp3 = provider.thumbnail("song", str(tmp_path / "song.mp3"), "m", "audio", SIZE)
    assert mp3 is not None and mp3.cacheKey() == provider.placeholder_pixmap("audio", SIZE).cacheKey()
    pixmap = thumbnail_of(qtbot, provider, make_wav(tmp_path / "sine.wav"), "audio")
    assert pixmap.cacheKey() != provider.error_pixmap(SIZE).cacheKey()
    assert pixmap.height() == SIZE // 2
