"""The DISA IIS STIG session-state rules, judged on the session state in effect.

Private to the iis.aspnet collection: not a public API.

One table (:data:`BENCHMARKS`) holds the rules of the STIG releases this collection implements;
a profile names the server and site benchmarks it applies. :func:`audit` takes the read-only
report of ``_effective.build_report`` (every level with each value and where it comes from, and
the definitions applicationHost.config holds that ASP.NET ignores) and returns, per rule and
target (the server, each site), a status with its evidence, and the site-level writes that
would close the open findings. Nothing here reads a host or imports Ansible.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ansible_collections.iis.aspnet.plugins.plugin_utils.audit import _overrides
from ansible_collections.iis.aspnet.plugins.plugin_utils.base import _spec
from ansible_collections.iis.aspnet.plugins.plugin_utils.server import _levels
from ansible_collections.iis.aspnet.plugins.plugin_utils.base._errors import OptionError

NOT_A_FINDING, OPEN, NOT_APPLICABLE = "NotAFinding", "Open", "Not_Applicable"
STATUSES = (OPEN, NOT_A_FINDING, NOT_APPLICABLE)
SERVER = "server"
SITE = "site"
# Exception kinds and profile names are option values: the spec defines them (base/_spec).
KIND_NOT_APPLICABLE, KIND_WEB_FARM, EXCEPTION_KINDS = _spec.KIND_NOT_APPLICABLE, _spec.KIND_WEB_FARM, _spec.EXCEPTION_KINDS
OUT_OF_PROCESS = ("StateServer", "SQLServer", "Custom")
SOURCE_DEFAULT = "schema default"
# The server node of IIS Manager shows .NET 4 settings: server rules are judged on its trees.
SERVER_FRAMEWORK = "v4.0"
_SERVER_LEVELS = ("MACHINE", "WEBROOT")


@dataclass(frozen=True)
class Check:
    """One attribute requirement of a rule."""

    attribute: str  # sessionState XML attribute name
    allowed: tuple[str, ...] = ()  # values the runtime must read it as (empty: see maximum)
    maximum: int | None = None  # minutes, for timeout

    @property
    def required(self) -> str:
        return " or ".join(self.allowed) if self.allowed else f"<= {self.maximum}"

    def accepts(self, text: str) -> bool:
        attr = _spec.attribute(self.attribute, "sessionState")
        if self.allowed:
            return any(_spec.same_value(attr, text, value) for value in self.allowed)
        try:
            return 0 < int(text.strip()) <= self.maximum
        except ValueError:
            return False  # Infinite, or a value the runtime refuses

    @property
    def option(self) -> str:
        return _spec.attribute(self.attribute, "sessionState").option


USE_COOKIES = Check("cookieless", ("UseCookies",))
IN_PROC = Check("mode", ("InProc",))


def short_timeout(minutes: int) -> Check:
    return Check("timeout", maximum=minutes)


@dataclass(frozen=True)
class Rule:
    vuln_id: str
    rule_id: str
    stig_id: str  # Rule_Ver in a checklist
    group_title: str
    title: str
    checks: tuple[Check, ...]
    cci: tuple[str, ...]
    legacy: tuple[str, ...] = ()
    severity: str = "medium"  # high, medium, low (CAT I, II, III)
    web_farm: bool = False  # "If Session State Tracking is enabled on the Web Farm, this is not a finding."
    maintenance: bool = False  # Not Applicable on a system-to-system maintenance server or site


@dataclass(frozen=True)
class Benchmark:
    stig_id: str  # the XCCDF benchmark ID (a checklist's SI_DATA stigid)
    title: str
    version: int
    release: int
    date: str | None  # None: the benchmark date was not published where we could verify it
    scope: str  # server or site
    target_key: str  # DPMS target ID (checklist TARGET_KEY / TargetKey); empty when unknown
    rules: tuple[Rule, ...]

    @property
    def release_info(self) -> str:
        return f"Release: {self.release}" + (f" Benchmark Date: {self.date}" if self.date else "")

    @property
    def filename(self) -> str:
        return f"U_MS_{self.stig_id}_V{self.version}R{self.release}_Manual-xccdf.xml"

    @property
    def name(self) -> str:
        return f"{self.title} :: Version {self.version}, {self.release_info}"


_SERVER_GROUP, _SITE_GROUP = "SRG-APP-000223-WSR-000011", "SRG-APP-000001-WSR-000002"
_IDS_GROUP, _UNIQUE_GROUP = "SRG-APP-000223-WSR-000145", "SRG-APP-000224-WSR-000136"
# The rule data of the STIG releases implemented, one row per rule (sources: docs/stig.md).
BENCHMARKS: dict[str, Benchmark] = {bench.stig_id: bench for bench in (
    Benchmark("IIS_10-0_Server_STIG", "Microsoft IIS 10.0 Server Security Technical Implementation Guide", 3, 7,
              "01 Apr 2026", SERVER, "4052", (
                  Rule("V-218804", "SV-218804r1043180_rule", "IIST-SV-000134", _SERVER_GROUP,
                       "The IIS 10.0 web server must use cookies to track session state.", (USE_COOKIES,),
                       ("CCI-001664",), ("SV-109247", "V-100143"), maintenance=True),
                  Rule("V-218805", "SV-218805r1067583_rule", "IIST-SV-000135", _IDS_GROUP,
                       "The IIS 10.0 web server must accept only system-generated session identifiers.",
                       (USE_COOKIES, short_timeout(15)), ("CCI-001664",), ("SV-109249", "V-100145"), maintenance=True),
              )),
    Benchmark("IIS_10-0_Site_STIG", "Microsoft IIS 10.0 Site Security Technical Implementation Guide", 2, 15,
              "01 Apr 2026", SITE, "4051", (
                  Rule("V-218736", "SV-218736r1022669_rule", "IIST-SI-000202", _SITE_GROUP,
                       "The IIS 10.0 website session state cookie settings must be configured to Use Cookies mode.",
                       (USE_COOKIES,), ("CCI-000054",), ("SV-109297", "V-100193"), maintenance=True),
                  Rule("V-218751", "SV-218751r1043181_rule", "IIST-SI-000223", _UNIQUE_GROUP,
                       "The IIS 10.0 website must generate unique session identifiers that cannot be reliably reproduced.",
                       (IN_PROC,), ("CCI-001188",), ("SV-109327", "V-100223"), web_farm=True),
              )),
    Benchmark("IIS_8-5_Server_STIG", "Microsoft IIS 8.5 Server Security Technical Implementation Guide", 2, 7,
              None, SERVER, "", (
                  Rule("V-214419", "SV-214419r879638_rule", "IISW-SV-000134", _SERVER_GROUP,
                       "The IIS 8.5 web server must use cookies to track session state.", (USE_COOKIES,),
                       ("CCI-001185", "CCI-001664"), ("SV-91421", "V-76725"), maintenance=True),
                  Rule("V-214420", "SV-214420r879638_rule", "IISW-SV-000135", _IDS_GROUP,
                       "The IIS 8.5 web server must limit the amount of time a cookie persists.",
                       (USE_COOKIES, short_timeout(20)), ("CCI-001664",), ("SV-91423", "V-76727"), maintenance=True),
              )),
    Benchmark("IIS_8-5_Site_STIG", "Microsoft IIS 8.5 Site Security Technical Implementation Guide", 2, 9,
              None, SITE, "", (
                  Rule("V-214444", "SV-214444r879511_rule", "IISW-SI-000201", _SITE_GROUP,
                       "The IIS 8.5 website session state must be enabled.", (IN_PROC,), ("CCI-000054",),
                       ("SV-91471", "V-76775"), web_farm=True),
                  Rule("V-214445", "SV-214445r879511_rule", "IISW-SI-000202", _SITE_GROUP,
                       "The IIS 8.5 website session state cookie settings must be configured to Use Cookies mode.",
                       (USE_COOKIES,), ("CCI-000054",), maintenance=True),
                  Rule("V-214462", "SV-214462r879639_rule", "IISW-SI-000223", _UNIQUE_GROUP,
                       "The IIS 8.5 website must generate unique session identifiers that cannot be reliably reproduced.",
                       (IN_PROC,), ("CCI-001188",), ("SV-91509", "V-76813"), web_farm=True),
              )),
)}
PROFILES: dict[str, tuple[str, str]] = {
    _spec.STIG_IIS10: ("IIS_10-0_Server_STIG", "IIS_10-0_Site_STIG"),
    _spec.STIG_IIS85: ("IIS_8-5_Server_STIG", "IIS_8-5_Site_STIG"),
}


def benchmarks(profile: str) -> tuple[Benchmark, ...]:
    if profile not in PROFILES:
        raise OptionError("profile", f"{profile!r} is not one of {', '.join(PROFILES)}")
    return tuple(BENCHMARKS[stig_id] for stig_id in PROFILES[profile])


# --- exceptions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Waiver:
    """A declared exception: a site (None: the server) and the rules it covers (empty: all)."""

    site: str | None
    kind: str
    justification: str
    rules: tuple[str, ...] = ()

    def fits(self, rule: Rule) -> bool:
        """The STIG allows this kind of exception for the rule, and the exception names it (or all)."""
        allowed = rule.maintenance if self.kind == KIND_NOT_APPLICABLE else rule.web_farm
        return allowed and (not self.rules or rule.vuln_id in self.rules)

    def covers(self, target: str | None, rule: Rule) -> bool:
        same = (target is None) == (self.site is None) and (target is None or target.casefold() == self.site.casefold())
        return same and self.fits(rule)


def waivers(entries: object, profile: str) -> list[Waiver]:
    """Validate the ``exceptions`` option: each needs a kind and a justification."""
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise OptionError("exceptions", "must be a list of dicts with site, kind and justification")
    known = {rule.vuln_id: rule for bench in benchmarks(profile) for rule in bench.rules}
    return [_waiver(index, entry, known) for index, entry in enumerate(entries)]


def _waiver(index: int, entry: object, known: Mapping[str, Rule]) -> Waiver:
    where = f"exceptions[{index}]"
    if not isinstance(entry, Mapping):
        raise OptionError(where, "must be a dict with site, kind and justification")
    unknown = sorted(key for key, value in entry.items() if value is not None and key not in ("site", "kind", "justification", "rules"))
    if unknown:
        raise OptionError(where, f"unknown key(s) {', '.join(unknown)} (known: site, kind, justification, rules)")
    kind, justification, site = entry.get("kind"), entry.get("justification"), entry.get("site")
    if kind not in EXCEPTION_KINDS:
        raise OptionError(where, f"kind must be {' or '.join(EXCEPTION_KINDS)}, got {kind!r}")
    if not isinstance(justification, str) or not justification.strip():
        raise OptionError(where, "justification is required: say why the rule does not apply (auditors read it)")
    if site is not None and not isinstance(site, str):
        raise OptionError(where, "site must be a site name (leave it out for the server)")
    if site is None and kind == KIND_WEB_FARM:
        raise OptionError(where, "kind web_farm applies to sites: name the site whose state lives out of process")
    rules = entry.get("rules") or []
    if not isinstance(rules, list) or not all(isinstance(rule, str) for rule in rules):
        raise OptionError(where, "rules must be a list of Vuln IDs such as V-218751")
    strangers = sorted(set(rules) - set(known))
    if strangers:
        raise OptionError(where, f"rules {', '.join(strangers)} are not in the profile (known: {', '.join(sorted(known))})")
    refused = sorted(rule for rule in rules if not Waiver(None, kind, "").fits(known[rule]))
    if refused:
        raise OptionError(where, f"the STIG allows no {kind} exception for {', '.join(refused)}")
    return Waiver(_levels.normalise_site(site) if site else None, kind, justification.strip(), tuple(rules))


# --- judging ----------------------------------------------------------------------------------


@dataclass
class Finding:
    """One rule on one target: its status and what it was judged on."""

    benchmark: Benchmark
    rule: Rule
    target: str | None  # None: the server; else a site name
    status: str
    evidence: list[dict]
    details: str
    comments: str = ""

    def as_dict(self) -> dict:
        return {"stig": self.benchmark.stig_id, "vuln_id": self.rule.vuln_id, "rule_id": self.rule.rule_id,
                "stig_id": self.rule.stig_id, "severity": self.rule.severity, "title": self.rule.title,
                "scope": self.benchmark.scope, "site": self.target, "status": self.status,
                "finding_details": self.details, "comments": self.comments, "evidence": self.evidence}


@dataclass
class Audit:
    findings: list[Finding] = field(default_factory=list)
    remediation: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, int]:
        return {status: sum(1 for finding in self.findings if finding.status == status) for status in STATUSES}


def evidence(level: dict, check: Check, iis_manager: dict | None) -> dict:
    """What one level runs for one attribute, where it comes from, and whether the rule accepts it."""
    entry = level["session_state"][check.attribute]
    source = entry["source"]
    unread = _unread(level)
    # A value ASP.NET may not run (an input on the way could not be read) is judged neither way.
    row = {"config_path": level["config_path"], "framework_version": level["framework_version"],
           "bitness": level["bitness"], "attribute": check.attribute, "value": entry["value"],
           "required": check.required, "compliant": None if unread else check.accepts(entry["value"]),
           "source": source, "unread": unread, "iis_manager": None}
    if iis_manager is not None and (source is None or source["level"] in _SERVER_LEVELS):
        # applicationHost.config sits between the root web.config and the site's web.config for IIS.
        row["iis_manager"] = {**iis_manager, "compliant": check.accepts(iis_manager["value"])}
    return row


def apphost_value(ignored: list[dict], config_path: str, attribute: str) -> dict | None:
    """The applicationHost.config definition IIS Manager would show at a config path (deepest wins)."""
    best = None
    for entry in ignored:
        if entry["element"] != "sessionState" or attribute not in entry["attributes"]:
            continue
        if not _levels.config_path_startswith(config_path, entry["config_path"]):
            continue
        if best is None or len(entry["config_path"]) > len(best["config_path"]):
            best = entry
    if best is None:
        return None
    return {"value": best["attributes"][attribute], "file": best["file"], "line": best["line"],
            "location": best["location"], "config_path": best["config_path"]}


def _unread(level: Mapping) -> list[str]:
    return list((level.get("unread") or {}).get("session_state") or [])


def describe(row: dict) -> str:
    if row["compliant"] is None:
        return (f"{row['config_path']} (.NET {row['framework_version']}, {row['bitness']}-bit): {row['attribute']} "
                f"cannot be judged, the value in effect is unknown: {'; '.join(row['unread'])}; review it by hand "
                f"(required: {row['required']})")
    source = row["source"]
    origin = SOURCE_DEFAULT if source is None else (
        f"{source['level']} {source['file']} line {source['line']}"
        + (f", <location path=\"{source['location']}\">" if source.get("location") is not None else ""))
    verdict = "meets" if row["compliant"] else "fails"
    text = (f"{row['config_path']} (.NET {row['framework_version']}, {row['bitness']}-bit): {row['attribute']}="
            f"{row['value']} from {origin}; {verdict} {row['required']}")
    shown = row["iis_manager"]
    if shown is not None and shown["compliant"] != row["compliant"]:
        text += (f". IIS Manager shows {row['attribute']}={shown['value']} from {shown['file']} line {shown['line']}, "
                 f"which ASP.NET does not read, so a check made there would say "
                 f"{NOT_A_FINDING if shown['compliant'] else OPEN}")
    return text


def judge(bench: Benchmark, rule: Rule, target: str | None, levels: list[dict], ignored: list[dict],
          waived: list[Waiver]) -> Finding:
    rows = [evidence(level, check, apphost_value(ignored, _iis_path(level), check.attribute))
            for level in levels for check in rule.checks]
    details = "\n".join(describe(row) for row in rows) or (
        f"no .NET {SERVER_FRAMEWORK} server level on this host (its machine.config is absent): judge this rule by hand")
    waiver = next((item for item in waived if item.covers(target, rule)), None)
    failing = [row for row in rows if not row["compliant"]]
    if waiver is not None and waiver.kind == KIND_NOT_APPLICABLE:
        return Finding(bench, rule, target, NOT_APPLICABLE, rows, details, _comment(waiver))
    if any(row["compliant"] is None for row in rows):
        # Never NotAFinding for a value nobody read (nor the web farm waiver's judgement of it).
        return Finding(bench, rule, target, OPEN, rows, details, _comment(waiver) if waiver is not None else "")
    if waiver is not None and rule.web_farm and failing and all(row["value"] in OUT_OF_PROCESS for row in failing):
        return Finding(bench, rule, target, NOT_A_FINDING, rows, details, _comment(waiver))
    if not rows:
        return Finding(bench, rule, target, OPEN, rows, details)
    return Finding(bench, rule, target, OPEN if failing else NOT_A_FINDING, rows, details)


def _comment(waiver: Waiver) -> str:
    return f"Exception ({waiver.kind}): {waiver.justification}"


def _iis_path(level: dict) -> str:
    """The path IIS Manager shows a server level at (its server node), or the level's own path."""
    return _levels.APPHOST_PATH if level["kind"] == "server" else level["config_path"]


# --- one host ---------------------------------------------------------------------------------


def audit(report: Mapping, profile: str, exceptions: object = None, *, server: Mapping | None = None,
          declared: Iterable[Mapping] = ()) -> Audit:
    """Judge every rule of the profile on the server and on each site of one host's report.

    ``server`` holds the settings the same run writes at server level (the role's own task), so
    the remediation plans only what those leave open; ``declared`` holds the run's site entries,
    which must not contradict the profile.
    """
    server_bench, site_bench = benchmarks(profile)
    waived, server, declared = validate(profile, exceptions, server, declared)
    levels, ignored = report["levels"], report["ignored"]
    result = Audit()
    server_levels = [level for level in levels if level["kind"] == "server" and level["framework_version"] == SERVER_FRAMEWORK]
    result.findings += [judge(server_bench, rule, None, server_levels, ignored, waived) for rule in server_bench.rules]
    by_site = site_levels(levels)
    for site, members in by_site.items():
        result.findings += [judge(site_bench, rule, site, members, ignored, waived) for rule in site_bench.rules]
    result.remediation = remediation(result.findings, server, declared, waived, levels)
    result.warnings = unknown_sites(waived, by_site) + inherited_changes(result.findings, server)
    return result


def validate(profile: str, exceptions: object = None, server: Mapping | None = None,
             declared: Iterable[Mapping] = ()) -> tuple[list[Waiver], dict, list[dict]]:
    """Refuse what contradicts the profile before anything is read: the exceptions, server and declared entries."""
    waived = waivers(exceptions, profile)
    server = {key: _text(value) for key, value in (server or {}).items()}
    check_server(server, benchmarks(profile)[0], waived)
    declared = [{key: _text(value) for key, value in entry.items()} for entry in declared]
    check_declared(declared, waived)
    return waived, server, declared


def _text(value: object) -> object:
    """A YAML boolean as the module writes it (cookieless: false -> 'false', the same as UseCookies)."""
    return str(value).lower() if isinstance(value, bool) else value


def site_levels(levels: Iterable[Mapping]) -> dict[str, list[dict]]:
    """Site and application levels by site name, in report order (site root first)."""
    found: dict[str, list[dict]] = {}
    for level in levels:
        if level["kind"] in ("site", "application"):
            found.setdefault(level["site"], []).append(level)
    return found


def check_server(server: Mapping, bench: Benchmark, waived: list[Waiver]) -> None:
    """The run's own server-level settings must not contradict the server rules."""
    if any(waiver.site is None for waiver in waived):
        return
    cookieless = server.get("cookieless")
    if cookieless is not None and not USE_COOKIES.accepts(str(cookieless)):
        raise OptionError("server", f"cookieless={cookieless} contradicts the profile, which requires UseCookies "
                                    "at server level (declare a not_applicable exception for the server instead)")
    timeout = server.get("timeout")
    for check in (check for rule in bench.rules for check in rule.checks if check.maximum is not None):
        if timeout is not None and not check.accepts(str(timeout)):
            raise OptionError("server", f"timeout={timeout} contradicts the profile, which requires at most "
                                        f"{check.maximum} minutes at server level")


def check_declared(declared: list[dict], waived: list[Waiver]) -> None:
    """A site entry of the same run must not undo what the profile requires of its site."""
    for entry in declared:
        path = _levels.normalise_site(str(entry.get("site") or ""))
        site = _site_name(path)
        kinds = {waiver.kind for waiver in waived if waiver.site is not None and waiver.site.casefold() == site.casefold()}
        if KIND_NOT_APPLICABLE in kinds:
            continue
        mode, cookieless = entry.get("mode"), entry.get("cookieless")
        if mode is not None and not IN_PROC.accepts(str(mode)) and not (KIND_WEB_FARM in kinds and mode in OUT_OF_PROCESS):
            raise OptionError("declared", f"site {path}: mode={mode} contradicts the profile (InProc) and {site} has no "
                                          "web_farm exception")
        if cookieless is not None and not USE_COOKIES.accepts(str(cookieless)):
            raise OptionError("declared", f"site {path}: cookieless={cookieless} contradicts the profile (UseCookies)")


def remediation(findings: Iterable[Finding], server: Mapping, declared: list[dict], waived: list[Waiver],
                levels: Iterable[Mapping] = ()) -> list[dict]:
    """The session_state calls that close the open site findings: reverts first, then site writes.

    A value inherited from the server level is left to the server-level write when that write
    makes it compliant; a value inherited from a level written in the same run (a declared entry
    or a fix planned here) is fixed with it. A value an override below the server level sets,
    where the server-level value complies, is fixed by removing the overrides on its way
    (``revert``); a site-level write is planned only where removing cannot help.
    """
    planned: dict[str, set] = {}  # path -> options written there in this run (declared or fixed here)
    for entry in declared:
        planned.setdefault(_site_path(entry["site"]), set()).update(option for option in entry if option != "site")
    farms = {waiver.site.casefold() for waiver in waived if waiver.kind == KIND_WEB_FARM}
    levels = list(levels)
    fixes: dict[str, dict] = {}
    reverts: dict[tuple, dict] = {}
    for row, check in sorted(_open_rows(findings), key=lambda pair: _depth(pair[0]["config_path"])):
        path = _site_path(row["config_path"])
        if check is IN_PROC and _site_name(path).casefold() in farms and row["value"] in OUT_OF_PROCESS:
            continue  # a web farm keeps its state where it is; the finding stays for the auditor
        if _fixed_by_server(row, check, server) or _fixed_below(row, check, planned):
            continue
        if _reverted(row, check, server, levels, reverts):
            continue
        fixes.setdefault(path, {})[check.option] = check.allowed[0]
        planned.setdefault(path, set()).add(check.option)
    return list(reverts.values()) + [{"site": path, **settings} for path, settings in fixes.items()]


def _reverted(row: dict, check: Check, server: Mapping, levels: list[Mapping], reverts: dict[tuple, dict]) -> bool:
    """Plan the removal of the overrides that give ``row`` its value, when the server-level value complies."""
    level = next((entry for entry in levels if entry["config_path"].casefold() == row["config_path"].casefold()
                  and entry["framework_version"] == row["framework_version"] and entry["bitness"] == row["bitness"]), None)
    found = [] if level is None else level["session_state"][check.attribute].get("overrides", [])
    targets = [_overrides.revert_target(entry, level) for entry in found]
    if not found or None in targets or not _server_complies(row, check, server, levels):
        return False
    for target in targets:
        key = tuple((name, str(value).casefold()) for name, value in target.items())
        call = reverts.setdefault(key, {**target, "revert": []})
        if check.option not in call["revert"]:
            call["revert"].append(check.option)
    return True


def _server_complies(row: dict, check: Check, server: Mapping, levels: list[Mapping]) -> bool:
    """The server level of the row's .NET tree complies, as it is or as the run's server-level write leaves it."""
    if check.option in server and _same_tree(row, server):
        return check.accepts(str(server[check.option]))
    for level in levels:
        if (level["kind"], level["framework_version"], level["bitness"]) == ("server", row["framework_version"], row["bitness"]):
            return not _unread(level) and check.accepts(level["session_state"][check.attribute]["value"])
    return False


def _same_tree(row: dict, server: Mapping) -> bool:
    return (row["framework_version"] == server.get("framework_version", SERVER_FRAMEWORK)
            and row["bitness"] in (server.get("bitness") or _levels.DEFAULT_BITNESS))


def _open_rows(findings: Iterable[Finding]) -> list[tuple[dict, Check]]:
    pairs = {}
    for finding in findings:
        if finding.status != OPEN or finding.benchmark.scope != SITE:
            continue
        checks = {check.attribute: check for check in finding.rule.checks}
        for row in finding.evidence:
            if row["compliant"] is False:  # an unknown value (None) is left to the auditor: no write can be planned on it
                pairs[(row["config_path"].casefold(), row["attribute"])] = (row, checks[row["attribute"]])
    return list(pairs.values())


def _fixed_by_server(row: dict, check: Check, server: Mapping) -> bool:
    """The server-level write reaches this level and gives it a compliant value."""
    if check.option not in server or not _inherits_server(row, server):
        return False
    if row["framework_version"] != server.get("framework_version", SERVER_FRAMEWORK):
        return False
    if row["bitness"] not in (server.get("bitness") or _levels.DEFAULT_BITNESS):
        return False
    return check.accepts(str(server[check.option]))


def _inherits_server(row: dict, server: Mapping) -> bool:
    """The value comes from no lower than the file the server-level write goes to (top of the file)."""
    source = row["source"]
    levels = ("MACHINE",) if server.get("commit") == "MACHINE" else _SERVER_LEVELS
    return source is None or (source["level"] in levels and source.get("location") is None)


def _fixed_below(row: dict, check: Check, planned: Mapping[str, set]) -> bool:
    """A write planned at this level or above reaches it (its value comes from no deeper)."""
    source = row["source"]
    origin = 0 if source is None else _depth(source["config_path"])
    for path, settings in planned.items():
        target = _levels.APPHOST_PATH + "/" + path
        if check.option in settings and _levels.config_path_startswith(row["config_path"], target):
            if origin <= _depth(target):
                return True
    return False


def _site_path(config_path: str) -> str:
    prefix = _levels.APPHOST_PATH + "/"
    if config_path.casefold().startswith(prefix.casefold()):
        config_path = config_path[len(prefix):]
    return _levels.normalise_site(config_path)


def _site_name(path: str) -> str:
    """'Intranet/hr' -> 'Intranet'."""
    return path.split("/", 1)[0]


def _depth(config_path: str) -> int:
    return len([part for part in config_path.split("/") if part])


def unknown_sites(waived: list[Waiver], by_site: Mapping[str, list]) -> list[str]:
    names = {site.casefold() for site in by_site}
    return [f"exception for site {waiver.site!r} matches no site in applicationHost.config on this host"
            for waiver in waived if waiver.site is not None and _site_name(waiver.site).casefold() not in names]


def inherited_changes(findings: Iterable[Finding], server: Mapping) -> list[str]:
    """Excepted sites (their findings carry the exception) inheriting a value the server-level write changes."""
    warnings = set()
    for finding in findings:
        if finding.target is None or not finding.comments:
            continue
        for row in finding.evidence:
            option = _spec.attribute(row["attribute"], "sessionState").option
            if _server_changes(row, option, server):
                warnings.add(f"{row['config_path']} is excepted from {finding.rule.vuln_id} but inherits "
                             f"{row['attribute']}={row['value']} from the server level, which this run sets to "
                             f"{server[option]}: set the value in the site itself to keep it")
    return sorted(warnings)


def _server_changes(row: dict, option: str, server: Mapping) -> bool:
    same_tree = row["framework_version"] == server.get("framework_version", SERVER_FRAMEWORK)
    return option in server and same_tree and _inherits_server(row, server) and str(server[option]) != row["value"]


def result(audit_result: Audit, profile: str) -> dict:
    """The module result: the profile, each finding, the summary and the remediation."""
    return {"profile": {"name": profile, "benchmarks": [
        {"stig_id": bench.stig_id, "title": bench.title, "version": bench.version, "release": bench.release,
         "release_info": bench.release_info, "scope": bench.scope} for bench in benchmarks(profile)]},
        "findings": [finding.as_dict() for finding in audit_result.findings],
        "summary": audit_result.summary(), "remediation": audit_result.remediation}
