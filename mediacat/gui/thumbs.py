"""Thumbnails for the grid: a LIFO queue rendered on the "thumbnail" task pool, a disk cache by content, a RAM
LRU of pixmaps."""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from PySide6.QtCore import QObject, QRectF, Qt, QThread, Signal, Slot
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPalette, QPen, QPixmap
from PySide6.QtWidgets import QApplication

from mediacat.gui.tasks import THUMBNAIL, TaskRunner
from mediacat.gui.thumb_render import render_thumbnail
from mediacat.qtmedia import multimedia_status

DEFAULT_MAX_PIXMAPS = 600


@dataclass(frozen=True)
class ThumbnailRequest:
    """One file to render at one size; `key` names the result in the RAM LRU and (with sha256) on disk."""

    key: str
    path: str
    media_type: str
    size: int
    disk_stem: str | None  # cache file name without suffix (.jpg, or .png with alpha); None without a sha256


class RequestStack:
    """Thread-safe LIFO of requests: the most recently asked is served first; asking again moves it to the top."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._requests: OrderedDict[str, ThumbnailRequest] = OrderedDict()
        self._closed = False

    def push(self, request: ThumbnailRequest) -> None:
        with self._condition:
            if self._closed:
                return
            if request.key in self._requests:
                self._requests.move_to_end(request.key)
            else:
                self._requests[request.key] = request
            self._condition.notify()

    def bump(self, key: str) -> None:
        """Asked again: a request still waiting moves to the top (one already taken by a worker is not re-queued)."""
        with self._condition:
            if key in self._requests:
                self._requests.move_to_end(key)

    def pop(self) -> ThumbnailRequest | None:
        """The newest request, without waiting; None when there is none or once closed."""
        with self._condition:
            if self._closed or not self._requests:
                return None
            return self._requests.popitem(last=True)[1]

    def close(self) -> None:
        """Drop every waiting request and release the waiting workers."""
        with self._condition:
            self._closed = True
            self._requests.clear()
            self._condition.notify_all()

    def __len__(self) -> int:
        with self._condition:
            return len(self._requests)


class _Delivery(QObject):
    """Lives in the GUI thread; workers emit on it so results arrive there as queued signals."""

    rendered = Signal(str, QImage, str)  # key, image (null on failure), error message


class ThumbnailProvider(QObject):
    """Thumbnails by item: `thumbnail()` answers from RAM at once or schedules a render and later emits
    `thumbnail_ready(item_id)`; ask again then. Call `shutdown()` before the application ends."""

    thumbnail_ready = Signal(str)

    def __init__(
        self,
        cache_dir: Path,
        parent: QObject | None = None,
        *,
        max_pixmaps: int = DEFAULT_MAX_PIXMAPS,
        tasks: TaskRunner | None = None,
    ) -> None:
        super().__init__(parent)
        self._tasks = tasks if tasks is not None else TaskRunner(self)
        self._cache_dir = Path(cache_dir)
        self._max_pixmaps = max(1, max_pixmaps)
        self._pixmaps: OrderedDict[str, QPixmap | None] = OrderedDict()  # None: the file could not be read
        self._errors: dict[str, str] = {}
        self._waiting: dict[str, set[str]] = {}  # key -> item ids to notify
        self._special: dict[tuple[str, int], QPixmap] = {}
        self._stack = RequestStack()
        self._closed = threading.Event()
        self._counter_lock = threading.Lock()
        self.render_count = 0  # files decoded (not disk cache hits); for tests and benchmarks
        self.disk_hits = 0
        palette = QApplication.palette() if QApplication.instance() else QPalette()
        self._accent = QColor(palette.color(QPalette.ColorRole.Highlight))
        self._delivery = _Delivery(self)
        self._delivery.rendered.connect(self._on_rendered)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    # -- the GUI thread's API

    def thumbnail(
        self, item_id: str, path: str | None, sha256: str | None, media_type: str, size: int
    ) -> QPixmap | None:
        """The cached pixmap (or the error pixmap) for this file and size, else None and a render is scheduled.

        With path None there is nothing to render (None; the caller shows its placeholder). Audio and video
        on a machine without Qt Multimedia get the type placeholder, except WAV which decodes without it.
        """
        if not path or self._closed.is_set():
            return None
        key = _ram_key(path, sha256, size)
        if key in self._pixmaps:
            self._pixmaps.move_to_end(key)
            pixmap = self._pixmaps[key]
            if pixmap is not None:
                return pixmap
            return self.error_pixmap(size, missing=self._errors.get(key, "").endswith(FILE_MISSING))
        if media_type in ("audio", "video") and not _can_decode(path, media_type):
            return self.placeholder_pixmap(media_type, size)
        waiting = self._waiting.get(key)
        if waiting is not None:  # already queued or being rendered: one render notifies every item asking
            waiting.add(item_id)
            self._stack.bump(key)
            return None
        self._waiting[key] = {item_id}
        self._stack.push(ThumbnailRequest(key, path, media_type, size, f"{sha256}-{size}" if sha256 else None))
        self._tasks.submit(THUMBNAIL, self._render_newest)  # one pool task per request, each takes the newest
        return None

    def error_message(self, path: str, sha256: str | None, size: int) -> str | None:
        """Why the thumbnail of this file could not be made (None when it was made or is not known yet)."""
        return self._errors.get(_ram_key(path, sha256, size))

    def pending_count(self) -> int:
        """Requested files whose result has not reached the GUI thread yet."""
        return len(self._waiting)

    def shutdown(self) -> None:
        """Cancel pending requests, wait for the workers; later results are dropped. Safe to call twice."""
        if self._closed.is_set():
            return
        self._closed.set()
        self._stack.close()
        self._tasks.thread_pool(THUMBNAIL).waitForDone()
        self._waiting.clear()

    def error_pixmap(self, size: int, *, missing: bool = False) -> QPixmap:
        """The "cannot read" (or "file missing") thumbnail: a crossed frame with the words, in palette colors."""
        return self._special_pixmap("missing" if missing else "error", size)

    def placeholder_pixmap(self, media_type: str, size: int) -> QPixmap:
        """A neutral tile naming the media type, for files this machine cannot decode (no Qt Multimedia)."""
        return self._special_pixmap(media_type, size)

    # -- internals

    def _special_pixmap(self, name: str, size: int) -> QPixmap:
        cached = self._special.get((name, size))
        if cached is not None:
            return cached
        palette = QApplication.palette()
        pixmap = QPixmap(size, size)
        pixmap.fill(palette.color(QPalette.ColorRole.Base))
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        frame = QRectF(size * 0.08, size * 0.08, size * 0.84, size * 0.84)
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Mid), max(1.0, size / 64)))
        painter.drawRoundedRect(frame, size * 0.05, size * 0.05)
        if name in ("error", "missing"):
            painter.drawLine(frame.topLeft(), frame.bottomRight())
            painter.drawLine(frame.topRight(), frame.bottomLeft())
            text = "file missing" if name == "missing" else "cannot read"
        else:
            text = name
        font = QFont(painter.font())
        font.setPixelSize(max(8, size // 9))
        painter.setFont(font)
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        painter.fillRect(QRectF(frame.left() + 2, frame.center().y() - size / 9, frame.width() - 4, size / 4.5),
                         palette.color(QPalette.ColorRole.Base))
        painter.drawText(frame, Qt.AlignmentFlag.AlignCenter, text)
        painter.end()
        self._special[(name, size)] = pixmap
        return pixmap

    @Slot(str, QImage, str)
    def _on_rendered(self, key: str, image: QImage, error: str) -> None:
        if self._closed.is_set():
            return
        item_ids = self._waiting.pop(key, set())
        if image.isNull():
            self._errors[key] = error
            self._remember(key, None)
        else:
            self._errors.pop(key, None)
            self._remember(key, QPixmap.fromImage(image))
        for item_id in sorted(item_ids):
            self.thumbnail_ready.emit(item_id)

    def _remember(self, key: str, pixmap: QPixmap | None) -> None:
        self._pixmaps[key] = pixmap
        self._pixmaps.move_to_end(key)
        while len(self._pixmaps) > self._max_pixmaps:
            self._pixmaps.popitem(last=False)

    def cached_count(self) -> int:
        """Pixmaps (and remembered failures) held in RAM; never more than max_pixmaps."""
        return len(self._pixmaps)

    def _render_newest(self) -> None:
        """On the thumbnail pool: render the most recently asked request (LIFO: visible items first)."""
        request = self._stack.pop()
        if request is None:
            return
        QThread.currentThread().setPriority(QThread.Priority.LowPriority)
        image, error = self._render(request)
        if not self._closed.is_set():
            self._delivery.rendered.emit(request.key, image, error)

    def _render(self, request: ThumbnailRequest) -> tuple[QImage, str]:
        """Runs on a worker: (image, "") or (null image, why)."""
        stem = self._cache_dir / request.disk_stem if request.disk_stem else None
        if stem is not None:
            for suffix in (".jpg", ".png"):
                disk_file = stem.with_name(stem.name + suffix)
                if disk_file.is_file():
                    cached = QImage(str(disk_file))
                    if not cached.isNull():
                        with self._counter_lock:
                            self.disk_hits += 1
                        return cached, ""
        if not os.path.exists(request.path):
            return QImage(), f"{request.path}: {FILE_MISSING}"
        with self._counter_lock:
            self.render_count += 1
        try:
            image = render_thumbnail(request.path, request.media_type, request.size, self._accent)
        except Exception as error:  # a worker must survive any bad file; the message is kept for the UI
            return QImage(), str(error) or type(error).__name__
        if stem is not None:
            _save_atomically(image, stem.with_name(stem.name + (".png" if image.hasAlphaChannel() else ".jpg")))
        return image, ""


FILE_MISSING = "file missing"


def _ram_key(path: str, sha256: str | None, size: int) -> str:
    return f"{sha256}-{size}" if sha256 else f"path:{path}-{size}"


def _can_decode(path: str, media_type: str) -> bool:
    """Whether this machine can decode the file: everything with Qt Multimedia, only WAV without."""
    if multimedia_status()[0]:
        return True
    return media_type == "audio" and path.lower().endswith((".wav", ".wave"))


def _save_atomically(image: QImage, target: Path) -> None:
    """Write to a temporary name beside target, then rename; a failed write leaves no partial file."""
    temporary = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    image_format = "PNG" if target.suffix == ".png" else "JPG"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        # The stubs type the format as bytes, but PySide6 refuses bytes there and takes the str
        # (QImage.save(str, b"PNG") raises "called with wrong argument values").
        if image.save(str(temporary), cast(bytes, image_format), 88 if image_format == "JPG" else -1):
            os.replace(temporary, target)
    except OSError:
        pass  # the cache is an optimisation; the thumbnail is still shown
    finally:
        temporary.unlink(missing_ok=True)

