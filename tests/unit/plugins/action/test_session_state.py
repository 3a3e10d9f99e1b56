"""The action plugin on the shared Windows host (windows_action.py), at the seam of the modules it calls.

The tests assert the exact calls, their count (the budget of docs/performance.md), check mode and
compare-and-swap.
"""

from __future__ import annotations

import pytest

from ansible_collections.iis.aspnet.tests.unit.plugins.action.windows_action import F32, F64, W32, W64, action, modules, windows_host
from ansible_collections.iis.aspnet.tests.unit.plugins.plugin_utils.windows_modules import expand, windows_collection

CANARY = "Canary-93be-Secret"


def test_seed_procedure_on_windows_then_steady_state():
    host = windows_host()
    result = action(host, {"mode": "InProc"}).run(task_vars={})
    assert result.get("failed") is None, result
    assert modules(host) == [
        "ansible.builtin.slurp", "ansible.builtin.slurp",  # the two root web.config files
        "ansible.builtin.slurp", "ansible.builtin.slurp",  # a change is planned: the machine.config files above them
        "ansible.windows.win_stat", "ansible.windows.win_stat",  # compare and swap
        "ansible.windows.win_copy", "ansible.windows.win_copy",
        "ansible.windows.win_service", "ansible.windows.win_service",  # query, then start mode + state
    ]
    copy_args = [args for name, args in host.calls if name == "ansible.windows.win_copy"]
    assert copy_args[0] == {"src": "C:\\Users\\ansible\\AppData\\Local\\Temp\\ansible-tmp-1\\session_state_1", "dest": W64,
                            "backup": False, "_copy_mode": "single"}
    assert host.calls[-1] == ("ansible.windows.win_service", {"name": "aspnet_state", "start_mode": "auto", "state": "started"})
    assert "path" not in host.calls[-2][1] and "path" not in host.calls[-1][1]  # an existing service is never repointed
    assert result["changed"] and result["service"]["state"] == "started" and result["service"]["start_mode"] == "auto"
    assert any("does not use the ASP.NET State Service" in warning for warning in result["warnings"])

    steady = windows_host()
    steady.files, steady.service = host.files, host.service
    again = action(steady, {"mode": "InProc"}).run(task_vars={})
    assert not again["changed"]
    assert modules(steady) == ["ansible.builtin.slurp", "ansible.builtin.slurp", "ansible.windows.win_service"]


def test_check_mode_reads_and_queries_but_sends_nothing_that_changes():
    host = windows_host()
    before = dict(host.files)
    result = action(host, {"mode": "InProc"}, check_mode=True, diff=True).run(task_vars={})
    assert result["changed"] and host.files == before and host.uploads == {}
    assert set(modules(host)) == {"ansible.builtin.slurp", "ansible.windows.win_service"}
    assert [args for _name, args in host.calls if _name == "ansible.windows.win_service"] == [{"name": "aspnet_state"}]
    assert len(result["diff"]) == 2 and '+        <sessionState mode="InProc" />' in result["diff"][0]["prepared"]


def test_a_file_changed_between_read_and_write_is_not_written():
    host = windows_host()

    def other_writer():
        host.files[F32] = host.files[F32] + b"\r\n"
        host.before_checksum = None

    host.before_checksum = other_writer
    result = action(host, {"mode": "InProc"}).run(task_vars={})
    assert result["failed"] and "changed on the host since it was read" in result["msg"] and result["msg"].startswith(W32)
    assert "ansible.windows.win_copy" not in modules(host)


def test_a_failed_write_names_the_file_leaves_it_intact_and_removes_the_temp_dir():
    host = windows_host()
    before = dict(host.files)

    def denied(args):
        return {"failed": True, "changed": False, "msg": f"Access to the path '{expand(args['dest'])}' is denied."}

    host.win_copy = denied
    plugin = action(host, {"mode": "InProc", "state_service": {"state": "ignore"}})
    removed = []
    plugin._remove_tmp_path = removed.append
    result = plugin.run(task_vars={})
    assert result["failed"] and result["msg"] == f"{W64}: ansible.windows.win_copy failed: Access to the path '{F64}' is denied."
    assert host.files == before and modules(host).count("ansible.windows.win_copy") == 1  # the second file is not tried
    # Both files were uploaded before the compare (so no upload sits between a win_stat and its
    # win_copy); the remote temp dir that holds them is removed.
    assert len(host.uploads) == 2 and removed == ["C:\\Users\\ansible\\AppData\\Local\\Temp\\ansible-tmp-1"]


def test_every_upload_comes_before_the_compare_so_the_window_holds_none():
    host = windows_host()
    events = []
    plugin = action(host, {"mode": "InProc", "state_service": {"state": "ignore"}})
    plugin._transfer_data = lambda remote, data: (events.append("upload"), host.uploads.__setitem__(remote, data))
    host.before_checksum = lambda: events.append("win_stat")
    original = host.win_copy
    host.win_copy = lambda args: (events.append("win_copy"), original(args))[1]
    assert plugin.run(task_vars={})["changed"]
    assert events == ["upload", "upload", "win_stat", "win_stat", "win_copy", "win_copy"]


def test_a_write_failing_after_another_says_which_file_changed():
    host = windows_host()
    before = dict(host.files)
    original = host.win_copy

    def second_denied(args):
        if expand(args["dest"]) == F32:
            return {"failed": True, "changed": False, "msg": f"Access to the path '{F32}' is denied."}
        return original(args)

    host.win_copy = second_denied
    result = action(host, {"mode": "InProc", "state_service": {"state": "ignore"}}).run(task_vars={})
    assert host.files[F64] != before[F64] and host.files[F32] == before[F32]
    assert result["failed"] and result["changed"] is True
    assert result["msg"] == (f"{W32}: ansible.windows.win_copy failed: Access to the path '{F32}' is denied.; already written in "
                             f"this run, and left in their new state: {W64}")
    assert result["files"] == [{"path": W64, "changed": True, "backup_file": None}]


def test_secret_is_masked_in_every_part_of_the_result():
    host = windows_host()
    result = action(host, {"mode": "SQLServer", "sql_connection_string": f"data source=db;user id=u;password={CANARY}",
                           "state_service": {"state": "ignore"}}, diff=True).run(task_vars={})
    assert result["changed"] and CANARY not in repr(result)
    assert CANARY.encode() in host.files[F64]


def test_missing_service_is_created_from_the_64_bit_framework():
    host = windows_host()
    host.service = {"exists": False, "name": "aspnet_state"}
    original = host.win_service

    def win_service(args):
        if "path" in args:
            host.service = {"exists": True, "name": "aspnet_state", "state": "stopped", "start_mode": "manual"}
        return original(args)

    host.win_service = win_service
    result = action(host, {"mode": "StateServer", "state_connection_string": "tcpip=loopback:42424"}).run(task_vars={})
    created = [args for name, args in host.calls if name == "ansible.windows.win_service" and "path" in args]
    assert len(created) == 1 and created[0]["path"] == "%windir%\\Microsoft.NET\\Framework64\\v4.0.30319\\aspnet_state.exe"
    assert created[0]["display_name"] == "ASP.NET State Service"
    assert result["service"]["exists"] and result["changed"]


@pytest.mark.parametrize("args, fragment", [
    ({"mode": "InProc", "image_root": "/srv/image"}, "image_root"),
    ({"mode": "InProc", "commit": "APPHOST"}, "ASP.NET"),
    ({"mode": "InProc", "state_service": {"state": "started", "port": 70000}}, "port"),
])
def test_refusals_send_no_write(args, fragment):
    host = windows_host()
    result = action(host, args).run(task_vars={})
    assert result["failed"] and fragment in result["msg"]
    assert not any(name in ("ansible.windows.win_copy", "ansible.windows.win_regedit") for name in modules(host))


@pytest.mark.parametrize("args, skipped", [({"mode": "InProc"}, True), ({"mode": "InProc", "bitness": [64, 32]}, False)])
def test_a_default_bitness_without_its_tree_is_skipped_an_asked_one_is_an_error(args, skipped):
    host = windows_host()
    host.files = {path: data for path, data in host.files.items() if "Framework64" not in path}
    result = action(host, args).run(task_vars={})
    if skipped:
        assert result["changed"] and [record["path"] for record in result["files"]] == [W32]
        assert any("64-bit" in warning and "skipped" in warning for warning in result["warnings"])
    else:
        assert result["failed"] and "Framework64" in result["msg"] and "not found" in result["msg"]


def test_the_host_refuses_what_ansible_windows_does_not_document():
    """The shared host checks each call as FakeWindows does: a wrong call cannot pass unnoticed."""
    if windows_collection() is None:
        pytest.skip("ansible.windows is not installed (ansible-test units): nothing to check the calls against")
    host = windows_host()
    with pytest.raises(AssertionError, match="'bogus' is not a documented option"):
        host.execute("ansible.windows.win_stat", {"path": F64, "bogus": 1})
    with pytest.raises(AssertionError, match="start_mode='automatic' is not one of"):
        host.execute("ansible.windows.win_service", {"name": "aspnet_state", "start_mode": "automatic"})
