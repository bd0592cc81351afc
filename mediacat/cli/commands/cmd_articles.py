"""`mediacat articles` lists the source articles; `mediacat article ID` prints one's text."""

from __future__ import annotations

import argparse

from mediacat.cli.common import open_library, print_json, print_table


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("articles", parents=[common], help="list the source articles")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(handler=run_articles)
    parser = subparsers.add_parser("article", parents=[common], help="print one article's text")
    parser.add_argument("article_id", metavar="ID")
    parser.add_argument("--json", action="store_true", help="the article's fields, text and mentioned items")
    parser.set_defaults(handler=run_article)


def run_articles(args: argparse.Namespace) -> int:
    with open_library(args) as library:
        articles = library.articles()
        mentions = library.facet_counts()["article"]
        if args.json:
            print_json([{**article.to_json(), "item_count": mentions.get(article.id, 0)} for article in articles])
            return 0
        print_table(
            [[a.id, a.date, a.outlet, str(mentions.get(a.id, 0)), a.title] for a in articles],
            ["ID", "DATE", "OUTLET", "ITEMS", "TITLE"],
        )
    return 0


def run_article(args: argparse.Namespace) -> int:
    with open_library(args) as library:
        article = library.article(args.article_id)
        if args.json:
            data = article.to_json(with_text=True)
            data["mentions"] = [
                {"item_id": item_id, "title": title, "quote": quote}
                for item_id, title, quote in library.article_mentions(article.id)
            ]
            print_json(data)
            return 0
        print(f"{article.title}\n{article.outlet}, {article.date}, by {article.author}\n")
        print(article.text.rstrip("\n"))
    return 0
