"""STIG Viewer checklists from real audits of the sample server, checked by a validator written from the format's rules.

The validator encodes what STIG Viewer 2.17 writes and its checklist schema require (research notes, section 3):
the root and its two children, ASSET's children in order, the 11 SI_DATA names in order, the STIG_DATA attribute
names in order from the 27-name set, the five elements that close a VULN, the STATUS and SEVERITY_OVERRIDE values,
Vuln_Num and Rule_ID unique per iSTIG. It does not import _ckl's constants: it is a second reading of the format.
"""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET

import pytest

from ansible_collections.iis.aspnet.plugins.plugin_utils.audit import _stig
from ansible_collections.iis.aspnet.plugins.plugin_utils.report import _ckl
from ansible_collections.iis.aspnet.plugins.plugin_utils.base._mask import MASK
from ansible_collections.iis.aspnet.tests.unit.plugins.plugin_utils.stig_helpers import EXCEPTIONS, stig_result

CANARY = "Canary-7f3a9c-Secret"
HEADER = b'<?xml version="1.0" encoding="UTF-8"?>\n<!--DISA STIG Viewer :: 2.17-->\n<CHECKLIST>\n'
# (tag, required) in the order STIG Viewer writes ASSET.
ASSET = [("ROLE", True), ("ASSET_TYPE", True), ("MARKING", False), ("HOST_NAME", True), ("HOST_IP", True), ("HOST_MAC", True),
         ("HOST_GUID", False), ("HOST_FQDN", True), ("TARGET_COMMENT", False), ("TECH_AREA", True), ("TARGET_KEY", True),
         ("STIG_GUID", False), ("WEB_OR_DATABASE", True), ("WEB_DB_SITE", True), ("WEB_DB_INSTANCE", True)]
ROLES = {"None", "Workstation", "Member Server", "Domain Controller"}
TECH_AREAS = {"", "Application Review", "Boundary Security", "CDS Admin Review", "CDS Technical Review", "Database Review",
              "Domain Name System (DNS)", "Exchange Server", "Host Based System Security (HBSS)", "Internal Network",
              "Mobility", "Releasable Networks (REL)", "Traditional Security", "UNIX OS", "VVOIP Review", "Web Review",
              "Windows OS", "Other Review"}
SI_NAMES = ["version", "classification", "customname", "stigid", "description", "filename", "releaseinfo", "title", "uuid",
            "notice", "source"]
SINGLE_ATTRIBUTES = ["Vuln_Num", "Severity", "Group_Title", "Rule_ID", "Rule_Ver", "Rule_Title", "Vuln_Discuss", "IA_Controls",
                     "Check_Content", "Fix_Text", "False_Positives", "False_Negatives", "Documentable", "Mitigations",
                     "Potential_Impact", "Third_Party_Tools", "Mitigation_Control", "Responsibility",
                     "Security_Override_Guidance", "Check_Content_Ref", "Weight", "Class", "STIGRef", "TargetKey", "STIG_UUID"]
ATTRIBUTES = set(SINGLE_ATTRIBUTES) | {"LEGACY_ID", "CCI_REF"}
VULN_TAIL = ["STATUS", "FINDING_DETAILS", "COMMENTS", "SEVERITY_OVERRIDE", "SEVERITY_JUSTIFICATION"]
STATUSES = {"NotAFinding", "Open", "Not_Applicable", "Not_Reviewed"}
OVERRIDES = {"", "low", "medium", "high"}


def text(element: ET.Element | None) -> str:
    return "" if element is None or element.text is None else element.text


def validate(data: bytes) -> dict:
    """Check one .ckl against the format's rules; return what it holds (asset values, and per iSTIG its info and vulns)."""
    assert data.startswith(HEADER)
    assert not [line for line in data.decode("utf-8").splitlines() if line.startswith(" ")]  # tab indentation only
    assert b"/>" not in data  # STIG Viewer writes an empty element as <X></X>
    root = ET.fromstring(data)
    assert root.tag == "CHECKLIST" and not root.attrib and [child.tag for child in root] == ["ASSET", "STIGS"]
    asset = validate_asset(root.find("ASSET"))
    stigs = [validate_istig(istig, asset) for istig in root.find("STIGS")]
    assert stigs and [child.tag for child in root.find("STIGS")] == ["iSTIG"] * len(stigs)
    return {"asset": asset, "stigs": stigs}


def validate_asset(asset: ET.Element) -> dict:
    tags = [child.tag for child in asset]
    assert tags == [tag for tag, required in ASSET if required or tag in tags]  # order kept, every required one present
    values = {child.tag: text(child) for child in asset}
    assert values["ROLE"] in ROLES and values["ASSET_TYPE"] in {"Computing", "Non-Computing"}
    assert values["TECH_AREA"] in TECH_AREAS and values["WEB_OR_DATABASE"] in {"true", "false"}
    if values["WEB_OR_DATABASE"] == "true":
        assert values["WEB_DB_SITE"] or values["WEB_DB_INSTANCE"]
    return values


def validate_istig(istig: ET.Element, asset: dict) -> dict:
    children = list(istig)
    assert children[0].tag == "STIG_INFO" and len(children) > 1 and {child.tag for child in children[1:]} == {"VULN"}
    entries = list(children[0])
    assert {entry.tag for entry in entries} == {"SI_DATA"}
    assert [text(entry.find("SID_NAME")) for entry in entries] == SI_NAMES
    assert all([child.tag for child in entry] in (["SID_NAME"], ["SID_NAME", "SID_DATA"]) for entry in entries)
    info = {text(entry.find("SID_NAME")): text(entry.find("SID_DATA")) for entry in entries}
    vulns = [validate_vuln(vuln) for vuln in children[1:]]
    for key in ("Vuln_Num", "Rule_ID"):
        assert len({vuln["data"][key] for vuln in vulns}) == len(vulns), f"{key} repeats"
    assert {vuln["data"]["STIG_UUID"] for vuln in vulns} == {info["uuid"]}
    assert {vuln["data"]["TargetKey"] for vuln in vulns} == {asset["TARGET_KEY"]}
    return {"info": info, "vulns": vulns}


def validate_vuln(vuln: ET.Element) -> dict:
    children = list(vuln)
    data = children[:-len(VULN_TAIL)]
    assert [child.tag for child in children[-len(VULN_TAIL):]] == VULN_TAIL and {child.tag for child in data} == {"STIG_DATA"}
    assert all([child.tag for child in entry] == ["VULN_ATTRIBUTE", "ATTRIBUTE_DATA"] for entry in data)
    pairs = [(text(entry.find("VULN_ATTRIBUTE")), text(entry.find("ATTRIBUTE_DATA"))) for entry in data]
    names = [name for name, _value in pairs]
    assert set(names) <= ATTRIBUTES
    legacy, cci = names.count("LEGACY_ID"), names.count("CCI_REF")
    assert names == SINGLE_ATTRIBUTES + ["LEGACY_ID"] * legacy + ["CCI_REF"] * cci and legacy >= 1 and cci >= 1
    tail = {tag: text(vuln.find(tag)) for tag in VULN_TAIL}
    assert tail["STATUS"] in STATUSES and tail["SEVERITY_OVERRIDE"] in OVERRIDES
    single = {name: value for name, value in pairs if name in SINGLE_ATTRIBUTES}
    return {"data": single, "pairs": pairs, **tail}


# ---------------------------------------------------------------------------------------------
# Real audits of the sample server

PROFILES = [(profile, exceptions) for profile in _stig.PROFILES for exceptions in (None, EXCEPTIONS)]


def audited(profile: str, exceptions) -> tuple[dict, list[_ckl.Checklist]]:
    result = stig_result(profile, exceptions)
    return result, _ckl.checklists(result, "web01", fqdn="web01.corp.example", ip="192.0.2.10")


@pytest.mark.parametrize(("profile", "exceptions"), PROFILES, ids=[f"{p}-{'exceptions' if e else 'plain'}" for p, e in PROFILES])
def test_each_checklist_is_valid_and_holds_exactly_the_profiles_rules_with_the_results_findings(profile, exceptions):
    result, made = audited(profile, exceptions)
    server_bench, site_bench = _stig.benchmarks(profile)
    sites = list(dict.fromkeys(finding["site"] for finding in result["findings"] if finding["site"] is not None))
    assert [(checklist.benchmark, checklist.site) for checklist in made] == [(server_bench, None)] + [(site_bench, site) for site in sites]
    findings = {(finding["stig"], finding["site"], finding["vuln_id"]): finding for finding in result["findings"]}
    for checklist in made:
        (istig,) = validate(checklist.data)["stigs"]
        bench = checklist.benchmark
        assert [vuln["data"]["Vuln_Num"] for vuln in istig["vulns"]] == [rule.vuln_id for rule in bench.rules]
        for rule, vuln in zip(bench.rules, istig["vulns"]):
            finding = findings[(bench.stig_id, checklist.site, rule.vuln_id)]
            assert (vuln["STATUS"], vuln["FINDING_DETAILS"], vuln["COMMENTS"]) == (
                finding["status"], finding["finding_details"], finding["comments"])
            assert (vuln["data"]["Rule_ID"], vuln["data"]["Rule_Ver"], vuln["data"]["Rule_Title"]) == (rule.rule_id, rule.stig_id, rule.title)
            assert (vuln["data"]["Group_Title"], vuln["data"]["Severity"]) == (rule.group_title, rule.severity)
            assert [value for name, value in vuln["pairs"] if name == "CCI_REF"] == list(rule.cci)
            assert [value for name, value in vuln["pairs"] if name == "LEGACY_ID"] == list(rule.legacy or ("", ""))
            assert vuln["SEVERITY_OVERRIDE"] == vuln["SEVERITY_JUSTIFICATION"] == ""


def test_the_sample_server_gives_every_status_to_some_rule():
    """The inputs above are not all alike: Open, NotAFinding and Not_Applicable each reach a checklist, comments too."""
    _result, made = audited("stig_iis10", EXCEPTIONS)
    vulns = [vuln for checklist in made for vuln in validate(checklist.data)["stigs"][0]["vulns"]]
    assert {vuln["STATUS"] for vuln in vulns} == {"Open", "NotAFinding", "Not_Applicable"}
    assert {vuln["COMMENTS"] for vuln in vulns} >= {"Exception (not_applicable): Health checks only; no user logon.", ""}


def test_asset_and_stig_info():
    _result, made = audited("stig_iis10", None)
    server, site = validate(made[0].data), validate(made[1].data)
    assert server["asset"] == {
        "ROLE": "Member Server", "ASSET_TYPE": "Computing", "MARKING": "CUI", "HOST_NAME": "web01", "HOST_IP": "192.0.2.10",
        "HOST_MAC": "", "HOST_FQDN": "web01.corp.example", "TARGET_COMMENT": "", "TECH_AREA": "Web Review", "TARGET_KEY": "4052",
        "WEB_OR_DATABASE": "false", "WEB_DB_SITE": "", "WEB_DB_INSTANCE": ""}
    assert (site["asset"]["WEB_OR_DATABASE"], site["asset"]["WEB_DB_SITE"], site["asset"]["TARGET_KEY"]) == ("true", "Default Web Site", "4051")
    info = site["stigs"][0]["info"]
    assert {key: info[key] for key in ("version", "classification", "customname", "stigid", "filename", "releaseinfo", "title")} == {
        "version": "2", "classification": "UNCLASSIFIED", "customname": "", "stigid": "IIS_10-0_Site_STIG",
        "filename": "U_MS_IIS_10-0_Site_STIG_V2R15_Manual-xccdf.xml", "releaseinfo": "Release: 15 Benchmark Date: 01 Apr 2026",
        "title": "Microsoft IIS 10.0 Site Security Technical Implementation Guide"}
    assert uuid.UUID(info["uuid"]).version == 5
    assert b"<SI_DATA>\n\t\t\t\t\t<SID_NAME>customname</SID_NAME>\n\t\t\t\t</SI_DATA>" in made[1].data  # no SID_DATA when empty
    vuln = site["stigs"][0]["vulns"][0]["data"]
    assert vuln["STIGRef"] == "Microsoft IIS 10.0 Site Security Technical Implementation Guide :: Version 2, Release: 15 Benchmark Date: 01 Apr 2026"
    assert (vuln["Check_Content_Ref"], vuln["Weight"], vuln["Class"], vuln["Documentable"]) == ("M", "10.0", "Unclass", "false")


def test_our_own_words_say_what_is_checked():
    for bench in _stig.BENCHMARKS.values():
        for rule in bench.rules:
            texts = _ckl.rule_texts(bench, rule)
            assert set(texts) == {"Vuln_Discuss", "Check_Content", "Fix_Text"}
            assert texts["Check_Content"].startswith("system.web/sessionState ")
            for check in rule.checks:
                assert check.attribute in texts["Check_Content"] and check.attribute in texts["Fix_Text"]
                assert str(check.maximum or check.allowed[0]) in texts["Check_Content"]


def test_reruns_write_the_same_bytes_and_each_host_site_and_stig_its_own_uuid():
    result = stig_result("stig_iis10")
    first = _ckl.checklists(result, "web01")
    assert [checklist.data for checklist in first] == [checklist.data for checklist in _ckl.checklists(stig_result("stig_iis10"), "web01")]
    other = _ckl.checklists(result, "web02")
    uuids = [validate(checklist.data)["stigs"][0]["info"]["uuid"] for checklist in first + other]
    assert len(set(uuids)) == len(uuids) == 8
    assert uuids[0] == str(uuid.uuid5(_ckl.NAMESPACE, "web01\nIIS_10-0_Server_STIG\n"))


def test_a_password_canary_never_reaches_the_file():
    result = stig_result("stig_iis10", EXCEPTIONS)
    finding = result["findings"][-1]
    finding["finding_details"] += f"\nsqlConnectionString=data source=db;password={CANARY};"
    finding["comments"] = f"pwd = {CANARY}"
    made = _ckl.checklists(result, f"web01 password={CANARY}", fqdn=f"password={CANARY}")
    for checklist in made:
        assert CANARY.encode() not in checklist.data and CANARY not in checklist.name
    vuln = validate(made[-1].data)["stigs"][0]["vulns"][-1]
    assert vuln["FINDING_DETAILS"].endswith(f"password={MASK};") and vuln["COMMENTS"] == f"pwd = {MASK}"


def test_characters_xml_cannot_carry_are_replaced_and_markup_is_escaped():
    result = stig_result("stig_iis10")
    finding = result["findings"][0]
    finding["finding_details"] = "nul\x00 esc\x1b <tag> & \"q\" \ud800 end\r\nnext"
    made = _ckl.checklists(result, "web<&>01")
    parsed = validate(made[0].data)
    assert parsed["asset"]["HOST_NAME"] == "web<&>01"
    assert parsed["stigs"][0]["vulns"][0]["FINDING_DETAILS"] == "nul\ufffd esc\ufffd <tag> & \"q\" \ufffd end\nnext"


def test_lxml_reads_every_checklist_as_elementtree_does():
    etree = pytest.importorskip("lxml.etree")
    _result, made = audited("stig_iis85", EXCEPTIONS)
    for checklist in made:
        parsed = etree.fromstring(checklist.data, etree.XMLParser(resolve_entities=False, no_network=True))
        assert [element.tag for element in parsed.iter()] == [element.tag for element in ET.fromstring(checklist.data).iter()]


def test_a_rule_without_a_finding_is_not_reviewed_and_other_releases_are_left_out():
    result = stig_result("stig_iis10")
    result["findings"] = [finding for finding in result["findings"] if finding["vuln_id"] != "V-218805"]
    (server, *_sites) = _ckl.checklists(result, "web01")
    vulns = validate(server.data)["stigs"][0]["vulns"]
    assert [(vuln["data"]["Vuln_Num"], vuln["STATUS"], vuln["FINDING_DETAILS"]) for vuln in vulns][1] == ("V-218805", "Not_Reviewed", "")
    result["profile"]["benchmarks"][0]["release"] = 6  # the module of another release: its Rule IDs are not ours
    assert [checklist.benchmark.scope for checklist in _ckl.checklists(result, "web01")] == ["site"] * 3
    assert not _ckl.checklists({"profile": None, "findings": None}, "web01")


# ---------------------------------------------------------------------------------------------
# File names


@pytest.mark.parametrize(("part", "safe"), [
    ("Default Web Site", "Default_Web_Site"), ("a/b\\c:d", "a_b_c_d"), ("Café  Shop", "Caf_Shop"), (".hidden", "_hidden"),
    ("..", "_."), ("web01.corp.example", "web01.corp.example"), ("x" * 100, "x" * 80), ("", "_"), ("ok_name-1", "ok_name-1"),
])
def test_safe_parts(part, safe):
    assert _ckl.safe_part(part) == safe


def test_file_names_per_host_stig_and_site():
    _result, made = audited("stig_iis10", None)
    assert list(_ckl.file_names(made).values()) == [
        "web01_IIS_10-0_Server_STIG.ckl", "web01_IIS_10-0_Site_STIG_Default_Web_Site.ckl",
        "web01_IIS_10-0_Site_STIG_Intranet.ckl", "web01_IIS_10-0_Site_STIG_Legacy.ckl"]


def test_names_that_collide_once_made_safe_each_get_a_hash_of_their_own_key():
    bench = _stig.BENCHMARKS["IIS_10-0_Site_STIG"]
    made = [_ckl.Checklist("web01", bench, site, b"") for site in ("Default Web Site", "Default_Web_Site", "default/web site", "Shop")]
    names = _ckl.file_names(made)
    assert names[made[3].key] == "web01_IIS_10-0_Site_STIG_Shop.ckl"
    colliding = [names[checklist.key] for checklist in made[:3]]
    assert len(set(name.casefold() for name in colliding)) == 3
    assert all(name.startswith("web01_IIS_10-0_Site_STIG_") and name.endswith(".ckl") and len(name) == len(colliding[0]) for name in colliding)
    assert _ckl.file_names(reversed(made)) == names  # the same names whatever the order
