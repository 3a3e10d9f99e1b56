"""The configuration model, table-driven: evaluation order, application context, locks, declarations.

Every expected value below is written by hand from the rules of docs/configuration-model.md (the
.NET configuration system: BaseConfigurationRecord.Init collects, per config path, the <location>
inputs aimed at it from ancestor files, oldest first; Evaluate applies parent result, then those
inputs, then the path's own file; ShouldSkipDueToInheritInChildApplications skips an
inheritInChildApplications="false" input at paths above the running application).
"""

from __future__ import annotations

import pytest

from ansible_collections.iis.aspnet.plugins.plugin_utils.document import _locate, _xmlfile
from ansible_collections.iis.aspnet.plugins.plugin_utils.model import _model
from ansible_collections.iis.aspnet.plugins.plugin_utils.server import _apphost
from ansible_collections.iis.aspnet.tests.unit.plugins.plugin_utils.engine_helpers import (
    APP, APPHOST, MACHINE, SITE, WEBROOT, config, section)

IMG = "C:\\s\\img\\web.config"  # a virtual directory of the site root, not an application
EU = "C:\\s\\a\\eu\\web.config"  # a plain folder inside application /a
S = "MACHINE/WEBROOT/APPHOST/S"
A = f"{S}/a"
DEFAULTS = {"mode": "InProc", "timeout": "20", "cookieless": "UseCookies"}
OFF = ' inheritInChildApplications="false"'


def model_of(files: dict[str, str]) -> tuple[_model.Model, _apphost.AppHost]:
    docs = {path.casefold(): _xmlfile.parse(path, config(body)) for path, body in files.items()}
    apphost = _apphost.parse_apphost(_xmlfile.parse_tree("apphost", config(APPHOST)))
    return _model.Model(lambda path: docs.get(path.casefold())), apphost


def at(files: dict[str, str], path: str) -> _model.Evaluation:
    model, apphost = model_of(files)
    segments = tuple(path.split("/")[4:])
    return model.evaluate(_model.site_chain(apphost, apphost.site("S"), segments), _model.SESSION_STATE, DEFAULTS)


def origin(evaluation: _model.Evaluation, name: str) -> tuple[str, str | None]:
    """(value, file that set it; None for the schema default)."""
    text, item = evaluation.values[name]
    return text, None if item is None else item.doc.path


# (case, files, config path evaluated, attribute, expected (value, file))
ORDER = [
    # Issue case 1: a <location> aimed at /a in the root web.config is an input of /a's record, so
    # it comes after the site's own file (an input of the parent record S).
    ("root location beats the site's top level below it",
     {WEBROOT: section('mode="SQLServer"', "S/a"), SITE: section('mode="InProc"')}, A, "mode", ("SQLServer", WEBROOT)),
    ("the site's top level still governs the site", {WEBROOT: section('mode="SQLServer"', "S/a"), SITE: section('mode="InProc"')},
     S, "mode", ("InProc", SITE)),
    ("the path's own file comes last", {WEBROOT: section('mode="SQLServer"', "S/a"), SITE: section('mode="InProc"'),
                                        APP: section('mode="Off"')}, A, "mode", ("Off", APP)),
    ("a younger ancestor's location comes after an older one's",
     {WEBROOT: section('mode="SQLServer"', "S/a"), SITE: section('mode="StateServer"', "a")}, A, "mode", ("StateServer", SITE)),
    ("machine.config's location before the root web.config's",
     {MACHINE: section('timeout="1"', "S/a"), WEBROOT: section('timeout="2"', "S/a")}, A, "timeout", ("2", WEBROOT)),
    ("each attribute is inherited on its own",
     {MACHINE: section('timeout="5"'), WEBROOT: section('mode="Off"')}, A, "timeout", ("5", MACHINE)),
    ("location paths compare case-insensitively", {WEBROOT: section('mode="Off"', "s/A")}, A, "mode", ("Off", WEBROOT)),
    ("<location path=\"\"> is the file's own level", {SITE: section('mode="Off"', "")}, S, "mode", ("Off", SITE)),
    ("<location path=\".\"> is the file's own level", {SITE: section('mode="Off"', ".")}, A, "mode", ("Off", SITE)),
    ("a location for a deeper path does not reach up", {SITE: section('mode="Off"', "a/eu")}, A, "mode", ("InProc", None)),
    ("a location for a deeper path governs it", {SITE: section('mode="Off"', "a/eu")}, f"{A}/eu", "mode", ("Off", SITE)),
    ("a location for another path is not an input", {WEBROOT: section('mode="Off"', "S/b")}, A, "mode", ("InProc", None)),
    # NormalizeLocationSubPath refuses a path starting or ending with '/', '\' or '.': not applied.
    ("a location path with a leading slash is refused", {WEBROOT: section('mode="Off"', "/S/a")}, A, "mode", ("InProc", None)),
    # Issue case 2: inheritInChildApplications="false" stops at child applications...
    ("inherit off on the site's own level: not in a child application",
     {SITE: section('mode="SQLServer"', ".", OFF)}, A, "mode", ("InProc", None)),
    ("inherit off on the site's own level: in force at the site", {SITE: section('mode="SQLServer"', ".", OFF)}, S, "mode",
     ("SQLServer", SITE)),
    # ... but not at folders of the same application (S/img is in the site root application).
    ("inherit off on the site's own level: in force in its folders", {SITE: section('mode="SQLServer"', ".", OFF)},
     f"{S}/img", "mode", ("SQLServer", SITE)),
    ("inherit off on a root location for the site: not in /a",
     {WEBROOT: section('mode="SQLServer"', "S", OFF)}, A, "mode", ("InProc", None)),
    ("inherit off on a root location for /a itself: /a runs it",
     {WEBROOT: section('mode="SQLServer"', "S/a", OFF)}, A, "mode", ("SQLServer", WEBROOT)),
    ("inherit off on /a's own level: in force in /a's folders", {APP: section('mode="Off"', ".", OFF)}, f"{A}/eu", "mode",
     ("Off", APP)),
]


@pytest.mark.parametrize("case, files, path, name, expected", ORDER, ids=[row[0] for row in ORDER])
def test_evaluation_order(case, files, path, name, expected):
    assert origin(at(files, path), name) == expected


def test_provenance_names_the_input_and_the_path_it_is_applied_at():
    evaluation = at({WEBROOT: section('mode="SQLServer"', "s/A"), SITE: section('mode="InProc"')}, A)
    assert evaluation.source("mode") == {"file": WEBROOT, "level": "WEBROOT", "location": "s/A", "config_path": A, "line": 3}
    assert evaluation.source("timeout") is None


def test_a_shared_folder_is_read_at_each_path_it_maps_to():
    # One physical folder serving two paths: its locations are aimed relative to each path.
    model, apphost = model_of({SITE: section('mode="Off"', "a")})
    site = apphost.site("S")
    assert model.evaluate(_model.site_chain(apphost, site, ("a",)), _model.SESSION_STATE, DEFAULTS).text("mode") == "Off"
    assert model.evaluate(_model.site_chain(apphost, site, ("img",)), _model.SESSION_STATE, DEFAULTS).text("mode") == "InProc"


# --- locks (a definition the runtime refuses with "locked in a higher level" / 500.19) ----------

LOCATION_DENY = ' allowOverride="false"'
# (case, files, path evaluated, locked input's file or None, attributes locked (None = whole element), reason fragment)
LOCKS = [
    ("allowOverride=false on the root's location for the site locks the site's file",
     {WEBROOT: section('mode="InProc"', "S", LOCATION_DENY), SITE: section('mode="Off"')}, S, SITE, None,
     'locked by the <location path="S">'),
    ("overrideMode=Deny for the site locks a deeper application's file",
     {WEBROOT: section('mode="InProc"', "S", ' overrideMode="Deny"'), APP: section('mode="Off"')}, A, APP, None,
     "allowOverride=false / overrideMode=Deny"),
    ("a deny location without the section locks nothing",
     {WEBROOT: '<location path="S" allowOverride="false"><system.web><pages /></system.web></location>\n',
      SITE: section('mode="Off"')}, S, None, None, ""),
    ("a deny location for another site locks nothing",
     {WEBROOT: section('mode="InProc"', "Other", LOCATION_DENY), SITE: section('mode="Off"')}, S, None, None, ""),
    ("lockItem at the top of the root web.config", {WEBROOT: section('lockItem="true"'), SITE: section('timeout="9"')}, S,
     SITE, None, 'lockItem="true"'),
    ("lockAttributes naming the attribute", {WEBROOT: section('lockAttributes="mode, timeout"'), SITE: section('timeout="9"')},
     S, SITE, {"timeout"}, "timeout locked at"),
    ("lockAttributes naming others", {WEBROOT: section('lockAttributes="mode"'), SITE: section('timeout="9"')}, S, None, None, ""),
    ("lockAttributes='*'", {WEBROOT: section('lockAttributes="*"'), SITE: section('cookieName="c"')}, S, SITE, {"cookieName"},
     "cookieName locked"),
    ("lockAllAttributesExcept", {WEBROOT: section('lockAllAttributesExcept="timeout"'), SITE: section('mode="Off" timeout="9"')},
     S, SITE, {"mode"}, "mode locked"),
    ("lockAllAttributesExcept allowing it", {WEBROOT: section('lockAllAttributesExcept="timeout"'), SITE: section('timeout="9"')},
     S, None, None, ""),
    ("lockElements concerns child elements only", {WEBROOT: section('lockElements="providers"'), SITE: section('mode="Off"')},
     S, None, None, ""),
    ("an element's own locks bind only after it", {SITE: section('lockItem="true" lockAttributes="*" mode="Off"')}, S, None, None, ""),
    ("an element's own locks bind the application below", {SITE: section('lockItem="true"'), APP: section('mode="Off"')}, A,
     APP, None, 'lockItem="true"'),
    ("a top-level lock binds the same file's locations", {SITE: section('lockAttributes="mode"') + section('mode="Off"', "a")},
     A, SITE, {"mode"}, "mode locked at"),
    # ResolveLocationSections checks a location against the locations of *parent* files only, and
    # ScanSectionsRecursive against its own file's level: a sibling location does not lock it.
    ("a deny location does not lock the same file's deeper location",
     {SITE: section('mode="InProc"', "a", LOCATION_DENY) + section('mode="Off"', "a/eu")}, f"{A}/eu", None, None, ""),
    ("a deny location locks a deeper file", {SITE: section('mode="InProc"', "a", LOCATION_DENY), EU: section('mode="Off"')},
     f"{A}/eu", EU, None, "locked by"),
    ("a deny own level locks the files below, not its own locations",
     {SITE: section('mode="InProc"', ".", LOCATION_DENY) + section('mode="Off"', "a")}, A, None, None, ""),
    ("a deny own level locks the application's file", {SITE: section('mode="InProc"', ".", LOCATION_DENY), APP: section('mode="Off"')},
     A, APP, None, "locked by"),
]


@pytest.mark.parametrize("case, files, path, file, names, reason", LOCKS, ids=[row[0] for row in LOCKS])
def test_locks(case, files, path, file, names, reason):
    locked = at(files, path).locked
    if file is None:
        assert locked == []
        return
    ((item, attributes, finding),) = locked
    assert item.doc.path == file and attributes == names and finding.rule == "locked" and finding.file == file
    assert reason in finding.message


DECLARATION = ('<configSections>\n<sectionGroup name="system.web">\n'
               '<section name="sessionState" type="T" allowDefinition="{definition}" {extra}/>\n'
               "</sectionGroup>\n</configSections>\n")


def test_override_mode_default_deny_locks_every_file_below_the_declaration():
    files = {MACHINE: DECLARATION.format(definition="MachineToApplication", extra='overrideModeDefault="Deny"') + section('mode="Off"'),
             WEBROOT: section('timeout="9"')}
    ((item, _names, finding),) = at(files, A).locked
    assert item.doc.path == WEBROOT and 'overrideModeDefault="Deny"' in finding.message and "machine.config line 5" in finding.message


def test_override_mode_allow_on_a_location_unlocks_below_it():
    files = {MACHINE: DECLARATION.format(definition="MachineToApplication", extra='overrideModeDefault="Deny"'),
             WEBROOT: section('mode="InProc"', "S", ' overrideMode="Allow"'), SITE: section('mode="Off"')}
    evaluation = at(files, S)
    assert [item.doc.path for item, _names, _finding in evaluation.locked] == [WEBROOT]  # the root's own input only
    assert evaluation.text("mode") == "Off"


# (allowDefinition, extra declaration attributes, level of the path, in a <location>, refusal fragment or None)
DECLARATIONS = [
    ("MachineToApplication", "", "SITE", False, None),
    ("MachineToApplication", "", "APP", False, None),
    ("MachineToApplication", "", "FOLDER", False, 'allowDefinition="MachineToApplication"'),
    ("MachineToApplication", "", "SITE", True, None),
    ("MachineToWebRoot", "", "WEBROOT", False, None),
    ("MachineToWebRoot", "", "SITE", False, 'allowDefinition="MachineToWebRoot"'),
    ("MachineToWebRoot", "", "SITE", True, 'allowDefinition="MachineToWebRoot"'),
    ("MachineOnly", "", "WEBROOT", False, 'allowDefinition="MachineOnly"'),
    ("Everywhere", "", "FOLDER", False, None),
    ("MachineToApplication", 'allowLocation="false"', "SITE", True, 'allowLocation="false"'),
]


@pytest.mark.parametrize("definition, extra, level, located, refusal", DECLARATIONS)
def test_section_declaration(definition, extra, level, located, refusal):
    model, _apphost = model_of({MACHINE: DECLARATION.format(definition=definition, extra=extra)})
    doc = _xmlfile.parse(WEBROOT, config(section('mode="Off"', "S" if located else None)))
    (place,) = _locate.places(doc, "sessionState")
    problem = model.definition_problem(_model.server_chain("v4.0", 64), _model.SESSION_STATE, place, level)
    if refusal is None:
        assert problem is None
    else:
        assert refusal in problem and "machine.config line 5" in problem


def test_without_a_declaration_session_state_is_machine_to_application():
    model, _apphost = model_of({})
    doc = _xmlfile.parse(SITE, config(section('mode="Off"')))
    (place,) = _locate.places(doc, "sessionState")
    assert 'allowDefinition="MachineToApplication"' in model.definition_problem(None, _model.SESSION_STATE, place, "FOLDER")
    assert model.definition_problem(None, _model.PAGE_STATE, place, "FOLDER") is None


# --- sections nobody can read -------------------------------------------------------------------

@pytest.mark.parametrize("element, reason", [
    ('<sessionState configProtectionProvider="DataProtectionConfigurationProvider"><EncryptedData /></sessionState>',
     "is encrypted"),
    ("<sessionState><EncryptedData /></sessionState>", "is encrypted"),
    ('<sessionState configSource="state.config" />', "redirected with configSource"),
])
def test_an_encrypted_or_redirected_section_is_opaque(element, reason):
    evaluation = at({WEBROOT: f"<system.web>{element}</system.web>\n"}, A)
    ((item, error),) = evaluation.opaque
    assert item.doc.path == WEBROOT and reason in error.reason and "line 3" in error.reason
    assert not evaluation.complete and evaluation.values["mode"] == ("InProc", None)


# --- connection strings by name ------------------------------------------------------------------

def strings(body: str, location: str | None = None) -> str:
    inner = f"<connectionStrings>{body}</connectionStrings>\n"
    return inner if location is None else f'<location path="{location}">{inner}</location>\n'


# (case, files, value, expected value the runtime uses, entry name or None)
CONNECTIONS = [
    ("a name in effect is replaced by its entry", {WEBROOT: strings('<add name="State" connectionString="tcpip=st:1" />')},
     "State", "tcpip=st:1", "State"),
    ("names compare case-insensitively", {WEBROOT: strings('<add name="State" connectionString="tcpip=st:1" />')},
     "STATE", "tcpip=st:1", "State"),
    ("no entry: the literal stays", {}, "loopback:42424", "loopback:42424", None),
    ("an entry removed below is gone", {WEBROOT: strings('<add name="State" connectionString="tcpip=st:1" />'),
                                        SITE: strings('<remove name="State" />')}, "State", "State", None),
    ("clear drops every inherited entry", {WEBROOT: strings('<add name="State" connectionString="tcpip=st:1" />'),
                                           APP: strings("<clear />")}, "State", "State", None),
    ("an entry added by a location for the path", {WEBROOT: strings('<add name="S2" connectionString="tcpip=b:2" />', "S/a")},
     "S2", "tcpip=b:2", "S2"),
    ("an entry with an empty connection string is not used", {SITE: strings('<add name="E" connectionString="" />')},
     "E", "E", None),
]


@pytest.mark.parametrize("case, files, value, expected, name", CONNECTIONS, ids=[row[0] for row in CONNECTIONS])
def test_connection_strings_resolve_by_name(case, files, value, expected, name):
    model, apphost = model_of(files)
    resolution = model.resolve(_model.site_chain(apphost, apphost.site("S"), ("a",)), value)
    assert (resolution.value, resolution.name, resolution.unknown) == (expected, name, None)


def test_encrypted_connection_strings_cannot_be_resolved():
    model, apphost = model_of({WEBROOT: '<connectionStrings configProtectionProvider="RsaProtectedConfigurationProvider">'
                                        "<EncryptedData /></connectionStrings>\n"})
    resolution = model.resolve(_model.site_chain(apphost, apphost.site("S"), ("a",)), "State")
    assert resolution.value == "State" and resolution.name is None and "is encrypted" in resolution.unknown
