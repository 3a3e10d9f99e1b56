"""Unit tests for tools/check_integration_targets.py (make integration)."""

from __future__ import annotations

import stat
from pathlib import Path

from ansible_collections.iis.aspnet.tests.unit.tools.tool_loader import load_tool

check = load_tool("check_integration_targets")


def test_the_targets_are_the_role_folders():
    assert check.targets(check.TARGETS) == ["session_state"]


def test_the_play_is_the_one_ansible_test_runs_for_a_windows_target():
    assert check.play("session_state") == [{"name": "Integration target session_state", "hosts": "windows",
                                            "gather_facts": False, "roles": ["session_state"]}]


def fake_playbook(tmp_path: Path, status: int) -> str:
    """An ansible-playbook that logs its arguments and roles path, and exits ``status``."""
    script = tmp_path / "ansible-playbook"
    script.write_text(f'#!/bin/sh\necho "$ANSIBLE_ROLES_PATH $*" >> {tmp_path}/calls\nexit {status}\n', encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


def make_targets(root: Path, *names: str) -> Path:
    for name in names:
        (root / "targets" / name / "tasks").mkdir(parents=True)
        (root / "targets" / name / "tasks" / "main.yml").write_text("---\n", encoding="utf-8")
    (root / "targets" / "not_a_target").mkdir(parents=True, exist_ok=True)
    return root / "targets"


def test_each_target_is_syntax_checked(tmp_path):
    targets = make_targets(tmp_path, "b", "a")
    assert check.check(fake_playbook(tmp_path, 0), "farm", tmp_path / "work", targets) == 0
    calls = (tmp_path / "calls").read_text().splitlines()
    inventory = tmp_path / "work" / "inventory.ini"
    assert calls == [f"{targets} --syntax-check -i {inventory} {tmp_path / 'work' / name}.yml" for name in ("a", "b")]
    assert inventory.read_text() == "[windows]\nwindows-host\n"


def test_a_target_that_fails_fails_the_check(tmp_path, capsys):
    targets = make_targets(tmp_path, "a")
    assert check.check(fake_playbook(tmp_path, 4), "farm", tmp_path / "work", targets) == 1
    assert "syntax check failed for a" in capsys.readouterr().err


def test_no_target_is_a_failure(tmp_path, capsys):
    assert check.check(fake_playbook(tmp_path, 0), "farm", tmp_path / "work", tmp_path) == 1
    assert "no target" in capsys.readouterr().err
    assert check.main(["only", "two"]) == 2
