"""Plan and render the edit of one config file, and prove the result reads back as planned.

Private to the iis.aspnet collection: not a public API.

Only the settings asked for are managed; everything else in the file, including other
attributes of the same element, is left as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ansible_collections.iis.aspnet.plugins.plugin_utils import _locate, _spec
from ansible_collections.iis.aspnet.plugins.plugin_utils._errors import ConfigError
from ansible_collections.iis.aspnet.plugins.plugin_utils._guards import Layer, binding_places, check_declaration, check_element, check_locks
from ansible_collections.iis.aspnet.plugins.plugin_utils._report import Change
from ansible_collections.iis.aspnet.plugins.plugin_utils._splice import ElementEdit, render
from ansible_collections.iis.aspnet.plugins.plugin_utils._xmlfile import ConfigDoc, parse_tree

# Settings are keyed (element, XML attribute), e.g. ("sessionState", "mode").
Settings = dict[tuple[str, str], str]


@dataclass
class FilePlan:
    """What one file looks like before and after, and why."""

    path: str
    location: str
    before: bytes
    after: bytes
    changes: list[Change] = field(default_factory=list)
    created: bool = False  # the file did not exist and is written from scratch
    encoding: str = "utf-8"  # for showing a diff

    @property
    def changed(self) -> bool:
        return self.created or self.after != self.before


def plan_file(target: Layer, location: str, target_path: str, desired: Settings,
              ancestors: Callable[[], list[Layer]] = list, framework_version: str = "v4.0") -> FilePlan:
    """Plan ``desired`` at ``location`` in the target file; refuse anything unsafe or invalid.

    ``target_path`` is the config path the setting governs. ``ancestors`` returns the files above
    (broadest first); it is called only when something is to change, since locks, declarations
    and inherited values matter only for a write and reading them costs remote calls.
    """
    doc = target.doc
    location = _locate.normalise(location)
    edits, changes = [], []
    for element, values in _by_element(desired).items():
        slot = _locate.find(doc, location, element)
        check_element(doc, slot.element)
        todo = [(xml, value) for xml, value in values if not _spec.same_value(
            _spec.attribute(xml, element), _current(slot, xml), value)]
        if todo:
            edits.append(ElementEdit(element, slot, todo))
            changes += [Change(doc.path, element, xml, _current(slot, xml), value) for xml, value in todo]
    if not edits:
        return FilePlan(doc.path, location, doc.data, doc.data, encoding=doc.encoding)
    _check_allowed(target, location, target_path, edits, ancestors(), framework_version, desired)
    text = render(doc, edits)[0]
    after = doc.encode(text)
    verify(doc, after, location, edits)
    return FilePlan(doc.path, location, doc.data, after, changes, encoding=doc.encoding)


def verify(doc: ConfigDoc, after: bytes, location: str, edits: list[ElementEdit]) -> None:
    """Re-parse the rendered bytes and insist that they say exactly what was planned.

    The read-back uses lxml alone (not the tokenizer that planned the splice), so the two
    readers check each other.
    """
    try:
        root = parse_tree(doc.path, after)
    except ConfigError as exc:
        raise ConfigError(doc.path, f"internal error: the edited file would not parse ({exc.reason}); nothing written") from None
    for edit in edits:
        nodes = _locate.find_nodes(root, location, edit.element)
        expected = dict(edit.slot.element.attrib) if edit.slot.element is not None else {}
        expected.update(edit.values)
        if len(nodes) != 1 or dict(nodes[0].attrib) != expected:
            raise ConfigError(doc.path, f"internal error: <{edit.element}> does not read back as planned; nothing written")


def effective_session_state(ancestors: list[Layer], target: Layer, location: str, target_path: str,
                            desired: Settings) -> dict[str, str]:
    """sessionState attributes in effect after the edit: inherited, then this element, then the plan."""
    effective: dict[str, str] = {}
    for _layer, place in binding_places(ancestors, target, target_path, "sessionState"):
        effective.update(place.element.attrib)
    slot = _locate.find(target.doc, location, "sessionState")
    if slot.element is not None:
        effective.update(slot.element.attrib)
    effective.update({xml: value for (element, xml), value in desired.items() if element == "sessionState"})
    return effective


def _check_allowed(target, location, target_path, edits, ancestors, framework_version, desired) -> None:
    for edit in edits:
        check_declaration([*ancestors, target], target, location, edit.element)
        check_locks(ancestors, target, target_path, edit.element, [name for name, _value in edit.values])
    effective = effective_session_state(ancestors, target, location, target_path, desired)
    errors = _spec.check_effective(effective, framework_version)
    if errors:
        raise ConfigError(target.doc.path, "the result would be rejected by ASP.NET: " + "; ".join(errors))


def _current(slot: _locate.Slot, xml: str) -> str | None:
    return slot.element.get(xml) if slot.element is not None else None


def _by_element(desired: Settings) -> dict[str, list[tuple[str, str]]]:
    grouped: dict[str, list[tuple[str, str]]] = {}
    for (element, xml), value in desired.items():
        grouped.setdefault(element, []).append((xml, value))
    return grouped


__all__ = ["Settings", "FilePlan", "plan_file", "verify", "effective_session_state"]
