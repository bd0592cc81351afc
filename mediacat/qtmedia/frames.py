"""Decode one video frame with QMediaPlayer + QVideoSink, with a time limit (for thumbnails and probes)."""

from __future__ import annotations

import functools
import os
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer, QUrl
from PySide6.QtGui import QImage

from mediacat.qtmedia import MediaDecodeError, ensure_qt_application, multimedia_status
from mediacat.qtmedia.gil_free import without_the_gil


def grab_frame(path: str | os.PathLike[str], position_ms: int | None = None, timeout_s: float = 10.0) -> QImage:
    """The frame at position_ms (None: a tenth into the video) of the video at path, as a QImage.

    Runs a local event loop, so it works on any thread that may block (a worker QThread, or the CLI's main
    thread). Raises MediaDecodeError naming the file when it is missing, unreadable, has no video, or no
    frame arrives within timeout_s.
    """
    available, reason = multimedia_status()
    if not available:
        raise MediaDecodeError(f"cannot decode a frame of {path}: {reason}")
    file = Path(path)
    if not file.is_file():
        raise MediaDecodeError(f"cannot decode a frame of {file}: no such file")
    if file.stat().st_size == 0:
        raise MediaDecodeError(f"cannot decode a frame of {file}: the file is empty")
    ensure_qt_application()
    from PySide6.QtMultimedia import QMediaPlayer, QVideoSink

    player = QMediaPlayer()
    sink = QVideoSink()
    player.setVideoSink(sink)
    loop = QEventLoop()
    outcome: dict[str, object] = {}
    seeking = {"requested": False}

    def finish(key: str, value: object) -> None:
        if not outcome:
            outcome[key] = value
            loop.quit()

    def on_frame(frame) -> None:
        if seeking["requested"] and frame.isValid():
            image = frame.toImage()
            if not image.isNull():
                finish("image", image)

    def on_status(status) -> None:
        if status == QMediaPlayer.MediaStatus.LoadedMedia and not seeking["requested"]:
            if not player.hasVideo():
                finish("error", "the file has no video track")
                return
            duration = max(0, player.duration())
            target = duration // 10 if position_ms is None else position_ms
            seeking["requested"] = True
            player.setPosition(max(0, min(target, max(0, duration - 100))))
            player.pause()
        elif status == QMediaPlayer.MediaStatus.InvalidMedia:
            finish("error", player.errorString() or "not a playable video")

    def on_error(_error, message: str) -> None:
        finish("error", message or "not a playable video")

    sink.videoFrameChanged.connect(on_frame)
    player.mediaStatusChanged.connect(on_status)
    player.errorOccurred.connect(on_error)
    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(lambda: finish("error", f"no frame within {timeout_s:g} s"))
    timer.start(int(timeout_s * 1000))
    player.setSource(QUrl.fromLocalFile(str(file.resolve())))
    if not outcome:
        loop.exec()
    timer.stop()
    without_the_gil(player, "_ZN12QMediaPlayer4stopEv", player.stop)  # joins the backend's threads
    empty = QUrl()
    without_the_gil(player, "_ZN12QMediaPlayer9setSourceERK4QUrl", functools.partial(player.setSource, empty), empty)
    sink.videoFrameChanged.disconnect(on_frame)
    if "image" in outcome:
        image = outcome["image"]
        assert isinstance(image, QImage)
        return image.copy()
    raise MediaDecodeError(f"cannot decode a frame of {file}: {outcome.get('error')}")
