"""Locks, encryption, redirection and section declarations: every refusal names file and cause."""

from __future__ import annotations

import pytest

from ansible_collections.iis.aspnet.plugins.plugin_utils import _guards, _locate, _xmlfile
from ansible_collections.iis.aspnet.plugins.plugin_utils._errors import ConfigError
from ansible_collections.iis.aspnet.tests.unit.plugins.plugin_utils.engine_helpers import config

MACHINE = "C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\Config\\machine.config"
WEBROOT = "C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\Config\\web.config"
SITE = "C:\\inetpub\\wwwroot\\web.config"
SITE_PATH = "MACHINE/WEBROOT/APPHOST/Default Web Site"
DECLARATION = ('  <configSections>\n    <sectionGroup name="system.web">\n'
               '      <section name="sessionState" type="T" allowDefinition="{definition}" {extra}/>\n'
               "    </sectionGroup>\n  </configSections>\n")


def framework_layer(path, level, body):
    own = "MACHINE" if level == "MACHINE" else "MACHINE/WEBROOT"
    doc = _xmlfile.parse(path, config(body))
    return _guards.Layer(doc, own, level, lambda p: f"MACHINE/WEBROOT/APPHOST/{p}" if _locate.normalise(p) else own)


def site_layer(body):
    doc = _xmlfile.parse(SITE, config(body))
    return _guards.Layer(doc, SITE_PATH, "SITE", lambda p: f"{SITE_PATH}/{p}" if _locate.normalise(p) else SITE_PATH)


def state(attributes="", location=None, location_attributes=""):
    element = f"<system.web><sessionState {attributes} /></system.web>"
    if location is None:
        return f"  {element}\n"
    return f"  <location path=\"{location}\" {location_attributes}>{element}</location>\n"


# (case, webroot body, target (site web.config) body, target config path, attributes changed, refusal or None)
LOCKS = [
    ("allowOverride=false on the site's location", state("mode='InProc'", "Default Web Site", 'allowOverride="false"'), "",
     SITE_PATH, ["mode"], "locked by the <location path=\"Default Web Site\">"),
    ("overrideMode=Deny on a broader location", state("mode='InProc'", "Default Web Site", 'overrideMode="Deny"'), "",
     f"{SITE_PATH}/shop", ["mode"], "allowOverride=false / overrideMode=Deny"),
    ("allowOverride=false without the section locks nothing",
     '  <location path="Default Web Site" allowOverride="false"><system.web><pages/></system.web></location>\n', "",
     SITE_PATH, ["mode"], None),
    ("lock on another site's location does not bind", state("mode='InProc'", "Intranet", 'allowOverride="false"'), "",
     SITE_PATH, ["mode"], None),
    ("lockItem at the top of the root web.config", state("lockItem='true'"), "", SITE_PATH, ["timeout"], "lockItem=\"true\""),
    ("lockAttributes naming the attribute", state("lockAttributes='mode, timeout'"), "", SITE_PATH, ["timeout", "cookieName"], "timeout locked at"),
    ("lockAttributes naming others", state("lockAttributes='mode'"), "", SITE_PATH, ["timeout"], None),
    ("lockAttributes='*'", state("lockAttributes='*'"), "", SITE_PATH, ["cookieName"], "cookieName locked"),
    ("lockAllAttributesExcept", state("lockAllAttributesExcept='timeout'"), "", SITE_PATH, ["timeout", "mode"], "mode locked"),
    ("lockAllAttributesExcept allowing it", state("lockAllAttributesExcept='timeout'"), "", SITE_PATH, ["timeout"], None),
    ("lockElements concerns child elements only", state("lockElements='providers'"), "", SITE_PATH, ["mode"], None),
    ("the target's own lock binds only below it", "", state("lockItem='true' lockAttributes='*'"), SITE_PATH, ["mode"], None),
    ("a top-level lock in the target file binds its locations", "", state("lockAttributes='mode'"),
     f"{SITE_PATH}/shop", ["mode"], "mode locked at"),
    ("a location lock in the target file binds deeper locations", "", state("", "shop", 'allowOverride="false"'),
     f"{SITE_PATH}/shop/eu", ["mode"], "locked by"),
    ("a location for the target path itself does not bind in the same file", "", state("lockItem='true'", "shop"),
     f"{SITE_PATH}/shop", ["mode"], None),
    ("encrypted section above",
     '  <system.web><sessionState configProtectionProvider="RsaProtectedConfigurationProvider"><EncryptedData/></sessionState></system.web>\n', "",
     SITE_PATH, ["mode"], "encrypted"),
    ("configSource above", state("configSource='session.config'"), "", SITE_PATH, ["mode"], "configSource='session.config'"),
]


@pytest.mark.parametrize("case, webroot, target, target_path, attributes, refusal", LOCKS, ids=[row[0] for row in LOCKS])
def test_locks(case, webroot, target, target_path, attributes, refusal):
    ancestors = [framework_layer(MACHINE, "MACHINE", ""), framework_layer(WEBROOT, "WEBROOT", webroot)]
    layer = site_layer(target)
    if refusal is None:
        _guards.check_locks(ancestors, layer, target_path, "sessionState", attributes)
        return
    with pytest.raises(ConfigError) as info:
        _guards.check_locks(ancestors, layer, target_path, "sessionState", attributes)
    assert refusal in info.value.reason
    assert info.value.path in (WEBROOT, SITE)


def test_a_lock_in_machine_config_binds_the_root_web_config():
    machine = framework_layer(MACHINE, "MACHINE", state("lockAttributes='mode'"))
    with pytest.raises(ConfigError, match="machine.config: <sessionState> attribute\\(s\\) mode locked"):
        _guards.check_locks([machine], framework_layer(WEBROOT, "WEBROOT", ""), "MACHINE/WEBROOT", "sessionState", ["mode"])


def test_locks_only_concern_the_element_edited():
    webroot = framework_layer(WEBROOT, "WEBROOT", state("lockItem='true'"))
    _guards.check_locks([webroot], site_layer(""), SITE_PATH, "sessionPageState", ["historySize"])


ELEMENT = [
    ('<sessionState configProtectionProvider="DataProtectionConfigurationProvider"><EncryptedData /></sessionState>', "is encrypted"),
    ("<sessionState><EncryptedData /></sessionState>", "is encrypted"),
    ('<sessionState configSource="state.config" />', "redirected with configSource"),
]


@pytest.mark.parametrize("element, reason", ELEMENT)
def test_the_edited_element_itself(element, reason):
    doc = _xmlfile.parse(SITE, config(f"  <system.web>{element}</system.web>\n"))
    with pytest.raises(ConfigError) as info:
        _guards.check_element(doc, _locate.find(doc, "", "sessionState").element)
    assert reason in info.value.reason and "line 3" in info.value.reason


# (allowDefinition, extra declaration attributes, target level, location, refusal or None)
DECLARATIONS = [
    ("MachineToApplication", "", "SITE", "", None),
    ("MachineToApplication", "", "APP", "", None),
    ("MachineToApplication", "", "FOLDER", "", "allowDefinition=\"MachineToApplication\""),
    ("MachineToApplication", "", "WEBROOT", "Default Web Site", None),
    ("MachineToWebRoot", "", "WEBROOT", "", None),
    ("MachineToWebRoot", "", "SITE", "", "allowDefinition=\"MachineToWebRoot\""),
    ("MachineToWebRoot", "", "WEBROOT", "Default Web Site", "allowDefinition=\"MachineToWebRoot\""),
    ("MachineOnly", "", "WEBROOT", "", "allowDefinition=\"MachineOnly\""),
    ("Everywhere", "", "FOLDER", "", None),
    ("MachineToApplication", 'allowLocation="false"', "WEBROOT", "Default Web Site", "allowLocation=\"false\""),
    ("MachineToApplication", 'overrideModeDefault="Deny"', "SITE", "", "overrideModeDefault=\"Deny\""),
]


@pytest.mark.parametrize("definition, extra, level, location, refusal", DECLARATIONS)
def test_section_declaration(definition, extra, level, location, refusal):
    machine = framework_layer(MACHINE, "MACHINE", DECLARATION.format(definition=definition, extra=extra))
    target = site_layer("") if level not in ("MACHINE", "WEBROOT") else framework_layer(WEBROOT, level, "")
    target = _guards.Layer(target.doc, target.config_path, level, target.location_path)
    if refusal is None:
        _guards.check_declaration([machine], target, location, "sessionState")
        return
    with pytest.raises(ConfigError) as info:
        _guards.check_declaration([machine], target, location, "sessionState")
    assert refusal in info.value.reason and "machine.config line 5" in info.value.reason


def test_no_declaration_means_no_refusal():
    _guards.check_declaration([framework_layer(MACHINE, "MACHINE", "")], site_layer(""), "", "sessionState")
