"""Menu mnemonics (the underlined Alt letters) that never clash, as KDE's accelerator manager does it.

Feature modules add actions to the shared menus independently, so two of them can pick the same letter, or none.
`assign_mnemonics(menu)` keeps every letter that is unique in its menu and gives each other entry a free one
(the first letter of a word, else any letter of its text). The main window runs it on every menu once the
features are installed and again each time a menu is about to show, so later additions are covered too.
"""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QMenuBar


def mnemonic(text: str) -> str | None:
    """The lower-case mnemonic letter of a menu text ("&&" is a literal ampersand), None if it has none."""
    index = 0
    while True:
        index = text.find("&", index)
        if index < 0 or index + 1 >= len(text):
            return None
        if text[index + 1] == "&":
            index += 2
            continue
        return text[index + 1].lower()


def _without_mnemonic(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&&")


def _candidates(text: str) -> list[int]:
    """Positions in `text` (without a mnemonic) to try: word starts first, then every other letter or digit."""
    plain = text.replace("&&", "\0\0")
    starts = [i for i, ch in enumerate(plain) if ch.isalnum() and (i == 0 or not plain[i - 1].isalnum())]
    rest = [i for i, ch in enumerate(plain) if ch.isalnum() and i not in starts]
    return starts + rest


def assign_mnemonics(menu: QMenu) -> None:
    """Make every visible entry of `menu` (and of its submenus) have its own mnemonic."""
    entries = [a for a in menu.actions() if not a.isSeparator() and a.isVisible() and a.text()]
    used: set[str] = set()
    pending: list[QAction] = []
    for action in entries:
        key = mnemonic(action.text().partition("\t")[0])
        if key is not None and key.isalnum() and key not in used:
            used.add(key)
        else:
            pending.append(action)
    for action in pending:
        label, tab, keys = action.text().partition("\t")
        plain = _without_mnemonic(label)
        for position in _candidates(plain):
            letter = plain[position].lower()
            if letter not in used:
                used.add(letter)
                action.setText(f"{plain[:position]}&{plain[position:]}{tab}{keys}")
                break
        else:
            action.setText(f"{plain}{tab}{keys}")  # no free letter: better none than a clash
    for action in entries:
        submenu = action.menu()  # a QObject to the stubs (Qt's menu<T>() is a template); in widgets a QMenu
        if isinstance(submenu, QMenu):
            assign_mnemonics(submenu)


def manage_mnemonics(menu_bar: QMenuBar) -> None:
    """Assign now, and again whenever one of the bar's menus is about to show."""
    for top in menu_bar.actions():
        menu = top.menu()
        if isinstance(menu, QMenu):
            assign_mnemonics(menu)
            menu.aboutToShow.connect(lambda menu=menu: assign_mnemonics(menu))
