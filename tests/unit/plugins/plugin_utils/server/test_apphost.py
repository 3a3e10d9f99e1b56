"""Unit tests for _apphost: applicationHost.config reading and Windows path helpers."""

from __future__ import annotations

import pytest
from lxml import etree

from ansible_collections.iis.aspnet.plugins.plugin_utils.server._apphost import (
    Layout,
    Application,
    map_url,
    parse_apphost,
    physical_path,
    pool_settings,
    segments_start_with,
    url_segments,
    win_dirname,
    win_join,
    win_normpath,
    win_same_path,
)
from ansible_collections.iis.aspnet.plugins.plugin_utils.base._errors import ConfigError, OptionError

# Purpose-built: nested applications, an application on another drive through a variable, a
# plain virtual directory, pools that lean on applicationPoolDefaults, a 32-bit pool, a v2.0
# pool, a No Managed Code pool, site-level and server-level applicationDefaults, noise (comments,
# a namespace-free <location path="">, a removed pool) that must not confuse the reader.
APPHOST_XML = r"""<?xml version="1.0" encoding="UTF-8"?>
<configuration>
  <!-- comment before the group -->
  <system.applicationHost>
    <applicationPools>
      <add name="DefaultAppPool" />
      <add name="Classic20" managedRuntimeVersion="v2.0" />
      <add name="Wow32" enable32BitAppOnWin64="True" />
      <add name="NoManaged" managedRuntimeVersion="" />
      <add name="Legacy11" managedRuntimeVersion="v1.1" />
      <add name="Explicit64" enable32BitAppOnWin64="false" />
      <add name="Gone" managedRuntimeVersion="v2.0" />
      <remove name="gone" />
      <applicationPoolDefaults managedRuntimeVersion="v4.0" enable32BitAppOnWin64="false">
        <processModel identityType="ApplicationPoolIdentity" />
      </applicationPoolDefaults>
    </applicationPools>
    <sites>
      <site name="Default Web Site" id="1">
        <application path="/">
          <!-- the root application takes the server's applicationDefaults pool -->
          <virtualDirectory path="/" physicalPath="%SystemDrive%\inetpub\wwwroot" />
          <virtualDirectory path="/img" physicalPath="E:\media\images\" />
        </application>
        <application path="/Shop" applicationPool="Classic20">
          <virtualDirectory path="/" physicalPath="D:\apps\shop" />
        </application>
        <application path="/shop/admin/api" applicationPool="wow32">
          <virtualDirectory path="/" physicalPath="%programfiles%\Contoso\Api" />
        </application>
        <application path="/orphan" applicationPool="NoManaged">
          <virtualDirectory path="/x" physicalPath="F:\x" />
        </application>
        <application path="/old" applicationPool="Legacy11">
          <virtualDirectory path="/" physicalPath="%SystemRoot%\..\old" />
        </application>
        <application path="/ghost" applicationPool="Gone">
          <virtualDirectory path="/" physicalPath="\\fileserver\share\ghost" />
        </application>
        <bindings><binding protocol="http" bindingInformation="*:80:" /></bindings>
      </site>
      <site name="Intranet" id="2">
        <applicationDefaults applicationPool="Wow32" />
        <application path="/">
          <virtualDirectory path="/" physicalPath="%WINDIR%\..\intranet" />
        </application>
        <application path="/hr" applicationPool="Explicit64">
          <virtualDirectory path="/" physicalPath="D:/Sites//HR/" />
        </application>
      </site>
      <site name="Broken" id="3">
        <application path="/">
          <virtualDirectory path="/" physicalPath="%USERPROFILE%\site" />
        </application>
      </site>
      <site name="Rootless" id="4">
        <application path="/only">
          <virtualDirectory path="/" physicalPath="D:\only" />
        </application>
      </site>
      <applicationDefaults applicationPool="DefaultAppPool" />
    </sites>
  </system.applicationHost>
</configuration>
"""


@pytest.fixture(scope="module")
def apphost():
    return parse_apphost(etree.fromstring(APPHOST_XML.encode()), "C:\\test\\applicationHost.config")


def test_sites_applications_and_vdirs_are_read(apphost):
    assert [(s.name, s.id) for s in apphost.sites] == [
        ("Default Web Site", 1), ("Intranet", 2), ("Broken", 3), ("Rootless", 4)]
    site = apphost.site("default web site")
    assert [a.url for a in site.applications] == ["/", "/Shop", "/shop/admin/api", "/orphan", "/old", "/ghost"]
    assert [(v.path, v.physical_path) for v in site.applications[0].vdirs] == [
        ((), r"%SystemDrive%\inetpub\wwwroot"), (("img",), "E:\\media\\images\\")]


@pytest.mark.parametrize(("site", "app", "pool"), [
    ("Default Web Site", (), "DefaultAppPool"),          # server applicationDefaults
    ("Default Web Site", ("Shop",), "Classic20"),
    ("Intranet", (), "Wow32"),                           # the site's own applicationDefaults
    ("Intranet", ("hr",), "Explicit64"),
])
def test_application_pool_fallbacks(apphost, site, app, pool):
    found = apphost.site(site).application(app)
    assert found.path == app and found.pool == pool


def test_pool_fallback_without_any_application_defaults():
    xml = b"""<configuration><system.applicationHost><sites><site name="S" id="9">
      <application path="/"><virtualDirectory path="/" physicalPath="C:\\s" /></application>
    </site></sites></system.applicationHost></configuration>"""
    host = parse_apphost(etree.fromstring(xml))
    assert host.site("s").applications[0].pool == "DefaultAppPool"
    # No <applicationPools> at all: the IIS schema defaults (v4.0, 64-bit) apply.
    assert pool_settings(host, host.site("s").applications[0]) == ("DefaultAppPool", "v4.0", 64)


@pytest.mark.parametrize(("pool", "expected"), [
    ("DefaultAppPool", ("DefaultAppPool", "v4.0", 64)),
    ("Classic20", ("Classic20", "v2.0", 64)),
    ("wow32", ("Wow32", "v4.0", 32)),          # name matched case-insensitively, True parsed as IIS does
    ("NoManaged", ("NoManaged", "v4.0", 64)),  # No Managed Code: the defaults' root binds
    ("Legacy11", ("Legacy11", "v4.0", 64)),    # unknown runtime: v4.0
    ("Explicit64", ("Explicit64", "v4.0", 64)),
    ("Gone", ("Gone", "v4.0", 64)),            # removed pool: behaves as applicationPoolDefaults
    ("NotThere", ("NotThere", "v4.0", 64)),
])
def test_pool_settings(apphost, pool, expected):
    assert pool_settings(apphost, Application((), pool, ())) == expected


POOL_DEFAULTS_XML = b"""<configuration><system.applicationHost><applicationPools>
  <add name="Inherits" />
  <add name="Own" managedRuntimeVersion="v4.0" enable32BitAppOnWin64="false" />
  <add name="Unmanaged" managedRuntimeVersion="" />
  <applicationPoolDefaults managedRuntimeVersion="v2.0" enable32BitAppOnWin64="true" />
</applicationPools></system.applicationHost></configuration>"""


@pytest.mark.parametrize(("pool", "expected"), [
    ("Inherits", ("Inherits", "v2.0", 32)),
    ("Own", ("Own", "v4.0", 64)),
    ("Unmanaged", ("Unmanaged", "v2.0", 32)),
])
def test_pool_attributes_override_pool_defaults(pool, expected):
    host = parse_apphost(etree.fromstring(POOL_DEFAULTS_XML))
    assert pool_settings(host, Application((), pool, ())) == expected


@pytest.mark.parametrize(("url", "expected"), [
    ("/", r"C:\inetpub\wwwroot"),
    ("", r"C:\inetpub\wwwroot"),
    ("/css/site", r"C:\inetpub\wwwroot\css\site"),
    ("/IMG/logos", r"E:\media\images\logos"),                  # plain vdir, matched case-insensitively
    ("/shop", r"D:\apps\shop"),
    ("/shop/admin", r"D:\apps\shop\admin"),
    ("/shop/admin/api/v1", r"C:\Program Files\Contoso\Api\v1"),
    ("/shopping", r"C:\inetpub\wwwroot\shopping"),             # segment-wise: not /shop
    ("/orphan", r"C:\inetpub\wwwroot\orphan"),                 # no own "/" vdir: longest vdir of the site
    ("/orphan/x/y", r"F:\x\y"),
    ("/old", r"C:\Windows\..\old"),                            # no '..' folding: the host resolves it
    ("/ghost/a", r"\\fileserver\share\ghost\a"),
])
def test_physical_path(apphost, url, expected):
    assert physical_path(apphost, "Default Web Site", url) == expected


def test_physical_path_variables_are_case_insensitive(apphost):
    assert physical_path(apphost, "INTRANET", "/") == r"C:\Windows\..\intranet"
    assert physical_path(apphost, "Intranet", "hr") == r"D:\Sites\HR"


def test_unknown_variable_is_refused_by_name(apphost):
    with pytest.raises(OptionError, match=r"%USERPROFILE%") as info:
        physical_path(apphost, "Broken", "/")
    assert info.value.option == "site"


def test_environment_can_be_supplied():
    root = etree.fromstring(APPHOST_XML.encode())
    host = parse_apphost(root, layout=Layout.image({"SystemDrive": "E:", "USERPROFILE": r"C:\Users\web"}))
    assert physical_path(host, "Default Web Site", "/") == r"E:\inetpub\wwwroot"
    assert physical_path(host, "Broken", "/") == r"C:\Users\web\site"
    assert physical_path(host, "Intranet", "/") == r"E:\Windows\..\intranet"  # windir follows SystemDrive


def test_a_windows_host_expands_variables_itself():
    host = parse_apphost(etree.fromstring(APPHOST_XML.encode()), layout=Layout.windows())
    assert physical_path(host, "Default Web Site", "/") == r"%SystemDrive%\inetpub\wwwroot"
    assert physical_path(host, "Broken", "/") == r"%USERPROFILE%\site"  # any variable: the host knows it


def test_a_share_maps_into_the_image():
    layout = Layout.image(shares={r"\\FileServer\Share": "S:\\"})
    host = parse_apphost(etree.fromstring(APPHOST_XML.encode()), layout=layout)
    assert physical_path(host, "Default Web Site", "/ghost/a") == r"S:\ghost\a"


@pytest.mark.parametrize("environment, shares, message", [
    ({"SystemDrive": "C"}, {}, "SystemDrive must be a drive"),
    ({"windir": "Windows"}, {}, "windir must be an absolute path"),
    ({}, {"server\\share": "S:\\"}, "is not a UNC share"),
    ({}, {r"\\server": "S:\\"}, "is not a UNC share"),
    ({}, {r"\\server\share": "/mnt/share"}, "must map to a Windows path in the image"),
])
def test_bad_image_layout_options(environment, shares, message):
    with pytest.raises(OptionError, match=message):
        Layout.image(environment, shares)


def test_unknown_site_lists_the_known_ones(apphost):
    with pytest.raises(OptionError, match=r"'Nope'.*'Default Web Site', 'Intranet', 'Broken', 'Rootless'"):
        apphost.site("Nope")


def test_url_outside_every_vdir_is_a_config_error(apphost):
    with pytest.raises(ConfigError, match=r"no virtual directory serves /elsewhere"):
        map_url(apphost, apphost.site("Rootless"), ("elsewhere",))


@pytest.mark.parametrize(("xml", "message"), [
    (b"<notconfig/>", r"root element is <notconfig>"),
    (b"<configuration><system.applicationHost><sites configSource='sites.config'/>"
     b"</system.applicationHost></configuration>", r"configSource='sites.config'"),
    (b"<configuration><system.applicationHost><applicationPools configProtectionProvider='X'/>"
     b"</system.applicationHost></configuration>", r"encrypted"),
    (b"<configuration><system.applicationHost><sites><site name='A' id='1'/><site name='a' id='2'/>"
     b"</sites></system.applicationHost></configuration>", r"duplicate <site name='a'>"),
    (b"<configuration><system.applicationHost><sites><site id='1'/>"
     b"</sites></system.applicationHost></configuration>", r"a <site> has no name"),
])
def test_unreadable_apphost_is_refused(xml, message):
    with pytest.raises(ConfigError, match=message):
        parse_apphost(etree.fromstring(xml), "C:\\x\\applicationHost.config")


def test_clear_and_location_path_empty_are_honoured():
    xml = b"""<configuration>
      <system.applicationHost><sites>
        <site name="Old" id="1" />
        <clear />
      </sites></system.applicationHost>
      <location path="">
        <system.applicationHost><sites>
          <site name="New" id="2"><application path="/"><virtualDirectory path="/" physicalPath="C:\\n" />
          </application></site>
          <applicationDefaults applicationPool="P" />
        </sites></system.applicationHost>
      </location>
      <location path="Other"><system.applicationHost><sites><site name="Ignored" id="3" /></sites>
      </system.applicationHost></location>
    </configuration>"""
    host = parse_apphost(etree.fromstring(xml))
    assert [s.name for s in host.sites] == ["New"]
    assert host.site("new").applications[0].pool == "P"


def test_namespaced_document_is_read():
    xml = b"""<configuration xmlns="urn:x"><system.applicationHost><sites><site name="S" id="1">
      <application path="/"><virtualDirectory path="/" physicalPath="C:\\s" /></application>
    </site></sites></system.applicationHost></configuration>"""
    assert physical_path(parse_apphost(etree.fromstring(xml)), "S", "/") == "C:\\s"


@pytest.mark.parametrize(("path", "expected"), [
    ("C:\\a\\b\\", "C:\\a\\b"),
    ("C:/a//b", "C:\\a\\b"),
    ("C:\\", "C:\\"),
    ("C:", "C:\\"),
    ("\\\\srv\\share\\", "\\\\srv\\share"),
    ("//srv/share/x", "\\\\srv\\share\\x"),
    ("\\rooted\\x", "\\rooted\\x"),
    ("", ""),
])
def test_win_normpath(path, expected):
    assert win_normpath(path) == expected


@pytest.mark.parametrize(("parts", "expected"), [
    (("C:\\", "web.config"), "C:\\web.config"),
    (("C:\\a\\", "b/c", "web.config"), "C:\\a\\b\\c\\web.config"),
    (("D:\\x",), "D:\\x"),
    (("D:\\x", "", "/"), "D:\\x"),
    (("\\\\srv\\share", "web.config"), "\\\\srv\\share\\web.config"),
])
def test_win_join(parts, expected):
    assert win_join(*parts) == expected


@pytest.mark.parametrize(("path", "expected"), [
    ("C:\\a\\web.config", "C:\\a"),
    ("C:\\web.config", "C:\\"),
    ("\\\\srv\\share\\web.config", "\\\\srv\\share"),
])
def test_win_dirname(path, expected):
    assert win_dirname(path) == expected


def test_win_same_path_ignores_case_and_separators():
    assert win_same_path("C:\\Windows\\Microsoft.NET\\", "c:/windows/microsoft.net")
    assert not win_same_path("C:\\a", "C:\\ab")


@pytest.mark.parametrize(("segments", "prefix", "expected"), [
    (("Shop", "Admin"), ("shop",), True),
    (("shopping",), ("shop",), False),
    ((), (), True),
    (("a",), ("a", "b"), False),
])
def test_segments_start_with(segments, prefix, expected):
    assert segments_start_with(segments, prefix) is expected


def test_url_segments():
    assert url_segments("//Shop\\admin/") == ("Shop", "admin")
    assert url_segments("") == ()
