"""Help ▸ Getting Started, Help ▸ Keyboard Shortcuts and About: what the catalog is, how to fill it, the keys,
the version, the licences and NASA's media usage guidelines with the credit lines of the catalog."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from importlib import metadata
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMenu, QTextBrowser, QVBoxLayout, QWidget

from mediacat import __version__

NASA_GUIDELINES_URL = "https://www.nasa.gov/nasa-brand-center/images-and-media/"

# Keys that are not on a menu: (where, keys, what they do). Menu shortcuts are read from the menus themselves.
OTHER_SHORTCUTS: tuple[tuple[str, str, str], ...] = (
    ("Search box", "Down or Enter", "go to the results (the current item keeps its place)"),
    ("Search box", "Esc", "clear the search"),
    ("Grid and table", "Arrow keys, Home, End, Page Up/Down", "move through the items"),
    ("Grid and table", "Shift/Ctrl + arrows or click", "select several items (for tags and export)"),
    ("Grid and table", "Enter or double-click", "open the item in the viewer"),
    ("Everywhere", "Tab / Shift+Tab", "move the keyboard focus between the panes (the focused one is outlined)"),
    ("Viewer", "Space", "play or pause audio and video (at the end it starts again)"),
    ("Viewer", "+ or =, −", "zoom in and out of an image (also the mouse wheel)"),
    ("Viewer", "F", "fit the whole image"),
    ("Viewer", "1", "one image pixel per screen pixel"),
    ("Viewer", "Esc", "close the viewer"),
)

# The licences of what MediaCat is built on, when a package's metadata does not name one.
KNOWN_LICENCES = {
    "PySide6": "LGPL-3.0-only OR GPL-2.0-only OR GPL-3.0-only",
    "shiboken6": "LGPL-3.0-only OR GPL-2.0-only OR GPL-3.0-only",
    "Pillow": "MIT-CMU (HPND)",
    "tinytag": "MIT",
    "platformdirs": "MIT",
}
DEPENDENCIES = ("PySide6", "shiboken6", "Pillow", "tinytag", "platformdirs")


def menu_shortcuts(menus: Iterable[QMenu]) -> list[tuple[str, str, str]]:
    """(menu path, keys, action) for every menu action with a shortcut (or a key named after a tab)."""
    rows: list[tuple[str, str, str]] = []

    def walk(menu: QMenu, path: str) -> None:
        for action in menu.actions():
            submenu = action.menu()
            if isinstance(submenu, QMenu):
                walk(submenu, f"{path} ▸ {plain_text(action)}")
                continue
            if action.isSeparator():
                continue
            keys = ", ".join(s.toString(QKeySequence.SequenceFormat.NativeText) for s in action.shortcuts())
            tab_keys = action.text().partition("\t")[2]
            keys = keys or tab_keys
            if keys:
                rows.append((path, keys, plain_text(action)))

    for menu in menus:
        walk(menu, plain_text(menu.menuAction()))
    return rows


def plain_text(action: QAction) -> str:
    """An action's text without its mnemonic ampersand or the key after a tab."""
    return action.text().partition("\t")[0].replace("&&", "\0").replace("&", "").replace("\0", "&")


def shortcuts_table(menus: Iterable[QMenu]) -> str:
    rows = [(f"{where}", keys, what) for where, keys, what in menu_shortcuts(menus)] + list(OTHER_SHORTCUTS)
    cells = "".join(
        f"<tr><td>{escape(where)}</td><td><b>{escape(keys)}</b></td><td>{escape(what)}</td></tr>"
        for where, keys, what in rows
    )
    return (
        "<table cellspacing='0' cellpadding='3'><tr><th align='left'>Where</th><th align='left'>Keys</th>"
        f"<th align='left'>What</th></tr>{cells}</table>"
    )


def getting_started_html(menus: Iterable[QMenu], item_count: int | str, article_count: int | str) -> str:
    return f"""
<h2>Getting started with MediaCat</h2>
<h3>What the catalog is</h3>
<p>MediaCat is a catalog of the imagery, video and audio of NASA's Perseverance rover landing on Mars
(18 February 2021): {item_count} items, each described from official NASA pages and linked to the passages of the
{article_count} news articles that mention it. A few genuine NASA pictures ship with the catalog and show on
their items, each with its credit and what it is to the item (a frame of a clip, a related view); an item
without any file shows a grey placeholder of its type (image, video, audio) until you attach one.</p>
<p>Browse with the <b>Filters</b> on the left (type, kind, camera, mission phase, tags, attached or not) and the
search box (titles, descriptions, quotes, tags, notes and mission phases; <i>"quoted words"</i> match as a
phrase). The <b>Details</b> on the right show every field; click a quote's article to read it in the
<b>article reader</b>, opened at that passage.</p>
<h3>How to get the NASA files</h3>
<ul>
<li><b>File ▸ Get Public Media…</b> downloads, two at a time, every public NASA file the catalog knows and
attaches each to its item; a run that stops resumes on the next start when you say so.</li>
<li>Select an item and choose <b>Item ▸ Download from NASA</b> (or the button of the same name in the details):
MediaCat downloads the item's public NASA file — the one listed under <i>Media files</i> (it asks which when
there are several), else the file the NASA Image Library has for its PIA id — and attaches it (the credit line
stays with the item).</li>
<li><b>Tools ▸ Search NASA Image Library…</b> searches NASA's Image and Video Library and attaches the rendition
you choose to the selected item.</li>
<li><b>Item ▸ Attach from URL…</b> downloads any http(s) address and attaches it.</li>
</ul>
<p>Downloads run in the background in the <b>Downloads</b> panel under the catalog, with Cancel and Retry;
<b>Tools ▸ Download Settings…</b> sets their size limit, minimum rate and time limit, the NASA API and a
mirror.</p>
<h3>Attach your own files</h3>
<ul>
<li><b>Item ▸ Attach Files…</b> or drag files from your file manager onto an item: MediaCat asks whether to
<i>copy</i> them into the library or <i>link</i> them where they are.</li>
<li><b>Item ▸ Import Folder…</b> attaches every media file in a folder, and names the files it ignored.</li>
<li><b>Tools ▸ Check Attachments</b> re-hashes every file (ok, missing, modified); <b>Item ▸ Relink…</b> finds a
moved file again.</li>
<li>Tag items and write notes in the <b>Tags</b> and <b>Note</b> panels; <b>File ▸ Export CSV…</b> exports the
catalog for a spreadsheet.</li>
</ul>
<h3>Keyboard shortcuts</h3>
{shortcuts_table(menus)}
<p>NASA imagery is generally not subject to copyright in the United States; keep the credit line with the
file (Help ▸ About MediaCat).</p>
"""


def dependency_licences() -> list[tuple[str, str, str]]:
    """(name, version, licence) of the libraries MediaCat runs on, from their installed metadata."""
    rows = []
    for name in DEPENDENCIES:
        try:
            data: Any = metadata.metadata(name)  # an email.message.Message underneath: .get, .get_all
        except metadata.PackageNotFoundError:
            continue
        licence = data.get("License-Expression") or (data.get("License") or "").strip()
        if not licence or len(licence) > 80:
            classifiers = [c.rsplit("::", 1)[-1].strip() for c in data.get_all("Classifier") or []
                           if c.startswith("License ::")]
            licence = ", ".join(classifiers) or KNOWN_LICENCES.get(name, "see the package")
        rows.append((name, data["Version"], licence))
    return rows


def about_html(credits: Iterable[str]) -> str:
    from PySide6.QtCore import qVersion

    deps = "".join(f"<li>{escape(name)} {escape(version)}: {escape(licence)}</li>"
                   for name, version, licence in dependency_licences())
    credit_lines = "".join(f"<li>{escape(credit)}</li>" for credit in credits)
    return f"""
<h2>MediaCat {escape(__version__)}</h2>
<p>A catalog of the imagery, video and audio of NASA's Perseverance rover landing on Mars (18 February 2021),
linked to the news articles that describe it.</p>
<h3>Licences</h3>
<p>MediaCat is free software under the MIT licence.</p>
<p>It runs on:</p>
<ul>
<li>Qt {escape(qVersion())} (The Qt Company), used under the GNU LGPL version 3: you may replace the Qt libraries
with your own build. Qt Multimedia plays audio and video through FFmpeg (LGPL 2.1 or later).</li>
{deps}
</ul>
<h3>NASA media</h3>
<p>Following <a href="{NASA_GUIDELINES_URL}">NASA's Images and Media Usage Guidelines</a>, NASA images, audio and
video are generally not subject to copyright in the United States and may be used for educational or
informational purposes; NASA should be acknowledged as the source, and the material must not be used to imply
NASA's endorsement. The NASA insignia and logotype are not in the public domain. Images by HiRISE (University of
Arizona) are in the public domain under the HiRISE usage policy (uahirise.org).</p>
<p>Keep an item's credit line wherever its file is shown. The credit lines in this catalog:</p>
<ul>{credit_lines}</ul>
<p>The news articles are quoted in short passages to link each item to where it is described; their text
belongs to their publishers.</p>
"""


class HelpDialog(QDialog):
    """A read-only rich-text page (links open in the browser) with a Close button."""

    def __init__(self, title: str, html: str, parent: QWidget | None = None, *, size: tuple[int, int] = (680, 620)
                 ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.browser = QTextBrowser(self)
        self.browser.setOpenExternalLinks(True)
        self.browser.setAccessibleName(f"{title} text")
        self.browser.setHtml(html)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
        self.resize(*size)
        self.browser.setFocus(Qt.FocusReason.OtherFocusReason)

    def set_html(self, html: str) -> None:
        """New content (once the facts it shows are read), keeping the reader's place."""
        position = self.browser.verticalScrollBar().value()
        self.browser.setHtml(html)
        self.browser.verticalScrollBar().setValue(position)

    def text(self) -> str:
        return self.browser.toPlainText()
