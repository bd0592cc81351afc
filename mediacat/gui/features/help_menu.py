"""The Help menu: Getting Started (F1), Keyboard Shortcuts and About MediaCat; and the welcome above the catalog
on the first start (while no item has a file and until it is closed)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence

from mediacat.core.changes import Changes
from mediacat.core.search import ItemQuery
from mediacat.gui.dialogs.help_dialogs import HelpDialog, about_html, getting_started_html, shortcuts_table
from mediacat.gui.views.catalog_notices import NoticeBar


class HelpFeature(QObject):
    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.setObjectName("help-feature")
        self.window = window
        self.dialog: HelpDialog | None = None  # the last help page shown (one at a time)
        self.getting_started_action = QAction("&Getting Started", window,
                                              shortcut=QKeySequence(QKeySequence.StandardKey.HelpContents))
        self.getting_started_action.triggered.connect(self.show_getting_started)
        self.shortcuts_action = QAction("&Keyboard Shortcuts", window)
        self.shortcuts_action.triggered.connect(self.show_shortcuts)
        self.about_action = QAction("&About MediaCat", window)
        self.about_action.triggered.connect(self.show_about)
        menu = window.menu("Help")
        menu.addActions([self.getting_started_action, self.shortcuts_action])
        menu.addSeparator()
        menu.addAction(self.about_action)
        self.welcome: NoticeBar | None = None
        if not window.settings.welcome_dismissed:
            # Placed now (the notices keep their order), shown once a reader has counted: only while no item
            # has a file.
            self.welcome = self._welcome_bar()
            window.run_query(_welcome_counts, on_done=self._welcome_counted, key="help-welcome",
                             label="Counting the catalog for the welcome")

    def _welcome_bar(self) -> NoticeBar:
        bar = NoticeBar("Welcome")
        bar.hide()
        bar.add_button("Get Public Media…").clicked.connect(self.window.detail.get_public_media_requested.emit)
        bar.add_button("Getting Started").clicked.connect(self.show_getting_started)
        bar.dismissed.connect(self._welcome_dismissed)
        self.window.add_notice(bar)
        return bar

    def _welcome_counted(self, counts: tuple[int, int]) -> None:
        with_files, item_count = counts
        bar = self.welcome
        if bar is None:
            return
        if with_files:
            self.welcome = None
            bar.deleteLater()
            return
        bar.label.setText(
            f"<b>Welcome to MediaCat.</b> The catalog describes {item_count} items of the Perseverance landing; "
            "a few show the NASA pictures that ship with it, the others a placeholder of their type. Get the "
            "other public NASA files with <b>File ▸ Get Public Media…</b>, or attach your own with "
            "<b>Item ▸ Attach Files…</b> or by dropping files on an item."
        )
        bar.show()
        # Once an item has a file (attached here or by another process) the welcome has done its work.
        self.window.library_changed.connect(self._library_changed)

    def _library_changed(self, changes: Changes) -> None:
        if changes.is_everything or changes.attachments or changes.facets or changes.item_set:
            self._check_welcome()

    def _check_welcome(self) -> None:
        if self.welcome is None or not self.welcome.isVisible():
            return
        self.window.run_query(_count_with_files, on_done=self._files_counted, key="help-welcome")

    def _files_counted(self, count: int) -> None:
        if count and self.welcome is not None:
            self.welcome.hide()

    def _welcome_dismissed(self) -> None:
        self.window.settings.welcome_dismissed = True

    def _menus(self) -> list:
        return [action.menu() for action in self.window.menuBar().actions() if action.menu() is not None]

    def _show(self, title: str, html: str, size: tuple[int, int] = (680, 620)) -> HelpDialog:
        if self.dialog is not None:
            self.dialog.close()
        dialog = HelpDialog(title, html, self.window, size=size)
        self.dialog = dialog
        dialog.show()
        return dialog

    def _fill_later(self, dialog: HelpDialog, query: Any, page: Any) -> None:
        """Ask a reader for the page's facts (whole-catalog reads stay off the GUI thread), then fill it in."""
        def answered(facts: Any) -> None:
            if self.dialog is dialog:
                dialog.set_html(page(facts))

        self.window.run_query(query, on_done=answered, key=f"help-{dialog.windowTitle()}")

    def show_getting_started(self) -> HelpDialog:
        menus = self._menus()

        def page(counts: tuple[int, int] | None) -> str:
            items, articles = counts or ("…", "…")
            return getting_started_html(menus, items, articles)

        dialog = self._show("Getting Started", page(None), (720, 680))
        self._fill_later(dialog, _catalog_counts, page)
        return dialog

    def show_shortcuts(self) -> HelpDialog:
        return self._show("Keyboard Shortcuts", f"<h2>Keyboard shortcuts</h2>{shortcuts_table(self._menus())}",
                          (640, 560))

    def show_about(self) -> HelpDialog:
        def page(credits: list[str] | None) -> str:
            return about_html(credits if credits is not None else ["…"])

        dialog = self._show("About MediaCat", page(None), (640, 640))
        self._fill_later(dialog, _credit_lines, page)
        return dialog


def _catalog_counts(_job: Any, library: Any) -> tuple[int, int]:
    return library.count_items(), len(library.articles())


def _credit_lines(_job: Any, library: Any) -> list[str]:
    return library.credit_lines()


def _welcome_counts(_job: Any, library: Any) -> tuple[int, int]:
    """(items with a file, items in the catalog)."""
    return library.count_items(ItemQuery(has_attachments=True)), library.count_items()


def _count_with_files(_job: Any, library: Any) -> int:
    return library.count_items(ItemQuery(has_attachments=True))


def install(window: Any) -> None:
    HelpFeature(window)
