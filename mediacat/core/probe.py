"""What a media file is, from its bytes (never its name), and its own facts: Pillow, tinytag, an injected video prober.

`sniff(path)` reads the first bytes and names the type; `probe_file(path)` also decodes enough of the file to
catch truncation and corruption and returns `MediaFacts`. Video facts come from a `video_prober(path) -> dict`
passed in by the caller (the CLI and GUI pass `mediacat.qtmedia.probe.probe_video`): the core never imports Qt.
"""

from __future__ import annotations

import os
import struct
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mediacat.core.errors import MediaCatError
from mediacat.core.media_integrity import TruncatedMedia, check_complete

SNIFF_BYTES = 4096
VideoProber = Callable[[Path], dict[str, Any]]


class UnsupportedMedia(MediaCatError):
    """The file's bytes are not an image, audio or video format MediaCat knows (or the file is empty)."""


class MediaProbeError(MediaCatError):
    """The file looks like a known format but cannot be decoded (truncated, corrupt, too large)."""


def display_path(path: str | os.PathLike[str] | bytes) -> str:
    """A path as printable text: bytes that are not UTF-8 are shown as \\xNN escapes instead of crashing."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


@dataclass
class MediaFacts:
    mime: str
    media_type: str  # image | audio | video
    width: int | None = None
    height: int | None = None
    duration: float | None = None  # seconds
    facts: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


# -- sniffing -----------------------------------------------------------------------------------------------

_FTYP_BRANDS = {
    b"M4A ": ("audio/mp4", "audio"),
    b"M4B ": ("audio/mp4", "audio"),
    b"M4P ": ("audio/mp4", "audio"),
    b"qt  ": ("video/quicktime", "video"),
    b"M4V ": ("video/x-m4v", "video"),
    b"M4VH": ("video/x-m4v", "video"),
    b"M4VP": ("video/x-m4v", "video"),
}


def sniff(path: str | os.PathLike[str]) -> tuple[str, str]:
    """(mime, media_type) from the file's first bytes; raises UnsupportedMedia naming the file otherwise."""
    name = display_path(path)
    try:
        with open(path, "rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError as error:
        raise UnsupportedMedia(f"{name}: cannot read the file ({error.strerror or error})") from error
    if not head:
        raise UnsupportedMedia(f"{name}: the file is empty (0 bytes)")
    found = sniff_bytes(head)
    if found is None:
        raise UnsupportedMedia(f"{name}: not a media file MediaCat knows ({_describe_head(head)})")
    return found


def sniff_bytes(head: bytes) -> tuple[str, str] | None:
    """(mime, media_type) for the first bytes of a file, or None when they match no known format."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", "image"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", "image"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif", "image"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "image/tiff", "image"
    if head[:2] == b"BM" and len(head) >= 26 and head[6:10] == b"\x00\x00\x00\x00":
        return "image/bmp", "image"
    if head[:4] == b"RIFF" and len(head) >= 12:
        riff_type = head[8:12]
        if riff_type == b"WEBP":
            return "image/webp", "image"
        if riff_type == b"WAVE":
            return "audio/wav", "audio"
        if riff_type == b"AVI ":
            return "video/x-msvideo", "video"
        return None
    if head[:4] == b"FORM" and head[8:12] in (b"AIFF", b"AIFC"):
        return "audio/aiff", "audio"
    if head.startswith(b"fLaC"):
        return "audio/flac", "audio"
    if head.startswith(b"OggS"):
        return ("video/ogg", "video") if b"\x80theora" in head else ("audio/ogg", "audio")
    if head[4:8] == b"ftyp" and len(head) >= 12:
        return _FTYP_BRANDS.get(head[8:12], ("video/mp4", "video"))
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return ("video/webm", "video") if b"webm" in head[:64] else ("video/x-matroska", "video")
    if head.startswith(b"ID3"):
        return "audio/mpeg", "audio"
    if len(head) >= 4 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:
        layer = (head[1] >> 1) & 0x3
        if layer == 0 and head[1] & 0xF6 == 0xF0:
            return "audio/aac", "audio"  # ADTS
        if _mpeg_frame_length(head[:4]) is not None:
            return "audio/mpeg", "audio"
    return None


def _describe_head(head: bytes) -> str:
    sample = head[:512]
    try:
        text = sample.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None and all(ch.isprintable() or ch in "\r\n\t" for ch in text):
        return "it starts with text, not media bytes"
    return f"unknown bytes {head[:8].hex(' ')}"


# -- MPEG audio frames (a corrupt MP3 often still "opens"; its frames do not line up) ----------------------

_BITRATES_KBPS = {
    # (mpeg1?, layer) -> table indexed by the 4-bit bitrate index
    (True, 1): (0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448),
    (True, 2): (0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    (True, 3): (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (False, 1): (0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256),
    (False, 2): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
    (False, 3): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_SAMPLE_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


def _mpeg_frame_length(header: bytes) -> int | None:
    """Length in bytes of the MPEG audio frame starting with this 4-byte header, or None if it is not one."""
    if len(header) < 4 or header[0] != 0xFF or header[1] & 0xE0 != 0xE0:
        return None
    version = (header[1] >> 3) & 0x3  # 3 = MPEG1, 2 = MPEG2, 0 = MPEG2.5, 1 = reserved
    layer_bits = (header[1] >> 1) & 0x3
    bitrate_index = header[2] >> 4
    rate_index = (header[2] >> 2) & 0x3
    if version == 1 or layer_bits == 0 or bitrate_index in (0, 15) or rate_index == 3:
        return None
    layer = 4 - layer_bits
    mpeg1 = version == 3
    bitrate = _BITRATES_KBPS[(mpeg1, layer if mpeg1 or layer == 1 else 2)][bitrate_index] * 1000
    sample_rate = _SAMPLE_RATES[version][rate_index]
    padding = (header[2] >> 1) & 0x1
    if layer == 1:
        return (12 * bitrate // sample_rate + padding) * 4
    if layer == 3 and not mpeg1:
        return 72 * bitrate // sample_rate + padding
    return 144 * bitrate // sample_rate + padding


def check_mpeg_frames(path: str | os.PathLike[str], needed: int = 3, window: int = 256 * 1024) -> None:
    """Raise MediaProbeError unless `needed` consecutive MPEG audio frames follow the ID3 tag."""
    with open(path, "rb") as handle:
        data = handle.read(window)
    start = 0
    if data.startswith(b"ID3") and len(data) >= 10:
        size = (data[6] & 0x7F) << 21 | (data[7] & 0x7F) << 14 | (data[8] & 0x7F) << 7 | (data[9] & 0x7F)
        start = 10 + size + (10 if data[5] & 0x10 else 0)
        with open(path, "rb") as handle:
            handle.seek(start)
            data = handle.read(window)
        start = 0
    position = data.find(b"\xff", start)
    while 0 <= position < len(data) - 4:
        offset, count = position, 0
        while count < needed:
            length = _mpeg_frame_length(data[offset : offset + 4])
            if not length:
                break
            count += 1
            offset += length
        if count >= needed or (count and offset == len(data)):  # a tiny file may end after fewer frames
            return
        position = data.find(b"\xff", position + 1)
    raise MediaProbeError(f"{display_path(path)}: corrupt MP3: no run of valid MPEG audio frames found")


# -- probing ------------------------------------------------------------------------------------------------


def probe_file(path: str | os.PathLike[str], video_prober: VideoProber | None = None) -> MediaFacts:
    """Sniff and decode `path`; MediaProbeError / UnsupportedMedia name the file and the problem."""
    mime, media_type = sniff(path)
    try:
        if media_type != "image":
            check_complete(Path(path))  # before the header's facts (duration) are believed
        if media_type == "image":
            return _probe_image(Path(path), mime)
        if media_type == "audio":
            return _probe_audio(Path(path), mime)
        return _probe_video(Path(path), mime, video_prober)
    except TruncatedMedia as error:
        raise MediaProbeError(str(error)) from error
    except MediaCatError:
        raise
    except (OSError, struct.error) as error:
        raise MediaProbeError(f"{display_path(path)}: cannot read the {mime} file ({error})") from error
    except Exception as error:  # a decoder's own bug or odd exception must not stop a whole import
        raise MediaProbeError(
            f"{display_path(path)}: cannot decode the {mime} file ({type(error).__name__}: {error})"
        ) from error


_EXIF_IFD = 0x8769
_EXIF_DATE_ORIGINAL = 36867
_EXIF_DATE_DIGITIZED = 36868
_TIFF_DATE = 306
_TIFF_MAKE = 271
_TIFF_MODEL = 272
_TIFF_ORIENTATION = 274


MAX_DECODE_PIXELS = 64_000_000  # the most pixels any one image may cost to decode (~256 MB as RGBA)


def _probe_image(path: Path, mime: str) -> MediaFacts:
    """Size, format, EXIF and a decode check, never decoding more than MAX_DECODE_PIXELS (issue 13.3): a
    larger JPEG is decoded at a reduced scale; any other larger image is checked chunk by chunk (verify)."""
    from PIL import Image, UnidentifiedImageError

    name = display_path(path)
    result = MediaFacts(mime, "image")
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                result.width, result.height = image.size
                result.facts.update(format=image.format, mode=image.mode)
                image.verify()
            with Image.open(path) as image:
                if image.format != "PNG" or "exif" in image.info:  # PNG's getexif() decodes the whole image
                    result.facts.update(_exif_facts(image))
                if image.format == "JPEG":
                    image.draft(image.mode, (max(1, image.size[0] // 8), max(1, image.size[1] // 8)))
                bomb = any(issubclass(w.category, Image.DecompressionBombWarning) for w in caught)
                if bomb or image.size[0] * image.size[1] > MAX_DECODE_PIXELS:
                    result.warnings.append(
                        f"{name}: very large image ({result.width}x{result.height}, "
                        f"{result.width * result.height / 1e6:.0f} MP); its pixels were not decoded to check "
                        f"them (more than {MAX_DECODE_PIXELS / 1e6:.0f} MP)"
                    )
                else:
                    image.load()
    except Image.DecompressionBombError as error:
        raise MediaProbeError(
            f"{name}: image too large to open safely ({error}); Pillow refuses possible decompression bombs"
        ) from error
    except UnidentifiedImageError as error:
        raise MediaProbeError(f"{name}: not a readable {mime} image ({error})") from error
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        reason = str(error) or type(error).__name__
        if "truncated" in reason:
            reason = f"the image is truncated ({reason})"
        raise MediaProbeError(f"{name}: cannot decode the {mime} image: {reason}") from error
    return result


def _exif_facts(image: Any) -> dict[str, Any]:
    try:
        exif = image.getexif()
    except Exception:  # a damaged EXIF block must not hide the picture itself
        return {"exif_error": "unreadable EXIF block"}
    facts: dict[str, Any] = {}
    try:
        sub = exif.get_ifd(_EXIF_IFD)
    except Exception:
        sub = {}
    date = sub.get(_EXIF_DATE_ORIGINAL) or sub.get(_EXIF_DATE_DIGITIZED) or exif.get(_TIFF_DATE)
    if date:
        facts["exif_date"] = _exif_date(str(date))
    camera = " ".join(str(exif.get(tag, "")).strip("\x00 ") for tag in (_TIFF_MAKE, _TIFF_MODEL)).strip()
    if camera:
        facts["camera"] = camera
    orientation = exif.get(_TIFF_ORIENTATION)
    if isinstance(orientation, int):
        facts["orientation"] = orientation
    return facts


def _exif_date(value: str) -> str:
    """EXIF "2021:02:18 20:44:00" as ISO "2021-02-18T20:44:00" (left as-is when it has another shape)."""
    value = value.strip("\x00 ")
    if len(value) >= 19 and value[4] == ":" and value[7] == ":":
        return f"{value[0:4]}-{value[5:7]}-{value[8:10]}T{value[11:19]}"
    return value


_TAG_FIELDS = ("title", "artist", "album", "albumartist", "year", "genre", "comment", "track", "composer")


def _probe_audio(path: Path, mime: str) -> MediaFacts:
    from tinytag import TinyTag, TinyTagException

    name = display_path(path)
    result = MediaFacts(mime, "audio")
    if mime == "audio/mpeg":
        check_mpeg_frames(path)
    try:
        tag = TinyTag.get(path)
    except TinyTagException as error:
        if mime == "audio/aac":
            result.warnings.append(f"{name}: raw AAC stream: duration and rate not read ({error})")
            return result
        raise MediaProbeError(f"{name}: cannot read the {mime} audio ({error})") from error
    except (OSError, ValueError, EOFError) as error:
        raise MediaProbeError(f"{name}: cannot read the {mime} audio ({error})") from error
    if not tag.duration or tag.duration <= 0:
        raise MediaProbeError(f"{name}: corrupt or empty {mime} audio: no playable duration found")
    result.duration = float(tag.duration)
    for key, value in (
        ("sample_rate", tag.samplerate),
        ("channels", tag.channels),
        ("bitrate_kbps", round(tag.bitrate, 1) if tag.bitrate else None),
        ("bit_depth", getattr(tag, "bitdepth", None)),
    ):
        if value:
            result.facts[key] = value
    tags = {key: str(getattr(tag, key)) for key in _TAG_FIELDS if getattr(tag, key, None) not in (None, "")}
    if tags:
        result.facts["tags"] = tags
    return result


def _probe_video(path: Path, mime: str, video_prober: VideoProber | None) -> MediaFacts:
    result = MediaFacts(mime, "video")
    if video_prober is None:
        result.warnings.append(f"{display_path(path)}: video facts not read (no video prober here)")
        return result
    info = video_prober(path)
    if info.get("has_video") is False:
        return _audio_only_container(path, mime, info)
    if info.get("warning"):
        result.warnings.append(f"{display_path(path)}: video facts not read: {info['warning']}")
    if info.get("duration_ms"):
        result.duration = info["duration_ms"] / 1000.0
    result.width = info.get("width") or None
    result.height = info.get("height") or None
    for key in ("video_codec", "audio_codec", "frame_rate", "container"):
        if info.get(key):
            result.facts[key] = info[key]
    return result


_AUDIO_ONLY_MIME = {"video/mp4": "audio/mp4", "video/quicktime": "audio/mp4", "video/x-m4v": "audio/mp4",
                    "video/webm": "audio/webm", "video/x-matroska": "audio/x-matroska", "video/ogg": "audio/ogg"}


def _audio_only_container(path: Path, mime: str, info: dict[str, Any]) -> MediaFacts:
    """A video container that holds only sound (an MP4 with just AAC, a WebM with just Opus) is audio."""
    if not info.get("audio_codec"):
        raise MediaProbeError(f"{display_path(path)}: the {mime} file holds neither video nor audio")
    result = MediaFacts(_AUDIO_ONLY_MIME.get(mime, mime), "audio")
    if info.get("duration_ms"):
        result.duration = info["duration_ms"] / 1000.0
    result.facts["audio_codec"] = info["audio_codec"]
    if info.get("container"):
        result.facts["container"] = info["container"]
    try:
        from tinytag import TinyTag

        tag = TinyTag.get(path)
    except Exception:  # tinytag does not read every container; the Qt facts are enough
        return result
    for key, value in (("sample_rate", tag.samplerate), ("channels", tag.channels),
                       ("bitrate_kbps", round(tag.bitrate, 1) if tag.bitrate else None)):
        if value:
            result.facts[key] = value
    return result
