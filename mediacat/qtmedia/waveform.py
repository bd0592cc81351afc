"""Audio waveform peaks: decode samples (stdlib `wave` for PCM WAV, else QAudioDecoder) and reduce to min/max."""

from __future__ import annotations

import os
import sys
import time
import wave
from pathlib import Path
from typing import Literal

from mediacat.qtmedia import MediaDecodeError, ensure_qt_application, multimedia_status
from mediacat.qtmedia.gil_free import without_the_gil

Peaks = list[tuple[float, float]]  # (min, max) per bucket, each in -1.0 .. 1.0
_BLOCK_FRAMES = 256  # samples are first reduced to one (min, max) per block, then blocks to buckets


def decode_peaks(path: str | os.PathLike[str], buckets: int, timeout_s: float = 10.0) -> Peaks:
    """`buckets` (min, max) pairs over the whole file, from all channels, scaled to -1..1.

    PCM WAV is read with the stdlib; everything else goes through QAudioDecoder in the file's own sample
    format (asking for another format hangs for MP3). Raises MediaDecodeError naming the file when it is
    missing, empty, undecodable, or not done within timeout_s.
    """
    file = Path(path)
    if buckets < 1:
        raise ValueError("buckets must be at least 1")
    if not file.is_file():
        raise MediaDecodeError(f"cannot decode the audio of {file}: no such file")
    if file.stat().st_size == 0:
        raise MediaDecodeError(f"cannot decode the audio of {file}: the file is empty")
    blocks = _wav_blocks(file, timeout_s)
    if blocks is None:
        blocks = _qt_blocks(file, timeout_s)
    if not blocks:
        raise MediaDecodeError(f"cannot decode the audio of {file}: no samples")
    return reduce_blocks(blocks, buckets)


def reduce_blocks(blocks: Peaks, buckets: int) -> Peaks:
    """Merge per-block (min, max) pairs into `buckets` pairs (fewer blocks than buckets: stretched)."""
    count = len(blocks)
    peaks: Peaks = []
    for index in range(buckets):
        start = index * count // buckets
        end = max(start + 1, (index + 1) * count // buckets)
        chunk = blocks[start:end]
        peaks.append((min(low for low, _ in chunk), max(high for _, high in chunk)))
    return peaks


def block_peaks(samples: memoryview[int] | memoryview[float], scale: float, offset: float, block: int) -> Peaks:
    """(min, max) of every `block` samples of a flat sample view, mapped to -1..1 by (x - offset) / scale."""
    result: Peaks = []
    for start in range(0, len(samples), block):
        chunk = samples[start : start + block]
        result.append(((min(chunk) - offset) / scale, (max(chunk) - offset) / scale))
    return result


def _wav_blocks(file: Path, timeout_s: float) -> Peaks | None:
    """Blocks of a PCM WAV file through the stdlib, or None when `wave` cannot read it (e.g. float WAV)."""
    try:
        with wave.open(str(file), "rb") as reader:
            width = reader.getsampwidth()
            channels = reader.getnchannels()
            if width not in (1, 2, 4):
                return None
            deadline = time.monotonic() + timeout_s
            blocks: Peaks = []
            frames_per_read = _BLOCK_FRAMES * 512
            while True:
                data = reader.readframes(frames_per_read)
                if not data:
                    break
                usable = len(data) - len(data) % width
                view = memoryview(data[:usable])
                if width == 1:
                    samples, scale, offset = view.cast("B"), 128.0, 128.0
                elif width == 2:
                    samples, scale, offset = view.cast("h"), 32768.0, 0.0
                else:
                    samples, scale, offset = view.cast("i"), 2147483648.0, 0.0
                if sys.byteorder == "big" and width > 1:
                    return None
                blocks.extend(block_peaks(samples, scale, offset, _BLOCK_FRAMES * channels))
                if time.monotonic() > deadline:
                    raise MediaDecodeError(f"cannot decode the audio of {file}: not done within {timeout_s:g} s")
            return blocks
    except (wave.Error, EOFError):
        return None


def _qt_blocks(file: Path, timeout_s: float) -> Peaks:
    """Blocks of any audio file QAudioDecoder reads, decoded in the file's own sample format."""
    available, reason = multimedia_status()
    if not available:
        raise MediaDecodeError(f"cannot decode the audio of {file}: {reason}")
    ensure_qt_application()
    from PySide6.QtCore import QEventLoop, QTimer, QUrl
    from PySide6.QtMultimedia import QAudioDecoder, QAudioFormat

    # the struct code memoryview.cast reads each sample format with, and its (scale, offset) onto -1..1
    formats: dict[QAudioFormat.SampleFormat, tuple[Literal["B", "h", "i", "f"], float, float]] = {
        QAudioFormat.SampleFormat.UInt8: ("B", 128.0, 128.0),
        QAudioFormat.SampleFormat.Int16: ("h", 32768.0, 0.0),
        QAudioFormat.SampleFormat.Int32: ("i", 2147483648.0, 0.0),
        QAudioFormat.SampleFormat.Float: ("f", 1.0, 0.0),
    }
    decoder = QAudioDecoder()
    loop = QEventLoop()
    blocks: Peaks = []
    outcome: dict[str, str] = {}

    def finish(key: str, value: str) -> None:
        if not outcome:
            outcome[key] = value
            loop.quit()

    def on_buffer() -> None:
        buffer = decoder.read()
        if not buffer.isValid() or outcome:
            return
        audio_format = buffer.format()
        layout = formats.get(audio_format.sampleFormat())
        if layout is None:
            finish("error", f"unsupported sample format {audio_format.sampleFormat().name}")
            return
        code, scale, offset = layout
        samples = memoryview(bytes(buffer.constData())).cast(code)
        blocks.extend(block_peaks(samples, scale, offset, _BLOCK_FRAMES * max(1, audio_format.channelCount())))

    decoder.bufferReady.connect(on_buffer)
    decoder.finished.connect(lambda: finish("done", ""))
    decoder.error.connect(lambda _error: finish("error", decoder.errorString() or "not decodable audio"))
    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(lambda: finish("error", f"not done within {timeout_s:g} s"))
    timer.start(int(timeout_s * 1000))
    decoder.setSource(QUrl.fromLocalFile(str(file.resolve())))
    decoder.start()
    if not outcome:
        loop.exec()
    timer.stop()
    without_the_gil(decoder, "_ZN13QAudioDecoder4stopEv", decoder.stop)  # void QAudioDecoder::stop()
    if "error" in outcome:
        raise MediaDecodeError(f"cannot decode the audio of {file}: {outcome['error']}")
    return blocks

