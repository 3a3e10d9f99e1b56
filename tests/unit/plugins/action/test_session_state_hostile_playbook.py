"""A hostile corpus through the module: ONE ansible-playbook run, one image host per case.

Each host is a copy of the sample server whose 64-bit .NET 4 root web.config is replaced by a
case of the corpus, and runs ``mode: InProc, bitness: [64]`` (which reads that file and, when it
plans a change, the machine.config above it). Each case ends in one of two ways, decided per case
below (``why``):

- refused: the task fails with a message that starts with the file's Windows path and names the
  cause, and no byte of any file of the host's tree changes (nor does a file appear);
- edited: where the runtime reads the file and the engine can edit it safely, the file becomes
  exactly the expected bytes and no other file changes.

Runtime facts used below: the .NET config reader (System.Configuration ``XmlUtil``) is an
``XmlTextReader`` with ``XmlResolver = null`` that allows a DOCTYPE before the root element;
``BaseConfigurationRecord.ScanSectionsRecursive`` recurses into every element of a section group
(so ``<system.web>`` may appear twice and the two merge) but refuses a section defined twice for
one path ("Sections must only appear once per config file", ``Config_sections_must_be_unique``);
a ``<location>`` without ``path`` is the file's own level; section names are looked up
case-sensitively, so ``<sessionstate>`` is an unrecognized section and the application fails
(``Config_unrecognized_configuration_section``).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from ansible_collections.iis.aspnet.plugins.plugin_utils.document._xmlfile import MAX_BYTES
from ansible_collections.iis.aspnet.tests.unit.playbook_runs import (
    REPO, ROOT64, SAMPLE, WIN_ROOT64, digests, leftovers, run_on_images, sample_tree,
)

pytestmark = pytest.mark.playbook  # runs the real ansible-playbook: the playbook suite

ORIGINAL = (SAMPLE / ROOT64).read_bytes()
TOP_GROUP = b"    <system.web>\r\n        <pages>"  # the top-level <system.web> of the sample's 64-bit root
END_GROUP = b"cut from this sample -->\r\n    </system.web>\r\n"  # ...and its end
INSERTED = b'        <sessionState mode="InProc" />\r\n'  # what the engine adds there, indented as its siblings
TASK = {"mode": "InProc", "bitness": [64]}


def edit(data: bytes, old: bytes, new: bytes) -> bytes:
    """``data`` with the one occurrence of ``old`` replaced (a corpus case must be exact)."""
    assert data.count(old) == 1, old
    return data.replace(old, new)


def with_doctype(doctype: bytes, data: bytes = ORIGINAL) -> bytes:
    return edit(data, b"<configuration>\r\n", doctype + b"\r\n<configuration>\r\n")


def before_top_group(fragment: bytes, data: bytes = ORIGINAL) -> bytes:
    return edit(data, TOP_GROUP, fragment + TOP_GROUP)


def appended(fragment: bytes) -> bytes:
    """The sample with ``fragment`` as the last child of <configuration>."""
    return edit(ORIGINAL, b"</configuration>", fragment + b"</configuration>")


def inserted(data: bytes) -> bytes:
    """What the sample's edit looks like: sessionState added as the last child of the top-level group."""
    return edit(data, END_GROUP, END_GROUP.replace(b"    </system.web>", INSERTED + b"    </system.web>"))


def utf16(data: bytes, bom: bool) -> bytes:
    text = edit(data, b'encoding="utf-8"', b'encoding="utf-16"').decode("utf-8")
    return (codecs.BOM_UTF16_LE if bom else b"") + text.encode("utf-16-le")


def nested(depth: int) -> bytes:
    return b"    <appSettings>" + b"<a>" * depth + b"</a>" * depth + b"</appSettings>\r\n"


SECOND_GROUP = b'    <system.web>\r\n        <customErrors mode="RemoteOnly" />\r\n    </system.web>\r\n'
SECOND_GROUP_WITH = b'    <system.web>\r\n        <sessionState timeout="30" />\r\n    </system.web>\r\n'
PATHLESS = b'            <trust level="Full" originUrl="" />\r\n'
ENTITIES = (b'<!DOCTYPE configuration [\r\n  <!ENTITY l0 "lol">\r\n'
            + b"".join(b'  <!ENTITY l%d "' % n + b"&l%d;" % (n - 1) * 10 + b'">\r\n' for n in range(1, 10)) + b"]>")


@dataclass(frozen=True)
class Case:
    name: str
    data: bytes  # the 64-bit root web.config of this host
    why: str  # the decision, and its reason
    cause: str | None = None  # refused: a regex the message must match after "<file>: "
    after: bytes | None = None  # edited: the exact bytes the file must hold


CASES = [
    Case("billion-laughs", edit(with_doctype(ENTITIES), b'<add namespace="System" />', b'<add namespace="&l9;" />'),
         "The runtime would expand internal entities (a DOCTYPE is allowed); the engine refuses every DTD so "
         "that no entity is expanded on the controller and no entity can hide what a byte splice changes.",
         cause=r"DOCTYPE/entity declaration; DTDs are refused"),
    Case("xxe-system-file", edit(with_doctype(b'<!DOCTYPE configuration [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'),
                                 b'<add namespace="System" />', b'<add namespace="&xxe;" />'),
         "External entity: the runtime resolves none (XmlResolver = null); the engine refuses the DTD and reads no file.",
         cause=r"DTDs are refused"),
    Case("external-dtd", with_doctype(b'<!DOCTYPE configuration SYSTEM "http://127.0.0.1:9/evil.dtd">'),
         "An external DTD subset: refused like any DTD, and nothing is fetched (no_network).",
         cause=r"DTDs are refused"),
    Case("plain-doctype", with_doctype(b"<!DOCTYPE configuration>"),
         "A DTD that declares nothing is harmless to the runtime, but the engine refuses DTDs outright: "
         "a rule with no exceptions is one an attacker cannot stretch.",
         cause=r"DTDs are refused"),
    Case("deep-300", before_top_group(nested(300)),
         "Nesting deeper than libxml2's 256 levels: the runtime would read it, but the engine never enables huge_tree "
         "(a stack and memory guard on the controller); refused with the depth named.",
         cause=r"Excessive depth in document: 256"),
    Case("deep-200", before_top_group(nested(200)),
         "200 levels is within the parser's limit and the runtime reads it: edited, the deep subtree kept byte for byte.",
         after=inserted(before_top_group(nested(200)))),
    Case("oversize", appended(b"<!--" + b"x" * MAX_BYTES + b"-->\r\n"),
         "Over the documented limit (MAX_BYTES, docs/user-guide.md): refused before parsing.",
         cause=rf"file is {len(ORIGINAL) + MAX_BYTES + 9} bytes, over the {MAX_BYTES}-byte limit"),
    Case("invalid-utf8", edit(ORIGINAL, b"the root web configuration file", b"the root web \xc3\x28 configuration file"),
         "The runtime's XmlTextReader fails on bytes that are not UTF-8 in a UTF-8 file: refused, the offset named.",
         cause=r"not valid utf-8 at byte 58"),
    Case("utf16-no-bom", utf16(ORIGINAL, bom=False),
         "UTF-16 without a byte order mark: XML autodetection would read it (3C 00 3F 00), the engine refuses to "
         "guess the byte order and says so; refusing changes nothing, so it is a safe answer (see the report).",
         cause=r"looks like UTF-16 without a byte order mark"),
    Case("utf16-with-bom", utf16(ORIGINAL, bom=True),
         "UTF-16 LE with its BOM is a valid config file: edited, still UTF-16 LE with the BOM.",
         after=utf16(inserted(ORIGINAL), bom=True)),
    Case("nul-byte", edit(ORIGINAL, b"the root web configuration file", b"the root web \x00 configuration file"),
         "NUL is not an XML character; the runtime's reader rejects it: refused, the line named.",
         cause=r"NUL character at line 2"),
    Case("sessionstate-wrong-case", before_top_group(b'    <system.web>\r\n        <sessionstate mode="Off" />\r\n    </system.web>\r\n'),
         "Section names are case-sensitive: <sessionstate> is an unrecognized section and the runtime already "
         "rejects the file; adding a <sessionState> would not make it valid, so refused.",
         cause=r"<sessionstate> at line 28 is not <sessionState>"),
    Case("two-system-web", appended(SECOND_GROUP),
         "Two <system.web> elements merge in the runtime; sessionState is in neither: added once, to the first.",
         after=inserted(appended(SECOND_GROUP))),
    Case("two-system-web-second-has-it", appended(SECOND_GROUP_WITH),
         "The section is defined in the second group: it is edited there (adding one to the first would define "
         "the section twice, which the runtime refuses).",
         after=appended(SECOND_GROUP_WITH.replace(b'timeout="30"', b'timeout="30" mode="InProc"'))),
    Case("two-system-web-both-have-it", before_top_group(SECOND_GROUP_WITH, appended(SECOND_GROUP_WITH)),
         "The section is defined twice for the file's own level: the runtime refuses the file "
         "(Config_sections_must_be_unique), so no edit can make it valid: refused, both lines named.",
         cause=r"<sessionState> is defined 2 times for the file's own level \(lines 28, 92\)"),
    Case("pathless-location-has-it", edit(ORIGINAL, PATHLESS, PATHLESS + b'            <sessionState timeout="30" />\r\n'),
         "A <location> without path is the file's own level: its sessionState is the one to edit (a second one "
         "in the top-level group would be a duplicate).",
         after=edit(ORIGINAL, PATHLESS, PATHLESS + b'            <sessionState timeout="30" mode="InProc" />\r\n')),
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The one run: every case's host, its tree before, and the result."""
    work = tmp_path_factory.mktemp("hostile")
    hosts, before = {}, {}
    for case in CASES:
        root = sample_tree(work / case.name)
        (root / ROOT64).write_bytes(case.data)
        hosts[case.name] = {"image_root": root, "steps": [TASK]}
        before[case.name] = digests(root)
    run = run_on_images(work / "run", hosts)
    return run, hosts, before, work


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_hostile_input(corpus, case):
    run, hosts, before, work = corpus
    result, root = run.result(case.name), hosts[case.name]["image_root"]
    after = digests(root)
    assert leftovers(root, work / "run" / "remote-tmp") == []
    if case.cause is not None:
        assert result.get("failed") and not result["changed"], result
        assert result["msg"].startswith(WIN_ROOT64 + ": ") and re.search(case.cause, result["msg"]), result["msg"]
        assert "Traceback" not in result["msg"]
        assert after == before[case.name]
    else:
        assert not result.get("failed") and result["changed"], result
        assert [record["path"] for record in result["files"]] == [WIN_ROOT64]
        assert (root / ROOT64).read_bytes() == case.after
        assert {path for path in after if after[path] != before[case.name].get(path)} == {ROOT64}
        assert after.keys() == before[case.name].keys()


def test_no_entity_was_expanded_or_file_read(corpus):
    run = corpus[0]
    passwd = Path("/etc/passwd").read_text(encoding="utf-8").splitlines()[0]
    assert passwd and passwd not in run.output and "lollollol" not in run.output


def test_the_size_limit_is_documented():
    assert f"{MAX_BYTES // 2**20} MiB ({MAX_BYTES:,} bytes)" in (REPO / "docs" / "user-guide.md").read_text(encoding="utf-8")
