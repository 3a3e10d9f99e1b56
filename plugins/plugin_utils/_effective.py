"""Session state in effect at each level, merged as the .NET configuration system merges it.

Private to the iis.aspnet collection: not a public API.

For one config path the runtime reads machine.config, then the root web.config, then every
web.config down the URL path, and in each file the top-level definition and every
``<location path>`` that covers the path, broadest first (``_guards.binding_places``). An attribute
written lower wins; one written nowhere has its schema default. Nothing here reads a host: files
come from a ``doc(path)`` callable (the run's cache), so each file is read once per run whatever
the number of levels that share it. Values leave this module masked.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ansible_collections.iis.aspnet.plugins.plugin_utils import _levels, _service, _spec, _xmlfile
from ansible_collections.iis.aspnet.plugins.plugin_utils._apphost import AppHost, Application, Site, pool_settings
from ansible_collections.iis.aspnet.plugins.plugin_utils._errors import ConfigError, EngineError, OptionError
from ansible_collections.iis.aspnet.plugins.plugin_utils._guards import Layer, binding_places, check_element
from ansible_collections.iis.aspnet.plugins.plugin_utils._locate import Place, normalise, places
from ansible_collections.iis.aspnet.plugins.plugin_utils._mask import mask, mask_value

ELEMENTS = {"sessionState": "session_state", "sessionPageState": "session_page_state"}
# Generic System.Configuration keywords every element accepts (IIS-FACTS 1, last row; 3).
_GENERIC = {"lockAttributes", "lockAllAttributesExcept", "lockElements", "lockAllElementsExcept", "lockItem",
            "configSource", "configProtectionProvider"}
# Kinds whose converter runs whenever the section loads, whatever the mode.
_CONVERTED = ("enum", "bool", "minutes", "seconds", "int")
APPHOST_REASON = ("applicationHost.config: IIS accepts system.web there (IIS Manager shows it), but the ASP.NET runtime "
                  "reads system.web only from machine.config, the root web.config and web.config files, so it has no "
                  "effect; set it with commit WEBROOT, SITE or APP instead")
Doc = Callable[[str], "_xmlfile.ConfigDoc | None"]


@dataclass(frozen=True)
class Scope:
    """One level to report and the files that may govern it, broadest first."""

    kind: str  # server | site | application
    config_path: str
    files: tuple[_levels.FileRef, ...]
    application_path: str  # config path of the application the level belongs to
    framework_version: str
    bitness: int
    site: str | None = None
    application: str | None = None  # URL path of the application, "/" for the site root
    pool: str | None = None


@dataclass
class Finding:
    rule: str
    severity: str  # error: the runtime refuses it; warning: it works other than it reads
    message: str
    file: str | None = None
    line: int | None = None
    config_path: str | None = None

    def as_dict(self) -> dict:
        return {"rule": self.rule, "severity": self.severity, "message": mask(self.message), "file": self.file,
                "line": self.line, "config_path": self.config_path}


@dataclass
class Effective:
    """Attribute values in effect at one scope: (element, xml) -> (text, provenance or None)."""

    scope: Scope
    values: dict[tuple[str, str], tuple[str, dict | None]] = field(default_factory=dict)
    files: list[dict] = field(default_factory=list)
    complete: bool = True

    def text(self, element: str, xml: str) -> str:
        return self.values[(element, xml)][0]

    def source(self, element: str, xml: str) -> dict | None:
        return self.values[(element, xml)][1]


# --- scopes -----------------------------------------------------------------------------------


def server_scopes(frameworks: Iterable[str], bitnesses: Iterable[int]) -> list[Scope]:
    """The server level (MACHINE/WEBROOT: machine.config + root web.config) per framework and bitness."""
    scopes = []
    for framework in frameworks:
        for bitness in bitnesses:
            files = (_levels.server_file("MACHINE", framework, bitness), _levels.server_file("WEBROOT", framework, bitness))
            scopes.append(Scope("server", _levels.WEBROOT_PATH, files, _levels.WEBROOT_PATH, framework, bitness))
    return scopes


def site_scopes(apphost: AppHost, sites: Iterable[str] | None = None) -> list[Scope]:
    """Every site root and application (``sites`` None), or the named ones (each must be an application)."""
    if sites is None:
        pairs = [(site, app) for site in apphost.sites for app in sorted(site.applications, key=lambda a: len(a.path))]
    else:
        pairs = [_levels.find_application(apphost, path) for path in sites]
    return [_site_scope(apphost, site, app) for site, app in pairs]


def _site_scope(apphost: AppHost, site: Site, app: Application) -> Scope:
    pool, framework, bitness = pool_settings(apphost, app)
    server = (_levels.server_file("MACHINE", framework, bitness), _levels.server_file("WEBROOT", framework, bitness))
    chain = tuple(_levels.site_file(apphost, site, app.path[:n]) for n in range(len(app.path) + 1))
    config_path = "/".join([_levels.APPHOST_PATH, site.name, *app.path])
    return Scope("site" if not app.path else "application", config_path, server + chain, config_path, framework, bitness,
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


# --- the merge --------------------------------------------------------------------------------


def merge(scope: Scope, doc: Doc, findings: list[Finding] | None = None) -> Effective:
    """Values in effect at ``scope``: deepest definition wins, schema default where none sets it."""
    findings = findings if findings is not None else []
    result = Effective(scope)
    layers = []
    for ref in scope.files:
        loaded = _load(doc, ref, findings)
        result.files.append({"path": ref.path, "level": ref.level, "config_path": ref.config_path, "exists": loaded is not None})
        if loaded is False:
            result.complete = False
        elif loaded is not None:
            layers.append(Layer(loaded, ref.config_path, ref.level, _location_mapper(ref)))
    for element in ELEMENTS:
        for attr in _attributes(element, scope.framework_version):
            result.values[(element, attr.xml)] = (attr.default, None)
        try:
            bound = list(binding_places(layers, _nowhere(), scope.config_path, element))
        except ConfigError as exc:  # a wrong-case element: reported per file by file_findings
            findings.append(Finding("unreadable", "error", exc.reason, exc.path, config_path=scope.config_path))
            result.complete = False
            continue
        for layer, place in bound:
            if not _inherited(layer, place, scope):
                continue
            try:
                check_element(layer.doc, place.element)
            except ConfigError as exc:
                findings.append(Finding("not-inspectable", "warning", exc.reason, exc.path, layer.doc.line(place.element.start)))
                result.complete = False
                continue
            _apply(result, layer, place, element, findings)
    return result


def _load(doc: Doc, ref: _levels.FileRef, findings: list[Finding]):
    """The parsed file, None when absent, False when it cannot be parsed (a finding says why)."""
    try:
        return doc(ref.path)
    except ConfigError as exc:
        findings.append(Finding("unreadable", "error", f"cannot be parsed: {exc.reason}", ref.path, config_path=ref.config_path))
        return False


def _location_mapper(ref: _levels.FileRef) -> Callable[[str], str]:
    def mapper(location: str) -> str:
        return _levels.location_config_path(ref, location)
    return mapper


@functools.cache
def _nowhere() -> Layer:
    """An empty last layer: binding_places then treats every real file as one above the scope."""
    return Layer(_xmlfile.parse("(none)", _xmlfile.minimal_document()), "", "NONE", _no_location)


def _no_location(location: str) -> str:
    return location


def _attributes(element: str, framework_version: str) -> list[_spec.Attribute]:
    return [attr for attr in _spec.ATTRIBUTES
            if attr.element == element and not (attr.net4_only and framework_version == "v2.0")]


def _inherited(layer: Layer, place: Place, scope: Scope) -> bool:
    """A <location inheritInChildApplications="false"> stops at the applications below its path."""
    if place.location is None or (place.location.get("inheritInChildApplications") or "").strip().lower() != "false":
        return True
    place_path = layer.location_path(place.path)
    return _depth(scope.application_path) <= _depth(place_path)


def _depth(config_path: str) -> int:
    return len([part for part in config_path.split("/") if part])


def _apply(result: Effective, layer: Layer, place: Place, element: str, findings: list[Finding]) -> None:
    known = {attr.xml: attr for attr in _attributes(element, result.scope.framework_version)}
    source = provenance(layer.doc, layer.level, layer.location_path(place.path), place)
    for name, text in place.element.attrib.items():
        if name in known:
            result.values[(element, name)] = (text, source)
        elif _spec_knows(element, name):
            findings.append(Finding(
                "unrecognized-attribute", "error", f"<{element} {name}> exists only in .NET Framework 4; the "
                f"{result.scope.framework_version} runtime of {result.scope.config_path} refuses it as unrecognized",
                layer.doc.path, source["line"], result.scope.config_path))


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


def file_findings(ref: _levels.FileRef, doc: _xmlfile.ConfigDoc, apphost: AppHost | None) -> list[Finding]:
    """What one file says wrongly, whatever level reads it: values, names, duplicates, wrong level."""
    findings: list[Finding] = []
    for element in ELEMENTS:
        found = _places(doc, element, findings)
        findings += _duplicates(doc, element, found)
        for place in found:
            line = doc.line(place.element.start)
            config_path = _levels.location_config_path(ref, place.path)
            findings += [Finding(rule, "error", message, doc.path, line, config_path)
                         for rule, message in _definition_problems(element, place.element.attrib)]
            if element == "sessionState" and apphost is not None and is_application_path(apphost, config_path) is False:
                findings.append(Finding("beyond-application", "error", (
                    f"<sessionState> governs {config_path}, which is not an IIS application: sessionState is "
                    "allowDefinition=\"MachineToApplication\", so ASP.NET fails every request there "
                    "(make the folder an application, or move the setting up)"), doc.path, line, config_path))
    return findings


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
        if name in _GENERIC or ":" in name or name.startswith("{"):
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


def is_application_path(apphost: AppHost, config_path: str) -> bool | None:
    """Whether a config path is the server, a site root or an application; None for an unknown site."""
    if not _levels.config_path_startswith(config_path, _levels.APPHOST_PATH):
        return True
    segments = [part for part in config_path.split("/") if part][3:]
    if not segments:
        return True
    try:
        site = apphost.site(segments[0])
    except OptionError:
        return None
    return site.is_application(tuple(segments[1:]))


def level_findings(effective: Effective) -> list[Finding]:
    """Combinations the runtime refuses at this level (timeout over a year, malformed connection strings)."""
    scope = effective.scope
    values = {xml: text for (element, xml), (text, _source) in effective.values.items() if element == "sessionState"}
    findings = []
    for problem in _spec.check_effective(values, scope.framework_version):
        option = problem.partition(":")[0]
        xml = _spec.attribute(option).xml
        source = effective.source("sessionState", xml) or effective.source("sessionState", "mode") or {}
        findings.append(Finding("runtime-rejects", "error", f"{scope.config_path}: {problem}", source.get("file"),
                                source.get("line"), scope.config_path))
    return findings


def service_findings(effective: Effective, service: _service.ServiceResult | None) -> list[Finding]:
    """StateServer levels against the aspnet_state facts (only when the service was queried)."""
    if service is None or effective.text("sessionState", "mode") != "StateServer":
        return []
    connection = effective.text("sessionState", "stateConnectionString")
    source = effective.source("sessionState", "mode") or {}
    return [Finding("state-service", "warning", f"{effective.scope.config_path}: {warning}", source.get("file"),
                    source.get("line"), effective.scope.config_path)
            for warning in _service.mode_warnings("StateServer", service, connection)]


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
              "files": effective.files, "complete": effective.complete}
    for element, key in ELEMENTS.items():
        record[key] = {xml: {"value": mask_value(xml, text), "source": source}
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


def build_report(doc: Doc, apphost: AppHost | None, apphost_doc: _xmlfile.ConfigDoc | None, *, sites: list[str] | None,
                 frameworks: Iterable[str], bitnesses: Iterable[int], explicit: bool = False,
                 service: _service.ServiceResult | None = None, folders: bool = True) -> dict:
    """The whole read-only report for one host.

    ``folders``: also read the web.config of each virtual directory that is not an application,
    which only findings look at (sessionState there is an error).

    Server levels are reported only when ``sites`` is None; a server tree whose machine.config is
    absent is skipped (listed in ``skipped``), or is an error when ``explicit`` (asked for by name).
    """
    findings: list[Finding] = []
    skipped = []
    scopes = []
    if sites is None:
        for scope in server_scopes(frameworks, bitnesses):
            if _load(doc, scope.files[0], findings) is None:
                if explicit:
                    raise ConfigError(scope.files[0].path, f"not found: .NET Framework {scope.framework_version} "
                                                           f"({scope.bitness}-bit) is not installed")
                skipped.append(scope.files[0].path)
                continue
            scopes.append(scope)
    if apphost is not None:
        scopes += site_scopes(apphost, sites)
    merged = [merge(scope, doc, findings) for scope in scopes]
    for ref in file_refs(scopes, folder_files(apphost) if folders and apphost is not None and sites is None else ()):
        loaded = _load(doc, ref, findings)
        if loaded:
            findings += file_findings(ref, loaded, apphost)
    for effective in merged:
        findings += level_findings(effective) + service_findings(effective, service)
    findings += bitness_findings([effective for effective in merged if effective.scope.kind == "server"])
    ignored = []
    if apphost_doc is not None:
        ignored, apphost_findings = ignored_settings(apphost_doc)
        findings += apphost_findings
    return {"levels": [as_dict(effective) for effective in merged], "ignored": ignored, "findings": dedupe(findings),
            "skipped": skipped}


__all__ = [
    "ELEMENTS", "APPHOST_REASON", "Scope", "Finding", "Effective", "server_scopes", "site_scopes", "folder_files",
    "merge", "provenance", "file_findings", "is_application_path", "level_findings", "service_findings",
    "ignored_settings", "bitness_findings", "as_dict", "dedupe", "file_refs", "build_report",
]
