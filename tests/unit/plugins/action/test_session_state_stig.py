"""session_state_stig on a simulated Windows host: only reads, each file once, the audit on the sample server."""

from __future__ import annotations

from ansible_collections.iis.aspnet.plugins.action.session_state_stig import ActionModule
from ansible_collections.iis.aspnet.tests.unit.plugins.action.windows_action import modules, windows_host
from ansible_collections.iis.aspnet.tests.unit.plugins.plugin_utils.windows_modules import ENV_FACTS, WindowsHost
from ansible_collections.iis.aspnet.tests.unit.plugins.action.windows_action import action as session_action


def action(host: WindowsHost, args: dict):
    plugin = session_action(host, args)
    stig = ActionModule(plugin._task, plugin._connection, plugin._play_context, loader=None, templar=None, shared_loader_obj=None)
    stig._execute_module = host.execute
    return stig


def statuses(result: dict) -> dict[tuple[str, str | None], str]:
    return {(finding["vuln_id"], finding["site"]): finding["status"] for finding in result["findings"]}


def test_audit_reads_each_file_once_and_writes_nothing():
    host = windows_host()
    before = dict(host.files)
    result = action(host, {"profile": "stig_iis10"}).run(task_vars={"ansible_facts": {"env": ENV_FACTS}})
    assert result.get("failed") is None, result
    # no service query: no rule looks at the service
    assert modules(host) == ["ansible.builtin.slurp"] * 2 + ["ansible.windows.win_find"] + ["ansible.builtin.slurp"] * 10
    reads = [args["src"].casefold() for name, args in host.calls if name == "ansible.builtin.slurp"]
    # the 14 config files of the sample that exist (the /images folder holds none), less the 32-bit .NET 2.0
    # tree's two: the STIG judges the server level of .NET 4, and no pool runs that tree
    assert len(reads) == len(set(reads)) == result["files_read"] == 12
    assert not any("\\framework\\v2.0.50727" in read for read in reads)
    (find,) = [args for name, args in host.calls if name == "ansible.windows.win_find"]
    assert "C:\\inetpub\\wwwroot\\images" not in find["paths"]  # no rule judges a folder's web.config
    assert host.files == before and host.uploads == {} and result["changed"] is False
    assert statuses(result)[("V-218805", None)] == "Open"  # the 32-bit root web.config says 30 minutes
    assert statuses(result)[("V-218751", "Legacy")] == "Open"  # SQLServer inherited from the v2.0 root web.config
    assert result["remediation"] == [{"site": "Legacy", "mode": "InProc"}]
    assert "SampleOnly!23" not in repr(result)


def test_web_farm_exception_reaches_the_result():
    host = windows_host()
    exceptions = [{"site": "Legacy", "kind": "web_farm", "justification": "SQL Server AG behind the F5"}]
    result = action(host, {"profile": "stig_iis85", "exceptions": exceptions}).run(task_vars={})
    legacy = [finding for finding in result["findings"] if finding["site"] == "Legacy" and finding["vuln_id"] in ("V-214444", "V-214462")]
    assert [(finding["status"], finding["comments"]) for finding in legacy] == [
        ("NotAFinding", "Exception (web_farm): SQL Server AG behind the F5")] * 2
    assert result["remediation"] == []


def test_refusals_name_the_option():
    host = windows_host()
    result = action(host, {"exceptions": [{"site": "Legacy", "kind": "web_farm"}]}).run(task_vars={})
    assert result["failed"] and "justification" in result["msg"]
    result = action(host, {"server": {"timeout": 30}}).run(task_vars={})
    assert result["failed"] and result["msg"] == ("server: timeout=30 contradicts the profile, which requires at most 15 minutes "
                                                  "at server level")
    result = action(host, {"image_root": "/srv/image"}).run(task_vars={})
    assert result["failed"] and result["msg"].startswith("image_root:")


def test_a_contradiction_is_refused_before_any_read():
    host = windows_host()
    result = action(host, {"declared": [{"site": "Intranet", "mode": "Off"}]}).run(task_vars={})
    assert result["failed"] and "mode=Off contradicts" in result["msg"]
    assert host.calls == []
