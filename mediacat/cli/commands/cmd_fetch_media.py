"""`mediacat fetch-media [ID...] [--all] [--dry-run] [--mirror URL] [--url URL] [--allow-duplicate]`: get the
public NASA files of the catalog.

For each item (or those named) with a verified media URL or a NASA id the Image Library resolves: download the
best file and attach it, two at a time, with one progress line and a report per item. Without ids it resumes
an unfinished run (cancelled, killed, offline), else fetches every item. `--url` chooses which of one item's
verified media URLs is fetched (the app's "Download from NASA" asks); `--allow-duplicate` attaches even a file
that is there already (the app's Attach Anyway), a choice kept in the queue so a resumed run honours it.
"""

from __future__ import annotations

import argparse
import sys

from mediacat.cli.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    ProgressLine,
    open_library,
    print_json,
    print_table,
    report_warning,
)
from mediacat.cli.downloading import add_download_arguments, policy_from_args
from mediacat.core.download import check_url
from mediacat.core.fetch_media import run_fetch
from mediacat.core.fetch_queue import (
    ALREADY_THERE,
    NO_PUBLIC_FILE,
    PublicSource,
    already_attached,
    chosen_source,
    has_unfinished_run,
    media_mirror,
    mirror_url,
    public_source,
    queue_entries,
    queue_fetch,
    unfinished_item_ids,
)
from mediacat.core.library import Library
from mediacat.core.nasa import api_url
from mediacat.qtmedia.probe import video_prober


def _mirror(text: str) -> str:
    check_url(text)
    return text


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "fetch-media", parents=[common],
        help="download the public NASA files of the catalog's items and attach them",
        description="Items with a verified media URL or a NASA id get their file downloaded and attached, two at "
                    "a time. Without ids, an unfinished run is resumed; else every item is fetched. An item "
                    "whose file (the same URL, NASA id or content) is attached already is reported already-there "
                    "unless --allow-duplicate is given. Exit status 1 when an item failed or is left to resume.")
    parser.add_argument("item_ids", metavar="ID", nargs="*", help="items to fetch (default: all)")
    parser.add_argument("--all", action="store_true", help="every item of the catalog")
    parser.add_argument("--dry-run", action="store_true", help="say what would be fetched; download nothing")
    parser.add_argument("--mirror", metavar="URL", type=_mirror, default=None,
                        help="fetch https://HOST/PATH from URL/HOST/PATH (default: the library's mirror setting, "
                             "see download-settings --mirror)")
    parser.add_argument("--url", metavar="URL", default=None,
                        help="with exactly one ID: fetch this one of the item's verified media URLs (its "
                             "media_urls in show ID --json; default: the first); another URL is refused")
    parser.add_argument("--allow-duplicate", action="store_true",
                        help="attach even when the same file or content is already attached (kept in the queue: "
                             "a resumed run attaches these items too)")
    parser.add_argument("--json", action="store_true", help="the report: {items: [{item_id, outcome, message, "
                        "attachment_id}], summary, cancelled}")
    add_download_arguments(parser)
    parser.set_defaults(handler=run, parser=parser)


def run(args: argparse.Namespace) -> int:
    if args.url is not None and len(args.item_ids) != 1:
        args.parser.error(f"--url goes with exactly one ID (got {len(args.item_ids)}): it chooses which of that "
                          "item's verified media URLs to fetch")
    with open_library(args) as library:
        selected = _selection(library, args)
        urls = {args.item_ids[0]: args.url} if args.url is not None else None
        if urls:  # refused before anything is queued or downloaded
            chosen_source(library.item(args.item_ids[0]), args.url)
        if args.dry_run:
            return _dry_run(library, selected, args)
        resumed_anyway: list[str] = []
        if selected is not None:
            queue_fetch(library, selected, urls=urls, allow_duplicate=selected if args.allow_duplicate else ())
        elif args.allow_duplicate:
            resumed_anyway = unfinished_item_ids(library)
        progress = ProgressLine("fetch-media")
        try:
            report = run_fetch(library, progress.job(), mirror=args.mirror, policy=policy_from_args(library, args),
                               video_prober=video_prober, allow_duplicate=resumed_anyway)
        except KeyboardInterrupt:
            progress.finish()
            report_warning(f"cancelled: {has_unfinished_run(library)} items left; run mediacat fetch-media "
                           "again to resume")
            return EXIT_PROBLEMS
        finally:
            progress.finish()
    if args.json:
        print_json({"items": [o.to_json() for o in report.outcomes], "summary": report.summary(),
                    "cancelled": report.cancelled})
    else:
        if report.outcomes:
            print_table([[o.outcome, o.item_id, o.message] for o in report.outcomes], ["outcome", "item", "report"])
        print(report.summary())
        if report.count(ALREADY_THERE) and not args.allow_duplicate:  # a hint, on stderr: the report stays as it was
            print("(fetch-media ID --allow-duplicate attaches a second copy of a file that is already there)",
                  file=sys.stderr)
    return EXIT_OK if report.ok else EXIT_PROBLEMS


def _selection(library: Library, args: argparse.Namespace) -> list[str] | None:
    """The ids to queue, or None to run what an unfinished run left."""
    if args.item_ids:
        return list(args.item_ids)
    if not args.all:
        left = has_unfinished_run(library)
        if left:
            report_warning(f"resuming an unfinished run: {left} items left")
            return None
    return library.item_ids()


def _dry_run(library: Library, selected: list[str] | None, args: argparse.Namespace) -> int:
    pending = queue_entries(library, pending_only=True)
    ids = selected if selected is not None else [e.item_id for e in pending]
    kept_anyway = {e.item_id for e in pending if e.allow_duplicate} if selected is None else set()
    mirror = args.mirror if args.mirror is not None else media_mirror(library)
    rows = []
    for item in library.items(ids):
        source: PublicSource | None = public_source(item)
        if args.url is not None and item.id == args.item_ids[0]:
            source = PublicSource(url=args.url)
        if source is None:
            rows.append({"item_id": item.id, "outcome": NO_PUBLIC_FILE, "message": "no public file known"})
            continue
        reason = None if args.allow_duplicate or item.id in kept_anyway else already_attached(item, source)
        if reason:
            rows.append({"item_id": item.id, "outcome": ALREADY_THERE, "message": reason})
        elif source.url:
            rows.append({"item_id": item.id, "outcome": "would-fetch", "message": mirror_url(source.url, mirror)})
        else:
            asset = mirror_url(f"{api_url(library)}/asset/{source.nasa_id}", mirror)
            rows.append({"item_id": item.id, "outcome": "would-fetch",
                         "message": f"the best file NASA lists for {source.nasa_id} ({asset})"})
    if args.json:
        print_json({"items": rows, "dry_run": True})
    else:
        if rows:
            print_table([[r["outcome"], r["item_id"], r["message"]] for r in rows], ["outcome", "item", "source"])
        count = sum(1 for r in rows if r["outcome"] == "would-fetch")
        print(f"{count} of {len(rows)} items would be fetched (dry run: nothing downloaded)")
    return EXIT_OK
