"""Control characters in file names never reach the terminal as such; bidi overrides never name a managed
file (issue 13, item 11)."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

from mediacat.cli.common import terminal_safe
from mediacat.core.attachments import attach_file
from mediacat.core.filestore import safe_file_name
from mediacat.core.library import Library
from tests.media_fixtures import make_jpeg

REPO = Path(__file__).resolve().parents[2]
HOSTILE = "x\x1b]0;pwned\x07\x1b[2J\u202egpj.exe"


def test_terminal_safe_escapes_controls_and_bidi_but_keeps_text() -> None:
    assert terminal_safe("Jezero 火星\tok\n") == "Jezero 火星\tok\n"
    shown = terminal_safe(HOSTILE)
    assert "\x1b" not in shown and "\x07" not in shown and "\u202e" not in shown
    assert shown == "x\\x1b]0;pwned\\x07\\x1b[2J\\u202egpj.exe"
    assert terminal_safe("\x9b31m") == "\\x9b31m"  # the 8-bit CSI too


def run_on_a_terminal(*argv: str) -> bytes:
    """Run the CLI with its standard output and error on a pseudo-terminal; everything it wrote there."""
    leader, follower = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen([sys.executable, "-m", "mediacat", *argv], cwd=REPO, env=env,
                               stdout=follower, stderr=follower, stdin=subprocess.DEVNULL)
    os.close(follower)
    output = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        output += chunk
    process.wait(timeout=120)
    os.close(leader)
    return output


def test_a_hostile_file_name_is_escaped_on_the_terminal(library_dir: Path, tmp_path: Path) -> None:
    source = make_jpeg(tmp_path / f"{HOSTILE}.jpg")
    Library.open(library_dir).close()
    output = run_on_a_terminal("attach", "skycrane-still", str(source), "--library", str(library_dir))
    assert b"attached" in output, output
    assert b"\x1b" not in output and b"\x07" not in output and "\u202e".encode() not in output
    assert b"\\x1b]0;pwned" in output
    missing = run_on_a_terminal("attach", "skycrane-still", str(tmp_path / "gone\x1b[2J.jpg"),
                                "--library", str(library_dir))
    assert b"no such file" in missing and b"\x1b" not in missing


def test_a_right_to_left_override_never_names_a_managed_file(library: Library, tmp_path: Path) -> None:
    assert safe_file_name("evil\u202egpj.exe") == "evilgpj.exe"
    attachment = attach_file(library, "skycrane-still", make_jpeg(tmp_path / "photo\u202egpj.jpg")).attachment
    assert "\u202e" not in attachment.path and attachment.path.endswith("photogpj.jpg")
