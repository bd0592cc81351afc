"""The house rules for `mediacat/gui/`, checked in its source: no SQL (every change is a core operation run
through `window.run_op`, every big read a query through `window.run_query`), no `refresh_items` (views refresh
from `library_changed`), no features looking each other up on the window, one background mechanism."""

from __future__ import annotations

import ast
import re
from pathlib import Path

GUI = Path(__file__).resolve().parents[2] / "mediacat" / "gui"
SQL = re.compile(  # SQL is written in capitals in this code base
r"\b(SELECT\s.+\sFROM|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|PRAGMA\s+\w+|"
                 r"BEGIN(\s+IMMEDIATE|\s+EXCLUSIVE)?\b|COMMIT\b|ROLLBACK\b|CREATE\s+(TABLE|INDEX))")


def sources() -> list[tuple[Path, str]]:
    found = [(path, path.read_text(encoding="utf-8")) for path in sorted(GUI.rglob("*.py"))]
    assert len(found) > 20  # the whole GUI package, not an empty folder
    return found


def string_constants(text: str) -> list[tuple[int, str]]:
    return [(node.lineno, node.value) for node in ast.walk(ast.parse(text))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)]


def test_no_sql_in_the_gui():
    offenders = [f"{path.relative_to(GUI)}:{line}: {value.strip()[:60]!r}"
                 for path, text in sources() for line, value in string_constants(text)
                 if SQL.search(value)]
    offenders += [f"{path.relative_to(GUI)}: uses the connection directly" for path, text in sources()
                  if re.search(r"\.store\.(execute|transaction|conn)\b|\.conn\.execute", text)]
    assert offenders == []


def test_the_sql_check_finds_sql():
    assert SQL.search("SELECT count(*) FROM attachments WHERE id = ?")
    assert SQL.search("UPDATE items SET notes = ?") and SQL.search("PRAGMA data_version")
    assert not SQL.search("Select an item to write a note.")


def test_no_refresh_items_and_no_features_found_by_getattr():
    offenders = [f"{path.relative_to(GUI)}: {match.group(0)}" for path, text in sources()
                 for match in re.finditer(r"refresh_items\(|refresh_facets\(|getattr\((self\.)?window\b", text)]
    assert offenders == []


def test_one_background_mechanism():
    """Background work starts only in gui/tasks.py (its pools); nothing else makes threads or pools."""
    offenders = [f"{path.relative_to(GUI)}: {match.group(0)}" for path, text in sources()
                 if path.name != "tasks.py"
                 for match in re.finditer(r"\bQThreadPool\(|\bthreading\.Thread\(|class \w+\(QThread\)|"
                                          r"concurrent\.futures|\bQRunnable\b", text)]
    assert offenders == []
