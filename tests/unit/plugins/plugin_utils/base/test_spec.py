"""Unit tests for _spec: option values, runtime comparisons, cross-field rules, argument spec."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ansible_collections.iis.aspnet.plugins.plugin_utils.base import _spec
from ansible_collections.iis.aspnet.plugins.plugin_utils.server import _levels
from ansible_collections.iis.aspnet.plugins.plugin_utils.base._errors import OptionError
from ansible_collections.iis.aspnet.plugins.plugin_utils.base._spec import (
    ATTRIBUTES,
    attribute,
    check_effective,
    connection_pairs,
    desired_settings,
    module_spec,
    same_value,
    state_connection_problem,
    to_xml,
)

ONE_YEAR = "For InProc and StateServer modes, the session timeout value cannot be larger than one year"


# ---------------------------------------------------------------------------------------------
# The attribute table itself


def test_attribute_table_matches_the_design():
    assert [attr.option for attr in ATTRIBUTES] == [
        "mode", "timeout", "cookieless", "cookie_name", "cookie_same_site", "regenerate_expired_session_id",
        "state_connection_string", "state_network_timeout", "sql_connection_string", "sql_command_timeout",
        "sql_connection_retry_interval", "allow_custom_sql_database", "custom_provider", "use_hosting_identity",
        "compression_enabled", "partition_resolver_type", "session_id_manager_type", "page_state_history_size"]
    assert {attr.option for attr in ATTRIBUTES if attr.net4_only} == {
        "compression_enabled", "sql_connection_retry_interval", "cookie_same_site"}
    assert [attr.option for attr in ATTRIBUTES if attr.secret] == ["sql_connection_string"]
    assert all(attr.description.endswith(".") and len(attr.description) > 60 for attr in ATTRIBUTES)


# docs/aspnet-facts.md 1-2: reference source and ASPNET_schema.xml defaults, as XML text.
@pytest.mark.parametrize(("xml", "element", "default"), [
    ("mode", "sessionState", "InProc"),
    ("timeout", "sessionState", "20"),
    ("cookieless", "sessionState", "UseCookies"),
    ("cookieName", "sessionState", "ASP.NET_SessionId"),
    ("regenerateExpiredSessionId", "sessionState", "true"),
    ("stateConnectionString", "sessionState", "tcpip=loopback:42424"),
    ("stateNetworkTimeout", "sessionState", "10"),
    ("sqlConnectionString", "sessionState", "data source=localhost;Integrated Security=SSPI"),
    ("sqlCommandTimeout", "sessionState", "30"),
    ("sqlConnectionRetryInterval", "sessionState", "0"),
    ("allowCustomSqlDatabase", "sessionState", "false"),
    ("useHostingIdentity", "sessionState", "true"),
    ("compressionEnabled", "sessionState", "false"),
    ("sessionIDManagerType", "sessionState", ""),
    ("historySize", "sessionPageState", "9"),
])
def test_schema_defaults(xml, element, default):
    assert attribute(xml, element).default == default


def test_attribute_lookup_by_option_or_xml_name():
    assert attribute("session_id_manager_type") is attribute("sessionIDManagerType")
    assert attribute("historySize", "sessionPageState").option == "page_state_history_size"
    with pytest.raises(KeyError, match="historySize.*sessionState"):
        attribute("historySize", "sessionState")
    with pytest.raises(KeyError):
        attribute("lockAttributes")


# ---------------------------------------------------------------------------------------------
# to_xml: accepted values and their canonical text

ACCEPTED = [
    ("mode", "Off", "Off"),
    ("mode", "SQLServer", "SQLServer"),
    ("timeout", 20, "20"),
    ("timeout", "20", "20"),
    ("timeout", " +020 ", "20"),  # .NET long.Parse: white space and a sign
    ("timeout", 525600, "525600"),
    ("timeout", 1_000_000, "1000000"),  # legal alone; the mode decides (cross-field rules)
    ("timeout", "Infinite", "Infinite"),
    ("cookieless", "UseCookies", "UseCookies"),
    ("cookieless", "true", "true"),
    ("cookieless", True, "true"),  # YAML boolean: written as the runtime matches it
    ("cookieless", False, "false"),
    ("cookie_same_site", "Lax", "Lax"),
    ("regenerate_expired_session_id", False, "false"),
    ("regenerate_expired_session_id", " TRUE ", "true"),  # Boolean.Parse
    ("state_network_timeout", 1, "1"),
    ("state_network_timeout", "Infinite", "Infinite"),
    ("sql_command_timeout", 0, "0"),
    ("sql_connection_retry_interval", "15", "15"),
    ("page_state_history_size", 1, "1"),
    ("page_state_history_size", "12", "12"),
    ("cookie_name", "MySession", "MySession"),
    ("custom_provider", "", ""),
    ("state_connection_string", "tcpip=loopback:42424", "tcpip=loopback:42424"),
    ("state_connection_string", "tcpip=10.0.0.5:1", "tcpip=10.0.0.5:1"),
    ("state_connection_string", "tcpip=[::1]:42424", "tcpip=[::1]:42424"),
    ("state_connection_string", "tcpip=[fe80::1%4]:65535", "tcpip=[fe80::1%4]:65535"),
    ("state_connection_string", "StateConn", "StateConn"),  # a <connectionStrings> name
    ("state_connection_string", "REGISTRY:HKLM\\SOFTWARE\\x,y", "REGISTRY:HKLM\\SOFTWARE\\x,y"),
    ("sql_connection_string", "data source=db;Integrated Security=SSPI", "data source=db;Integrated Security=SSPI"),
    ("sql_connection_string", "server=db;Initial Catalog=", "server=db;Initial Catalog="),  # empty catalog
    ("sql_connection_string", "server=db;password='a;b''c'", "server=db;password='a;b''c'"),
]


@pytest.mark.parametrize(("option", "value", "expected"), ACCEPTED)
def test_to_xml_accepts(option, value, expected):
    assert to_xml(attribute(option), value) == expected


REFUSED = [
    ("mode", "inproc", "wrong case or spacing, write 'InProc'"),
    ("mode", "Sql", "'Sql' is not one of Off, InProc, StateServer, SQLServer, Custom (exact case)"),
    ("mode", False, "YAML reads an unquoted Off as the boolean false: quote it, 'Off'"),
    ("mode", True, "got the boolean True; choices, exact case"),
    ("timeout", 0, "0 minutes is out of range: 1 to"),
    ("timeout", -5, "-5 minutes is out of range"),
    ("timeout", "infinite", "is not a whole number of minutes or 'Infinite' (exact case)"),
    ("timeout", "20m", "'20m' is not a whole number of minutes"),
    ("timeout", 20.5, "20.5 is not a whole number of minutes"),
    ("timeout", True, "True is not a whole number of minutes"),
    ("timeout", "1_0", "is not a whole number"),  # Python int() would take it, .NET would not
    ("timeout", 15_372_286_729, "out of range"),  # TimeSpan overflow
    ("cookieless", "True", "'True' is refused: the runtime matches only lowercase 'true'/'false'"),
    ("cookieless", "FALSE", "the runtime matches only lowercase 'true'/'false'"),
    ("cookieless", "usecookies", "write 'UseCookies'"),
    ("cookieless", "yes", "'yes' is not one of UseUri, UseCookies"),
    ("cookieless", 1, "'1' is not one of"),
    ("cookie_same_site", "lax", "write 'Lax'"),
    ("regenerate_expired_session_id", "yes", "'yes' is not a boolean"),
    ("regenerate_expired_session_id", 1, "1 is not a boolean"),
    ("state_network_timeout", 0, "0 seconds is out of range: 1 to"),  # PositiveTimeSpanValidator
    ("sql_command_timeout", -1, "-1 seconds is out of range: 0 to"),
    ("sql_connection_retry_interval", "soon", "not a whole number of seconds"),
    ("page_state_history_size", 0, "0 is out of range: 1 to 2147483647"),
    ("page_state_history_size", 2_147_483_648, "out of range"),
    ("page_state_history_size", "Infinite", "is not a whole number"),
    ("cookie_name", 42, "must be a string, got int"),
    ("cookie_name", "a\nb", "control character"),
    ("partition_resolver_type", "x\x00y", "control character"),
    ("state_connection_string", "TCPIP=loopback:42424", "must start with 'tcpip=' (exact, lowercase)"),
    ("state_connection_string", "server=x", "must start with 'tcpip='"),
    ("state_connection_string", "tcpip=loopback", "must have the form tcpip=<host>:<port>"),
    ("state_connection_string", "tcpip=a:1:2", "must have the form tcpip=<host>:<port>"),
    ("state_connection_string", "tcpip=::1:42424", "must have the form"),
    ("state_connection_string", "tcpip=:42424", "must have the form"),
    ("state_connection_string", "tcpip=[::1:42424", "IPv6 server must be written in brackets"),
    ("state_connection_string", "tcpip=[10.0.0.1]:42424", "IPv6 server must be written in brackets"),
    ("state_connection_string", "tcpip=loopback:0", "the port '0' must be a number from 1 to 65535"),
    ("state_connection_string", "tcpip=loopback:65536", "from 1 to 65535"),
    ("state_connection_string", "tcpip=loopback:", "from 1 to 65535"),
    ("state_connection_string", "tcpip=serv\u00e9r:42424", "must be ASCII"),
    ("state_connection_string", "", "must start with 'tcpip='"),
    ("sql_connection_string", "server=db;password='open", "is not a valid connection string"),
    ("sql_connection_string", "server=db;justaword;x=1", "is not a valid connection string"),
    ("sql_connection_string", "   ", "is empty"),
]


@pytest.mark.parametrize(("option", "value", "message"), REFUSED)
def test_to_xml_refuses(option, value, message):
    with pytest.raises(OptionError) as info:
        to_xml(attribute(option), value)
    assert info.value.option == option
    assert message in info.value.reason


def test_secret_values_are_never_repeated_in_errors():
    with pytest.raises(OptionError) as info:
        to_xml(attribute("sql_connection_string"), "server=db;password='hunter2")
    assert "hunter2" not in str(info.value)
    with pytest.raises(OptionError) as info:
        desired_settings({"sql_connection_string": "Initial Catalog=hunter2", "allow_custom_sql_database": False},
                         "v4.0")
    assert "hunter2" not in str(info.value)


# ---------------------------------------------------------------------------------------------
# same_value: the runtime's reading of a value already in a file

SAME = [
    ("timeout", "20", "20", True),
    ("timeout", " 020", "20", True),
    ("timeout", "+20", "20", True),
    ("timeout", "21", "20", False),
    ("timeout", "Infinite", "Infinite", True),
    ("timeout", "infinite", "Infinite", False),  # the runtime refuses it: rewrite
    ("timeout", None, "20", False),  # absent = inherited, never "already set"
    ("timeout", "abc", "20", False),
    ("state_network_timeout", "010", "10", True),
    ("page_state_history_size", " 9 ", "9", True),
    ("regenerate_expired_session_id", "True", "true", True),  # Boolean.Parse ignores case
    ("regenerate_expired_session_id", " FALSE ", "false", True),
    ("regenerate_expired_session_id", "yes", "true", False),
    ("mode", "InProc", "InProc", True),
    ("mode", "inproc", "InProc", False),  # enum names are exact
    ("cookieless", "false", "UseCookies", True),  # ConvertToCookieMode: false = UseCookies
    ("cookieless", "true", "UseUri", True),
    ("cookieless", "UseUri", "true", True),
    ("cookieless", "True", "true", False),  # refused by the runtime: rewrite
    ("cookieless", "UseCookies", "UseUri", False),
    ("cookie_name", "ASP.NET_SessionId", "asp.net_sessionid", False),
    ("custom_provider", "", "", True),
    ("sql_connection_string", "server=a", "server=a", True),
]


@pytest.mark.parametrize(("option", "current", "desired", "expected"), SAME)
def test_same_value(option, current, desired, expected):
    assert same_value(attribute(option), current, desired) is expected


@given(st.integers(min_value=1, max_value=_spec.ONE_YEAR_MINUTES * 40),
       st.sampled_from(["", " ", "\t", "0", "+", "00"]), st.sampled_from(["", " ", "\r\n"]))
def test_numbers_compare_as_the_runtime_parses_them(number, prefix, suffix):
    attr = attribute("timeout")
    desired = to_xml(attr, number)
    assert desired == to_xml(attr, str(number)) == str(number)
    assert same_value(attr, f"{prefix}{number}{suffix}", desired)
    assert not same_value(attr, str(number + 1), desired)


# ---------------------------------------------------------------------------------------------
# desired_settings: options in, settings and warnings out


def test_desired_settings_keeps_only_given_attributes_and_ignores_other_options():
    settings, warnings = desired_settings(
        {"mode": "InProc", "timeout": 20, "cookieless": False, "page_state_history_size": 5, "cookie_name": None,
         "commit": "WEBROOT", "site": None, "bitness": [64], "state_service": {"state": "ignore"}}, "v4.0")
    assert settings == {("sessionState", "mode"): "InProc", ("sessionState", "timeout"): "20",
                        ("sessionState", "cookieless"): "false", ("sessionPageState", "historySize"): "5"}
    assert warnings == []


WARNED = [
    ({"cookie_same_site": "Strict"}, ["cookie_same_site: no IIS schema declares cookieSameSite"]),
    # A name is judged once the <connectionStrings> entries in effect at the target are known (_plan).
    ({"state_connection_string": "StateConn"}, []),
    ({"sql_connection_string": "registry:HKLM\\SOFTWARE\\App\\ASPNET_SETREG,sqlConnectionString"},
     ["sql_connection_string: a registry: reference, which only the host can read; format not checked"]),
    ({"sql_connection_string": "SessionDb", "allow_custom_sql_database": False}, []),
]


@pytest.mark.parametrize(("options", "expected"), WARNED)
def test_desired_settings_warnings(options, expected):
    _settings, warnings = desired_settings(options, "v4.0")
    assert len(warnings) == len(expected)
    for warning, start in zip(warnings, expected):
        assert warning.startswith(start)


DESIRED_REFUSED = [
    ({}, "v4.0", "options", "nothing to manage: give at least one session-state setting (mode, timeout,"),
    ({"mode": None, "commit": "WEBROOT"}, "v4.0", "options", "nothing to manage"),
    ({"mode": "InProc"}, "v3.5", "framework_version", "'v3.5' is not one of v4.0, v2.0"),
    ({"compression_enabled": True}, "v2.0", "compression_enabled",
     "compressionEnabled exists only in .NET Framework 4; .NET 2.0 refuses it"),
    ({"cookie_same_site": "Lax"}, "v2.0", "cookie_same_site", "exists only in .NET Framework 4"),
    ({"sql_connection_retry_interval": 5}, "v2.0", "sql_connection_retry_interval", "only in .NET Framework 4"),
    ({"mode": "InProc", "timeout": 525601}, "v4.0", "timeout", ONE_YEAR),
    ({"mode": "StateServer", "timeout": "Infinite"}, "v4.0", "timeout", ONE_YEAR),
    ({"sql_connection_string": "server=db;Database=Sessions", "allow_custom_sql_database": False}, "v4.0",
     "sql_connection_string", "names a database (database) but allow_custom_sql_database is false"),
    ({"sql_connection_string": "server=db; INITIAL CATALOG =S", "allow_custom_sql_database": "false"}, "v4.0",
     "sql_connection_string", "names a database"),
    ({"sql_connection_string": "server=db;AttachDbFileName=|DataDirectory|\\s.mdf",
      "allow_custom_sql_database": False}, "v4.0", "sql_connection_string", "names a database (attachdbfilename)"),
]


@pytest.mark.parametrize(("options", "framework", "option", "reason"), DESIRED_REFUSED)
def test_desired_settings_refuses(options, framework, option, reason):
    with pytest.raises(OptionError) as info:
        desired_settings(options, framework)
    assert info.value.option == option
    assert reason in info.value.reason


DESIRED_ACCEPTED = [
    {"mode": "SQLServer", "timeout": 600000},
    {"mode": "Custom", "timeout": "Infinite"},
    {"mode": "Off", "timeout": "Infinite"},  # the runtime checks the year only for InProc/StateServer
    {"mode": "InProc", "timeout": 525600},
    {"timeout": "Infinite"},  # mode not given: decided on the effective values
    {"sql_connection_string": "server=db;Initial Catalog=S", "allow_custom_sql_database": True},
    {"sql_connection_string": "server=db;Initial Catalog=S"},  # allow_custom not given: decided later
    {"compression_enabled": False, "cookie_same_site": "None"},
]


@pytest.mark.parametrize("options", DESIRED_ACCEPTED)
def test_desired_settings_accepts(options):
    settings, _warnings = desired_settings(options, "v4.0")
    assert len(settings) == len(options)


def test_desired_settings_reports_every_problem_at_once():
    with pytest.raises(OptionError) as info:
        desired_settings({"mode": "inproc", "cookieless": "True", "page_state_history_size": 0}, "v4.0")
    assert info.value.option == "mode"
    assert str(info.value) == (
        "mode: 'inproc' has the wrong case or spacing, write 'InProc' (choices, exact case: Off, InProc, "
        "StateServer, SQLServer, Custom); cookieless: 'True' is refused: the runtime matches only lowercase "
        "'true'/'false' (choices, exact case: UseUri, UseCookies, AutoDetect, UseDeviceProfile, true, false); "
        "page_state_history_size: 0 is out of range: 1 to 2147483647")


# ---------------------------------------------------------------------------------------------
# check_effective: rules on the values in effect after the edit (absent -> schema default)

EFFECTIVE = [
    ({}, []),  # all schema defaults
    ({"timeout": "525600"}, []),
    ({"timeout": "525601"}, ["timeout: " + ONE_YEAR]),  # mode defaults to InProc
    ({"mode": "StateServer", "timeout": "Infinite"}, ["timeout: " + ONE_YEAR]),
    ({"mode": "SQLServer", "timeout": "Infinite"}, []),
    ({"mode": "Off", "timeout": "9999999"}, []),
    ({"mode": "InProc", "timeout": "garbage"}, []),  # not decidable here
    ({"mode": "StateServer", "stateConnectionString": "tcpip=state01:42424"}, []),
    ({"mode": "StateServer", "stateConnectionString": "tcp=state01:42424"},
     ["state_connection_string: must start with 'tcpip='"]),
    # Values come as the runtime reads them (a name already replaced by its entry's value): a
    # value that named no entry is parsed literally and refused (HandlerBase.CheckAndReadConnectionString).
    ({"mode": "StateServer", "stateConnectionString": "state01:42424"}, ["state_connection_string: must start with 'tcpip='"]),
    ({"mode": "StateServer", "stateConnectionString": "StateConn"}, ["state_connection_string: must start with 'tcpip='"]),
    ({"mode": "StateServer", "stateConnectionString": "bad", "partitionResolverType": "App.Resolver, App"}, []),
    ({"mode": "InProc", "stateConnectionString": "tcp=state01"}, []),  # unused by InProc
    ({"mode": "SQLServer", "sqlConnectionString": "server=db;Initial Catalog=S"},
     ["sql_connection_string: names a database (initial catalog) but allow_custom_sql_database is false"]),
    ({"mode": "SQLServer", "sqlConnectionString": "server=db;Initial Catalog=S", "allowCustomSqlDatabase": "True"},
     []),
    ({"mode": "SQLServer", "sqlConnectionString": "server=db;Initial Catalog=S", "allowCustomSqlDatabase": "yes"},
     ["sql_connection_string: names a database"]),
    ({"mode": "SQLServer", "sqlConnectionString": "server=db;pwd='x"}, ["sql_connection_string: is not a valid"]),
    ({"mode": "SQLServer", "sqlConnectionString": "registry:HKLM\\x,y"}, []),
    ({"mode": "Custom", "sqlConnectionString": "server=db;Database=S"}, []),
    ({"mode": "InProc", "timeout": "Infinite", "lockAttributes": "mode"}, ["timeout: " + ONE_YEAR]),
]


@pytest.mark.parametrize(("effective", "expected"), EFFECTIVE)
def test_check_effective(effective, expected):
    errors = check_effective(effective, "v4.0")
    assert len(errors) == len(expected)
    for error, start in zip(errors, expected):
        assert error.startswith(start)


def test_check_effective_labels_and_unchecked_connection_strings():
    values = {"mode": "StateServer", "stateConnectionString": "StateConn"}
    assert check_effective(values, "v4.0", unchecked=["stateConnectionString"]) == []
    (error,) = check_effective(values, "v4.0", labels={"stateConnectionString": "names the entry X, whose value "})
    assert error.startswith("state_connection_string: names the entry X, whose value must start with 'tcpip='")


def test_check_effective_refuses_an_unknown_framework():
    with pytest.raises(OptionError, match="framework_version"):
        check_effective({}, "v1.1")


# ---------------------------------------------------------------------------------------------
# Connection-string parsing

PAIRS = [
    ("", {}),
    ("a=1", {"a": "1"}),
    (" Data Source = db ; Integrated Security=SSPI;", {"data source": "db", "integrated security": "SSPI"}),
    ("a=1;A=2", {"a": "2"}),  # the last one wins
    ("pwd='x;y''z'; b=2", {"pwd": "x;y'z", "b": "2"}),
    ('pwd="he said ""hi"""', {"pwd": 'he said "hi"'}),
    ("key==x=1", {"key=x": "1"}),  # '==' is an escaped '=' in a keyword
    ("a=b=c", {"a": "b=c"}),
    ("a='x' y", None),  # text after a closing quote
    ("a='x", None),
    ("novalue;a=1", None),
]


@pytest.mark.parametrize(("text", "expected"), PAIRS)
def test_connection_pairs(text, expected):
    assert connection_pairs(text) == expected


@pytest.mark.parametrize("value", ["tcpip=localhost:42424", "tcpip=127.0.0.1:42424", "tcpip=[2001:db8::5]:1"])
def test_valid_state_connection_strings(value):
    assert state_connection_problem(value) is None


# ---------------------------------------------------------------------------------------------
# module_spec: each module's argument spec, as Ansible applies it to what a user writes

# The public options of each module (README, plugins/modules/*.py), in documentation order.
OPTIONS = {
    "session_state": [
        "commit", "site", "framework_version", "bitness", "mode", "timeout", "cookieless", "cookie_name",
        "cookie_same_site", "regenerate_expired_session_id", "state_connection_string", "state_network_timeout",
        "sql_connection_string", "sql_command_timeout", "sql_connection_retry_interval", "allow_custom_sql_database",
        "custom_provider", "use_hosting_identity", "compression_enabled", "partition_resolver_type",
        "session_id_manager_type", "page_state_history_size", "revert", "state_service", "image_root",
        "image_environment", "image_shares", "backup"],
    "session_state_info": [
        "site", "framework_version", "bitness", "image_root", "image_environment", "image_shares", "include_service"],
    "session_state_stig": [
        "profile", "exceptions", "server", "declared", "image_root", "image_environment", "image_shares"],
}


@pytest.mark.parametrize("module", list(OPTIONS))
def test_module_spec_names_the_public_options(module):
    assert list(module_spec(module)) == OPTIONS[module]
    assert list(module_spec(module, docs=True)) == OPTIONS[module]


def test_module_spec_knows_only_the_three_modules():
    assert _spec.MODULES == ("session_state", "session_state_info", "session_state_stig")
    with pytest.raises(KeyError, match="no module 'session_state_facts': one of session_state, session_state_info"):
        module_spec("session_state_facts")


def _validate(module: str, params: dict):
    arg_spec = pytest.importorskip("ansible.module_utils.common.arg_spec")
    return arg_spec.ArgumentSpecValidator(module_spec(module)).validate(params)


# What Ansible makes of a task's arguments before the engine sees them (the defaults a user relies on,
# YAML values that must reach the engine untouched, scalars made lists).
ANSIBLE_PASSES = [
    ("session_state", {}, {"commit": None, "framework_version": "v4.0", "bitness": [64, 32], "backup": False,
                           "state_service": None, "revert": None, "mode": None}),  # state_service: per host, later
    ("session_state", {"bitness": 32}, {"bitness": [32]}),
    ("session_state", {"timeout": 20, "cookieless": True, "mode": False, "sql_command_timeout": "Infinite"},
     {"timeout": 20, "cookieless": True, "mode": False, "sql_command_timeout": "Infinite"}),  # raw: the engine judges
    ("session_state", {"page_state_history_size": "9", "compression_enabled": "yes"},
     {"page_state_history_size": 9, "compression_enabled": True}),
    ("session_state", {"state_service": {"state": "started"}},
     {"state_service": {"state": "started", "start_mode": None, "port": None, "allow_remote_connection": None,
                        "restart": True}}),
    ("session_state", {"image_root": "~/image"}, {"image_root": str(Path("~/image").expanduser())}),  # a path: ~ expanded
    ("session_state_info", {}, {"site": None, "framework_version": None, "bitness": None, "include_service": True}),
    ("session_state_info", {"site": ["Default Web Site", "Intranet/hr"], "bitness": 64},
     {"site": ["Default Web Site", "Intranet/hr"], "bitness": [64]}),
    ("session_state_stig", {}, {"profile": "stig_iis10", "exceptions": [], "server": {}, "declared": []}),
    ("session_state_stig", {"exceptions": [{"kind": "web_farm", "justification": "farm"}]},
     {"exceptions": [{"kind": "web_farm", "justification": "farm", "site": None, "rules": None}]}),
]


@pytest.mark.parametrize(("module", "params", "expected"), ANSIBLE_PASSES)
def test_ansible_passes(module, params, expected):
    result = _validate(module, params)
    assert not result.error_messages
    assert {key: result.validated_parameters[key] for key in expected} == expected


# What Ansible refuses itself, naming the values allowed: appcmd's /commit levels, the Framework folders,
# the state and start types of ansible.windows.win_service, the two STIG profiles, the exception kinds.
ANSIBLE_REFUSES = [
    ("session_state", {"commit": "webroot"}, "value of commit must be one of: MACHINE, WEBROOT, APPHOST, SITE, APP"),
    ("session_state", {"framework_version": "4.0"}, "value of framework_version must be one of: v4.0, v2.0"),
    ("session_state", {"state_service": {"state": "running"}}, "one of: started, stopped, present, ignore"),
    ("session_state", {"state_service": {"start_mode": "automatic"}}, "one of: auto, delayed, manual, disabled"),
    ("session_state", {"revert": ["timeout", "lockAttributes"]}, "value of revert must be one or more of: mode,"),
    ("session_state", {"cookie_same_site": "none"}, "value of cookie_same_site must be one of: None, Lax, Strict"),
    ("session_state_info", {"framework_version": "v3.5"}, "value of framework_version must be one of: v4.0, v2.0"),
    ("session_state_info", {"folders": False}, "folders. Supported parameters include: bitness,"),  # the STIG action's own, not a user's
    ("session_state_stig", {"profile": "stig_iis11"}, "value of profile must be one of: stig_iis10, stig_iis85"),
    ("session_state_stig", {"exceptions": [{"kind": "farm", "justification": "x"}]}, "one of: not_applicable, web_farm"),
    ("session_state_stig", {"exceptions": [{"kind": "web_farm"}]}, "missing required arguments: justification"),
    ("session_state_stig", {"timeout": 15}, "timeout. Supported parameters include: declared, exceptions,"),
]


@pytest.mark.parametrize(("module", "params", "message"), ANSIBLE_REFUSES)
def test_ansible_refuses(module, params, message):
    assert any(message in error for error in _validate(module, params).error_messages)


def test_the_connection_string_is_a_secret_to_ansible():
    result = _validate("session_state", {"sql_connection_string": "server=db;password=s3cret-Pw"})
    assert "server=db;password=s3cret-Pw" in result._no_log_values  # pylint: disable=protected-access


@pytest.mark.parametrize("module", list(OPTIONS))
def test_module_spec_docs_carry_a_description_everywhere(module):
    spec = module_spec(module, docs=True)
    entries = [*spec.values(), *(child for entry in spec.values() for child in entry.get("options", {}).values())]
    assert all(isinstance(entry["description"], (str, tuple)) and entry["description"] for entry in entries)
    assert "description" not in str(module_spec(module))


def test_module_spec_is_a_fresh_copy():
    spec = module_spec("session_state")
    spec["bitness"]["default"].append(16)
    spec["state_service"]["options"]["state"]["choices"].clear()
    assert module_spec("session_state")["bitness"]["default"] == [64, 32]
    assert module_spec("session_state")["state_service"]["options"]["state"]["choices"]
    module_spec("session_state_stig")["exceptions"]["default"].append({})
    assert module_spec("session_state_stig")["exceptions"]["default"] == []


def test_shared_options_are_one_definition():
    specs = {module: module_spec(module, docs=True) for module in OPTIONS}
    for name in ("image_environment", "image_shares"):
        assert specs["session_state"][name] == specs["session_state_info"][name] == specs["session_state_stig"][name]
    roots = [specs[module]["image_root"]["description"] for module in OPTIONS]
    assert all(root.startswith(specs["session_state_info"]["image_root"]["description"]) for root in roots)


# Ansible's own validator (tests may import Ansible; the engine may not).
VALIDATED = [
    ({"cookieless": True, "timeout": 20}, "cookieless", True),  # raw: YAML booleans reach the engine
    ({"cookieless": True, "timeout": 20}, "timeout", 20),
    ({"mode": "InProc", "bitness": 32}, "bitness", [32]),
    ({"mode": "InProc"}, "framework_version", "v4.0"),
    ({"mode": "InProc"}, "state_service", None),  # the default depends on the host: decided later
    ({"state_service": {"state": "started"}}, "state_service",
     {"state": "started", "start_mode": None, "port": None, "allow_remote_connection": None, "restart": True}),
]


@pytest.mark.parametrize(("params", "key", "expected"), VALIDATED)
def test_ansible_accepts_the_spec(params, key, expected):
    arg_spec = pytest.importorskip("ansible.module_utils.common.arg_spec")
    result = arg_spec.ArgumentSpecValidator(module_spec("session_state")).validate(params)
    assert not result.error_messages
    assert result.validated_parameters[key] == expected


def test_ansible_refuses_a_wrong_choice_before_the_engine():
    arg_spec = pytest.importorskip("ansible.module_utils.common.arg_spec")
    result = arg_spec.ArgumentSpecValidator(module_spec("session_state")).validate({"commit": "webroot", "framework_version": "4.0"})
    assert any("value of commit must be one of" in msg for msg in result.error_messages)
    assert any("value of framework_version must be one of" in msg for msg in result.error_messages)


def test_mode_and_bitness_pass_ansible_untouched_so_the_engine_names_the_mistake():
    """An unquoted Off (YAML false) must not become Ansible's "got: False", and ansible-core 2.16
    crashes on a refused int choice: both reach the engine, which refuses them clearly."""
    arg_spec = pytest.importorskip("ansible.module_utils.common.arg_spec")
    result = arg_spec.ArgumentSpecValidator(module_spec("session_state")).validate({"mode": False, "bitness": [16]})
    assert not result.error_messages
    assert result.validated_parameters["mode"] is False and result.validated_parameters["bitness"] == [16]
    with pytest.raises(OptionError, match="mode: got the boolean False .*quote it, 'Off'"):
        to_xml(attribute("mode"), False)
    with pytest.raises(OptionError, match="bitness: 16 is not one of 64, 32"):
        _levels.resolve(None, None, "v4.0", [16], None)
