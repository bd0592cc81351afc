"""File ▸ New Item… in the app: the dialog's NASA look-ups and a chosen file's facts are read off the GUI thread
(`window.tasks`, no database); the new item is one core operation on the writer (`window.run_op`), one undo
step. From NASA, the chosen rendition is downloaded first on the download pool, then the item is added with
the file attached (if the file cannot be attached, no item is left)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mediacat.core import archivist_ops as ops
from mediacat.core.download_attach import download_policy
from mediacat.core.errors import MediaCatError
from mediacat.core.nasa import NasaImageLibrary, api_url
from mediacat.core.new_items import NasaDownload, NasaLookup, download_nasa_rendition, file_values, look_up_nasa
from mediacat.core.new_items import nasa_record as read_nasa_record
from mediacat.core.user_items import check_article_quote
from mediacat.gui.dialogs.item_form import phase_choices
from mediacat.gui.dialogs.new_item import NewItemDialog
from mediacat.gui.dialogs.source_editor import QuoteCheck
from mediacat.gui.features.op_command import OpCommand
from mediacat.gui.tasks import DOWNLOAD
from mediacat.qtmedia.probe import video_prober


def article_choices(window: Any) -> list[tuple[str, str]]:
    return [(a.id, f"{a.outlet}, {a.date}: {a.title}") for a in window.library.articles()]


def quote_check(window: Any) -> QuoteCheck:
    """Checks a quote against the article's text (one row on the GUI's read connection); the core checks it
    again when the item is saved."""

    def check(article_id: str, quote: str) -> str | None:
        try:
            check_article_quote(window.library, article_id, quote)
        except MediaCatError as error:
            return str(error)
        return None

    return check


class NewItemFlow:
    """One New Item dialog and the work it asks for."""

    def __init__(self, window: Any) -> None:
        self.window = window
        self.nasa = NasaImageLibrary(api_url(window.library))
        self.dialog = NewItemDialog(phase_choices(window), article_choices(window), quote_check(window),
                                    window.dialog_parent())
        self.dialog.nasa_lookup_wanted.connect(self.look_up)
        self.dialog.nasa_record_wanted.connect(self.read_record)
        self.dialog.file_chosen.connect(self.read_file)
        self.dialog.accepted.connect(self.add)
        self.download: Any = None  # the running download's task handle (tests cancel it)

    # -- what the dialog asks -------------------------------------------------------------------------

    def look_up(self, text: str) -> None:
        self.window.tasks.run(look_up_nasa, self.nasa, text, on_done=self.dialog.fill_from_nasa,
                              on_error=lambda error: self.dialog.show_nasa_problem(str(error)),
                              label="NASA look-up")

    def read_record(self, nasa_id: str) -> None:
        def done(lookup: NasaLookup) -> None:
            if self.dialog.nasa_results.currentData() == nasa_id:  # not a result chosen before another
                self.dialog.fill_from_nasa(lookup)

        self.window.tasks.run(read_nasa_record, self.nasa, nasa_id, on_done=done,
                              on_error=lambda error: self.dialog.show_nasa_problem(str(error)),
                              label="NASA record")

    def read_file(self, path: str) -> None:
        self.window.tasks.run(file_values, path, video_prober,
                              on_done=lambda values: self.dialog.fill_from_file(path, values),
                              on_error=lambda error: self.dialog.show_file_problem(path, str(error)),
                              label="Read the file's facts")

    # -- adding ---------------------------------------------------------------------------------------

    def add(self) -> None:
        dialog = self.dialog
        values, file, sources = dialog.values(), dialog.file_path(), dialog.sources()
        articles, pages = list(sources.articles), list(sources.external)
        name = values.get("title") or (Path(file).name if file else "")
        nasa = dialog.nasa_choice()

        def done(added: Any) -> None:
            self.window.undo_stack.push(OpCommand(
                self.window, f"New item {name!r}", added,
                lambda result: (ops.delete_item_op, (result.item_id, False)),
                lambda result: (ops.restore_item_op, (result,))))
            self.window.select_item(added.item_id)

        def failed(error: BaseException) -> None:
            self.window.show_error("New item", f"The item {name!r} was not added: {error}")

        if nasa is not None:
            nasa_id, rendition, keywords = nasa
            library = self.window.library

            def downloaded(fetched: NasaDownload) -> None:
                self.download = None
                self.window.run_op(ops.add_item_with_download_op, values, fetched, keywords, articles, pages,
                                   video_prober, label="New item from NASA", on_done=done, on_error=failed)

            def cancelled() -> None:
                self.download = None
                self.window.status_message(f"New item from NASA {nasa_id.strip()} cancelled; nothing was added")

            self.download = self.window.tasks.run(
                download_nasa_rendition, self.nasa, nasa_id, rendition, library.paths.incoming,
                download_policy(library), on_done=downloaded, on_error=failed, on_cancelled=cancelled,
                label=f"Download {nasa_id.strip()} ({rendition})", cancellable=True, with_progress_dialog=True,
                pool=DOWNLOAD)
        elif file:
            self.window.run_op(ops.add_item_from_file_op, Path(file), values, video_prober, articles, pages,
                               label="New item from a file", on_done=done, on_error=failed)
        else:
            self.window.run_op(ops.add_item_op, values, articles, pages, label="New item", on_done=done,
                               on_error=failed)


__all__ = ["NewItemFlow", "article_choices", "quote_check"]
