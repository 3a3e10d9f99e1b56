"""Audit benchmark: session_state_info and iis.aspnet.stig --check against a floor that reads the files that exist.

Fleets of image hosts laid out as in benchmarks/fleet.py (each host its own copy of
examples/sample-server), measured with the same machinery (fleet.run_playbook: wall and CPU
time of the ansible-playbook process tree, module calls per host from the bench_calls callback,
peak controller memory). Three playbooks of benchmarks/fleet/, interleaved, all in check mode:

- ``audit-floor``: slurp exactly the sample's 14 config files that exist, one looped task;
- ``info``: iis.aspnet.session_state_info in one task (14 reads + 1 discovery call per host);
- ``stig``: the collection's playbook iis.aspnet.stig (the role with the stig_iis10 profile: the
  audit, then the role's check-mode plan of the server state and of the site remediation).

Goal (issue 17): each at most 1.3x the floor's CPU time; the table marks it met or missed.
Plans: ``quick``, 10 hosts, forks 5; ``default``, 10 and 50 hosts, forks 20; linear strategy.

    python benchmarks/audit.py [--plan quick|default] [--hosts ...] [--forks ...] [--json out.json] [--markdown out.md]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys

import fleet

HERE = os.path.dirname(os.path.abspath(__file__))
VARIANTS = ("audit-floor", "info", "stig-playbook")
GOAL = 1.3
PLANS = {"quick": [(10, 5)], "default": [(10, 20), (50, 20)]}


def floor_files() -> list[str]:
    """The files the floor reads, checked against the config files that exist in the sample."""
    import yaml  # pylint: disable=import-outside-toplevel

    with open(os.path.join(fleet.PLAYBOOKS, "audit-floor.yml"), encoding="utf-8") as handle:
        listed = yaml.safe_load(handle)[0]["vars"]["bench_audit_files"]
    existing = sorted(os.path.relpath(os.path.join(folder, name), fleet.SAMPLE)
                      for folder, _dirs, names in os.walk(fleet.SAMPLE) for name in names if name.endswith(".config"))
    if sorted(listed) != existing:
        raise RuntimeError(f"audit-floor.yml reads {sorted(listed)}, the sample holds {existing}")
    return listed


def measure(workdir: str, hosts: int, forks: int, turn: int) -> dict:
    """One fleet: the three playbooks on fresh copies of the sample, in rotating order."""
    size = fleet.Fleet(hosts, forks, "linear", runs=("audit",))
    shutil.rmtree(workdir, ignore_errors=True)
    os.makedirs(workdir)
    inventories = {variant: fleet.copies(workdir, variant, hosts, fleet.SAMPLE) for variant in VARIANTS}
    order = VARIANTS[turn % 3:] + VARIANTS[:turn % 3]
    runs = {variant: fleet.run_playbook(workdir, size, variant, inventories[variant], check=True) for variant in order}
    return {"hosts": hosts, "forks": forks, "load_average": os.getloadavg()[0], **runs}


TABLE_HEAD = (
    "| hosts | forks | floor (s) | info (s) | stig --check (s) | CPU floor (s) | CPU info / floor | CPU stig / floor "
    f"| goal ≤ {GOAL}x (info / stig) | module calls per host (floor / info / stig) | tasks per host (stig) "
    "| peak controller PSS, MB (floor / info / stig) |\n"
    "|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---:|---|"
)


def _met(ratio: float) -> str:
    return "met" if ratio <= GOAL else "missed"


def row_line(row: dict) -> str:
    floor, info, stig = (row[variant] for variant in VARIANTS)
    ratios = [info["cpu_s"] / floor["cpu_s"], stig["cpu_s"] / floor["cpu_s"]]
    calls = " / ".join(f"{row[variant]['calls']['module']:g}" for variant in VARIANTS)
    memory = " / ".join(f"{row[variant]['controller_pss_mb']:.0f}" for variant in VARIANTS)
    return (f"| {row['hosts']} | {row['forks']} | {floor['seconds']:.1f} | {info['seconds']:.1f} | {stig['seconds']:.1f} | "
            f"{floor['cpu_s']:.1f} | {ratios[0]:.2f}x | {ratios[1]:.2f}x | {_met(ratios[0])} / {_met(ratios[1])} | {calls} | "
            f"{stig['calls']['task']:g} | {memory} |")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plan", choices=sorted(PLANS), default="default")
    parser.add_argument("--hosts", type=int, nargs="+")
    parser.add_argument("--forks", type=int, nargs="+")
    parser.add_argument("--workdir", default=os.path.join(HERE, "output", "audit"))
    parser.add_argument("--json")
    parser.add_argument("--markdown")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    floor_files()
    sizes = [(hosts, forks) for hosts, forks in PLANS[args.plan]
             if (not args.hosts or hosts in args.hosts) and (not args.forks or forks in args.forks)]
    print(TABLE_HEAD, flush=True)
    rows = []
    for hosts, forks in sizes:
        rows.append(measure(os.path.join(args.workdir, f"{hosts}h-{forks}f"), hosts, forks, turn=len(rows)))
        print(row_line(rows[-1]), flush=True)
    table = "\n".join([TABLE_HEAD, *(row_line(row) for row in rows)]) + "\n"
    print("\n" + table, end="")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(rows, handle, indent=2)
    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as handle:
            handle.write(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
