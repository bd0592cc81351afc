"""The crash harness in CI: 25 rounds of random writes SIGKILLed at random moments (issue 13's harness).

`python tests/reliability/run_harness.py` runs 500 rounds and prints the figures.
"""

from __future__ import annotations

from pathlib import Path

from tests.reliability.harness import run


def test_random_kills_during_writes_lose_nothing_acknowledged_and_leave_nothing(tmp_path: Path) -> None:
    figures = run(25, tmp_path)
    print(figures.report())
    assert figures.problems == []
    assert figures.rounds == 25
    assert figures.acknowledged > 25, "the children hardly wrote anything before being killed"
    assert sum(figures.in_flight.values()) > 5, "almost no kill landed during a write"
