"""Finds every `cmd_*.py` module here and lets it add its subcommand.

A module adds its commands in `register(subparsers, common)` with `subparsers.add_parser("name", ...)`. The
names are read from the modules' source (cheap), so a run imports only the module of the command it runs
(issue 12: importing all of them, with the http, ssl and email modules some need, cost ~100 ms before any
work); help, an unknown command or a module whose source cannot be read imports them all.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import re
from pathlib import Path

_ADD_PARSER = re.compile(r"""subparsers\.add_parser\(\s*["']([\w-]+)["']""")


def module_names() -> list[str]:
    return sorted(info.name for info in pkgutil.iter_modules(__path__) if info.name.startswith("cmd_"))


def command_modules() -> dict[str, str] | None:
    """Command name -> module name, from the source; None when a module's source cannot be read."""
    found: dict[str, str] = {}
    for name in module_names():
        try:
            source = (Path(__path__[0]) / f"{name}.py").read_text(encoding="utf-8")
        except OSError:
            return None
        commands = _ADD_PARSER.findall(source)
        if not commands:
            return None  # registers its commands some other way: import them all
        for command in commands:
            found.setdefault(command, name)
    return found


def register_all(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser,
                 only: str | None = None) -> None:
    """Every command, or with `only` (a command name) just the module that defines it (all if unknown)."""
    names = module_names()
    if only is not None:
        modules = command_modules()
        if modules is not None and only in modules:
            names = [modules[only]]
    for name in names:
        module = importlib.import_module(f"{__name__}.{name}")
        module.register(subparsers, common)
