"""Fleet benchmark: the session_state role and module against a slurp-only floor and a community.general.xml baseline.

Simulated fleets of image hosts (``ansible_connection: local``, each with its own copy of
examples/sample-server as ``session_state_image_root``), laid out under benchmarks/output/fleet/.
Four playbooks (benchmarks/fleet/) run side by side, interleaved (their order rotates), each as a
fresh ansible-playbook process:

- ``floor``: slurp the two .NET 4 root web.config files, nothing else;
- ``role``: the iis.aspnet.session_state role;
- ``module``: the iis.aspnet.session_state module in one task;
- ``baseline``: stat each file, then community.general.xml for each sessionState attribute in each.

Desired states (benchmarks/fleet/desired/, given to all four as extra vars): ``seed``, the role's
defaults (mode InProc at WEBROOT: one attribute); ``stig``, the IIS 10.0 Server STIG's values
(mode, cookieless, timeout: three attributes, so three baseline calls per file).

Runs: ``first check`` (check mode on fresh copies of the sample), ``apply`` (on the same, still
fresh copies), ``steady check`` (check mode after convergence: after the apply, or on copies of a
tree that the same playbook converged once at the start). Measured per run: wall time, CPU time
of the process tree, tasks, module executions and shell commands per host (counted by the
benchmark-only callback benchmarks/fleet/callback_plugins/bench_calls.py), and peak controller
memory (PSS of ansible-playbook and its forks, sampled).

Goals (issue 17), judged on the CPU time of the steady check: role at most 1.3x the floor and
the module in one task at most 1.15x (linear strategy); the module at most 1.3x (mitogen); for the
``stig`` state (three attributes) the baseline at least 3x the role's and the module's time. The
table marks each met or missed (``GOALS``).

Plans: ``default``, both desired states, forks 20, linear and mitogen: the steady check at 10, 50
and 100 hosts, the first check and the apply at 50; then the mitogen steady checks again on a
``lean`` controller, whose collections path holds only the collections the playbooks use (about
30 minutes on 2 cores). ``full``: every run at every size (10, 50, 100), fork count (5, 20),
strategy and desired state. ``quick``: every run, 10 hosts, forks 5, linear, both desired
states. --hosts, --forks, --strategies and --desired narrow a plan.

    python benchmarks/fleet.py [--plan default|full|quick] [--hosts ...] [--forks ...]
                               [--strategies linear mitogen] [--desired seed stig]
                               [--json out.json] [--markdown out.md]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
PLAYBOOKS = os.path.join(HERE, "fleet")
DESIRED = ("seed", "stig")
SAMPLE = os.path.join(REPO, "examples", "sample-server")
VARIANTS = ("floor", "role", "module", "baseline")
CHECK = {"first check": True, "apply": False, "steady check": True}
ALL_RUNS = tuple(CHECK)
KINDS = ("task", "module", "command")
RECAP = re.compile(r"^(\S+)\s+: ok=\d+\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", re.MULTILINE)
SIZES, FORKS, STRATEGIES = (10, 50, 100), (5, 20), ("linear", "mitogen")
# The collections a lean controller holds besides iis.aspnet: the baseline's (community.general)
# and iis.aspnet's dependency (ansible.windows).
LEAN_COLLECTIONS = ("community.general", "ansible.windows")


@dataclasses.dataclass(frozen=True)
class Fleet:
    hosts: int
    forks: int
    strategy: str
    runs: tuple[str, ...] = ALL_RUNS
    desired: str = "seed"
    collections: str = "full"

    @property
    def name(self) -> str:
        return f"{self.hosts}h-{self.forks}f-{self.strategy}-{self.desired}-{self.collections}"


# ---------------------------------------------------------------- plans


def plan(name: str) -> list[Fleet]:
    """The fleets a plan measures, in order."""
    if name == "quick":
        return [Fleet(10, 5, "linear", desired=desired) for desired in DESIRED]
    if name == "full":
        return [Fleet(hosts, forks, strategy, desired=desired)
                for desired in DESIRED for strategy in STRATEGIES for hosts in SIZES for forks in FORKS]
    fleets = [Fleet(hosts, 20, strategy, ALL_RUNS if hosts == 50 else ("steady check",), desired)
              for desired in DESIRED for strategy in STRATEGIES for hosts in SIZES]
    return fleets + [Fleet(hosts, 20, "mitogen", ("steady check",), desired, "lean") for desired in DESIRED for hosts in SIZES]


def narrow(fleets: list[Fleet], args: argparse.Namespace) -> list[Fleet]:
    return [fleet for fleet in fleets if fleet.hosts in args.hosts and fleet.forks in args.forks
            and fleet.strategy in args.strategies and fleet.desired in args.desired]


# ---------------------------------------------------------------- layout


def write_inventory(path: str, roots: dict[str, str]) -> str:
    hosts = {name: {"session_state_image_root": root} for name, root in roots.items()}
    inventory = {"all": {"hosts": hosts, "vars": {"ansible_connection": "local", "ansible_python_interpreter": sys.executable}}}
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(inventory, handle)
    return path


def copies(workdir: str, variant: str, hosts: int, source: str) -> str:
    """``hosts`` copies of ``source`` and an inventory naming them; returns the inventory's path."""
    roots = {}
    for index in range(1, hosts + 1):
        roots[f"web{index:03d}"] = os.path.join(workdir, variant, f"web{index:03d}")
        shutil.copytree(source, roots[f"web{index:03d}"], symlinks=True)
    return write_inventory(os.path.join(workdir, f"{variant}.json"), roots)


def converged_trees(workdir: str, desired: str) -> dict[str, str]:
    """Per variant, a copy of the sample that the variant's playbook converged to ``desired`` (one host, not measured)."""
    workdir = os.path.join(workdir, desired)
    shutil.rmtree(workdir, ignore_errors=True)
    fleet, trees = Fleet(1, 1, "linear", desired=desired), {}
    for variant in VARIANTS:
        inventory = copies(workdir, variant, 1, SAMPLE)
        run_playbook(workdir, fleet, variant, inventory, check=False)
        trees[variant] = os.path.join(workdir, variant, "web001")
    return trees


def layout(workdir: str, fleet: Fleet, trees: dict[str, str]) -> dict[str, str]:
    """Fresh copies for each variant (of the sample, or of its converged tree for a steady check alone)."""
    shutil.rmtree(workdir, ignore_errors=True)
    source = trees if fleet.runs == ("steady check",) else dict.fromkeys(VARIANTS, SAMPLE)
    return {variant: copies(workdir, variant, fleet.hosts, source[variant]) for variant in VARIANTS}


# ---------------------------------------------------------------- memory


def _read(path: str) -> str:
    try:
        with open(path, "rb") as handle:
            return handle.read().decode("utf-8", "replace")
    except OSError:
        return ""


def _children(pid: int) -> list[int]:
    return [int(child) for child in _read(f"/proc/{pid}/task/{pid}/children").split()]


def _pss_kib(pid: int) -> int:
    match = re.search(r"^Pss:\s+(\d+) kB", _read(f"/proc/{pid}/smaps_rollup"), re.MULTILINE)
    return int(match.group(1)) if match else 0


def controller_pss_kib(root: int) -> int:
    """PSS of the controller: ansible-playbook and its forks (same command line), not the modules they start."""
    cmdline = _read(f"/proc/{root}/cmdline")
    total, pending = 0, [root]
    while pending:
        pid = pending.pop()
        pending.extend(_children(pid))
        if _read(f"/proc/{pid}/cmdline") == cmdline:
            total += _pss_kib(pid)
    return total


class MemorySampler(threading.Thread):
    """Peak of ``controller_pss_kib`` sampled every ``interval`` seconds while the process runs."""

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak_kib = pid, interval, 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(self.interval):
            self.peak_kib = max(self.peak_kib, controller_pss_kib(self.pid))


# ---------------------------------------------------------------- one run


def mitogen_strategy_dir() -> str:
    import ansible_mitogen  # pylint: disable=import-outside-toplevel,import-error

    return os.path.join(os.path.dirname(ansible_mitogen.__file__), "plugins", "strategy")


def without_mitogen_if_missing(fleets: list[Fleet]) -> list[Fleet]:
    """Drop the mitogen fleets, saying why, when ansible_mitogen cannot be imported."""
    if "mitogen" not in {fleet.strategy for fleet in fleets}:
        return fleets
    try:
        mitogen_strategy_dir()
    except ImportError as exc:
        print(f"mitogen strategy not measured: {exc} (make bench installs it from requirements/bench.txt)", flush=True)
        return [fleet for fleet in fleets if fleet.strategy != "mitogen"]
    return fleets


def lean_collections(build: str) -> str:
    """A collections path holding only the collections the playbooks use besides iis.aspnet (links into the venv's)."""
    root = os.path.join(build, "bench-collections")
    installed = os.path.join(sysconfig.get_paths()["purelib"], "ansible_collections")
    for fqcn in LEAN_COLLECTIONS:
        namespace, name = fqcn.split(".")
        link = os.path.join(root, "ansible_collections", namespace, name)
        if not os.path.islink(link):
            os.makedirs(os.path.dirname(link), exist_ok=True)
            os.symlink(os.path.join(installed, namespace, name), link)
    return root


def ansible_env(fleet: Fleet, calls_log: str) -> dict[str, str]:
    env = dict(os.environ)
    build = os.path.join(REPO, "build")
    env.setdefault("ANSIBLE_HOME", os.path.join(build, "ansible-home"))
    env.setdefault("ANSIBLE_LOCAL_TEMP", os.path.join(env["ANSIBLE_HOME"], "tmp"))
    collections = [os.path.join(build, "collections")]
    if fleet.collections == "lean":
        # Only what the playbooks use: mitogen scans every installed collection once per worker
        # that runs a collection's module (docs/performance.md, "The mitogen strategy").
        collections.append(lean_collections(build))
        env["ANSIBLE_COLLECTIONS_SCAN_SYS_PATH"] = "false"
    env.update(ANSIBLE_COLLECTIONS_PATH=os.pathsep.join(collections), ANSIBLE_NOCOLOR="1",
               ANSIBLE_FORKS=str(fleet.forks), ANSIBLE_CALLBACK_PLUGINS=os.path.join(PLAYBOOKS, "callback_plugins"),
               ANSIBLE_CALLBACKS_ENABLED="bench_calls", BENCH_CALLS_LOG=calls_log, ANSIBLE_DEPRECATION_WARNINGS="false")
    env.pop("ANSIBLE_STRATEGY", None)
    if fleet.strategy == "mitogen":
        env.update(ANSIBLE_STRATEGY_PLUGINS=mitogen_strategy_dir(), ANSIBLE_STRATEGY="mitogen_linear")
    return env


def count_calls(calls_log: str, hosts: int) -> dict[str, float]:
    """Per kind, the mean count per host (the log has one line per call)."""
    counts = dict.fromkeys(KINDS, 0)
    for line in _read(calls_log).splitlines():
        kind = line.split("\t", 1)[0]
        if kind in counts:
            counts[kind] += 1
    return {kind: count / hosts for kind, count in counts.items()}


def timed(command: list[str], env: dict[str, str], output_log: str) -> tuple[int, float, object, int]:
    """Run ``command``: exit code, wall seconds, rusage of its process tree, peak controller PSS (KiB)."""
    with open(output_log, "w", encoding="utf-8") as output:
        start = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)  # pylint: disable=consider-using-with
        sampler = MemorySampler(process.pid)
        sampler.start()
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        sampler.done.set()
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, seconds, usage, sampler.peak_kib


def run_playbook(workdir: str, fleet: Fleet, variant: str, inventory: str, check: bool) -> dict:
    """One ansible-playbook process: wall and CPU time, calls per host, memory, changed hosts."""
    calls_log, output_log = (os.path.join(workdir, f"{kind}-{variant}.log") for kind in ("calls", "output"))
    if os.path.exists(calls_log):
        os.unlink(calls_log)
    command = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", inventory,
               "-e", "@" + os.path.join(PLAYBOOKS, "desired", f"{fleet.desired}.yml"),
               os.path.join(PLAYBOOKS, f"{variant}.yml"), *(["--check"] if check else [])]
    returncode, seconds, usage, peak_kib = timed(command, ansible_env(fleet, calls_log), output_log)
    recap = RECAP.findall(_read(output_log))
    if returncode != 0 or len(recap) != fleet.hosts:
        raise RuntimeError(f"{variant} on {fleet.name} failed (rc={returncode}); see {output_log}")
    return {"seconds": seconds, "cpu_s": usage.ru_utime + usage.ru_stime, "calls": count_calls(calls_log, fleet.hosts),
            "controller_pss_mb": peak_kib / 1024, "max_rss_mb": usage.ru_maxrss / 1024,
            "changed_hosts": sum(1 for row in recap if int(row[1]))}


# ---------------------------------------------------------------- a fleet, all runs


def measure_fleet(workdir: str, fleet: Fleet, trees: dict[str, str], turn: int) -> list[dict]:
    """The fleet's runs in order, each with every variant, interleaved (their order rotates)."""
    inventories = layout(workdir, fleet, trees)
    rows = []
    for scenario in fleet.runs:
        order = VARIANTS[turn % len(VARIANTS):] + VARIANTS[:turn % len(VARIANTS)]
        turn += 1
        runs = {variant: run_playbook(workdir, fleet, variant, inventories[variant], CHECK[scenario]) for variant in order}
        rows.append({"hosts": fleet.hosts, "forks": fleet.forks, "strategy": fleet.strategy, "desired": fleet.desired,
                     "collections": fleet.collections, "scenario": scenario, "load_average": os.getloadavg()[0], **runs})
        print(row_line(rows[-1]), flush=True)
    steady = rows[-1]
    if steady["scenario"] == "steady check" and any(steady[variant]["changed_hosts"] for variant in VARIANTS):
        raise RuntimeError(f"{fleet.name}: the steady-state check found drift after convergence")
    return rows


# ---------------------------------------------------------------- report


@dataclasses.dataclass(frozen=True)
class Goal:
    """A CPU-time ratio the steady check must keep: ``numerator / denominator`` against ``limit``."""

    label: str
    numerator: str
    denominator: str
    limit: float
    at_most: bool
    strategies: tuple[str, ...] = STRATEGIES
    desired: tuple[str, ...] = DESIRED

    def applies(self, row: dict) -> bool:
        return row["scenario"] == "steady check" and row["strategy"] in self.strategies and row["desired"] in self.desired

    def ratio(self, row: dict) -> float:
        return row[self.numerator]["cpu_s"] / row[self.denominator]["cpu_s"]

    def met(self, row: dict) -> bool:
        return self.ratio(row) <= self.limit if self.at_most else self.ratio(row) >= self.limit


GOALS = (
    Goal("role ≤ 1.3x floor", "role", "floor", 1.3, True, ("linear",)),
    Goal("module ≤ 1.15x floor", "module", "floor", 1.15, True, ("linear",)),
    Goal("module ≤ 1.3x floor", "module", "floor", 1.3, True, ("mitogen",)),
    Goal("baseline ≥ 3x role", "baseline", "role", 3.0, False, desired=("stig",)),
    Goal("baseline ≥ 3x module", "baseline", "module", 3.0, False, desired=("stig",)),
)

TABLE_HEAD = (
    "| hosts | forks | strategy | desired | run | floor (s) | role (s) | module (s) | baseline (s) "
    "| CPU role / floor | CPU module / floor | CPU baseline / role | CPU baseline / module | goals "
    "| module calls per host (floor / role / module / baseline) | tasks per host (role) "
    "| peak controller PSS, MB (floor / role / module / baseline) |\n"
    "|---:|---:|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---:|---|"
)


def _per_variant(row: dict, value) -> str:
    return " / ".join(value(row[variant]) for variant in VARIANTS)


def _cpu_ratio(row: dict, numerator: str, denominator: str) -> str:
    return f"{row[numerator]['cpu_s'] / row[denominator]['cpu_s']:.2f}x"


def strategy_label(row: dict) -> str:
    """The strategy, and for a lean controller (only the collections the playbooks use) that it is one."""
    return row["strategy"] + (", lean" if row.get("collections", "full") == "lean" else "")


def goal_marks(row: dict) -> str:
    """Each goal that applies to the row, met or missed; a dash where none does."""
    marks = [f"{goal.label}: {'met' if goal.met(row) else 'missed'}" for goal in GOALS if goal.applies(row)]
    return "; ".join(marks) or "–"


def row_line(row: dict) -> str:
    seconds = " | ".join(f"{row[variant]['seconds']:.1f}" for variant in VARIANTS)
    ratios = " | ".join(_cpu_ratio(row, *pair) for pair in
                        (("role", "floor"), ("module", "floor"), ("baseline", "role"), ("baseline", "module")))
    calls = _per_variant(row, lambda run: f"{run['calls']['module']:g}")
    memory = _per_variant(row, lambda run: f"{run['controller_pss_mb']:.0f}")
    return (f"| {row['hosts']} | {row['forks']} | {strategy_label(row)} | {row['desired']} | {row['scenario']} | {seconds} | "
            f"{ratios} | {goal_marks(row)} | {calls} | {row['role']['calls']['task']:g} | {memory} |")


def goal_summary(rows: list[dict]) -> list[str]:
    """Per goal and strategy: in how many of the rows it applies to it is met, and the range of its ratio."""
    lines = []
    for goal in GOALS:
        for label in sorted({strategy_label(row) for row in rows if goal.applies(row)}):
            judged = [row for row in rows if goal.applies(row) and strategy_label(row) == label]
            ratios = sorted(goal.ratio(row) for row in judged)
            met = sum(goal.met(row) for row in judged)
            lines.append(f"- {goal.label} (CPU, steady check, {label}, {'/'.join(goal.desired)}): "
                         f"{'met' if met == len(judged) else 'missed'}, in {met} of {len(judged)} rows "
                         f"({ratios[0]:.2f}x to {ratios[-1]:.2f}x)")
    return lines


def markdown(rows: list[dict]) -> str:
    order = {scenario: index for index, scenario in enumerate(ALL_RUNS)}
    ordered = sorted(rows, key=lambda row: (row["desired"], order[row["scenario"]], strategy_label(row), row["hosts"], row["forks"]))
    summary = goal_summary(rows)
    return "\n".join([TABLE_HEAD, *(row_line(row) for row in ordered), *([""] + summary if summary else [])]) + "\n"


def write_reports(rows: list[dict], args: argparse.Namespace) -> None:
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(rows, handle, indent=2)
    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as handle:
            handle.write(markdown(rows))


# ---------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plan", choices=["default", "full", "quick"], default="default")
    parser.add_argument("--hosts", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--forks", type=int, nargs="+", default=list(FORKS))
    parser.add_argument("--strategies", nargs="+", default=list(STRATEGIES), choices=STRATEGIES)
    parser.add_argument("--desired", nargs="+", default=list(DESIRED), choices=DESIRED)
    parser.add_argument("--workdir", default=os.path.join(HERE, "output", "fleet"))
    parser.add_argument("--json")
    parser.add_argument("--markdown")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    fleets = narrow(plan(args.plan), args)
    fleets = without_mitogen_if_missing(fleets)
    converged = os.path.join(args.workdir, "converged")
    trees = {desired: converged_trees(converged, desired) for desired in sorted({fleet.desired for fleet in fleets})}
    print(TABLE_HEAD, flush=True)
    rows = []
    for fleet in fleets:
        rows.extend(measure_fleet(os.path.join(args.workdir, "fleet"), fleet, trees[fleet.desired], turn=len(rows)))
    write_reports(rows, args)
    print("\n" + markdown(rows), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
