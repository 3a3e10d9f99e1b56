"""Decoding, hardened parsing and the tokenizer's spans."""

from __future__ import annotations

import codecs

import pytest

from ansible_collections.iis.aspnet.plugins.plugin_utils.document import _xmlfile
from ansible_collections.iis.aspnet.plugins.plugin_utils.base._errors import ConfigError

from ansible_collections.iis.aspnet.tests.unit.plugins.plugin_utils.engine_helpers import config

PATH = "C:\\inetpub\\wwwroot\\web.config"
DOC = ('<?xml version="1.0" encoding="{enc}"?>\r\n<configuration>\r\n  <system.web>\r\n'
       '    <sessionState mode="InProc" cookieName="Ä€" />\r\n  </system.web>\r\n</configuration>\r\n')
PLAIN = DOC.replace("\u00c4\u20ac", "x")  # the same, with no character a legacy code page may lack

DECODING = [
    # (bytes, expected encoding, expected bom)
    (DOC.format(enc="utf-8").encode("utf-8"), "utf-8", b""),
    (codecs.BOM_UTF8 + DOC.format(enc="utf-8").encode("utf-8"), "utf-8", codecs.BOM_UTF8),
    (codecs.BOM_UTF16_LE + DOC.format(enc="utf-16").encode("utf-16-le"), "utf-16-le", codecs.BOM_UTF16_LE),
    (codecs.BOM_UTF16_BE + DOC.format(enc="utf-16").encode("utf-16-be"), "utf-16-be", codecs.BOM_UTF16_BE),
    (DOC.format(enc="windows-1252").encode("cp1252"), "cp1252", b""),
    (DOC.replace(' encoding="{enc}"', "").encode("utf-8"), "utf-8", b""),
]


@pytest.mark.parametrize("data, encoding, bom", DECODING)
def test_decoding_is_detected_and_lossless(data, encoding, bom):
    doc = _xmlfile.parse(PATH, data)
    assert (doc.encoding, doc.bom) == (encoding, bom)
    assert doc.encode(doc.text) == data
    assert doc.root.children[0].children[0].get("cookieName") == "Ä€"


REFUSED = [
    # (bytes, fragment of the reason)
    (DOC.format(enc="utf-16").encode("utf-16-le"), "UTF-16 without a byte order mark"),
    (DOC.format(enc="utf-16").encode("utf-16-be"), "UTF-16 without a byte order mark"),
    (codecs.BOM_UTF32_LE + DOC.format(enc="utf-32").encode("utf-32-le"), "UTF-32"),
    (DOC.format(enc="utf-8").encode("utf-8").replace(b"InProc", b"In\xffProc"), "not valid utf-8 at byte 99"),
    (DOC.format(enc="utf-8").encode("utf-8").replace(b"InProc", b"In\x00Proc"), "NUL character at line 4"),
    (DOC.format(enc="klingon").encode("utf-8"), "unknown encoding 'klingon'"),
    # Stateful encodings: a character's bytes depend on the ones before it, so re-encoding an
    # edited text may rewrite bytes outside the edit (a UTF-7 run inside a comment, say).
    (DOC.format(enc="utf-7").replace("<system.web>", "<!-- caf\u00e9 + \u20ac -->").encode("utf-7"),
     "declares utf-7, a stateful encoding"),
    (PLAIN.format(enc="iso-2022-jp").replace("<system.web>", "<!-- \u65e5\u672c -->").encode("iso-2022-jp"),
     "declares iso-2022-jp, a stateful encoding"),
    (PLAIN.format(enc="HZ-GB-2312").encode("ascii"), "declares HZ-GB-2312, a stateful encoding"),
    # Not text encodings at all (Python knows them as bytes-to-bytes or text-to-text codecs).
    (DOC.format(enc="base64").encode("utf-8"), "declares base64, which is not a text encoding"),
    (DOC.format(enc="rot13").encode("utf-8"), "declares rot13, which is not a text encoding"),
    # Decoding strips nothing here, but encoding would add a byte order mark.
    (DOC.format(enc="utf-8-sig").encode("utf-8"), "bytes do not round-trip through utf-8-sig"),
    (config("  <system.web>\n"), "not well-formed XML"),
    (config("  <system.web><sessionState mode='a' mode='b'/></system.web>\n"), "not well-formed XML"),
    (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>\n'
     b'<configuration><x a="&lol2;"/></configuration>', "DTDs are refused"),
    (b'<?xml version="1.0"?>\n<!-- x -->\n<!DOCTYPE c [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
     b"<configuration>&xxe;</configuration>", "DTDs are refused"),
    (b"<configuration><x>&undefined;</x></configuration>", "not well-formed XML"),
    (b"<configuration>" + b"<a>" * 300 + b"</a>" * 300 + b"</configuration>", "nested deeper than the hardened parser allows (256 levels)"),
    (b'<?xml version="1.0"?>\n<appSettings />\n', "root element is <appSettings>"),
    (b"", "not well-formed XML"),
]


@pytest.mark.parametrize("data, reason", REFUSED)
def test_hostile_or_broken_input_is_refused_naming_the_file(data, reason):
    with pytest.raises(ConfigError) as info:
        _xmlfile.parse(PATH, data)
    assert info.value.path == PATH
    assert str(info.value).startswith(PATH + ": ")
    assert reason in info.value.reason


def test_size_limit_is_enforced_before_anything_else(monkeypatch):
    monkeypatch.setattr(_xmlfile, "MAX_BYTES", 100)
    with pytest.raises(ConfigError, match="over the 100-byte limit"):
        _xmlfile.parse(PATH, config("  <!--" + "x" * 200 + "-->\n"))


def test_spans_survive_tricky_markup():
    data = config(
        '  <!-- <system.web><sessionState mode="Off"/></system.web> -->\n'
        '  <appSettings>\n    <add key="a" value="x > y" />\n    <![CDATA[ </appSettings> ]]>\n  </appSettings>\n'
        "  <?pi <system.web> ?>\n"
        '  <system.web>\n    <sessionState\n        mode="InProc"\n        timeout=\'20\' />\n  </system.web>\n'
    )
    doc = _xmlfile.parse(PATH, data)
    assert [tag.name for tag in doc.root.children] == ["appSettings", "system.web"]
    state = doc.root.children[1].children[0]
    assert doc.text[state.start:state.head_end] == "<sessionState\r\n        mode=\"InProc\"\r\n        timeout='20' />"
    attrs = state.attrs(doc.text)
    assert [(a.name, a.quote, doc.text[a.value_start:a.value_end]) for a in attrs] == [("mode", '"', "InProc"), ("timeout", "'", "20")]


def test_nested_same_name_subtrees_are_skipped_exactly():
    data = config("  <a><a><b/></a></a>\n  <system.web><sessionState/></system.web>\n")
    doc = _xmlfile.parse(PATH, data)
    first = doc.root.children[0]
    assert doc.text[first.start:first.end] == "<a><a><b/></a></a>"
    assert doc.root.children[1].children[0].name == "sessionState"


def test_a_namespaced_configuration_element_is_accepted():
    data = b'<configuration xmlns="http://schemas.microsoft.com/.NetConfiguration/v2.0"><system.web><sessionState mode="Off"/></system.web></configuration>'
    doc = _xmlfile.parse(PATH, data)
    assert doc.root.children[0].children[0].get("mode") == "Off"


def test_newline_style_is_detected():
    assert _xmlfile.parse(PATH, config("", newline="\r\n")).newline == "\r\n"
    assert _xmlfile.parse(PATH, config("", newline="\n")).newline == "\n"


def test_minimal_document_is_utf8_crlf_and_parses():
    data = _xmlfile.minimal_document()
    doc = _xmlfile.parse(PATH, data)
    assert doc.bom == b"" and doc.newline == "\r\n" and b"\n" not in data.replace(b"\r\n", b"")
    assert doc.root.children == []


@pytest.mark.parametrize("data", [row[0] for row in REFUSED if "DTD" in row[1]] + [
    codecs.BOM_UTF16_LE + '<?xml version="1.0"?><!DOCTYPE c [<!ENTITY a "b">]><configuration/>'.encode("utf-16-le")])
def test_parse_tree_refuses_dtds_too(data):
    with pytest.raises(ConfigError, match="DTDs are refused"):
        _xmlfile.parse_tree(PATH, data)


def test_parse_tree_reads_utf16():
    tree = _xmlfile.parse_tree(PATH, DECODING[2][0])
    assert tree.tag == "configuration"


def test_locations_are_expanded_only_when_used_and_then_cross_checked():
    data = config('  <location path="a"><system.web><sessionState mode="Off"/></system.web></location>\n'
                  '  <location path="b"><system.webServer><x/></system.webServer></location>\n')
    doc = _xmlfile.parse(PATH, data)
    first, second = doc.root.children
    assert first._pending is not None and second._pending is not None
    assert doc.mentions(first, "sessionstate") and not doc.mentions(second, "sessionState")
    assert [tag.name for tag in first.children] == ["system.web"] and first._pending is None
    assert first.children[0].children[0].get("mode") == "Off"
    assert second._pending is not None


def test_an_expanded_location_may_use_namespaces_declared_on_the_root():
    data = (b'<configuration xmlns:x="urn:x" xmlns=\'urn:d\'><location path="a"><system.web><x:y/>'
            b'<sessionState mode="Off"/></system.web></location></configuration>')
    doc = _xmlfile.parse(PATH, data)
    assert [tag.name for tag in doc.root.children[0].children[0].children] == ["x:y", "sessionState"]


def test_an_edit_that_would_change_bytes_outside_it_is_refused():
    """The last guard, whatever the codec: here a UTF-7 document built directly (parse refuses UTF-7).

    In UTF-7, 'é ' is written '+AOk ' (the space ends the base64 run). Inserting 'a' after the 'é'
    makes the encoder close the run with '-', which changes a byte before the inserted text.
    """
    text = "<configuration>\u00e9 </configuration>"
    doc = _xmlfile.ConfigDoc("C:\\x\\web.config", text.encode("utf-7"), text, "utf-7", b"", None)
    assert doc.data == b"<configuration>+AOk </configuration>"
    with pytest.raises(ConfigError, match=r"^C:\\x\\web\.config: re-encoding the edited text as utf-7 would change bytes outside "
                                          r"the edit; refusing to edit$"):
        doc.encode(text.replace("\u00e9 ", "\u00e9a "))
    assert doc.encode(text.replace("</configuration>", "<a/></configuration>")) == b"<configuration>+AOk <a/></configuration>"


@pytest.mark.parametrize("edit", [lambda t: t.replace("InProc", "StateServer"), lambda t: t.replace("<system.web>", "<system.web><x/>"),
                                  lambda t: t + "<!-- end -->", lambda t: "<!-- start -->" + t])
@pytest.mark.parametrize("encoding", ["utf-8", "cp1252", "shift_jis"])
def test_a_stateless_encoding_keeps_the_bytes_outside_any_edit(encoding, edit):
    comment = {"utf-8": "\u00e9\u20ac\u65e5", "cp1252": "\u00e9\u20ac", "shift_jis": "\u65e5\u672c"}[encoding]
    data = PLAIN.format(enc=encoding).replace("<system.web>", f"<!-- {comment} -->\r\n  <system.web>").encode(encoding)
    doc = _xmlfile.parse("C:\\x\\web.config", data)
    edited = doc.encode(edit(doc.text))
    assert edited == edit(doc.text).encode(encoding)
