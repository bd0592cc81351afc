"""A watchdog for one download: an overall deadline and a minimum rate, headers included (slowloris).

The socket's timeout only bounds the wait for the *next* bytes, so a server sending one byte a second keeps
a download alive for hours. The watchdog's thread looks at the clock and the bytes received, and when the
download took longer than `deadline`, or received less than `min_rate * rate_window` bytes in any
`rate_window` (the status line and headers count as no bytes until they are complete), it shuts the
socket down; the reading thread then stops and `reason` says why.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time


class Watchdog:
    def __init__(self, *, deadline: float | None, min_rate: float, rate_window: float) -> None:
        self.deadline = deadline
        self.min_rate = min_rate
        self.rate_window = rate_window
        self.reason: str | None = None
        self._started = time.monotonic()
        self._window_start = self._started
        self._window_bytes = 0
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Watchdog:
        if self.deadline is not None or self.min_rate > 0:
            self._thread = threading.Thread(target=self._run, name="download-watchdog", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def watch(self, sock: socket.socket) -> None:
        """The socket to shut down when a limit is passed (each request and redirect has its own)."""
        with self._lock:
            self._sock = sock
            if self.reason is not None:
                _shut(sock)

    def received(self, count: int) -> None:
        self._window_bytes += count

    def _run(self) -> None:
        tick = max(0.02, min(1.0, self.rate_window / 4, (self.deadline or 1.0) / 4))
        while not self._stop.wait(tick):
            reason = self._check(time.monotonic())
            if reason is not None:
                with self._lock:
                    self.reason = reason
                    if self._sock is not None:
                        _shut(self._sock)
                return

    def _check(self, now: float) -> str | None:
        if self.deadline is not None and now - self._started > self.deadline:
            return f"stopped: the download took longer than the limit of {self.deadline:g} s"
        if self.min_rate > 0 and now - self._window_start >= self.rate_window:
            received, self._window_bytes, self._window_start = self._window_bytes, 0, now
            if received < self.min_rate * self.rate_window:
                return (f"stopped: the server sent {received} bytes in {self.rate_window:g} s, slower than the "
                        f"minimum of {self.min_rate:g} bytes/s (a stalled or deliberately slow server)")
        return None


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
