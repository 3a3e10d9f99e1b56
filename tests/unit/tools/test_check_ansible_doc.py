"""Unit tests for tools/check_ansible_doc.py (make build): what it asks ansible-doc for, and its failures."""

from __future__ import annotations

import stat
from pathlib import Path

from ansible_collections.iis.aspnet.tests.unit.tools.tool_loader import load_tool

check_ansible_doc = load_tool("check_ansible_doc")


def touch(root: Path, *relatives: str) -> None:
    for relative in relatives:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("", encoding="utf-8")


def test_the_collection_s_documented_plugins_and_roles():
    # Written from the tree: the public modules, the callback, the filters documented in YAML, the role.
    assert check_ansible_doc.documented(check_ansible_doc.REPO) == [
        ("callback", "iis.aspnet.drift_report"),
        ("filter", "iis.aspnet.override_reverts"),
        ("filter", "iis.aspnet.rollout_batches"),
        ("filter", "iis.aspnet.rollout_serial"),
        ("module", "iis.aspnet.image_file"),
        ("module", "iis.aspnet.session_state"),
        ("module", "iis.aspnet.session_state_info"),
        ("module", "iis.aspnet.session_state_stig"),
        ("role", "iis.aspnet.session_state"),
    ]


def test_private_files_code_of_yaml_plugins_and_roles_without_a_spec_are_left_out(tmp_path):
    touch(tmp_path, "plugins/modules/_helper.py", "plugins/modules/one.py", "plugins/filter/code.py",
          "plugins/filter/doc.yml", "plugins/test/is_ok.yml", "plugins/vars/host.py", "plugins/action/one.py",
          "roles/plain/tasks/main.yml", "roles/spec/meta/argument_specs.yml")
    assert check_ansible_doc.documented(tmp_path) == [
        ("filter", "iis.aspnet.doc"), ("module", "iis.aspnet.one"), ("test", "iis.aspnet.is_ok"),
        ("vars", "iis.aspnet.host"), ("role", "iis.aspnet.spec")]


def fake_ansible_doc(tmp_path: Path, refuse: str) -> str:
    script = tmp_path / "ansible-doc"
    script.write_text(f'#!/bin/sh\n[ "$3" = "{refuse}" ] && exit 1\nexit 0\n', encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


def test_a_plugin_that_does_not_render_fails_the_check(tmp_path, capsys):
    assert check_ansible_doc.main([fake_ansible_doc(tmp_path, "iis.aspnet.image_file"), str(tmp_path)]) == 1
    assert "ansible-doc failed for module iis.aspnet.image_file" in capsys.readouterr().err


def test_every_plugin_rendering_passes(tmp_path, capsys):
    assert check_ansible_doc.main([fake_ansible_doc(tmp_path, "none"), str(tmp_path)]) == 0
    assert "9 documented plugin(s)/role(s) render with ansible-doc" in capsys.readouterr().out


def test_nothing_to_check_is_a_failure(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(check_ansible_doc, "REPO", tmp_path)
    assert check_ansible_doc.main([fake_ansible_doc(tmp_path, "none"), str(tmp_path)]) == 1
    assert "no plugin or role found" in capsys.readouterr().err
