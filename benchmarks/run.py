"""Run every benchmark of the collection (``make bench``) and keep the figures in benchmarks/output/."""

from __future__ import annotations

import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def main() -> int:
    output = os.path.join(HERE, "output")
    os.makedirs(output, exist_ok=True)
    engine = [sys.executable, os.path.join(HERE, "engine.py"), "--json", os.path.join(output, "engine.json"), *sys.argv[1:]]
    print("== engine: parse + plan + splice + verify against a bare hardened lxml parse", flush=True)
    return subprocess.call(engine)


if __name__ == "__main__":
    sys.exit(main())
