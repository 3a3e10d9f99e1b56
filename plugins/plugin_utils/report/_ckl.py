"""STIG Viewer 2 checklists (.ckl) from the result of iis.aspnet.session_state_stig.

Private to the iis.aspnet collection: not a public API.

A checklist holds one ASSET, and a site-scoped STIG is reviewed per site on that ASSET
(``WEB_OR_DATABASE``, ``WEB_DB_SITE``), so one host's audit becomes one checklist per STIG
benchmark and site: the server STIG once, the site STIG once per site. Each holds exactly the
rules of our table (``_stig.BENCHMARKS``) for that benchmark: a partial checklist, meant to be
imported into the full one, which tools match by Vuln_Num and Rule_ID.

The layout is what STIG Viewer 2.17 writes (element order, the 11 SI_DATA, the 27 STIG_DATA
attributes, tab indentation), so the files open and merge like its own. Identifiers are
derived, not random (uuid5 of host, STIG and site), so a rerun writes the same bytes. Every text
is masked and stripped of what XML 1.0 cannot carry. Nothing here imports Ansible.
"""

from __future__ import annotations

import hashlib
import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ansible_collections.iis.aspnet.plugins.plugin_utils.audit import _stig
from ansible_collections.iis.aspnet.plugins.plugin_utils.base._mask import mask

HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n<!--DISA STIG Viewer :: 2.17-->\n'
NOT_REVIEWED = "Not_Reviewed"
STATUSES = (_stig.OPEN, _stig.NOT_A_FINDING, _stig.NOT_APPLICABLE, NOT_REVIEWED)
# The STIG_DATA attributes in the order STIG Viewer writes them; the last two repeat per value.
VULN_ATTRIBUTES = (
    "Vuln_Num", "Severity", "Group_Title", "Rule_ID", "Rule_Ver", "Rule_Title", "Vuln_Discuss", "IA_Controls",
    "Check_Content", "Fix_Text", "False_Positives", "False_Negatives", "Documentable", "Mitigations", "Potential_Impact",
    "Third_Party_Tools", "Mitigation_Control", "Responsibility", "Security_Override_Guidance", "Check_Content_Ref",
    "Weight", "Class", "STIGRef", "TargetKey", "STIG_UUID", "LEGACY_ID", "CCI_REF",
)
# Fixed ASSET values: IIS runs on member servers; "Web Review" is the technology area of the IIS STIGs.
ROLE, ASSET_TYPE, MARKING, TECH_AREA = "Member Server", "Computing", "CUI", "Web Review"
# uuid5 namespace of our checklists: the same host, STIG and site always get the same uuid.
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "ckl.iis.aspnet")
DIRECTORY = "checklists"

# Characters XML 1.0 cannot carry, even escaped (lone surrogates cannot even be encoded).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_UNSAFE_IN_NAME = re.compile(r"[^A-Za-z0-9._-]+")
_NAME_PART_MAX = 80


def xml_safe(text: object) -> str:
    """Any value as masked text that XML 1.0 can carry (line ends as XML reads them back: LF)."""
    return _NOT_XML.sub("\ufffd", re.sub(r"\r\n?", "\n", mask(str(text))))


# ---------------------------------------------------------------------------------------------
# What a checklist holds


@dataclass(frozen=True)
class Checklist:
    """One .ckl: a host, a benchmark, the site (None: the server STIG) and the file's bytes."""

    host: str
    benchmark: _stig.Benchmark
    site: str | None
    data: bytes

    @property
    def name(self) -> str:
        """``<host>_<stig_id>[_<site>].ckl``, each part made safe for a file name."""
        parts = [self.host, self.benchmark.stig_id] + ([self.site] if self.site is not None else [])
        return "_".join(safe_part(mask(part)) for part in parts) + ".ckl"

    @property
    def key(self) -> str:
        return checklist_key(self.host, self.benchmark.stig_id, self.site)


def checklist_key(host: str, stig_id: str, site: str | None) -> str:
    """What identifies a checklist: its uuid and its file name derive from it."""
    return "\n".join((host, stig_id, site or ""))


def safe_part(text: str) -> str:
    """A file-name part: each run of characters outside ``A-Z a-z 0-9 . _ -`` becomes ``_``.

    Spaces, slashes, backslashes, colons and non-ASCII letters all go; a leading dot becomes
    ``_`` (no hidden file), and the part is cut at 80 characters.
    """
    safe = _UNSAFE_IN_NAME.sub("_", text)
    safe = "_" + safe[1:] if safe.startswith(".") else safe
    return safe[:_NAME_PART_MAX] or "_"


def file_names(checklists: Iterable[Checklist]) -> dict[str, str]:
    """File name per checklist key; names that collide after ``safe_part`` all get a hash of their key.

    ``Default Web Site`` and ``Default_Web_Site`` are different IIS sites with the same safe name:
    each then ends in ``-<8 hex digits>``, the same whatever the order of the run.
    """
    checklists = list(checklists)
    by_name: dict[str, list[str]] = {}
    for checklist in checklists:
        by_name.setdefault(checklist.name.casefold(), []).append(checklist.key)
    names = {}
    for checklist in checklists:
        keys = set(by_name[checklist.name.casefold()])
        suffix = "" if len(keys) == 1 else "-" + hashlib.sha256(checklist.key.encode("utf-8", "surrogatepass")).hexdigest()[:8]
        names[checklist.key] = checklist.name[:-len(".ckl")] + suffix + ".ckl"
    return names


def checklists(result: Mapping, host: str, fqdn: str = "", ip: str = "") -> list[Checklist]:
    """The checklists of one host's session_state_stig result (the module's RETURN shape).

    A benchmark is taken only when our table has the same version and release as the result:
    another release's Rule IDs would merge into the wrong checklist.
    """
    findings = [entry for entry in result.get("findings") or [] if isinstance(entry, Mapping)]
    made = []
    for bench in _benchmarks(result):
        # The server STIG is judged on the server only, the site STIG on each site.
        targets = dict.fromkeys(entry.get("site") for entry in findings if entry.get("stig") == bench.stig_id
                                and (entry.get("site") is None) == (bench.scope == _stig.SERVER))
        for site in targets:
            judged = {entry.get("vuln_id"): entry for entry in findings
                      if entry.get("stig") == bench.stig_id and entry.get("site") == site}
            made.append(Checklist(host, bench, site, render(host, bench, site, judged, fqdn=fqdn, ip=ip)))
    return made


def _benchmarks(result: Mapping) -> list[_stig.Benchmark]:
    profile = result.get("profile")
    entries = profile.get("benchmarks") if isinstance(profile, Mapping) else None
    found = []
    for entry in entries if isinstance(entries, list) else []:
        bench = _stig.BENCHMARKS.get(entry.get("stig_id")) if isinstance(entry, Mapping) else None
        if bench is not None and (entry.get("version"), entry.get("release")) == (bench.version, bench.release):
            found.append(bench)
    return found


# ---------------------------------------------------------------------------------------------
# Our own words for a rule: what is checked, and how to fix it (never DISA's prose)

_WHERE = {
    _stig.SERVER: "at server level (the .NET 4 root web.config, 64- and 32-bit)",
    _stig.SITE: "at the site root and at each of its applications",
}


def rule_texts(bench: _stig.Benchmark, rule: _stig.Rule) -> dict[str, str]:
    """Vuln_Discuss, Check_Content and Fix_Text of a rule, written from our rule table."""
    where = _WHERE[bench.scope]
    needs = " and ".join(_requirement(check) for check in rule.checks)
    check = (f"system.web/sessionState {needs} {where} (judged by iis.aspnet on the value in effect, merged from "
             "machine.config and the web.config files; ASP.NET does not read applicationHost.config).")
    if rule.maintenance:
        check += f" Not applicable when the {bench.scope} is declared as used only for system-to-system maintenance."
    if rule.web_farm:
        check += " Not a finding for a site declared as part of a web farm whose session state is kept out of process."
    fix = (f"Set system.web/sessionState {', '.join(_setting(check) for check in rule.checks)} {where}, for example with "
           "the iis.aspnet.session_state role and its session_state_profile.")
    discuss = (f"Partial checklist written by iis.aspnet.session_state_stig: the session-state result of this rule. "
               f"The rule's discussion is in the {bench.title}.")
    return {"Vuln_Discuss": discuss, "Check_Content": check, "Fix_Text": fix}


def _requirement(check: _stig.Check) -> str:
    if check.maximum is not None:
        return f"{check.attribute} must be at most {check.maximum} minutes"
    return f"{check.attribute} must be {check.required}"


def _setting(check: _stig.Check) -> str:
    if check.maximum is not None:
        return f'{check.attribute}="{check.maximum}" or less'
    return f'{check.attribute}="{check.allowed[0]}"'


# ---------------------------------------------------------------------------------------------
# The XML


def checklist_uuid(host: str, stig_id: str, site: str | None) -> str:
    return str(uuid.uuid5(NAMESPACE, checklist_key(host, stig_id, site)))


def render(host: str, bench: _stig.Benchmark, site: str | None, judged: Mapping[str, Mapping],
           fqdn: str = "", ip: str = "") -> bytes:
    """One checklist: every rule of the benchmark, each with its finding (Not_Reviewed when none)."""
    identifier = checklist_uuid(host, bench.stig_id, site)
    root = ET.Element("CHECKLIST")
    _asset(root, host, bench, site, fqdn, ip)
    stig = ET.SubElement(ET.SubElement(root, "STIGS"), "iSTIG")
    _stig_info(stig, bench, identifier)
    for rule in bench.rules:
        _vuln(stig, bench, rule, identifier, judged.get(rule.vuln_id) or {})
    ET.indent(root, space="\t")
    # STIG Viewer writes empty elements as <X></X>, never <X />.
    return (HEADER + ET.tostring(root, encoding="unicode", short_empty_elements=False) + "\n").encode("utf-8")


def _add(parent: ET.Element, tag: str, text: object = "") -> ET.Element:
    """A child element whose text is masked and XML-safe: the one way text enters a checklist."""
    child = ET.SubElement(parent, tag)
    child.text = xml_safe(text)
    return child


def _asset(root: ET.Element, host: str, bench: _stig.Benchmark, site: str | None, fqdn: str, ip: str) -> None:
    asset = ET.SubElement(root, "ASSET")
    for tag, text in (("ROLE", ROLE), ("ASSET_TYPE", ASSET_TYPE), ("MARKING", MARKING), ("HOST_NAME", host),
                      ("HOST_IP", ip), ("HOST_MAC", ""), ("HOST_FQDN", fqdn), ("TARGET_COMMENT", ""),
                      ("TECH_AREA", TECH_AREA), ("TARGET_KEY", bench.target_key),
                      ("WEB_OR_DATABASE", "false" if site is None else "true"), ("WEB_DB_SITE", site or ""),
                      ("WEB_DB_INSTANCE", "")):
        _add(asset, tag, text)


def _stig_info(stig: ET.Element, bench: _stig.Benchmark, identifier: str) -> None:
    info = ET.SubElement(stig, "STIG_INFO")
    description = (f"Session-state rules only, audited by iis.aspnet.session_state_stig: import into the full "
                   f"checklist of {bench.stig_id} {bench.release_info}.")
    for name, data in (("version", str(bench.version)), ("classification", "UNCLASSIFIED"), ("customname", ""),
                       ("stigid", bench.stig_id), ("description", description), ("filename", bench.filename),
                       ("releaseinfo", bench.release_info), ("title", bench.title), ("uuid", identifier),
                       ("notice", "terms-of-use"), ("source", "STIG.DOD.MIL")):
        entry = ET.SubElement(info, "SI_DATA")
        _add(entry, "SID_NAME", name)
        if data:  # STIG Viewer leaves SID_DATA out when it is empty (customname)
            _add(entry, "SID_DATA", data)


def stig_data(bench: _stig.Benchmark, rule: _stig.Rule, identifier: str) -> list[tuple[str, str]]:
    """The STIG_DATA pairs of a rule, in STIG Viewer's order."""
    values = {"Vuln_Num": rule.vuln_id, "Severity": rule.severity, "Group_Title": rule.group_title,
              "Rule_ID": rule.rule_id, "Rule_Ver": rule.stig_id, "Rule_Title": rule.title, "Documentable": "false",
              "Check_Content_Ref": "M", "Weight": "10.0", "Class": "Unclass", "STIGRef": bench.name,
              "TargetKey": bench.target_key, "STIG_UUID": identifier, **rule_texts(bench, rule)}
    pairs = [(name, values.get(name, "")) for name in VULN_ATTRIBUTES[:-2]]
    # STIG Viewer writes LEGACY_ID twice, empty, for a rule that has none.
    pairs += [("LEGACY_ID", legacy) for legacy in rule.legacy or ("", "")]
    return pairs + [("CCI_REF", cci) for cci in rule.cci]


def _vuln(stig: ET.Element, bench: _stig.Benchmark, rule: _stig.Rule, identifier: str, finding: Mapping) -> None:
    vuln = ET.SubElement(stig, "VULN")
    for name, data in stig_data(bench, rule, identifier):
        entry = ET.SubElement(vuln, "STIG_DATA")
        _add(entry, "VULN_ATTRIBUTE", name)
        _add(entry, "ATTRIBUTE_DATA", data)
    status = finding.get("status")
    _add(vuln, "STATUS", status if status in STATUSES else NOT_REVIEWED)
    _add(vuln, "FINDING_DETAILS", finding.get("finding_details") or "")
    _add(vuln, "COMMENTS", finding.get("comments") or "")
    _add(vuln, "SEVERITY_OVERRIDE")
    _add(vuln, "SEVERITY_JUSTIFICATION")
