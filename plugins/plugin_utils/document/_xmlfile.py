"""Hardened reading of IIS/.NET config files, with the source span of every element we may edit.

Private to the iis.aspnet collection: not a public API.

lxml validates and gives the values, but it has no source offsets (and its line numbers stop at
65535), so a small tokenizer of our own maps the elements that matter to character spans of the
decoded text. Elements inside the containers we navigate (``configuration``, ``location``,
``system.web``, ``configSections``, ``sectionGroup``) are kept as :class:`Tag`; every other subtree
is passed over. Both views are cross-checked, so a tokenizer mistake cannot turn into a bad edit.

Decoding and re-encoding a valid document is lossless, so a splice of the text is a splice of
the bytes: everything outside the edited span keeps its bytes. An encoding for which that cannot
hold is refused, never re-encoded: a stateful one (UTF-7, ISO-2022, HZ: a character's bytes depend
on the characters before it), one whose round trip changes the file, one that is not a text
encoding at all; and :meth:`ConfigDoc.encode` checks the bytes outside the edit once more.
"""

from __future__ import annotations

import codecs
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ansible_collections.iis.aspnet.plugins.plugin_utils.base._errors import ConfigError

try:
    from lxml import etree

    HAS_LXML = True
    LXML_IMPORT_ERROR = None
except ImportError as exc:  # ansible-test's import sanity test runs without lxml
    etree = None
    HAS_LXML = False
    LXML_IMPORT_ERROR = exc

# Real machine.config files are ~40 KB; the largest web.config files seen in the field are a
# few MB. 64 MiB leaves room for generated configs while keeping a hostile file from eating the
# controller's memory.
MAX_BYTES = 64 * 1024 * 1024

# Only these elements are descended into: everything we read or edit lives below them
# (connectionStrings: its entries resolve connection strings given by name).
CONTAINERS = frozenset({"configuration", "location", "system.web", "configSections", "sectionGroup", "connectionStrings"})
# Parents of sections: a section's first child tells whether it is encrypted (<EncryptedData>).
_SECTION_PARENTS = frozenset({"system.web", "configuration", "location"})
# Descended into only when first needed: a file can hold thousands of <location>s, and a run
# looks inside the few that can hold the section it is after (see ConfigDoc.mentions).
LAZY = frozenset({"location"})

_BOMS = (
    (codecs.BOM_UTF32_LE, None),  # must precede UTF-16 LE, which shares its first two bytes
    (codecs.BOM_UTF32_BE, None),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Python's stateful text codecs: an encoder that carries shift state from one character to the
# next, so a character's bytes depend on what precedes it (and an edit can change later bytes).
_STATEFUL = frozenset({"utf-7", "hz", "iso2022_kr"})
_STATEFUL_PREFIXES = ("iso2022_",)
# Decoded strictly, these are lossless: no round trip to prove.
_LOSSLESS = frozenset({"utf-8", "utf-16-le", "utf-16-be"})
_DECL_ENCODING = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_NAME = r"[A-Za-z_][\w.:-]*"
# One markup token. Attribute values may contain '>', hence the quoted alternatives.
_MARKUP = re.compile(
    rf"""<(?:
        (?P<open>{_NAME})(?P<attrs>(?:[^>"']|"[^"]*"|'[^']*')*?)(?P<empty>/?)>
      | /(?P<close>{_NAME})\s*>
      | (?P<comment>!--)
      | (?P<cdata>!\[CDATA\[)
      | (?P<pi>\?)
      | (?P<decl>!)
    )""",
    re.X,
)
_NAMESPACE_DECLARATION = re.compile(r"""\s+xmlns(?::[\w.-]+)?\s*=\s*(?:"[^"]*"|'[^']*')""")
_ATTRIBUTE = re.compile(rf"""(\s+)({_NAME})(\s*=\s*)(?:"([^"]*)"|'([^']*)')""")


@dataclass(eq=False)
class Attr:
    """One attribute as written: its span covers ``name="value"`` (value span without quotes)."""

    name: str
    quote: str
    start: int  # first character of the name
    value_start: int
    value_end: int  # the closing quote


@dataclass(eq=False)
class Tag:
    """An element as the tokenizer saw it; offsets index :attr:`ConfigDoc.text`."""

    name: str
    start: int  # '<' of the start tag
    head_end: int  # just after the start tag's '>'
    empty: bool  # written as <x ... />
    depth: int
    parent: Tag | None = None
    end: int = -1  # just after the end tag's '>' (== head_end when empty)
    close_start: int = -1  # '<' of the end tag (== head_end when empty)
    # Set by the cross-check from lxml: attributes as the parser decodes them, and the name of
    # the first child element (sections only). The lxml tree itself is not kept, so its memory goes.
    attrib: dict[str, str] = field(default_factory=dict)
    first_child: str | None = None
    _children: list[Tag] = field(default_factory=list)
    _pending: Callable[[Tag], None] | None = None  # expands a lazy element on first use

    @property
    def children(self) -> list[Tag]:
        if self._pending is not None:
            pending, self._pending = self._pending, None
            pending(self)
        return self._children

    def child_elements(self, name: str) -> list[Tag]:
        return [child for child in self.children if child.name == name]

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.attrib.get(name, default)

    def attrs(self, text: str) -> list[Attr]:
        head = text[self.start:self.head_end]
        base = self.start
        found = []
        for match in _ATTRIBUTE.finditer(head, len(self.name) + 1):
            group = 4 if match.group(4) is not None else 5
            found.append(Attr(match.group(2), '"' if group == 4 else "'",
                              base + match.start(2), base + match.start(group), base + match.end(group)))
        return found


@functools.lru_cache(maxsize=16)
def _mention_pattern(name: str):
    # A namespace prefix too (<x:sessionState>): such an element must be seen to be refused.
    return re.compile(rf"<(?:[\w.-]+:)?{re.escape(name)}[\s/>]", re.IGNORECASE)


@dataclass(eq=False)
class ConfigDoc:
    """A parsed config file: original bytes, decoded text, and the elements we navigate."""

    path: str
    data: bytes
    text: str
    encoding: str
    bom: bytes
    root: Tag

    @property
    def newline(self) -> str:
        return "\r\n" if "\r\n" in self.text else "\n"

    def line(self, offset: int) -> int:
        return _line(self.text, offset)

    def mentions(self, tag: Tag, name: str) -> bool:
        """Whether ``<name`` (any case, any prefix) occurs inside ``tag``: if not, it cannot hold that element."""
        return _mention_pattern(name).search(self.text, tag.head_end, tag.close_start) is not None

    def encode(self, text: str) -> bytes:
        """The edited ``text`` as bytes; refused if a byte outside the changed characters would change."""
        # Only an inserted value can be unencodable in a legacy code page: write it as a reference.
        data = self.bom + text.encode(self.encoding, "xmlcharrefreplace")
        head, tail = _common_ends(self.text, text)
        kept_head = len(self.bom) + len(self.text[:head].encode(self.encoding))
        kept_tail = len(self.text[len(self.text) - tail:].encode(self.encoding))
        if data[:kept_head] != self.data[:kept_head] or data[len(data) - kept_tail:] != self.data[len(self.data) - kept_tail:]:
            raise ConfigError(self.path, f"re-encoding the edited text as {self.encoding} would change bytes outside the edit; "
                                         "refusing to edit")
        return data


def _common_ends(old: str, new: str) -> tuple[int, int]:
    """Lengths of the longest common prefix and (not overlapping it) suffix of two texts."""
    limit = min(len(old), len(new))
    head = _longest(lambda n: old[:n] == new[:n], limit)
    tail = _longest(lambda n: old[len(old) - n:] == new[len(new) - n:], limit - head)
    return head, tail


def _longest(same: Callable[[int], bool], limit: int) -> int:
    """The largest n <= limit with same(n), for a predicate true up to some n and false after."""
    low, high = 0, limit
    while low < high:
        middle = (low + high + 1) // 2
        if same(middle):
            low = middle
        else:
            high = middle - 1
    return low


def parse(path: str, data: bytes) -> ConfigDoc:
    """Parse a config file, refusing anything that is not a plain, trustworthy XML document."""
    if not HAS_LXML:
        raise ConfigError(path, f"the lxml Python library is required on the controller ({LXML_IMPORT_ERROR})")
    if len(data) > MAX_BYTES:
        raise ConfigError(path, f"file is {len(data)} bytes, over the {MAX_BYTES}-byte limit for config files")
    bom, encoding, text = _decode(path, data)
    _refuse_dtd(path, text)
    lxml_root = _lxml_parse(path, data)
    root = _scan(path, text)
    doc = ConfigDoc(path, data, text, encoding, bom, root)
    _cross_check(path, text, root, lxml_root)
    if root.name != "configuration":
        raise ConfigError(path, f"root element is <{root.name}>, not <configuration>: not a .NET config file")
    return doc


def parse_tree(path: str, data: bytes):
    """The hardened lxml parse alone (same refusals as :func:`parse`), for read-back checks."""
    if not HAS_LXML:
        raise ConfigError(path, f"the lxml Python library is required on the controller ({LXML_IMPORT_ERROR})")
    bom, encoding = _detect(path, data)
    # A DTD can only stand in the prolog, before the root element: a prefix is enough.
    _refuse_dtd(path, data[len(bom):len(bom) + 65536].decode(encoding, "ignore"))
    return _lxml_parse(path, data)


def minimal_document() -> bytes:
    """The web.config that appcmd would create: UTF-8 without BOM, CRLF line ends."""
    return b'<?xml version="1.0" encoding="UTF-8"?>\r\n<configuration>\r\n</configuration>\r\n'


def _detect(path: str, data: bytes) -> tuple[bytes, str]:
    for mark, name in _BOMS:
        if data.startswith(mark):
            if name is None:
                raise ConfigError(path, "UTF-32 files are not supported by IIS; refusing to edit")
            return mark, name
    if data[:2] in (b"<\x00", b"\x00<"):
        raise ConfigError(path, "looks like UTF-16 without a byte order mark; refusing to guess the encoding")
    return b"", _declared_encoding(path, data)


def _decode(path: str, data: bytes) -> tuple[bytes, str, str]:
    bom, encoding = _detect(path, data)
    try:
        text = data[len(bom):].decode(encoding)
    except UnicodeDecodeError as exc:
        raise ConfigError(path, f"not valid {encoding} at byte {exc.start + len(bom)}: {exc.reason}") from None
    # Strict UTF-8 and UTF-16 decoding is lossless; any other encoding needs the round trip proved.
    if encoding not in _LOSSLESS and text.encode(encoding) != data[len(bom):]:
        raise ConfigError(path, f"bytes do not round-trip through {encoding} (encoding them again would change the file); "
                                "refusing to edit")
    if "\x00" in text:
        raise ConfigError(path, f"contains a NUL character at line {text.count(chr(10), 0, text.index(chr(0))) + 1}; not allowed in XML")
    return bom, encoding, text


def _declared_encoding(path: str, data: bytes) -> str:
    match = _DECL_ENCODING.match(data[:200])
    if not match:
        return "utf-8"
    name = match.group(1).decode("ascii")
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        raise ConfigError(path, f"declares unknown encoding {name!r}") from None
    if not _is_text_codec(codec):
        raise ConfigError(path, f"declares {name}, which is not a text encoding")
    if codec.startswith("utf-16") or codec.startswith("utf-32"):
        raise ConfigError(path, f"declares {name} but has no byte order mark; refusing to guess the byte order")
    if codec in _STATEFUL or codec.startswith(_STATEFUL_PREFIXES):
        raise ConfigError(path, f"declares {name}, a stateful encoding (the bytes of a character depend on those before it), "
                                "so an edit could change bytes outside it; refusing to edit (save the file as UTF-8)")
    return codec


def _is_text_codec(codec: str) -> bool:
    """False for Python's bytes-to-bytes and text-to-text codecs (base64, hex, zlib, rot13...)."""
    try:
        b"<".decode(codec)
    except LookupError:
        return False
    except UnicodeError:
        pass
    return True


def _refuse_dtd(path: str, text: str) -> None:
    root_start = re.search(rf"<{_NAME}", text)
    prolog = text[:root_start.start()] if root_start else text
    prolog = re.sub(r"<!--.*?-->", "", prolog, flags=re.S)
    if "<!DOCTYPE" in prolog or "<!ENTITY" in prolog:
        raise ConfigError(path, "has a DOCTYPE/entity declaration; DTDs are refused (entity expansion and external entities)")


def _lxml_parse(path: str, data: bytes):
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
        huge_tree=False, remove_blank_text=False, remove_comments=False, remove_pis=False,
        strip_cdata=False, collect_ids=False,
    )
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        if "Excessive depth" in str(exc.msg):
            # libxml2's limit without huge_tree, which stays off (docs/architecture.md, hardened parsing): refused, though well-formed.
            raise ConfigError(path, f"nested deeper than the hardened parser allows (256 levels): {exc.msg}") from None
        raise ConfigError(path, f"not well-formed XML: {exc.msg}") from None
    except ValueError as exc:
        raise ConfigError(path, f"cannot be parsed: {exc}") from None


def _scan(path: str, text: str, parent: Tag | None = None) -> Tag:
    """Tokenize, keeping Tags for the children of containers and skipping other subtrees.

    With ``parent``, tokenize only its content (expanding a lazy element).
    """
    root = parent
    stack: list[Tag] = [parent] if parent else []
    pos, end = (parent.head_end, parent.close_start) if parent else (0, len(text))
    while True:
        match = _MARKUP.search(text, pos, end)
        if match is None:
            break
        pos = match.end()
        if match.group("open"):
            tag = Tag(match.group("open"), match.start(), pos, bool(match.group("empty")), stack[-1].depth + 1 if stack else 0)
            if stack:
                tag.parent = stack[-1]
                stack[-1]._children.append(tag)  # pylint: disable=protected-access
            elif root is None:
                root = tag
            pos = _open(path, text, tag, stack)
        elif match.group("close"):
            if not stack or stack[-1].name != match.group("close"):
                raise ConfigError(path, f"unexpected </{match.group('close')}> at offset {match.start()}")
            tag = stack.pop()
            tag.close_start, tag.end = match.start(), pos
        else:
            pos = _skip_special(path, text, match)
    if root is None or stack != ([parent] if parent else []):
        raise ConfigError(path, "no complete root element")
    return root


def _open(path: str, text: str, tag: Tag, stack: list[Tag]) -> int:
    """Handle a start tag; return where scanning goes on."""
    if tag.empty:
        tag.end = tag.close_start = tag.head_end
        return tag.head_end
    if tag.name in CONTAINERS and (tag.name not in LAZY or not stack or stack[-1].parent is not None):
        stack.append(tag)
        return tag.head_end
    tag.close_start, tag.end = _skip_subtree(path, text, tag)
    if tag.name in CONTAINERS:
        tag._pending = functools.partial(_expand, path, text)  # pylint: disable=protected-access
    return tag.end


def _expand(path: str, text: str, tag: Tag) -> None:
    """Tokenize a lazy element's content and cross-check it against lxml's view of it."""
    _scan(path, text, tag)
    root = tag
    while root.parent is not None:
        root = root.parent
    # The fragment keeps the namespace declarations of the root, which it may rely on.
    declarations = "".join(_NAMESPACE_DECLARATION.findall(text, root.start, root.head_end))
    fragment = f"<fragment{declarations}>{text[tag.start:tag.end]}</fragment>".encode("utf-8")
    _cross_check(path, text, tag, _lxml_parse(path, fragment)[0], attributes=False)


def _skip_special(path: str, text: str, match) -> int:
    for group, closer in (("comment", "-->"), ("cdata", "]]>"), ("pi", "?>")):
        if match.group(group):
            end = text.find(closer, match.end())
            if end < 0:
                raise ConfigError(path, f"unterminated markup at offset {match.start()}")
            return end + len(closer)
    raise ConfigError(path, f"unexpected declaration at offset {match.start()}")


def _skip_subtree(path: str, text: str, tag: Tag) -> tuple[int, int]:
    """Find the end tag of an element we never descend into.

    Fast path: the first ``</name>`` with no same-named start tag, comment, CDATA or PI before it
    is the end. Otherwise fall back to counting tokens, which is exact but slower.
    """
    close, reopen = _subtree_patterns(tag.name)
    found = close.search(text, tag.head_end)
    if found:
        inner = text[tag.head_end:found.start()]
        if "<!" not in inner and "<?" not in inner and not reopen.search(inner):
            return found.start(), found.end()
    return _find_end(path, text, tag)


def _find_end(path: str, text: str, tag: Tag) -> tuple[int, int]:
    """Exact end of a subtree: jump between the only tokens that matter (same name, comments...)."""
    pattern = _end_pattern(tag.name)
    depth, pos = 0, tag.head_end
    while True:
        match = pattern.search(text, pos)
        if match is None:
            raise ConfigError(path, f"<{tag.name}> at offset {tag.start} is never closed")
        pos = match.end()
        if match.group("open"):
            depth += 0 if match.group("empty") else 1
        elif match.group("close"):
            if depth == 0:
                return match.start(), pos
            depth -= 1
        else:
            pos = _skip_special(path, text, match)


@functools.lru_cache(maxsize=256)
def _end_pattern(name: str):
    escaped = re.escape(name)
    return re.compile(rf"""<(?:(?P<open>{escaped})(?:\s(?:[^>"']|"[^"]*"|'[^']*')*?)?(?P<empty>/?)>|/(?P<close>{escaped})\s*>"""
                      r"|(?P<comment>!--)|(?P<cdata>!\[CDATA\[)|(?P<pi>\?))")


@functools.lru_cache(maxsize=256)
def _subtree_patterns(name: str):
    escaped = re.escape(name)
    return re.compile(rf"</{escaped}\s*>"), re.compile(rf"<{escaped}[\s/>]")


def _cross_check(path: str, text: str, tag: Tag, node, attributes: bool = True) -> None:
    """Pair every kept Tag with its lxml element; any disagreement means we cannot edit safely."""
    if _local_name(node) != tag.name.rpartition(":")[2]:
        raise ConfigError(path, f"internal cross-check failed at line {_line(text, tag.start)}: "
                                f"tokenizer saw <{tag.name}>, parser saw <{_local_name(node)}>")
    if attributes:
        tag.attrib = dict(node.attrib)
        if tag.parent is not None and tag.parent.name in _SECTION_PARENTS:
            # Only a section needs it (an <EncryptedData> child); skipped elsewhere for speed.
            first = next(node.iterchildren(etree.Element), None)
            tag.first_child = None if first is None else _local_name(first)
    if tag.name not in CONTAINERS or tag.empty or tag._pending is not None:  # pylint: disable=protected-access
        return
    nodes = list(node.iterchildren(etree.Element))
    children = tag._children  # pylint: disable=protected-access
    if len(nodes) != len(children):
        raise ConfigError(path, f"internal cross-check failed in <{tag.name}> at line {_line(text, tag.start)}: "
                                f"{len(children)} child elements seen, parser has {len(nodes)}")
    for child, child_node in zip(children, nodes):
        _cross_check(path, text, child, child_node)


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _local_name(node) -> str:
    return node.tag.rpartition("}")[2]


__all__ = ["HAS_LXML", "MAX_BYTES", "Attr", "Tag", "ConfigDoc", "parse", "parse_tree", "minimal_document"]
