"""Video facts through QtMultimedia (real FFmpeg-backed QMediaPlayer, offscreen), and attaching videos."""

from __future__ import annotations

import json
import subprocess
import threading
from pathlib import Path

import pytest

from mediacat.cli import main
from mediacat.core.attachments import attach_file
from mediacat.core.library import Library
from mediacat.core.probe import MediaProbeError, probe_file
from mediacat.qtmedia import multimedia_status
from mediacat.qtmedia.probe import probe_video
from tests.media_fixtures import make_mp4, require_ffmpeg

VIDEO_ITEM = "edl-landing-video"

# Known, harmless Qt lines: the FFmpeg backend looks for PipeWire once per process, and says it could not
# open a file when a test feeds it a broken one on purpose.
pytestmark = pytest.mark.qt_log_ignore("Couldn't load pipewire", "Couldn't resolve pipewire", "Could not open media")


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    return make_mp4(tmp_path / "landing clip.mp4", 2.0, size="320x240")


def test_probe_video_reads_duration_resolution_and_codecs(qapp, clip: Path) -> None:
    facts = probe_video(clip)
    assert facts["duration_ms"] == pytest.approx(2000, abs=100)
    assert (facts["width"], facts["height"]) == (320, 240)
    assert facts["video_codec"] == "H264"
    assert facts["audio_codec"] == "AAC"


def test_probe_file_uses_the_injected_video_prober(qapp, clip: Path) -> None:
    facts = probe_file(clip, probe_video)
    assert (facts.mime, facts.media_type) == ("video/mp4", "video")
    assert facts.duration == pytest.approx(2.0, abs=0.1)
    assert (facts.width, facts.height) == (320, 240)
    assert facts.facts["video_codec"] == "H264"
    assert facts.warnings == []


def test_a_video_without_sound_has_no_audio_codec(qapp, tmp_path: Path) -> None:
    facts = probe_video(make_mp4(tmp_path / "silent.mp4", 1.0, with_audio=False))
    assert facts["video_codec"] == "H264" and "audio_codec" not in facts


def test_garbage_that_looks_like_mp4_is_refused_by_name(qapp, tmp_path: Path) -> None:
    fake = tmp_path / "broken.mp4"
    fake.write_bytes(b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + bytes(range(256)) * 20)
    with pytest.raises(MediaProbeError, match=r"broken\.mp4: .*(cannot read the video|cut short)"):
        probe_file(fake, probe_video)


def test_a_truncated_mp4_is_refused(qapp, clip: Path, tmp_path: Path) -> None:
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(clip.read_bytes()[:2000])
    with pytest.raises(MediaProbeError, match=r"cut\.mp4: .*cut short"):  # found by its box sizes
        probe_file(cut, probe_video)


def test_without_qt_multimedia_the_file_keeps_its_other_facts(qapp, clip: Path, monkeypatch) -> None:
    monkeypatch.setenv("MEDIACAT_NO_MULTIMEDIA", "1")
    multimedia_status.cache_clear()
    try:
        assert probe_video(clip) == {"warning": "Qt Multimedia is turned off (MEDIACAT_NO_MULTIMEDIA is set)"}
        facts = probe_file(clip, probe_video)
    finally:
        monkeypatch.delenv("MEDIACAT_NO_MULTIMEDIA")
        multimedia_status.cache_clear()
    assert facts.media_type == "video" and facts.width is None
    assert "video facts not read: Qt Multimedia is turned off" in facts.warnings[0]


def test_attaching_a_video_from_a_worker_thread(qapp, library: Library, clip: Path) -> None:
    """The GUI attaches in a background thread with its own library connection; the probe must work there."""
    results: list = []

    def work() -> None:
        worker_library = library.reopen()
        try:
            results.append(attach_file(worker_library, VIDEO_ITEM, clip, video_prober=probe_video))
        except Exception as error:  # reported to the test thread below
            results.append(error)
        finally:
            worker_library.close()

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    [result] = results
    assert not isinstance(result, Exception), result
    attachment = library.item(VIDEO_ITEM).attachments[0]
    assert (attachment.width, attachment.height, attachment.facts["video_codec"]) == (320, 240, "H264")
    assert attachment.duration == pytest.approx(2.0, abs=0.1)


def test_cli_attach_video_shows_duration_resolution_and_codec(qapp, clip: Path, capsys) -> None:
    assert main(["attach", VIDEO_ITEM, str(clip)]) == 0
    assert main(["show", VIDEO_ITEM, "--json"]) == 0
    out = capsys.readouterr().out
    attachment = json.loads(out[out.index("{"):])["attachments"][0]
    assert (attachment["width"], attachment["height"]) == (320, 240)
    assert attachment["duration"] == pytest.approx(2.0, abs=0.1)
    assert attachment["facts"]["video_codec"] == "H264" and attachment["mime"] == "video/mp4"


def test_an_mp4_holding_only_sound_is_audio(qapp, tmp_path: Path) -> None:
    ffmpeg = require_ffmpeg()
    path = tmp_path / "sound only.mp4"
    subprocess.run([ffmpeg, "-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=500:duration=1.5",
                    "-c:a", "aac", "-f", "mp4", "-brand", "isom", str(path)], check=True)
    assert path.read_bytes()[8:12] == b"isom"  # a generic brand: the bytes alone say "video/mp4"
    facts = probe_file(path, probe_video)
    assert (facts.mime, facts.media_type) == ("audio/mp4", "audio")
    assert facts.duration == pytest.approx(1.5, abs=0.1)
    assert facts.facts["audio_codec"] == "AAC" and facts.facts["sample_rate"] == 44100
