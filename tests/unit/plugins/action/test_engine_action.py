"""The action base (plugins/action/__init__.py): what every action gets besides its run.

Each test plants one engine outcome through ``act`` and checks the result the base makes of it,
as Ansible's action contract asks (failed/changed/msg keys, no_log values never returned).
"""

from __future__ import annotations

from ansible_collections.iis.aspnet.plugins.action import EngineAction
from ansible_collections.iis.aspnet.plugins.plugin_utils.base._errors import ConfigError, OptionError, PartialWrite
from ansible_collections.iis.aspnet.tests.unit.plugins.action.windows_action import action, windows_host

SPEC = {"name": {"type": "str"}, "secret": {"type": "str", "no_log": True}}


class Planted(EngineAction):
    """An action whose engine call does what the test plants."""

    ARGUMENT_SPEC = SPEC
    outcome = None

    def act(self, args, access):
        return type(self).outcome(args, access)


def run(outcome, args, read_only=False):
    plugin_class = type("PlantedAction", (Planted,), {"outcome": staticmethod(outcome), "READ_ONLY": read_only})
    removed = []
    plugin = action(windows_host(), args, plugin_class=plugin_class)
    plugin._remove_tmp_path = removed.append
    plugin._load_name = "iis.aspnet.planted"  # set by Ansible's plugin loader (2.16 names it in errors)
    return plugin.run(task_vars={}), removed, plugin


def raise_(exc):
    def outcome(_args, _access):
        raise exc
    return outcome


def test_a_partial_write_fails_and_still_says_changed_naming_each_written_file():
    # Files were replaced before the failure: their applications restarted, so changed must be true.
    exc = PartialWrite(ConfigError("C:\\b\\web.config", "write failed: disk full"),
                       written={"C:\\a\\web.config": "C:\\a\\web.config.bak"})
    result, _removed, _plugin = run(raise_(exc), {})
    assert result["failed"] is True and result["changed"] is True
    assert result["files"] == [{"path": "C:\\a\\web.config", "changed": True, "backup_file": "C:\\a\\web.config.bak"}]
    assert "disk full" in result["msg"]


def test_an_engine_refusal_fails_without_change_and_its_message_is_masked():
    exc = OptionError("sql_connection_string", "refused: data source=db;password=Hunter2Secret;")
    result, _removed, _plugin = run(raise_(exc), {})
    assert result["failed"] is True and not result.get("changed")
    assert "Hunter2Secret" not in result["msg"] and "sql_connection_string" in result["msg"]


def test_an_invalid_option_is_refused_before_the_engine_runs():
    called = []
    result, _removed, _plugin = run(lambda args, access: called.append(args) or {}, {"nmae": "typo"})
    assert result["failed"] is True and called == []
    assert "nmae" in result["msg"]


def test_no_log_values_and_the_passwords_inside_them_never_come_back():
    secret = "data source=db;password=Tr0ub4dor"

    def echo(args, _access):
        return {"msg": f"read {args['secret']}", "seen": ["Tr0ub4dor", args["name"]]}
    result, _removed, _plugin = run(echo, {"name": "plain", "secret": secret})
    text = repr(result)
    assert secret not in text and "Tr0ub4dor" not in text
    assert "plain" in result["seen"]


def test_a_read_only_action_refuses_uploads_and_never_reports_a_change():
    def upload(_args, access):
        access.put(b"<configuration/>")
        return {"changed": True}
    result, _removed, _plugin = run(upload, {}, read_only=True)
    assert result["failed"] is True and result["changed"] is False
    assert "never writes" in result["msg"]


def test_the_remote_temp_dir_is_made_on_the_first_upload_and_removed_at_the_end():
    made = []

    def upload_twice(_args, access):
        made.extend([access.put(b"a"), access.put(b"b")])
        return {"changed": True}
    result, removed, plugin = run(upload_twice, {})
    assert result.get("failed") is None, result
    tmpdir = plugin._connection._shell.tmpdir
    assert made == [tmpdir + "\\session_state_1", tmpdir + "\\session_state_2"]
    assert removed == [tmpdir]
