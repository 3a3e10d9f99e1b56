"""ServiceManager at the seam: one query in steady state, creation only when absent, honest check mode."""

from __future__ import annotations

import pytest

from ansible_collections.iis.aspnet.plugins.plugin_utils.host import _service
from ansible_collections.iis.aspnet.plugins.plugin_utils.base._errors import ConfigError, OptionError
from ansible_collections.iis.aspnet.plugins.plugin_utils.host._service import (
    PARAMETERS_KEY, ServiceError, ServiceManager, ServiceResult, mode_warnings, service_binary,
)
from ansible_collections.iis.aspnet.tests.unit.plugins.plugin_utils.windows_modules import FakeWindows, check_args_if_documented, load

SVC, REG_STAT, REGEDIT = "ansible.windows.win_service", "ansible.windows.win_reg_stat", "ansible.windows.win_regedit"
QUERY = (SVC, {"name": "aspnet_state"})
READ_KEY = (REG_STAT, {"path": PARAMETERS_KEY})
BINARY64 = "%windir%\\Microsoft.NET\\Framework64\\v4.0.30319\\aspnet_state.exe"
DEFAULT = {"state": "started", "start_mode": "auto"}  # the module's default on Windows hosts
CREATE = {"name": "aspnet_state", "path": BINARY64, "display_name": "ASP.NET State Service",
          "username": "NT AUTHORITY\\NetworkService", "start_mode": "auto"}


def ensure(desired, *answers, check_mode=False, framework="v4.0", bitness=(64, 32)):
    host = FakeWindows(*answers)
    manager = ServiceManager(host.execute)
    result, warnings = manager.ensure(desired, framework, list(bitness), check_mode)
    assert not host.pending, f"recorded results never asked for: {host.pending}"
    assert manager.calls == [module for module, args in host.sent]
    return result, warnings, host.sent


def service_paths(sent) -> list[str]:
    return [args["path"] for module, args in sent if module == SVC and "path" in args]


# ---- the binary of a new service


@pytest.mark.parametrize(("framework", "bitness", "expected"), [
    ("v4.0", [64, 32], BINARY64),
    ("v4.0", [64], BINARY64),
    ("v4.0", [32, 64], BINARY64),
    ("v4.0", [32], "%windir%\\Microsoft.NET\\Framework\\v4.0.30319\\aspnet_state.exe"),
    ("v2.0", [64, 32], "%windir%\\Microsoft.NET\\Framework64\\v2.0.50727\\aspnet_state.exe"),
    ("v2.0", [32], "%windir%\\Microsoft.NET\\Framework\\v2.0.50727\\aspnet_state.exe"),
])
def test_service_binary(framework, bitness, expected):
    assert service_binary(framework, bitness) == expected


def test_service_binary_refuses_an_unknown_framework():
    with pytest.raises(OptionError, match="framework_version"):
        service_binary("v3.5", [64])


# ---- steady state: one query, nothing else


def test_steady_state_is_one_query():
    result, warnings, sent = ensure(DEFAULT, "win_service_query_running")
    assert sent == [QUERY]
    assert result == ServiceResult("aspnet_state", True, "started", "auto", None, None, False)
    assert warnings == []


@pytest.mark.parametrize("check_mode", [False, True])
def test_steady_state_with_registry_values_adds_one_reg_stat(check_mode):
    desired = {**DEFAULT, "port": 42424, "allow_remote_connection": False}
    result, warnings, sent = ensure(desired, "win_service_query_running", "win_reg_stat_parameters", check_mode=check_mode)
    assert sent == [QUERY, READ_KEY]
    assert (result.changed, result.port, result.allow_remote_connection) == (False, 42424, False)
    assert warnings == []


def test_absent_registry_values_already_mean_the_defaults():
    desired = {**DEFAULT, "port": 42424, "allow_remote_connection": False}
    result, warnings, sent = ensure(desired, "win_service_query_running", "win_reg_stat_missing")
    assert sent == [QUERY, READ_KEY] and not result.changed and not warnings
    assert (result.port, result.allow_remote_connection) == (42424, False)


def test_unmanaged_state_and_start_mode_leave_a_stopped_manual_service_alone():
    result, warnings, sent = ensure({}, "win_service_query_stopped_manual")
    assert sent == [QUERY]
    assert (result.state, result.start_mode, result.changed) == ("stopped", "manual", False)


def test_state_ignore_sends_nothing():
    result, warnings, sent = ensure({"state": "ignore", "port": 1}, check_mode=False)
    assert sent == [] and warnings == []
    assert result.as_dict() == {"name": "aspnet_state", "exists": None, "state": None, "start_mode": None, "port": None,
                                "allow_remote_connection": None, "changed": False}


# ---- creation: only when absent, path sent only then


def test_a_missing_service_is_created_and_started_in_one_call():
    result, warnings, sent = ensure(DEFAULT, "win_service_query_missing", "win_service_create_started")
    assert sent == [QUERY, (SVC, {**CREATE, "state": "started"})]
    assert result == ServiceResult("aspnet_state", True, "started", "auto", None, None, True)
    assert warnings == []


def test_check_mode_on_a_missing_service_only_queries_but_reports_the_change():
    result, warnings, sent = ensure(DEFAULT, "win_service_query_missing", check_mode=True)
    assert sent == [QUERY]
    assert result == ServiceResult("aspnet_state", True, "started", "auto", None, None, True)


def test_a_new_service_gets_its_registry_values_before_it_starts():
    desired = {**DEFAULT, "port": 42425}
    answers = ("win_service_query_missing", "win_reg_stat_missing", "win_service_create", "win_regedit_port_created", "win_service_start")
    result, warnings, sent = ensure(desired, *answers)
    assert sent == [QUERY, READ_KEY, (SVC, CREATE),
                    (REGEDIT, {"path": PARAMETERS_KEY, "name": "Port", "data": 42425, "type": "dword"}),
                    (SVC, {"name": "aspnet_state", "state": "started"})]
    assert (result.state, result.port, result.changed) == ("started", 42425, True)
    assert warnings == []  # nothing was running, so no session was lost


@pytest.mark.parametrize(("desired", "framework", "bitness", "expected"), [
    ({"state": "present"}, "v4.0", (64, 32), {**CREATE, "start_mode": "manual"}),
    ({"state": "stopped", "start_mode": "disabled"}, "v4.0", (32,),
     {**CREATE, "start_mode": "disabled", "path": "%windir%\\Microsoft.NET\\Framework\\v4.0.30319\\aspnet_state.exe"}),
    (DEFAULT, "v2.0", (64,), {**CREATE, "state": "started", "path": "%windir%\\Microsoft.NET\\Framework64\\v2.0.50727\\aspnet_state.exe"}),
])
def test_creation_arguments(desired, framework, bitness, expected):
    want = _service.desired_service(desired)
    plan = _service.plan_service(want, _service.Observed(exists=False), service_binary(framework, bitness))
    assert [(step.module, step.args) for step in plan.steps] == [(SVC, expected)]
    for step in plan.steps:
        check_args_if_documented(step.module, step.args)
    assert plan.result.state == ("started" if desired["state"] == "started" else "stopped")


@pytest.mark.parametrize(("desired", "answers"), [
    (DEFAULT, ("win_service_query_running",)),
    ({**DEFAULT, "port": 42425}, ("win_service_query_running", "win_reg_stat_parameters", "win_regedit_port", "win_service_restarted")),
    (DEFAULT, ("win_service_query_stopped_manual", "win_service_auto_started")),
])
def test_an_existing_service_is_never_sent_path(desired, answers):
    result, warnings, sent = ensure(desired, *answers)
    assert service_paths(sent) == [] and result.exists


# ---- start mode and state of an existing service: one call


def test_a_stopped_manual_service_gets_start_mode_and_state_in_one_call():
    result, warnings, sent = ensure(DEFAULT, "win_service_query_stopped_manual", "win_service_auto_started")
    assert sent == [QUERY, (SVC, {"name": "aspnet_state", "start_mode": "auto", "state": "started"})]
    assert (result.state, result.start_mode, result.changed) == ("started", "auto", True)


def test_check_mode_sends_no_change_but_reports_it():
    result, warnings, sent = ensure(DEFAULT, "win_service_query_stopped_manual", check_mode=True)
    assert sent == [QUERY]
    assert (result.state, result.start_mode, result.changed) == ("started", "auto", True)


def test_a_disabled_service_that_must_start_needs_a_start_mode():
    with pytest.raises(ServiceError, match="^service aspnet_state: is disabled, so it cannot be started"):
        ensure({"state": "started"}, "win_service_query_disabled", check_mode=True)


# ---- Port / AllowRemoteConnection: read only at start


def test_a_port_change_on_a_running_service_restarts_it_with_a_warning():
    desired = {**DEFAULT, "port": 42425}
    answers = ("win_service_query_running", "win_reg_stat_parameters", "win_regedit_port", "win_service_restarted")
    result, warnings, sent = ensure(desired, *answers)
    assert sent == [QUERY, READ_KEY, (REGEDIT, {"path": PARAMETERS_KEY, "name": "Port", "data": 42425, "type": "dword"}),
                    (SVC, {"name": "aspnet_state", "state": "restarted"})]
    assert (result.state, result.port, result.changed) == ("started", 42425, True)
    assert len(warnings) == 1 and "was restarted to apply Port" in warnings[0] and "sessions" in warnings[0]


def test_with_restart_false_the_change_is_deferred_with_a_warning():
    desired = {**DEFAULT, "allow_remote_connection": True, "restart": False}
    answers = ("win_service_query_running", "win_reg_stat_parameters", "win_regedit_allow_remote")
    result, warnings, sent = ensure(desired, *answers)
    assert sent == [QUERY, READ_KEY, (REGEDIT, {"path": PARAMETERS_KEY, "name": "AllowRemoteConnection", "data": 1, "type": "dword"})]
    assert (result.allow_remote_connection, result.changed) == (True, True)
    assert len(warnings) == 1 and "AllowRemoteConnection" in warnings[0] and "restart is false" in warnings[0]


def test_check_mode_port_change_reads_but_writes_nothing():
    desired = {**DEFAULT, "port": 42425, "allow_remote_connection": True}
    result, warnings, sent = ensure(desired, "win_service_query_running", "win_reg_stat_parameters", check_mode=True)
    assert sent == [QUERY, READ_KEY]
    assert (result.port, result.allow_remote_connection, result.changed) == (42425, True, True)
    assert len(warnings) == 1 and "would be restarted to apply Port and AllowRemoteConnection" in warnings[0]


def test_the_warning_names_only_the_values_that_changed():
    desired = {**DEFAULT, "port": 42424, "allow_remote_connection": True}
    result, warnings, sent = ensure(desired, "win_service_query_running", "win_reg_stat_parameters", check_mode=True)
    assert len(warnings) == 1 and "to apply AllowRemoteConnection (read only at start)" in warnings[0]


def test_a_value_of_another_type_is_rewritten_as_dword():
    key = load("win_reg_stat_parameters")
    key["properties"]["port"] = {"type": "REG_SZ", "value": "42425", "raw_value": "42425"}  # names are case-insensitive
    del key["properties"]["Port"]
    want = _service.desired_service({"port": 42425})
    seen = _service.observe(load("win_service_query_stopped_manual"), key)
    plan = _service.plan_service(want, seen, BINARY64)
    assert [step.args["name"] for step in plan.steps] == ["Port"]


@pytest.mark.parametrize(("value", "wanted", "in_line"), [(5, True, True), (0, True, False), (1, False, False), (0, False, True)])
def test_allow_remote_connection_counts_any_nonzero_dword_as_on(value, wanted, in_line):
    key = {"exists": True, "properties": {"AllowRemoteConnection": {"type": "REG_DWORD", "value": value, "raw_value": value}}}
    seen = _service.observe(load("win_service_query_stopped_manual"), key)
    plan = _service.plan_service(_service.desired_service({"allow_remote_connection": wanted}), seen, BINARY64)
    assert (plan.steps == []) is in_line


def test_a_stopped_service_picks_new_values_up_when_started():
    desired = {**DEFAULT, "port": 42425}
    seen = _service.observe(load("win_service_query_stopped_manual"), load("win_reg_stat_parameters"))
    plan = _service.plan_service(_service.desired_service(desired), seen, BINARY64)
    assert [step.args for step in plan.steps][-1] == {"name": "aspnet_state", "start_mode": "auto", "state": "started"}
    assert plan.warnings == []


def test_stopping_instead_of_restarting_when_asked_to_stop():
    seen = _service.observe(load("win_service_query_running"), load("win_reg_stat_parameters"))
    plan = _service.plan_service(_service.desired_service({"state": "stopped", "port": 42425}), seen, BINARY64)
    assert [step.args for step in plan.steps][-1] == {"name": "aspnet_state", "state": "stopped"}
    assert plan.warnings == []


# ---- refusals before any call


@pytest.mark.parametrize(("desired", "option"), [
    ({"port": 0}, "state_service.port"),
    ({"port": 65536}, "state_service.port"),
    ({"port": True}, "state_service.port"),
    ({"port": "42424"}, "state_service.port"),
    ({"state": "running"}, "state_service.state"),
    ({"start_mode": "automatic"}, "state_service.start_mode"),
    ({"allow_remote_connection": "yes"}, "state_service.allow_remote_connection"),
    ({"state": "started", "start_mode": "disabled"}, "state_service"),
])
def test_bad_options_are_refused_before_any_call(desired, option):
    with pytest.raises(OptionError) as info:
        ensure(desired)
    assert info.value.option == option


# ---- failures name the service and carry the module's message


def test_a_failed_start_names_the_service_and_the_module_message():
    with pytest.raises(ServiceError) as info:
        ensure(DEFAULT, "win_service_query_stopped_manual", "win_service_start_failed")
    text = str(info.value)
    assert isinstance(info.value, ConfigError) and info.value.path == "service aspnet_state"
    assert text.startswith("service aspnet_state: set start_mode auto, state started: ansible.windows.win_service failed: ")
    assert "Cannot start service aspnet_state" in text


def test_a_failed_registry_write_names_the_value():
    with pytest.raises(ServiceError) as info:
        ensure({"port": 42425}, "win_service_query_running", "win_reg_stat_parameters", "win_regedit_denied")
    assert f"set {PARAMETERS_KEY}\\Port to 42425: ansible.windows.win_regedit failed: " in str(info.value)
    assert "Requested registry access is not allowed" in str(info.value)


def test_a_failed_query_is_an_error_too():
    with pytest.raises(ServiceError, match="^service aspnet_state: query: ansible.windows.win_service failed: Access is denied"):
        ensure(DEFAULT, ("win_service_query_running", {"failed": True, "msg": "Access is denied"}))


def test_module_warnings_are_passed_on():
    answer = ("win_service_query_running", {"warnings": ["something the module noticed"]})
    result, warnings, sent = ensure(DEFAULT, answer)
    assert warnings == [f"{SVC}: something the module noticed"]


# ---- mode warnings


RUNNING = ServiceResult("aspnet_state", True, "started", "auto", 42424, False, False)


@pytest.mark.parametrize("mode", ["InProc", "Off", "SQLServer", "Custom"])
def test_modes_that_do_not_use_the_service_say_so(mode):
    assert mode_warnings(mode, RUNNING, None) == [
        f"mode {mode} does not use the ASP.NET State Service (aspnet_state); it is ensured anyway, as state_service asks"]


@pytest.mark.parametrize(("service", "connection", "words"), [
    (RUNNING, None, []),
    (RUNNING, "tcpip=127.0.0.1:42424", []),
    (RUNNING, "tcpip=[::1]:42424", []),
    (RUNNING, "tcpip=localhost:42425", ["connects to port 42425, but aspnet_state listens on 42424"]),
    (RUNNING, "tcpip=state01:42424", ["names state01, not localhost", "allow_remote_connection is off"]),
    (ServiceResult("aspnet_state", True, "started", "auto", None, None, False), "tcpip=state01:42424", []),
    (RUNNING, "StateConnection", []),  # a <connectionStrings> entry: format unknown here
    (ServiceResult("aspnet_state", True, "stopped", "auto", None, None, False), None, ["with aspnet_state stopped"]),
    (ServiceResult("aspnet_state", True, "started", "manual", None, None, False), None, ["start mode manual"]),
    (ServiceResult("aspnet_state", True, "stopped", "disabled", None, None, False), None, ["start mode disabled"]),
])
def test_state_server_warnings(service, connection, words):
    warnings = mode_warnings("StateServer", service, connection)
    assert len(warnings) == (1 if words else 0)
    assert all(word in warnings[0] for word in words)


def test_no_mode_warning_when_the_service_is_ignored_or_the_mode_unknown():
    assert mode_warnings("InProc", ServiceResult(), None) == []
    assert mode_warnings(None, RUNNING, None) == []


# --- the service step of a run: state_service as session_state applies it ----------------------

def test_on_windows_an_unset_state_service_means_started_and_automatic_start():
    # The module's documented default: the service exists and starts automatically (appcmd procedure).
    assert _service.run_options(None, True, None) == {"state": "started", "start_mode": "auto"}
    assert _service.run_options({"state": "stopped", "start_mode": None}, True, None) == {
        "state": "stopped", "start_mode": "auto"}


def test_on_windows_a_bad_service_value_is_refused_before_any_file_is_read():
    with pytest.raises(OptionError, match="port"):
        _service.run_options({"state": "started", "port": 70000}, True, None)


def test_an_image_host_needs_image_root_and_has_no_service_manager():
    with pytest.raises(OptionError, match="image_root: required on a host that is not Windows"):
        _service.run_options(None, False, None)
    with pytest.raises(OptionError, match="state_service: an image host has no Windows service manager"):
        _service.run_options({"state": "started"}, False, "/srv/image")
    assert _service.run_options({"state": "ignore"}, False, "/srv/image") == {"state": "ignore"}
    assert _service.run_options(None, False, "/srv/image") == {"state": "ignore"}
