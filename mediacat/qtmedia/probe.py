"""Video facts (duration, resolution, codecs) through QtMultimedia: the `video_prober` the CLI and GUI pass to the core.

Works offscreen and from the command line: it needs only a QCoreApplication (`ensure_qt_application()`) and
runs a local event loop until the player has loaded the file, failed, or the time limit passed. Callable from
a worker thread (each call makes its own player and loop in the calling thread).
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

from mediacat.core.probe import MediaProbeError, display_path
from mediacat.qtmedia import ensure_qt_application, multimedia_status
from mediacat.qtmedia.gil_free import without_the_gil

_AV_LOG_QUIET = -8
_quiet = False


def quiet_multimedia_logs() -> None:
    """Silence QtMultimedia's and FFmpeg's console chatter for command-line use (the CLI prints its own
    one-line error naming the file): Qt's logging categories now, and the log level of the FFmpeg libraries
    that ship with PySide6 (they print straight to standard error) once Qt has set them up. Best effort."""
    global _quiet
    from PySide6.QtCore import QLoggingCategory

    QLoggingCategory.setFilterRules("qt.multimedia*=false")
    _quiet = True


def _quiet_ffmpeg() -> None:
    import ctypes

    import PySide6

    for library in sorted((Path(PySide6.__file__).parent / "Qt" / "lib").glob("libavutil.so.*")):
        try:
            ctypes.CDLL(str(library)).av_log_set_level(_AV_LOG_QUIET)
        except (OSError, AttributeError):
            continue
        return


def probe_video(path: str | os.PathLike[str], timeout_s: float = 10) -> dict[str, Any]:
    """{duration_ms, width, height, video_codec, audio_codec, frame_rate, container, has_video}.

    MediaProbeError (naming the file) when Qt cannot open it.

    Without QtMultimedia the result is {"warning": reason} so callers keep the file's other facts.
    """
    available, reason = multimedia_status()
    if not available:
        return {"warning": reason}
    from PySide6.QtCore import QEventLoop, QTimer, QUrl
    from PySide6.QtMultimedia import QMediaFormat, QMediaMetaData, QMediaPlayer, QVideoSink

    ensure_qt_application()
    name = display_path(path)
    player = QMediaPlayer()
    if _quiet:
        _quiet_ffmpeg()  # after the player exists: Qt sets FFmpeg's log level when it loads the backend
    sink = QVideoSink()
    player.setVideoSink(sink)
    loop = QEventLoop()
    done_states = (QMediaPlayer.MediaStatus.LoadedMedia, QMediaPlayer.MediaStatus.InvalidMedia)
    timed_out = []

    def on_status(status: QMediaPlayer.MediaStatus) -> None:
        if status in done_states:
            loop.quit()

    def on_timeout() -> None:
        timed_out.append(True)
        loop.quit()

    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(on_timeout)
    player.mediaStatusChanged.connect(on_status)
    player.errorOccurred.connect(lambda *_: loop.quit())
    try:
        player.setSource(QUrl.fromLocalFile(str(Path(path).absolute())))
        if player.mediaStatus() not in done_states and player.error() == QMediaPlayer.Error.NoError:
            timer.start(int(timeout_s * 1000))
            loop.exec()
        timer.stop()
        invalid = player.mediaStatus() == QMediaPlayer.MediaStatus.InvalidMedia
        if invalid or player.error() != QMediaPlayer.Error.NoError:
            detail = player.errorString() or "invalid media"
            raise MediaProbeError(f"{name}: cannot read the video ({detail})")
        if timed_out:
            raise MediaProbeError(f"{name}: reading the video took longer than {timeout_s:g} s; gave up")
        meta = player.metaData()
        facts: dict[str, Any] = {"duration_ms": int(player.duration() or meta.value(QMediaMetaData.Key.Duration) or 0)}
        size = meta.value(QMediaMetaData.Key.Resolution)
        if (size is None or size.isEmpty()) and player.videoTracks():
            size = player.videoTracks()[0].value(QMediaMetaData.Key.Resolution)
        if size is not None and not size.isEmpty():
            facts["width"], facts["height"] = size.width(), size.height()
        video_codec = meta.value(QMediaMetaData.Key.VideoCodec)
        if video_codec is not None and video_codec != QMediaFormat.VideoCodec.Unspecified:
            facts["video_codec"] = QMediaFormat.videoCodecName(video_codec)
        audio_codec = meta.value(QMediaMetaData.Key.AudioCodec)
        if audio_codec is not None and audio_codec != QMediaFormat.AudioCodec.Unspecified:
            facts["audio_codec"] = QMediaFormat.audioCodecName(audio_codec)
        frame_rate = meta.value(QMediaMetaData.Key.VideoFrameRate)
        if frame_rate:
            facts["frame_rate"] = round(float(frame_rate), 3)
        file_format = meta.value(QMediaMetaData.Key.FileFormat)
        if file_format is not None and file_format != QMediaFormat.FileFormat.UnspecifiedFormat:
            facts["container"] = QMediaFormat.fileFormatName(file_format)
        facts["has_video"] = bool(player.hasVideo())
        return facts
    finally:
        # Python owns both objects: they are destroyed when this frame ends, player first (worker threads of a
        # QThreadPool run no event loop, so deleteLater() would never happen there).
        timer.stop()
        empty = QUrl()  # joins the backend's threads: without holding the interpreter lock (gil_free)
        without_the_gil(player, "_ZN12QMediaPlayer9setSourceERK4QUrl", functools.partial(player.setSource, empty),
                        empty)
        del player
        del sink


def video_prober(path: Path) -> dict[str, Any]:
    """The one `VideoProber` the CLI and the app pass to the core (`probe_file(..., video_prober)`).

    Qt is imported only when a video is probed. In a command-line process (no QGuiApplication) Qt's and
    FFmpeg's console chatter is silenced first: the CLI prints its own one-line error naming the file.
    """
    from PySide6.QtGui import QGuiApplication

    if not _quiet and QGuiApplication.instance() is None:
        quiet_multimedia_logs()
    return probe_video(path)
