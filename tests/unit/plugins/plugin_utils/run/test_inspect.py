"""The call budget of the read-only runs: info and the STIG audit cost the files that exist plus one discovery call.

Each count below is written by hand from the tree (the files that exist), not taken from the engine:
on an image host the real ``iis.aspnet.image_file`` module runs on a copy of the sample; on Windows the
one Windows fake (``WindowsHost``) answers over the same tree, checking each call against ansible.windows'
documentation. A drift report built from an audit reads nothing more: the callback only collects results.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from ansible_collections.iis.aspnet.plugins.plugin_utils.host._transport import HostAccess, transport_for
from ansible_collections.iis.aspnet.plugins.plugin_utils.report import _drift
from ansible_collections.iis.aspnet.plugins.plugin_utils.run import _inspect
from ansible_collections.iis.aspnet.plugins.plugin_utils.run._session import FileCache, read_apphost
from ansible_collections.iis.aspnet.tests.unit.plugins.plugin_utils.image_host import LocalImageHost
from ansible_collections.iis.aspnet.tests.unit.plugins.plugin_utils.windows_modules import ENV_FACTS, WindowsHost

SAMPLE = Path(__file__).resolve().parents[5] / "examples" / "sample-server"
APPHOST = "C/Windows/System32/inetsrv/config/applicationHost.config"
# The sample's config files that exist (see examples/sample-server): redirection.config and
# applicationHost.config (2), machine.config and web.config of the 64- and 32-bit v2.0 and v4.0 trees (8),
# the web.config of wwwroot, shop, Intranet and legacy (4). Intranet\HR and wwwroot\images hold none.
SAMPLE_EXISTING = 14
# The 50-site host (bulk_sites): site roots 0, 2, ..., 48 hold a web.config (25), the /app folders
# of sites 0, 5, ..., 45 too (10).
BULK_EXISTING = SAMPLE_EXISTING + 25 + 10
# The STIG audit judges the server level of .NET 4 only: of the .NET 2.0 trees it reads the 64-bit one,
# which Legacy's pool runs, not the 32-bit one (no pool runs it): 14 - 2 files.
SAMPLE_STIG = SAMPLE_EXISTING - 2
BULK_STIG = SAMPLE_STIG + 25 + 10
V2_32 = "Framework/v2.0.50727/CONFIG/"
SERVICE_QUERY = ["ansible.windows.win_service", "ansible.windows.win_reg_stat"]
WEB_CONFIG = b'<?xml version="1.0"?>\r\n<configuration><system.web><sessionState timeout="15" /></system.web></configuration>\r\n'


def bulk_sites(count: int) -> tuple[str, dict[str, bytes]]:
    """``count`` sites, each with its root and an /app application in their own folders, and the files that exist."""
    sites = "".join(
        f'<site name="Bulk{n}" id="{100 + n}"><application path="/">'
        f'<virtualDirectory path="/" physicalPath="D:\\Bulk\\site{n}" /></application>'
        f'<application path="/app" applicationPool="IntranetHR32"><virtualDirectory path="/" physicalPath="D:\\Bulk\\site{n}\\app" />'
        '</application></site>' for n in range(count))
    files = {f"D:\\Bulk\\site{n}\\web.config": WEB_CONFIG for n in range(0, count, 2)}
    files.update({f"D:\\Bulk\\site{n}\\app\\web.config": WEB_CONFIG for n in range(0, count, 5)})
    return sites, files


def with_sites(apphost: bytes, sites: str) -> bytes:
    return re.sub(r"(\s*</sites>)", lambda match: sites + match.group(1), apphost.decode("utf-8"), count=1).encode("utf-8")


@pytest.fixture(params=[0, 50], ids=["sample", "50-sites"])
def sites(request) -> int:
    return request.param


def image_host(tmp_path: Path, count: int) -> tuple[LocalImageHost, HostAccess, dict]:
    root = tmp_path / "image"
    shutil.copytree(SAMPLE, root)
    added, files = bulk_sites(count)
    (root / APPHOST).write_bytes(with_sites((root / APPHOST).read_bytes(), added))
    for path, data in files.items():
        target = root.joinpath(*re.split(r"[:\\]+", path))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    host = LocalImageHost(tmp_path / "remote-tmp")
    return host, HostAccess(False, host.execute, host.put), {"image_root": str(root)}


def refuse_upload(data: bytes) -> str:
    raise AssertionError(f"a read-only run uploaded {len(data)} bytes")


def windows(count: int, facts: bool = True) -> tuple[WindowsHost, HostAccess]:
    host = WindowsHost(SAMPLE)
    added, files = bulk_sites(count)
    apphost = "C:\\Windows\\System32\\inetsrv\\config\\applicationHost.config"
    host.files[apphost] = with_sites(host.files[apphost], added)
    host.files.update(files)
    return host, HostAccess(True, host.execute, refuse_upload, ENV_FACTS if facts else None)


def info_args(image: dict, **more) -> dict:
    return {"include_service": True, "site": None, "framework_version": None, "bitness": None, **image, **more}


def stig_args(image: dict) -> dict:
    return {"profile": "stig_iis10", "exceptions": [], "server": {}, "declared": [], **image}


def expected(sites: int, stig: bool = False) -> int:
    return {(0, False): SAMPLE_EXISTING, (50, False): BULK_EXISTING, (0, True): SAMPLE_STIG, (50, True): BULK_STIG}[sites, stig]


# ---- image hosts


def test_info_on_an_image_host_costs_the_existing_files_and_one_stat(tmp_path, sites):
    host, access, image = image_host(tmp_path, sites)
    result = _inspect.info(info_args(image), access)
    assert result["files_read"] == expected(sites)
    assert host.ops() == ["read", "read", "stat"] + ["read"] * (expected(sites) - 2)
    reads = [args["path"] for _module, args in host.sent if args["op"] == "read"]
    assert len(reads) == len(set(reads))  # each file once
    assert not any(path.endswith(("/HR/web.config", "/hr/web.config", "/images/web.config", "site1/web.config")) for path in reads)


def test_the_stig_audit_on_an_image_host_costs_the_same(tmp_path, sites):
    host, access, image = image_host(tmp_path, sites)
    result = _inspect.stig(stig_args(image), access)
    assert result["files_read"] == expected(sites, stig=True)
    assert host.ops() == ["read", "read", "stat"] + ["read"] * (expected(sites, stig=True) - 2)
    (stat,) = [args for _module, args in host.sent if args["op"] == "stat"]
    assert not any(entry["path"].endswith("/images/web.config") for entry in stat["paths"])  # no rule judges a folder
    assert not any(V2_32 in entry["path"] for entry in stat["paths"])  # nor a tree no pool runs


def test_a_drift_report_of_the_audit_reads_nothing_more(tmp_path):
    host, access, image = image_host(tmp_path, 0)
    collector = _drift.Collector()
    collector.add_stig("web01", "Audit", _inspect.stig(stig_args(image), access))
    (record,) = collector.report()
    assert record.stig.profile == "stig_iis10" and len(host.sent) == SAMPLE_STIG + 1


def test_without_discovery_each_absent_candidate_costs_a_read_and_its_listings(tmp_path):
    """The way before discovery (docs/performance.md: 25 calls on the sample): 11 of them for the two absent files."""
    host, access, image = image_host(tmp_path, 0)
    transport = transport_for(access, image)
    transport.discover = lambda paths: None  # what a transport without discovery does
    cache = FileCache(transport)
    read_apphost(cache)
    assert len(host.sent) == 2
    # 16 candidates: the 14 that exist, Intranet\HR's and wwwroot\images' web.config, each absent one read as
    # written, then its path matched by case: image root, D, Sites, Intranet, hr; C, inetpub, wwwroot, images
    for path in ["D:\\Sites\\Intranet\\HR\\web.config", "%SystemDrive%\\inetpub\\wwwroot\\images\\web.config"]:
        cache.read(transport.layout.expand(path, "test"))
    assert [args["op"] for _module, args in host.sent[2:]] == ["read"] + ["list"] * 5 + ["read"] + ["list"] * 4


# ---- Windows


def test_info_on_windows_costs_the_existing_files_one_win_find_and_the_service_query(sites):
    host, access = windows(sites)
    result = _inspect.info(info_args({}), access)
    assert result["files_read"] == expected(sites)
    modules = [module for module, _args in host.calls]
    assert modules == ["ansible.builtin.slurp"] * 2 + SERVICE_QUERY + ["ansible.windows.win_find"] + \
        ["ansible.builtin.slurp"] * (expected(sites) - 2)
    (find,) = [args for module, args in host.calls if module == "ansible.windows.win_find"]
    # candidates: 4 .NET Config folders, 6 sample site folders (wwwroot, shop, Intranet, Intranet\HR, legacy, images),
    # two folders per bulk site
    assert len(find["paths"]) == 4 + 6 + 2 * sites


def test_the_stig_audit_on_windows_costs_the_existing_files_and_one_win_find(sites):
    host, access = windows(sites)
    result = _inspect.stig(stig_args({}), access)
    assert result["files_read"] == expected(sites, stig=True)
    assert len(host.calls) == expected(sites, stig=True) + 1


def test_without_env_facts_windows_adds_one_setup_call(sites):
    host, access = windows(sites, facts=False)
    _inspect.stig(stig_args({}), access)
    assert [module for module, _args in host.calls][2:4] == ["ansible.windows.setup", "ansible.windows.win_find"]
    assert len(host.calls) == expected(sites, stig=True) + 2
