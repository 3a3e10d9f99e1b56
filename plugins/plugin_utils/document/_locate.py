"""Where a section element is, or would go, inside one config file.

Private to the iis.aspnet collection: not a public API.

A section for a path can be written at the top of a file (``configuration/system.web``) or in
``<location path="...">``; location paths compare case-insensitively with ``/`` and ``\\`` alike,
and ``.`` or an empty path means the file's own level. The runtime refuses a file that defines
one section twice for one path, and XML names are case-sensitive, so both are refused here too.
"""

from __future__ import annotations

from dataclasses import dataclass

from ansible_collections.iis.aspnet.plugins.plugin_utils.base._errors import ConfigError
from ansible_collections.iis.aspnet.plugins.plugin_utils.document._xmlfile import ConfigDoc, Tag

SECTION_GROUP = "system.web"
# Location attributes that change what a section inside means; we never add our setting to
# such a location, as that would lock it or stop its inheritance as a side effect.
_SCOPING = ("allowOverride", "overrideMode", "inheritInChildApplications")


@dataclass(eq=False)
class Place:
    """One definition of a section element in a file."""

    path: str  # normalised location path, "" for the file's own level
    location: Tag | None  # None: directly under <configuration>
    group: Tag  # the <system.web> holding it (the <configuration> or <location> for a top-level section)
    element: Tag


@dataclass(eq=False)
class Slot:
    """Where to edit or insert the element for one path.

    Exactly one of these holds: ``element`` exists; or ``group`` exists (insert the element into
    it); or ``container`` exists (insert <system.web> into it); or none does (insert a location
    for ``path`` into the root).
    """

    path: str
    element: Tag | None = None
    group: Tag | None = None
    container: Tag | None = None


def normalise(path: str | None) -> str:
    """Location path as compared: forward slashes, no leading/trailing slash, "." = ""."""
    parts = [part for part in (path or "").replace("\\", "/").split("/") if part]
    return "" if parts in ([], ["."]) else "/".join(parts)


def same_path(left: str, right: str) -> bool:
    return normalise(left).casefold() == normalise(right).casefold()


def locations(doc: ConfigDoc) -> list[Tag]:
    return doc.root.child_elements("location")


def places(doc: ConfigDoc, element: str, group: str | None = SECTION_GROUP) -> list[Place]:
    """Every definition of ``element`` in the file, top level first, in document order.

    ``group`` is the section group holding it (``system.web``), or None for a section that stands
    directly in ``<configuration>`` or ``<location>`` (``connectionStrings``).
    """
    found = []
    for path, location, container in _containers(doc, element):
        holders = [container] if group is None else container.child_elements(group)
        for holder in holders:
            _refuse_wrong_case(doc, holder, element)
            for tag in holder.child_elements(element):
                found.append(Place(path, location, holder, tag))
    return found


def find(doc: ConfigDoc, path: str, element: str) -> Slot:
    """The slot for ``element`` at location ``path`` (refusing duplicates)."""
    path = normalise(path)
    defined = [place for place in places(doc, element) if same_path(place.path, path)]
    if len(defined) > 1:
        lines = ", ".join(str(doc.line(place.element.start)) for place in defined)
        where = f"location path '{path}'" if path else "the file's own level"
        raise ConfigError(doc.path, f"<{element}> is defined {len(defined)} times for {where} (lines {lines}); "
                                    "the runtime refuses such a file, so it is not edited")
    if defined:
        return Slot(path, element=defined[0].element)
    container = _insertion_container(doc, path)
    if container is None:
        return Slot(path)
    groups = container.child_elements(SECTION_GROUP)
    if groups:
        return Slot(path, group=groups[0], container=container)
    return Slot(path, container=container)


def find_nodes(root, path: str, element: str) -> list:
    """lxml elements defining ``element`` for ``path``, found without the tokenizer.

    Verification uses this on the rendered bytes, so a splice is judged by an independent reader.
    """
    path = normalise(path)
    containers = [root] if not path else []
    containers += [node for node in _node_children(root, "location") if same_path(node.get("path") or "", path)]
    return [node for container in containers for group in _node_children(container, SECTION_GROUP)
            for node in _node_children(group, element)]


def _node_children(node, name: str) -> list:
    return list(node.iterchildren("{*}" + name))


def _containers(doc: ConfigDoc, element: str):
    yield "", None, doc.root
    for location in locations(doc):
        if doc.mentions(location, element):  # the others cannot hold it: no need to look inside
            yield normalise(location.get("path")), location, location


def _insertion_container(doc: ConfigDoc, path: str) -> Tag | None:
    if not path:
        return doc.root
    for location in locations(doc):
        if same_path(location.get("path") or "", path) and not any(location.get(a) for a in _SCOPING):
            return location
    return None


def _refuse_wrong_case(doc: ConfigDoc, group: Tag, element: str) -> None:
    for tag in group.children:
        if tag.name != element and ":" in tag.name and tag.name.rpartition(":")[2].casefold() == element.casefold():
            raise ConfigError(doc.path, f"<{tag.name}> at line {doc.line(tag.start)} has a namespace prefix: the runtime looks "
                                        f"sections up by their name as written, does not read it as <{element}> and rejects "
                                        "the file; remove the prefix")
        if tag.name != element and tag.name.casefold() == element.casefold():
            raise ConfigError(doc.path, f"<{tag.name}> at line {doc.line(tag.start)} is not <{element}>: "
                                        "XML names are case-sensitive and the runtime rejects it")


__all__ = ["SECTION_GROUP", "Place", "Slot", "normalise", "same_path", "locations", "places", "find", "find_nodes"]
