"""Hide passwords inside connection-string-like text before it reaches a result, a diff or a log.

Private to the iis.aspnet collection: not a public API.

``mask`` finds ``password=`` / ``pwd=`` keywords (any case, spaces allowed around ``=``) anywhere
in a larger text: a plain connection string, an XML attribute, a diff line, an error message.
The value after the keyword is replaced by :data:`MASK`:

- a quoted value (``'..'``, ``".."``, ``{..}``, or XML-escaped ``&quot;..&quot;``) up to its
  closing quote, a doubled quote being part of the value, plus anything glued to the closing
  quote up to the next ``;``; an unterminated one to the end;
- an unquoted value up to ``;``. XML entities (``&amp;``) count as one character, so their ``;``
  does not end the value. Inside an XML attribute (``name="...password=x"``) the attribute's
  closing quote ends it too, so the rest of a diff line stays readable.

Keywords are matched as ASP.NET reads them: the XML parser turns character references into
characters before the connection string is parsed, so ``pass&#119;ord=``, ``&#x70;wd=`` or
``PASSWORD&#9;=`` are found too (a reference to a quote, ``<``, ``>``, ``&`` or ``;`` is left as
written: those keep the markup's shape, and the value rules above already treat them).

When in doubt the mask reaches further, never shorter: hiding too much is a cosmetic fault,
showing part of a secret is not. Line breaks inside a masked value are kept, so a masked text
has the same lines as the original (the diff relies on that).

:func:`secret_values` gives the password values of a connection string (plain and as XML writes
them), so that a ``no_log`` value can be hidden wherever it appears, not only after a keyword.
"""

from __future__ import annotations

import re

MASK = "********"

_KEYWORD = re.compile(r"(?:password|pwd)\s*=\s*", re.IGNORECASE)
_QUOTE_FORMS = {
    '"': re.compile(r'"|&quot;|&#34;|&#x22;', re.IGNORECASE),
    "'": re.compile(r"'|&apos;|&#39;|&#x27;", re.IGNORECASE),
}
_ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
# A start tag up to the keyword: either inside an attribute value that is still open ("open"), or
# at an attribute name (the keyword is the attribute, as in <add password="..."/>).
# Possessive: closed attributes are never re-split, so a failing match costs one pass.
_IN_TAG = re.compile(r"""<[\w.:-]+(?:\s+[\w.:-]+\s*=\s*(?:"[^"<]*"|'[^'<]*'))*+"""
                     r"""(?:\s+[\w.:-]+\s*=\s*(?P<open>"[^"<]*|'[^'<]*)|\s+[\w.:-]*)\Z""")
# A start tag longer than this is not looked into (each keyword would rescan it); the value is then
# masked as in plain text, which hides at least as much.
_MAX_TAG = 65536
_SECRET_ATTRIBUTE = re.compile(r"(?:password|pwd)\Z", re.IGNORECASE)
_ATTRIBUTE_END = " \t\r\n/>?"


def mask(text: str) -> str:
    """``text`` with every password value replaced by MASK (XML-aware)."""
    return _replace(text, secret_spans(text))


def mask_value(attr: str, value: str | None) -> str | None:
    """A whole (decoded) attribute value, masked; an attribute named like a password is hidden whole."""
    if value is None:
        return None
    if _SECRET_ATTRIBUTE.search(attr) and value:
        return MASK
    return _replace(value, _decoded_spans(value, xml=False))


def secret_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every password value in ``text``, as ``mask`` hides them."""
    return _decoded_spans(text, xml=True)


def secret_values(connection_string: str) -> set[str]:
    """The password values of a (plain) connection string: as written, unquoted, and XML-escaped.

    A ``no_log`` option's whole value is hidden by Ansible; these let its secret part be hidden
    too where it appears alone (another attribute, a comment, a context line of a diff).
    """
    found = set()
    for start, end in _decoded_spans(connection_string, xml=False):
        written = connection_string[start:end].strip()
        for value in {written, _unquoted(written)} - {""}:
            found |= {value, *_xml_forms(value)}
    return found


# A character reference in the text, and the characters it may stand for when keywords are
# matched: not those that shape markup or end a value (quotes, <, >, &, ;).
_CHAR_REF = re.compile(r"&#(?:([0-9]{1,7})|[xX]([0-9a-fA-F]{1,6}));")
_KEEP_REFERENCED = frozenset("\"'<>&;")


def _decoded_spans(text: str, xml: bool) -> list[tuple[int, int]]:
    """Spans found on ``text`` with its character references decoded, as offsets into ``text``."""
    if "&#" not in text:
        return _spans(text, xml)
    decoded, offsets = _decode_references(text)
    return [(offsets[start], offsets[end]) for start, end in _spans(decoded, xml)]


def _decode_references(text: str) -> tuple[str, list[int]]:
    """(text with character references decoded, offset in ``text`` of each decoded character and of the end)."""
    out: list[str] = []
    offsets: list[int] = []
    pos = 0
    for match in _CHAR_REF.finditer(text):
        char = _referenced(match)
        if char is None:
            continue
        out.append(text[pos:match.start()])
        offsets.extend(range(pos, match.start()))
        out.append(char)
        offsets.append(match.start())
        pos = match.end()
    out.append(text[pos:])
    offsets.extend(range(pos, len(text) + 1))
    return "".join(out), offsets


def _referenced(match: re.Match) -> str | None:
    """The character a reference stands for, or None to leave it as written."""
    code = int(match.group(1)) if match.group(1) is not None else int(match.group(2), 16)
    if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    char = chr(code)
    return None if char in _KEEP_REFERENCED else char


def _unquoted(value: str) -> str:
    """A quoted connection-string value as the parser reads it ('a''b' -> a'b, {a}}b} -> a}b)."""
    if len(value) >= 2 and value[0] in "'\"" and value[-1] == value[0]:
        return value[1:-1].replace(value[0] * 2, value[0])
    if len(value) >= 2 and value[0] == "{" and value[-1] == "}":
        return value[1:-1].replace("}}", "}")
    return value


def _xml_forms(value: str) -> set[str]:
    """How an XML attribute may carry ``value`` (the escapes the engine and common editors write)."""
    base = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return {base.replace('"', "&quot;"), base.replace("'", "&apos;"),
            base.replace('"', "&quot;").replace("'", "&apos;"), base.replace('"', "&#34;").replace("'", "&#39;")}


def _replace(text: str, spans: list[tuple[int, int]]) -> str:
    out, pos = [], 0
    for start, end in spans:
        # Keep line breaks so the masked text has as many lines as the original.
        out += [text[pos:start], re.sub(r"[^\r\n]+", MASK, text[start:end])]
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _spans(text: str, xml: bool) -> list[tuple[int, int]]:
    spans, pos = [], 0
    while (match := _KEYWORD.search(text, pos)) is not None:
        context = _tag_context(text, match.start()) if xml else None
        if context == "name":
            start, end = _attribute_value(text, match.end())
        else:
            start, end = match.end(), _value_end(text, match.end(), context, xml)
        if end > start:
            spans.append((start, end))
        pos = max(end, match.end())
    return spans


def _tag_context(text: str, pos: int) -> str | None:
    """Where ``pos`` sits in XML markup: the quote of the attribute value it is in, "name" when it
    starts an attribute name inside a tag, None when not in a tag."""
    tag = text.rfind("<", max(0, pos - _MAX_TAG), pos)
    match = _IN_TAG.match(text, tag, pos) if tag >= 0 else None
    if match is None:
        return None
    return match.group("open")[0] if match.group("open") else "name"


def _attribute_value(text: str, pos: int) -> tuple[int, int]:
    """The value of an attribute named like a password: everything between its XML quotes."""
    if pos < len(text) and text[pos] in "\"'":
        end = text.find(text[pos], pos + 1)
        return pos + 1, len(text) if end < 0 else end
    return pos, _value_end(text, pos, None, xml=True)


def _value_end(text: str, pos: int, enclosing: str | None, xml: bool) -> int:
    if pos >= len(text) or _closes_attribute(text, pos, enclosing):
        return pos
    end = _braced_end(text, pos + 1, enclosing) if text[pos] == "{" else None
    for kind, forms in _QUOTE_FORMS.items():
        opener = forms.match(text, pos)
        if end is None and opener and (xml or opener.group() == kind):
            end = _quoted_end(text, opener.end(), forms if xml else re.compile(re.escape(kind)), enclosing)
    # Text glued to a closing quote ('a'b) makes SqlClient read the whole run as the value: hide it too.
    return _unquoted_end(text, pos if end is None else end, enclosing, xml)


def _closes_attribute(text: str, pos: int, enclosing: str | None) -> bool:
    """Whether the raw quote at ``pos`` ends the enclosing XML attribute value."""
    if enclosing is None or text[pos] != enclosing:
        return False
    return pos + 1 == len(text) or text[pos + 1] in _ATTRIBUTE_END


def _quoted_end(text: str, pos: int, forms: re.Pattern, enclosing: str | None) -> int:
    """End of a quoted value whose body starts at ``pos`` (a doubled quote belongs to the value)."""
    while (close := forms.search(text, pos)) is not None:
        if _closes_attribute(text, close.start(), enclosing):
            return close.start()  # the attribute ends: what follows is not the secret
        again = forms.match(text, close.end())
        if again is None or _closes_attribute(text, again.start(), enclosing):
            return close.end()
        pos = again.end()
    return len(text)


def _braced_end(text: str, pos: int, enclosing: str | None) -> int:
    """End of an ODBC-style {value}; '}}' stands for a literal brace. An unterminated one ends with
    the enclosing XML attribute (the connection string cannot reach past it), else at the end."""
    while pos < len(text):
        if _closes_attribute(text, pos, enclosing):
            return pos
        if text[pos] == "}" and not text.startswith("}}", pos):
            return pos + 1
        pos += 2 if text[pos] == "}" else 1
    return len(text)


def _unquoted_end(text: str, pos: int, enclosing: str | None, xml: bool) -> int:
    while pos < len(text):
        if text[pos] == ";" or _closes_attribute(text, pos, enclosing):
            return pos
        # In text that may be XML, '&amp;' is one character: its ';' does not end the value.
        entity = _ENTITY.match(text, pos) if xml and text[pos] == "&" else None
        pos = entity.end() if entity else pos + 1
    return pos


__all__ = ["MASK", "mask", "mask_value", "secret_spans", "secret_values"]
