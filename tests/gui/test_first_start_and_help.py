"""Issue 16: the first start (welcome, Help ▸ Getting Started, Keyboard Shortcuts, About), an empty filter result,
the window title with the library folder and the notice that another window has the library open."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

from PySide6.QtCore import QObject, Qt

from mediacat.core.changes import Changes
from mediacat.core.presence import Presence
from mediacat.gui.dialogs.help_dialogs import getting_started_html, plain_text
from mediacat.gui.main_window import MainWindow
from mediacat.gui.settings import Settings
from tests.gui.window_helpers import link_attachment, open_window, settle
from tests.media_fixtures import make_jpeg

REPO = Path(__file__).resolve().parents[2]


def help_feature(window):
    return window.findChild(QObject, "help-feature")


def menu_paths(window) -> set[str]:
    """Every "Menu ▸ Action" the menu bar offers, as the help pages write them."""
    paths = set()
    for top in window.menuBar().actions():
        for action in top.menu().actions():
            if not action.isSeparator():
                paths.add(f"{plain_text(top)} ▸ {plain_text(action)}")
    return paths


def test_first_start_welcomes_and_getting_started_explains(qtbot, library):
    window = open_window(qtbot, library)
    feature = help_feature(window)
    welcome = feature.welcome
    assert welcome is not None and welcome.isVisible()
    assert f"{library.count_items()} items" in welcome.text() and "Get Public Media" in welcome.text()

    getting_started = next(a for a in window.menu("Help").actions() if a.text() == "&Getting Started")
    assert getting_started.shortcut().toString() == "F1"
    getting_started.trigger()
    dialog = feature.dialog
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: f"{library.count_items()} items" in dialog.text())  # counted by a reader
    text = dialog.text()
    for heading in ("What the catalog is", "How to get the NASA files", "Attach your own files", "Keyboard shortcuts"):
        assert heading in text
    assert f"{library.count_items()} items" in text and f"{len(library.articles())} news articles" in text
    # every menu command the page names is really on the menus (the page cannot drift from the app)
    html = getting_started_html(help_feature(window)._menus(), library.count_items(), len(library.articles()))
    named = set(re.findall(r"<b>((?:File|Edit|Item|View|Tools|Help) ▸ [^<]+)</b>", html))
    named |= set(re.findall(r"<b>((?:File|Edit|Item|View|Tools|Help) ▸ [^<]+)</b>", welcome.text()))
    assert len(named) >= 8, named
    offered = menu_paths(window)
    assert named <= offered, named - offered
    assert "Ctrl+Shift+A" in text and "Space" in text  # the shortcuts of the menus and of the viewer

    # the welcome button opens the same page; closing the welcome is remembered
    dialog.close()
    qtbot.mouseClick(welcome.close_button, Qt.MouseButton.LeftButton)
    assert not welcome.isVisible()
    assert Settings().welcome_dismissed
    window.close()
    again = open_window(qtbot, library)
    assert help_feature(again).welcome is None


def test_the_welcome_is_not_shown_once_an_item_has_a_file(qtbot, library, tmp_path):
    link_attachment(library, "skycrane-still", make_jpeg(tmp_path / "a.jpg"), "image/jpeg", "image")
    window = open_window(qtbot, library)
    assert help_feature(window).welcome is None


def test_keyboard_shortcuts_lists_every_menu_shortcut(qtbot, library):
    window = open_window(qtbot, library)
    dialog = help_feature(window).show_shortcuts()
    qtbot.waitExposed(dialog)
    text = dialog.text()
    for name in ("File", "Edit", "Item", "View", "Tools", "Help"):
        for action in window.menu(name).actions():
            if not action.shortcut().isEmpty():
                assert action.shortcut().toString() in text, plain_text(action)
                assert plain_text(action) in text
    assert "Down or Enter" in text  # from the search box to the results


def test_about_gives_version_licences_and_nasa_guidelines_with_credit_lines(qtbot, library):
    from importlib import metadata

    from mediacat import __version__

    window = open_window(qtbot, library)
    about = next(a for a in window.menu("Help").actions() if a.text() == "&About MediaCat")
    about.trigger()
    dialog = help_feature(window).dialog
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: "NASA/JPL-Caltech" in dialog.text())  # the credit lines, read by a reader
    text = dialog.text()
    assert f"MediaCat {__version__}" in text and "MIT" in text
    assert "LGPL" in text and "Qt" in text
    for package in ("PySide6", "Pillow", "tinytag", "platformdirs"):
        assert f"{package} {metadata.version(package)}" in text
    assert "Usage Guidelines" in text and "NASA should be acknowledged as the source" in text
    assert "nasa.gov/nasa-brand-center/images-and-media" in dialog.browser.toHtml()
    credits = library.credit_lines()
    assert "NASA/JPL-Caltech" in credits and "unknown" not in credits
    for credit in credits:
        assert credit in text


def test_an_empty_filter_result_says_no_items_match_and_clears(qtbot, library):
    window = open_window(qtbot, library)
    window.facets.set_checked("media_type", "image")
    window.facets.set_checked("kind", "recording")  # no image is a recording
    settle(qtbot, window)
    assert window.model.rowCount() == 0
    assert window.no_match.isVisible() and not window.views.isVisible()
    assert "No items match" in window.no_match.title.text()
    assert "2 checked filters" in window.no_match.explanation.text()
    qtbot.mouseClick(window.no_match.clear_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert window.model.rowCount() == library.count_items()
    assert window.views.isVisible() and not window.no_match.isVisible()
    assert window.facets.checked_values() == {}

    window.search_box.setText("no such words anywhere")
    window.apply_filters()
    settle(qtbot, window)
    assert window.no_match.isVisible()
    assert "no such words anywhere" in window.no_match.explanation.text()
    qtbot.mouseClick(window.no_match.clear_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert window.search_box.text() == "" and window.model.rowCount() == library.count_items()


def test_the_title_names_the_library_folder(qtbot, library):
    window = open_window(qtbot, library)
    assert window.windowTitle() == f"{library.paths.root} – MediaCat"
    assert not window.other_windows_notice.isVisible()


HOLD_SCRIPT = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from mediacat.core.presence import Presence
    presence = Presence(Path(sys.argv[1]))
    assert presence.claim()
    print("claimed", flush=True)
    sys.stdin.readline()
""")


def test_another_window_on_the_library_is_announced(qtbot, library):
    """A second process (as a second MediaCat window) holds its presence lock: this window says so, and stops
    saying so when it is gone."""
    with subprocess.Popen([sys.executable, "-c", HOLD_SCRIPT, str(library.paths.root)], cwd=REPO,
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) as other:
        try:
            assert other.stdout.readline().strip() == "claimed"
            window = open_window(qtbot, library)
            assert "also open in another window" in window.windowTitle()
            assert window.other_windows_notice.isVisible()
            assert "Another MediaCat window has this library" in window.other_windows_notice.text()
            assert Presence(library.paths.root).others() == 1  # that process (this one holds the window's mark)
            assert window.presence.claimed
        finally:
            other.stdin.close()
            other.wait(10)
    window.update_presence()
    assert window.windowTitle() == f"{library.paths.root} – MediaCat"
    assert not window.other_windows_notice.isVisible()


def test_a_window_announces_itself_to_a_later_one(qtbot, library):
    window = open_window(qtbot, library)
    assert window.presence.claimed
    code = ("import sys; from pathlib import Path; from mediacat.core.presence import Presence; "
            "print(Presence(Path(sys.argv[1])).others())")
    seen = subprocess.run([sys.executable, "-c", code, str(library.paths.root)], cwd=REPO, capture_output=True,
                          text=True, check=True)
    assert seen.stdout.strip() == "1"
    window.close()
    seen = subprocess.run([sys.executable, "-c", code, str(library.paths.root)], cwd=REPO, capture_output=True,
                          text=True, check=True)
    assert seen.stdout.strip() == "0"


def test_without_a_presence_file_the_window_still_opens(qtbot, library):
    presence = Presence(library.paths.root / "no-such-folder")
    assert not presence.claim() and presence.others() == 0
    window = MainWindow(library, thumbnails=False)
    qtbot.addWidget(window)
    window.presence = presence  # as when the library folder cannot hold the file
    window.update_presence()
    assert window.windowTitle() == f"{library.paths.root} – MediaCat"


def test_the_welcome_goes_once_an_item_gets_a_file(qtbot, library, tmp_path):
    window = open_window(qtbot, library)
    welcome = help_feature(window).welcome
    assert welcome.isVisible()
    link_attachment(library, "skycrane-still", make_jpeg(tmp_path / "a.jpg"), "image/jpeg", "image")
    window.library_changed.emit(Changes.of_items(["skycrane-still"], facets=True))  # as an attach op announces
    qtbot.waitUntil(lambda: not welcome.isVisible(), timeout=10_000)
    assert not Settings().welcome_dismissed  # not closed by the person: nothing remembered
