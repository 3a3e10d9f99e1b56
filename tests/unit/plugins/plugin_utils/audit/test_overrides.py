"""Stray overrides: found through the model, turned into session_state calls that revert them, applied."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ansible_collections.iis.aspnet.plugins.plugin_utils.audit import _effective, _overrides
from ansible_collections.iis.aspnet.plugins.plugin_utils.document import _xmlfile
from ansible_collections.iis.aspnet.plugins.plugin_utils.run import _session
from ansible_collections.iis.aspnet.plugins.plugin_utils.server import _image
from ansible_collections.iis.aspnet.tests.unit.plugins.plugin_utils.engine_helpers import (
    APP, LocalImage, SITE, TARGET, WEBROOT, report, section)

SAMPLE = Path(__file__).resolve().parents[5] / "examples" / "sample-server"
F64 = "C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\Config\\web.config"
WWWROOT = "C/inetpub/wwwroot/web.config"
SHOP = "C/inetpub/shop/web.config"
APPHOST = "C/Windows/System32/inetsrv/config/applicationHost.config"


def test_each_kind_of_override_becomes_one_call_per_file_and_location():
    result, _tree = report({
        WEBROOT: section('cookieless="UseUri"', "S/a"),
        SITE: section('cookieless="AutoDetect" timeout="5"') + section('timeout="6"', "img"),
        APP: section('cookieless="UseUri"'),
        "apphost": section('cookieless="UseUri"', "S"),
    })
    calls = _overrides.revert_calls(result, ["cookieless", "timeout"])
    assert [{key: value for key, value in call.items() if key != "overrides"} for call in calls] == [
        {"commit": "SITE", "site": "S", "revert": ["cookieless", "timeout"]},
        {"commit": "WEBROOT", "site": "S/a", "framework_version": "v4.0", "bitness": [64], "revert": ["cookieless"]},
        {"commit": "APP", "site": "S/a", "revert": ["cookieless"]},
        {"commit": "APPHOST", "site": "S", "revert": ["cookieless"]},
    ]
    # The <location path="img"> governs a folder no reported level reads: it changes no application.
    assert calls[0]["overrides"] == [
        {"file": SITE, "location": None, "line": 3, "attribute": "cookieless", "value": "AutoDetect"},
        {"file": SITE, "location": None, "line": 3, "attribute": "timeout", "value": "5"}]


def test_only_the_attributes_asked_for():
    result, _tree = report({SITE: section('cookieless="UseUri" timeout="5"')}, sites=["S"])
    assert [call["revert"] for call in _overrides.revert_calls(result, ["mode"])] == []
    assert [call["revert"] for call in _overrides.revert_calls(result, ["timeout"])] == [["timeout"]]


@pytest.mark.parametrize("config_path, expected", [
    ("MACHINE/WEBROOT", None), ("MACHINE/WEBROOT/APPHOST", None), ("MACHINE/WEBROOT/APPHOST/S", "S"),
    ("MACHINE/WEBROOT/APPHOST/S/a/b", "S/a/b")])
def test_site_path(config_path, expected):
    assert _overrides.site_path(config_path) == expected


def test_a_folder_web_config_has_no_commit_level():
    assert _overrides.revert_target({"config_path": f"{TARGET}/x", "level": "FOLDER"}, {}) is None


# --- end to end on the sample tree: find, revert, find nothing ----------------------------------

def sample_report(tree: Path) -> dict:
    cache = _session.FileCache(LocalImage(str(tree)))
    apphost, apphost_doc = _session.read_apphost(cache, required=False)
    return _effective.build_report(cache.doc, apphost, apphost_doc, sites=None, frameworks=["v4.0", "v2.0"],
                                   bitnesses=[64, 32])


def write(tree: Path, run) -> None:
    image = LocalImage(str(tree))
    for plan in run.files:
        if plan.changed:
            Path(image.locate(plan.path) or _image.exact(str(tree), plan.path)).write_bytes(plan.after)


def test_clearing_overrides_leaves_the_server_value_everywhere(tmp_path):
    tree = tmp_path / "image"
    shutil.copytree(SAMPLE, tree)
    web = tree / WWWROOT
    web.write_bytes(web.read_bytes().replace(b"    </system.web>\r\n", b'        <sessionState cookieless="UseUri" />\r\n    </system.web>\r\n', 1))
    before = {p: p.read_bytes() for p in tree.rglob("*") if p.is_file()}
    calls = _overrides.revert_calls(sample_report(tree), ["cookieless", "timeout"])
    # Default Web Site's UseUri, the shop's own timeout and cookieless, Intranet's timeout, Legacy's
    # timeout, and the cookieless applicationHost.config holds for Intranet.
    assert {(call["commit"], call.get("site"), tuple(call["revert"])) for call in calls} == {
        ("SITE", "Default Web Site", ("cookieless",)), ("APP", "Default Web Site/shop", ("cookieless", "timeout")),
        ("SITE", "Intranet", ("timeout",)), ("SITE", "Legacy", ("timeout",)), ("APPHOST", "Intranet", ("cookieless",))}
    for call in calls:
        options = {key: value for key, value in call.items() if key != "overrides"}
        write(tree, _session.plan_run(options, LocalImage(str(tree))))
    after = sample_report(tree)
    assert _overrides.revert_calls(after, ["cookieless", "timeout"]) == []
    for level in after["levels"]:
        for name in ("cookieless", "timeout"):
            source = level["session_state"][name]["source"]
            assert source is None or source["location"] is None and source["level"] in ("MACHINE", "WEBROOT"), level
    changed = sorted(str(path.relative_to(tree)) for path in before if path.read_bytes() != before[path])
    assert changed == sorted([WWWROOT, SHOP, APPHOST, "D/Sites/Intranet/web.config", "C/inetpub/legacy/web.config"])
    # Every other file keeps its bytes; the edited ones are still well-formed config files.
    for name in changed:
        _xmlfile.parse(name, (tree / name).read_bytes())


def test_what_the_run_itself_sets_at_a_site_is_kept():
    result, _tree = report({SITE: section('cookieless="UseUri" timeout="5"'), APP: section('timeout="9"')})
    keep = [{"site": "S", "commit": "SITE", "timeout": 5, "mode": None}, {"site": "s/A", "timeout": 9}]
    calls = _overrides.revert_calls(result, ["cookieless", "timeout"], keep)
    assert [(call["commit"], call["site"], call["revert"], [found["attribute"] for found in call["overrides"]])
            for call in calls] == [("SITE", "S", ["cookieless"], ["cookieless"])]
