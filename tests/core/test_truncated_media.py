"""Truncated or lying media is refused with a message, not attached with its header's duration (issue 13.10),
and a file that changes while it is hashed is not attached in link mode either (issue 13.9)."""

from __future__ import annotations

import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from mediacat.core.attachments import attach_file
from mediacat.core.filestore import AttachError
from mediacat.core.jobs import Job
from mediacat.core.library import Library
from mediacat.core.media_integrity import TruncatedMedia, check_complete
from mediacat.core.probe import MediaProbeError, probe_file
from tests.media_fixtures import make_mp3, make_mp4, make_wav, require_ffmpeg, truncate

ITEM = "mars-wind-audio-original"


def make_flac(path: Path, seconds: float = 3.0) -> Path:
    subprocess.run([require_ffmpeg(), "-v", "error", "-y", "-f", "lavfi", "-i",
                    f"sine=frequency=300:duration={seconds}", "-ar", "22050", "-c:a", "flac", str(path)], check=True)
    return path


@pytest.fixture(scope="module")
def originals(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("media")
    return {
        "wav": make_wav(folder / "tone.wav", seconds=2.0),
        "flac": make_flac(folder / "tone.flac"),
        "mp3": make_mp3(folder / "tone.mp3", seconds=3.0),
        "mp4": make_mp4(folder / "clip.mp4", seconds=2.0),
    }


@pytest.mark.parametrize("kind", ["wav", "flac", "mp3", "mp4"])
def test_the_complete_file_is_accepted(originals: dict[str, Path], kind: str) -> None:
    facts = probe_file(originals[kind])
    assert facts.media_type in ("audio", "video")


@pytest.mark.parametrize(("kind", "fraction"), [("wav", 1 / 3), ("flac", 1 / 3), ("mp3", 1 / 3), ("mp4", 0.5)])
def test_a_cut_file_is_refused_with_a_message_naming_it(library: Library, originals: dict[str, Path],
                                                        tmp_path: Path, kind: str, fraction: float) -> None:
    cut = truncate(originals[kind], tmp_path / f"cut.{kind}", fraction)
    with pytest.raises(MediaProbeError, match=rf"cut\.{kind}: .*refused \(the file is cut short"):
        attach_file(library, ITEM, cut)
    assert library.item(ITEM).attachments == ()


def make_flac_with_libflac(path: Path, seconds: float = 2.5) -> Path:
    """A FLAC written by the reference encoder (sox uses libFLAC): stereo, 44.1 kHz, 4608-sample blocks."""
    sox = shutil.which("sox")
    if not sox:
        pytest.skip("sox is not installed (packaging/debian-deps.sh --test installs it)")
    subprocess.run([sox, "-n", "-r", "44100", "-c", "2", str(path), "synth", str(seconds), "sine", "440"], check=True)
    return path


@pytest.fixture(scope="module")
def flacs(originals: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return {"ffmpeg": originals["flac"], "libflac": make_flac_with_libflac(tmp_path_factory.mktemp("flac") / "b.flac")}


@pytest.mark.parametrize("encoder", ["ffmpeg", "libflac"])
@pytest.mark.parametrize("cut_bytes", [1, 3, 50])
def test_a_flac_cut_inside_its_last_frame_is_refused(library: Library, flacs: dict[str, Path], tmp_path: Path,
                                                     encoder: str, cut_bytes: int) -> None:
    """Every frame header is still there, so the sample count is reached: the last frame's CRC-16 catches it."""
    data = flacs[encoder].read_bytes()
    cut = tmp_path / "cut.flac"
    cut.write_bytes(data[:-cut_bytes])
    with pytest.raises(TruncatedMedia, match=r"cut\.flac: its last FLAC frame is incomplete"):
        check_complete(cut)
    with pytest.raises(MediaProbeError, match=r"cut\.flac: its last FLAC frame is incomplete .*refused"):
        attach_file(library, ITEM, cut)
    assert library.item(ITEM).attachments == ()


@pytest.mark.parametrize("encoder", ["ffmpeg", "libflac"])
def test_a_whole_flac_is_accepted_with_or_without_an_id3v1_tag_after_it(library: Library, flacs: dict[str, Path],
                                                                       tmp_path: Path, encoder: str) -> None:
    check_complete(flacs[encoder])
    tagged = tmp_path / "tagged.flac"
    tagged.write_bytes(flacs[encoder].read_bytes() + b"TAG" + b"title".ljust(125, b"\x00"))
    check_complete(tagged)
    assert attach_file(library, ITEM, tagged).attachment.mime == "audio/flac"


def test_a_144_byte_wav_whose_header_claims_4_gib_is_refused(library: Library, tmp_path: Path) -> None:
    fmt = struct.pack("<4sIHHIIHH", b"fmt ", 16, 1, 1, 8000, 16000, 2, 16)
    data = struct.pack("<4sI", b"data", 0xFFFFFFF0) + bytes(144 - 12 - len(fmt) - 8)
    liar = tmp_path / "liar.wav"
    liar.write_bytes(struct.pack("<4sI4s", b"RIFF", 0xFFFFFFF8, b"WAVE") + fmt + data)
    assert liar.stat().st_size == 144
    with pytest.raises(MediaProbeError, match=r"liar\.wav: the WAV header announces 4294967296 bytes"):
        attach_file(library, ITEM, liar)


class ChangingJob(Job):
    """Appends to the file being hashed after its first chunk (a download still being written, an editor)."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path, self.calls = path, 0

    def check(self) -> None:
        self.calls += 1
        if self.calls == 2:
            with self.path.open("ab") as out:
                out.write(b"\x00" * 4096)
        super().check()


@pytest.mark.parametrize("mode", ["link", "copy"])
def test_a_file_changing_while_hashed_is_refused(library: Library, tmp_path: Path, mode: str) -> None:
    source = make_wav(tmp_path / "growing.wav", seconds=120.0)  # ~1.9 MB: two chunks
    with pytest.raises(AttachError, match=r"growing\.wav: the file changed while it was being read"):
        attach_file(library, ITEM, source, mode=mode, job=ChangingJob(source))
    assert library.item(ITEM).attachments == ()
