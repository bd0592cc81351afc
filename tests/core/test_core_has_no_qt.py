"""The core and the command line's catalog commands never load Qt (the rule in docs/ARCHITECTURE.md)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

CHECK_QT_NOT_LOADED = """
import sys
qt = sorted(name for name in sys.modules if name.split(".")[0] in ("PySide6", "shiboken6"))
if qt:
    print("Qt was loaded: " + ", ".join(qt))
    importers = sorted(name for name, module in sys.modules.items()
                       if name.startswith("mediacat") and any(
                           getattr(value, "__name__", "").startswith("PySide6")
                           for value in vars(module).values()))
    print("mediacat modules holding Qt objects: " + (", ".join(importers) or "none at top level"))
    raise SystemExit(1)
print("no Qt")
"""


def run_python(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code) + CHECK_QT_NOT_LOADED, str(tmp_path / "library")],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )


def test_every_core_module_and_a_library_query_load_no_qt(tmp_path: Path) -> None:
    result = run_python(
        """
        import importlib, pkgutil, sys
        import mediacat.core
        imported = []
        for info in pkgutil.walk_packages(mediacat.core.__path__, prefix="mediacat.core."):
            importlib.import_module(info.name)
            imported.append(info.name)
        import mediacat.cli, mediacat.paths
        from mediacat.core.library import Library
        from mediacat.core.search import ItemQuery
        with Library.open(sys.argv[1]) as library:
            ids = library.item_ids(ItemQuery())
            library.item_rows(ids)
            library.items(ids)
        assert "skycrane-still" in ids, ids
        print("imported", len(imported), "core modules:", " ".join(imported))
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "mediacat.core.library" in result.stdout and "mediacat.core.store.schema" in result.stdout
    assert result.stdout.rstrip().endswith("no Qt")


def test_the_catalog_commands_of_the_cli_load_no_qt(tmp_path: Path) -> None:
    """Building the parser imports every command module: none may import Qt at the top (only when run)."""
    result = run_python(
        """
        import contextlib, io, sys
        from mediacat.cli import main
        for argv in (["list"], ["list", "--json"], ["show", "skycrane-still"], ["articles"]):
            with contextlib.redirect_stdout(io.StringIO()):
                code = main([*argv, "--library", sys.argv[1]])
            assert code == 0, (argv, code)
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.rstrip().endswith("no Qt")
