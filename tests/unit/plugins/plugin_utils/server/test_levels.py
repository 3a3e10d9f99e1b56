"""Unit tests for _levels: the levels table (docs/user-guide.md), the files governing each target, location config paths."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from ansible_collections.iis.aspnet.plugins.plugin_utils.model import _model
from ansible_collections.iis.aspnet.plugins.plugin_utils.base._errors import OptionError
from ansible_collections.iis.aspnet.plugins.plugin_utils.server._apphost import APPHOST_CONFIG, parse_apphost, win_dirname
from ansible_collections.iis.aspnet.plugins.plugin_utils.server._levels import (
    FileRef,
    Target,
    config_path_startswith,
    find_application,
    framework_config_file,
    location_config_path,
    needs_apphost,
    normalise_site,
    pool_runtime,
    resolve,
)

SITES = "MACHINE/WEBROOT/APPHOST"

APPHOST_XML = r"""<configuration>
  <system.applicationHost>
    <applicationPools>
      <add name="DefaultAppPool" />
      <add name="Classic20" managedRuntimeVersion="v2.0" />
      <add name="Wow32" enable32BitAppOnWin64="true" />
      <add name="NoManaged" managedRuntimeVersion="" />
      <applicationPoolDefaults managedRuntimeVersion="v4.0" />
    </applicationPools>
    <sites>
      <site name="Default Web Site" id="1">
        <application path="/">
          <virtualDirectory path="/" physicalPath="%SystemDrive%\inetpub\wwwroot" />
          <virtualDirectory path="/img" physicalPath="E:\images" />
        </application>
        <application path="/shop" applicationPool="Classic20">
          <virtualDirectory path="/" physicalPath="D:\apps\shop" />
        </application>
        <application path="/shop/admin/api" applicationPool="Wow32">
          <virtualDirectory path="/" physicalPath="%ProgramFiles%\Api" />
        </application>
        <application path="/tools" applicationPool="NoManaged">
          <virtualDirectory path="/" physicalPath="%SystemDrive%\inetpub\wwwroot\tools" />
        </application>
      </site>
      <site name="Intranet" id="2">
        <applicationDefaults applicationPool="Wow32" />
        <application path="/">
          <virtualDirectory path="/" physicalPath="D:\Sites\Intranet" />
        </application>
      </site>
      <applicationDefaults applicationPool="DefaultAppPool" />
    </sites>
  </system.applicationHost>
</configuration>"""


@pytest.fixture(scope="module")
def apphost():
    return parse_apphost(etree.fromstring(APPHOST_XML.encode()))


# The server-level files as they are on a Windows server (docs/configuration-model.md): the
# Framework64 folder holds the 64-bit tree, Framework the 32-bit one; .NET 4.x keeps its files in
# v4.0.30319\Config, .NET 2.0 to 3.5 in v2.0.50727\CONFIG (upper case, as the installer writes it).
SERVER_FILES = {
    ("machine.config", "v4.0", 64): "C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\Config\\machine.config",
    ("machine.config", "v4.0", 32): "C:\\Windows\\Microsoft.NET\\Framework\\v4.0.30319\\Config\\machine.config",
    ("machine.config", "v2.0", 64): "C:\\Windows\\Microsoft.NET\\Framework64\\v2.0.50727\\CONFIG\\machine.config",
    ("machine.config", "v2.0", 32): "C:\\Windows\\Microsoft.NET\\Framework\\v2.0.50727\\CONFIG\\machine.config",
    ("web.config", "v4.0", 64): "C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\Config\\web.config",
    ("web.config", "v4.0", 32): "C:\\Windows\\Microsoft.NET\\Framework\\v4.0.30319\\Config\\web.config",
    ("web.config", "v2.0", 64): "C:\\Windows\\Microsoft.NET\\Framework64\\v2.0.50727\\CONFIG\\web.config",
    ("web.config", "v2.0", 32): "C:\\Windows\\Microsoft.NET\\Framework\\v2.0.50727\\CONFIG\\web.config",
}


def machine(fw: str, bitness: int) -> FileRef:
    return FileRef(SERVER_FILES["machine.config", fw, bitness], "MACHINE", "MACHINE")


def webroot(fw: str, bitness: int) -> FileRef:
    return FileRef(SERVER_FILES["web.config", fw, bitness], "WEBROOT", "MACHINE/WEBROOT")


# --- the server rows of the levels table (docs/user-guide.md) ----------------------------------
# Without commit and site the target is WEBROOT; without framework_version v4.0; without bitness
# both trees, 64 first, each optional (an absent tree is skipped); a bitness given is kept in the
# order given and each tree must exist. With a site, MACHINE and WEBROOT write a <location> of the
# server file whose path is the site, as IIS spells it.
W4_64, W4_32 = SERVER_FILES["web.config", "v4.0", 64], SERVER_FILES["web.config", "v4.0", 32]
M2_64, M2_32 = SERVER_FILES["machine.config", "v2.0", 64], SERVER_FILES["machine.config", "v2.0", 32]
M4_32, W2_32 = SERVER_FILES["machine.config", "v4.0", 32], SERVER_FILES["web.config", "v2.0", 32]
# (commit, site, framework_version, bitness, bitness given) -> (level, file, location, config path, fw, bits, optional)
SERVER_ROWS = [
    ((None, None, None, None, False), [
        ("WEBROOT", W4_64, "", "MACHINE/WEBROOT", "v4.0", 64, True),
        ("WEBROOT", W4_32, "", "MACHINE/WEBROOT", "v4.0", 32, True)]),
    (("WEBROOT", None, "v4.0", [64, 32], True), [
        ("WEBROOT", W4_64, "", "MACHINE/WEBROOT", "v4.0", 64, False),
        ("WEBROOT", W4_32, "", "MACHINE/WEBROOT", "v4.0", 32, False)]),
    (("MACHINE", None, "v2.0", None, False), [
        ("MACHINE", M2_64, "", "MACHINE", "v2.0", 64, True),
        ("MACHINE", M2_32, "", "MACHINE", "v2.0", 32, True)]),
    (("MACHINE", None, None, [32], True), [("MACHINE", M4_32, "", "MACHINE", "v4.0", 32, False)]),
    (("MACHINE", None, "v2.0", [32, 64], True), [
        ("MACHINE", M2_32, "", "MACHINE", "v2.0", 32, False),
        ("MACHINE", M2_64, "", "MACHINE", "v2.0", 64, False)]),
    (("WEBROOT", None, "v2.0", 32, True), [("WEBROOT", W2_32, "", "MACHINE/WEBROOT", "v2.0", 32, False)]),
    (("WEBROOT", "Default Web Site", None, [64], True), [
        ("WEBROOT", W4_64, "Default Web Site", f"{SITES}/Default Web Site", "v4.0", 64, False)]),
    (("MACHINE", "/Default Web Site//shop/", "v2.0", None, False), [
        ("MACHINE", M2_64, "Default Web Site/shop", f"{SITES}/Default Web Site/shop", "v2.0", 64, True),
        ("MACHINE", M2_32, "Default Web Site/shop", f"{SITES}/Default Web Site/shop", "v2.0", 32, True)]),
]


@pytest.mark.parametrize(("given", "expected"), SERVER_ROWS)
def test_server_levels(given, expected):
    commit, site, fw, bitness, bitness_given = given
    targets = resolve(commit, site, fw, bitness, framework_given=fw is not None, bitness_given=bitness_given)
    assert [(t.commit, t.file.path, t.location, t.config_path, t.framework_version, t.bitness, t.optional)
            for t in targets] == expected
    assert not any(target.may_create for target in targets)
    assert all(target.file.level == target.commit for target in targets)


# A server level is governed by machine.config, and by the root web.config of the same tree for WEBROOT.
@pytest.mark.parametrize(("commit", "fw", "bits", "files"), [
    ("MACHINE", "v4.0", 32, [M4_32]),
    ("WEBROOT", "v4.0", 32, [M4_32, W4_32]),
    ("WEBROOT", "v2.0", 32, [M2_32, W2_32]),
])
def test_server_level_chains(commit, fw, bits, files):
    (target,) = resolve(commit, None, fw, [bits], framework_given=True, bitness_given=True)
    assert [file.path for file in _model.target_chain(target, lambda: None).files] == files


def test_server_level_ignores_apphost_and_keeps_site_case(apphost):
    (target,) = resolve("WEBROOT", "default web site/SHOP", "v4.0", [64], apphost, bitness_given=True)
    assert target.location == "default web site/SHOP"
    assert target.config_path == f"{SITES}/default web site/SHOP"


@pytest.mark.parametrize("site", [None, "Default Web Site", "Default Web Site/shop"])
def test_apphost_is_refused_with_the_reason(site, apphost):
    with pytest.raises(OptionError, match=r"ASP\.NET never reads system\.web from it.*WEBROOT.*SITE/APP") as info:
        resolve("APPHOST", site, "v4.0", None, apphost)
    assert info.value.option == "commit"


@pytest.mark.parametrize("commit", ["SITE", "APP"])
def test_site_levels_need_site(commit, apphost):
    with pytest.raises(OptionError, match=rf"^commit: {commit} needs site"):
        resolve(commit, None, None, None, apphost)


@pytest.mark.parametrize(("commit", "message"), [
    ("CHILD", r"'CHILD' is not one of MACHINE, WEBROOT, APPHOST, SITE, APP"),
])
def test_unknown_commit(commit, message):
    with pytest.raises(OptionError, match=message):
        resolve(commit, None, None, None)


@pytest.mark.parametrize(("fw", "bitness", "option"), [
    ("v3.5", None, "framework_version"), ("v4.0", [16], "bitness"), ("v4.0", [], "bitness")])
def test_bad_framework_or_bitness(fw, bitness, option):
    with pytest.raises(OptionError) as info:
        resolve("WEBROOT", None, fw, bitness)
    assert info.value.option == option


def test_lowercase_commit_is_accepted():
    assert resolve("webroot", None, None, [64])[0].commit == "WEBROOT"


@pytest.mark.parametrize(("commit", "site", "expected"), [
    (None, None, False), (None, "S", True), ("MACHINE", "S", False), ("WEBROOT", "S", False),
    ("SITE", "S", True), ("APP", "S", True), ("APPHOST", None, False)])
def test_needs_apphost(commit, site, expected):
    assert needs_apphost(commit, site) is expected


def test_site_levels_without_apphost_are_a_programming_error():
    with pytest.raises(ValueError, match="needs_apphost"):
        resolve("APP", "Default Web Site", None, None)


# --- SITE and APP ---------------------------------------------------------------------------

ROOT_FILE = FileRef("C:\\inetpub\\wwwroot\\web.config", "SITE", f"{SITES}/Default Web Site")
SHOP_FILE = FileRef("D:\\apps\\shop\\web.config", "APP", f"{SITES}/Default Web Site/shop")
ADMIN_FILE = FileRef("D:\\apps\\shop\\admin\\web.config", "FOLDER", f"{SITES}/Default Web Site/shop/admin")
API_FILE = FileRef("C:\\Program Files\\Api\\web.config", "APP", f"{SITES}/Default Web Site/shop/admin/api")


# chain: the site's files that govern the target's path, from the site root down to that path (a
# SITE target's <location> is followed by the application's own web.config, which comes after it).
@pytest.mark.parametrize(("commit", "site", "file", "location", "config_path", "fw", "bits", "chain"), [
    ("SITE", "Default Web Site", ROOT_FILE, "", f"{SITES}/Default Web Site", "v4.0", 64, (ROOT_FILE,)),
    ("APP", "Default Web Site", ROOT_FILE, "", f"{SITES}/Default Web Site", "v4.0", 64, (ROOT_FILE,)),
    (None, "Default Web Site", ROOT_FILE, "", f"{SITES}/Default Web Site", "v4.0", 64, (ROOT_FILE,)),
    ("SITE", "Default Web Site/shop", ROOT_FILE, "shop", f"{SITES}/Default Web Site/shop", "v2.0", 64,
     (ROOT_FILE, SHOP_FILE)),
    ("APP", "Default Web Site/shop", SHOP_FILE, "", f"{SITES}/Default Web Site/shop", "v2.0", 64,
     (ROOT_FILE, SHOP_FILE)),
    ("SITE", "Default Web Site/shop/admin/api", ROOT_FILE, "shop/admin/api",
     f"{SITES}/Default Web Site/shop/admin/api", "v4.0", 32, (ROOT_FILE, SHOP_FILE, ADMIN_FILE, API_FILE)),
    # Two application levels deep, through a plain folder: every web.config on the way binds.
    ("APP", "Default Web Site/shop/admin/api", API_FILE, "", f"{SITES}/Default Web Site/shop/admin/api",
     "v4.0", 32, (ROOT_FILE, SHOP_FILE, ADMIN_FILE, API_FILE)),
    # Site names and application paths as IIS spells them, whatever the case given.
    ("APP", "default web site/SHOP/", SHOP_FILE, "", f"{SITES}/Default Web Site/shop", "v2.0", 64,
     (ROOT_FILE, SHOP_FILE)),
    ("SITE", "intranet", FileRef("D:\\Sites\\Intranet\\web.config", "SITE", f"{SITES}/Intranet"), "",
     f"{SITES}/Intranet", "v4.0", 32, (FileRef("D:\\Sites\\Intranet\\web.config", "SITE", f"{SITES}/Intranet"),)),
])
@pytest.mark.parametrize(("fw_given", "bitness_given"), [(None, None), ("v4.0", [64, 32]), ("v2.0", [32])])
def test_site_levels(apphost, commit, site, file, location, config_path, fw, bits, chain,
                     fw_given, bitness_given):
    # For SITE and APP the application pool decides framework and bitness, whatever was given.
    targets = resolve(commit, site, fw_given, bitness_given, apphost,
                      framework_given=fw_given is not None, bitness_given=bitness_given is not None)
    expected = Target(file, location, config_path, commit or "APP", fw, bits, optional=False, may_create=True)
    assert targets == [expected]
    assert _model.target_chain(targets[0], lambda: apphost).files == [machine(fw, bits), webroot(fw, bits), *chain]


def test_no_managed_code_pool_uses_the_defaults_root(apphost):
    (target,) = resolve("APP", "Default Web Site/tools", None, None, apphost)
    assert (target.framework_version, target.bitness) == ("v4.0", 64)
    assert target.file.path == "C:\\inetpub\\wwwroot\\tools\\web.config"
    assert _model.target_chain(target, lambda: apphost).files[-2] == ROOT_FILE


@pytest.mark.parametrize("commit", ["SITE", "APP", None])
@pytest.mark.parametrize(("site", "inside"), [
    ("Default Web Site/img", "Default Web Site"),               # a virtual directory, not an application
    ("Default Web Site/shop/admin", "Default Web Site/shop"),   # a folder between applications
    ("Default Web Site/nowhere/deep", "Default Web Site"),
])
def test_path_below_an_application_is_refused(apphost, commit, site, inside):
    with pytest.raises(OptionError, match=r"beyond application level.*virtual directory not being configured "
                                          r"as an application") as info:
        resolve(commit, site, None, None, apphost)
    assert info.value.option == "site"
    assert f"it lies in application '{inside}'" in str(info.value)


@pytest.mark.parametrize("commit", ["SITE", "APP"])
def test_unknown_site_lists_known_sites(apphost, commit):
    with pytest.raises(OptionError, match=r"no IIS site named 'Contoso'.*'Default Web Site', 'Intranet'"):
        resolve(commit, "Contoso/shop", None, None, apphost)


@pytest.mark.parametrize(("site", "expected"), [
    ("Default Web Site", ("DefaultAppPool", "v4.0", 64)),
    ("Default Web Site/shop", ("Classic20", "v2.0", 64)),
    ("Default Web Site/shop/admin", ("Classic20", "v2.0", 64)),   # a folder: its application's pool
    ("Default Web Site/shop/admin/api", ("Wow32", "v4.0", 32)),
    ("Intranet", ("Wow32", "v4.0", 32)),
])
def test_pool_runtime(apphost, site, expected):
    assert pool_runtime(apphost, site) == expected


def test_find_application_returns_iis_spelling(apphost):
    site, app = find_application(apphost, "DEFAULT WEB SITE/Shop")
    assert (site.name, app.url) == ("Default Web Site", "/shop")


# --- helpers --------------------------------------------------------------------------------

@pytest.mark.parametrize(("fw", "bits", "name", "expected"),
                         [(fw, bits, name, path) for (name, fw, bits), path in SERVER_FILES.items()])
def test_framework_config_file(fw, bits, name, expected):
    assert framework_config_file(name, fw, bits) == expected


def test_apphost_config_path():
    assert APPHOST_CONFIG == "C:\\Windows\\System32\\inetsrv\\config\\applicationHost.config"


@pytest.mark.parametrize(("site", "expected"), [
    ("Default Web Site", "Default Web Site"),
    ("/Default Web Site/", "Default Web Site"),
    ("Default Web Site//Shop/Admin/", "Default Web Site/Shop/Admin"),
    ("Default Web Site\\shop", "Default Web Site/shop"),
    # The config_path of session_state_info's levels names the same site or application.
    ("MACHINE/WEBROOT/APPHOST/Default Web Site/shop", "Default Web Site/shop"),
    ("machine/webroot/apphost/Default Web Site", "Default Web Site"),
    ("/MACHINE/WEBROOT/APPHOST/Intranet/hr/", "Intranet/hr"),
    # Only the whole prefix is dropped: a site that merely starts like it keeps its name.
    ("MACHINE/Intranet", "MACHINE/Intranet"),
])
def test_normalise_site(site, expected):
    assert normalise_site(site) == expected


@pytest.mark.parametrize("site", ["", "/", "//", "Default Web Site/../x", "./x", "MACHINE/WEBROOT/APPHOST", "MACHINE/WEBROOT/APPHOST/"])
def test_normalise_site_refuses(site):
    with pytest.raises(OptionError):
        normalise_site(site)


@pytest.mark.parametrize(("site", "code"), [("Default Web Site/sh\x01op", "0001"), ("shop\t", "0009"), ("a\nb", "000A"),
                                            ("x\ufffe", "FFFE")])
def test_a_control_character_in_site_is_refused_naming_it(site, code):
    with pytest.raises(OptionError) as info:
        normalise_site(site)
    assert str(info.value) == (f"site: {site!r} holds the control character U+{code}, which no IIS site or application name "
                               "holds (and an XML <location path> cannot keep)")


@pytest.mark.parametrize(("path", "prefix", "expected"), [
    ("MACHINE/WEBROOT/APPHOST/Default Web Site/shop", "MACHINE/WEBROOT/APPHOST/default web site", True),
    ("MACHINE/WEBROOT/APPHOST/Default Web Site2", "MACHINE/WEBROOT/APPHOST/Default Web Site", False),
    ("MACHINE/WEBROOT", "MACHINE/WEBROOT", True),
    ("MACHINE", "MACHINE/WEBROOT", False),
    ("MACHINE/WEBROOT/", "MACHINE/WEBROOT", True),
    ("MACHINE/WEBROOT", "", True),
])
def test_config_path_startswith(path, prefix, expected):
    assert config_path_startswith(path, prefix) is expected


MACHINE_FILE = machine("v4.0", 64)
WEBROOT_FILE = webroot("v4.0", 64)


@pytest.mark.parametrize(("file", "location", "expected"), [
    (MACHINE_FILE, "", "MACHINE"),
    (MACHINE_FILE, ".", "MACHINE"),
    (MACHINE_FILE, "Default Web Site", f"{SITES}/Default Web Site"),
    (WEBROOT_FILE, "Default Web Site/shop", f"{SITES}/Default Web Site/shop"),
    (WEBROOT_FILE, "", "MACHINE/WEBROOT"),
    (ROOT_FILE, "", f"{SITES}/Default Web Site"),
    (ROOT_FILE, ".", f"{SITES}/Default Web Site"),
    (ROOT_FILE, "shop", f"{SITES}/Default Web Site/shop"),
    (ROOT_FILE, "shop/admin/", f"{SITES}/Default Web Site/shop/admin"),
    (SHOP_FILE, "admin", f"{SITES}/Default Web Site/shop/admin"),
    (ADMIN_FILE, "api", f"{SITES}/Default Web Site/shop/admin/api"),
])
def test_location_config_path(file, location, expected):
    assert location_config_path(file, location) == expected


@pytest.mark.parametrize("commit", ["SITE", "APP"])
def test_site_target_location_maps_back_to_its_config_path(apphost, commit):
    # The file/location pair the engine writes must govern the config path the target claims.
    (target,) = resolve(commit, "Default Web Site/shop/admin/api", None, None, apphost)
    assert location_config_path(target.file, target.location) == target.config_path


# --- the sample server tree (examples/sample-server) ----------------------------------------

SAMPLE = Path(__file__).resolve().parents[5] / "examples" / "sample-server"
SAMPLE_APPHOST = SAMPLE / "C" / "Windows" / "System32" / "inetsrv" / "config" / "applicationHost.config"


@pytest.fixture(scope="module")
def sample_apphost():
    if not SAMPLE_APPHOST.is_file():
        pytest.skip("examples/sample-server has no applicationHost.config")
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return parse_apphost(etree.fromstring(SAMPLE_APPHOST.read_bytes(), parser))


def _on_sample(windows_path: str) -> Path:
    """Where a Windows path lives in the sample tree (components matched case-insensitively)."""
    drive, rest = windows_path.split(":\\", 1)
    here = SAMPLE / drive
    for part in rest.split("\\"):
        names = {p.name.casefold(): p for p in here.iterdir()} if here.is_dir() else {}
        here = names.get(part.casefold(), here / part)
    return here


@pytest.mark.parametrize(("commit", "site", "file", "location", "fw", "bits", "ancestor_files"), [
    ("SITE", "Default Web Site", "C:\\inetpub\\wwwroot\\web.config", "", "v4.0", 64, []),
    # The <location path="shop"> in the site's web.config is followed by the shop's own web.config.
    ("SITE", "Default Web Site/shop", "C:\\inetpub\\wwwroot\\web.config", "shop", "v4.0", 64,
     ["C:\\inetpub\\wwwroot\\web.config"]),
    ("APP", "Default Web Site/shop", "C:\\inetpub\\shop\\web.config", "", "v4.0", 64,
     ["C:\\inetpub\\wwwroot\\web.config"]),
    ("APP", "Intranet/hr", "D:\\Sites\\Intranet\\HR\\web.config", "", "v4.0", 32,
     ["D:\\Sites\\Intranet\\web.config"]),
    ("APP", "Legacy", "C:\\inetpub\\legacy\\web.config", "", "v2.0", 64, []),
])
def test_sample_server_sites(sample_apphost, commit, site, file, location, fw, bits, ancestor_files):
    (target,) = resolve(commit, site, None, None, sample_apphost)
    assert (target.file.path, target.location, target.framework_version, target.bitness) == (file, location, fw, bits)
    governing = [ref.path for ref in _model.target_chain(target, lambda: sample_apphost).files]
    assert governing[:-1] == [machine(fw, bits).path, webroot(fw, bits).path, *ancestor_files]
    # Every file the levels name exists in the sample tree (Windows matches names case-insensitively),
    # except Intranet/hr's web.config, left out on purpose: the target may be created in its folder.
    for path in governing[:-1]:
        assert _on_sample(path).is_file(), path
    assert _on_sample(target.file.path).is_file() or _on_sample(win_dirname(target.file.path)).is_dir()


def test_sample_server_images_vdir_is_not_an_application(sample_apphost):
    with pytest.raises(OptionError, match="beyond application level"):
        resolve("APP", "Default Web Site/images", None, None, sample_apphost)
