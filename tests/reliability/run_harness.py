"""Run the crash harness for many rounds and print its figures: `python tests/reliability/run_harness.py [N]`."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.reliability.harness import run


def main() -> int:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    with tempfile.TemporaryDirectory(prefix="mediacat-harness-") as folder:
        figures = run(rounds, Path(folder), seed=int(sys.argv[2]) if len(sys.argv) > 2 else 13)
    print(figures.report())
    for problem in figures.problems:
        print(f"  {problem}")
    return 1 if figures.problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
