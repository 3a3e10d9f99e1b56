"""_drift and STIG audits: collection (last audit wins), the STIG section of each rendering, the checklists written."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET

import pytest

from ansible_collections.iis.aspnet.plugins.plugin_utils.report import _drift
from ansible_collections.iis.aspnet.plugins.plugin_utils.base._mask import MASK
from ansible_collections.iis.aspnet.tests.unit.plugins.callback.junit_readers import gitlab_cases, schema_errors
from ansible_collections.iis.aspnet.tests.unit.plugins.plugin_utils.stig_helpers import EXCEPTIONS, stig_result
from ansible_collections.iis.aspnet.tests.unit.plugins.plugin_utils.report.test_ckl import validate

CANARY = "Canary-7f3a9c-Secret"
ROOT32 = r"C:\Windows\Microsoft.NET\Framework\v4.0.30319\Config\web.config"
LEGACY_ROOT = r"C:\Windows\Microsoft.NET\Framework64\v2.0.50727\CONFIG\web.config"
STEADY = {"changed": False, "files": [{"path": ROOT32, "changed": False}], "changes": []}


def fleet() -> list[_drift.HostRecord]:
    """web01: session_state in line and the IIS 10 audit; web02: the IIS 8.5 audit with exceptions only; web03: a failed audit."""
    collector = _drift.Collector()
    collector.add_result("web01", "Session state", STEADY, check_mode=True)
    collector.add_stig("web01", "Audit", stig_result("stig_iis10"))
    collector.add_stig("web02", "Audit", stig_result("stig_iis85", EXCEPTIONS))
    collector.add_stig("web03", "Audit", {"failed": True, "msg": "image_root: required on a host that is not Windows"}, failed=True)
    return collector.report()


@pytest.mark.parametrize(("action", "expected"), [
    ("iis.aspnet.session_state_stig", True), ("session_state_stig", True), ("ansible.legacy.session_state_stig", True),
    ("iis.aspnet.session_state", False), ("iis.aspnet.session_state_info", False), (None, False),
])
def test_is_session_state_stig(action, expected):
    assert _drift.is_session_state_stig(action) is expected


# ---------------------------------------------------------------------------------------------
# Collection


def test_an_audit_is_kept_per_host_and_a_host_with_only_an_audit_is_audited_not_in_line():
    web03, web01, web02 = fleet()
    assert [(record.host, record.status) for record in (web03, web01, web02)] == [
        ("web03", _drift.ERROR), ("web01", _drift.IN_LINE), ("web02", _drift.AUDITED)]
    assert web01.stig.counts() == stig_result("stig_iis10")["summary"] == {"Open": 2, "NotAFinding": 6, "Not_Applicable": 0}
    assert web02.stig.counts() == {"Open": 1, "NotAFinding": 9, "Not_Applicable": 1}
    assert web03.stig is None and web03.errors == [("Audit", "image_root: required on a host that is not Windows")]


def test_the_last_audit_of_a_host_wins():
    collector = _drift.Collector()
    collector.add_stig("web01", "Before", stig_result("stig_iis10"))
    collector.add_stig("web01", "After", stig_result("stig_iis10", EXCEPTIONS))
    collector.add_stig("web01", "Skipped", {"skipped": True, "changed": False})
    (record,) = collector.report()
    after = stig_result("stig_iis10", EXCEPTIONS)["summary"]
    assert (record.stig.task, record.stig.counts()) == ("After", after) and after != stig_result("stig_iis10")["summary"]


def test_a_failed_audit_is_an_error_and_drops_the_earlier_one():
    collector = _drift.Collector()
    collector.add_stig("web01", "Before", stig_result("stig_iis10"))
    collector.add_stig("web01", "After", {"unreachable": True, "msg": "winrm: connection refused"})
    (record,) = collector.report()
    assert record.stig is None and record.status == _drift.UNREACHABLE


def test_a_loop_of_audits_keeps_the_last_that_succeeded():
    collector = _drift.Collector()
    items = [stig_result("stig_iis85"), stig_result("stig_iis10"), {"failed": True, "msg": "bad item"}]
    collector.add_stig("web01", "Audit each", {"results": items, "failed": True, "msg": "One or more items failed"}, failed=True)
    (record,) = collector.report()
    assert record.stig.profile == "stig_iis10" and record.errors == [("Audit each", "bad item")]


def test_an_audit_under_no_log_says_it_was_hidden_and_writes_no_checklist(tmp_path):
    collector = _drift.Collector()
    collector.add_stig("web01", "Hidden", {"censored": "the output has been hidden", "changed": False, "_ansible_no_log": True})
    records = collector.report()
    assert records[0].stig.hidden and "web01  (hidden by no_log)  0     0            0" in _drift.render_table(records)
    assert _drift.write_reports(records, str(tmp_path), ["ckl"]) == [] and list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------------------------------------
# Renderings


def test_table_has_counts_per_host_and_one_line_per_open_finding_with_its_first_failing_line():
    table = _drift.render_table(fleet()).splitlines()
    start = table.index("STIG AUDIT (iis.aspnet.session_state_stig)")
    assert table[start:start + 5] == [
        "STIG AUDIT (iis.aspnet.session_state_stig)",
        "HOST   PROFILE     Open  NotAFinding  Not_Applicable",
        "-----  ----------  ----  -----------  --------------",
        "web01  stig_iis10  2     6            0",
        "web02  stig_iis85  1     9            1",
    ]
    opens = table[start + 6:start + 11]
    assert opens[0] == "Open findings:" and opens[1].split() == ["HOST", "VULN", "RULE", "SITE", "DETAILS"]
    assert [line.split()[:4] for line in opens[3:]] == [["web01", "V-218805", "SV-218805r1067583_rule", "(server)"],
                                                        ["web01", "V-218751", "SV-218751r1043181_rule", "Legacy"]]
    # V-218805's first details line is a compliant cookieless: the line shown is the first that fails.
    assert opens[3].endswith("MACHINE/WEBROOT (.NET v4.0, 64-bit): timeout=20 from schema default; fails <= 15")
    assert opens[4].endswith(f"mode=SQLServer from WEBROOT {LEGACY_ROOT} line 59; fails InProc")
    assert table[-1] == "3 host(s): 1 error, 1 in line, 1 audited"


def test_no_audit_no_stig_section():
    collector = _drift.Collector()
    collector.add_result("web01", "t", STEADY)
    records = collector.report()
    assert "STIG" not in _drift.render_table(records) and "STIG" not in _drift.render_markdown(records)


def test_json_carries_the_profile_releases_and_every_finding():
    hosts = {entry["host"]: entry for entry in json.loads(_drift.render_json(fleet()))["hosts"]}
    assert hosts["web03"]["stig"] is None and hosts["web02"]["status"] == "audited"
    stig = hosts["web01"]["stig"]
    assert (stig["profile"], stig["task"], stig["hidden"]) == ("stig_iis10", "Audit", False)
    assert [(bench["stig_id"], bench["version"], bench["release"], bench["release_info"]) for bench in stig["benchmarks"]] == [
        ("IIS_10-0_Server_STIG", 3, 7, "Release: 7 Benchmark Date: 01 Apr 2026"),
        ("IIS_10-0_Site_STIG", 2, 15, "Release: 15 Benchmark Date: 01 Apr 2026")]
    expected = stig_result("stig_iis10")
    assert stig["summary"] == expected["summary"] and stig["remediation"] == expected["remediation"]
    keys = ("stig", "vuln_id", "rule_id", "stig_id", "site", "status", "finding_details", "comments", "evidence")
    assert [{key: finding[key] for key in keys} for finding in stig["findings"]] == [
        {key: finding[key] for key in keys} for finding in expected["findings"]]


def test_markdown_has_the_counts_and_the_open_findings_with_rule_ids():
    lines = _drift.render_markdown(fleet()).splitlines()
    assert lines[lines.index("## STIG audit") + 2:lines.index("## STIG audit") + 6] == [
        "| Host | Profile | Open | NotAFinding | Not_Applicable |", "|---|---|---|---|---|",
        "| `web01` | `stig_iis10` | 2 | 6 | 0 |", "| `web02` | `stig_iis85` | 1 | 9 | 1 |"]
    assert "| Host | Vuln | Rule | Site | Details |" in lines
    assert f"| `web02` | `V-214420` | `SV-214420r879638_rule` | `(server)` | `MACHINE/WEBROOT (.NET v4.0, 32-bit): timeout=30 from WEBROOT {ROOT32} " \
           "line 66; fails <= 20` |" in lines


def test_junit_has_a_case_per_rule_and_target_open_fails_not_applicable_is_skipped():
    root = ET.fromstring(_drift.render_junit(fleet()))
    suites = {suite.get("name"): suite for suite in root.iter("testsuite")}
    web01 = [case for case in suites["web01"].iter("testcase") if case.get("name").startswith("STIG ")]
    assert len(web01) == 8 and {case.get("classname") for case in web01} == {"web01"}
    failed = [case for case in web01 if case.find("failure") is not None]
    assert [case.get("name") for case in failed] == ["STIG V-218805 SV-218805r1067583_rule (server)", "STIG V-218751 SV-218751r1043181_rule Legacy"]
    legacy = next(finding for finding in stig_result("stig_iis10")["findings"] if finding["site"] == "Legacy" and finding["status"] == "Open")
    assert failed[1].find("failure").text == legacy["finding_details"] and failed[1].find("failure").get("type") == "stig"
    (skipped,) = [case for case in suites["web02"].iter("testcase") if case.find("skipped") is not None]
    assert skipped.get("name") == "STIG V-214445 SV-214445r879511_rule Intranet"
    assert skipped.find("skipped").get("message") == "Exception (not_applicable): Health checks only; no user logon."
    assert schema_errors(_drift.render_junit(fleet())) == []
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("21", "3", "1")
    # Jenkins' JUnit schema has no skipped on <testsuites>: the suites count them.
    assert root.get("skipped") is None and sum(int(suite.get("skipped")) for suite in suites.values()) == 1
    for suite in suites.values():
        assert int(suite.get("skipped")) == len(list(suite.iter("skipped")))


def test_gitlab_reads_open_as_failed_not_applicable_as_skipped_a_failed_audit_as_error():
    statuses = {}
    for case in gitlab_cases(_drift.render_junit(fleet())):
        statuses.setdefault(case.suite, []).append(case.status)
    # web01: one file in line and 8 rules (2 Open); web02: 11 rules (1 Open, 1 excepted); web03: the failed audit.
    assert {suite: sorted(found) for suite, found in statuses.items()} == {
        "web01": ["failed"] * 2 + ["success"] * 7,
        "web02": ["failed"] + ["skipped"] + ["success"] * 9,
        "web03": ["error"],
    }


# ---------------------------------------------------------------------------------------------
# Checklists


def test_write_reports_writes_a_checklist_per_host_stig_and_site(tmp_path):
    written = _drift.write_reports(fleet(), str(tmp_path), ["json", "ckl"])
    names = sorted(path.name for path in (tmp_path / "checklists").iterdir())
    assert names == ["web01_IIS_10-0_Server_STIG.ckl", "web01_IIS_10-0_Site_STIG_Default_Web_Site.ckl",
                     "web01_IIS_10-0_Site_STIG_Intranet.ckl", "web01_IIS_10-0_Site_STIG_Legacy.ckl",
                     "web02_IIS_8-5_Server_STIG.ckl", "web02_IIS_8-5_Site_STIG_Default_Web_Site.ckl",
                     "web02_IIS_8-5_Site_STIG_Intranet.ckl", "web02_IIS_8-5_Site_STIG_Legacy.ckl"]
    assert written[0] == str(tmp_path / "drift-report.json") and len(written) == 9
    intranet = validate((tmp_path / "checklists" / "web02_IIS_8-5_Site_STIG_Intranet.ckl").read_bytes())
    assert [vuln["STATUS"] for vuln in intranet["stigs"][0]["vulns"]] == ["NotAFinding", "Not_Applicable", "NotAFinding"]
    assert _drift.written_line(written) == f"{tmp_path / 'drift-report.json'}, 8 STIG checklist(s) in {tmp_path / 'checklists'}"
    again = _drift.write_reports(fleet(), str(tmp_path / "again"), ["ckl"])
    assert [open(path, "rb").read() for path in again] == [open(path, "rb").read() for path in written[1:]]


def test_no_audit_writes_no_checklist_and_makes_no_directory(tmp_path):
    collector = _drift.Collector()
    collector.add_result("web01", "t", STEADY)
    assert _drift.write_reports(collector.report(), str(tmp_path), ["ckl"]) == []
    assert list(tmp_path.iterdir()) == [] and _drift.written_line([]) == "nothing (no STIG audit to put in a checklist)"


def test_what_the_run_knows_of_a_host_reaches_its_checklists():
    collector = _drift.Collector()
    collector.add_identity("web01", *_drift.identity(None, "192.0.2.7"))
    collector.add_identity("web01", *_drift.identity({"ansible_fqdn": "web01.corp.example"}))
    collector.add_stig("web01", "Audit", stig_result("stig_iis10"))
    asset = validate(_drift.checklists(collector.report())[0].data)["asset"]
    assert (asset["HOST_NAME"], asset["HOST_FQDN"], asset["HOST_IP"]) == ("web01", "web01.corp.example", "192.0.2.7")


@pytest.mark.parametrize(("facts", "address", "expected"), [
    (None, None, (None, None)),
    (None, "10.1.2.3", (None, "10.1.2.3")),
    (None, "web01.corp.example", ("web01.corp.example", None)),
    (None, "web01", (None, None)),  # a short name says neither
    (None, "{{ lookup('env', 'HOST') }}", (None, None)),
    ({"ansible_fqdn": "web01.corp.example", "ansible_ip_addresses": ["fe80::1", "10.1.2.3"]}, "10.9.9.9",
     ("web01.corp.example", "10.1.2.3")),
    ({"ansible_default_ipv4": {"address": "10.4.4.4"}, "ansible_ip_addresses": "not a list"}, None, (None, "10.4.4.4")),
    ({"ansible_ip_addresses": [7, "nonsense"]}, None, (None, None)),
])
def test_identity_from_facts_then_inventory(facts, address, expected):
    assert _drift.identity(facts, address) == expected


def test_a_secret_in_an_audit_reaches_no_output(tmp_path):
    result = stig_result("stig_iis10", EXCEPTIONS)
    open_finding = next(finding for finding in result["findings"] if finding["status"] == "Open")
    open_finding["finding_details"] = f"password={CANARY}; fails\n" + open_finding["finding_details"]
    open_finding["comments"] = f"pwd={CANARY}"
    open_finding["evidence"][0]["value"] = f"data source=x;password={CANARY}"
    collector = _drift.Collector()
    collector.add_stig(f"web01;password={CANARY}", "Audit", result)
    records = collector.report()
    written = _drift.write_reports(records, str(tmp_path), list(_drift.FORMATS))
    outputs = [_drift.render_table(records)] + [open(path, encoding="utf-8").read() for path in written]
    assert len(outputs) == 1 + 3 + 4 and all(CANARY not in text for text in outputs)
    assert all(MASK in text for text in outputs)


# ---------------------------------------------------------------------------------------------
# Containment: every file the report writes stays inside output_dir


def tree_bytes(root) -> dict[str, bytes]:
    """Every entry below ``root``: a file's bytes, a link's target, a directory's name."""
    found = {}
    for path in sorted(root.rglob("*")):
        key = str(path.relative_to(root))
        found[key] = b"-> " + os.readlink(path).encode() if path.is_symlink() else path.read_bytes() if path.is_file() else b"<dir>"
    return found


def test_a_checklists_folder_linking_outside_is_refused_before_anything_is_written(tmp_path):
    out, elsewhere = tmp_path / "reports", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_bytes(b"theirs")
    (out / "checklists").symlink_to(elsewhere)
    with pytest.raises(_drift.UnsafeOutput) as info:
        _drift.write_reports(fleet(), str(out), ["json", "markdown", "junit", "ckl"])
    assert str(info.value) == f"{out}/checklists is a symbolic link to {elsewhere}, outside {out}; refused, nothing written there"
    assert tree_bytes(elsewhere) == {"keep.txt": b"theirs"} and tree_bytes(out) == {"checklists": f"-> {elsewhere}".encode()}


def test_a_checklists_folder_linking_inside_the_output_dir_is_used(tmp_path):
    out = tmp_path / "reports"
    (out / "audits").mkdir(parents=True)
    (out / "checklists").symlink_to("audits")
    written = _drift.write_reports(fleet(), str(out), ["ckl"])
    assert len(written) == 8 and len(list((out / "audits").iterdir())) == 8


def test_an_output_dir_that_is_itself_a_link_is_followed(tmp_path):
    real, out = tmp_path / "real", tmp_path / "reports"
    real.mkdir()
    out.symlink_to(real)
    written = _drift.write_reports(fleet(), str(out), ["json", "ckl"])
    assert len(written) == 9 and (real / "drift-report.json").is_file() and len(list((real / "checklists").iterdir())) == 8


def test_a_report_file_that_is_a_link_is_replaced_not_written_through(tmp_path):
    out, victim = tmp_path / "reports", tmp_path / "victim.txt"
    (out / "checklists").mkdir(parents=True)
    victim.write_bytes(b"theirs")
    (out / "drift-report.json").symlink_to(victim)
    (out / "checklists" / "web01_IIS_10-0_Server_STIG.ckl").symlink_to(victim)
    _drift.write_reports(fleet(), str(out), ["json", "ckl"])
    assert victim.read_bytes() == b"theirs"
    assert not (out / "drift-report.json").is_symlink() and json.loads((out / "drift-report.json").read_bytes())["hosts"]
    assert not (out / "checklists" / "web01_IIS_10-0_Server_STIG.ckl").is_symlink()
