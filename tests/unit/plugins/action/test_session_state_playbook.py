"""Real ansible-playbook runs of iis.aspnet.session_state on copies of the sample server tree.

The host is localhost (local connection) holding the Windows tree under ``image_root``: the same
action plugin, engine and builtin modules as on any image host, end to end.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[4]
SAMPLE = REPO / "examples" / "sample-server"
FARM = REPO / "build" / "collections"
CANARY = "Canary-7f3a9c-Secret"


def digests(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "image"
    shutil.copytree(SAMPLE, root)
    return root


def play(tmp_path: Path, task: dict, *flags: str) -> dict:
    """Run one task of the module; return its registered result (the run's output in ``_output``)."""
    result_file = tmp_path / "result.json"
    playbook = [{"hosts": "localhost", "gather_facts": False, "tasks": [
        {"name": "Session state", "iis.aspnet.session_state": task, "register": "outcome", "ignore_errors": True},
        {"name": "Keep the result", "ansible.builtin.copy": {"content": "{{ outcome | to_json }}", "dest": str(result_file)},
         "check_mode": False, "diff": False},
    ]}]
    (tmp_path / "play.yml").write_text(json.dumps(playbook))
    env = {**os.environ, "ANSIBLE_COLLECTIONS_PATH": str(FARM), "ANSIBLE_HOME": str(tmp_path / "ansible-home"),
           "ANSIBLE_LOCAL_TEMP": str(tmp_path / "ansible-tmp"), "ANSIBLE_NOCOLOR": "1", "ANSIBLE_RETRY_FILES_ENABLED": "0",
           "ANSIBLE_PYTHON_INTERPRETER": sys.executable}
    command = [str(Path(sys.executable).parent / "ansible-playbook"), "-i", "localhost,", "-c", "local", str(tmp_path / "play.yml"), *flags]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return {**json.loads(result_file.read_text()), "_output": done.stdout + done.stderr}


ROOTS = ["C/Windows/Microsoft.NET/Framework/v4.0.30319/Config/web.config",
         "C/Windows/Microsoft.NET/Framework64/v4.0.30319/Config/web.config"]


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


def test_secret_never_leaks(tmp_path, tree):
    connection = f"data source=db01;user id=app;password={CANARY}"
    result = play(tmp_path, {"image_root": str(tree), "mode": "SQLServer", "sql_connection_string": connection}, "--diff", "-vvvv")
    assert result["changed"] and CANARY not in result["_output"] and CANARY not in json.dumps(result)
    assert CANARY.encode() in (tree / ROOTS[1]).read_bytes()


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
