"""`mediacat gui` (also plain `mediacat`): the desktop app, or a screenshot of it."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("gui", parents=[common], help="start the desktop app (the default)")
    parser.add_argument("--screenshot", metavar="PATH", help="render the window offscreen to a PNG and exit")
    parser.add_argument("--select", metavar="ID", help="select this item first")
    parser.add_argument("--view", choices=["grid", "table", "timeline", "reader", "viewer"], default=None)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from mediacat.gui.app import run_app

    return run_app(args)
