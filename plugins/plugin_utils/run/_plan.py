"""Plan and render the edit of one config file, prove it reads back, and judge it on the model.

Private to the iis.aspnet collection: not a public API.

Only the settings asked for are managed; everything else in the file, including other
attributes of the same element, is left as it is. A planned change is judged the way the runtime
would judge the configuration that results: the edited file is put into the configuration model
(``_model``) in place of the original, and the value in effect at the path the target governs
decides (locks, the section's declaration, the runtime's rules, connection strings by name).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from ansible_collections.iis.aspnet.plugins.plugin_utils.base import _spec
from ansible_collections.iis.aspnet.plugins.plugin_utils.document import _locate
from ansible_collections.iis.aspnet.plugins.plugin_utils.model import _model
from ansible_collections.iis.aspnet.plugins.plugin_utils.base._errors import ConfigError, OptionError
from ansible_collections.iis.aspnet.plugins.plugin_utils.base._mask import mask_value
from ansible_collections.iis.aspnet.plugins.plugin_utils.report._report import Change
from ansible_collections.iis.aspnet.plugins.plugin_utils.document._splice import ElementEdit, leaves_empty, render
from ansible_collections.iis.aspnet.plugins.plugin_utils.document._xmlfile import ConfigDoc, parse, parse_tree

# Settings are keyed (element, XML attribute), e.g. ("sessionState", "mode").
Settings = dict[tuple[str, str], str]
SECTIONS = {"sessionState": _model.SESSION_STATE, "sessionPageState": _model.PAGE_STATE}


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
    base: ConfigDoc | None = None  # the file as read (or as created), for judging the change
    overlays: list[_model.Overlay] = field(default_factory=list)  # the edit, as the model sees it

    @property
    def changed(self) -> bool:
        return self.created or self.after != self.before


def plan_file(doc: ConfigDoc, location: str, desired: Settings, reverts: Collection[tuple[str, str]] = ()) -> FilePlan:
    """Plan ``desired`` and the removal of ``reverts`` at ``location`` in one file.

    Refuses an element that is not really there (encrypted, configSource). Nothing above or below
    the file is looked at: :func:`judge` does that, and only when something is to change, since
    reading those files costs remote calls.
    """
    location = _locate.normalise(location)
    edits, changes = [], []
    for element in dict.fromkeys([element for element, _xml in desired] + [element for element, _xml in reverts]):
        slot = _locate.find(doc, location, element)
        _model.check_element(doc, slot.element)
        todo = [(xml, value) for (owner, xml), value in desired.items() if owner == element and not _spec.same_value(
            _spec.attribute(xml, element), _current(slot, xml), value)]
        gone = tuple(xml for owner, xml in reverts if owner == element and _current(slot, xml) is not None)
        if todo or gone:
            delete = bool(gone) and leaves_empty(doc, slot.element, gone, todo)
            edits.append(ElementEdit(element, slot, todo, gone, delete))
            changes += [Change(doc.path, element, xml, _current(slot, xml), value) for xml, value in todo]
            changes += [Change(doc.path, element, xml, _current(slot, xml), None) for xml in gone]
    if not edits:
        return FilePlan(doc.path, location, doc.data, doc.data, encoding=doc.encoding)
    after = doc.encode(render(doc, edits)[0])
    verify(doc, after, location, edits)
    return FilePlan(doc.path, location, doc.data, after, changes, encoding=doc.encoding, base=doc,
                    overlays=[_overlay(doc, location, edit) for edit in edits])


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
        read = [dict(node.attrib) for node in nodes]
        if read != ([] if edit.delete else [_attributes_after(edit)]):
            raise ConfigError(doc.path, f"internal error: <{edit.element}> does not read back as planned; nothing written")


def _attributes_after(edit: ElementEdit) -> dict[str, str]:
    expected = dict(edit.slot.element.attrib) if edit.slot.element is not None else {}
    for name in edit.removals:
        expected.pop(name, None)
    expected.update(edit.values)
    return expected


def _overlay(doc: ConfigDoc, location: str, edit: ElementEdit) -> _model.Overlay:
    """The edit as the model sees it: what ``verify`` proved the rendered bytes hold."""
    slot = edit.slot
    container = slot.container if slot.container is not None and slot.container.name == "location" else None
    offset = (slot.element or slot.group or slot.container or doc.root).start
    return _model.Overlay(doc.path, location, edit.element, _attributes_after(edit), slot.element, container, offset,
                          edit.delete)


# --- judging a planned change on the model ----------------------------------------------------


@dataclass
class Judgement:
    """What judging a planned change found, when it is not refused."""

    warnings: list[str] = field(default_factory=list)
    # After a revert: each removed attribute's value in effect at the path the target governs.
    reverted: list[dict] = field(default_factory=list)


def judge(plan: FilePlan, chain: _model.Chain, doc: _model.Doc) -> Judgement:
    """Refuse what the runtime would refuse once ``plan`` is written.

    ``chain`` runs from MACHINE down to the path the target governs; ``doc`` reads the files of
    the host as they are now. Refusals raise ConfigError or OptionError naming file or option.
    """
    base = plan.base if plan.base is not None else parse(plan.path, plan.before)
    model = _model.Model(lambda path: base if path.casefold() == plan.path.casefold() else doc(path),
                         overlays=plan.overlays)
    changed = {(change.element, change.attribute): change.after for change in plan.changes}
    written = {key: value for key, value in changed.items() if value is not None}
    evaluations = {}
    for element in dict.fromkeys(element for element, _name in changed):
        evaluation = model.evaluate(chain, SECTIONS[element], _defaults(element))
        _refuse_placement(model, evaluation, plan, {name for owner, name in written if owner == element})
        evaluations[element] = evaluation
    session = evaluations.get("sessionState") or model.evaluate(chain, _model.SESSION_STATE, _defaults("sessionState"))
    values = {name: text for name, (text, _origin) in session.values.items()}
    warnings = _check_connection_strings(model, chain, written, values)
    errors, notes = _model.runtime_problems(model, chain, values)
    if errors:
        raise ConfigError(plan.path, "the result would be rejected by ASP.NET: " + "; ".join(errors))
    reverted = [_in_effect(plan, evaluations[element], element, name)
                for (element, name), value in changed.items() if value is None]
    return Judgement(warnings + notes + _overridden(plan, evaluations, written), reverted)


def _defaults(element: str) -> dict[str, str]:
    return {attr.xml: attr.default for attr in _spec.ATTRIBUTES if attr.element == element}


def _in_effect(plan: FilePlan, evaluation: _model.Evaluation, element: str, name: str) -> dict:
    """A reverted attribute as the path the target governs now runs it, and where that comes from."""
    return {"path": plan.path, "element": element, "attribute": name, "config_path": evaluation.chain.config_path,
            "value": mask_value(name, evaluation.text(name)), "source": evaluation.source(name)}


def _ours(item: _model.Input, plan: FilePlan) -> bool:
    return item.doc.path.casefold() == plan.path.casefold() and _locate.same_path(item.place.path, plan.location)


def _refuse_placement(model: _model.Model, evaluation: _model.Evaluation, plan: FilePlan, names: set[str]) -> None:
    """Locks, the section's declaration, and sections nobody can read on the way."""
    for _item, exc in evaluation.opaque:
        raise exc
    name = evaluation.section.name
    for item, locked, finding in evaluation.locked:
        if _ours(item, plan) and (locked is None or locked & names):
            raise ConfigError(plan.path, finding.message)
    for item in evaluation.inputs if names else ():  # a removal alone is right wherever it is made
        if _ours(item, plan):
            level = evaluation.chain.records[-1].level
            problem = model.definition_problem(evaluation.chain, evaluation.section, item.place, level)
            if problem is not None:
                raise ConfigError(plan.path, f"<{name}> {problem}")


def _check_connection_strings(model: _model.Model, chain: _model.Chain, changed: Settings, values: dict[str, str]) -> list[str]:
    """A connection string written must be a valid literal or name an entry in effect whose value is valid."""
    allow = _spec.same_value(_spec.attribute("allowCustomSqlDatabase"), values["allowCustomSqlDatabase"], "true")
    names = [xml for xml in _spec.CONNECTION_STRINGS if ("sessionState", xml) in changed]
    store = _model.read_store(model, chain, {xml: changed[("sessionState", xml)] for xml in names}, names)
    for xml in names:
        text = store.values[xml]
        if xml in store.unchecked or _spec.is_registry(text):
            continue
        problem = _spec.literal_problem(xml, text, allow)
        if problem:
            raise OptionError(_spec.attribute(xml).option, store.labels.get(xml, "") + problem)
    return store.notes


def _overridden(plan: FilePlan, evaluations: dict[str, _model.Evaluation], changed: Settings) -> list[str]:
    """Settings written here that a later input replaces at the path the target governs."""
    warnings = []
    for (element, name), value in changed.items():
        evaluation = evaluations[element]
        text, origin = evaluation.values.get(name, (value, None))
        if origin is not None and not _ours(origin, plan):
            warnings.append(f"{element} {name}={mask_value(name, value)} is written to {plan.path}, but "
                            f"{evaluation.chain.config_path} runs {name}={mask_value(name, text)} from {origin.where()}, "
                            "which comes after it")
    return warnings


def _current(slot: _locate.Slot, xml: str) -> str | None:
    return slot.element.get(xml) if slot.element is not None else None


def _by_element(desired: Settings) -> dict[str, list[tuple[str, str]]]:
    grouped: dict[str, list[tuple[str, str]]] = {}
    for (element, xml), value in desired.items():
        grouped.setdefault(element, []).append((xml, value))
    return grouped


__all__ = ["Settings", "SECTIONS", "FilePlan", "Judgement", "plan_file", "verify", "judge"]
