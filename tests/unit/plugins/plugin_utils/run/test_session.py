"""A whole run on the sample server tree: targets, reads per file, plans, creation, refusals."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ansible_collections.iis.aspnet.plugins.plugin_utils.run import _session
from ansible_collections.iis.aspnet.plugins.plugin_utils.server import _apphost, _image
from ansible_collections.iis.aspnet.tests.unit.plugins.plugin_utils.engine_helpers import LocalImage
from ansible_collections.iis.aspnet.plugins.plugin_utils.base._errors import ConfigError, OptionError

SAMPLE = Path(__file__).resolve().parents[5] / "examples" / "sample-server"
F64 = "C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\Config\\web.config"
F32 = "C:\\Windows\\Microsoft.NET\\Framework\\v4.0.30319\\Config\\web.config"


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "image"
    shutil.copytree(SAMPLE, root)
    return root


class CountingImage(LocalImage):
    def __init__(self, root):
        super().__init__(str(root))
        self.reads: list[str] = []

    def read(self, path):
        self.reads.append(path)
        return super().read(path)


def apply(tree: Path, run) -> None:
    image = LocalImage(str(tree))
    for plan in run.files:
        if plan.changed:
            found = image.locate(plan.path) or _image.exact(str(tree), plan.path)
            Path(found).write_bytes(plan.after)


def test_seed_procedure_changes_both_root_web_configs_then_is_steady(tree):
    host = CountingImage(tree)
    run = _session.plan_run({"mode": "InProc"}, host)
    assert [(p.path, p.changed) for p in run.files] == [(F64, True), (F32, True)]
    assert [(c.attribute, c.before, c.after) for p in run.files for c in p.changes] == [("mode", None, "InProc"), ("mode", "StateServer", "InProc")]
    assert len(host.reads) == 4  # two targets, then the two machine.config files above them (a change is planned)
    apply(tree, run)
    steady = CountingImage(tree)
    again = _session.plan_run({"mode": "InProc"}, steady)
    assert not again.changed and steady.reads == [F64, F32]  # steady state: one read per target file


def test_untouched_files_keep_their_bytes(tree):
    before = {p: p.read_bytes() for p in tree.rglob("*") if p.is_file()}
    apply(tree, _session.plan_run({"mode": "InProc"}, LocalImage(str(tree))))
    changed = sorted(str(p.relative_to(tree)) for p in before if p.read_bytes() != before[p])
    assert changed == ["C/Windows/Microsoft.NET/Framework/v4.0.30319/Config/web.config",
                       "C/Windows/Microsoft.NET/Framework64/v4.0.30319/Config/web.config"]


def test_missing_application_web_config_is_created(tree):
    run = _session.plan_run({"site": "Intranet/hr", "mode": "InProc"}, LocalImage(str(tree)))
    (plan,) = run.files
    assert plan.created and plan.before == b"" and plan.path.lower() == "d:\\sites\\intranet\\hr\\web.config"
    assert plan.after.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\r\n<configuration>\r\n')
    assert b'<sessionState mode="InProc" />' in plan.after


def test_site_level_writes_a_location_in_the_site_root(tree):
    run = _session.plan_run({"site": "Default Web Site/shop", "commit": "SITE", "mode": "Off"}, LocalImage(str(tree)))
    (plan,) = run.files
    assert plan.path.lower().endswith("inetpub\\wwwroot\\web.config") and plan.location == "shop"


@pytest.mark.parametrize("options, error, fragment", [
    ({"mode": "InProc", "commit": "APPHOST"}, OptionError, "ASP.NET"),
    ({"mode": "InProc", "site": "Default Web Site/images"}, OptionError, "application"),
    ({"mode": "InProc", "site": "Nope"}, OptionError, "Default Web Site"),
    ({"mode": "InProc", "bitness": [64], "framework_version": "v2.0", "site": None}, None, None),
])
def test_refusals(tree, options, error, fragment):
    if error is None:
        assert _session.plan_run(options, LocalImage(str(tree))).files
        return
    with pytest.raises(error) as info:
        _session.plan_run(options, LocalImage(str(tree)))
    assert fragment in str(info.value)


def test_missing_root_web_config_is_an_error(tree):
    (tree / "C/Windows/Microsoft.NET/Framework/v4.0.30319/Config/web.config").unlink()
    with pytest.raises(ConfigError, match="not found: .NET Framework v4.0 \\(32-bit\\)"):
        _session.plan_run({"mode": "InProc"}, LocalImage(str(tree)))


def test_missing_default_framework64_tree_is_skipped_with_a_warning(tree):
    shutil.rmtree(tree / "C/Windows/Microsoft.NET/Framework64")
    run = _session.plan_run({"mode": "InProc"}, LocalImage(str(tree)))
    assert [p.path for p in run.files] == [F32]
    assert any("64-bit" in warning for warning in run.warnings)


def test_missing_default_32_bit_tree_is_skipped_too(tree):
    shutil.rmtree(tree / "C/Windows/Microsoft.NET/Framework/v4.0.30319")
    run = _session.plan_run({"mode": "InProc"}, LocalImage(str(tree)))
    assert [p.path for p in run.files] == [F64] and any("32-bit" in warning for warning in run.warnings)


def test_no_tree_at_all_is_an_error(tree):
    for bits in ("Framework", "Framework64"):
        shutil.rmtree(tree / f"C/Windows/Microsoft.NET/{bits}/v4.0.30319")
    with pytest.raises(ConfigError, match="not installed \\(neither its 64-bit nor its 32-bit tree exists\\)"):
        _session.plan_run({"mode": "InProc"}, LocalImage(str(tree)))


def test_an_explicit_bitness_without_its_tree_is_an_error(tree):
    shutil.rmtree(tree / "C/Windows/Microsoft.NET/Framework/v4.0.30319")
    with pytest.raises(ConfigError, match="32-bit"):
        _session.plan_run({"mode": "InProc", "bitness": [32]}, LocalImage(str(tree)))


# --- shared configuration (redirection.config) and where the image keeps Windows ------------------

REDIRECTION = "C/Windows/System32/inetsrv/config/redirection.config"
APPHOST = "C/Windows/System32/inetsrv/config/applicationHost.config"


def redirect(tree: Path, attributes: str) -> None:
    (tree / REDIRECTION).write_bytes(b'<configuration>\r\n    <configurationRedirection ' + attributes.encode() + b' />\r\n</configuration>\r\n')


def shared_copy(tree: Path, folder: str) -> Path:
    """The server's applicationHost.config moved to the share, with the shop's content at another folder."""
    shared = tree / folder
    shared.mkdir(parents=True)
    text = (tree / APPHOST).read_text(encoding="utf-8").replace("%SystemDrive%\\inetpub\\shop", "E:\\shop")
    (shared / "applicationHost.config").write_text(text, encoding="utf-8")
    shutil.copytree(tree / "C/inetpub/shop", tree / "E/shop")
    return shared


def test_redirection_off_reads_the_local_applicationhost_config(tree):
    redirect(tree, 'enabled="false" path="\\\\fs01\\iis"')
    host = CountingImage(tree)
    run = _session.plan_run({"site": "Default Web Site/shop", "mode": "Off"}, host)
    assert run.files[0].path.lower() == "c:\\inetpub\\shop\\web.config"
    assert [path.rsplit("\\", 1)[1] for path in host.reads[:2]] == ["redirection.config", "applicationHost.config"]


def test_shared_configuration_on_a_share_is_refused_without_a_mapping(tree):
    redirect(tree, 'enabled="true" path="\\\\fs01\\iis\\config"')
    host = CountingImage(tree)
    with pytest.raises(ConfigError) as info:
        _session.plan_run({"site": "Default Web Site/shop", "mode": "Off"}, host)
    assert info.value.path.endswith("redirection.config") and "\\\\fs01\\iis\\config" in info.value.reason
    assert "image_shares" in info.value.reason
    assert not any(path.endswith("applicationHost.config") for path in host.reads)  # never the stale local copy


def test_shared_configuration_is_read_where_the_share_is_mapped(tree):
    redirect(tree, 'enabled="true" path="\\\\fs01\\iis\\config"')
    shared_copy(tree, "S/config")
    host = CountingImage(tree)
    host.layout = _apphost.Layout.image(shares={"\\\\fs01\\iis": "S:\\"})
    run = _session.plan_run({"site": "Default Web Site/shop", "mode": "Off"}, host)
    assert run.files[0].path == "E:\\shop\\web.config"  # the shared file's physical path, not the local one's
    assert "S:\\config\\applicationHost.config" in host.reads
    assert not any(path.startswith("C:") and path.endswith("applicationHost.config") for path in host.reads)


def test_shared_configuration_in_a_local_folder(tree):
    redirect(tree, 'enabled="true" path="D:\\SharedConfig"')
    shared_copy(tree, "D/SharedConfig")
    run = _session.plan_run({"site": "Default Web Site/shop", "mode": "Off"}, LocalImage(str(tree)))
    assert run.files[0].path == "E:\\shop\\web.config"


@pytest.mark.parametrize("attributes, fragment", [
    ('enabled="true" path="D:\\Nowhere"', "enables shared configuration, but D:\\Nowhere\\applicationHost.config does not exist"),
    ('enabled="true"', "without a path"),
])
def test_broken_shared_configuration_is_refused(tree, attributes, fragment):
    redirect(tree, attributes)
    with pytest.raises(ConfigError) as info:
        _session.plan_run({"site": "Default Web Site/shop", "mode": "Off"}, LocalImage(str(tree)))
    assert info.value.path.endswith("redirection.config") and fragment in info.value.reason


def test_server_level_runs_read_no_iis_file(tree):
    redirect(tree, 'enabled="true" path="\\\\fs01\\iis\\config"')  # would be refused if it were read
    host = CountingImage(tree)
    _session.plan_run({"mode": "InProc"}, host)
    assert not any("inetsrv" in path for path in host.reads)


def test_an_image_whose_windows_is_on_another_drive(tree):
    shutil.move(str(tree / "C" / "Windows"), str(tree / "D" / "WINNT"))
    host = CountingImage(tree)
    host.layout = _apphost.Layout.image({"SystemDrive": "C:", "windir": "D:\\WINNT"})
    run = _session.plan_run({"mode": "InProc", "bitness": [64]}, host)
    assert run.files[0].path == "D:\\WINNT\\Microsoft.NET\\Framework64\\v4.0.30319\\Config\\web.config"
    with pytest.raises(ConfigError, match="not found"):
        _session.plan_run({"mode": "InProc", "bitness": [64]}, LocalImage(str(tree)))  # C:\Windows is gone


# --- revert to parent ---------------------------------------------------------------------------------

def test_revert_in_applicationhost_config_removes_what_asp_net_never_reads(tree):
    before = (tree / APPHOST).read_bytes()
    run = _session.plan_run({"commit": "APPHOST", "site": "Intranet", "revert": ["cookieless"]}, LocalImage(str(tree)))
    (plan,) = run.files
    assert plan.path.endswith("applicationHost.config") and plan.location == "Intranet"
    removed = b"        <system.web>\r\n            <sessionState cookieless=\"UseUri\" />\r\n        </system.web>\r\n"
    assert before.count(removed) == 1 and plan.after == before.replace(removed, b"")
    assert run.reverted == []  # ASP.NET does not read the file: nothing it runs changes


def test_apphost_still_refuses_settings(tree):
    host = CountingImage(tree)
    with pytest.raises(OptionError, match="APPHOST is refused for system.web/sessionState settings"):
        _session.plan_run({"commit": "APPHOST", "site": "Intranet", "cookieless": "UseCookies"}, host)
    assert host.reads == []  # refused before anything is read


def test_revert_at_the_application_says_what_it_now_runs(tree):
    run = _session.plan_run({"site": "Default Web Site/shop", "revert": ["timeout", "cookieless"]}, LocalImage(str(tree)))
    (plan,) = run.files
    assert plan.after == plan.before.replace(b' timeout="20" cookieless="UseCookies"', b"")
    assert [(entry["attribute"], entry["value"], entry["source"]) for entry in run.reverted] == [
        ("timeout", "20", None), ("cookieless", "UseCookies", None)]  # schema defaults: nothing above sets them


def test_revert_may_name_a_folder_below_an_application(tree):
    web = tree / "C/inetpub/wwwroot/web.config"
    text = web.read_bytes().replace(b"</configuration>", b'    <location path="images">\r\n        <system.web>\r\n'
                                    b'            <sessionState mode="Off" />\r\n        </system.web>\r\n    </location>\r\n'
                                    b"</configuration>")
    web.write_bytes(text)
    with pytest.raises(OptionError, match="beyond application level"):
        _session.plan_run({"site": "Default Web Site/images", "commit": "SITE", "mode": "InProc"}, LocalImage(str(tree)))
    run = _session.plan_run({"site": "Default Web Site/images", "commit": "SITE", "revert": ["mode"]}, LocalImage(str(tree)))
    assert run.files[0].after == text.replace(b'    <location path="images">\r\n        <system.web>\r\n'
                                              b'            <sessionState mode="Off" />\r\n        </system.web>\r\n    </location>\r\n', b"")


def test_reverting_in_a_file_that_does_not_exist_creates_nothing(tree):
    run = _session.plan_run({"site": "Intranet/hr", "revert": ["mode"]}, LocalImage(str(tree)))
    assert [(plan.changed, plan.created) for plan in run.files] == [(False, False)]


@pytest.mark.parametrize("options, fragment", [
    ({"mode": "InProc", "revert": ["mode"]}, "mode cannot be both set and reverted"),
    ({"revert": ["Mode"]}, "'Mode': not a session-state option"),
])
def test_revert_refusals(tree, options, fragment):
    with pytest.raises(OptionError, match=fragment):
        _session.plan_run(options, LocalImage(str(tree)))
