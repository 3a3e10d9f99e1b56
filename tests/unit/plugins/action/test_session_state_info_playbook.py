"""A real ansible-playbook run of iis.aspnet.session_state_info on a copy of the sample server tree."""

from __future__ import annotations

import json

import pytest

from ansible_collections.iis.aspnet.tests.unit.playbook_runs import WIN_ROOT32 as F32
from ansible_collections.iis.aspnet.tests.unit.playbook_runs import digests, run_on_images, sample_tree

pytestmark = pytest.mark.playbook  # runs the real ansible-playbook: the playbook suite

F64_V2 = "C:\\Windows\\Microsoft.NET\\Framework64\\v2.0.50727\\CONFIG\\web.config"


def run_info(tmp_path, task: dict, *flags: str) -> dict:
    run = run_on_images(tmp_path / "run", {"image": {"image_root": task["image_root"], "steps": [{}]}}, *flags,
                        action="iis.aspnet.session_state_info")
    return {**run.result("image"), "_output": run.output}


def values(level: dict, *names: str) -> dict:
    return {name: level["session_state"][name]["value"] for name in names}


def source(level: dict, name: str):
    found = level["session_state"][name]["source"]
    return None if found is None else (found["file"], found["level"], found["location"])


def test_sample_server_effective_values_and_provenance(tmp_path):
    tree = sample_tree(tmp_path / "image")
    before = digests(tree)
    result = run_info(tmp_path, {"image_root": str(tree)}, "--check")
    assert digests(tree) == before and result["changed"] is False
    levels = {(entry["config_path"], entry["framework_version"], entry["bitness"]): entry for entry in result["levels"]}

    site = levels[("MACHINE/WEBROOT/APPHOST/Default Web Site", "v4.0", 64)]
    assert values(site, "mode", "timeout", "cookieless") == {"mode": "InProc", "timeout": "20", "cookieless": "UseCookies"}
    assert {source(site, name) for name in site["session_state"]} == {None}

    shop = levels[("MACHINE/WEBROOT/APPHOST/Default Web Site/shop", "v4.0", 64)]
    assert values(shop, "mode", "timeout", "cookieless") == {"mode": "InProc", "timeout": "20", "cookieless": "UseCookies"}
    assert source(shop, "mode") == ("C:\\inetpub\\shop\\web.config", "APP", None) and shop["pool"] == "ShopAppPool"

    intranet = levels[("MACHINE/WEBROOT/APPHOST/Intranet", "v4.0", 64)]
    assert values(intranet, "cookieless", "timeout") == {"cookieless": "UseCookies", "timeout": "45"}  # UseUri is ignored

    hr = levels[("MACHINE/WEBROOT/APPHOST/Intranet/hr", "v4.0", 32)]
    assert hr["files"][1]["path"] == F32 and hr["pool"] == "IntranetHR32"
    assert values(hr, "mode", "timeout", "stateConnectionString") == {
        "mode": "InProc", "timeout": "45", "stateConnectionString": "tcpip=loopback:42424"}
    assert source(hr, "mode") == ("D:\\Sites\\Intranet\\web.config", "SITE", None)
    assert source(hr, "stateConnectionString") == (F32, "WEBROOT", None)  # StateServer's address from the 32-bit root

    legacy = levels[("MACHINE/WEBROOT/APPHOST/Legacy", "v2.0", 64)]
    assert values(legacy, "mode", "timeout") == {"mode": "SQLServer", "timeout": "60"}
    assert source(legacy, "mode") == (F64_V2, "WEBROOT", None) and source(legacy, "timeout")[1] == "SITE"
    assert "cookieSameSite" not in legacy["session_state"]

    assert values(levels[("MACHINE/WEBROOT", "v4.0", 32)], "mode", "timeout") == {"mode": "StateServer", "timeout": "30"}
    assert source(levels[("MACHINE/WEBROOT", "v4.0", 64)], "mode") is None
    (ignored,) = result["ignored"]
    assert ignored["location"] == "Intranet" and ignored["attributes"] == {"cookieless": "UseUri"}
    assert {f["rule"] for f in result["findings"]} == {"ignored-apphost", "bitness-differs"}
    # redirection.config and applicationHost.config, 8 server files, 4 site and application files: the 14 config
    # files of the sample that exist (Intranet\\HR and wwwroot\\images hold none: found absent, not read)
    assert result["service"]["applicable"] is False and result["files_read"] == 14
    assert "SampleOnly!23" not in result["_output"] and "SampleOnly!23" not in json.dumps(result)
