"""session_state_info on a simulated Windows host: calls per host, service facts, never a write."""

from __future__ import annotations

import re

from ansible_collections.iis.aspnet.tests.unit.plugins.action.windows_action import modules, windows_host
from ansible_collections.iis.aspnet.tests.unit.plugins.plugin_utils.windows_modules import WindowsHost
from ansible_collections.iis.aspnet.tests.unit.plugins.action.windows_action import action as session_action
from ansible_collections.iis.aspnet.plugins.action.session_state_info import ActionModule

APPHOST = "C:\\Windows\\System32\\inetsrv\\config\\applicationHost.config"


def action(host: WindowsHost, args: dict):
    plugin = session_action(host, args)
    info = ActionModule(plugin._task, plugin._connection, plugin._play_context, loader=None, templar=None, shared_loader_obj=None)
    info._execute_module = host.execute
    return info


def slurps(host: WindowsHost) -> list[str]:
    return [args["src"].casefold() for name, args in host.calls if name == "ansible.builtin.slurp"]


def test_three_sites_cost_one_read_per_file_and_one_service_query():
    host = windows_host()
    before = dict(host.files)
    result = action(host, {}).run(task_vars={})
    assert result.get("failed") is None, result
    reads = slurps(host)
    # redirection.config, applicationHost.config, 8 server files (2 frameworks x 2 bitnesses), 5 web.config
    # files of sites and applications (Intranet/hr's absent), the /images folder's web.config
    assert len(reads) == len(set(reads)) == result["files_read"] == 16
    assert reads[:2] == ["%windir%\\system32\\inetsrv\\config\\redirection.config",
                         "%windir%\\system32\\inetsrv\\config\\applicationhost.config"]
    assert modules(host).count("ansible.windows.win_service") == 1 and modules(host).count("ansible.windows.win_reg_stat") == 1
    assert set(modules(host)) == {"ansible.builtin.slurp", "ansible.windows.win_service", "ansible.windows.win_reg_stat"}
    assert host.files == before and host.uploads == {} and result["changed"] is False
    assert result["service"] == {"name": "aspnet_state", "exists": True, "state": "stopped", "start_mode": "manual", "port": 42424,
                                 "allow_remote_connection": False, "applicable": True,
                                 "binary": "C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\aspnet_state.exe"}
    server32 = next(level for level in result["levels"] if level["config_path"] == "MACHINE/WEBROOT" and level["bitness"] == 32
                    and level["framework_version"] == "v4.0")
    assert server32["session_state"]["mode"]["value"] == "StateServer"
    assert any(f["rule"] == "state-service" and "sessions fail" in f["message"] for f in result["findings"])
    assert "SampleOnly!23" not in repr(result)


def add_sites(host: WindowsHost, count: int) -> None:
    """Many sites sharing one pool and one physical folder, each with its own application."""
    sites = "".join(
        f'<site name="Bulk{n}" id="{100 + n}"><application path="/" applicationPool="DefaultAppPool">'
        f'<virtualDirectory path="/" physicalPath="D:\\Bulk\\site{n}" /></application>'
        '<application path="/app" applicationPool="IntranetHR32">'
        '<virtualDirectory path="/" physicalPath="D:\\Bulk\\shared" /></application></site>' for n in range(count))
    text = host.files[APPHOST].decode("utf-8")
    host.files[APPHOST] = re.sub(r"(\s*</sites>)", lambda match: sites + match.group(1), text, count=1).encode("utf-8")
    shared = b'<?xml version="1.0"?>\r\n<configuration><system.web><sessionState mode="Off" /></system.web></configuration>\r\n'
    host.files["D:\\Bulk\\shared\\web.config"] = shared


def test_reads_grow_with_distinct_files_only():
    host = windows_host()
    add_sites(host, 40)
    result = action(host, {"include_service": False}).run(task_vars={})
    assert result.get("failed") is None, result
    reads = slurps(host)
    # the 16 of the sample, plus one web.config per bulk site; the shared application folder once
    assert len(reads) == len(set(reads)) == 16 + 40 + 1
    assert "ansible.windows.win_service" not in modules(host) and result["service"] is None
    bulk = [level for level in result["levels"] if (level["site"] or "").startswith("Bulk") and level["application"] == "/app"]
    assert len(bulk) == 40 and all(level["session_state"]["mode"]["value"] == "Off" and level["bitness"] == 32 for level in bulk)


def test_named_sites_read_only_their_chains():
    host = windows_host()
    result = action(host, {"site": ["Default Web Site/shop", "Intranet/hr"], "include_service": False}).run(task_vars={})
    assert [level["config_path"] for level in result["levels"]] == [
        "MACHINE/WEBROOT/APPHOST/Default Web Site/shop", "MACHINE/WEBROOT/APPHOST/Intranet/hr"]
    # redirection.config and applicationHost.config; 64-bit v4 machine + web; shop's site root + shop;
    # 32-bit v4 machine + web; Intranet + hr
    assert len(slurps(host)) == 10


def test_refusals():
    host = windows_host()
    assert "application" in action(host, {"site": "Default Web Site/images"}).run(task_vars={})["msg"]
    assert "image_root" in action(host, {"image_root": "/srv"}).run(task_vars={})["msg"]
    assert "site" in action(host, {"site": [1]}).run(task_vars={})["msg"]


def test_a_bitness_that_is_not_a_framework_folder_is_refused_by_the_engine_before_any_read():
    # Not by Ansible's choices: ansible-core 2.16 crashes formatting an int choice (TypeError).
    host = windows_host()
    result = action(host, {"bitness": [64, 16]}).run(task_vars={})
    assert result["failed"] is True and result["msg"] == "bitness: 16 is not one of 64, 32"
    assert host.calls == []
