"""WindowsTransport at the seam: exact modules and arguments, call budget, failures, compare and swap."""

from __future__ import annotations

import base64
from pathlib import Path
from types import SimpleNamespace

import ansible
import pytest
import yaml

from ansible_collections.iis.aspnet.plugins.plugin_utils.host import _transport
from ansible_collections.iis.aspnet.plugins.plugin_utils.base._errors import ConfigError
from ansible_collections.iis.aspnet.plugins.plugin_utils.host._transport import TransportError, WindowsTransport
from ansible_collections.iis.aspnet.tests.unit.plugins.plugin_utils.windows_modules import (
    TEMP_SOURCE, FakeWindows, argument_problems, load, windows_collection,
)

F64 = "C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\Config\\web.config"
SITE = "C:\\inetpub\\wwwroot"
SITE_CONFIG = SITE + "\\web.config"
SLURP, STAT, COPY = "ansible.builtin.slurp", "ansible.windows.win_stat", "ansible.windows.win_copy"
CONTENT = base64.b64decode(load("slurp_web_config")["content"])
NEW = CONTENT.replace(b'mode="InProc"', b'mode="StateServer"')


def transport(*answers) -> tuple[WindowsTransport, FakeWindows]:
    host = FakeWindows(*answers)
    return WindowsTransport(host.execute, host.put), host


def finished(host: FakeWindows) -> None:
    assert not host.pending, f"recorded results never asked for: {host.pending}"


# ---- discover: one win_find for every candidate

FIND, SETUP = "ansible.windows.win_find", "ansible.windows.setup"
HR_CONFIG = "D:\\Sites\\Intranet\\HR\\web.config"
FIND_ARGS = {"paths": [SITE, "D:\\Sites\\Intranet\\HR"], "patterns": ["web.config"], "file_type": "file", "hidden": True,
             "get_checksum": False}


def test_discover_is_one_win_find_over_the_expanded_folders_and_an_absent_file_costs_no_read():
    host = FakeWindows("win_find_web_configs", "slurp_web_config")
    remote = WindowsTransport(host.execute, host.put, {"SystemDrive": "C:", "windir": "C:\\Windows"})
    remote.discover(["%SystemDrive%\\inetpub\\wwwroot\\web.config", HR_CONFIG])
    assert host.sent == [(FIND, FIND_ARGS)]
    assert remote.read(HR_CONFIG) is None and remote.read(HR_CONFIG.lower()) is None and len(host.sent) == 1
    # a file win_find listed is read as the engine names it: slurp expands the variable on the host
    assert remote.read("%SystemDrive%\\inetpub\\wwwroot\\web.config") == CONTENT
    assert host.sent[-1] == (SLURP, {"src": "%SystemDrive%\\inetpub\\wwwroot\\web.config"})
    finished(host)


def test_without_the_environment_discover_asks_setup_for_it_once():
    host = FakeWindows("setup_env", "win_find_web_configs", ("win_find_web_configs", {"invocation": {}}))
    remote = WindowsTransport(host.execute, host.put)
    remote.discover(["%SystemDrive%\\inetpub\\wwwroot\\web.config", HR_CONFIG])
    remote.discover(["%windir%\\Microsoft.NET\\Framework64\\v4.0.30319\\Config\\web.config"])
    assert [module for module, _args in host.sent] == [SETUP, FIND, FIND]
    assert host.sent[0][1] == {"gather_subset": ["!all", "!min", "env"]}
    assert host.sent[2][1]["paths"] == ["C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\Config"]
    finished(host)


def test_paths_without_variables_need_no_environment():
    host = FakeWindows("win_find_web_configs")
    remote = WindowsTransport(host.execute, host.put)
    remote.discover([SITE_CONFIG, HR_CONFIG])
    assert host.sent == [(FIND, FIND_ARGS)]  # no setup call
    finished(host)


def test_discover_leaves_what_it_cannot_name_to_the_read():
    host = FakeWindows(("win_find_web_configs", {"files": [], "matched": 0, "invocation": {}}), "slurp_not_found")
    remote = WindowsTransport(host.execute, host.put, {"SystemDrive": "C:"})
    unknown = "%SitesRoot%\\shop\\web.config"
    remote.discover([unknown, "C:\\inetpub\\..\\sites\\web.config", "Sites\\web.config", SITE_CONFIG, SITE_CONFIG.upper()])
    # an undefined variable, a .. win_find would resolve, a relative path: left out; the same file once
    assert host.sent == [(FIND, {**FIND_ARGS, "paths": [SITE]})]
    assert remote.read(SITE_CONFIG.upper()) is None and len(host.sent) == 1
    assert remote.read(unknown) is None and host.sent[-1] == (SLURP, {"src": unknown})
    finished(host)


def test_a_failed_win_find_names_a_candidate_and_the_message():
    host = FakeWindows(("win_find_web_configs", {"failed": True, "msg": "Invalid age pattern specified", "invocation": {}}))
    remote = WindowsTransport(host.execute, host.put, {"SystemDrive": "C:"})
    with pytest.raises(TransportError, match=r"^C:\\inetpub\\wwwroot\\web\.config: ansible\.windows\.win_find failed: Invalid age"):
        remote.discover([SITE_CONFIG])


# ---- read: one slurp per file


def test_read_returns_the_exact_bytes_with_one_slurp():
    remote, host = transport("slurp_web_config")
    data = remote.read(F64)
    assert data == CONTENT and data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    assert host.sent == [(SLURP, {"src": F64})]
    assert remote.calls == [SLURP]
    finished(host)


def test_read_of_a_missing_file_is_none_not_an_error():
    remote, host = transport("slurp_not_found")
    assert remote.read(SITE_CONFIG) is None
    assert host.sent == [(SLURP, {"src": SITE_CONFIG})]


@pytest.mark.parametrize(("answer", "path", "words"), [
    ("slurp_directory", SITE, "is a directory"),
    ("slurp_access_denied", F64, "is denied"),
])
def test_read_failures_name_the_file_and_carry_the_module_message(answer, path, words):
    remote, host = transport(answer)
    with pytest.raises(TransportError) as info:
        remote.read(path)
    assert isinstance(info.value, ConfigError) and info.value.path == path
    assert str(info.value).startswith(f"{path}: {SLURP} failed: ") and words in str(info.value)
    assert len(host.sent) == 1


@pytest.mark.parametrize("change", [{"content": "not base64!"}, {"encoding": "utf-8"}])
def test_read_refuses_content_it_cannot_decode(change):
    remote, host = transport(("slurp_web_config", change))
    with pytest.raises(TransportError, match="base64"):
        remote.read(F64)
    finished(host)


# ---- is_dir and checksum: one win_stat each


@pytest.mark.parametrize(("answer", "expected"), [("win_stat_directory", True), ("win_stat_directory_missing", False)])
def test_is_dir_asks_win_stat_without_checksum_or_size(answer, expected):
    remote, host = transport(answer)
    assert remote.is_dir(SITE) is expected
    assert host.sent == [(STAT, {"path": SITE, "get_size": False, "get_checksum": False})]
    assert remote.calls == [STAT]


def test_is_dir_is_false_for_a_file():
    remote, host = transport("win_stat_file")
    assert remote.is_dir(F64) is False
    finished(host)


def test_checksum_is_the_sha1_of_the_bytes_read():
    remote, host = transport("win_stat_checksum_file")
    assert remote.checksum(F64) == _transport.sha1_hex(CONTENT)
    assert host.sent == [(STAT, {"path": F64, "get_size": False, "get_checksum": True, "checksum_algorithm": "sha1"})]


def test_checksum_of_a_missing_file_is_none():
    remote, host = transport("win_stat_checksum_missing")
    assert remote.checksum(SITE_CONFIG) is None
    assert len(host.sent) == 1


def test_checksum_refuses_a_directory_where_the_file_should_be():
    remote, host = transport("win_stat_checksum_directory")
    with pytest.raises(TransportError, match="is a directory"):
        remote.checksum(SITE_CONFIG)
    finished(host)


def test_checksum_without_a_checksum_in_the_result_is_an_error():
    stat = {**load("win_stat_checksum_file")["stat"]}
    del stat["checksum"]
    remote, host = transport(("win_stat_checksum_file", {"stat": stat}))
    with pytest.raises(TransportError, match="no checksum"):
        remote.checksum(F64)
    finished(host)


def test_win_stat_failure_names_the_path():
    remote, host = transport(("win_stat_checksum_file", {"failed": True, "msg": "Failed to get hash of file: in use"}))
    with pytest.raises(TransportError, match=r"^C:\\Windows\\.*web\.config: ansible\.windows\.win_stat failed: Failed to get hash"):
        remote.checksum(F64)
    finished(host)


# ---- write: put, then win_copy as a module in single mode


def test_write_uploads_once_and_copies_with_single_mode_and_backup():
    remote, host = transport("win_copy_single_backup")
    backup = remote.write(F64, NEW, True)
    assert host.uploads == [NEW]
    assert host.sent == [(COPY, {"src": TEMP_SOURCE, "dest": F64, "backup": True, "_copy_mode": "single"})]
    assert backup == load("win_copy_single_backup")["backup_file"]
    assert remote.calls == [COPY]


def test_write_without_backup_returns_none():
    remote, host = transport("win_copy_single")
    assert remote.write(SITE_CONFIG, NEW, False) is None
    assert host.sent[0][1]["backup"] is False


def test_write_failure_names_the_file_and_the_module_message():
    remote, host = transport("win_copy_no_parent")
    path = "C:\\inetpub\\gone\\web.config"
    with pytest.raises(TransportError) as info:
        remote.write(path, NEW, False)
    assert str(info.value) == f"{path}: {COPY} failed: Destination directory 'C:\\inetpub\\gone' does not exist"
    finished(host)


def test_compare_and_swap_costs_one_win_stat_one_put_and_one_win_copy():
    remote, host = transport("slurp_web_config", "win_stat_checksum_file", "win_copy_single_backup")
    before = remote.read(F64)
    remote.calls.clear()
    remote.assert_unchanged(F64, before)
    backup = remote.write(F64, NEW, True)
    assert remote.calls == [STAT, COPY] and host.uploads == [NEW]
    assert [module for module, args in host.sent] == [SLURP, STAT, COPY]
    assert backup.endswith(".bak")
    finished(host)


def test_compare_and_swap_refuses_a_file_changed_since_it_was_read():
    remote, host = transport("win_stat_checksum_changed")
    with pytest.raises(TransportError) as info:
        remote.assert_unchanged(F64, CONTENT)
    assert "changed on the host since it was read" in str(info.value) and "nothing written" in str(info.value)
    assert remote.calls == [STAT] and host.uploads == []


def test_compare_and_swap_creates_a_file_still_absent():
    remote, host = transport("win_stat_checksum_missing", "win_copy_single")
    remote.assert_unchanged(SITE_CONFIG, None)
    assert remote.write(SITE_CONFIG, NEW, False) is None
    assert remote.calls == [STAT, COPY] and host.uploads == [NEW]


def test_compare_and_swap_refuses_a_file_that_appeared():
    remote, host = transport("win_stat_checksum_file")
    with pytest.raises(TransportError, match="was absent, now sha1"):
        remote.assert_unchanged(F64, None)
    assert host.uploads == []


# ---- results the modules may add


def test_module_warnings_are_kept_as_text():
    # ansible-core 2.19 may decode a module's warning into an object with .event.msg.
    summary = SimpleNamespace(event=SimpleNamespace(msg="Failed to check/get link info for file: access denied"))
    remote, host = transport(("win_stat_directory", {"warnings": ["plain text", summary]}))
    remote.is_dir(SITE)
    assert remote.warnings == [f"{STAT}: plain text", f"{STAT}: Failed to check/get link info for file: access denied"]
    finished(host)


def test_a_module_crash_without_msg_still_gives_a_reason():
    assert _transport.failure_message({"failed": True, "rc": 1, "module_stderr": "boom"}) == "the module failed without a message (rc=1)"
    assert _transport.failure_message({"changed": False}) is None


def _summary(*messages: str):
    """An error summary as ansible-core 2.19 puts it in ``exception`` (event, chain of causes)."""
    event = None
    for message in reversed(messages):
        event = SimpleNamespace(msg=message, chain=None if event is None else SimpleNamespace(msg_reason="<<< caused by >>>", event=event))
    return SimpleNamespace(event=event)


def test_an_exception_without_msg_gives_its_message_and_causes():
    # What the copy module returns when atomic_move raises (a failed rename): no "msg" at all.
    result = {"failed": True, "exception": _summary("Failed to copy '/tmp/src' to '/srv/web.config'.", "[Errno 22] Invalid argument")}
    assert _transport.failure_message(result) == "Failed to copy '/tmp/src' to '/srv/web.config': [Errno 22] Invalid argument"
    assert _transport.failure_message({"failed": True, "exception": _summary("Access is denied.")}) == "Access is denied."
    assert _transport.failure_message({"failed": True, "msg": "own message", "exception": _summary("other")}) == "own message"
    assert _transport.failure_message({"failed": True, "exception": "a traceback string"}) == "the module failed without a message (rc=None)"


def test_a_write_that_raised_names_the_file_and_the_cause():
    remote, host = transport(("win_copy_single", {"failed": True, "changed": False, "exception": _summary(
        "Failed to replace the file.", "Access to the path is denied.")}))
    with pytest.raises(TransportError) as info:
        remote.write(SITE_CONFIG, NEW, False)
    assert str(info.value) == f"{SITE_CONFIG}: {COPY} failed: Failed to replace the file: Access to the path is denied."


def test_the_base_transport_is_abstract():
    base = _transport.Transport(FakeWindows().execute, FakeWindows().put)
    for call, args in (("read", (F64,)), ("is_dir", (SITE,)), ("commit", ([_transport.Write(F64, None, b"")], False))):
        with pytest.raises(NotImplementedError):
            getattr(base, call)(*args)


# ---- the argument check itself


def test_a_misspelt_option_fails_the_check():
    assert argument_problems(STAT, {"path": F64, "get_checksm": True}) == [f"{STAT}: 'get_checksm' is not a documented option"]
    assert argument_problems(COPY, {"src": TEMP_SOURCE, "dest": F64, "_copy_mod": "single"})
    assert argument_problems(COPY, {"src": TEMP_SOURCE, "dest": F64, "_copy_mode": "singel"})
    assert argument_problems(STAT, {"path": F64, "checksum_algorithm": "crc32"})
    assert argument_problems(COPY, {"src": TEMP_SOURCE, "dest": F64, "backup": "yes"})


def test_internal_keys_only_where_the_powershell_reads_them():
    args = {"src": TEMP_SOURCE, "dest": F64, "backup": False, "_copy_mode": "single", "_original_basename": "web.config"}
    assert argument_problems(COPY, args) == []
    # win_stat uses Ansible.Basic, which fails on any undeclared key.
    assert argument_problems(STAT, {"path": F64, "_copy_mode": "single"}) == [f"{STAT}: '_copy_mode' is not a documented option"]


def test_a_missing_required_option_fails_the_check():
    assert argument_problems(SLURP, {"path_": F64}) == [f"{SLURP}: required option 'src' missing", f"{SLURP}: 'path_' is not a documented option"]


def test_builtin_slurp_runs_the_ansible_windows_module_on_windows():
    if windows_collection() is None:
        pytest.skip("ansible.windows is not installed")
    routing = yaml.safe_load((Path(ansible.__file__).parent / "config" / "ansible_builtin_runtime.yml").read_text(encoding="utf-8"))
    assert routing["plugin_routing"]["modules"]["slurp.ps1"]["redirect"] == "ansible.windows.slurp"
