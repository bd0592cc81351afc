"""Benchmark of attaching files (copy and link) and re-checking them, against `sha256sum` and a plain copy.

    python3 bench/bench_attach.py [--size-mib 200] [--media 20] [--repeat 3]

Makes one large file (a WAV of `--size-mib` MiB of random samples: it has to be media to be attached) and
`--media` small real media files (half JPEG photos made with Pillow, half WAV recordings made with the
stdlib `wave`), and measures, each time into a fresh library (`Library.open` of a new folder, shipped seeds;
made outside the time):

- `attach_file(library, "skycrane-still", big, mode="copy")`: hash, probe, copy into the managed folder
  (flushed, fsynced, renamed) and insert the row; floor: `shutil.copyfile` + `os.fsync` of the copy +
  `hashlib.sha256` of the file (the least a durable, verified copy costs);
- `attach_file(..., mode="link")`: hash, probe, insert; floor: `sha256sum FILE` in a subprocess;
- the same for the small media files, one `attach_file` each;
- `check_attachments(library)` on a library holding the large file (copied) and the media files (linked):
  re-hash everything and store the verdicts; floor: one `sha256sum` process over the same files.

Every file is in the page cache (just written), so this measures CPU and the writes, not reading a disk.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import subprocess
import tempfile
import time
import wave
from pathlib import Path

from _common import Result, best_of, best_of_fresh, machine_line, print_results
from PIL import Image

from mediacat.core.attachment_upkeep import check_attachments
from mediacat.core.attachments import attach_file
from mediacat.core.library import Library

ITEM_ID = "skycrane-still"
MIB = 1024 * 1024


def make_big_wav(path: Path, size_mib: int) -> Path:
    """A 48 kHz stereo 16-bit WAV of random samples, `size_mib` MiB of frames (one random MiB, varied per MiB)."""
    rng = random.Random(2021)
    block = bytearray(rng.randbytes(MIB))
    with wave.open(str(path), "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(48_000)
        for number in range(size_mib):
            block[number % MIB] ^= 0xFF  # every MiB differs from the last
            block[:8] = number.to_bytes(8, "little")
            out.writeframesraw(block)
    return path


def make_media(folder: Path, count: int) -> list[Path]:
    """`count` small media files: JPEG photos (1600x1200, ~1 MB) and 5-second WAV recordings (~0.9 MB)."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(18)
    files = []
    for number in range(count):
        if number % 2 == 0:
            path = folder / f"photo-{number:02d}.jpg"
            noise = Image.effect_noise((1600, 1200), 30 + number).convert("RGB")
            Image.blend(noise, Image.linear_gradient("L").resize((1600, 1200)).convert("RGB"), 0.5).save(path)
        else:
            path = folder / f"recording-{number:02d}.wav"
            with wave.open(str(path), "wb") as out:
                out.setnchannels(1)
                out.setsampwidth(2)
                out.setframerate(44_100)
                out.writeframes(rng.randbytes(5 * 44_100 * 2))
        files.append(path)
    return files


def sha256sum(paths: list[Path]) -> None:
    subprocess.run(["sha256sum", *map(str, paths)], check=True, stdout=subprocess.DEVNULL)


def durable_copy_and_hash(source: Path, target: Path) -> str:
    shutil.copyfile(source, target)
    with open(target, "rb+") as copy:
        os.fsync(copy.fileno())
    return sha256_of(source)


def sha256_of(path: Path) -> str:
    with open(path, "rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mib", type=int, default=200, help="size of the large file (default 200 MiB)")
    parser.add_argument("--media", type=int, default=20, help="number of small media files (default 20)")
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs (default 3)")
    args = parser.parse_args()
    print(f"bench_attach: {machine_line()}")
    repeat = args.repeat

    with tempfile.TemporaryDirectory(prefix="mediacat-bench-") as tmp:
        root = Path(tmp)
        start = time.perf_counter()
        big = make_big_wav(root / "big.wav", args.size_mib)
        media = make_media(root / "media", args.media)
        media_mb = sum(path.stat().st_size for path in media) / 1e6
        print(f"made {big.name} ({big.stat().st_size / MIB:.0f} MiB) and {len(media)} media files ({media_mb:.1f} MB)"
              f" in {time.perf_counter() - start:.1f} s")
        big_sha = sha256_of(big)

        made: list[Path] = []
        libraries: list[Library] = []

        def fresh(kind: str) -> Path:
            """A new folder; the previous one (a library and its managed copies, or a copy) is removed first."""
            while libraries:
                libraries.pop().close()
            while made:
                shutil.rmtree(made.pop(), ignore_errors=True)
            folder = root / f"{kind}-{time.perf_counter_ns()}"
            folder.mkdir()
            made.append(folder)
            return folder

        def fresh_library() -> Library:
            libraries.append(Library.open(fresh("library")))
            return libraries[-1]

        def attach_big(library: Library, mode: str) -> None:
            result = attach_file(library, ITEM_ID, big, mode=mode)
            assert result.attachment.sha256 == big_sha and result.attachment.mode == mode, result

        def attach_media(library: Library, mode: str) -> None:
            for path in media:
                attach_file(library, ITEM_ID, path, mode=mode)

        results = []
        try:
            copy_floor = best_of_fresh(lambda: fresh("copy") / big.name,
                                       lambda target: durable_copy_and_hash(big, target), repeat)
            hash_floor = best_of(lambda: sha256sum([big]), repeat)
            hashlib_floor = best_of(lambda: sha256_of(big), repeat)
            link_big = best_of_fresh(fresh_library, lambda library: attach_big(library, "link"), repeat)
            results += [
                Result(f"attach_file copy [{args.size_mib} MiB]", best_of_fresh(
                    fresh_library, lambda library: attach_big(library, "copy"), repeat),
                    "copyfile + fsync + hashlib", copy_floor),
                Result(f"attach_file link [{args.size_mib} MiB]", link_big, "sha256sum FILE", hash_floor),
                Result(f"attach_file link [{args.size_mib} MiB]", link_big, "hashlib.sha256 in-process", hashlib_floor),
                Result("  (context) hashlib.sha256 of the file", hashlib_floor, "sha256sum FILE", hash_floor),
            ]

            def copy_media(folder: Path) -> None:
                for path in media:
                    durable_copy_and_hash(path, folder / path.name)

            small_count = len(media)
            media_copy_floor = best_of_fresh(lambda: fresh("copy"), copy_media, repeat)
            media_hash_floor = best_of(lambda: sha256sum(media), repeat)
            results += [
                Result(f"attach_file copy x {small_count} media", best_of_fresh(
                    fresh_library, lambda library: attach_media(library, "copy"), repeat),
                    "copyfile + fsync + hashlib", media_copy_floor),
                Result(f"attach_file link x {small_count} media", best_of_fresh(
                    fresh_library, lambda library: attach_media(library, "link"), repeat),
                    "sha256sum FILES", media_hash_floor),
            ]

            library = fresh_library()
            attach_big(library, "copy")
            attach_media(library, "link")
            checked = [attachment.resolved_path for attachment in library.all_attachments()]
            assert len(checked) == 1 + small_count, checked

            def check_all() -> None:
                verdicts = check_attachments(library)
                assert [verdict.status for verdict in verdicts] == ["ok"] * len(checked), verdicts

            check = best_of(check_all, repeat)
            checked_paths = list(map(Path, checked))
            results += [
                Result(f"check_attachments [{len(checked)} files]", check, "sha256sum FILES",
                       best_of(lambda: sha256sum(checked_paths), repeat)),
                Result(f"check_attachments [{len(checked)} files]", check, "hashlib.sha256 in-process",
                       best_of(lambda: [sha256_of(path) for path in checked_paths], repeat)),
            ]
        finally:
            while libraries:
                libraries.pop().close()
    print_results(f"attaching a {args.size_mib} MiB file and {len(media)} media files (best of {repeat})", results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
