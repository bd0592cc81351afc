"""The crash harness in CI: 25 rounds of random writes SIGKILLed at random moments (issue 13's harness), every
second round killing real `mediacat` CLI processes (fetch-media from a local server among them) while the app's
connections write and read.

`python tests/reliability/run_harness.py` runs 500 rounds and prints the figures.
"""

from __future__ import annotations

from pathlib import Path

from tests.reliability.harness import run


def test_random_kills_during_writes_lose_nothing_acknowledged_and_leave_nothing(tmp_path: Path) -> None:
    figures = run(25, tmp_path)
    print(figures.report())
    assert figures.problems == []
    assert figures.rounds == 25 and figures.cli_rounds == 12
    assert figures.acknowledged > 25, "the children hardly wrote anything before being killed"
    assert sum(figures.in_flight.values()) > 5, "almost no kill landed during a write"
    killed_commands = sum(count for op, count in figures.in_flight.items() if op.startswith("cli "))
    assert killed_commands > 5, "almost no kill landed during a CLI command"
    assert sum(figures.cli_acknowledged.values()) > 0, "no CLI command finished before its kill"
