"""Run quality gates one after the other, as ``make test`` does, and keep each one's wall time.

Usage::

    tools/run_gates.py <times file> <make> <gate>...

Runs ``<make> <gate>`` for each gate in order and stops at the first that fails (exit 1, naming
it). Each gate's wall time, then the total, is written to ``<times file>`` (one ``name  seconds``
line each) as the gates finish, so a failed run still shows how far it got; a passing run prints
the table.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path


def line(name: str, seconds: float) -> str:
    return f"{name:<12} {int(seconds):4d} s\n"


def run_gates(times: Path, make: list[str], gates: list[str], clock: Callable[[], float] = time.monotonic,
              run: Callable[[list[str]], int] = lambda command: subprocess.run(command, check=False).returncode) -> int:
    if not gates:
        print("run_gates: no gate given", file=sys.stderr)
        return 2
    times.parent.mkdir(parents=True, exist_ok=True)
    times.write_text("", encoding="utf-8")
    total = clock()
    for gate in gates:
        print(f"=== gate: {gate}", flush=True)
        start = clock()
        if run([*make, gate]) != 0:
            print(f"=== gate {gate} FAILED", flush=True)
            return 1
        with times.open("a", encoding="utf-8") as out:
            out.write(line(gate, clock() - start))
    with times.open("a", encoding="utf-8") as out:
        out.write(line("total", clock() - total))
    print("=== all gates passed; wall time per gate:\n" + times.read_text(encoding="utf-8"), end="", flush=True)
    return 0


def main(argv: list[str]) -> int:
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    return run_gates(Path(argv[0]), argv[1].split(), argv[2:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
