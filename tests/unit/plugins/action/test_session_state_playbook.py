"""Real ansible-playbook runs of iis.aspnet.session_state on copies of the sample server tree.

The host is the controller (local connection) holding the Windows tree under ``image_root``: the
same action plugin, engine and builtin modules as on any image host, end to end.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ansible_collections.iis.aspnet.tests.unit.playbook_runs import (
    ROOT32, ROOT64, SAMPLE, ansible_env, digests, run_on_images, sample_tree,
)

pytestmark = pytest.mark.playbook  # runs the real ansible-playbook: the playbook suite


@pytest.fixture
def tree(tmp_path):
    return sample_tree(tmp_path / "image")


def play(tmp_path: Path, task: dict, *flags: str) -> dict:
    """Run one task of the module; return its registered result (the run's output in ``_output``)."""
    options = dict(task)
    run = run_on_images(tmp_path / "run", {"image": {"image_root": options.pop("image_root"), "steps": [options]}}, *flags)
    return {**run.result("image"), "_output": run.output}


ROOTS = sorted([ROOT32, ROOT64])


def test_check_then_apply_then_steady(tmp_path, tree):
    task = {"image_root": str(tree), "mode": "InProc"}
    before = digests(tree)

    checked = play(tmp_path, task, "--check", "--diff")
    output = checked["_output"]
    assert checked["changed"] and digests(tree) == before
    assert '+        <sessionState mode="InProc" />' in output and '+        <sessionState mode="InProc"' in output
    assert [(c["attribute"], c["before"], c["after"]) for c in checked["changes"]] == [("mode", None, "InProc"), ("mode", "StateServer", "InProc")]

    applied = play(tmp_path, task)
    after = digests(tree)
    assert applied["changed"] and sorted(k for k in after if after[k] != before[k]) == ROOTS
    assert [f["changed"] for f in applied["files"]] == [True, True] and applied["service"] is None
    assert applied["appcmd"][0].endswith("/section:system.web/sessionState /mode:InProc")

    again = play(tmp_path, task, "--diff")
    assert not again["changed"] and digests(tree) == after and again["changes"] == []


def test_application_web_config_is_created_with_backup_and_edited(tmp_path, tree):
    applied = play(tmp_path, {"image_root": str(tree), "site": "Intranet/hr", "mode": "InProc", "backup": True})
    created = tree / "D/Sites/Intranet/hr/web.config"
    assert applied["changed"] and created.read_bytes().startswith(b'<?xml version="1.0" encoding="UTF-8"?>\r\n<configuration>\r\n')
    edited = play(tmp_path, {"image_root": str(tree), "site": "Default Web Site/shop", "timeout": 15, "backup": True})
    (record,) = edited["files"]
    assert record["changed"] and record["backup_file"] and Path(record["backup_file"]).read_bytes() == (SAMPLE / "C/inetpub/shop/web.config").read_bytes()
    assert b'timeout="15"' in (tree / "C/inetpub/shop/web.config").read_bytes()


CANARY = "Canary-7f3a9c-Secret"


def test_secret_never_leaks(tmp_path):
    """A password in sql_connection_string reaches the file written and no other place.

    Every channel of one run at -vvvv with --diff: stdout and stderr, the registered results (with
    their diffs), the drift_report callback's JSON, Markdown and JUnit files and the Ansible log.
    Host ``applies`` writes the secret, then diffs another attribute in check mode: the changed
    line then holds the secret as written in the file (not an option value of that task, so only
    the masking can hide it). Host ``refused`` names a database without allow_custom_sql_database:
    the refusal's message must not carry the secret either.
    """
    connection = f"data source=db01;user id=app;password={CANARY}"
    hosts = {
        "applies": {"image_root": sample_tree(tmp_path / "applies"), "steps": [
            {"mode": "SQLServer", "sql_connection_string": connection},
            {"mode": "SQLServer", "timeout": 30, "check_mode": True}]},
        "refused": {"image_root": sample_tree(tmp_path / "refused"), "steps": [
            {"mode": "SQLServer", "sql_connection_string": connection + ";Initial Catalog=Shop"}]},
    }
    refused_before = digests(hosts["refused"]["image_root"])
    reports, log = tmp_path / "reports", tmp_path / "ansible.log"
    env = ansible_env(tmp_path / "run", ANSIBLE_CALLBACKS_ENABLED="iis.aspnet.drift_report", IIS_ASPNET_DRIFT_REPORT_DIR=str(reports),
                      IIS_ASPNET_DRIFT_REPORT_FORMATS="json, markdown, junit", ANSIBLE_LOG_PATH=str(log))
    run = run_on_images(tmp_path / "run", hosts, "--diff", "-vvvv", env=env)

    written, checked = run.results["applies"]
    assert written["changed"] and checked["changed"] and checked["diff"]
    assert all(CANARY.encode() in (hosts["applies"]["image_root"] / path).read_bytes() for path in (ROOT32, ROOT64))
    assert '+        <sessionState mode="SQLServer" sqlConnectionString="data source=db01;user id=app;password=********" timeout="30" />' in run.output
    refused = run.result("refused")
    assert refused["failed"] and "names a database" in refused["msg"] and digests(hosts["refused"]["image_root"]) == refused_before

    channels = {"output": run.output, "results": json.dumps(run.results), "log": log.read_text()}
    channels.update({path.name: path.read_text() for path in sorted(reports.iterdir())})
    assert sorted(channels) == ["drift-report.json", "drift-report.md", "drift-report.xml", "log", "output", "results"]
    assert "password=********" in channels["drift-report.json"] and "password=********" in channels["log"]
    assert [name for name, text in channels.items() if CANARY in text] == []


# (case, task (image_root added), fragment of msg)
REFUSALS = [
    ("APPHOST", {"commit": "APPHOST", "mode": "InProc"}, "ASP.NET"),
    ("service on an image", {"mode": "InProc", "state_service": {"state": "started"}}, "no Windows service manager"),
    ("nothing managed", {}, "manage"),
    ("timeout over a year for InProc", {"mode": "InProc", "timeout": 600000}, "one year"),
    ("not an application", {"site": "Default Web Site/images", "mode": "InProc"}, "application"),
    ("cookieless in the wrong case", {"cookieless": "True"}, "cookieless"),
]


@pytest.mark.parametrize("case, task, fragment", REFUSALS, ids=[row[0] for row in REFUSALS])
def test_refusals_fail_cleanly_and_change_nothing(tmp_path, tree, case, task, fragment):
    before = digests(tree)
    result = play(tmp_path, {"image_root": str(tree), **task})
    assert result.get("failed") and fragment in result["msg"]
    assert digests(tree) == before


def test_a_locked_section_is_refused_naming_the_file(tmp_path, tree):
    machine = tree / "C/Windows/Microsoft.NET/Framework64/v4.0.30319/Config/machine.config"
    machine.write_bytes(machine.read_bytes().replace(b"</configuration>", b'<location path="" allowOverride="false"><system.web>'
                                                     b'<sessionState mode="Off" /></system.web></location></configuration>'))
    before = digests(tree)
    result = play(tmp_path, {"image_root": str(tree), "mode": "InProc"})
    assert result["failed"] and "machine.config" in result["msg"] and "locked" in result["msg"]
    assert digests(tree) == before
