"""The fleet benchmark's inputs: the role and the baseline are asked for the same state, and the
plans measure what docs/performance.md says they do."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[3]
DESIRED = REPO / "benchmarks" / "fleet" / "desired"
PREFIX = "session_state_"


def _role_settings(desired: dict) -> dict:
    """The sessionState attributes the role writes for these extra vars, as the file spells them."""
    defaults = yaml.safe_load((REPO / "roles" / "session_state" / "defaults" / "main.yml").read_text(encoding="utf-8"))
    variables = {**defaults, **desired}
    # The three options the desired states use are named as their attributes.
    return {name: str(variables[PREFIX + name]) for name in ("mode", "cookieless", "timeout") if PREFIX + name in variables}


@pytest.mark.parametrize("path", sorted(DESIRED.glob("*.yml")), ids=lambda path: path.stem)
def test_the_baseline_sets_what_the_role_sets(path):
    desired = yaml.safe_load(path.read_text(encoding="utf-8"))
    settings = desired.pop("bench_settings")
    assert all(name.startswith(PREFIX) for name in desired)
    assert settings == _role_settings(desired)


def test_each_desired_state_has_its_file(fleet):
    assert sorted(fleet.DESIRED) == sorted(path.stem for path in DESIRED.glob("*.yml"))


def test_the_stig_state_has_more_attributes_than_the_seed():
    counts = {path.stem: len(yaml.safe_load(path.read_text(encoding="utf-8"))["bench_settings"]) for path in DESIRED.glob("*.yml")}
    assert counts == {"seed": 1, "stig": 3}


def test_quick_and_full_plans_measure_every_desired_state(fleet):
    for name in ("quick", "full"):
        assert {item.desired for item in fleet.plan(name)} == set(fleet.DESIRED), name
    assert len(fleet.plan("full")) == len(fleet.DESIRED) * len(fleet.STRATEGIES) * len(fleet.SIZES) * len(fleet.FORKS)


def test_the_default_plan_measures_the_steady_check_of_both_states_with_both_strategies_at_forks_20(fleet):
    # issue 17: the goals are judged on the steady check, seed and stig state, linear and mitogen
    steady = ("steady check",)
    for desired in ("seed", "stig"):
        for strategy in ("linear", "mitogen"):
            fleets = [item for item in fleet.plan("default")
                      if (item.desired, item.strategy, item.collections) == (desired, strategy, "full")]
            assert {item.hosts: (item.forks, item.runs) for item in fleets} == {
                10: (20, steady), 50: (20, fleet.ALL_RUNS), 100: (20, steady)}, (desired, strategy)


def test_the_default_plan_repeats_the_mitogen_steady_check_on_a_lean_controller(fleet):
    lean = [item for item in fleet.plan("default") if item.collections == "lean"]
    assert sorted((item.desired, item.hosts) for item in lean) == [(desired, hosts) for desired in ("seed", "stig") for hosts in (10, 50, 100)]
    assert {(item.strategy, item.forks, item.runs) for item in lean} == {("mitogen", 20, ("steady check",))}


def test_a_lean_controller_holds_only_the_collections_the_playbooks_use(fleet, tmp_path):
    env = fleet.ansible_env(fleet.Fleet(10, 20, "linear", collections="lean"), str(tmp_path / "calls.log"))
    assert env["ANSIBLE_COLLECTIONS_SCAN_SYS_PATH"] == "false"
    lean = Path(env["ANSIBLE_COLLECTIONS_PATH"].split(":")[1]) / "ansible_collections"
    assert sorted(f"{path.parent.name}.{path.name}" for path in lean.glob("*/*")) == ["ansible.windows", "community.general"]
    # the baseline's module is there
    assert (lean / "community" / "general" / "plugins" / "modules" / "xml.py").is_file()
    assert "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH" not in fleet.ansible_env(fleet.Fleet(10, 20, "linear"), str(tmp_path / "c.log"))


def test_every_variant_has_its_playbook_and_the_module_runs_in_one_task(fleet):
    assert fleet.VARIANTS == ("floor", "role", "module", "baseline")
    assert all((Path(fleet.PLAYBOOKS) / f"{variant}.yml").is_file() for variant in fleet.VARIANTS)
    play = yaml.safe_load((Path(fleet.PLAYBOOKS) / "module.yml").read_text(encoding="utf-8"))[0]
    assert [next(iter(set(task) - {"name"})) for task in play["tasks"]] == ["iis.aspnet.session_state"]
    # the module is asked for exactly the attributes the baseline sets (bench_settings)
    arguments = play["tasks"][0]["iis.aspnet.session_state"]
    assert {name for name, value in arguments.items() if "bench_settings" in value} == {"mode", "cookieless", "timeout"}


def _row(fleet, strategy: str, desired: str, cpu: dict, scenario: str = "steady check") -> dict:
    return {"hosts": 10, "forks": 20, "strategy": strategy, "desired": desired, "scenario": scenario,
            **{variant: {"seconds": cpu[variant], "cpu_s": cpu[variant], "calls": {"module": 2, "task": 1},
                         "controller_pss_mb": 100.0} for variant in fleet.VARIANTS}}


def test_the_goals_of_issue_17_are_marked_on_the_steady_check(fleet):
    # linear: role <= 1.3x and module <= 1.15x the floor; stig state: baseline >= 3x role and module
    row = _row(fleet, "linear", "stig", {"floor": 10.0, "role": 13.0, "module": 11.6, "baseline": 36.0})
    assert fleet.goal_marks(row) == ("role ≤ 1.3x floor: met; module ≤ 1.15x floor: missed; "
                                     "baseline ≥ 3x role: missed; baseline ≥ 3x module: met")
    # mitogen: only the module's 1.3x; the seed state (one attribute) has no 3x goal
    row = _row(fleet, "mitogen", "seed", {"floor": 10.0, "role": 30.0, "module": 13.0, "baseline": 12.0})
    assert fleet.goal_marks(row) == "module ≤ 1.3x floor: met"
    # no goal on the first check or the apply
    assert fleet.goal_marks(_row(fleet, "linear", "stig", dict.fromkeys(fleet.VARIANTS, 1.0), "apply")) == "–"


def test_the_summary_says_in_how_many_rows_each_goal_is_met(fleet):
    rows = [_row(fleet, "linear", "seed", {"floor": 10.0, "role": 12.0, "module": 11.0, "baseline": 20.0}),
            _row(fleet, "linear", "seed", {"floor": 10.0, "role": 14.0, "module": 11.5, "baseline": 20.0})]
    assert fleet.goal_summary(rows) == [
        "- role ≤ 1.3x floor (CPU, steady check, linear, seed/stig): missed, in 1 of 2 rows (1.20x to 1.40x)",
        "- module ≤ 1.15x floor (CPU, steady check, linear, seed/stig): met, in 2 of 2 rows (1.10x to 1.15x)",
    ]
    # a lean controller (only the collections the playbooks use) is summed up apart
    lean = {**_row(fleet, "mitogen", "seed", {"floor": 10.0, "role": 30.0, "module": 12.0, "baseline": 20.0}), "collections": "lean"}
    full = _row(fleet, "mitogen", "seed", {"floor": 10.0, "role": 30.0, "module": 21.0, "baseline": 20.0})
    assert fleet.goal_summary([lean, full]) == [
        "- module ≤ 1.3x floor (CPU, steady check, mitogen, seed/stig): missed, in 0 of 1 rows (2.10x to 2.10x)",
        "- module ≤ 1.3x floor (CPU, steady check, mitogen, lean, seed/stig): met, in 1 of 1 rows (1.20x to 1.20x)",
    ]


def test_desired_narrows_a_plan(fleet):
    args = fleet.parse_args(["--desired", "stig", "--hosts", "50"])
    fleets = fleet.narrow(fleet.plan("default"), args)
    assert fleets and all(item.desired == "stig" and item.hosts == 50 for item in fleets)
    assert len({item.name for item in fleet.plan("full")}) == len(fleet.plan("full"))
