"""Unit tests for _report: masked change rows, unified diffs, appcmd equivalents."""

from __future__ import annotations

import codecs
import difflib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ansible_collections.iis.aspnet.plugins.plugin_utils.base._mask import MASK
from ansible_collections.iis.aspnet.plugins.plugin_utils.report._report import (
    Change,
    appcmd_lines,
    masked_change,
    unified_diff,
)

PATH = r"C:\Windows\Microsoft.NET\Framework64\v4.0.30319\Config\web.config"

# ---------------------------------------------------------------------------------------------
# masked_change

CHANGES = [
    (Change(PATH, "sessionState", "mode", None, "InProc"),
     {"path": PATH, "element": "sessionState", "attribute": "mode", "before": None, "after": "InProc"}),
    (Change(PATH, "sessionState", "sqlConnectionString", "server=a;password=old", "server=b;Password='n;ew'"),
     {"path": PATH, "element": "sessionState", "attribute": "sqlConnectionString",
      "before": f"server=a;password={MASK}", "after": f"server=b;Password={MASK}"}),
    (Change(PATH, "sessionPageState", "historySize", "9", "5"),
     {"path": PATH, "element": "sessionPageState", "attribute": "historySize", "before": "9", "after": "5"}),
]


@pytest.mark.parametrize(("change", "expected"), CHANGES)
def test_masked_change(change, expected):
    assert masked_change(change) == expected


def test_change_is_a_frozen_record():
    change = Change(PATH, "sessionState", "mode", "Off", "InProc")
    with pytest.raises(AttributeError):
        change.after = "Off"


# ---------------------------------------------------------------------------------------------
# unified_diff

CRLF_BEFORE = (b'<?xml version="1.0" encoding="utf-8"?>\r\n<configuration>\r\n  <system.web>\r\n'
               b'    <sessionState mode="Off" />\r\n  </system.web>\r\n</configuration>\r\n')


def test_diff_of_a_crlf_file_shows_no_line_ends():
    after = CRLF_BEFORE.replace(b'mode="Off"', b'mode="InProc" timeout="20"')
    assert unified_diff(PATH, CRLF_BEFORE, after, "utf-8") == (
        f"--- before: {PATH}\n"
        f"+++ after: {PATH}\n"
        "@@ -1,6 +1,6 @@\n"
        ' <?xml version="1.0" encoding="utf-8"?>\n'
        " <configuration>\n"
        "   <system.web>\n"
        '-    <sessionState mode="Off" />\n'
        '+    <sessionState mode="InProc" timeout="20" />\n'
        "   </system.web>\n"
        " </configuration>\n")


def test_new_file_diffs_from_dev_null():
    after = b'<?xml version="1.0" encoding="utf-8"?>\r\n<configuration>\r\n</configuration>\r\n'
    assert unified_diff(PATH, b"", after, "utf-8") == (
        f"--- /dev/null\n+++ after: {PATH}\n@@ -0,0 +1,3 @@\n"
        '+<?xml version="1.0" encoding="utf-8"?>\n+<configuration>\n+</configuration>\n')


def test_no_difference_no_diff():
    assert unified_diff(PATH, CRLF_BEFORE, CRLF_BEFORE, "utf-8") == ""


def test_line_end_only_change_is_named():
    after = CRLF_BEFORE.replace(b"\r\n", b"\n")
    assert unified_diff(PATH, CRLF_BEFORE, after, "utf-8") == (
        f"--- before: {PATH}\n+++ after: {PATH}\n# only line ends or encoding differ\n")


def test_bom_is_not_content_and_utf16_decodes():
    text = '<configuration>\r\n  <sessionState mode="Off" />\r\n</configuration>\r\n'
    before = codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    after = codecs.BOM_UTF16_LE + text.replace("Off", "InProc").encode("utf-16-le")
    diff = unified_diff(PATH, before, after, "utf-16-le")
    assert "\ufeff" not in diff
    assert ' <configuration>\n-  <sessionState mode="Off" />\n+  <sessionState mode="InProc" />\n' in diff


def test_password_only_change_still_shows_the_line():
    before = b'<c>\n  <sessionState sqlConnectionString="server=db;password=old-secret" />\n</c>\n'
    after = before.replace(b"old-secret", b"new-secret")
    diff = unified_diff(PATH, before, after, "utf-8")
    assert f'-  <sessionState sqlConnectionString="server=db;password={MASK}" />' in diff
    assert f'+  <sessionState sqlConnectionString="server=db;password={MASK}" />' in diff
    assert "secret" not in diff


def test_password_over_several_lines_never_leaks():
    before = b"<c>\r\n  <sessionState\r\n    sqlConnectionString='server=db;\r\n     password=\"first\r\n" \
             b"second;third\"' timeout=\"20\" />\r\n</c>\r\n"
    after = before.replace(b'timeout="20"', b'timeout="30"')
    diff = unified_diff(PATH, before, after, "utf-8")
    assert not any(word in diff for word in ("first", "second", "third"))
    assert f'-{MASK}\' timeout="20" />' in diff
    assert f'+{MASK}\' timeout="30" />' in diff


LINES = st.lists(st.sampled_from(["<a>", "</a>", "  <b x='1'/>", "  <b x='2'/>", "", "text", "<!-- c -->"]),
                 max_size=30)


@given(LINES, LINES)
def test_hunks_match_difflib(old, new):
    """Without secrets the diff is exactly the standard unified format."""
    before = "".join(line + "\r\n" for line in old).encode()
    after = "".join(line + "\r\n" for line in new).encode()
    expected = list(difflib.unified_diff(old, new, f"before: {PATH}", f"after: {PATH}", lineterm=""))
    if expected and not before:
        expected[0] = "--- /dev/null"
    if expected and not after:
        expected[1] = "+++ /dev/null"
    got = unified_diff(PATH, before, after, "utf-8")
    assert got == ("\n".join(expected) + "\n" if expected else "")


# ---------------------------------------------------------------------------------------------
# appcmd_lines

APPCMD64 = r"%windir%\system32\inetsrv\appcmd.exe"
APPCMD32 = r"%windir%\SysWOW64\inetsrv\appcmd.exe"
MODE = {("sessionState", "mode"): "InProc"}

APPCMD = [
    ("WEBROOT", None, {**MODE, ("sessionState", "timeout"): "20"}, None,
     [rf"{APPCMD64} set config /commit:WEBROOT /clr:4 /section:system.web/sessionState /mode:InProc /timeout:20"]),
    ("MACHINE", None, MODE, [("v2.0", 64)],
     [rf"{APPCMD64} set config /commit:MACHINE /clr:2 /section:system.web/sessionState /mode:InProc"]),
    ("WEBROOT", None, MODE, [("v4.0", 64), ("v4.0", 32), ("v4.0", 64)],
     [rf"{APPCMD64} set config /commit:WEBROOT /clr:4 /section:system.web/sessionState /mode:InProc",
      rf"{APPCMD32} set config /commit:WEBROOT /clr:4 /section:system.web/sessionState /mode:InProc"]),
    ("APP", "Default Web Site/shop", MODE, [("v4.0", 64), ("v4.0", 32)],
     [rf'{APPCMD64} set config "Default Web Site/shop" /section:system.web/sessionState /mode:InProc /commit:APP']),
    ("SITE", "Intranet/hr", {("sessionState", "cookieless"): "UseCookies"}, None,
     [rf"{APPCMD64} set config Intranet/hr /section:system.web/sessionState /cookieless:UseCookies /commit:SITE"]),
    ("WEBROOT", "Default Web Site", MODE, [("v4.0", 32)],
     [rf'{APPCMD32} set config "Default Web Site" /section:system.web/sessionState /mode:InProc '
      "/commit:WEBROOT /clr:4"]),
    # sessionPageState is its own section; attributes follow the spec's order, mode first
    ("WEBROOT", None, {("sessionPageState", "historySize"): "5", ("sessionState", "timeout"): "30", **MODE},
     [("v4.0", 64)],
     [rf"{APPCMD64} set config /commit:WEBROOT /clr:4 /section:system.web/sessionState /mode:InProc /timeout:30",
      rf"{APPCMD64} set config /commit:WEBROOT /clr:4 /section:system.web/sessionPageState /historySize:5"]),
    # quoting: spaces, cmd metacharacters, empty values, quotes and backslashes; secrets masked
    ("WEBROOT", None, {("sessionState", "sqlConnectionString"): "data source=db;password=p w"}, None,
     [rf'{APPCMD64} set config /commit:WEBROOT /clr:4 /section:system.web/sessionState '
      f'/sqlConnectionString:"data source=db;password={MASK}"']),
    ("WEBROOT", None, {("sessionState", "customProvider"): ""}, None,
     [rf'{APPCMD64} set config /commit:WEBROOT /clr:4 /section:system.web/sessionState /customProvider:""']),
    ("WEBROOT", None, {("sessionState", "cookieName"): "a&b"}, None,
     [rf'{APPCMD64} set config /commit:WEBROOT /clr:4 /section:system.web/sessionState /cookieName:"a&b"']),
    ("WEBROOT", None, {("sessionState", "partitionResolverType"): 'A "B" C\\'}, None,
     [rf'{APPCMD64} set config /commit:WEBROOT /clr:4 /section:system.web/sessionState '
      r'/partitionResolverType:"A \"B\" C\\"']),
]


@pytest.mark.parametrize(("commit", "site", "settings", "framework_bitness", "expected"), APPCMD)
def test_appcmd_lines(commit, site, settings, framework_bitness, expected):
    assert appcmd_lines(commit, site, settings, framework_bitness) == expected


def test_appcmd_lines_for_nothing():
    assert appcmd_lines("WEBROOT", None, {}, [("v4.0", 64)]) == []
