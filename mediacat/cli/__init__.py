"""The `mediacat` command: with no arguments it starts the desktop app; subcommands script the catalog.

Each subcommand is a module `mediacat/cli/commands/cmd_<name>.py` with `register(subparsers, common)`;
they are found automatically, so adding a command touches no other file.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from collections.abc import Sequence

from mediacat import __version__
from mediacat.cli import commands
from mediacat.cli.common import EXIT_ERROR, protect_terminal, report_error
from mediacat.core.errors import MediaCatError
from mediacat.core.jobs import Cancelled


def command_of(arguments: Sequence[str]) -> str | None:
    """The command `arguments` run ("gui" when none is named), or None when help is asked for."""
    skip = False
    for argument in arguments:
        if skip:
            skip = False
        elif argument == "--library":
            skip = True
        elif argument in ("-h", "--help"):
            return None
        elif not argument.startswith("-"):
            return argument
    return "gui"


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser for every command, or with `command` for that one only (see commands.register_all)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--library",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="library folder (default: $MEDIACAT_LIBRARY, else the user data folder)",
    )
    parser = argparse.ArgumentParser(
        prog="mediacat",
        description="MediaCat: the media of NASA's Perseverance rover landing on Mars, as a catalog.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"mediacat {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.register_all(subparsers, common, only=command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(command_of(arguments))
    args = parser.parse_args(arguments)
    if getattr(args, "handler", None) is None:
        args = parser.parse_args(["gui", *arguments])  # `mediacat [--library DIR]` starts the desktop app
    if not hasattr(args, "library"):
        args.library = None
    if args.handler.__module__ != "mediacat.cli.commands.cmd_gui":
        protect_terminal()
    try:
        return int(args.handler(args) or 0)
    except MediaCatError as error:
        report_error(str(error))
        return EXIT_ERROR
    except sqlite3.DatabaseError as error:
        report_error(f"the library database failed: {error}")
        return EXIT_ERROR
    except (KeyboardInterrupt, Cancelled):
        report_error("interrupted")
        return 130
    except BrokenPipeError:
        return 0
    except OSError as error:  # a file the command itself reads or writes (never a traceback)
        where = f"{error.filename}: " if error.filename else ""
        report_error(f"{where}{error.strerror or error}")
        return EXIT_ERROR
