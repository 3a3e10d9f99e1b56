"""Golden edits: exact bytes after a splice, for the shapes Windows config files really have."""

from __future__ import annotations

import pytest

from ansible_collections.iis.aspnet.plugins.plugin_utils.document import _locate, _splice, _xmlfile
from ansible_collections.iis.aspnet.tests.unit.plugins.plugin_utils.engine_helpers import changed_region, config

PATH = "C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\Config\\web.config"

# (case, body before, [(element, location, [(attribute, value)])], body after)
GOLDEN = [
    ("value keeps its single quotes",
     "  <system.web>\n    <sessionState mode='StateServer' timeout=\"30\" />\n  </system.web>\n",
     [("sessionState", "", [("mode", "InProc")])],
     "  <system.web>\n    <sessionState mode='InProc' timeout=\"30\" />\n  </system.web>\n"),
    ("new attribute follows the last one with its quote",
     "  <system.web>\n    <sessionState mode='InProc'/>\n  </system.web>\n",
     [("sessionState", "", [("timeout", "20")])],
     "  <system.web>\n    <sessionState mode='InProc' timeout='20'/>\n  </system.web>\n"),
    ("one attribute per line stays one per line",
     "  <system.web>\n    <sessionState\n\tmode=\"InProc\"\n\ttimeout=\"20\"\n    />\n  </system.web>\n",
     [("sessionState", "", [("cookieless", "UseCookies"), ("timeout", "15")])],
     "  <system.web>\n    <sessionState\n\tmode=\"InProc\"\n\ttimeout=\"15\"\n\tcookieless=\"UseCookies\"\n    />\n  </system.web>\n"),
    ("element without attributes",
     "  <system.web>\n    <sessionState></sessionState>\n  </system.web>\n",
     [("sessionState", "", [("mode", "Off")])],
     "  <system.web>\n    <sessionState mode=\"Off\"></sessionState>\n  </system.web>\n"),
    ("missing element goes last in system.web with sibling indentation",
     "  <system.web>\n      <compilation debug=\"false\" />\n      <!-- keep me -->\n  </system.web>\n",
     [("sessionState", "", [("mode", "InProc")])],
     "  <system.web>\n      <compilation debug=\"false\" />\n      <!-- keep me -->\n      <sessionState mode=\"InProc\" />\n  </system.web>\n"),
    ("both elements inserted together, in order",
     "  <system.web>\n    <pages />\n  </system.web>\n",
     [("sessionState", "", [("mode", "InProc")]), ("sessionPageState", "", [("historySize", "5")])],
     "  <system.web>\n    <pages />\n    <sessionState mode=\"InProc\" />\n    <sessionPageState historySize=\"5\" />\n  </system.web>\n"),
    ("self-closing system.web is opened",
     "  <system.web />\n",
     [("sessionState", "", [("mode", "InProc")])],
     "  <system.web>\n    <sessionState mode=\"InProc\" />\n  </system.web>\n"),
    ("missing system.web is added to the configuration",
     "  <appSettings />\n",
     [("sessionState", "", [("mode", "InProc")])],
     "  <appSettings />\n  <system.web>\n    <sessionState mode=\"InProc\" />\n  </system.web>\n"),
    ("missing location is added at the end",
     "  <system.web>\n    <pages />\n  </system.web>\n",
     [("sessionState", "Default Web Site/shop", [("mode", "StateServer")])],
     "  <system.web>\n    <pages />\n  </system.web>\n  <location path=\"Default Web Site/shop\">\n    <system.web>\n"
     "      <sessionState mode=\"StateServer\" />\n    </system.web>\n  </location>\n"),
    ("existing location gets a system.web",
     "  <location path=\"shop\">\n    <system.webServer />\n  </location>\n",
     [("sessionState", "SHOP/", [("mode", "Off")])],
     "  <location path=\"shop\">\n    <system.webServer />\n    <system.web>\n      <sessionState mode=\"Off\" />\n    </system.web>\n  </location>\n"),
    ("a locking location is not reused for a new setting",
     "  <location path=\"shop\" allowOverride=\"false\">\n    <system.webServer />\n  </location>\n",
     [("sessionState", "shop", [("mode", "Off")])],
     "  <location path=\"shop\" allowOverride=\"false\">\n    <system.webServer />\n  </location>\n  <location path=\"shop\">\n"
     "    <system.web>\n      <sessionState mode=\"Off\" />\n    </system.web>\n  </location>\n"),
    ("values are escaped for their quote",
     "  <system.web>\n    <sessionState mode='SQLServer' />\n  </system.web>\n",
     [("sessionState", "", [("mode", "O'Brien & <co>"), ("cookieName", 'say "hi"')])],
     "  <system.web>\n    <sessionState mode='O&apos;Brien &amp; &lt;co>' cookieName='say \"hi\"' />\n  </system.web>\n"),
    ("inline closing tag: inserted inline",
     "  <system.web><pages /></system.web>\n",
     [("sessionState", "", [("mode", "InProc")])],
     "  <system.web><pages /><sessionState mode=\"InProc\" /></system.web>\n"),
]


@pytest.mark.parametrize("case, before, edits, after", GOLDEN, ids=[row[0] for row in GOLDEN])
@pytest.mark.parametrize("newline", ["\r\n", "\n"])
def test_golden_splice(case, before, edits, after, newline):
    doc = _xmlfile.parse(PATH, config(before, newline=newline))
    element_edits = [_splice.ElementEdit(name, _locate.find(doc, path, name), values) for name, path, values in edits]
    text = _splice.render(doc, element_edits)[0]
    assert doc.encode(text) == config(after, newline=newline)


def test_tab_indented_file_gets_tabs():
    before = config("\t<system.web>\n\t\t<pages />\n\t</system.web>\n", bom=True)
    doc = _xmlfile.parse(PATH, before)
    text = _splice.render(doc, [_splice.ElementEdit("sessionState", _locate.find(doc, "x", "sessionState"), [("mode", "Off")])])[0]
    after = doc.encode(text)
    assert after.startswith(b"\xef\xbb\xbf")
    assert after.endswith(b"\t</system.web>\r\n\t<location path=\"x\">\r\n\t\t<system.web>\r\n\t\t\t<sessionState mode=\"Off\" />"
                          b"\r\n\t\t</system.web>\r\n\t</location>\r\n</configuration>\r\n")


def test_only_the_start_tag_changes():
    body = ("  <!-- header -->\n  <system.web>\n    <sessionState  mode = \"InProc\"   cookieName='x'\n"
            "        timeout=\"20\"  >\n      <providers><clear/></providers>\n    </sessionState>\n  </system.web>\n")
    before = config(body)
    doc = _xmlfile.parse(PATH, before)
    tag = doc.root.children[0].children[0]
    text = _splice.render(doc, [_splice.ElementEdit("sessionState", _locate.find(doc, "", "sessionState"), [("timeout", "25")])])[0]
    after = doc.encode(text)
    start, end_before, end_after = changed_region(before, after)
    assert before[start:end_before] == b"0" and after[start:end_after] == b"5"
    assert len(doc.encode(doc.text[:tag.start])) <= start < len(doc.encode(doc.text[:tag.head_end]))


def test_legacy_code_page_gets_character_references_for_unencodable_values():
    before = ('<?xml version="1.0" encoding="windows-1252"?>\r\n'
              '<configuration><system.web><sessionState cookieName="Ä" /></system.web></configuration>').encode("cp1252")
    doc = _xmlfile.parse(PATH, before)
    text = _splice.render(doc, [_splice.ElementEdit("sessionState", _locate.find(doc, "", "sessionState"), [("cookieName", "ÄΩ")])])[0]
    after = doc.encode(text)
    reparsed = _xmlfile.parse(PATH, after)
    assert reparsed.root.children[0].children[0].get("cookieName") == "ÄΩ"
    assert b"&#937;" in after
