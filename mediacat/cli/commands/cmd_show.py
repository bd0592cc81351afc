"""`mediacat show ID`: one item with its sources and attachments."""

from __future__ import annotations

import argparse
import textwrap

from mediacat.cli.common import open_library, print_json
from mediacat.core.model import Item


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("show", parents=[common], help="show one item")
    parser.add_argument("item_id", metavar="ID")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    with open_library(args) as library:
        item = library.item(args.item_id)
        if args.json:
            print_json(item.to_json())
        else:
            print(format_item(item))
    return 0


def format_item(item: Item) -> str:
    lines = [item.title, "=" * min(len(item.title), 78)]
    for label, value in (
        ("id", item.id),
        ("type", f"{item.media_type} ({item.kind})"),
        ("camera", item.camera),
        ("taken", item.date_taken),
        ("phase", item.mission_phase),
        ("credit", item.credit),
        ("NASA ids", ", ".join(item.nasa_ids)),
        ("tags", ", ".join(item.tags)),
    ):
        if value:
            lines.append(f"{label + ':':10} {value}")
    if item.time:
        time = item.time
        ert = time["ert"] or "unknown (no light time for that day)"
        lines.append(f"{'time:':10} {time['scet']} SCET ({time['precision']}), ERT {ert}, "
                     f"sol {time['sol']}, {time['lmst']} LMST")
    if item.description:
        lines += ["", textwrap.fill(item.description, 78)]
    if item.official_urls:
        lines += ["", "Official pages:"] + [f"  {url}" for url in item.official_urls]
    if item.notes:
        lines += ["", "Notes:", textwrap.indent(item.notes, "  ")]
    if item.sources:
        lines += ["", "Sources:"]
        for source in item.sources:
            lines.append(f"  {source.outlet}, {source.date}: {source.title} [{source.article_id}]")
            lines.append(textwrap.fill(f"\u201c{source.quote}\u201d", 78, initial_indent="    ",
                                       subsequent_indent="    "))
    if item.attachments:
        lines += ["", "Attachments:"]
        for attachment in item.attachments:
            facts = []
            if attachment.width and attachment.height:
                facts.append(f"{attachment.width}x{attachment.height}")
            if attachment.duration:
                facts.append(f"{attachment.duration:.1f} s")
            facts.append(f"{attachment.size} bytes")
            lines.append(f"  #{attachment.id} [{attachment.mode}] {attachment.resolved_path}")
            lines.append(f"      {attachment.mime}, {', '.join(facts)}, sha256 {attachment.sha256[:16]}…")
    return "\n".join(lines)
