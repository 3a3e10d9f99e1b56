"""Finding the element for a location path, and refusing ambiguous files."""

from __future__ import annotations

import pytest

from ansible_collections.iis.aspnet.plugins.plugin_utils.document import _locate, _xmlfile
from ansible_collections.iis.aspnet.plugins.plugin_utils.base._errors import ConfigError
from ansible_collections.iis.aspnet.tests.unit.plugins.plugin_utils.engine_helpers import config

PATH = "C:\\inetpub\\wwwroot\\web.config"
BODY = (
    "  <system.web>\n    <sessionState mode=\"InProc\" />\n  </system.web>\n"
    "  <location path=\"Default Web Site/shop\">\n    <system.web>\n      <sessionState mode=\"Off\" />\n    </system.web>\n  </location>\n"
    "  <location path=\"Intranet\" inheritInChildApplications=\"false\">\n    <system.webServer />\n  </location>\n"
    "  <location path=\"Intranet\">\n    <system.webServer />\n  </location>\n"
    "  <location path=\"Legacy\">\n    <system.web>\n      <pages />\n    </system.web>\n  </location>\n"
)

NORMALISE = [("", ""), (".", ""), ("/", ""), (None, ""), ("a/b", "a/b"), ("\\a\\b\\", "a/b"), ("a//b/", "a/b"), ("./", "")]


@pytest.mark.parametrize("given, expected", NORMALISE)
def test_normalise(given, expected):
    assert _locate.normalise(given) == expected


FIND = [
    # (path, expected kind, mode of the found element or container's path)
    ("", "element", "InProc"),
    (".", "element", "InProc"),
    ("default web site/SHOP/", "element", "Off"),
    ("Default Web Site\\shop", "element", "Off"),
    ("Intranet", "container", "Intranet"),  # the location without scoping attributes
    ("Legacy", "group", "Legacy"),
    ("Nowhere", "new location", None),
]


@pytest.mark.parametrize("path, kind, detail", FIND)
def test_find(path, kind, detail):
    doc = _xmlfile.parse(PATH, config(BODY))
    slot = _locate.find(doc, path, "sessionState")
    if kind == "element":
        assert slot.element.get("mode") == detail
    elif kind == "group":
        assert slot.element is None and slot.group.parent.get("path") == detail
    elif kind == "container":
        assert slot.group is None and slot.container.get("path") == detail and slot.container.get("inheritInChildApplications") is None
    else:
        assert (slot.element, slot.group, slot.container) == (None, None, None)


REFUSED = [
    ("two definitions at the top",
     "  <system.web>\n    <sessionState />\n  </system.web>\n  <system.web>\n    <sessionState />\n  </system.web>\n",
     "", "defined 2 times for the file's own level (lines 4, 7)"),
    ("top and location '.'",
     "  <system.web>\n    <sessionState />\n  </system.web>\n  <location path=\".\"><system.web><sessionState /></system.web></location>\n",
     ".", "defined 2 times"),
    ("two locations for one path",
     "  <location path=\"a\"><system.web><sessionState /></system.web></location>\n"
     "  <location path=\"A/\"><system.web><sessionState /></system.web></location>\n",
     "a", "defined 2 times for location path 'a'"),
    ("wrong case",
     "  <system.web>\n    <sessionstate mode=\"InProc\" />\n  </system.web>\n",
     "", "<sessionstate> at line 4 is not <sessionState>"),
    ("namespace prefix",
     "  <system.web>\n    <x:sessionState xmlns:x=\"urn:x\" mode=\"Off\" />\n  </system.web>\n",
     "", "<x:sessionState> at line 4 has a namespace prefix: the runtime looks sections up by their name as written, "
         "does not read it as <sessionState> and rejects the file; remove the prefix"),
    ("namespace prefix in a location",
     "  <location path=\"shop\"><system.web><a:sessionState xmlns:a=\"urn:a\" /></system.web></location>\n",
     "shop", "<a:sessionState> at line 3 has a namespace prefix"),
]


@pytest.mark.parametrize("case, body, path, reason", REFUSED, ids=[row[0] for row in REFUSED])
def test_ambiguous_files_are_refused(case, body, path, reason):
    doc = _xmlfile.parse(PATH, config(body))
    with pytest.raises(ConfigError) as info:
        _locate.find(doc, path, "sessionState")
    assert reason in str(info.value) and info.value.path == PATH


def test_two_system_web_groups_without_duplicates_are_fine():
    doc = _xmlfile.parse(PATH, config("  <system.web><pages /></system.web>\n  <system.web><sessionState mode=\"Off\"/></system.web>\n"))
    assert _locate.find(doc, "", "sessionState").element.get("mode") == "Off"
    assert _locate.find(doc, "", "sessionPageState").group is doc.root.children[0]


def test_find_nodes_agrees_with_the_tokenizer():
    doc = _xmlfile.parse(PATH, config(BODY))
    root = _xmlfile.parse_tree(PATH, config(BODY))
    for path in ("", "Default Web Site/shop", "Intranet", "Legacy"):
        slot = _locate.find(doc, path, "sessionState")
        nodes = _locate.find_nodes(root, path, "sessionState")
        assert [node.attrib for node in nodes] == ([slot.element.attrib] if slot.element is not None else [])
