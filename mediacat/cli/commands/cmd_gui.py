"""`mediacat gui` (also plain `mediacat`): the desktop app, or a screenshot of it."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("gui", parents=[common], help="start the desktop app (the default)")
    parser.add_argument("--screenshot", metavar="PATH", help="render the window offscreen to a PNG and exit")
    parser.add_argument("--select", metavar="ID", help="select this item first")
    parser.add_argument("--view", choices=["grid", "table", "timeline", "reader", "viewer", "getting-started",
                                           "download-settings"],
                        default=None,
                        help="show this view first (getting-started: the Help ▸ Getting Started page; "
                             "download-settings: the Tools ▸ Download Settings… dialog)")
    parser.add_argument("--search", metavar="TEXT", help="start with this in the search box")
    parser.add_argument("--filter", metavar="FACET=VALUE", action="append", default=[],
                        help="start with this filter value checked (media_type, kind, mission_phase, article, tag); "
                             "repeatable")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from mediacat.gui.app import run_app

    return run_app(args)
