"""A real HTTP server on 127.0.0.1 for download tests, with fault modes (drops, stalls, bad lengths, redirects)."""

from __future__ import annotations

import contextlib
import fcntl
import functools
import io
import json
import random
import socket
import struct
import subprocess
import termios
import threading
import time
import wave
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit

from PIL import Image

HOST = "127.0.0.1"  # the server listens here only, on a port the system picks
LAST_MODIFIED = "Thu, 18 Feb 2021 20:55:00 GMT"


@dataclass
class Resource:
    """What the server answers at one path, and how it misbehaves.

    fault: None | "drop" (reset after `fault_after` bytes) | "drop-once" (only on the first request) |
    "short" (announce `declared_length` but send the body and close) | "stall" (send `fault_after` bytes,
    then wait until the server stops) | "trickle" (send the body one byte every `trickle_interval` s) |
    "trickle-headers" (send the status line and headers that slowly).
    """

    body: bytes = b""
    content_type: str = "application/octet-stream"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    ranges: bool = False
    etag: str | None = '"v1"'
    last_modified: str | None = LAST_MODIFIED
    fault: str | None = None
    fault_after: int = 1000
    declared_length: int | None = None
    send_length: bool = True
    location: str | None = None
    hits: int = 0
    trickle_interval: float = 0.05


@dataclass
class Request:
    path: str
    headers: dict[str, str]


class MediaServer:
    """`with MediaServer() as server: server.add("/x.jpg", Resource(body=...)); server.url("/x.jpg")`."""

    def __init__(self) -> None:
        self.resources: dict[str, Resource] = {}
        self.requests: list[Request] = []
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer((HOST, 0), _make_handler(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="media-server", daemon=True
        )

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self._httpd.server_port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def add(self, path: str, resource: Resource) -> str:
        """Serve `resource` at `path` (matched raw, then percent-decoded); returns its URL."""
        self.resources[path] = resource
        return self.url(path)

    def redirect(self, path: str, location: str, status: int = 302) -> str:
        return self.add(path, Resource(status=status, location=location))

    def redirect_chain(self, count: int, target: str, prefix: str = "/hop") -> str:
        """`count` redirects in a row ending at `target`; returns the first URL."""
        for index in range(count, 0, -1):
            following = target if index == 1 else f"{prefix}/{index - 1}"
            self.redirect(f"{prefix}/{index}", following)
        return self.url(f"{prefix}/{count}")

    def requests_for(self, path: str) -> list[Request]:
        with self._lock:
            return [request for request in self.requests if request.path == path]

    def __enter__(self) -> MediaServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()


def _make_handler(server: MediaServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            with server._lock:
                server.requests.append(Request(self.path, {k.lower(): v for k, v in self.headers.items()}))
            resource = server.resources.get(self.path)
            if resource is None:
                resource = server.resources.get(unquote(self.path))
            if resource is None:
                resource = server.resources.get(unquote(urlsplit(self.path).path))
            if resource is None:
                self._simple(404, b'{"reason": "Not found."}', "application/json")
                return
            resource.hits += 1
            if resource.location is not None:
                self.send_response(resource.status)
                self.send_header("Location", resource.location)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if resource.status != 200:
                self._simple(resource.status, resource.body, resource.content_type)
                return
            self._serve(resource)

        def _simple(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _trickle(self, data: bytes, interval: float) -> None:
            with contextlib.suppress(OSError):  # the client gives up: that is what the tests want
                for index in range(len(data)):
                    if server.stopping.wait(interval):
                        return
                    self.wfile.write(data[index : index + 1])
                    self.wfile.flush()

        def _serve(self, resource: Resource) -> None:
            if resource.fault == "trickle-headers":
                head = (f"HTTP/1.0 200 OK\r\nContent-Type: {resource.content_type}\r\n"
                        f"Content-Length: {len(resource.body)}\r\n" + "X-Padding: slow\r\n" * 50 + "\r\n")
                self._trickle(head.encode() + resource.body, resource.trickle_interval)
                self.close_connection = True
                return
            body, start = resource.body, 0
            wanted = self.headers.get("Range")
            if_range = self.headers.get("If-Range")
            if resource.ranges and wanted and (if_range is None or if_range in (resource.etag, resource.last_modified)):
                start = int(wanted.removeprefix("bytes=").split("-")[0])
            status = 206 if start else 200
            self.send_response(status)
            self.send_header("Content-Type", resource.content_type)
            if resource.etag:
                self.send_header("ETag", resource.etag)
            if resource.last_modified:
                self.send_header("Last-Modified", resource.last_modified)
            if resource.ranges:
                self.send_header("Accept-Ranges", "bytes")
            if start:
                self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
            length = resource.declared_length if resource.declared_length is not None else len(body) - start
            if resource.send_length:
                self.send_header("Content-Length", str(length))
            for name, value in resource.headers.items():
                self.send_header(name, value)
            self.end_headers()
            payload = body[start:]
            fault = resource.fault
            if fault == "drop-once":
                fault = "drop" if resource.hits == 1 else None
            if fault == "trickle":
                self._trickle(payload, resource.trickle_interval)
                return
            if fault in ("drop", "stall"):
                self.wfile.write(payload[: resource.fault_after])
                self.wfile.flush()
                if fault == "stall":
                    server.stopping.wait(60)
                    return
                _wait_until_delivered(self.connection)
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.connection.close()
                return
            with contextlib.suppress(OSError):  # the client may give up (a size limit, a cancel)
                self.wfile.write(payload)

        def handle_error(self) -> None:  # pragma: no cover - quiet on client disconnects
            pass

    return Handler


def _wait_until_delivered(connection: socket.socket, deadline: float = 10.0) -> None:
    """Wait until the peer's kernel has acknowledged every byte written, so a reset cuts exactly there.

    A close with SO_LINGER 0 throws away whatever is still in the send queue; on a loaded machine the
    bytes "sent" before the reset could then never arrive (CI saw "after 0 of 23498 bytes")."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        unsent = struct.unpack("i", fcntl.ioctl(connection.fileno(), termios.TIOCOUTQ, b"\0\0\0\0"))[0]
        if unsent == 0:
            return
        time.sleep(0.005)


# -- media made by the tests ----------------------------------------------------------------------------------


@functools.cache
def jpeg_bytes(width: int = 96, height: int = 64) -> bytes:
    """A noisy JPEG (noise keeps it several KB, so partial transfers have something to cut)."""
    rng = random.Random(width * 1000 + height)
    image = Image.frombytes("RGB", (width, height), bytes(rng.randrange(256) for _ in range(width * height * 3)))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


@functools.cache
def png_bytes(width: int = 32, height: int = 24) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 80, 40)).save(buffer, "PNG")
    return buffer.getvalue()


@functools.cache
def wav_bytes(seconds: float = 0.5, rate: int = 8000) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes(b"".join(struct.pack("<h", (i * 97) % 20000 - 10000) for i in range(int(seconds * rate))))
    return buffer.getvalue()


@functools.cache
def mp3_bytes(seconds: float = 1.0) -> bytes:
    """An MP3 encoded by the `ffmpeg` command from a generated tone."""
    result = subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
         "-f", "mp3", "pipe:1"],
        check=True,
        capture_output=True,
    )
    return result.stdout


HTML_PAGE = b"<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body>Please sign in.</body></html>\n"


def json_bytes(data: Any) -> bytes:
    return json.dumps(data).encode("utf-8")
