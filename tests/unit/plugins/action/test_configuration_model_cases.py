"""The situations where <location> and several levels meet, through the three modules and the drift report.

Each case is a copy of the sample server (simulated Windows host) with a few lines changed. The
expected values follow the evaluation order of docs/configuration-model.md: a path's value is its
parent's result, then the <location> inputs aimed at it from ancestor files, then its own file;
an inheritInChildApplications="false" input is skipped above the running application; a
connection string is first looked up as a <connectionStrings> name in effect at the path.
"""

from __future__ import annotations

import pytest

from ansible_collections.iis.aspnet.plugins.action.session_state_info import ActionModule as InfoModule
from ansible_collections.iis.aspnet.plugins.action.session_state_stig import ActionModule as StigModule
from ansible_collections.iis.aspnet.plugins.plugin_utils.report import _drift
from ansible_collections.iis.aspnet.tests.unit.plugins.action.windows_action import F64, W64, windows_host
from ansible_collections.iis.aspnet.tests.unit.plugins.plugin_utils.windows_modules import WindowsHost
from ansible_collections.iis.aspnet.tests.unit.plugins.action.windows_action import action as session_action

# The files on the host, and as the modules name them (the host expands the variables).
WWWROOT = "C:\\inetpub\\wwwroot\\web.config"
SHOP = "C:\\inetpub\\shop\\web.config"
NAMED_WWWROOT = "%SystemDrive%\\inetpub\\wwwroot\\web.config"
NAMED_SHOP = "%SystemDrive%\\inetpub\\shop\\web.config"
SHOP_PATH = "MACHINE/WEBROOT/APPHOST/Default Web Site/shop"
SITE_PATH = "MACHINE/WEBROOT/APPHOST/Default Web Site"


def edit(host: WindowsHost, path: str, old: str, new: str) -> None:
    text = host.files[path].decode("utf-8-sig" if host.files[path].startswith(b"\xef\xbb\xbf") else "utf-8")
    assert text.count(old) == 1, (path, old)
    bom = b"\xef\xbb\xbf" if host.files[path].startswith(b"\xef\xbb\xbf") else b""
    host.files[path] = bom + text.replace(old, new).encode("utf-8")


def shop_without_session_state(host: WindowsHost) -> None:
    edit(host, SHOP, '<sessionState mode="InProc" timeout="20" cookieless="UseCookies"/>', "")


def root_location(host: WindowsHost, path: str, attributes: str) -> None:
    edit(host, F64, "</configuration>",
         f'<location path="{path}"><system.web><sessionState {attributes} /></system.web></location>\r\n</configuration>')


def run(module, host: WindowsHost, args: dict, check_mode: bool = True) -> dict:
    plugin = session_action(host, args, check_mode=check_mode)
    if module is not None:
        plugin = module(plugin._task, plugin._connection, plugin._play_context, loader=None, templar=None,
                        shared_loader_obj=None)
        plugin._execute_module = host.execute
    return plugin.run(task_vars={})


def level(result: dict, config_path: str, bitness: int = 64) -> dict:
    return next(entry for entry in result["levels"] if entry["config_path"] == config_path and entry["bitness"] == bitness)


# --- 1. a root web.config <location> for an application beats the site's top level ---------------

def case_one() -> WindowsHost:
    host = windows_host()
    shop_without_session_state(host)
    edit(host, WWWROOT, "<system.web>\r\n", '<system.web>\r\n        <sessionState mode="InProc" />\r\n')
    root_location(host, "Default Web Site/shop", 'mode="SQLServer"')
    return host


def test_info_reports_the_root_location_for_the_application():
    result = run(InfoModule, case_one(), {"include_service": False})
    shop = level(result, SHOP_PATH)["session_state"]["mode"]
    assert shop["value"] == "SQLServer"
    assert (shop["source"]["file"], shop["source"]["location"], shop["source"]["config_path"]) == (
        W64, "Default Web Site/shop", SHOP_PATH)
    site = level(result, SITE_PATH)["session_state"]["mode"]
    assert site["value"] == "InProc" and site["source"]["file"] == NAMED_WWWROOT


def test_writer_accepts_infinite_where_sql_server_is_in_effect():
    result = run(None, case_one(), {"site": "Default Web Site/shop", "commit": "APP", "timeout": "Infinite"})
    assert result.get("failed") is None, result
    assert [(c["path"], c["attribute"], c["after"]) for c in result["changes"]] == [(NAMED_SHOP, "timeout", "Infinite")]


def test_stig_audit_opens_the_site_whose_application_runs_use_uri():
    host = windows_host()
    edit(host, WWWROOT, "<system.web>\r\n", '<system.web>\r\n        <sessionState cookieless="UseCookies" />\r\n')
    edit(host, SHOP, 'cookieless="UseCookies"', "")
    root_location(host, "Default Web Site/shop", 'cookieless="UseUri"')
    result = run(StigModule, host, {"profile": "stig_iis10"})
    finding = next(f for f in result["findings"] if f["vuln_id"] == "V-218736" and f["site"] == "Default Web Site")
    assert finding["status"] == "Open"
    failing = [row for row in finding["evidence"] if not row["compliant"]]
    assert [(row["config_path"], row["value"], row["source"]["file"]) for row in failing] == [(SHOP_PATH, "UseUri", W64)]
    # The drift report carries the same verdict into its STIG section and checklists.
    collector = _drift.Collector()
    collector.add_stig("web01", "audit", result)
    (record,) = collector.report()
    assert [(f["vuln_id"], f["site"]) for f in record.stig.open()] == [
        (f["vuln_id"], f["site"]) for f in result["findings"] if f["status"] == "Open"]
    assert ("V-218736", "Default Web Site") in [(f["vuln_id"], f["site"]) for f in record.stig.open()]


# --- 2. <location path="." inheritInChildApplications="false"> stops at child applications -------

def case_two() -> WindowsHost:
    host = windows_host()
    shop_without_session_state(host)
    edit(host, WWWROOT, "</configuration>", '<location path="." inheritInChildApplications="false"><system.web>'
                                            '<sessionState mode="SQLServer" /></system.web></location>\r\n</configuration>')
    return host


def test_info_reports_the_child_application_outside_the_location():
    result = run(InfoModule, case_two(), {"include_service": False})
    assert level(result, SITE_PATH)["session_state"]["mode"]["value"] == "SQLServer"
    assert level(result, SHOP_PATH)["session_state"]["mode"] == {"value": "InProc", "source": None, "overrides": []}


def test_writer_refuses_infinite_in_the_child_application():
    host = case_two()
    before = dict(host.files)
    result = run(None, host, {"site": "Default Web Site/shop", "commit": "APP", "timeout": "Infinite"}, check_mode=False)
    assert result["failed"] and "rejected by ASP.NET" in result["msg"] and "one year" in result["msg"]
    assert result["msg"].startswith(NAMED_SHOP) and host.files == before


def test_writer_accepts_infinite_at_the_site_itself():
    result = run(None, case_two(), {"site": "Default Web Site", "commit": "APP", "timeout": "Infinite"})
    assert result.get("failed") is None, result


# --- 3. connection strings by name --------------------------------------------------------------

ENTRIES = ('<connectionStrings><add name="StateSrv" connectionString="tcpip=state01:42424" />'
           '<add name="StateBad" connectionString="state01:42424" /></connectionStrings>\r\n</configuration>')


def with_entries() -> WindowsHost:
    host = windows_host()
    edit(host, F64, "</configuration>", ENTRIES)
    return host


@pytest.mark.parametrize("value, refusal", [
    ("loopback:42424", "'loopback:42424' names no <connectionStrings> entry in effect at MACHINE/WEBROOT, and as a "
                       "connection string it must start with 'tcpip='"),
    ("StateBad", "names the <connectionStrings> entry 'StateBad'"),
    ("StateSrv", None),
    ("tcpip=state02:42424", None),
])
def test_writer_judges_a_connection_string_by_what_the_runtime_reads(value, refusal):
    result = run(None, with_entries(), {"state_connection_string": "{}".format(value), "bitness": [64]})
    if refusal is None:
        assert result.get("failed") is None, result
        assert not any("connectionStrings" in warning for warning in result.get("warnings", []))
        return
    assert result["failed"] and refusal in result["msg"] and result["msg"].startswith("state_connection_string: ")
    assert "tcpip=state01" not in result["msg"]  # an entry's value is never printed


def test_info_finds_a_state_server_address_that_names_no_entry():
    host = with_entries()
    root_location(host, "Default Web Site", 'mode="StateServer" stateConnectionString="loopback:42424"')
    edit(host, WWWROOT, "</configuration>", "<system.web><sessionState stateNetworkTimeout=\"5\" /></system.web>\r\n</configuration>")
    result = run(InfoModule, host, {"include_service": False})
    (finding,) = [f for f in result["findings"] if f["rule"] == "runtime-rejects" and f["config_path"] == SITE_PATH]
    assert "names no <connectionStrings> entry" in finding["message"] and finding["file"] == W64


def test_info_takes_the_entry_value_for_a_name():
    host = with_entries()
    root_location(host, "Default Web Site", 'mode="StateServer" stateConnectionString="StateSrv"')
    result = run(InfoModule, host, {"include_service": False})
    assert not [f for f in result["findings"] if f["config_path"] == SITE_PATH and f["rule"] == "runtime-rejects"]
    assert level(result, SITE_PATH)["session_state"]["stateConnectionString"]["value"] == "StateSrv"


# --- 4. shared configuration: applicationHost.config from the share redirection.config names ------

APPHOST = "C:\\Windows\\System32\\inetsrv\\config\\applicationHost.config"
REDIRECTION = "C:\\Windows\\System32\\inetsrv\\config\\redirection.config"
SHARED = "\\\\fs01\\iisconfig\\applicationHost.config"


def shared_configuration(host: WindowsHost, present: bool = True) -> None:
    host.files[REDIRECTION] = (b'<configuration>\r\n    <configurationRedirection enabled="true" '
                               b'path="\\\\fs01\\iisconfig" />\r\n</configuration>\r\n')
    if present:  # the share's copy names another folder for the shop than the stale local one
        host.files[SHARED] = host.files[APPHOST].replace(b"%SystemDrive%\\inetpub\\shop", b"E:\\shop")
        host.files["E:\\shop\\web.config"] = host.files[SHOP]


def test_info_reads_the_shared_applicationhost_config_through_the_host():
    host = windows_host()
    shared_configuration(host)
    result = run(InfoModule, host, {"include_service": False})
    reads = [args["src"] for name, args in host.calls if name == "ansible.builtin.slurp"]
    assert reads[:2] == ["%windir%\\System32\\inetsrv\\config\\redirection.config", SHARED]
    assert "%windir%\\System32\\inetsrv\\config\\applicationHost.config" not in reads
    shop = level(result, SHOP_PATH)
    assert shop["files"][-1]["path"] == "E:\\shop\\web.config" and shop["files"][-1]["exists"]


def test_writer_refuses_when_the_shared_copy_cannot_be_read():
    host = windows_host()
    shared_configuration(host, present=False)
    result = run(None, host, {"site": "Default Web Site/shop", "mode": "Off"})
    assert result["failed"] and result["msg"].startswith("%windir%\\System32\\inetsrv\\config\\redirection.config: ")
    assert SHARED in result["msg"] and "local applicationHost.config" in result["msg"]


# --- the writer's other judgements on the model --------------------------------------------------

@pytest.mark.parametrize("args, fragment", [
    # A <location> in the root web.config for a folder that is not an application (MachineToApplication).
    ({"site": "Default Web Site/images", "commit": "WEBROOT", "mode": "Off", "bitness": [64]},
     'may not be set at this level (FOLDER)'),
    # A site applicationHost.config does not know: nothing to write a <location> for.
    ({"site": "Nowhere", "commit": "WEBROOT", "mode": "Off", "bitness": [64]}, "no IIS site named 'Nowhere'"),
])
def test_writer_refuses_server_level_locations_the_model_rejects(args, fragment):
    host = windows_host()
    before = dict(host.files)
    result = run(None, host, args, check_mode=False)
    assert result["failed"] and fragment in result["msg"] and host.files == before


def test_writer_refuses_a_site_setting_a_root_location_locks():
    host = windows_host()
    edit(host, F64, "</configuration>", '<location path="Default Web Site" allowOverride="false"><system.web>'
                                        '<sessionState mode="InProc" /></system.web></location>\r\n</configuration>')
    result = run(None, host, {"site": "Default Web Site", "commit": "APP", "mode": "Off"})
    assert result["failed"] and result["msg"].startswith(NAMED_WWWROOT + ": <sessionState> is locked by the <location "
                                                         'path="Default Web Site">')


def test_writer_warns_when_a_later_definition_overrides_what_it_writes():
    # The shop's own web.config says InProc: a root <location> for the shop is written, but loses.
    result = run(None, windows_host(), {"site": "Default Web Site/shop", "commit": "WEBROOT", "mode": "SQLServer",
                                        "bitness": [64]})
    assert result.get("failed") is None, result
    (warning,) = [w for w in result["warnings"] if "comes after it" in w]
    assert warning.startswith(f"sessionState mode=SQLServer is written to {W64}, but {SHOP_PATH} runs mode=InProc from "
                              f"{NAMED_SHOP} line")
