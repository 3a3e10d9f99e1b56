"""Refusals that protect a server: encrypted or redirected sections, locks, section declarations.

Private to the iis.aspnet collection: not a public API.

The .NET configuration system lets a broader level lock a section for the levels below it: a
``<location allowOverride="false">`` or ``overrideMode="Deny"`` around the section, or the
generic ``lockItem``/``lockAttributes``/``lockAllAttributesExcept`` on the element. A lock binds
from a file above the target, or from a ``<location>`` for a broader path in the same file; an
element's own lock attributes bind only the levels below it, never its own edit. Writing a locked
setting anyway turns every request into an IIS 500.19, so the edit is refused up front.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ansible_collections.iis.aspnet.plugins.plugin_utils._errors import ConfigError
from ansible_collections.iis.aspnet.plugins.plugin_utils._levels import config_path_startswith
from ansible_collections.iis.aspnet.plugins.plugin_utils._locate import SECTION_GROUP, Place, places
from ansible_collections.iis.aspnet.plugins.plugin_utils._xmlfile import ConfigDoc, Tag

# allowDefinition values (IIS-FACTS 3) -> the levels where the section may be written.
_ALLOWED_LEVELS = {
    "MachineOnly": ("MACHINE",),
    "MachineToWebRoot": ("MACHINE", "WEBROOT"),
    "MachineToApplication": ("MACHINE", "WEBROOT", "SITE", "APP"),
}


@dataclass(frozen=True)
class Layer:
    """One config file in the chain above (or at) the target."""

    doc: ConfigDoc
    config_path: str  # the file's own config path, e.g. MACHINE/WEBROOT
    level: str  # MACHINE, WEBROOT, SITE, APP or FOLDER
    location_path: Callable[[str], str]  # <location path> in this file -> absolute config path


def check_element(doc: ConfigDoc, tag: Tag | None) -> None:
    """Refuse to edit an element whose content is not really in this file."""
    if tag is None:
        return
    if tag.get("configProtectionProvider") is not None or tag.first_child == "EncryptedData":
        raise ConfigError(doc.path, f"<{tag.name}> at line {doc.line(tag.start)} is encrypted (configProtectionProvider); "
                                    "decrypt it with aspnet_regiis -pdf first, or manage it by hand")
    if tag.get("configSource") is not None:
        raise ConfigError(doc.path, f"<{tag.name}> at line {doc.line(tag.start)} is redirected with "
                                    f"configSource={tag.get('configSource')!r}; edit that file instead")


def binding_places(ancestors: list[Layer], target: Layer, target_path: str, element: str):
    """(layer, place) for every definition of ``element`` that governs ``target_path``, broadest first.

    In files above the target, a definition for the target's own path binds too; in the target
    file only broader paths do (the target's own element is the one being edited).
    """
    for layer in [*ancestors, target]:
        found = [(layer.location_path(place.path), place) for place in places(layer.doc, element)]
        found.sort(key=lambda item: len([part for part in item[0].split("/") if part]))
        for place_path, place in found:
            if _binds(place_path, target_path, strict=layer is target):
                yield layer, place


def check_locks(ancestors: list[Layer], target: Layer, target_path: str, element: str, attributes: Iterable[str]) -> None:
    """Refuse when a broader level locks ``element`` (or one of ``attributes``) at ``target_path``."""
    attributes = set(attributes)
    for layer, place in binding_places(ancestors, target, target_path, element):
        check_element(layer.doc, place.element)
        _check_place(layer.doc, place, attributes)


def check_declaration(layers: list[Layer], target: Layer, location: str, element: str) -> None:
    """Refuse a level that the section's declaration forbids (allowDefinition, allowLocation)."""
    declaration = _declaration(layers, element)
    if declaration is None:
        return
    doc, section = declaration
    where = f"<section name=\"{element}\"> at {doc.path} line {doc.line(section.start)}"
    allowed = _ALLOWED_LEVELS.get(section.get("allowDefinition") or "Everywhere")
    # A <location> moves the setting to a site or application path, whatever file holds it.
    level = "SITE" if location else target.level
    if allowed is not None and level not in allowed:
        raise ConfigError(target.doc.path, f"<{element}> may not be set here: {where} says "
                                           f"allowDefinition=\"{section.get('allowDefinition')}\"")
    if location and (section.get("allowLocation") or "true").lower() == "false":
        raise ConfigError(target.doc.path, f"<{element}> may not be set in a <location>: {where} says allowLocation=\"false\"")
    if (section.get("overrideModeDefault") or "").lower() == "deny" and doc is not target.doc:
        raise ConfigError(target.doc.path, f"<{element}> is locked below {doc.path}: {where} says "
                                           "overrideModeDefault=\"Deny\"")


def _binds(place_path: str, target_path: str, strict: bool) -> bool:
    if not config_path_startswith(target_path, place_path):
        return False
    return not (strict and config_path_startswith(place_path, target_path))


def _check_place(doc: ConfigDoc, place: Place, attributes: set[str]) -> None:
    tag = place.element
    where = f"{doc.path} line {doc.line(tag.start)}"
    location = place.location
    if location is not None:
        if (location.get("allowOverride") or "").lower() == "false" or (location.get("overrideMode") or "") == "Deny":
            raise ConfigError(doc.path, f"<{tag.name}> is locked by the <location path=\"{location.get('path') or ''}\"> "
                                        f"at line {doc.line(location.start)} (allowOverride=false / overrideMode=Deny)")
    if (tag.get("lockItem") or "").lower() == "true":
        raise ConfigError(doc.path, f"<{tag.name}> is locked with lockItem=\"true\" at {where}")
    locked = _locked_attributes(tag, attributes)
    if locked:
        raise ConfigError(doc.path, f"<{tag.name}> attribute(s) {', '.join(sorted(locked))} locked at {where} "
                                    "(lockAttributes / lockAllAttributesExcept)")


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


def _declaration(layers: list[Layer], element: str):
    for layer in layers:
        for sections in layer.doc.root.child_elements("configSections"):
            for group in sections.child_elements("sectionGroup"):
                if group.get("name") != SECTION_GROUP:
                    continue
                for section in group.child_elements("section"):
                    if section.get("name") == element:
                        return layer.doc, section
    return None


__all__ = ["Layer", "binding_places", "check_element", "check_locks", "check_declaration"]
