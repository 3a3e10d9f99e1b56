"""Session state in effect at each level of a host, with provenance and findings: the info report.

Private to the iis.aspnet collection: not a public API.

The values come from the configuration model (``_model``): this module picks the levels to
report (the server per .NET tree, each site root and application), asks the model for each, and
adds what a file shows wrong on its own (values, names, duplicates, definitions the declaration
forbids). Nothing here reads a host: files come from a ``doc(path)`` callable (the run's cache),
so each file is read once per run whatever the number of levels that share it. Values leave this
module masked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ansible_collections.iis.aspnet.plugins.plugin_utils.base import _spec
from ansible_collections.iis.aspnet.plugins.plugin_utils.document import _xmlfile
from ansible_collections.iis.aspnet.plugins.plugin_utils.host import _service
from ansible_collections.iis.aspnet.plugins.plugin_utils.model import _model
from ansible_collections.iis.aspnet.plugins.plugin_utils.server import _apphost, _levels
from ansible_collections.iis.aspnet.plugins.plugin_utils.server._apphost import AppHost, pool_settings
from ansible_collections.iis.aspnet.plugins.plugin_utils.base._errors import ConfigError, EngineError, OptionError
from ansible_collections.iis.aspnet.plugins.plugin_utils.document._locate import Place, normalise, places
from ansible_collections.iis.aspnet.plugins.plugin_utils.base._mask import mask_value
from ansible_collections.iis.aspnet.plugins.plugin_utils.model._model import Chain, Finding, Model

ELEMENTS = {"sessionState": "session_state", "sessionPageState": "session_page_state"}
SECTIONS = {"sessionState": _model.SESSION_STATE, "sessionPageState": _model.PAGE_STATE}
# Kinds whose converter runs whenever the section loads, whatever the mode.
_CONVERTED = ("enum", "bool", "minutes", "seconds", "int")
APPHOST_REASON = ("applicationHost.config: IIS accepts system.web there (IIS Manager shows it), but the ASP.NET runtime "
                  "reads system.web only from machine.config, the root web.config and web.config files, so it has no "
                  "effect; set it with commit WEBROOT, SITE or APP instead")
Doc = Callable[[str], "_xmlfile.ConfigDoc | None"]


@dataclass(frozen=True)
class Scope:
    """One level to report: the chain of config paths down to it, and what it is in IIS."""

    kind: str  # server | site | application
    chain: Chain
    site: str | None = None
    application: str | None = None  # URL path of the application, "/" for the site root
    pool: str | None = None

    @property
    def config_path(self) -> str:
        return self.chain.config_path

    @property
    def framework_version(self) -> str:
        return self.chain.framework_version

    @property
    def bitness(self) -> int:
        return self.chain.bitness

    @property
    def files(self) -> list[_levels.FileRef]:
        return self.chain.files


@dataclass
class Effective:
    """Attribute values in effect at one scope: (element, xml) -> (text, provenance or None)."""

    scope: Scope
    values: dict[tuple[str, str], tuple[str, dict | None]] = field(default_factory=dict)
    # (element, xml) -> every definition below the server level that sets it on the way, in order.
    overrides: dict[tuple[str, str], list[dict]] = field(default_factory=dict)
    files: list[dict] = field(default_factory=list)
    complete: bool = True
    # element -> why its values here cannot be known (empty: every input on the way was read)
    unread: dict[str, list[str]] = field(default_factory=dict)

    def text(self, element: str, xml: str) -> str:
        return self.values[(element, xml)][0]

    def source(self, element: str, xml: str) -> dict | None:
        return self.values[(element, xml)][1]


# --- scopes -----------------------------------------------------------------------------------


def server_scopes(frameworks: Iterable[str], bitnesses: Iterable[int], layout: _apphost.Layout = _apphost.IMAGE) -> list[Scope]:
    """The server level (MACHINE/WEBROOT: machine.config + root web.config) per framework and bitness."""
    return [Scope("server", _model.server_chain(framework, bitness, layout=layout))
            for framework in frameworks for bitness in bitnesses]


def site_scopes(apphost: AppHost, sites: Iterable[str] | None = None) -> list[Scope]:
    """Every site root and application (``sites`` None), or the named ones (each must be an application)."""
    if sites is None:
        pairs = [(site, app) for site in apphost.sites for app in sorted(site.applications, key=lambda a: len(a.path))]
    else:
        pairs = [_levels.find_application(apphost, path) for path in sites]
    return [_site_scope(apphost, site, app) for site, app in pairs]


def _site_scope(apphost: AppHost, site: _apphost.Site, app: _apphost.Application) -> Scope:
    pool = pool_settings(apphost, app)[0]
    return Scope("site" if not app.path else "application", _model.site_chain(apphost, site, app.path),
                 site=site.name, application=app.url, pool=pool)


def folder_files(apphost: AppHost) -> list[_levels.FileRef]:
    """web.config files of virtual directories that are not applications (sessionState there is an error)."""
    found = {}
    for site in apphost.sites:
        for app in site.applications:
            for vdir in app.vdirs:
                segments = app.path + vdir.path
                if vdir.path and not site.is_application(segments):
                    try:
                        ref = _levels.site_file(apphost, site, segments)
                    except EngineError:
                        continue
                    found.setdefault(ref.path.casefold(), ref)
    return list(found.values())


# --- the values in effect ---------------------------------------------------------------------


def merge(scope: Scope, model: Model, findings: list[Finding]) -> Effective:
    """Values in effect at ``scope``, as the model evaluates them, with what the evaluation met."""
    result = Effective(scope)
    for ref in scope.files:
        loaded = model.load(ref)
        result.files.append({"path": ref.path, "level": ref.level, "config_path": ref.config_path,
                             "exists": loaded is not None or ref.path.casefold() in model.unreadable})
        if ref.path.casefold() in model.unreadable:
            result.complete = False
    for element, section in SECTIONS.items():
        defaults = {attr.xml: attr.default for attr in _attributes(element, scope.framework_version)}
        evaluation = model.evaluate(scope.chain, section, defaults)
        result.values.update({(element, name): (text, None if origin is None else origin.source())
                              for name, (text, origin) in evaluation.values.items()})
        result.overrides.update({(element, name): [{**item.source(), "value": item.attributes()[name]}
                                                   for item in evaluation.setters.get(name, ()) if not item.server_level]
                                 for name in evaluation.values})
        result.complete = result.complete and evaluation.complete
        result.unread[element] = evaluation.unread
        findings += _evaluation_findings(evaluation, scope)
    return result


def _evaluation_findings(evaluation: _model.Evaluation, scope: Scope) -> list[Finding]:
    findings = [finding for _item, _names, finding in evaluation.locked]
    findings += [Finding("not-inspectable", "warning", exc.reason, exc.path, item.line, scope.config_path)
                 for item, exc in evaluation.opaque]
    element = evaluation.section.name
    for item in evaluation.inputs:
        for name in item.attributes():
            if name not in evaluation.values and _spec_knows(element, name):
                findings.append(Finding(
                    "unrecognized-attribute", "error", f"<{element} {name}> exists only in .NET Framework 4; the "
                    f"{scope.framework_version} runtime of {scope.config_path} refuses it as unrecognized",
                    item.doc.path, item.line, scope.config_path))
    return findings


def _attributes(element: str, framework_version: str) -> list[_spec.Attribute]:
    return [attr for attr in _spec.ATTRIBUTES
            if attr.element == element and not (attr.net4_only and framework_version == "v2.0")]


def _spec_knows(element: str, name: str) -> bool:
    return any(attr.element == element and attr.xml == name for attr in _spec.ATTRIBUTES)


def provenance(doc: _xmlfile.ConfigDoc, level: str, config_path: str, place: Place) -> dict:
    location = None if place.location is None else (place.location.get("path") or "")
    return {"file": doc.path, "level": level, "location": location, "config_path": config_path,
            "line": doc.line(place.element.start)}


# --- findings ---------------------------------------------------------------------------------


def _places(doc: _xmlfile.ConfigDoc, element: str, findings: list[Finding]) -> list:
    """Every definition of ``element``; a wrong-case element becomes a finding instead."""
    try:
        return places(doc, element)
    except ConfigError as exc:
        findings.append(Finding("wrong-case-element", "error", exc.reason, doc.path))
        return []


def file_findings(ref: _levels.FileRef, doc: _xmlfile.ConfigDoc, apphost: AppHost | None, model: Model,
                  chain: Chain | None) -> list[Finding]:
    """What one file says wrongly, whatever level reads it: values, names, duplicates, locations, levels.

    ``chain`` is one whose files declare the sections (its machine.config), or None for .NET's defaults.
    """
    findings: list[Finding] = []
    for element, section in SECTIONS.items():
        found = _places(doc, element, findings)
        findings += _duplicates(doc, element, found)
        for place in found:
            line = doc.line(place.element.start)
            config_path = _levels.location_config_path(ref, place.path)
            findings += [Finding(rule, "error", message, doc.path, line, config_path)
                         for rule, message in _definition_problems(element, place.element.attrib)]
            findings += _placement_findings(model, chain, section, ref, place, apphost, line, config_path)
    return findings


def _placement_findings(model: Model, chain: Chain | None, section: _model.Section, ref: _levels.FileRef, place: Place,
                        apphost: AppHost | None, line: int, config_path: str) -> list[Finding]:
    """A <location> the runtime refuses, or a level the section's declaration forbids."""
    problem = _model.location_problem(place, ref)
    if problem is not None:
        return [Finding("invalid-location", "error", problem, ref.path, line, config_path)]
    level = _levels.path_level(apphost, config_path) if apphost is not None or ref.level in ("MACHINE", "WEBROOT") else None
    problem = model.definition_problem(chain, section, place, level)
    if problem is None:
        return []
    if level == "FOLDER":
        return [Finding("beyond-application", "error", (
            f"<{section.name}> governs {config_path}, which is not an IIS application: it {problem}, so ASP.NET fails "
            "every request there (make the folder an application, or move the setting up)"), ref.path, line, config_path)]
    return [Finding("definition-not-allowed", "error", f"<{section.name}> {problem}", ref.path, line, config_path)]


def _duplicates(doc: _xmlfile.ConfigDoc, element: str, found: list[Place]) -> list[Finding]:
    by_path: dict[str, list[Place]] = {}
    for place in found:
        by_path.setdefault(normalise(place.path).casefold(), []).append(place)
    findings = []
    for path, group in by_path.items():
        if len(group) > 1:
            lines = ", ".join(str(doc.line(place.element.start)) for place in group)
            where = f"location path '{path}'" if path else "the file's own level"
            findings.append(Finding("duplicate-definition", "error", (
                f"<{element}> is defined {len(group)} times for {where} (lines {lines}); the runtime refuses the file"),
                doc.path, doc.line(group[1].element.start)))
    return findings


def _definition_problems(element: str, attrib: dict[str, str]) -> list[tuple[str, str]]:
    problems = []
    for name, text in attrib.items():
        if name in _model.GENERIC or ":" in name or name.startswith("{"):
            continue
        try:
            attr = _spec.attribute(name, element)
        except KeyError:
            problems.append(("unrecognized-attribute", f"<{element}> has no attribute {name!r} (XML names are "
                                                       "case-sensitive): the runtime refuses it as unrecognized"))
            continue
        if attr.xml != name:  # matched by option name, not by its XML name
            problems.append(("unrecognized-attribute", f"<{element}> has no attribute {name!r}; did you mean {attr.xml!r}?"))
            continue
        if attr.kind in _CONVERTED:
            try:
                _spec.to_xml(attr, text)
            except OptionError as exc:
                problems.append(("invalid-value", f"{name}={mask_value(name, text)!r}: {exc.reason}"))
    return problems


def level_findings(effective: Effective, model: Model) -> list[Finding]:
    """What the runtime refuses in the values in effect at this level (timeout over a year, connection strings)."""
    scope = effective.scope
    errors, notes = _model.runtime_problems(model, scope.chain, _session_values(effective))
    mode = effective.source("sessionState", "mode") or {}
    findings = []
    for problem in errors:
        source = effective.source("sessionState", _spec.attribute(problem.partition(":")[0]).xml) or mode
        findings.append(Finding("runtime-rejects", "error", f"{scope.config_path}: {problem}", source.get("file"),
                                source.get("line"), scope.config_path))
    findings += [Finding("unresolved-connection-string", "warning", f"{scope.config_path}: {note}", mode.get("file"),
                         mode.get("line"), scope.config_path) for note in notes]
    return findings


def _session_values(effective: Effective) -> dict[str, str]:
    return {xml: text for (element, xml), (text, _source) in effective.values.items() if element == "sessionState"}


def service_findings(effective: Effective, model: Model, service: _service.ServiceResult | None) -> list[Finding]:
    """StateServer levels against the aspnet_state facts (only when the service was queried)."""
    if service is None or effective.text("sessionState", "mode") != "StateServer":
        return []
    store = _model.read_store(model, effective.scope.chain, _session_values(effective), ["stateConnectionString"])
    source = effective.source("sessionState", "mode") or {}
    return [Finding("state-service", "warning", f"{effective.scope.config_path}: {warning}", source.get("file"),
                    source.get("line"), effective.scope.config_path)
            for warning in _service.mode_warnings("StateServer", service, store.values["stateConnectionString"])]


def ignored_settings(doc: _xmlfile.ConfigDoc) -> tuple[list[dict], list[Finding]]:
    """system.web session settings in applicationHost.config: listed, never merged."""
    ref = _levels.FileRef(doc.path, "APPHOST", _levels.APPHOST_PATH)
    ignored, findings = [], []
    for element in ELEMENTS:
        for place in _places(doc, element, findings):
            config_path = _levels.location_config_path(ref, place.path)
            record = provenance(doc, "APPHOST", config_path, place)
            attributes = {name: mask_value(name, text) for name, text in place.element.attrib.items()}
            ignored.append({**record, "element": element, "attributes": attributes, "reason": APPHOST_REASON})
            findings.append(Finding("ignored-apphost", "warning", (
                f"<{element}> for {config_path} in applicationHost.config is ignored by ASP.NET (IIS Manager and STIG "
                "checks made there see it, the applications do not)"), doc.path, record["line"], config_path))
    return ignored, findings


def bitness_findings(server: list[Effective]) -> list[Finding]:
    """The 64- and 32-bit root web.config of one framework disagree: 32-bit pools run other settings."""
    findings = []
    by_framework: dict[str, dict[int, Effective]] = {}
    for effective in server:
        by_framework.setdefault(effective.scope.framework_version, {})[effective.scope.bitness] = effective
    for framework, pair in by_framework.items():
        if set(pair) != {64, 32}:
            continue
        differ = sorted(xml for (element, xml), (text, _source) in pair[64].values.items()
                        if pair[32].values[(element, xml)][0] != text)
        if differ:
            findings.append(Finding("bitness-differs", "warning", (
                f".NET {framework} server level differs between Framework64 and Framework ({', '.join(differ)}): "
                "applications in 32-bit pools run with the Framework values"), pair[32].scope.files[-1].path,
                config_path=_levels.WEBROOT_PATH))
    return findings


# --- one report -------------------------------------------------------------------------------


def as_dict(effective: Effective) -> dict:
    scope = effective.scope
    record = {"config_path": scope.config_path, "kind": scope.kind, "site": scope.site, "application": scope.application,
              "framework_version": scope.framework_version, "bitness": scope.bitness, "pool": scope.pool,
              "files": effective.files, "complete": effective.complete,
              "unread": {key: effective.unread.get(element, []) for element, key in ELEMENTS.items()}}
    for element, key in ELEMENTS.items():
        record[key] = {xml: {"value": mask_value(xml, text), "source": source, "overrides": [
            {**found, "value": mask_value(xml, found["value"])} for found in effective.overrides[(owner, xml)]]}
            for (owner, xml), (text, source) in effective.values.items() if owner == element}
    return record


def dedupe(findings: Iterable[Finding]) -> list[dict]:
    seen, unique = set(), []
    for finding in findings:
        record = finding.as_dict()
        key = tuple(record.values())
        if key not in seen:
            seen.add(key)
            unique.append(record)
    return unique


def file_refs(scopes: Iterable[Scope], extra: Iterable[_levels.FileRef] = ()) -> list[_levels.FileRef]:
    """Every distinct file the scopes read (first seen first), plus ``extra``."""
    found: dict[str, _levels.FileRef] = {}
    for ref in [ref for scope in scopes for ref in scope.files] + list(extra):
        found.setdefault(ref.path.casefold(), ref)
    return list(found.values())


def candidate_files(apphost: AppHost | None, *, sites: list[str] | None, frameworks: Iterable[str],
                    bitnesses: Iterable[int], folders: bool = True, layout: _apphost.Layout = _apphost.IMAGE) -> list[str]:
    """Every file :func:`build_report` may read with the same arguments, first read first.

    What the report reads is this list less the files found absent (and a tree's root web.config
    when its machine.config is absent): a run asks the host once which of them exist.
    """
    scopes = server_scopes(frameworks, bitnesses, layout) if sites is None else []
    if apphost is not None:
        scopes += site_scopes(apphost, sites)
    return [ref.path for ref in file_refs(scopes, _folder_refs(apphost, sites, folders))]


def _folder_refs(apphost: AppHost | None, sites: list[str] | None, folders: bool) -> list[_levels.FileRef]:
    """The folder web.config files a report looks at: every one, for a report of the whole host with folders."""
    return folder_files(apphost) if folders and apphost is not None and sites is None else []


def build_report(doc: Doc, apphost: AppHost | None, apphost_doc: _xmlfile.ConfigDoc | None, *, sites: list[str] | None,
                 frameworks: Iterable[str], bitnesses: Iterable[int], explicit: bool = False,
                 service: _service.ServiceResult | None = None, folders: bool = True,
                 layout: _apphost.Layout = _apphost.IMAGE) -> dict:
    """The whole read-only report for one host.

    ``folders``: also read the web.config of each virtual directory that is not an application,
    which only findings look at (sessionState there is an error).

    Server levels are reported only when ``sites`` is None; a server tree whose machine.config is
    absent is skipped (listed in ``skipped``), or is an error when ``explicit`` (asked for by name).
    """
    model = Model(doc, strict=False)
    scopes, skipped = _server_levels(model, frameworks, bitnesses, explicit, layout) if sites is None else ([], [])
    if apphost is not None:
        scopes += site_scopes(apphost, sites)
    findings: list[Finding] = []
    merged = [merge(scope, model, findings) for scope in scopes]
    chains = {ref.path.casefold(): scope.chain for scope in reversed(scopes) for ref in scope.files}
    default_chain = scopes[0].chain if scopes else None
    for ref in file_refs(scopes, _folder_refs(apphost, sites, folders)):
        loaded = model.load(ref)
        if loaded:
            findings += file_findings(ref, loaded, apphost, model, chains.get(ref.path.casefold(), default_chain))
    for effective in merged:
        findings += level_findings(effective, model) + service_findings(effective, model, service)
    findings += bitness_findings([effective for effective in merged if effective.scope.kind == "server"])
    ignored = []
    if apphost_doc is not None:
        ignored, apphost_findings = ignored_settings(apphost_doc)
        findings += apphost_findings
    return {"levels": [as_dict(effective) for effective in merged], "ignored": ignored,
            "findings": dedupe(model.findings + findings), "skipped": skipped}


def _server_levels(model: Model, frameworks: Iterable[str], bitnesses: Iterable[int], explicit: bool,
                   layout: _apphost.Layout) -> tuple[list[Scope], list[str]]:
    """The server scopes whose machine.config exists, and the machine.config paths of those skipped."""
    scopes, skipped = [], []
    for scope in server_scopes(frameworks, bitnesses, layout):
        machine = scope.files[0]
        if model.load(machine) is None and machine.path.casefold() not in model.unreadable:
            if explicit:
                raise ConfigError(machine.path, f"not found: .NET Framework {scope.framework_version} "
                                                f"({scope.bitness}-bit) is not installed")
            skipped.append(machine.path)
            continue
        scopes.append(scope)
    return scopes, skipped


__all__ = [
    "ELEMENTS", "SECTIONS", "APPHOST_REASON", "Scope", "Finding", "Effective", "server_scopes", "site_scopes",
    "folder_files", "candidate_files", "merge", "provenance", "file_findings", "level_findings", "service_findings",
    "ignored_settings", "bitness_findings", "as_dict", "dedupe", "file_refs", "build_report",
]
