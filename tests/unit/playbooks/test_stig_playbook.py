"""iis.aspnet.stig on a host whose inventory contradicts the profile (session_state_timeout: 20; stig_iis10 allows 15).

--check is an audit: it audits the host as it is and reports the refused value with the findings,
as a marked line of the summary and as an error of the host in the drift report; with
fail_on_open it fails the gate.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from ansible_collections.iis.aspnet.tests.unit.playbook_runs import ANSIBLE_PLAYBOOK, ansible_env, digests, sample_tree

pytestmark = pytest.mark.playbook  # runs the real ansible-playbook: the playbook suite

REFUSAL = "server: timeout=20 contradicts the profile, which requires at most 15 minutes at server level"
# The sample server against stig_iis10, worked out in tests/unit/plugins/plugin_utils/test_stig.py: the
# server's timeout (20 minutes in the root web.config) and Legacy's cookieless mode are open.
OPEN = "V-218805 (server), V-218751 Legacy"


def stig(work: Path, tree: Path, *flags: str) -> tuple[subprocess.CompletedProcess, dict]:
    work.mkdir()
    (work / "inventory.yml").write_text(f"all:\n  hosts:\n    web01:\n      ansible_connection: local\n"
                                        f"      session_state_image_root: {tree}\n      session_state_timeout: 20\n")
    env = ansible_env(work / "run", ANSIBLE_CALLBACKS_ENABLED="iis.aspnet.drift_report",
                      IIS_ASPNET_DRIFT_REPORT_DIR=str(work / "reports"), IIS_ASPNET_DRIFT_REPORT_FORMATS="json,junit")
    done = subprocess.run([ANSIBLE_PLAYBOOK, "-i", str(work / "inventory.yml"), "iis.aspnet.stig", *flags], env=env,
                          capture_output=True, text=True, check=False, timeout=300)
    report = work / "reports" / "drift-report.json"
    return done, json.loads(report.read_text()) if report.exists() else {}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    work = tmp_path_factory.mktemp("stig")
    tree = sample_tree(work / "image")
    pristine = digests(tree)
    outcome = {}
    # A run that applies refuses the host before writing: tests/unit/roles/test_session_state_role_stig.py.
    for name, flags in (("audit", ["--check"]), ("gate", ["--check", "-e", "fail_on_open=true"])):
        outcome[name] = stig(work / name, tree, *flags)
        outcome[name + "_digests"] = digests(tree)
    return outcome, pristine


def summary(output: str) -> str:
    (line,) = re.findall(r'"msg": "(web01 stig_iis10 .*)"', output)
    return line


def test_check_mode_audits_and_reports_the_refused_value_with_the_findings(runs):
    outcome, pristine = runs
    done, report = outcome["audit"]
    assert done.returncode == 0, done.stdout + done.stderr
    assert outcome["audit_digests"] == pristine
    line = summary(done.stdout)
    assert line.startswith("web01 stig_iis10 audit (check mode): Open 2, ")
    assert f"open: {OPEN}; declaration refused (the inventory contradicts the profile): {REFUSAL}" in line
    (host,) = report["hosts"]
    assert host["status"] == "error" and [error["message"] for error in host["errors"]] == [REFUSAL]
    assert host["stig"]["summary"]["Open"] == 2 and len(host["stig"]["findings"]) > 2


def test_the_ci_gate_fails_on_the_refused_value_too(runs):
    outcome, pristine = runs
    done, _report = outcome["gate"]
    assert done.returncode == 2, done.stdout + done.stderr
    assert outcome["gate_digests"] == pristine
    assert f"web01: 2 finding(s) Open now: {OPEN} (the finding details say what fails and where); declaration refused " \
           f"(the inventory contradicts the profile): {REFUSAL}" in done.stdout
