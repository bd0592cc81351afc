"""What every command shares: opening the library, printing JSON and tables, errors and progress lines."""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any, TextIO

from mediacat.core.jobs import Job, Progress
from mediacat.core.library import Library

EXIT_OK = 0
EXIT_PROBLEMS = 1  # the command ran but found or hit problems (e.g. `check` found a missing file)
EXIT_ERROR = 2  # the command could not run: bad arguments, unknown id, unusable library


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
            self.stream.write("\r\x1b[K" + text)
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
