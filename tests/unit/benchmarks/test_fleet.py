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


def test_the_default_plan_measures_the_stig_state_at_forks_20_with_both_strategies(fleet):
    stig = [item for item in fleet.plan("default") if item.desired == "stig"]
    assert {(item.hosts, item.forks, item.runs) for item in stig} == {(50, 20, fleet.ALL_RUNS), (100, 20, ("steady check",))}
    assert sorted({item.strategy for item in stig}) == sorted(fleet.STRATEGIES)


def test_desired_narrows_a_plan(fleet):
    args = fleet.parse_args(["--desired", "stig", "--hosts", "50"])
    fleets = fleet.narrow(fleet.plan("default"), args)
    assert fleets and all(item.desired == "stig" and item.hosts == 50 for item in fleets)
    assert len({item.name for item in fleet.plan("full")}) == len(fleet.plan("full"))
