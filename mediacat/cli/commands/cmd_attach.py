"""`mediacat attach ID PATH|URL... [--link] [--allow-duplicate] [--recursive] [--base-dir DIR] [--max-size BYTES]
[--timeout SECONDS]`: attach local files, and download http(s) URLs and attach them."""

from __future__ import annotations

import argparse
from pathlib import Path

from mediacat.cli.common import EXIT_OK, EXIT_PROBLEMS, ProgressLine, open_library, report_error, report_warning
from mediacat.cli.downloading import add_download_arguments, attach_url_with_progress, describe_attached
from mediacat.core.attachments import AttachResult, DuplicateContent, ImportReport, require_item
from mediacat.core.attachments import attach_paths as core_attach_paths
from mediacat.core.download import is_url as looks_like_url
from mediacat.core.errors import MediaCatError
from mediacat.core.jobs import Job
from mediacat.core.library import Library
from mediacat.core.probe import display_path
from mediacat.qtmedia.probe import video_prober


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "attach",
        parents=[common],
        help="attach media files (or every media file in a folder, or downloads from URLs) to an item",
        description="Copy files into the library's managed media folder (default) or link them where they are; "
        "download http(s) URLs into the library. Exit status 1 when any file or URL could not be attached (each "
        "is named on standard error).",
    )
    parser.add_argument("item_id", metavar="ID", nargs="?", help="the item to attach to")
    parser.add_argument("paths", metavar="PATH", nargs="*", help="files, folders or http(s) URLs")
    parser.add_argument("--link", action="store_true", help="leave the files where they are and store their path")
    parser.add_argument("--allow-duplicate", action="store_true",
                        help="attach even when the same content is already attached somewhere")
    parser.add_argument("--recursive", action="store_true", help="also walk into the subfolders of a folder")
    parser.add_argument("--base-dir", metavar="DIR",
                        help="set the link base folder first: linked files inside it are stored relative to it")
    add_download_arguments(parser)
    parser.set_defaults(handler=run)
    parser.__class__ = _IntermixedParser  # `attach ID --link A B` and `attach ID A --link B` both work


class _IntermixedParser(argparse.ArgumentParser):
    """Lets options and paths mix in any order (argparse's intermixed parsing, used for this subcommand)."""

    _inside = False

    def parse_known_args(self, args=None, namespace=None):
        if self._inside:
            return super().parse_known_args(args, namespace)
        self._inside = True
        try:
            return self.parse_known_intermixed_args(args, namespace)
        finally:
            self._inside = False


def is_url(argument: str) -> bool:
    """Whether a PATH argument is a URL (`scheme:...`, e.g. https://, data:) rather than a local file.

    An existing file whose name has a colon stays a file.
    """
    return looks_like_url(argument) and not Path(argument).exists()


def run(args: argparse.Namespace) -> int:
    with open_library(args) as library:
        if args.base_dir is not None:
            set_base_dir(library, Path(args.base_dir))
        if args.item_id is None or not args.paths:
            if args.base_dir is None:
                raise MediaCatError("attach needs an item ID and at least one PATH (or --base-dir DIR)")
            return EXIT_OK
        require_item(library, args.item_id)
        url_arguments = [arg for arg in args.paths if is_url(arg)]
        file_arguments = [arg for arg in args.paths if not is_url(arg)]
        failures = attach_urls(library, args, url_arguments)
        progress = ProgressLine("attach")
        try:
            failures += attach_paths(library, args, file_arguments, progress.job())
        finally:
            progress.finish()
    if failures:
        report_error(f"{failures} file(s) or URL(s) could not be attached")
        return EXIT_PROBLEMS
    return EXIT_OK


def set_base_dir(library: Library, folder: Path) -> None:
    if not folder.is_dir():
        raise MediaCatError(f"{display_path(folder)}: the link base folder must be an existing folder")
    library.set_link_base_dir(folder)
    print(f"link base folder: {library.link_base_dir}")


def attach_urls(library: Library, args: argparse.Namespace, urls: list[str]) -> int:
    """Download and attach each URL (a progress line each; other schemes are refused by the download core).

    Returns the number of failures; content that is already attached is skipped with a message, like a file.
    """
    failures = 0
    for url in urls:
        try:
            result = attach_url_with_progress(library, args.item_id, url, args, allow_duplicate=args.allow_duplicate)
        except DuplicateContent as duplicate:
            report_warning(f"skipped: {duplicate}; use --allow-duplicate to attach it anyway")
            continue
        except MediaCatError as error:
            report_error(str(error))
            failures += 1
            continue
        print(describe_attached(result))
        for warning in result.warnings:
            report_warning(warning)
    return failures


def attach_paths(library: Library, args: argparse.Namespace, paths: list[str], job: Job) -> int:
    """Attach each file, and each media file in each folder; returns how many files failed."""
    if not paths:
        return 0
    one_file = len(paths) == 1 and not Path(paths[0]).is_dir()  # no progress line for a single file
    report = core_attach_paths(library, args.item_id, paths, recursive=args.recursive,
                               mode="link" if args.link else "copy", allow_duplicate=args.allow_duplicate,
                               video_prober=video_prober, job=None if one_file else job)
    print_import_report(report, summary=len(report.attached) + len(report.failures) + len(report.duplicates) > 1)
    return len(report.failures)


def print_attached(result: AttachResult) -> None:
    attachment = result.attachment
    facts = [attachment.mime]
    if attachment.width and attachment.height:
        facts.append(f"{attachment.width}x{attachment.height}")
    if attachment.duration:
        facts.append(f"{attachment.duration:.1f} s")
    print(f"attached {result.path} to {attachment.item_id} as #{attachment.id} ({attachment.mode}, "
          f"{', '.join(facts)})")
    for warning in result.warnings:
        report_warning(warning)
    for existing in result.duplicates:
        report_warning(f"{result.path}: same content as attachment #{existing.id} of {existing.item_id!r}")


def print_import_report(report: ImportReport, *, summary: bool = True) -> None:
    for result in report.attached:
        print_attached(result)
    for path, existing in report.duplicates:
        where = ", ".join(f"#{a.id} of {a.item_id!r}" for a in existing[:3])
        report_warning(f"skipped: {path}: the same content is already attached ({where}); "
                       "use --allow-duplicate to attach it anyway")
    for _path, message in report.failures:
        report_error(message)
    if summary:
        print(report.summary())
