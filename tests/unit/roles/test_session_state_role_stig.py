"""The STIG profile of the role iis.aspnet.session_state (session_state_profile).

- what the role declares agrees with the engine: the profiles, the exceptions' keys, the
  server-level timeout limit each profile adds;
- the task files: audit before any write, the remediation loop, the second audit;
- what the role passes, rendered by Ansible's templar: nothing more without a profile; with one,
  cookies and the profile's timeout limit where the user sets none, the user's own values
  otherwise (as the module writes them), nothing at server level when the main call targets a
  site, which then counts as a declared entry;
- one cheap real run in check mode: the role without a profile, and a refusal before any write.
  The whole audit, remediation and re-audit flow on mixed states is the molecule scenario
  extensions/molecule/stig.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from ansible.parsing.dataloader import DataLoader
from ansible.release import __version__ as ansible_version
from ansible.template import Templar

try:
    from ansible.template import trust_as_template  # ansible-core 2.19+: only trusted strings are templates
except ImportError:  # before 2.19 every string is one
    def trust_as_template(value: str) -> str:
        return value

from ansible_collections.iis.aspnet.plugins.action.session_state_stig import ActionModule as StigAction
from ansible_collections.iis.aspnet.plugins.plugin_utils.audit import _stig
from ansible_collections.iis.aspnet.tests.unit.playbook_runs import WIN_ROOT32, WIN_ROOT64, ansible_playbook, digests, sample_tree

ROLE = Path(__file__).resolve().parents[3] / "roles" / "session_state"


def _yaml(*parts: str):
    return yaml.safe_load(ROLE.joinpath(*parts).read_text(encoding="utf-8"))


def _options() -> dict:
    return _yaml("meta", "argument_specs.yml")["argument_specs"]["main"]["options"]


def _tasks(name: str) -> dict:
    return {task["name"]: task for task in _yaml("tasks", name)}


# --- the declaration against the engine ---------------------------------------------------------


def test_profiles_are_the_engine_profiles():
    assert _options()["session_state_profile"]["choices"] == list(_stig.PROFILES)
    assert "default" not in _options()["session_state_profile"]  # undefined: no profile


def test_exceptions_take_the_module_keys_with_their_types_and_choices():
    declared = _options()["session_state_stig_exceptions"]
    module = StigAction.ARGUMENT_SPEC["exceptions"]
    assert (declared["type"], declared["elements"], declared["default"]) == ("list", "dict", [])
    assert sorted(declared["options"]) == sorted(module["options"])
    for name, entry in declared["options"].items():
        for key in ("type", "elements", "choices", "required"):
            assert entry.get(key) == module["options"][name].get(key), (name, key)
    assert _yaml("defaults", "main.yml")["session_state_stig_exceptions"] == []


def test_server_timeout_limits_are_the_engine_rule_table():
    limits = _yaml("vars", "main.yml")["__session_state_stig_timeout_limits"]
    engine = {profile: {check.maximum for rule in _stig.benchmarks(profile)[0].rules for check in rule.checks
                        if check.maximum is not None} for profile in _stig.PROFILES}
    assert {profile: {limit} for profile, limit in limits.items()} == engine == {"stig_iis10": {15}, "stig_iis85": {20}}


def test_role_vars_are_internal():
    # vars/main.yml outranks the inventory: it must hold nothing a user sets.
    assert all(name.startswith("__session_state_") for name in _yaml("vars", "main.yml"))


# --- the task files -----------------------------------------------------------------------------


def test_the_audit_comes_before_any_write_and_the_remediation_after_the_sites():
    tasks = _yaml("tasks", "main.yml")
    first, last = tasks[0], tasks[-1]
    assert first["ansible.builtin.include_tasks"] == "prepare.yml"
    assert "session_state_profile | default(none) is not none" in first["when"]
    audit, *feature = _yaml("tasks", "prepare.yml")
    assert audit["ansible.builtin.include_tasks"] == "stig_audit.yml"
    assert audit["when"] == "session_state_profile | default(none) is not none"
    assert ["ansible.windows.win_feature" in feature[0], "ansible.builtin.debug" in feature[1]] == [True, True]
    # After the sites: clearing overrides, then the remediation (tasks/after.yml), each only when asked for.
    assert last["ansible.builtin.include_tasks"] == "after.yml"
    assert last["when"] == ("session_state_profile | default(none) is not none or session_state_clear_overrides | "
                            "default(false) | bool")
    clear, remediation = _yaml("tasks", "after.yml")
    assert clear["ansible.builtin.include_tasks"] == "overrides.yml"
    assert clear["when"] == "session_state_clear_overrides | default(false) | bool"
    assert remediation["ansible.builtin.include_tasks"] == "stig.yml"
    assert remediation["when"] == "session_state_profile | default(none) is not none"
    assert [task["name"] for task in tasks[1:-1]] == ["Set session state at server level", "Set session state per site and application"]


def test_the_audit_gets_what_the_run_writes():
    (block,) = _yaml("tasks", "stig_audit.yml")
    (audit,) = block["block"]
    assert audit["register"] == "session_state_result_stig"
    assert audit["iis.aspnet.session_state_stig"] == {
        "profile": "{{ session_state_profile }}",
        "exceptions": "{{ session_state_stig_exceptions | default([]) }}",
        "server": "{{ __session_state_stig_server }}",
        "declared": "{{ __session_state_stig_declared }}",
        "image_root": "{{ session_state_image_root | default(omit) }}",
        "image_environment": "{{ session_state_image_environment | default(omit) }}",
        "image_shares": "{{ session_state_image_shares | default(omit) }}",
    }


def test_only_an_audit_refused_for_a_contradiction_audits_the_host_as_it_is():
    (block,) = _yaml("tasks", "stig_audit.yml")
    stop, keep, audit = block["rescue"]
    # Anything else fails the host again, with the audit's own message.
    assert stop["ansible.builtin.fail"] == {"msg": "{{ ansible_failed_result.msg }}"}
    assert "__session_state_stig_audit_only | default(false) | bool" in stop["when"]
    assert "' contradicts the profile' in ansible_failed_result.msg" in stop["when"]
    assert keep["ansible.builtin.set_fact"] == {"session_state_result_stig_refused": "{{ ansible_failed_result.msg }}"}
    # The same audit without the declaration: server and declared left out.
    assert audit["register"] == "session_state_result_stig"
    assert audit["iis.aspnet.session_state_stig"] == {
        key: value for key, value in block["block"][0]["iis.aspnet.session_state_stig"].items() if key not in ("server", "declared")}


def test_the_remediation_makes_each_planned_call_then_audits_again_into_the_same_register():
    fix, again = _yaml("tasks", "stig.yml")
    assert fix["loop"] == "{{ session_state_result_stig.remediation }}"
    # Every key a remediation entry may hold (_stig.remediation: a revert or a site write) is passed.
    assert fix["iis.aspnet.session_state"] == {
        "site": "{{ session_state_stig_fix.site }}",
        "commit": "{{ session_state_stig_fix.commit | default(omit) }}",
        "framework_version": "{{ session_state_stig_fix.framework_version | default(omit) }}",
        "bitness": "{{ session_state_stig_fix.bitness | default(omit) }}",
        "mode": "{{ session_state_stig_fix.mode | default(omit) }}",
        "cookieless": "{{ session_state_stig_fix.cookieless | default(omit) }}",
        "revert": "{{ session_state_stig_fix.revert | default(omit) }}",
        "state_service": {"state": "ignore"},
        "image_root": "{{ session_state_image_root | default(omit) }}",
        "image_environment": "{{ session_state_image_environment | default(omit) }}",
        "image_shares": "{{ session_state_image_shares | default(omit) }}",
        "backup": "{{ session_state_backup | default(omit) }}",
    }
    # An include that is skipped registers nothing: session_state_result_stig keeps the first audit.
    assert again["ansible.builtin.include_tasks"] == "stig_audit.yml"
    assert again["when"][0] == "not ansible_check_mode"


# --- what the role passes: its variables rendered as Ansible renders them ----------------------


def _trusted(value):
    """Role files as Ansible loads them: their strings may be templates."""
    if isinstance(value, str):
        return trust_as_template(value)
    if isinstance(value, dict):
        return {key: _trusted(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_trusted(item) for item in value]
    return value


def render(template, **host):
    """``template`` (a string, or a dict of them) with the role's defaults, the host's variables and vars/main.yml."""
    variables = {**_trusted(_yaml("defaults", "main.yml")), **host, **_trusted(_yaml("vars", "main.yml")), "omit": OMIT}
    rendered = Templar(loader=DataLoader(), variables=variables).template(_trusted(template))
    # The task executor drops the arguments that render as omit (ansible-core 2.19 leaves them out itself).
    return {key: value for key, value in rendered.items() if value != OMIT} if isinstance(rendered, dict) else rendered


OMIT = "__omit_place_holder__iis_aspnet_tests"
# ansible-core 2.19 templates are native: an int through a filter stays an int. Before, it became text.
NATIVE = tuple(int(part) for part in ansible_version.split(".")[:2]) >= (2, 19)


def passed(number: int) -> int | str:
    """An int as the role's filtered template hands it to the module (which reads both forms alike)."""
    return number if NATIVE else str(number)


SERVER_CALL = {name: _tasks("main.yml")["Set session state at server level"]["iis.aspnet.session_state"][name]
               for name in ("mode", "cookieless", "timeout")}


def server_call(**host) -> dict:
    """The server-level call's mode, cookieless and timeout, as Ansible passes them (omitted ones left out)."""
    return render(SERVER_CALL, **host)


def test_without_a_profile_nothing_is_added_or_audited():
    assert server_call() == {"mode": "InProc"}
    assert render("{{ __session_state_stig_server_defaults }}") == {}
    assert server_call(session_state_timeout=30) == {"mode": "InProc", "timeout": passed(30)}


@pytest.mark.parametrize("profile, limit", [("stig_iis10", 15), ("stig_iis85", 20)])
def test_the_profile_adds_cookies_and_its_timeout_limit_where_the_user_sets_none(profile, limit):
    assert server_call(session_state_profile=profile) == {"mode": "InProc", "cookieless": "UseCookies", "timeout": passed(limit)}
    assert render("{{ __session_state_stig_server }}", session_state_profile=profile) == {
        "mode": "InProc", "cookieless": "UseCookies", "timeout": limit}


def test_the_users_own_server_values_win_and_reach_the_audit_as_the_module_writes_them():
    host = {"session_state_profile": "stig_iis85", "session_state_timeout": 10, "session_state_cookieless": False,
            "session_state_framework_version": "v4.0", "session_state_bitness": [64]}
    assert server_call(**host) == {"mode": "InProc", "cookieless": False, "timeout": passed(10)}
    # The module writes a YAML boolean as lowercase text; the audit compares text.
    assert render("{{ __session_state_stig_server }}", **host) == {
        "mode": "InProc", "cookieless": "false", "timeout": 10, "framework_version": "v4.0", "bitness": [64]}


def test_a_main_call_at_a_site_adds_nothing_at_server_level_and_counts_as_a_declared_entry():
    host = {"session_state_profile": "stig_iis10", "session_state_site": "Legacy", "session_state_cookieless": "UseCookies",
            "session_state_sites": [{"site": "Intranet/hr", "timeout": 15, "sql_connection_string": "Password=x"},
                                    {"site": "Intranet", "cookieless": "UseCookies", "mode": None}]}
    assert server_call(**host) == {"mode": "InProc", "cookieless": "UseCookies"}
    assert render("{{ __session_state_stig_server }}", **host) == {}
    # Site, mode and cookieless only: the audit needs no more, and no secret goes into its arguments.
    assert render("{{ __session_state_stig_declared }}", **host) == [
        {"site": "Intranet/hr"}, {"site": "Intranet", "cookieless": "UseCookies"},
        {"site": "Legacy", "mode": "InProc", "cookieless": "UseCookies"}]


# --- a real run ---------------------------------------------------------------------------------
# The whole audit, remediation and re-audit flow on mixed states is the molecule scenario
# extensions/molecule/stig; here only what it does not show, in one cheap check-mode run.

CASES = {
    # No profile: the role plans what it always did (mode at both .NET 4 root web.configs), no audit.
    "plain": {},
    # A timeout above the profile's limit: refused by the audit, before any write.
    "too_long": {"session_state_profile": "stig_iis10", "session_state_timeout": 20},
}
KEEP = ["failure", "session_state_result_stig", "session_state_result_server", "session_state_result_stig_remediation"]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    work = tmp_path_factory.mktemp("role_stig")
    trees = {name: sample_tree(work / name / "image") for name in CASES}
    before = {name: digests(tree) for name, tree in trees.items()}
    results = work / "results"
    results.mkdir()
    inventory = {"all": {"hosts": {name: {**variables, "session_state_image_root": str(trees[name]), "ansible_connection": "local"}
                                   for name, variables in CASES.items()}}}
    play = {"hosts": "all", "gather_facts": False, "tasks": [
        {"block": [{"ansible.builtin.include_role": {"name": "iis.aspnet.session_state"}}],
         "rescue": [{"ansible.builtin.set_fact": {"failure": "{{ ansible_failed_result.msg }}"}}]},
        {"ansible.builtin.copy": {
            "content": "{{ {" + ", ".join(f"'{name}': {name} | default(none)" for name in KEEP) + "} | to_json }}",
            "dest": f"{results}/{{{{ inventory_hostname }}}}.json", "mode": "0644"}, "check_mode": False}]}
    done = ansible_playbook(work, [play], inventory, "--check")
    assert done.returncode == 0, done.stdout + done.stderr
    for name, tree in trees.items():
        assert digests(tree) == before[name], f"{name}: check mode wrote"
    return {name: json.loads((results / f"{name}.json").read_text()) for name in CASES}


@pytest.mark.playbook
def test_without_a_profile_the_role_plans_what_it_always_did(runs):
    result = runs["plain"]
    assert result["failure"] is None
    assert result["session_state_result_stig"] is None and result["session_state_result_stig_remediation"] is None
    changes = result["session_state_result_server"]["changes"]
    assert {(change["path"], change["attribute"], change["after"]) for change in changes} == {
        (WIN_ROOT64, "mode", "InProc"), (WIN_ROOT32, "mode", "InProc")}


@pytest.mark.playbook
def test_a_timeout_above_the_limit_fails_before_anything_is_written(runs):
    assert "timeout=20 contradicts the profile, which requires at most 15 minutes at server level" in runs["too_long"]["failure"]
    assert runs["too_long"]["session_state_result_server"] is None
