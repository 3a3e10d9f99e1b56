"""The STIG audit, table-driven: every rule x compliant, non-compliant, exception, inherited, applicationHost.config only."""

from __future__ import annotations

import pytest

from ansible_collections.iis.aspnet.plugins.plugin_utils.audit import _stig
from ansible_collections.iis.aspnet.plugins.plugin_utils.base import _spec
from ansible_collections.iis.aspnet.plugins.plugin_utils.base._errors import OptionError
from ansible_collections.iis.aspnet.tests.unit.plugins.plugin_utils.engine_helpers import MACHINE, SITE, WEBROOT, report, section

RULES = [(profile, bench, rule) for profile in _stig.PROFILES for bench in _stig.benchmarks(profile) for rule in bench.rules]
GOOD = {"cookieless": "UseCookies", "mode": "InProc", "timeout": "10"}
BAD = {"cookieless": "UseUri", "mode": "Off", "timeout": "30"}
# Where a scope's own value lives, and the level above it that it inherits from.
OWN = {_stig.SERVER: WEBROOT, _stig.SITE: SITE}
PARENT = {_stig.SERVER: MACHINE, _stig.SITE: WEBROOT}
IIS_MANAGER_PATH = {_stig.SERVER: None, _stig.SITE: "S"}


def attributes(rule: _stig.Rule, values: dict[str, str]) -> str:
    return " ".join(f'{check.attribute}="{values[check.attribute]}"' for check in rule.checks)


def judged(profile: str, rule: _stig.Rule, files: dict[str, str], exceptions=None) -> list[_stig.Finding]:
    result, _tree = report(files)
    found = [finding for finding in _stig.audit(result, profile, exceptions).findings if finding.rule == rule]
    assert found, f"{rule.vuln_id} was not judged"
    return found


def rule_id(case) -> str:
    return f"{case[0]}-{case[2].vuln_id}"


@pytest.mark.parametrize("case", RULES, ids=rule_id)
def test_compliant_value_at_its_own_level(case):
    profile, bench, rule = case
    for finding in judged(profile, rule, {OWN[bench.scope]: section(attributes(rule, GOOD))}):
        assert finding.status == _stig.NOT_A_FINDING, finding.details
        assert all(row["compliant"] and row["source"]["file"] == OWN[bench.scope] for row in finding.evidence)


@pytest.mark.parametrize("case", RULES, ids=rule_id)
def test_non_compliant_value_at_its_own_level(case):
    profile, bench, rule = case
    for finding in judged(profile, rule, {OWN[bench.scope]: section(attributes(rule, BAD))}):
        assert finding.status == _stig.OPEN
        assert "fails" in finding.details and OWN[bench.scope] in finding.details


@pytest.mark.parametrize("case", RULES, ids=rule_id)
def test_value_from_the_level_above(case):
    profile, bench, rule = case
    for finding in judged(profile, rule, {PARENT[bench.scope]: section(attributes(rule, BAD))}):
        assert finding.status == _stig.OPEN
        assert {row["source"]["file"] for row in finding.evidence if not row["compliant"]} == {PARENT[bench.scope]}
    for finding in judged(profile, rule, {PARENT[bench.scope]: section(attributes(rule, GOOD))}):
        assert finding.status == _stig.NOT_A_FINDING


@pytest.mark.parametrize("case", RULES, ids=rule_id)
def test_value_only_in_applicationhost_config(case):
    """ASP.NET runs the value above; IIS Manager shows the compliant one it never reads."""
    profile, bench, rule = case
    files = {PARENT[bench.scope]: section(attributes(rule, BAD)),
             "apphost": section(attributes(rule, GOOD), IIS_MANAGER_PATH[bench.scope])}
    for finding in judged(profile, rule, files):
        assert finding.status == _stig.OPEN
        assert all(row["iis_manager"]["compliant"] for row in finding.evidence)
        assert "IIS Manager shows" in finding.details and "would say NotAFinding" in finding.details


@pytest.mark.parametrize("case", RULES, ids=rule_id)
def test_declared_exception(case):
    profile, bench, rule = case
    site = "S" if bench.scope == _stig.SITE else None
    kind = _stig.KIND_NOT_APPLICABLE if rule.maintenance else _stig.KIND_WEB_FARM
    exception = {"site": site, "kind": kind, "justification": "Why it does not apply", "rules": [rule.vuln_id]}
    values = dict(BAD, mode="SQLServer")
    for finding in judged(profile, rule, {OWN[bench.scope]: section(attributes(rule, values))}, [exception]):
        expected = _stig.NOT_APPLICABLE if rule.maintenance else _stig.NOT_A_FINDING
        assert (finding.status, finding.comments) == (expected, f"Exception ({kind}): Why it does not apply")


@pytest.mark.parametrize("case", [case for case in RULES if case[2].web_farm], ids=rule_id)
def test_web_farm_exception_needs_state_out_of_process(case):
    profile, _bench, rule = case
    exception = {"site": "S", "kind": "web_farm", "justification": "farm"}
    for finding in judged(profile, rule, {SITE: section('mode="Off"')}, [exception]):
        assert finding.status == _stig.OPEN


def test_each_site_level_is_judged_and_reported():
    result, _tree = report({"C:\\s\\a\\web.config": section('cookieless="UseUri"')})
    finding = next(item for item in _stig.audit(result, "stig_iis10").findings if item.rule.vuln_id == "V-218736")
    assert finding.status == _stig.OPEN
    assert [(row["config_path"], row["compliant"]) for row in finding.evidence] == [
        ("MACHINE/WEBROOT/APPHOST/S", True), ("MACHINE/WEBROOT/APPHOST/S/a", False)]


@pytest.mark.parametrize("timeout, iis10, iis85", [("15", "NotAFinding", "NotAFinding"), ("16", "Open", "NotAFinding"),
                                                   ("20", "Open", "NotAFinding"), ("21", "Open", "Open"),
                                                   ("Infinite", "Open", "Open")])
def test_timeout_limits_of_each_release(timeout, iis10, iis85):
    result, _tree = report({WEBROOT: section(f'timeout="{timeout}"')})
    statuses = {finding.rule.vuln_id: finding.status for profile in _stig.PROFILES
                for finding in _stig.audit(result, profile).findings}
    assert (statuses["V-218805"], statuses["V-214420"]) == (iis10, iis85)


def test_false_counts_as_use_cookies():
    result, _tree = report({WEBROOT: section('cookieless="false" timeout="10"')})
    assert {finding.status for finding in _stig.audit(result, "stig_iis10").findings if finding.target is None} == {"NotAFinding"}


# --- remediation -------------------------------------------------------------------------------


def remediation(files, server=None, exceptions=None, declared=()):
    result, _tree = report(files)
    return _stig.audit(result, "stig_iis10", exceptions, server=server, declared=declared).remediation


def test_an_override_under_a_compliant_server_value_is_removed():
    # The server level (schema default UseCookies) complies: removing the site's override closes the finding.
    assert remediation({SITE: section('cookieless="UseUri"')}) == [{"commit": "SITE", "site": "S", "revert": ["cookieless"]}]


def test_a_site_value_is_written_where_removing_cannot_help():
    # The root web.config says UseUri too: without the site's override the site would still fail.
    files = {WEBROOT: section('cookieless="UseUri"'), SITE: section('cookieless="UseUri"')}
    assert remediation(files) == [{"site": "S", "cookieless": "UseCookies"}]


def test_an_application_inheriting_a_removed_override_is_removed_with_it():
    files = {SITE: section('mode="Off"'), "C:\\s\\a\\web.config": section('cookieless="UseUri"')}
    assert remediation(files) == [{"commit": "SITE", "site": "S", "revert": ["mode"]},
                                  {"commit": "APP", "site": "S/a", "revert": ["cookieless"]}]


def test_every_override_on_the_way_is_removed():
    # A root <location> for the site and the site's own web.config both say UseUri.
    files = {WEBROOT: section('cookieless="UseUri"', "S"), SITE: section('cookieless="UseUri"')}
    assert remediation(files) == [
        {"commit": "WEBROOT", "site": "S", "framework_version": "v4.0", "bitness": [64], "revert": ["cookieless"]},
        {"commit": "SITE", "site": "S", "revert": ["cookieless"]}]


def test_value_inherited_from_the_server_is_left_to_the_server_write():
    assert remediation({WEBROOT: section('mode="Off"')}, server={"mode": "InProc"}) == []
    assert remediation({WEBROOT: section('mode="Off"')}, server={"mode": "StateServer"}) == [{"site": "S", "mode": "InProc"}]
    assert remediation({WEBROOT: section('mode="Off"')}) == [{"site": "S", "mode": "InProc"}]


def test_server_write_for_another_bitness_does_not_count():
    assert remediation({WEBROOT: section('mode="Off"')}, server={"mode": "InProc", "bitness": [32]}) == [
        {"site": "S", "mode": "InProc"}]


def test_web_farm_keeps_its_mode_and_not_applicable_site_is_left_alone():
    farm = [{"site": "S", "kind": "web_farm", "justification": "farm"}]
    assert remediation({SITE: section('mode="SQLServer" cookieless="UseUri"')}, exceptions=farm) == [
        {"commit": "SITE", "site": "S", "revert": ["cookieless"]}]
    maintenance = [{"site": "S", "kind": "not_applicable", "justification": "maintenance"}]
    assert remediation({SITE: section('cookieless="UseUri"')}, exceptions=maintenance) == []


def test_settings_a_declared_entry_owns_are_left_to_it():
    assert remediation({SITE: section('cookieless="UseUri" mode="Off"')}, declared=[{"site": "S", "mode": "InProc"}]) == [
        {"commit": "SITE", "site": "S", "revert": ["cookieless"]}]


# --- refusals and warnings ---------------------------------------------------------------------


@pytest.mark.parametrize("exceptions, message", [
    ("S", "must be a list"),
    ([{"site": "S", "kind": "web_farm"}], "justification is required"),
    ([{"site": "S", "kind": "web_farm", "justification": "  "}], "justification is required"),
    ([{"site": "S", "kind": "waived", "justification": "x"}], "kind must be not_applicable or web_farm"),
    ([{"kind": "web_farm", "justification": "x"}], "kind web_farm applies to sites"),
    ([{"site": "S", "kind": "web_farm", "justification": "x", "rules": ["V-1"]}], "V-1 are not in the profile"),
    ([{"site": "S", "kind": "not_applicable", "justification": "x", "rules": ["V-218751"]}],
     "allows no not_applicable exception for V-218751"),
    ([{"site": "S", "kind": "web_farm", "justification": "x", "owner": "me"}], "unknown key(s) owner"),
])
def test_bad_exceptions_are_refused(exceptions, message):
    result, _tree = report({})
    with pytest.raises(OptionError, match="exceptions") as raised:
        _stig.audit(result, "stig_iis10", exceptions)
    assert message in str(raised.value)


@pytest.mark.parametrize("profile, server, message", [
    ("stig_iis10", {"cookieless": "UseUri"}, "cookieless=UseUri contradicts"),
    ("stig_iis10", {"timeout": 16}, "at most 15 minutes"),
    ("stig_iis85", {"timeout": 21}, "at most 20 minutes"),
])
def test_server_settings_that_contradict_the_profile_are_refused(profile, server, message):
    result, _tree = report({})
    with pytest.raises(OptionError, match=message):
        _stig.audit(result, profile, server=server)


def test_server_settings_are_free_on_a_not_applicable_server():
    result, _tree = report({})
    exceptions = [{"kind": "not_applicable", "justification": "maintenance only"}]
    audit = _stig.audit(result, "stig_iis10", exceptions, server={"cookieless": "UseUri", "timeout": 60})
    assert {finding.status for finding in audit.findings if finding.target is None} == {_stig.NOT_APPLICABLE}


@pytest.mark.parametrize("entry, exceptions, message", [
    ({"site": "S", "mode": "SQLServer"}, [], "mode=SQLServer contradicts"),
    ({"site": "S/a", "cookieless": "UseUri"}, [], "cookieless=UseUri contradicts"),
])
def test_declared_site_entries_that_contradict_the_profile_are_refused(entry, exceptions, message):
    result, _tree = report({})
    with pytest.raises(OptionError, match=message):
        _stig.audit(result, "stig_iis10", exceptions, declared=[entry])


def test_declared_out_of_process_mode_is_allowed_on_a_web_farm():
    result, _tree = report({})
    farm = [{"site": "s", "kind": "web_farm", "justification": "farm"}]
    assert _stig.audit(result, "stig_iis10", farm, declared=[{"site": "S", "mode": "SQLServer"}]).remediation == []


def test_warnings_name_unknown_sites_and_excepted_sites_the_server_write_changes():
    result, _tree = report({WEBROOT: section('cookieless="UseUri"')})
    exceptions = [{"site": "Nowhere", "kind": "not_applicable", "justification": "x"},
                  {"site": "S", "kind": "not_applicable", "justification": "maintenance"}]
    warnings = _stig.audit(result, "stig_iis10", exceptions, server={"cookieless": "UseCookies"}).warnings
    assert warnings[0] == "exception for site 'Nowhere' matches no site in applicationHost.config on this host"
    assert any("MACHINE/WEBROOT/APPHOST/S is excepted from V-218736 but inherits cookieless=UseUri" in item for item in warnings)


def test_result_names_the_releases_and_counts_statuses():
    result, _tree = report({})
    audit = _stig.audit(result, "stig_iis10")
    outcome = _stig.result(audit, "stig_iis10")
    assert [bench["release_info"] for bench in outcome["profile"]["benchmarks"]] == [
        "Release: 7 Benchmark Date: 01 Apr 2026", "Release: 15 Benchmark Date: 01 Apr 2026"]
    assert outcome["summary"] == {"Open": 1, "NotAFinding": 3, "Not_Applicable": 0}  # the schema's 20 minutes > 15
    assert [finding["vuln_id"] for finding in outcome["findings"]] == ["V-218804", "V-218805", "V-218736", "V-218751"]


def test_every_rule_id_belongs_to_its_vuln_and_is_unique():
    ids = [(rule.vuln_id, rule.rule_id) for bench in _stig.BENCHMARKS.values() for rule in bench.rules]
    assert len({rule for _vuln, rule in ids}) == len(ids)
    assert all(rule.startswith("S" + vuln + "r") and rule.endswith("_rule") for vuln, rule in ids)


def test_without_a_dotnet4_server_level_the_server_rules_stay_open_and_say_why():
    result, _tree = report({}, frameworks=("v2.0",))
    server = [finding for finding in _stig.audit(result, "stig_iis10").findings if finding.target is None]
    assert [(finding.status, finding.evidence) for finding in server] == [(_stig.OPEN, [])] * 2
    assert all("judge this rule by hand" in finding.details for finding in server)


def test_yaml_booleans_are_read_as_the_module_writes_them():
    result, _tree = report({SITE: section('cookieless="UseUri"')})
    audit = _stig.audit(result, "stig_iis10", server={"cookieless": False}, declared=[{"site": "S/a", "cookieless": False}])
    # The server-level write says false (UseCookies): the site's override goes; S/a writes its own.
    assert audit.remediation == [{"commit": "SITE", "site": "S", "revert": ["cookieless"]}]
    with pytest.raises(OptionError, match="cookieless=true contradicts"):
        _stig.audit(result, "stig_iis10", server={"cookieless": True})


def test_a_machine_write_does_not_fix_what_the_root_web_config_overrides():
    files = {WEBROOT: section('mode="Off"'), MACHINE: section('cookieless="UseUri"')}
    machine = {"commit": "MACHINE", "mode": "InProc", "cookieless": "UseCookies"}
    assert remediation(files, server=machine) == [{"site": "S", "mode": "InProc"}]
    assert remediation(files, server=dict(machine, commit="WEBROOT")) == []


# What the audit cannot read (issue: audit honesty). The value the schema default or the level above
# would give is compliant, so a judgement made without the unread input would say NotAFinding.
UNREAD = {
    "configSource": ('<system.web><sessionState configSource="session.config" /></system.web>\n',
                     "is redirected with configSource='session.config'"),
    "encrypted": ('<system.web><sessionState configProtectionProvider="RsaProtectedConfigurationProvider">'
                  "<EncryptedData /></sessionState></system.web>\n", "is encrypted (configProtectionProvider)"),
    "malformed": ('<system.web><sessionState mode="InProc"></system.web>\n', "cannot be parsed"),
}


@pytest.mark.parametrize("kind", sorted(UNREAD))
@pytest.mark.parametrize("case", RULES, ids=rule_id)
def test_a_value_nobody_read_is_open_with_the_reason_and_never_remediated(case, kind):
    profile, bench, rule = case
    body, reason = UNREAD[kind]
    result, _tree = report({PARENT[bench.scope]: section(attributes(rule, GOOD)), OWN[bench.scope]: body})
    audit = _stig.audit(result, profile)
    found = [finding for finding in audit.findings if finding.rule == rule]
    assert found
    for finding in found:
        assert finding.status == _stig.OPEN, finding.details
        assert all(row["compliant"] is None for row in finding.evidence)
        assert all(any(OWN[bench.scope] in text and reason in text for text in row["unread"]) for row in finding.evidence)
        assert "cannot be judged" in finding.details and OWN[bench.scope] in finding.details and reason in finding.details
    assert audit.remediation == []


@pytest.mark.parametrize("kind", sorted(UNREAD))
def test_an_unread_value_stays_open_under_a_web_farm_exception(kind):
    rule = next(rule for rule in _stig.benchmarks("stig_iis10")[1].rules if _stig.IN_PROC in rule.checks)
    exceptions = [{"site": "S", "kind": "web_farm", "justification": "Sessions in SQL Server."}]
    result, _tree = report({SITE: UNREAD[kind][0]})
    for finding in _stig.audit(result, "stig_iis10", exceptions).findings:
        if finding.rule == rule:
            assert finding.status == _stig.OPEN and finding.comments.startswith("Exception (web_farm)")


def test_an_encrypted_connection_strings_section_leaves_session_state_judged():
    # Only <sessionState> feeds the rules: encrypting <connectionStrings> (common practice) hides nothing they read.
    encrypted = ('<connectionStrings configProtectionProvider="RsaProtectedConfigurationProvider"><EncryptedData />'
                 "</connectionStrings>\n")
    result, _tree = report({SITE: encrypted + section(attributes(RULES[0][2], GOOD))})
    site = [finding for finding in _stig.audit(result, "stig_iis10").findings if finding.target == "S"]
    assert site and all(finding.status == _stig.NOT_A_FINDING for finding in site)


def test_every_profile_the_option_admits_has_its_benchmarks():
    assert tuple(_stig.PROFILES) == _spec.STIG_PROFILES
    assert _stig.EXCEPTION_KINDS == _spec.EXCEPTION_KINDS == ("not_applicable", "web_farm")
