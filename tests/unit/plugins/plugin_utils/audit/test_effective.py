"""The merge of _effective, table-driven: every file level x <location> shape, defaults, provenance, findings."""

from __future__ import annotations

import pytest

from ansible_collections.iis.aspnet.plugins.plugin_utils.host import _service
from ansible_collections.iis.aspnet.tests.unit.plugins.plugin_utils.engine_helpers import (
    APP, MACHINE, SITE, TARGET, WEBROOT, level, report, section)

NO = "no"  # the definition does not govern the target
INHERIT_OFF = ' inheritInChildApplications="false"'
# (file, location path or None, location attributes, expected: NO or (level, config_path the definition targets))
CASES = [
    (MACHINE, None, "", ("MACHINE", "MACHINE")),
    (MACHINE, "", "", ("MACHINE", "MACHINE")),
    (MACHINE, "S", "", ("MACHINE", "MACHINE/WEBROOT/APPHOST/S")),
    (MACHINE, "S/a", "", ("MACHINE", TARGET)),
    # Location paths compare case-insensitively; the source names the config path as IIS spells it.
    (MACHINE, "s/A", "", ("MACHINE", TARGET)),
    (MACHINE, "S/b", "", NO),
    (MACHINE, "S/a/deeper", "", NO),
    (MACHINE, "", INHERIT_OFF, NO),
    (MACHINE, "S/a", INHERIT_OFF, ("MACHINE", TARGET)),
    (WEBROOT, None, "", ("WEBROOT", "MACHINE/WEBROOT")),
    (WEBROOT, "S", "", ("WEBROOT", "MACHINE/WEBROOT/APPHOST/S")),
    (WEBROOT, "S/a", "", ("WEBROOT", TARGET)),
    (WEBROOT, "Other", "", NO),
    (WEBROOT, "S", INHERIT_OFF, NO),
    (SITE, None, "", ("SITE", "MACHINE/WEBROOT/APPHOST/S")),
    (SITE, ".", "", ("SITE", "MACHINE/WEBROOT/APPHOST/S")),
    (SITE, "a", "", ("SITE", TARGET)),
    (SITE, "b", "", NO),
    (SITE, ".", INHERIT_OFF, NO),
    (SITE, "a", INHERIT_OFF, ("SITE", TARGET)),
    (APP, None, "", ("APP", TARGET)),
    (APP, "", INHERIT_OFF, ("APP", TARGET)),  # same application: inheritInChildApplications does not stop it
    (APP, "sub", "", NO),
]


@pytest.mark.parametrize("file, location, scoping, expected", CASES,
                         ids=[f"{f.rsplit(chr(92), 2)[-2]}-{loc}-{bool(s)}" for f, loc, s, _e in CASES])
def test_each_level_and_location_shape(file, location, scoping, expected):
    result, _tree = report({file: section('timeout="7"', location, scoping)}, sites=["S/a"])
    timeout = level(result, TARGET)["session_state"]["timeout"]
    if expected == NO:
        assert timeout == {"value": "20", "source": None, "overrides": []}
    else:
        file_level, config_path = expected
        assert timeout["value"] == "7"
        assert timeout["source"]["file"] == file and timeout["source"]["level"] == file_level
        assert timeout["source"]["location"] == location and timeout["source"]["config_path"] == config_path


def test_deeper_files_win_and_narrower_locations_win_within_a_file():
    result, _tree = report({
        MACHINE: section('timeout="1" mode="Off" cookieName="m"'),
        WEBROOT: section('timeout="2" mode="StateServer"') + section('timeout="3"', "S/a"),
        SITE: section('timeout="4"', "a") + section('timeout="5" cookieless="UseUri"'),
    }, sites=["S/a"])
    values = level(result, TARGET)["session_state"]
    assert values["timeout"]["value"] == "4" and values["timeout"]["source"]["location"] == "a"
    assert values["mode"]["value"] == "StateServer" and values["mode"]["source"]["level"] == "WEBROOT"
    assert values["cookieName"]["value"] == "m" and values["cookieless"]["value"] == "UseUri"


def test_schema_defaults_with_no_source_when_nothing_is_set():
    result, _tree = report({}, sites=["S"])
    entry = level(result, "MACHINE/WEBROOT/APPHOST/S")
    assert entry["kind"] == "site" and entry["application"] == "/" and entry["pool"] == "DefaultAppPool"
    assert {name: value["value"] for name, value in entry["session_state"].items() if value["source"] is None} == {
        "mode": "InProc", "timeout": "20", "cookieless": "UseCookies", "cookieName": "ASP.NET_SessionId",
        "cookieSameSite": "None", "regenerateExpiredSessionId": "true", "stateConnectionString": "tcpip=loopback:42424",
        "stateNetworkTimeout": "10", "sqlConnectionString": "data source=localhost;Integrated Security=SSPI",
        "sqlCommandTimeout": "30", "sqlConnectionRetryInterval": "0", "allowCustomSqlDatabase": "false",
        "customProvider": "", "useHostingIdentity": "true", "compressionEnabled": "false", "partitionResolverType": "",
        "sessionIDManagerType": ""}
    assert entry["session_page_state"] == {"historySize": {"value": "9", "source": None, "overrides": []}}
    assert entry["complete"] and [f["exists"] for f in entry["files"]] == [True, True, False]


def test_overrides_list_every_definition_below_the_server_level_in_order():
    result, _tree = report({
        MACHINE: section('cookieless="UseCookies"'),
        WEBROOT: section('cookieless="AutoDetect"') + section('cookieless="UseUri"', "S/a"),
        SITE: section('cookieless="UseDeviceProfile"'),
        APP: section('cookieless="UseUri" mode="Off"'),
    }, sites=["S/a"])
    cookieless = level(result, TARGET)["session_state"]["cookieless"]
    assert cookieless["value"] == "UseUri" and cookieless["source"]["file"] == APP
    # machine.config and the top of the root web.config are the server level; the rest are overrides.
    assert [(found["file"], found["location"], found["config_path"], found["value"]) for found in cookieless["overrides"]] == [
        (SITE, None, "MACHINE/WEBROOT/APPHOST/S", "UseDeviceProfile"),
        (WEBROOT, "S/a", TARGET, "UseUri"),
        (APP, None, TARGET, "UseUri")]
    assert level(result, TARGET)["session_state"]["timeout"]["overrides"] == []


def test_page_state_merges_like_session_state():
    result, _tree = report({SITE: section('historySize="3"', "a", element="sessionPageState")}, sites=["S/a"])
    history = level(result, TARGET)["session_page_state"]["historySize"]
    assert history["value"] == "3" and history["source"]["level"] == "SITE" and history["source"]["line"] == 3


def test_every_level_is_reported_and_each_file_read_once():
    result, tree = report({SITE: section('mode="Off"')})
    assert [entry["config_path"] for entry in result["levels"]] == [
        "MACHINE/WEBROOT", "MACHINE/WEBROOT/APPHOST/S", TARGET]
    # applicationHost.config, machine.config, root web.config, S, S/a, and the /img virtual directory
    assert tree.reads == 6


def test_secrets_are_masked_in_values_and_ignored_attributes():
    secret = 'sqlConnectionString="data source=db;password=Canary-1"'
    result, _tree = report({WEBROOT: section(secret), "apphost": section(secret, "S")}, sites=["S"])
    assert "Canary-1" not in repr(result)
    assert level(result, "MACHINE/WEBROOT/APPHOST/S")["session_state"]["sqlConnectionString"]["value"].endswith("password=********")


def test_apphost_settings_are_ignored_with_a_reason():
    result, _tree = report({"apphost": section('cookieless="UseUri"', "S")}, sites=["S"])
    assert level(result, "MACHINE/WEBROOT/APPHOST/S")["session_state"]["cookieless"]["source"] is None
    (ignored,) = result["ignored"]
    assert ignored["location"] == "S" and ignored["attributes"] == {"cookieless": "UseUri"} and "ASP.NET" in ignored["reason"]
    assert [finding["rule"] for finding in result["findings"]] == ["ignored-apphost"]


# (case, files, rule expected, file at fault)
FINDINGS = [
    ("cookieless in the wrong case", {SITE: section('cookieless="True"')}, "invalid-value", SITE),
    ("unknown attribute", {SITE: section('Mode="InProc"')}, "unrecognized-attribute", SITE),
    ("timeout over a year with InProc", {WEBROOT: section('timeout="600000"')}, "runtime-rejects", WEBROOT),
    ("malformed state connection", {APP: section('mode="StateServer" stateConnectionString="TCPIP=loopback:42424"')}, "runtime-rejects", APP),
    ("two definitions for one path", {SITE: section('mode="Off"', "a") + section('mode="InProc"', "A")}, "duplicate-definition", SITE),
    ("element in the wrong case", {SITE: section('mode="Off"', element="SessionState")}, "wrong-case-element", SITE),
    ("below application level", {SITE: section('mode="Off"', "img")}, "beyond-application", SITE),
    ("in a virtual directory", {"C:\\s\\img\\web.config": section('mode="Off"')}, "beyond-application", "C:\\s\\img\\web.config"),
    ("encrypted", {SITE: '<system.web><sessionState configProtectionProvider="RsaProtectedConfigurationProvider">'
                         "<EncryptedData /></sessionState></system.web>\n"}, "not-inspectable", SITE),
]


@pytest.mark.parametrize("case, files, rule, file", FINDINGS, ids=[row[0] for row in FINDINGS])
def test_findings_name_the_rule_and_the_file(case, files, rule, file):
    result, _tree = report(files)
    assert (rule, file) in [(finding["rule"], finding["file"]) for finding in result["findings"]], result["findings"]


def test_a_net4_attribute_in_a_v2_chain_is_refused_and_not_reported():
    v2 = MACHINE.replace("v4.0.30319\\Config", "v2.0.50727\\CONFIG")
    result, _tree = report({v2: "", v2.replace("machine", "web"): section('compressionEnabled="true"')},
                           sites=None, frameworks=("v2.0",))
    server = level(result, "MACHINE/WEBROOT")
    assert server["framework_version"] == "v2.0" and "compressionEnabled" not in server["session_state"]
    assert "compressionEnabled" in level(result, TARGET)["session_state"]  # the v4.0 application is unaffected
    assert [f["rule"] for f in result["findings"]] == ["unrecognized-attribute"]


def test_state_server_levels_are_checked_against_the_service():
    stopped = _service.ServiceResult(exists=True, state="stopped", start_mode="manual", port=42424, allow_remote_connection=False)
    result, _tree = report({SITE: section('mode="StateServer" stateConnectionString="tcpip=localhost:42425"')}, service=stopped)
    messages = [finding["message"] for finding in result["findings"] if finding["rule"] == "state-service"]
    assert any("sessions fail" in message for message in messages)
    assert any("42425" in message for message in messages)
    assert all(finding["file"] == SITE for finding in result["findings"] if finding["rule"] == "state-service")


def test_bitness_difference_is_a_warning():
    f32 = WEBROOT.replace("Framework64", "Framework")
    result, _tree = report({f32: section('mode="StateServer"'), f32.replace("web.config", "machine.config"): ""},
                           bitnesses=(64, 32))
    assert [finding["rule"] for finding in result["findings"]] == ["bitness-differs"]
