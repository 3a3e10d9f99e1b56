"""Tests of the iis.aspnet.drift_report callback: its v2_* events on recorded results, and a real run."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from pathlib import Path
from unittest.mock import MagicMock

import pytest
import yaml

from ansible_collections.iis.aspnet.plugins.callback import drift_report
from ansible_collections.iis.aspnet.plugins.callback.drift_report import CallbackModule
from ansible_collections.iis.aspnet.tests.unit.plugins.callback.junit_readers import gitlab_cases, schema_errors
from ansible_collections.iis.aspnet.tests.unit.playbook_runs import WIN_ROOT32 as ROOT32
from ansible_collections.iis.aspnet.tests.unit.playbook_runs import WIN_ROOT64 as ROOT64
from ansible_collections.iis.aspnet.tests.unit.playbook_runs import ansible_env, ansible_playbook, digests, sample_tree

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CANARY = "Canary-7f3a9c-Secret"


def recorded(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text())


def task_result(host: str, result: dict, action: str = "iis.aspnet.session_state", check_mode: bool = True, name: str = "Session state"):
    """A TaskResult-like object, as callbacks receive it."""
    fake = MagicMock()
    fake._host.get_name.return_value = host
    fake._task.action = action
    fake._task.resolved_action = None
    fake._task.check_mode = check_mode
    fake._task.get_name.return_value = name
    fake._task_fields = {"check_mode": check_mode}
    fake._result = result
    return fake


def callback(tmp_path: Path, formats=("json", "markdown", "junit"), output_dir: str | None = "reports"):
    plugin = CallbackModule(display=MagicMock(verbosity=0))
    # What set_options would resolve from ini/env (the real run below goes through Ansible's config).
    plugin._plugin_options = {"output_dir": str(tmp_path / output_dir) if output_dir else None, "formats": list(formats)}
    return plugin


def shown(plugin) -> str:
    return "\n".join(str(call.args[0]) for call in plugin._display.display.call_args_list)


def finish(plugin):
    plugin.v2_playbook_on_stats(MagicMock())


def test_documentation_declares_the_options():
    doc = yaml.safe_load(drift_report.DOCUMENTATION)
    assert doc["type"] == "aggregate" and CallbackModule.CALLBACK_TYPE == "aggregate" and CallbackModule.CALLBACK_NEEDS_ENABLED
    assert CallbackModule.CALLBACK_NAME == "iis.aspnet.drift_report"
    options = doc["options"]
    assert options["output_dir"]["env"] == [{"name": "IIS_ASPNET_DRIFT_REPORT_DIR"}]
    assert options["formats"]["env"] == [{"name": "IIS_ASPNET_DRIFT_REPORT_FORMATS"}]
    # No Ansible choices: the plugin checks the formats itself, so a typo gets one message on every ansible-core.
    assert "choices" not in options["formats"]
    assert options["formats"]["default"] == list(drift_report._drift.FORMATS) == ["json", "markdown", "junit", "ckl"]
    assert "V(json), V(markdown), V(junit) and V(ckl)" in options["formats"]["description"][0]
    assert {entry["section"] for option in options.values() for entry in option["ini"]} == {"callback_iis_aspnet_drift_report"}


def test_a_fleet_run_is_printed_and_written(tmp_path):
    plugin = callback(tmp_path)
    playbook = MagicMock()
    playbook._file_name = "/somewhere/drift.yml"
    plugin.v2_playbook_on_start(playbook)
    plugin.v2_runner_on_ok(task_result("web01", recorded("check_root")))
    plugin.v2_runner_on_ok(task_result("web01", recorded("check_site"), action="session_state"))
    plugin.v2_runner_on_ok(task_result("web02", recorded("steady_root"), action="ansible.legacy.session_state"))
    plugin.v2_runner_on_failed(task_result("web03", recorded("refused_apphost"), name="Refused"), ignore_errors=True)
    plugin.v2_runner_on_unreachable(task_result("web04", {"unreachable": True, "msg": "ssh: connect to host 127.0.0.1 port 1"}))
    plugin.v2_runner_on_ok(task_result("web05", recorded("apply_root"), check_mode=False))
    finish(plugin)

    table = shown(plugin)
    assert "DRIFT REPORT (iis.aspnet.session_state)" in table
    assert f"web01  would change  {ROOT64}  sessionState mode     (absent)     InProc" in table
    assert "web03: error in Refused: commit: APPHOST is refused" in table
    assert "web04: unreachable: ssh: connect to host 127.0.0.1 port 1" in table
    assert "5 host(s): 1 error, 1 unreachable, 1 would change, 1 changed, 1 in line" in table

    reports = tmp_path / "reports"
    assert sorted(path.name for path in reports.iterdir()) == ["drift-report.json", "drift-report.md", "drift-report.xml"]
    data = json.loads((reports / "drift-report.json").read_text())
    assert data["playbook"] == "drift.yml"
    assert {entry["host"]: entry["status"] for entry in data["hosts"]} == {
        "web03": "error", "web04": "unreachable", "web01": "drift", "web05": "changed", "web02": "in_line"}
    root = ET.parse(reports / "drift-report.xml").getroot()
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("9", "3", "2")
    assert "| `web02` | in line |" in (reports / "drift-report.md").read_text()


CENSORED = {"censored": "the output has been hidden due to the fact that 'no_log: true' was specified for this result",
            "changed": True}


def test_a_loop_is_read_from_its_items_when_its_final_result_censors_them_all(tmp_path):
    # ansible-core 2.21 with a templated no_log on a loop (the role's per-site task): every item of
    # the final result is censored, while each item reported itself uncensored unless its own
    # no_log was true. The report must show the first item's change and hide only the second.
    plugin = callback(tmp_path)
    secret_item = dict(CENSORED)
    items = [task_result("web01", recorded("check_site")), task_result("web01", secret_item, name="Per site")]
    final = task_result("web01", {**CENSORED, "results": [dict(CENSORED), dict(CENSORED)]}, name="Per site")
    for fake in (*items, final):
        fake._task._uuid = "loop-task"
    plugin.v2_runner_item_on_ok(items[0])
    plugin.v2_runner_item_on_ok(items[1])
    plugin.v2_runner_on_ok(final)
    finish(plugin)

    data = json.loads((tmp_path / "reports" / "drift-report.json").read_text())
    (host,) = data["hosts"]
    differences = [(entry["path"], diff["attribute"], diff["actual"], diff["desired"])
                   for entry in host["files"] for diff in entry["differences"]]
    assert differences == [("C:\\inetpub\\shop\\web.config", "timeout", "20", "15"),
                           ("(hidden by no_log)", "Per site", "(hidden by no_log)", "(hidden by no_log)")]


def test_other_tasks_are_ignored_unless_they_block_a_host(tmp_path):
    plugin = callback(tmp_path, output_dir=None)
    plugin.v2_runner_on_ok(task_result("web01", recorded("check_root"), action="ansible.builtin.copy"))
    plugin.v2_runner_on_ok(task_result("web01", {"changed": True, "changes": []}, action="iis.aspnet.session_state_info"))
    plugin.v2_runner_on_failed(task_result("web02", {"failed": True, "msg": "ignored"}, action="ansible.builtin.command"), ignore_errors=True)
    plugin.v2_runner_on_failed(task_result("web03", {"failed": True, "msg": "no feature"}, action="ansible.windows.win_feature", name="Feature"))
    finish(plugin)
    table = shown(plugin)
    assert "web01" not in table and "web02" not in table
    assert "web03: error in Feature: failed before session_state ran: no feature" in table
    assert not (tmp_path / "reports").exists()


def test_nothing_collected_prints_nothing_but_writes_an_empty_report(tmp_path):
    plugin = callback(tmp_path, formats=["json"])
    finish(plugin)
    assert shown(plugin).startswith("drift report written:")
    assert json.loads((tmp_path / "reports" / "drift-report.json").read_text())["summary"]["hosts"] == 0


def test_only_the_formats_asked_are_written(tmp_path):
    plugin = callback(tmp_path, formats=["junit"])
    plugin.v2_runner_on_ok(task_result("web01", recorded("check_root")))
    finish(plugin)
    assert [path.name for path in (tmp_path / "reports").iterdir()] == ["drift-report.xml"]


def test_a_report_that_cannot_be_written_fails_the_run(tmp_path):
    (tmp_path / "reports").write_text("a file where the directory should be")
    plugin = callback(tmp_path)
    plugin.v2_runner_on_ok(task_result("web01", recorded("check_root")))
    with pytest.raises(SystemExit) as stopped:
        finish(plugin)
    assert stopped.value.code == 1
    (error,) = plugin._display.error.call_args_list
    assert error.args[0].startswith(f"iis.aspnet.drift_report: cannot write the report into {tmp_path / 'reports'}: ")


def test_check_mode_from_the_task_when_no_task_fields(tmp_path):
    plugin = callback(tmp_path, output_dir=None)
    result = task_result("web01", recorded("check_root"), check_mode=False)
    result._task_fields = None
    plugin.v2_runner_on_ok(result)
    finish(plugin)
    assert "web01  changed" in shown(plugin)


def test_secrets_never_reach_screen_or_files(tmp_path):
    plugin = callback(tmp_path)
    plugin.v2_runner_on_ok(task_result("web01", recorded("leaky_check_site")))
    plugin.v2_runner_on_failed(task_result("web02", recorded("leaky_failure")))
    finish(plugin)
    assert CANARY not in shown(plugin) and "********" in shown(plugin)
    for path in (tmp_path / "reports").iterdir():
        assert CANARY not in path.read_text()
    assert "appcmd" not in shown(plugin) and "invocation" not in shown(plugin)


# ---------------------------------------------------------------------------------------------
# A real run: ansible-playbook in check mode on a copy of the sample server, plus an unreachable host

INVENTORY = """\
all:
  hosts:
    image01:
      ansible_connection: local
    gone01:
      ansible_host: 127.0.0.1
      ansible_connection: ssh
      ansible_port: 1
      ansible_ssh_timeout: 3
"""


@pytest.mark.playbook
@pytest.mark.skipif(shutil.which("ssh") is None, reason="needs an ssh client for the unreachable host")
def test_real_check_run(tmp_path):
    tree = sample_tree(tmp_path / "image")
    before = digests(tree)
    playbook = [{"hosts": "all", "gather_facts": False, "tasks": [
        {"name": "Root web.config in process", "iis.aspnet.session_state": {"image_root": str(tree), "mode": "InProc"}}]}]
    (tmp_path / "inventory.yml").write_text(INVENTORY)
    (tmp_path / "ansible.cfg").write_text("[callback_iis_aspnet_drift_report]\nformats = json, junit\n")
    env = ansible_env(tmp_path, ANSIBLE_CONFIG=str(tmp_path / "ansible.cfg"), ANSIBLE_CALLBACKS_ENABLED="iis.aspnet.drift_report",
                      IIS_ASPNET_DRIFT_REPORT_DIR=str(tmp_path / "reports"))
    done = ansible_playbook(tmp_path, playbook, str(tmp_path / "inventory.yml"), "--check", env=env)
    output = done.stdout + done.stderr
    assert done.returncode == 4, output  # 4: a host was unreachable
    assert digests(tree) == before

    assert "DRIFT REPORT (iis.aspnet.session_state)" in output and "2 host(s): 1 unreachable, 1 would change" in output
    reports = tmp_path / "reports"
    assert sorted(path.name for path in reports.iterdir()) == ["drift-report.json", "drift-report.xml"]
    data = json.loads((reports / "drift-report.json").read_text())
    hosts = {entry["host"]: entry for entry in data["hosts"]}
    assert hosts["gone01"]["status"] == "unreachable" and "port 1" in hosts["gone01"]["unreachable"]
    changes = [(f["path"], d["element"], d["attribute"], d["actual"], d["desired"], d["applied"])
               for entry in data["hosts"] for f in entry["files"] for d in f["differences"]]
    assert changes == [(ROOT64, "sessionState", "mode", None, "InProc", False), (ROOT32, "sessionState", "mode", "StateServer", "InProc", False)]
    junit = (reports / "drift-report.xml").read_bytes()
    root = ET.fromstring(junit)
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("3", "2", "1")
    # What CI systems do with it: Jenkins validates it, GitLab reads its cases.
    assert schema_errors(junit) == []
    assert [(case.suite, case.name, case.status) for case in gitlab_cases(junit)] == [
        ("gone01", "connection", "error"), ("image01", ROOT64, "failed"), ("image01", ROOT32, "failed")]
    suites = {suite.get("name"): suite for suite in root.iter("testsuite")}
    image = suites["image01"]
    assert 0 < float(image.get("time")) <= float(root.get("time")) < 300
    assert sum(float(case.get("time")) for case in image.iter("testcase")) == pytest.approx(float(image.get("time")), abs=0.002)
    started = datetime.strptime(image.get("timestamp"), "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc)
    assert abs((datetime.now(timezone.utc) - started).total_seconds()) < 300


# The run stops before its first play on a bad option: no task runs, no report is written, exit status 5.
BAD_OPTIONS = [
    ("format typo", {"IIS_ASPNET_DRIFT_REPORT_FORMATS": "junit,md"},
     ["unknown report format 'md' in formats (IIS_ASPNET_DRIFT_REPORT_FORMATS", "the formats are json, markdown, junit, ckl"]),
    ("output_dir a file", {"IIS_ASPNET_DRIFT_REPORT_FORMATS": "junit", "IIS_ASPNET_DRIFT_REPORT_DIR": "{tmp}/taken"},
     ["output_dir {tmp}/taken cannot be a directory for the reports"]),
]


@pytest.mark.playbook
@pytest.mark.parametrize("case, settings, fragments", BAD_OPTIONS, ids=[row[0] for row in BAD_OPTIONS])
def test_a_bad_option_stops_the_run_before_anything_runs(tmp_path, case, settings, fragments):
    (tmp_path / "taken").write_text("a file")
    tree = sample_tree(tmp_path / "image")
    before = digests(tree)
    playbook = [{"hosts": "all", "gather_facts": False, "tasks": [
        {"name": "Root web.config in process", "iis.aspnet.session_state": {"image_root": str(tree), "mode": "InProc"}}]}]
    env = ansible_env(tmp_path, ANSIBLE_CALLBACKS_ENABLED="iis.aspnet.drift_report",
                      **{"IIS_ASPNET_DRIFT_REPORT_DIR": str(tmp_path / "reports"),
                         **{key: value.format(tmp=tmp_path) for key, value in settings.items()}})
    done = ansible_playbook(tmp_path, playbook, "localhost,", "-c", "local", env=env)
    output = done.stdout + done.stderr
    assert done.returncode == 5, f"{case}: {output}"
    assert "iis.aspnet.drift_report: " in output and "the run stops here" in output
    assert all(fragment.format(tmp=tmp_path) in output for fragment in fragments), output
    assert "Root web.config in process" not in output and "Failed to load callback plugin" not in output
    assert not (tmp_path / "reports").exists() and digests(tree) == before
