"""The library database's structural check, in the background once the window has shown (issue 12).

SQLite's quick check reads the whole file (~0.25 s at 100,000 items), so it is not on the path to the first
paint: it runs on a reader a moment after the window shows. A damaged file is reported with what to do; the
search index's own check (a write-locking FTS5 command) stays with `mediacat check --database`.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer

from mediacat.core.jobs import Job
from mediacat.core.library import Library

CHECK_DELAY_MS = 1500  # after the first show: the window's own start-up work comes first


def library_quick_check(_job: Job, library: Library) -> list[str]:
    """The query the window runs: quick_check's messages ([] = sound)."""
    return library.quick_check()


class _FirstShow(QObject):
    """Starts the check once, a moment after the window's first show."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Show:
            self.window.removeEventFilter(self)
            QTimer.singleShot(CHECK_DELAY_MS, self.window, lambda: start_check(self.window))
        return False


def start_check(window: Any) -> None:
    if not window.isVisible():
        return  # closed in the meantime
    def done(problems: list[str]) -> None:
        if problems:
            window.show_error(
                "The library database is damaged",
                f"{window.library.paths.database}: SQLite's check found: {problems[0]}",
                "Nothing was changed. Close MediaCat, keep a copy of the library folder, and run "
                "`mediacat check --database`; restore a backup if it still reports damage.\n\n" + "\n".join(problems),
            )
        window.database_problems = problems

    window.run_query(library_quick_check, on_done=done, key="database-check", label="Checking the library database")


def install(window: Any) -> None:
    window.database_problems = None  # None until the background check has answered
    if window.isVisible():  # installed after the first paint (gui/first_paint.py): already shown
        QTimer.singleShot(CHECK_DELAY_MS, window, lambda: start_check(window))
    else:
        window.installEventFilter(_FirstShow(window))
