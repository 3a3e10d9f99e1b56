"""The drift_report callback and session_state_stig: events, the default formats with checklists, and a real run."""

from __future__ import annotations

import json

import pytest

from ansible_collections.iis.aspnet.plugins.plugin_utils.report import _drift
from ansible_collections.iis.aspnet.tests.unit.playbook_runs import ansible_env, ansible_playbook, sample_tree
from ansible_collections.iis.aspnet.tests.unit.plugins.callback.test_drift_report import callback, finish, shown, task_result
from ansible_collections.iis.aspnet.tests.unit.plugins.plugin_utils.stig_helpers import stig_result
from ansible_collections.iis.aspnet.tests.unit.plugins.plugin_utils.report.test_ckl import validate

SITES = ["Default_Web_Site", "Intranet", "Legacy"]


def test_audits_by_any_name_reach_the_table_and_the_checklists(tmp_path):
    plugin = callback(tmp_path, formats=list(_drift.FORMATS))
    facts = task_result("web01", {"ansible_facts": {"ansible_fqdn": "web01.corp.example", "ansible_ip_addresses": ["10.1.2.3"]}},
                        action="ansible.builtin.gather_facts")
    facts._host.vars = {"ansible_host": "10.9.9.9"}
    plugin.v2_runner_on_ok(facts)
    plugin.v2_runner_on_ok(task_result("web01", stig_result("stig_iis10"), action="session_state_stig"))
    plugin.v2_runner_on_ok(task_result("web02", stig_result("stig_iis85"), action="ansible.legacy.session_state_stig"))
    plugin.v2_runner_on_failed(task_result("web03", {"failed": True, "msg": "no tree"}, action="iis.aspnet.session_state_stig", name="Audit"),
                               ignore_errors=True)
    finish(plugin)
    table = shown(plugin)
    assert "STIG AUDIT (iis.aspnet.session_state_stig)" in table and "web03: error in Audit: no tree" in table
    assert "web01  stig_iis10  2     6            0" in table and "web02  stig_iis85  3     8            0" in table
    assert "8 STIG checklist(s) in " in table
    server = validate((tmp_path / "reports" / "checklists" / "web01_IIS_10-0_Server_STIG.ckl").read_bytes())
    assert (server["asset"]["HOST_FQDN"], server["asset"]["HOST_IP"]) == ("web01.corp.example", "10.1.2.3")
    hosts = {entry["host"]: entry for entry in json.loads((tmp_path / "reports" / "drift-report.json").read_text())["hosts"]}
    assert hosts["web02"]["stig"]["profile"] == "stig_iis85" and hosts["web03"]["status"] == "error"


def test_only_ckl_and_no_audit_writes_nothing(tmp_path):
    plugin = callback(tmp_path, formats=["ckl"])
    plugin.v2_runner_on_ok(task_result("web01", {"changed": False, "files": [], "changes": []}))
    finish(plugin)
    assert "drift report written: nothing (no STIG audit to put in a checklist)" in shown(plugin)
    assert list((tmp_path / "reports").iterdir()) == []


def test_the_audit_does_not_count_as_a_failure_of_another_task(tmp_path):
    plugin = callback(tmp_path, output_dir=None)
    plugin.v2_runner_on_failed(task_result("web01", {"failed": True, "msg": "boom"}, action="session_state_stig"), ignore_errors=False)
    plugin.v2_runner_on_failed(task_result("web01", {"failed": True, "msg": "later"}, action="ansible.builtin.command"))
    finish(plugin)
    assert "web01: error in Session state: boom" in shown(plugin) and "failed before" not in shown(plugin)


# ---------------------------------------------------------------------------------------------
# A real run: the audit on a copy of the sample server, the callback's default formats


@pytest.mark.playbook
def test_real_audit_run_writes_the_checklists_by_default(tmp_path):
    tree = sample_tree(tmp_path / "image")
    playbook = [{"hosts": "all", "gather_facts": False, "tasks": [
        {"name": "Audit", "iis.aspnet.session_state_stig": {"image_root": str(tree), "profile": "stig_iis10"}}]}]
    inventory = {"all": {"hosts": {"image01": {"ansible_connection": "local", "ansible_host": "192.0.2.10"}}}}
    env = ansible_env(tmp_path, ANSIBLE_CALLBACKS_ENABLED="iis.aspnet.drift_report", IIS_ASPNET_DRIFT_REPORT_DIR=str(tmp_path / "reports"))
    done = ansible_playbook(tmp_path, playbook, inventory, env=env)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "STIG AUDIT (iis.aspnet.session_state_stig)" in output and "image01  stig_iis10  2     6            0" in output
    reports = tmp_path / "reports"
    assert sorted(path.name for path in reports.iterdir()) == ["checklists", "drift-report.json", "drift-report.md", "drift-report.xml"]
    assert sorted(path.name for path in (reports / "checklists").iterdir()) == [
        "image01_IIS_10-0_Server_STIG.ckl"] + [f"image01_IIS_10-0_Site_STIG_{site}.ckl" for site in SITES]
    legacy = validate((reports / "checklists" / "image01_IIS_10-0_Site_STIG_Legacy.ckl").read_bytes())
    assert legacy["asset"]["HOST_IP"] == "192.0.2.10" and legacy["asset"]["WEB_DB_SITE"] == "Legacy"
    assert [vuln["STATUS"] for vuln in legacy["stigs"][0]["vulns"]] == ["NotAFinding", "Open"]
    data = json.loads((reports / "drift-report.json").read_text())
    assert data["summary"]["audited"] == 1 and data["hosts"][0]["stig"]["summary"]["Open"] == 2


@pytest.mark.playbook
def test_a_checklists_link_leading_outside_fails_the_run_and_writes_nothing(tmp_path):
    tree = sample_tree(tmp_path / "image")
    reports, elsewhere = tmp_path / "reports", tmp_path / "elsewhere"
    reports.mkdir()
    elsewhere.mkdir()
    (reports / "checklists").symlink_to(elsewhere)
    playbook = [{"hosts": "all", "gather_facts": False, "tasks": [
        {"name": "Audit", "iis.aspnet.session_state_stig": {"image_root": str(tree), "profile": "stig_iis10"}}]}]
    inventory = {"all": {"hosts": {"image01": {"ansible_connection": "local"}}}}
    env = ansible_env(tmp_path, ANSIBLE_CALLBACKS_ENABLED="iis.aspnet.drift_report", IIS_ASPNET_DRIFT_REPORT_DIR=str(reports))
    done = ansible_playbook(tmp_path, playbook, inventory, env=env)
    output = " ".join((done.stdout + done.stderr).split())
    assert done.returncode == 1, output
    assert (f"iis.aspnet.drift_report: cannot write the report into {reports}: {reports}/checklists is a symbolic link to {elsewhere}, "
            f"outside {reports}; refused, nothing written there") in output
    assert list(elsewhere.iterdir()) == [] and sorted(path.name for path in reports.iterdir()) == ["checklists"]


@pytest.mark.playbook
def test_a_site_value_nobody_could_read_is_open_in_the_result_the_report_and_the_checklist(tmp_path):
    # Intranet's <sessionState> moved into a configSource file: its mode and cookieless (compliant in the
    # sample) are unknown to the audit, so both site rules are Open, each saying which file hid the value.
    tree = sample_tree(tmp_path / "image")
    site = tree / "D" / "Sites" / "Intranet" / "web.config"
    site.write_bytes(site.read_bytes().replace(b"<sessionState mode='InProc' timeout='45' />",
                                               b"<sessionState configSource='session.config' />"))
    before = site.read_bytes()
    playbook = [{"hosts": "all", "gather_facts": False, "tasks": [
        {"name": "Audit", "iis.aspnet.session_state_stig": {"image_root": str(tree), "profile": "stig_iis10"},
         "register": "audit"},
        {"name": "Show", "ansible.builtin.copy": {"content": "{{ audit | to_json }}", "dest": str(tmp_path / "audit.json")}}]}]
    inventory = {"all": {"hosts": {"image01": {"ansible_connection": "local"}}}}
    env = ansible_env(tmp_path, ANSIBLE_CALLBACKS_ENABLED="iis.aspnet.drift_report", IIS_ASPNET_DRIFT_REPORT_DIR=str(tmp_path / "reports"))
    done = ansible_playbook(tmp_path, playbook, inventory, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    reason = "D:\\Sites\\Intranet\\web.config: <sessionState> at line 14 is redirected with configSource='session.config'"
    result = json.loads((tmp_path / "audit.json").read_text())
    intranet = [finding for finding in result["findings"] if finding["site"] == "Intranet"]
    assert [finding["status"] for finding in intranet] == ["Open", "Open"]
    assert all(row["compliant"] is None and any(reason in text for text in row["unread"])
               for finding in intranet for row in finding["evidence"])
    assert not any(entry["site"].startswith("Intranet") for entry in result["remediation"])
    checklist = validate((tmp_path / "reports" / "checklists" / "image01_IIS_10-0_Site_STIG_Intranet.ckl").read_bytes())
    vulns = checklist["stigs"][0]["vulns"]
    assert [vuln["STATUS"] for vuln in vulns] == ["Open", "Open"]
    assert all("cannot be judged" in vuln["FINDING_DETAILS"] and reason in vuln["FINDING_DETAILS"] for vuln in vulns)
    report = json.loads((tmp_path / "reports" / "drift-report.json").read_text())
    assert [finding["status"] for finding in report["hosts"][0]["stig"]["findings"] if finding["site"] == "Intranet"] == ["Open", "Open"]
    assert "Intranet" in (tmp_path / "reports" / "drift-report.md").read_text()
    assert site.read_bytes() == before
