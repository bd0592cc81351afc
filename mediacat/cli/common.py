"""What every command shares: opening the library, printing JSON and tables, errors and progress lines."""

from __future__ import annotations

import argparse
import io
import json
import re
import sys
import time
from typing import Any, TextIO

from mediacat.core.jobs import Job, Progress
from mediacat.core.library import Library

EXIT_OK = 0
EXIT_PROBLEMS = 1  # the command ran but found or hit problems (e.g. `check` found a missing file)
EXIT_ERROR = 2  # the command could not run: bad arguments, unknown id, unusable library


# C0 and C1 controls (but newline and tab) and bidi controls: a file name can carry ESC sequences that set the
# terminal's title or clear its screen, or a right-to-left override that disguises it.
_UNSAFE_ON_TERMINAL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def terminal_safe(text: str) -> str:
    """`text` with every control character shown as an escape (`\x1b`, `\u202e`), never sent as such."""
    return _UNSAFE_ON_TERMINAL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


class SafeTerminal(io.TextIOBase):
    """A terminal stream that escapes control characters in whatever is written (installed on a tty only)."""

    def __init__(self, stream: TextIO) -> None:
        self.unescaped = stream  # for MediaCat's own control sequences (the progress line)

    def write(self, text: str) -> int:
        self.unescaped.write(terminal_safe(text))
        return len(text)

    def flush(self) -> None:
        self.unescaped.flush()

    def isatty(self) -> bool:
        return self.unescaped.isatty()

    def fileno(self) -> int:
        return self.unescaped.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.unescaped, "encoding", "utf-8")


def protect_terminal() -> None:
    """Escape control characters on standard output and error when they are terminals."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is not None and not isinstance(stream, SafeTerminal) and stream.isatty():
            setattr(sys, name, SafeTerminal(stream))


def open_library(args: argparse.Namespace) -> Library:
    return Library.open(getattr(args, "library", None))


def print_json(data: Any, stream: TextIO | None = None) -> None:
    stream = stream or sys.stdout
    json.dump(data, stream, ensure_ascii=False, indent=2)
    stream.write("\n")


def report_error(message: str) -> None:
    print(f"mediacat: error: {message}", file=sys.stderr)


def report_warning(message: str) -> None:
    print(f"mediacat: {message}", file=sys.stderr)


def print_table(rows: list[list[str]], headers: list[str], stream: TextIO | None = None) -> None:
    """A plain aligned table; the last column is never padded (titles can be long)."""
    stream = stream or sys.stdout
    widths = [max(len(str(value)) for value in column) for column in zip(headers, *rows, strict=False)]
    for row in [headers, *rows]:
        cells = [str(value).ljust(width) for value, width in zip(row[:-1], widths, strict=False)]
        stream.write("  ".join([*cells, str(row[-1])]).rstrip() + "\n")


class ProgressLine:
    """Prints a job's progress as one self-rewriting line on a terminal (plain lines when not a tty)."""

    def __init__(self, label: str, stream: TextIO | None = None, interval: float = 0.1) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.interval = interval
        self._last = 0.0
        self._tty = self.stream.isatty()
        self._shown = False

    def __call__(self, progress: Progress) -> None:
        now = time.monotonic()
        final = progress.total is not None and progress.done >= progress.total
        if not final and now - self._last < self.interval:
            return
        self._last = now
        if progress.total:
            text = f"{self.label}: {progress.done}/{progress.total}"
            fraction = progress.fraction or 0.0
            text += f" ({fraction:.0%})"
        else:
            text = f"{self.label}: {progress.done}"
        if progress.message:
            text += f" {progress.message}"
        if self._tty:
            raw = getattr(self.stream, "unescaped", self.stream)
            raw.write("\r\x1b[K")  # MediaCat's own control sequence; the text itself is escaped
            raw.write(terminal_safe(text))
        else:
            self.stream.write(text + "\n")
        self.stream.flush()
        self._shown = True

    def finish(self) -> None:
        if self._shown and self._tty:
            self.stream.write("\n")
            self.stream.flush()

    def job(self) -> Job:
        return Job(self)
