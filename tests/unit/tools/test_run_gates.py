"""Unit tests for tools/run_gates.py (make test): order, stop at the first failure, the times table."""

from __future__ import annotations

import itertools

from ansible_collections.iis.aspnet.tests.unit.tools.tool_loader import load_tool

run_gates = load_tool("run_gates")


def fake(fails: str = ""):
    """A make that records the commands and fails for the gate ``fails``; a clock ticking 10 s per call."""
    commands: list[list[str]] = []

    def run(command: list[str]) -> int:
        commands.append(command)
        return 2 if command[-1] == fails else 0

    ticks = itertools.count(0, 10)
    return commands, run, lambda: next(ticks)


def test_every_gate_runs_in_order_and_its_time_is_kept(tmp_path, capsys):
    commands, run, clock = fake()
    times = tmp_path / "build" / "gate-times.txt"
    assert run_gates.run_gates(times, ["make"], ["venv", "units", "integration"], clock=clock, run=run) == 0
    assert commands == [["make", "venv"], ["make", "units"], ["make", "integration"]]
    # clock: total starts at 0; each gate reads it twice (start, end): 10 s per gate; total 0 -> 70.
    assert times.read_text() == ("venv           10 s\nunits          10 s\nintegration    10 s\n"
                                 "total          70 s\n")
    assert capsys.readouterr().out.endswith("=== all gates passed; wall time per gate:\n" + times.read_text())


def test_the_first_failure_stops_the_run_and_names_the_gate(tmp_path, capsys):
    commands, run, clock = fake(fails="units")
    times = tmp_path / "times.txt"
    assert run_gates.run_gates(times, ["make", "-s"], ["venv", "units", "lint"], clock=clock, run=run) == 1
    assert commands == [["make", "-s", "venv"], ["make", "-s", "units"]]  # lint never ran
    assert times.read_text() == "venv           10 s\n"  # no total: the run did not pass
    assert "=== gate units FAILED" in capsys.readouterr().out


def test_no_gate_is_a_usage_error(tmp_path):
    assert run_gates.run_gates(tmp_path / "t", ["make"], []) == 2
    assert run_gates.main(["times"]) == 2
