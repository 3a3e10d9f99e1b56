"""Run every benchmark of the collection (``make bench``) and keep the figures in benchmarks/output/.

    python benchmarks/run.py [--quick] [--only engine|fleet|audit|large-host|cas-window ...]

``--quick``: a smoke run of each (engine: 1 and 10 MB once; fleet and audit: 10 hosts, forks 5,
linear; large-host: each size once; cas-window: 5 rounds), under 10 minutes on 2 cores.
Each benchmark takes further options of its own when run alone (benchmarks/engine.py --help,
benchmarks/fleet.py --help).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUTPUT = os.path.join(HERE, "output")


def engine_command(quick: bool) -> list[str]:
    options = ["--sizes", "1", "10", "--repeat", "1"] if quick else []
    return [sys.executable, os.path.join(HERE, "engine.py"), "--json", os.path.join(OUTPUT, "engine.json"), *options]


def fleet_command(quick: bool) -> list[str]:
    reports = ["--json", os.path.join(OUTPUT, "fleet.json"), "--markdown", os.path.join(OUTPUT, "fleet.md")]
    return [sys.executable, os.path.join(HERE, "fleet.py"), *reports, "--plan", "quick" if quick else "default"]


def audit_command(quick: bool) -> list[str]:
    reports = ["--json", os.path.join(OUTPUT, "audit.json"), "--markdown", os.path.join(OUTPUT, "audit.md")]
    return [sys.executable, os.path.join(HERE, "audit.py"), *reports, "--plan", "quick" if quick else "default"]


def large_host_command(quick: bool) -> list[str]:
    return [sys.executable, os.path.join(HERE, "large_host.py"), "--json", os.path.join(OUTPUT, "large_host.json"),
            *(["--repeat", "1"] if quick else ["--compare", "--playbook"])]


def cas_window_command(quick: bool) -> list[str]:
    return [sys.executable, os.path.join(HERE, "cas_window.py"), "--json", os.path.join(OUTPUT, "cas_window.json"),
            "--rounds", "5" if quick else "30"]


BENCHMARKS = {
    "engine": ("engine: parse + plan + splice + verify + judge against a bare hardened lxml parse", engine_command),
    "fleet": ("fleet: the role and the module in one task against a slurp-only floor and a community.general.xml baseline",
              fleet_command),
    "audit": ("audit: session_state_info and iis.aspnet.stig --check against a floor reading the existing files",
              audit_command),
    "large-host": ("large-host: session_state_info on one host of 50, 100 and 200 sites", large_host_command),
    "cas-window": ("cas-window: how long a concurrent edit can be lost, one call (image hosts) against two (Windows)",
                   cas_window_command),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run of each benchmark")
    parser.add_argument("--only", nargs="+", choices=sorted(BENCHMARKS), default=list(BENCHMARKS))
    args = parser.parse_args()
    os.makedirs(OUTPUT, exist_ok=True)
    status = 0
    for name in args.only:
        title, command = BENCHMARKS[name]
        print(f"== {title}", flush=True)
        status = subprocess.call(command(args.quick)) or status
    return status


if __name__ == "__main__":
    sys.exit(main())
