"""Is the file all there? Container-level checks that catch truncated or lying media before its header's facts
are believed: RIFF/WAV and AIFF chunk sizes, ISO-BMFF (MP4, MOV, M4A) box sizes, FLAC's sample count against
its last frame (which must end the file, its CRC-16 right), and an MP3's Xing/Info byte count. Each failure
names the file and what is missing.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path

from mediacat.core.errors import MediaCatError


class TruncatedMedia(MediaCatError):
    """The file ends before what its own header announces (cut short, or a header that lies)."""


def check_complete(path: Path) -> None:
    """Raise TruncatedMedia when the audio or video container in `path` is not all there."""
    size = os.path.getsize(path)
    with open(path, "rb") as handle:
        head = handle.read(12)
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        _check_chunks(path, size, "<I", b"data", "WAV")
    elif head[:4] == b"FORM" and head[8:12] in (b"AIFF", b"AIFC"):
        _check_chunks(path, size, ">I", b"SSND", "AIFF")
    elif head[4:8] == b"ftyp":
        _check_boxes(path, size)
    elif head[:4] == b"fLaC":
        _check_flac(path, size)
    elif head[:3] == b"ID3" or head[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xfa", b"\xff\xf2", b"\xff\xe3"):
        _check_mp3(path, size)


def _fail(path: Path, problem: str) -> TruncatedMedia:
    from mediacat.core.probe import display_path

    return TruncatedMedia(f"{display_path(path)}: {problem}; refused (the file is cut short or its header is wrong)")


def _check_chunks(path: Path, size: int, word: str, audio_chunk: bytes, kind: str) -> None:
    with open(path, "rb") as handle:
        declared = struct.unpack(word, handle.read(8)[4:8])[0] + 8
        if declared > size + 1:  # one pad byte may be missing at the very end
            raise _fail(path, f"the {kind} header announces {declared} bytes, the file has {size}")
        position = 12
        while position + 8 <= size:
            handle.seek(position)
            chunk_id, length = struct.unpack(word[0] + "4sI", handle.read(8))
            end = position + 8 + length
            if end > size + 1:
                raise _fail(path, f"its {chunk_id.decode('latin-1')!r} chunk announces {length} bytes but only "
                                  f"{size - position - 8} follow")
            if chunk_id == audio_chunk:
                return
            position = end + (length & 1)
    raise _fail(path, f"the {kind} file has no {audio_chunk.decode()!r} chunk (no audio data)")


def _check_boxes(path: Path, size: int) -> None:
    position, found = 0, set()
    with open(path, "rb") as handle:
        while position + 8 <= size:
            handle.seek(position)
            length, box = struct.unpack(">I4s", handle.read(8))
            if length == 1:
                length = struct.unpack(">Q", handle.read(8))[0]
            elif length == 0:
                length = size - position  # the last box runs to the end of the file
            if length < 8:
                raise _fail(path, f"box {box!r} at byte {position} has an impossible size {length}")
            if position + length > size:
                raise _fail(path, f"its {box.decode('latin-1')!r} box needs {position + length} bytes, the file "
                                  f"has {size}")
            found.add(box)
            position += length
    if b"moov" not in found:
        raise _fail(path, "it has no 'moov' index (the part that says where the frames are)")


_FLAC_BLOCK_SIZES = {1: 192, 2: 576, 3: 1152, 4: 2304, 5: 4608, 8: 256, 9: 512, 10: 1024, 11: 2048, 12: 4096,
                     13: 8192, 14: 16384, 15: 32768}
TAIL_BYTES = 256 * 1024


def _check_flac(path: Path, size: int) -> None:
    """The file must end with a whole frame (its CRC-16 footer right), and that last frame must reach the
    sample count STREAMINFO announces: a file cut anywhere, in its last frame too, fails one or the other."""
    with open(path, "rb") as handle:
        position, info = 4, b""
        while True:
            handle.seek(position)
            header = handle.read(4)
            if len(header) < 4:
                raise _fail(path, "the FLAC metadata ends early")
            length = int.from_bytes(header[1:4], "big")
            if position + 4 + length > size:
                raise _fail(path, f"a FLAC metadata block needs {position + 4 + length} bytes, the file has {size}")
            if header[0] & 0x7F == 0:
                info = handle.read(length)
            position += 4 + length
            if header[0] & 0x80:
                break
        if len(info) < 18:
            raise _fail(path, "the FLAC file has no STREAMINFO block")
        fixed_block = int.from_bytes(info[0:2], "big")
        max_frame = int.from_bytes(info[7:10], "big") or TAIL_BYTES  # 0: the encoder did not say
        total = int.from_bytes(info[13:18], "big") & ((1 << 36) - 1)
        start = max(position, size - min(TAIL_BYTES, max_frame + 16 + 128))
        handle.seek(start)
        tail = handle.read()
    if len(tail) > 128 and tail[-128:-125] == b"TAG":
        tail = tail[:-128]  # an ID3v1 tag some taggers append is not audio
    last = _last_whole_flac_frame(tail, fixed_block)
    if last is None:
        raise _fail(path, "its last FLAC frame is incomplete (no frame header near the end whose CRC-16 "
                          "footer matches the end of the file)")
    reached = last[0] + last[1]
    if total and reached < total:
        raise _fail(path, f"its audio stops at sample {reached} of the {total} STREAMINFO announces "
                          f"({reached / total:.0%})")


def _last_whole_flac_frame(data: bytes, fixed_block: int) -> tuple[int, int] | None:
    """(first sample, block size) of the frame that ends `data`: the last frame header (CRC-8 right) from
    which the bytes up to the end carry a right CRC-16 in their last two bytes. A header-like pattern inside
    the audio, or a cut frame, fails that check, so the search goes on backwards."""
    if len(data) < 2:
        return None
    footer = int.from_bytes(data[-2:], "big")
    position = len(data) - 2
    while position >= 0:
        position = data.rfind(b"\xff", 0, position + 1)
        if position < 0:
            return None
        if position + 1 < len(data) and data[position + 1] in (0xF8, 0xF9):
            frame = _flac_frame_header(data, position, fixed_block)
            if frame is not None and _crc16(data, position, len(data) - 2) == footer:
                return frame
        position -= 1
    return None


def _flac_frame_header(data: bytes, start: int, fixed_block: int) -> tuple[int, int] | None:
    variable = data[start + 1] == 0xF9
    if start + 5 > len(data):
        return None
    block_code, rate_code = data[start + 2] >> 4, data[start + 2] & 0x0F
    if block_code == 0 or rate_code == 15 or data[start + 3] & 0x01:
        return None
    position = start + 4
    first = data[position]
    extra = next((n for n in range(7) if not first & (0x80 >> n)), None)  # UTF-8-style coded number
    if extra is None or extra == 1 or position + max(extra, 1) > len(data):
        return None
    count = max(extra - 1, 0)
    number = first & (0x7F >> extra) if extra else first
    for byte in data[position + 1 : position + 1 + count]:
        if byte & 0xC0 != 0x80:
            return None
        number = number << 6 | (byte & 0x3F)
    position += 1 + count
    block = _FLAC_BLOCK_SIZES.get(block_code)
    if block_code in (6, 7):
        width = block_code - 5
        if position + width > len(data):
            return None
        block = int.from_bytes(data[position : position + width], "big") + 1
        position += width
    if rate_code in (12, 13, 14):
        position += 1 if rate_code == 12 else 2
    if block is None or position >= len(data) or _crc8(data[start:position]) != data[position]:
        return None
    return (number if variable else number * fixed_block), block


def _crc16_table() -> tuple[int, ...]:
    table = []
    for byte in range(256):
        crc = byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x8005) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
        table.append(crc)
    return tuple(table)


_CRC16 = _crc16_table()


def _crc16(data: bytes, start: int, end: int) -> int:
    """FLAC's frame CRC-16 (polynomial 0x8005, initial 0) of data[start:end]."""
    crc, table = 0, _CRC16
    for byte in memoryview(data)[start:end]:
        crc = ((crc << 8) & 0xFFFF) ^ table[(crc >> 8) ^ byte]
    return crc


def _crc8(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = ((crc << 1) ^ 0x07) & 0xFF if crc & 0x80 else (crc << 1) & 0xFF
    return crc


def _check_mp3(path: Path, size: int) -> None:
    """An MP3 with a Xing/Info (LAME) or VBRI header that counts its bytes must have those bytes."""
    with open(path, "rb") as handle:
        head = handle.read(10)
        start = 0
        if head[:3] == b"ID3" and len(head) == 10:
            start = 10 + ((head[6] & 0x7F) << 21 | (head[7] & 0x7F) << 14 | (head[8] & 0x7F) << 7 | (head[9] & 0x7F))
        handle.seek(start)
        frame = handle.read(4096)
    if size > 128:
        with open(path, "rb") as handle:
            handle.seek(size - 128)
            if handle.read(3) == b"TAG":
                size -= 128  # an ID3v1 tag at the end is not audio
    announced = None
    for marker in (b"Xing", b"Info"):
        at = frame.find(marker, 4, 64)
        if at >= 0 and at + 16 <= len(frame):
            flags = int.from_bytes(frame[at + 4 : at + 8], "big")
            if flags & 0x2:
                offset = at + 8 + (4 if flags & 0x1 else 0)
                announced = int.from_bytes(frame[offset : offset + 4], "big")
            break
    else:
        if frame[36:40] == b"VBRI" and len(frame) >= 50:
            announced = int.from_bytes(frame[46:50], "big")
    if announced and size - start < announced * 0.98:
        raise _fail(path, f"its MP3 header counts {announced} bytes of audio, the file holds {size - start}")
