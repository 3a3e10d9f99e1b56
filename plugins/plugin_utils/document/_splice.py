"""Byte-faithful edits: splice new attribute values or new elements into the original text, or cut them out.

Private to the iis.aspnet collection: not a public API.

Nothing is re-serialised. An existing element gets its start tag patched (a changed value keeps
its quote character; a new attribute follows the last one, on its own line when the tag is
written one attribute per line; a removed attribute goes with the white space before it). A
missing element is inserted as the last child of its parent, with the indentation of its siblings
and the file's newline, quote and ``<x />`` styles. An element a removal leaves without attributes
and children is cut out, and so are the <system.web> and <location> it leaves empty, each with its
line when it stands alone on it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ansible_collections.iis.aspnet.plugins.plugin_utils.document._locate import SECTION_GROUP, Slot
from ansible_collections.iis.aspnet.plugins.plugin_utils.document._xmlfile import ConfigDoc, Tag


@dataclass
class ElementEdit:
    """Set ``values`` (attribute, XML text) on ``element``, found or to be inserted at ``slot``, and
    remove the attributes ``removals`` (``delete``: the element is left empty and goes)."""

    element: str
    slot: Slot
    values: list[tuple[str, str]]
    removals: tuple[str, ...] = ()
    delete: bool = False


@dataclass(frozen=True)
class Splice:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class _Style:
    newline: str
    unit: str
    quote: str
    empty_close: str  # " />" or "/>"


def render(doc: ConfigDoc, edits: list[ElementEdit]) -> tuple[str, list[Splice]]:
    """The new text and the splices that make it (non-overlapping, in document order)."""
    style = _style(doc)
    splices = []
    inserts: dict[tuple, list[ElementEdit]] = {}
    for edit in edits:
        if edit.delete:
            splices.append(_cut(doc, _outermost_empty(doc, edit.slot.element)))
        elif edit.slot.element is not None:
            splices.extend(_patch_start_tag(doc, edit.slot.element, edit.values, style, edit.removals))
        else:
            key = (id(edit.slot.group), id(edit.slot.container), edit.slot.path.casefold())
            inserts.setdefault(key, []).append(edit)
    for group in inserts.values():
        splices.append(_insert(doc, group, style))
    splices.sort(key=lambda splice: (splice.start, splice.end))
    return apply(doc.text, splices), splices


def leaves_empty(doc: ConfigDoc, tag: Tag, removals, values) -> bool:
    """Whether removing ``removals`` (and setting nothing) leaves ``tag`` without attributes and children."""
    remaining = [attr for attr in tag.attrs(doc.text) if attr.name not in set(removals)]
    return not remaining and not values and (tag.empty or not doc.text[tag.head_end:tag.close_start].strip())


def apply(text: str, splices: list[Splice]) -> str:
    parts, pos = [], 0
    for splice in splices:
        parts += [text[pos:splice.start], splice.text]
        pos = splice.end
    parts.append(text[pos:])
    return "".join(parts)


def escape(value: str, quote: str) -> str:
    """Attribute text that an XML parser reads back as ``value`` (whitespace kept literally)."""
    value = value.replace("&", "&amp;").replace("<", "&lt;")
    value = value.replace("\t", "&#x9;").replace("\n", "&#xA;").replace("\r", "&#xD;")
    return value.replace('"', "&quot;") if quote == '"' else value.replace("'", "&apos;")


# Quote and <x /> styles are judged on the start of the file: enough to see its habits, and a
# 50 MB file is not counted through four times.
_STYLE_SAMPLE = 1 << 20


def _style(doc: ConfigDoc) -> _Style:
    text = doc.text[:_STYLE_SAMPLE]
    quote = "'" if text.count("='") > text.count('="') else '"'
    empty_close = "/>" if text.count('"/>') + text.count("'/>") > text.count(" />") else " />"
    return _Style(doc.newline, _indent_unit(doc), quote, empty_close)


def _indent_unit(doc: ConfigDoc) -> str:
    base = _indent(doc.text, doc.root.start) or ""
    for child in doc.root.children:
        child_indent = _indent(doc.text, child.start)
        if child_indent and child_indent.startswith(base) and len(child_indent) > len(base):
            return child_indent[len(base):]
    return "\t" if "\n\t<" in doc.text[:_STYLE_SAMPLE] else "    "


def _indent(text: str, offset: int) -> str | None:
    """Whitespace before ``offset`` on its line, or None when something else precedes it there."""
    lead = text[text.rfind("\n", 0, offset) + 1:offset]
    return lead if not lead.strip() else None


def _patch_start_tag(doc: ConfigDoc, tag: Tag, values: list[tuple[str, str]], style: _Style,
                     removals=()) -> list[Splice]:
    written = tag.attrs(doc.text)
    splices = _remove_attributes(tag, written, set(removals))
    attrs = {attr.name: attr for attr in written if attr.name not in set(removals)}
    added = []
    for name, value in values:
        attr = attrs.get(name)
        if attr is None:
            added.append((name, value))
        else:
            splices.append(Splice(attr.value_start, attr.value_end, escape(value, attr.quote)))
    if added:
        splices.append(_append_attributes(doc, tag, list(attrs.values()), added, style))
    return splices


def _remove_attributes(tag: Tag, written, removals: set[str]) -> list[Splice]:
    """Each removed attribute with the white space before it (up to the previous attribute or the name)."""
    splices = []
    for index, attr in enumerate(written):
        if attr.name in removals:
            start = written[index - 1].value_end + 1 if index else tag.start + 1 + len(tag.name)
            splices.append(Splice(start, attr.value_end + 1, ""))
    return splices


def _outermost_empty(doc: ConfigDoc, tag: Tag) -> Tag:
    """``tag``, or the <system.web> and then the <location> holding nothing else once it is gone."""
    node = tag
    while node.parent is not None and node.parent.name in (SECTION_GROUP, "location") and _only_child(doc, node.parent, node):
        node = node.parent
    return node


def _only_child(doc: ConfigDoc, parent: Tag, child: Tag) -> bool:
    """``child`` is all ``parent`` holds: no other element, comment or text around it."""
    text = doc.text
    return parent.children == [child] and not text[parent.head_end:child.start].strip() and not text[child.end:parent.close_start].strip()


def _cut(doc: ConfigDoc, node: Tag) -> Splice:
    """Remove ``node``; with its whole line when nothing else stands on that line."""
    text = doc.text
    line_start = text.rfind("\n", 0, node.start) + 1
    line_end = text.find("\n", node.end)
    line_end = len(text) if line_end < 0 else line_end + 1
    if not text[line_start:node.start].strip() and not text[node.end:line_end].strip():
        return Splice(line_start, line_end, "")
    return Splice(node.start, node.end, "")


def _append_attributes(doc, tag: Tag, existing, added, style: _Style) -> Splice:
    if existing:
        last = existing[-1]
        at, quote = last.value_end + 1, last.quote
        lead = _indent(doc.text, last.start)
        multi_line = lead is not None and "\n" in doc.text[tag.start:last.start]
        separator = style.newline + lead if multi_line else " "
    else:
        at, quote, separator = tag.start + 1 + len(tag.name), style.quote, " "
    text = "".join(f"{separator}{name}={quote}{escape(value, quote)}{quote}" for name, value in added)
    return Splice(at, at, text)


def _insert(doc: ConfigDoc, edits: list[ElementEdit], style: _Style) -> Splice:
    slot = edits[0].slot
    lines = [_element_markup(edit, style) for edit in edits]
    if slot.group is not None:
        return _append_child(doc, slot.group, lines, style)
    lines = _wrap(SECTION_GROUP, "", lines, style)
    if slot.container is not None:
        return _append_child(doc, slot.container, lines, style)
    attribute = f" path={style.quote}{escape(slot.path, style.quote)}{style.quote}"
    return _append_child(doc, doc.root, _wrap("location", attribute, lines, style), style)


def _element_markup(edit: ElementEdit, style: _Style) -> str:
    q = style.quote
    attributes = "".join(f" {name}={q}{escape(value, q)}{q}" for name, value in edit.values)
    return f"<{edit.element}{attributes}{style.empty_close}"


def _wrap(name: str, attributes: str, lines: list[str], style: _Style) -> list[str]:
    """Markup lines of a new element around ``lines``, indented one unit deeper."""
    return [f"<{name}{attributes}>", *(style.unit + line for line in lines), f"</{name}>"]


def _append_child(doc: ConfigDoc, parent: Tag, lines: list[str], style: _Style) -> Splice:
    """Insert markup ``lines`` as the last children of ``parent``."""
    parent_indent = _indent(doc.text, parent.start)
    if parent.empty:
        return _expand_empty(doc, parent, lines, parent_indent, style)
    close_indent = _indent(doc.text, parent.close_start)
    if close_indent is None or parent_indent is None:
        return Splice(parent.close_start, parent.close_start, "".join(line.strip() for line in lines))
    child_indent = _child_indent(doc, parent, parent_indent, style)
    at = parent.close_start - len(close_indent)
    block = "".join(child_indent + line + style.newline for line in lines)
    return Splice(at, at, block)


def _child_indent(doc: ConfigDoc, parent: Tag, parent_indent: str, style: _Style) -> str:
    for child in reversed(parent.children):
        indent = _indent(doc.text, child.start)
        if indent is not None:
            return indent
    return parent_indent + style.unit


def _expand_empty(doc: ConfigDoc, parent: Tag, lines: list[str], parent_indent, style: _Style) -> Splice:
    head = doc.text[parent.start:parent.head_end].rstrip(">").rstrip("/").rstrip()
    if parent_indent is None:
        return Splice(parent.start, parent.head_end, f"{head}>{''.join(lines)}</{parent.name}>")
    child_indent = parent_indent + style.unit
    body = "".join(style.newline + child_indent + line for line in lines)
    return Splice(parent.start, parent.head_end, f"{head}>{body}{style.newline}{parent_indent}</{parent.name}>")


__all__ = ["ElementEdit", "Splice", "render", "apply", "escape", "leaves_empty"]
