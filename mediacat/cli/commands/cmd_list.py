"""`mediacat list`: the items, filtered and searched, as a table or JSON."""

from __future__ import annotations

import argparse

from mediacat.cli.common import open_library, print_json, print_table
from mediacat.core.library import Library
from mediacat.core.model import MEDIA_TYPES
from mediacat.core.saved_searches import get_saved_search, merge_queries
from mediacat.core.search import SORT_KEYS, ItemQuery


def add_query_arguments(parser: argparse.ArgumentParser) -> None:
    """The filters `list` and `export` share."""
    parser.add_argument("--type", dest="media_types", action="append", choices=MEDIA_TYPES, default=[],
                        help="only this media type (repeatable)")
    parser.add_argument("--kind", dest="kinds", action="append", default=[], help="only this kind (repeatable)")
    parser.add_argument("--phase", dest="phases", action="append", default=[],
                        help="only this mission phase id (repeatable)")
    parser.add_argument("--article", dest="article_ids", action="append", default=[],
                        help="only items this article mentions (repeatable)")
    parser.add_argument("--tag", dest="tags", action="append", default=[],
                        help="only items with this tag (repeatable: all must match)")
    parser.add_argument("--search", metavar="QUERY", help="full-text search (title, description, camera, "
                        "credit, tags, notes, source quotes)")
    parser.add_argument("--saved", metavar="NAME", help="a saved search (other filters given replace its own)")
    parser.add_argument("--sort", choices=SORT_KEYS, default="catalog")
    parser.add_argument("--desc", action="store_true", help="reverse the order")


def query_from_args(args: argparse.Namespace, library: Library | None = None) -> ItemQuery:
    """The filters given; with `--saved NAME` (and the library), that saved search narrowed by them."""
    given = _given_query(args)
    if getattr(args, "saved", None) and library is not None:
        return merge_queries(get_saved_search(library, args.saved).query, given)
    return given


def _given_query(args: argparse.Namespace) -> ItemQuery:
    return ItemQuery(
        search=args.search,
        media_types=tuple(args.media_types),
        kinds=tuple(args.kinds),
        phases=tuple(args.phases),
        article_ids=tuple(args.article_ids),
        tags=tuple(args.tags),
        sort=args.sort,
        descending=args.desc,
    )


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("list", parents=[common], help="list items")
    add_query_arguments(parser)
    parser.add_argument("--json", action="store_true", help="an array of the objects `show --json` prints")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    with open_library(args) as library:
        ids = library.item_ids(query_from_args(args, library))
        if args.json:
            print_json([item.to_json() for item in library.items(ids)])
            return 0
        rows = library.item_rows(ids)
        table = [
            [
                row.id,
                row.media_type,
                row.kind,
                row.mission_phase or "-",
                str(row.attachment_count),
                row.title,
            ]
            for row in (rows[item_id] for item_id in ids)
        ]
        print_table(table, ["ID", "TYPE", "KIND", "PHASE", "FILES", "TITLE"])
    return 0
