"""Benchmark of the grid's image thumbnails against `vipsthumbnail` making the same thumbnails of the same files.

    QT_QPA_PLATFORM=offscreen python3 bench/bench_thumbnails.py [--photos 40] [--width 4000 --height 3000]

Generates N JPEG photos (noise over gradients, so they compress like camera photos: ~4.8 MB each at
4000x3000) and measures, at the grid's thumbnail size (`THUMBNAIL_SIZE`):

- the bare render function the provider's workers call (`mediacat.gui.thumb_render.render_thumbnail`),
  all N files one after the other in one thread;
- `ThumbnailProvider` end to end: ask for all N, wait (in the event loop) until every result reached the GUI
  thread; its worker threads, an empty disk cache (so each file is decoded and its thumbnail written);
- a second provider on the same disk cache (every thumbnail read back from disk).

The floor is libvips' `vipsthumbnail -s SIZE` making the same thumbnails of the same files, one process for
all N (libvips also shrinks JPEGs on load and uses its own threads). Skipped, saying so, when it is not
installed.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from _common import Result, best_of, best_of_fresh, machine_line, print_results
from PIL import Image, ImageChops

from mediacat.gui.models.catalog_model import THUMBNAIL_SIZE
from mediacat.gui.thumb_render import render_thumbnail
from mediacat.gui.thumbs import DEFAULT_WORKERS, ThumbnailProvider

WAIT_LIMIT_S = 300.0


def make_photos(folder: Path, count: int, width: int, height: int) -> list[Path]:
    """`count` different JPEGs: per channel a shifted gradient blended with shifted Gaussian noise."""
    folder.mkdir(parents=True, exist_ok=True)
    noise = [Image.effect_noise((width, height), 40) for _ in range(3)]
    gradients = [Image.linear_gradient("L").resize((width, height)), Image.radial_gradient("L").resize((width, height))]
    photos = []
    for number in range(count):
        channels = []
        for channel in range(3):
            gradient = ImageChops.offset(gradients[(number + channel) % 2],
                                         (number * 397 + channel * 131) % width, (number * 211 + channel * 71) % height)
            grain = ImageChops.offset(noise[channel], (number * 997) % width, (number * 613) % height)
            channels.append(Image.blend(gradient, grain, 0.35))
        path = folder / f"photo-{number:03d}.jpg"
        Image.merge("RGB", channels).save(path, quality=90)
        photos.append(path)
    return photos


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=40, help="number of photos (default 40)")
    parser.add_argument("--width", type=int, default=4000)
    parser.add_argument("--height", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs (default 3)")
    args = parser.parse_args()

    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtGui import QColor, QImage
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    vips = shutil.which("vipsthumbnail")
    vips_version = subprocess.run([vips, "--version"], capture_output=True, text=True).stdout.strip() if vips else ""
    print(f"bench_thumbnails: {machine_line()}, PySide6 {pyside_version}, {vips_version or 'no vipsthumbnail'}; "
          f"thumbnail size {THUMBNAIL_SIZE}, provider workers {DEFAULT_WORKERS}")
    size = THUMBNAIL_SIZE
    accent = QColor("#3070c0")
    providers: list[ThumbnailProvider] = []

    with tempfile.TemporaryDirectory(prefix="mediacat-bench-") as tmp:
        root = Path(tmp)
        start = time.perf_counter()
        photos = make_photos(root / "photos", args.photos, args.width, args.height)
        megabytes = sum(photo.stat().st_size for photo in photos) / 1e6
        print(f"made {len(photos)} JPEGs of {args.width}x{args.height} ({megabytes:.0f} MB) "
              f"in {time.perf_counter() - start:.1f} s")
        hashes = [sha256_of(photo) for photo in photos]

        def render_all() -> None:
            for photo in photos:
                image = render_thumbnail(str(photo), "image", size, accent)
                assert max(image.width(), image.height()) == size, (image.width(), image.height())

        caches: list[Path] = []

        def new_provider(cache: Path | None = None) -> ThumbnailProvider:
            caches.append(cache or root / f"cache-{len(caches)}")
            provider = ThumbnailProvider(caches[-1])
            providers.append(provider)
            return provider

        def ask_all_and_wait(provider: ThumbnailProvider) -> None:
            loop = QEventLoop()

            def on_ready(_item_id: str) -> None:
                if provider.pending_count() == 0:
                    loop.quit()

            provider.thumbnail_ready.connect(on_ready)
            for number, (photo, sha256) in enumerate(zip(photos, hashes, strict=True)):
                assert provider.thumbnail(f"photo-{number}", str(photo), sha256, "image", size) is None
            limit = QTimer(loop)
            limit.setSingleShot(True)
            limit.timeout.connect(loop.quit)
            limit.start(int(WAIT_LIMIT_S * 1000))
            if provider.pending_count():
                loop.exec()
            missing = [n for n, (photo, sha256) in enumerate(zip(photos, hashes, strict=True))
                       if provider.thumbnail(f"photo-{n}", str(photo), sha256, "image", size) is None]
            assert not missing and provider.pending_count() == 0, f"not delivered: {missing}"

        def check_counts(provider: ThumbnailProvider, rendered: int, from_disk: int) -> None:
            assert (provider.render_count, provider.disk_hits) == (rendered, from_disk), (
                provider.render_count, provider.disk_hits)

        try:
            bare = best_of(render_all, repeat=args.repeat)
            cold = best_of_fresh(new_provider, ask_all_and_wait, repeat=args.repeat)
            check_counts(providers[-1], len(photos), 0)
            warm_cache = caches[-1]
            warm = best_of_fresh(lambda: new_provider(warm_cache), ask_all_and_wait, repeat=args.repeat)
            check_counts(providers[-1], 0, len(photos))
        finally:
            for provider in providers:
                provider.shutdown()
        cached_files = sorted(warm_cache.iterdir())
        assert len(cached_files) == len(photos), cached_files

        def read_all_cached() -> None:
            for file in cached_files:
                assert not QImage(str(file)).isNull(), file

        read_cached = best_of(read_all_cached, repeat=args.repeat)

        floor_name = f"vipsthumbnail -s {size}, 1 process"
        if vips is None:
            print(f"skipped floor: vipsthumbnail is not installed (the {len(photos)} photos are not made by it)")
            floor = 0.0
            floor_name = "(skipped floor)"
        else:
            outputs = iter(range(10**6))

            def vips_folder() -> Path:
                folder = root / f"vips-{next(outputs)}"
                folder.mkdir()
                return folder

            def vips_all(folder: Path) -> None:
                subprocess.run([vips, "-s", str(size), "-o", f"{folder}/%s.jpg", *map(str, photos)], check=True)

            floor = best_of_fresh(vips_folder, vips_all, repeat=args.repeat)
            made = sorted(root.glob("vips-0/*.jpg"))
            assert len(made) == len(photos), made
            with Image.open(made[0]) as first:
                assert max(first.size) == size, first.size
    app.processEvents()

    count = len(photos)
    results = [
        Result(f"render_thumbnail x {count}, 1 thread", bare, floor_name, floor),
        Result(f"ThumbnailProvider x {count}, {DEFAULT_WORKERS} workers, empty disk cache", cold, floor_name, floor),
        Result(f"ThumbnailProvider x {count}, from the disk cache", warm, floor_name, floor),
        Result(f"ThumbnailProvider x {count}, from the disk cache", warm, f"QImage(file) x {count}, 1 thread",
               read_cached),
    ]
    print_results(f"thumbnails of {count} {args.width}x{args.height} JPEGs at {size} px ({os.cpu_count()} CPUs)",
                  results)
    vips_per_photo = f", vipsthumbnail {floor / count * 1000:.1f} ms" if floor else ""
    print(f"\nper photo: render {bare / count * 1000:.1f} ms, provider {cold / count * 1000:.1f} ms, "
          f"from disk {warm / count * 1000:.2f} ms{vips_per_photo}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
