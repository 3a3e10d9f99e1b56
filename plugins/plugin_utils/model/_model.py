"""The configuration model: the value in effect at a config path, computed as .NET computes it.

Private to the iis.aspnet collection: not a public API.

The .NET configuration system keeps one record per config path: ``MACHINE`` (machine.config),
``MACHINE/WEBROOT`` (the root web.config), the site, then one per URL segment below it, each with
the web.config of the folder that path maps to. A section's value at a path is the parent path's
result, then every ``<location>`` aimed at exactly that path from the files of ancestor paths
(oldest ancestor first), then the path's own file (its top level and ``<location path=".">``).
Each attribute is inherited on its own; locks travel the same way. Requests run in an
application, and a ``<location inheritInChildApplications="false">`` input is skipped at the
paths above that application. docs/configuration-model.md states every rule with its source.

The writer's checks, session_state_info and the STIG audit all ask this module, so they cannot
disagree. Nothing here reads a host: files come from a ``doc(path)`` callable (the run's cache).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ansible_collections.iis.aspnet.plugins.plugin_utils.base import _spec
from ansible_collections.iis.aspnet.plugins.plugin_utils.server._apphost import IMAGE, AppHost, Layout, Site, pool_settings
from ansible_collections.iis.aspnet.plugins.plugin_utils.base._errors import ConfigError, OptionError
from ansible_collections.iis.aspnet.plugins.plugin_utils.server._levels import (
    APPHOST_PATH,
    MACHINE_PATH,
    WEBROOT_PATH,
    FileRef,
    config_path_startswith,
    Target,
    location_config_path,
    server_file,
    site_file,
)
from ansible_collections.iis.aspnet.plugins.plugin_utils.document._locate import SECTION_GROUP, Place, places
from ansible_collections.iis.aspnet.plugins.plugin_utils.base._mask import mask
from ansible_collections.iis.aspnet.plugins.plugin_utils.document._xmlfile import ConfigDoc, Tag

Doc = Callable[[str], "ConfigDoc | None"]

# Generic System.Configuration keywords every element accepts: never section attributes.
GENERIC = frozenset({"lockAttributes", "lockAllAttributesExcept", "lockElements", "lockAllElementsExcept", "lockItem",
                     "configSource", "configProtectionProvider"})
# allowDefinition -> the levels whose config paths may define the section.
ALLOWED_LEVELS = {
    "MachineOnly": ("MACHINE",),
    "MachineToWebRoot": ("MACHINE", "WEBROOT"),
    "MachineToApplication": ("MACHINE", "WEBROOT", "SITE", "APP"),
    "Everywhere": ("MACHINE", "WEBROOT", "SITE", "APP", "FOLDER"),
}
_FIRST_OR_LAST = "\\./"  # characters a location path may neither start nor end with


@dataclass(frozen=True)
class Section:
    """A configuration section: its element and the group holding it (None: directly in <configuration>).

    ``allow_definition`` is what a .NET 4 machine.config declares; a declaration found in the
    files read replaces it.
    """

    name: str
    group: str | None = SECTION_GROUP
    allow_definition: str = "Everywhere"


SESSION_STATE = Section("sessionState", allow_definition="MachineToApplication")
PAGE_STATE = Section("sessionPageState")
CONNECTION_STRINGS = Section("connectionStrings", group=None)


@dataclass
class Finding:
    """Something the runtime objects to, or that runs other than it reads."""

    rule: str
    severity: str  # error: the runtime refuses it; warning: it works other than it reads
    message: str
    file: str | None = None
    line: int | None = None
    config_path: str | None = None

    def as_dict(self) -> dict:
        return {"rule": self.rule, "severity": self.severity, "message": mask(self.message), "file": self.file,
                "line": self.line, "config_path": self.config_path}


# --- config paths -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    """One config path, its level, and the file that maps to it (None: no file can be there)."""

    config_path: str
    level: str  # MACHINE | WEBROOT | SITE | APP | FOLDER
    file: FileRef | None


@dataclass(frozen=True)
class Chain:
    """The records from MACHINE down to one config path, and the application whose requests read it."""

    records: tuple[Record, ...]
    application: str  # config path of the application (the server's for MACHINE and MACHINE/WEBROOT)
    framework_version: str
    bitness: int

    @property
    def config_path(self) -> str:
        return self.records[-1].config_path

    @property
    def files(self) -> list[FileRef]:
        return [record.file for record in self.records if record.file is not None]


def target_chain(target: Target, apphost: Callable[[], AppHost | None], layout: Layout = IMAGE) -> Chain:
    """The records from MACHINE down to the path a target governs, in its .NET tree.

    A target below the server level needs applicationHost.config (``apphost()`` reads it) to map
    paths to folders; a site it does not know is refused.
    """
    segments = [part for part in target.config_path.split("/") if part][3:]
    if not segments:
        return server_chain(target.framework_version, target.bitness, target.commit, layout)
    apphost = apphost()
    if apphost is None:
        raise OptionError("site", f"{target.config_path}: applicationHost.config is needed to tell which files govern it")
    site = apphost.site(segments[0])
    return site_chain(apphost, site, tuple(segments[1:]), target.framework_version, target.bitness)


def is_above(config_path: str, application: str) -> bool:
    """A path strictly above the application (segment-wise, case-insensitively)."""
    return config_path_startswith(application, config_path) and not config_path_startswith(config_path, application)


def server_chain(framework_version: str, bitness: int, level: str = "WEBROOT", layout: Layout = IMAGE) -> Chain:
    """MACHINE (and MACHINE/WEBROOT unless ``level`` is MACHINE) of one .NET tree."""
    records = [Record(MACHINE_PATH, "MACHINE", server_file("MACHINE", framework_version, bitness, layout))]
    if level != "MACHINE":
        records.append(Record(WEBROOT_PATH, "WEBROOT", server_file("WEBROOT", framework_version, bitness, layout)))
    return Chain(tuple(records), records[-1].config_path, framework_version, bitness)


def site_chain(apphost: AppHost, site: Site, segments: tuple[str, ...], framework_version: str | None = None,
               bitness: int | None = None) -> Chain:
    """The records down to a URL path of a site, read in the application serving it.

    The .NET tree above is the application pool's unless ``framework_version``/``bitness`` name
    one (a <location> written into that tree's machine.config or root web.config).
    """
    app = site.application(segments)
    if app is None:
        raise OptionError("site", f"site {site.name!r} has no root application \"/\" in {apphost.path}")
    _pool, pool_framework, pool_bitness = pool_settings(apphost, app)
    server = server_chain(framework_version or pool_framework, bitness or pool_bitness, layout=apphost.layout)
    records = [*server.records]
    for length in range(len(segments) + 1):
        part = segments[:length]
        level = "SITE" if not part else "APP" if site.is_application(part) else "FOLDER"
        try:
            file = site_file(apphost, site, part)
        except ConfigError:  # no virtual directory serves it: no file can be there
            file = None
        records.append(Record("/".join([APPHOST_PATH, site.name, *part]), level, file))
    application = "/".join([APPHOST_PATH, site.name, *app.path])
    return Chain(tuple(records), application, server.framework_version, server.bitness)


# --- inputs -----------------------------------------------------------------------------------


@dataclass(eq=False)
class Input:
    """One definition of a section that takes part in the evaluation at ``config_path``."""

    config_path: str  # the path it applies at
    ref: FileRef  # the file holding it
    doc: ConfigDoc
    place: Place
    own: bool  # the file's own level (top of the file or <location path=".">); else a <location> input

    @property
    def element(self) -> Tag:
        return self.place.element

    @property
    def line(self) -> int:
        return self.doc.line(self.place.element.start)

    def location_attribute(self, name: str) -> str | None:
        return None if self.place.location is None else self.place.location.get(name)

    @property
    def skip_in_child_applications(self) -> bool:
        return (self.location_attribute("inheritInChildApplications") or "").strip().lower() == "false"

    def denies(self) -> bool | None:
        """The override mode this input's <location> sets for the levels below: True (Deny), False (Allow), None."""
        allow = (self.location_attribute("allowOverride") or "").strip().lower()
        mode = (self.location_attribute("overrideMode") or "").strip().lower()
        if allow == "false" or mode == "deny":
            return True
        if allow == "true" or mode == "allow":
            return False
        return None

    def attributes(self) -> dict[str, str]:
        """The attributes it sets (generic keywords and namespace declarations left out)."""
        return {name: value for name, value in self.element.attrib.items()
                if name not in GENERIC and ":" not in name and not name.startswith("{")}

    def source(self) -> dict:
        """Provenance, as results report it."""
        location = None if self.place.location is None else (self.place.location.get("path") or "")
        return {"file": self.doc.path, "level": self.ref.level, "location": location, "config_path": self.config_path,
                "line": self.line}

    def where(self) -> str:
        return f"{self.doc.path} line {self.line}"

    @property
    def server_level(self) -> bool:
        """The top of machine.config or of the root web.config: what every site inherits, not an override."""
        return self.own and self.ref.level in ("MACHINE", "WEBROOT")


def check_element(doc: ConfigDoc, tag: Tag | None) -> None:
    """Refuse to read or edit an element whose content is not really in this file."""
    if tag is None:
        return
    first = tag.first_child or (tag.children[0].name if tag.name == "connectionStrings" and tag.children else None)
    if tag.get("configProtectionProvider") is not None or first == "EncryptedData":
        raise ConfigError(doc.path, f"<{tag.name}> at line {doc.line(tag.start)} is encrypted (configProtectionProvider); "
                                    "decrypt it with aspnet_regiis -pdf first, or manage it by hand")
    if tag.get("configSource") is not None:
        raise ConfigError(doc.path, f"<{tag.name}> at line {doc.line(tag.start)} is redirected with "
                                    f"configSource={tag.get('configSource')!r}; edit that file instead")


def location_problem(place: Place, ref: FileRef) -> str | None:
    """Why the runtime refuses a <location> tag (NormalizeLocationSubPath, ScanLocationSection), or None."""
    if place.location is None:
        return None
    path = place.location.get("path")
    if path not in (None, "", ".") and (path != path.strip() or path[0] in _FIRST_OR_LAST or path[-1] in _FIRST_OR_LAST):
        return (f"<location path=\"{path}\">: a location path may not start or end with white space, '.', '/' or '\\'; "
                "the runtime refuses the file")
    for name, allowed in (("inheritInChildApplications", ("true", "false")), ("allowOverride", ("true", "false")),
                          ("overrideMode", ("Allow", "Deny", "Inherit"))):
        value = place.location.get(name)
        if value is not None and value not in allowed:
            return (f"<location {name}=\"{value}\">: the runtime accepts only {' or '.join(allowed)} (exact case) "
                    "and refuses the file")
    if not place.path and ref.level in ("MACHINE", "WEBROOT") and place.location.get("inheritInChildApplications") == "false":
        return ("<location path=\".\" inheritInChildApplications=\"false\"> is not allowed in machine.config or the root "
                "web.config; the runtime refuses the file")
    return None


# --- the model --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Overlay:
    """A planned edit as the model sees it: one element of one file with the attributes it will have.

    The writer proves the rendered bytes say exactly this (``_plan.verify``), so the model need
    not parse the whole edited file again.
    """

    path: str
    location: str  # normalised location path, "" for the file's own level
    element: str
    attributes: dict[str, str]
    existing: Tag | None  # the element as it is now (None: inserted)
    container: Tag | None  # for an inserted element, the <location> it goes into (None: top level or a new one)
    offset: int  # where the element is, or will be inserted, in the original text (for line numbers)
    delete: bool = False  # the edit removes the element (a revert leaves it empty)

    def place(self, doc: ConfigDoc) -> Place:
        tag = self.existing
        element = Tag(self.element, self.offset, self.offset, True, 0, attrib=dict(self.attributes)) if tag is None else Tag(
            tag.name, tag.start, tag.head_end, tag.empty, tag.depth, tag.parent, tag.end, tag.close_start,
            dict(self.attributes), tag.first_child)
        location = self.container
        if location is None and self.location:
            location = Tag("location", self.offset, self.offset, False, 1, attrib={"path": self.location})
        return Place(self.location, location, doc.root, element)


@dataclass
class Evaluation:
    """A section's attributes in effect at the end of a chain, and what the evaluation met on the way."""

    chain: Chain
    section: Section
    values: dict[str, tuple[str, Input | None]]  # attribute -> (text, the input that set it; None: default)
    inputs: list[Input] = field(default_factory=list)  # applied, in evaluation order
    setters: dict[str, list[Input]] = field(default_factory=dict)  # attribute -> every input that set it, in order
    locked: list[tuple[Input, set[str] | None, Finding]] = field(default_factory=list)  # None: the whole element
    opaque: list[tuple[Input, ConfigError]] = field(default_factory=list)  # encrypted or configSource
    findings: list[Finding] = field(default_factory=list)

    broken: bool = False  # a file on the way defines the section in a way that cannot be read
    # Why the values in effect cannot be known (a file on the way unreadable, a definition opaque):
    # an audit must not judge them.
    unread: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.unread

    def text(self, name: str) -> str:
        return self.values[name][0]

    def source(self, name: str) -> dict | None:
        origin = self.values[name][1]
        return None if origin is None else origin.source()


@dataclass
class Resolution:
    """A connection string as the runtime reads it: a <connectionStrings> entry of that name, or the literal."""

    value: str  # what the runtime uses
    entry: Input | None = None  # the <connectionStrings> holding the entry used
    name: str | None = None  # the entry's name, when one was used
    unknown: str | None = None  # why entries could not be looked at (encrypted, configSource...)


class Model:
    """Evaluates sections along chains of config paths over the files ``doc`` returns.

    ``strict``: a file that cannot be parsed raises (the writer refuses); otherwise it is
    treated as absent and reported in :attr:`findings` (the info module reports and goes on).
    """

    def __init__(self, doc: Doc, *, strict: bool = True, overlays: Iterable[Overlay] = ()) -> None:
        self._doc = doc
        self.strict = strict
        self.overlays = list(overlays)
        self.findings: list[Finding] = []
        self.unreadable: dict[str, str] = {}  # casefolded path -> why it cannot be parsed
        self.broken: dict[tuple[str, str], str] = {}  # (file, section) whose definitions cannot be told apart -> why
        self._index: dict[tuple[int, str, str], dict[str, list[Place]]] = {}

    def load(self, ref: FileRef) -> ConfigDoc | None:
        try:
            return self._doc(ref.path)
        except ConfigError as exc:
            if self.strict:
                raise
            if ref.path.casefold() not in self.unreadable:
                self.unreadable[ref.path.casefold()] = exc.reason
                self.findings.append(Finding("unreadable", "error", f"cannot be parsed: {exc.reason}", ref.path,
                                             config_path=ref.config_path))
            return None

    # --- inputs

    def inputs(self, chain: Chain, section: Section) -> list[Input]:
        """Every input of ``section`` along ``chain``, in evaluation order, skipped ones left out."""
        docs = [(record, self.load(record.file) if record.file else None) for record in chain.records]
        found = []
        for index, (record, own) in enumerate(docs):
            for ancestor, doc in docs[:index]:
                if doc is not None:
                    found += [Input(record.config_path, ancestor.file, doc, place, own=False)
                              for place in self._aimed(ancestor.file, doc, section).get(record.config_path.casefold(), ())]
            if own is not None:
                found += [Input(record.config_path, record.file, own, place, own=True)
                          for place in self._aimed(record.file, own, section).get(record.config_path.casefold(), ())
                          if not place.path]
        return [item for item in found if not (item.skip_in_child_applications and is_above(item.config_path, chain.application))]

    def _aimed(self, ref: FileRef, doc: ConfigDoc, section: Section) -> dict[str, list[Place]]:
        """The file's definitions of ``section`` by the config path they target (valid locations only)."""
        # One file can sit at several config paths (sites sharing a folder): index it per path.
        key = (id(doc), ref.config_path.casefold(), section.name)
        if key not in self._index:
            index: dict[str, list[Place]] = {}
            try:
                found = self._overlaid(doc, section, places(doc, section.name, section.group))
            except ConfigError as exc:  # a section element in the wrong case: the runtime refuses the file
                if self.strict:
                    raise
                self.broken[(ref.path.casefold(), section.name)] = exc.reason
                found = []
            for place in found:
                if location_problem(place, ref) is None:
                    index.setdefault(location_config_path(ref, place.path).casefold(), []).append(place)
            self._index[key] = index
        return self._index[key]

    def _overlaid(self, doc: ConfigDoc, section: Section, found: list[Place]) -> list[Place]:
        for overlay in self.overlays:
            if overlay.path.casefold() != doc.path.casefold() or overlay.element != section.name:
                continue
            if overlay.delete:
                found = [place for place in found if place.element is not overlay.existing]
            elif overlay.existing is None:
                found = [*found, overlay.place(doc)]
            else:
                found = [overlay.place(doc) if place.element is overlay.existing else place for place in found]
        return found

    # --- declarations

    def declaration(self, chain: Chain, section: Section) -> tuple[FileRef, ConfigDoc, Tag] | None:
        """The <section> declaring ``section`` in the chain's files (machine.config declares them)."""
        for record in chain.records:
            doc = self.load(record.file) if record.file else None
            tag = _declared(doc, section) if doc is not None else None
            if tag is not None:
                return record.file, doc, tag
        return None

    def definition_problem(self, chain: Chain | None, section: Section, place: Place, target_level: str | None) -> str | None:
        """Why the section's declaration forbids this definition (allowDefinition, allowLocation), or None.

        ``target_level`` is the level of the config path the definition governs (None: unknown).
        """
        declared = self.declaration(chain, section) if chain is not None else None
        if declared is None:
            where, definition, allow_location = (f"<section name=\"{section.name}\"> (as a .NET 4 machine.config "
                                                 "declares it)", section.allow_definition, "true")
        else:
            _ref, doc, tag = declared
            where = f"<section name=\"{section.name}\"> at {doc.path} line {doc.line(tag.start)}"
            definition, allow_location = tag.get("allowDefinition") or "Everywhere", tag.get("allowLocation") or "true"
        allowed = ALLOWED_LEVELS.get(definition, ALLOWED_LEVELS["Everywhere"])
        if target_level is not None and target_level not in allowed:
            return f"may not be set at this level ({target_level}): {where} says allowDefinition=\"{definition}\""
        if place.location is not None and allow_location.lower() == "false":
            return f"may not be set in a <location>: {where} says allowLocation=\"false\""
        return None

    # --- evaluation

    def evaluate(self, chain: Chain, section: Section, defaults: dict[str, str]) -> Evaluation:
        """The attributes in effect at the end of ``chain`` (``defaults``: the schema's), inputs applied in order."""
        result = Evaluation(chain, section, {name: (text, None) for name, text in defaults.items()})
        locks = _Locks(self.declaration(chain, section), section)
        for item in self.inputs(chain, section):
            try:
                check_element(item.doc, item.element)
            except ConfigError as exc:
                result.opaque.append((item, exc))
                continue
            lock = locks.check(item)
            if lock is not None:
                result.locked.append((item, lock[0], Finding("locked", "error", lock[1], item.doc.path, item.line,
                                                             item.config_path)))
            result.inputs.append(item)
            for name, text in item.attributes().items():
                if name in result.values:
                    result.values[name] = (text, item)
                    result.setters.setdefault(name, []).append(item)
            locks.add(item)
        result.broken = any((record.file.path.casefold(), section.name) in self.broken
                            for record in chain.records if record.file is not None)
        result.unread = self._unread(chain, section, result.opaque)
        return result

    def _unread(self, chain: Chain, section: Section, opaque: list[tuple[Input, ConfigError]]) -> list[str]:
        """Why the section's values at the end of ``chain`` cannot be known, one reason per file or input."""
        reasons = []
        for record in chain.records:
            path = record.file.path if record.file is not None else None
            if path is None:
                continue
            if path.casefold() in self.unreadable:
                reasons.append(f"{path}: cannot be parsed: {self.unreadable[path.casefold()]}")
            elif (path.casefold(), section.name) in self.broken:
                reasons.append(f"{path}: {self.broken[(path.casefold(), section.name)]}")
        reasons += [str(exc) for _item, exc in opaque]
        return list(dict.fromkeys(reasons))

    def connection_strings(self, chain: Chain) -> tuple[dict[str, tuple[Tag, Input]], str | None]:
        """The <connectionStrings> entries in effect at the end of ``chain`` (by casefolded name).

        The second value says why the entries cannot all be known (an encrypted or configSource'd
        section, an unreadable file), or is None.
        """
        entries: dict[str, tuple[Tag, Input]] = {}
        unknown = None
        for item in self.inputs(chain, CONNECTION_STRINGS):
            try:
                check_element(item.doc, item.element)
            except ConfigError as exc:
                unknown = str(exc)
                continue
            for child in item.element.children:
                name = (child.get("name") or "").casefold()
                if child.name == "clear":
                    entries.clear()
                elif child.name == "remove":
                    entries.pop(name, None)
                elif child.name == "add":
                    entries[name] = (child, item)
        if unknown is None and any(record.file and record.file.path.casefold() in self.unreadable for record in chain.records):
            unknown = "a configuration file on the way cannot be parsed"
        return entries, unknown

    def resolve(self, chain: Chain, value: str) -> Resolution:
        """What the runtime connects with for ``value`` (HandlerBase.CheckAndReadConnectionString)."""
        entries, unknown = self.connection_strings(chain)
        found = entries.get(value.casefold())
        if found is not None and found[0].get("connectionString"):
            return Resolution(found[0].get("connectionString"), found[1], found[0].get("name"))
        return Resolution(value, unknown=unknown)


@dataclass
class Store:
    """The connection strings of a level as the runtime reads them (entries substituted for names)."""

    values: dict[str, str]  # sessionState attributes, connection strings resolved
    labels: dict[str, str] = field(default_factory=dict)  # where a connection string came from, for messages
    unchecked: set[str] = field(default_factory=set)  # names that may be entries nobody can read
    notes: list[str] = field(default_factory=list)


def read_store(model: Model, chain: Chain, values: dict[str, str], names: Iterable[str] = _spec.CONNECTION_STRINGS) -> Store:
    """Resolve the connection strings ``names`` of ``values`` (sessionState text) at the end of ``chain``."""
    store = Store(dict(values))
    for xml in names:
        text = values.get(xml)
        if text is None or _spec.is_registry(text):
            continue
        resolution = model.resolve(chain, text)
        if resolution.name is not None:
            store.values[xml] = resolution.value
            store.labels[xml] = (f"names the <connectionStrings> entry {resolution.name!r} "
                                 f"({resolution.entry.where()}), whose connection string ")
        elif _spec.may_be_name(text) and resolution.unknown is not None:
            store.unchecked.add(xml)
            store.notes.append(f"{xml} {text!r} may name a <connectionStrings> entry, which cannot be looked at "
                               f"({resolution.unknown}); not checked")
        elif _spec.may_be_name(text):
            store.labels[xml] = (f"{text!r} names no <connectionStrings> entry in effect at {chain.config_path}, and "
                                 "as a connection string it ")
    return store


def runtime_problems(model: Model, chain: Chain, values: dict[str, str]) -> tuple[list[str], list[str]]:
    """(errors, notes): what ASP.NET refuses in these sessionState values at the end of ``chain``.

    Connection strings count as the runtime reads them: a <connectionStrings> entry's value when
    they name one in effect there, else the literal (HandlerBase.CheckAndReadConnectionString).
    """
    used = {"StateServer": ["stateConnectionString"], "SQLServer": ["sqlConnectionString"]}.get(values.get("mode"), [])
    store = read_store(model, chain, values, used)
    errors = _spec.check_effective(store.values, chain.framework_version, labels=store.labels, unchecked=store.unchecked)
    return errors, store.notes


class _Locks:
    """What the inputs evaluated so far lock for the ones after them."""

    def __init__(self, declared: tuple[FileRef, ConfigDoc, Tag] | None, section: Section) -> None:
        self.section = section
        self.modes: list[tuple[str, bool, str, str]] = []  # (target path, denied, file, where)
        if declared is not None and (declared[2].get("overrideModeDefault") or "").lower() == "deny":
            ref, doc, tag = declared
            where = f"<section name=\"{section.name}\"> at {doc.path} line {doc.line(tag.start)} says overrideModeDefault=\"Deny\""
            self.modes.append(("MACHINE", True, doc.path.casefold(), where))
        self.elements: list[Input] = []

    def add(self, item: Input) -> None:
        denied = item.denies()
        if denied is not None:
            where = (f"the <location path=\"{item.location_attribute('path') or ''}\"> at {item.doc.path} line "
                     f"{item.doc.line(item.place.location.start)} (allowOverride=false / overrideMode=Deny)")
            self.modes.append((item.config_path, denied, item.doc.path.casefold(), where))
        if any(item.element.get(name) is not None for name in ("lockItem", "lockAttributes", "lockAllAttributesExcept")):
            self.elements.append(item)

    def check(self, item: Input) -> tuple[set[str] | None, str] | None:
        """(locked attributes, None for the whole element; reason) when an earlier input locks ``item``."""
        name = f"<{self.section.name}>"
        for path, denied, file, where in reversed(self.modes):
            if file != item.doc.path.casefold() and config_path_startswith(item.config_path, path):
                if denied:
                    return None, f"{name} is locked by {where}"
                break
        attributes = set(item.attributes())
        for earlier in reversed(self.elements):
            tag = earlier.element
            if (tag.get("lockItem") or "").strip().lower() == "true":
                return None, f"{name} is locked with lockItem=\"true\" at {earlier.where()}"
            locked = _locked_attributes(tag, attributes)
            if locked:
                return locked, (f"{name} attribute(s) {', '.join(sorted(locked))} locked at {earlier.where()} "
                                "(lockAttributes / lockAllAttributesExcept)")
        return None


def _locked_attributes(tag: Tag, attributes: set[str]) -> set[str]:
    locked = set()
    named = _names(tag.get("lockAttributes"))
    if named is not None:
        locked |= attributes if "*" in named else attributes & named
    allowed = _names(tag.get("lockAllAttributesExcept"))
    if allowed is not None:
        locked |= attributes - allowed
    return locked


def _names(value: str | None) -> set[str] | None:
    if value is None:
        return None
    return {name.strip() for name in value.split(",") if name.strip()}


def _declared(doc: ConfigDoc, section: Section) -> Tag | None:
    for sections in doc.root.child_elements("configSections"):
        holders = [sections] if section.group is None else [
            group for group in sections.child_elements("sectionGroup") if group.get("name") == section.group]
        for holder in holders:
            for tag in holder.child_elements("section"):
                if tag.get("name") == section.name:
                    return tag
    return None


__all__ = [
    "GENERIC", "ALLOWED_LEVELS", "Section", "SESSION_STATE", "PAGE_STATE", "CONNECTION_STRINGS", "Finding", "Record",
    "Chain", "server_chain", "site_chain", "target_chain", "is_above", "Input", "check_element", "location_problem", "Overlay",
    "Evaluation",
    "Resolution", "Model", "Store", "read_store", "runtime_problems",
]
