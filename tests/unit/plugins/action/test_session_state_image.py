"""The action plugin on an image host, in-process: the real iis.aspnet.image_file on a copy of the sample server.

The call budget (docs/architecture.md) on image hosts (one call per file read; the writes of a task in one
compare-and-swap call), counted at the seam, and the containment checks riding on those calls
(no extra call for them).
"""

from __future__ import annotations

import os

from ansible_collections.iis.aspnet.plugins.action.session_state import ActionModule
from ansible_collections.iis.aspnet.tests.unit.plugins.action.windows_action import action as windows_action
from ansible_collections.iis.aspnet.tests.unit.playbook_runs import ROOT32, ROOT64, SAMPLE, WIN_ROOT64, digests, sample_tree
from ansible_collections.iis.aspnet.tests.unit.plugins.plugin_utils.image_host import LocalImageHost


def action(host: LocalImageHost, args: dict, check_mode: bool = False) -> ActionModule:
    """test_session_state's plugin (its task and connection stand-ins), made a POSIX host with a local temp dir."""
    plugin = windows_action(host, args, check_mode=check_mode)
    shell = plugin._connection._shell
    shell._IS_WINDOWS, shell.join_path = False, os.path.join
    plugin._make_tmp_path = lambda: setattr(shell, "tmpdir", str(host.uploads))
    return plugin


def test_a_steady_state_check_costs_one_call_per_target_file(tmp_path):
    root = sample_tree(tmp_path / "image")
    host = LocalImageHost(tmp_path / "remote-tmp")
    args = {"mode": "InProc", "image_root": str(root)}
    assert action(host, args).run(task_vars={})["changed"]  # converge first
    host.sent.clear()
    result = action(host, args, check_mode=True).run(task_vars={})
    assert not result["changed"] and result.get("failed") is None, result
    assert host.ops() == ["read", "read"]  # the two root web.config files, nothing else
    assert [args["path"] for _module, args in host.sent] == [str(root / ROOT64), str(root / ROOT32)]


def test_a_change_costs_the_reads_and_one_compare_and_swap_call(tmp_path):
    root = sample_tree(tmp_path / "image")
    host = LocalImageHost(tmp_path / "remote-tmp")
    before = digests(root)
    result = action(host, {"mode": "InProc", "image_root": str(root)}).run(task_vars={})
    assert result["changed"] and result.get("failed") is None, result
    # The 2 root web.config files, the 2 machine.config files above them (for locks), then one swap for both.
    assert host.ops() == ["read", "read", "read", "read", "swap"]
    (swap,) = [args for _module, args in host.sent if args["op"] == "swap"]
    assert [entry["path"] for entry in swap["files"]] == [str(root / ROOT64), str(root / ROOT32)]
    assert {path for path, digest in digests(root).items() if before.get(path) != digest} == {ROOT64, ROOT32}


def test_a_link_out_of_the_image_is_refused_on_the_read_that_was_made_anyway(tmp_path):
    root = sample_tree(tmp_path / "image")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "web.config").write_bytes((SAMPLE / ROOT64).read_bytes())
    (root / ROOT64).unlink()
    (root / ROOT64).symlink_to(outside / "web.config")
    host = LocalImageHost(tmp_path / "remote-tmp")
    result = action(host, {"mode": "InProc", "bitness": [64], "image_root": str(root)}).run(task_vars={})
    assert result["failed"] and result["msg"].startswith(WIN_ROOT64 + ": ") and "outside the drive folder" in result["msg"]
    assert host.ops() == ["read"]  # containment costs no call of its own
    assert (outside / "web.config").read_bytes() == (SAMPLE / ROOT64).read_bytes()
