"""Windows paths inside an image tree: exact first, then case-insensitive listing."""

from __future__ import annotations

import pytest

from ansible_collections.iis.aspnet.plugins.plugin_utils.server import _image
from ansible_collections.iis.aspnet.plugins.plugin_utils.base._errors import ConfigError
from ansible_collections.iis.aspnet.tests.unit.plugins.plugin_utils.engine_helpers import LocalImage

SPLIT = [
    ("C:\\Windows\\System32", ["C", "Windows", "System32"]),
    ("d:/Sites//Intranet/", ["D", "Sites", "Intranet"]),
    ("C:\\", ["C"]),
    # As Windows reads a full path: '.' and '..' resolved on the text, never above the drive root
    # (applicationHost.config may hold such a physicalPath, e.g. %windir%\..\intranet).
    ("C:\\Windows\\..\\intranet", ["C", "intranet"]),
    ("C:\\inetpub\\.\\shop\\..\\..\\..\\shop", ["C", "shop"]),
    ("D:\\..", ["D"]),
]


@pytest.mark.parametrize("path, parts", SPLIT)
def test_split(path, parts):
    assert _image.split(path) == parts


@pytest.mark.parametrize("path, reason", [("Windows\\x", "not an absolute Windows path"),
                                          ("\\\\server\\share\\x", "is on a network share: map the share .* with image_shares")])
def test_split_refuses(path, reason):
    with pytest.raises(ConfigError, match=reason):
        _image.split(path)


def make_tree(tmp_path):
    (tmp_path / "C" / "Windows" / "Microsoft.NET" / "Framework64" / "v2.0.50727" / "CONFIG").mkdir(parents=True)
    (tmp_path / "C" / "Windows" / "Microsoft.NET" / "Framework64" / "v2.0.50727" / "CONFIG" / "web.config").write_bytes(b"<configuration/>")
    (tmp_path / "D" / "Sites" / "hr").mkdir(parents=True)
    return LocalImage(str(tmp_path))


def test_exact_path_needs_no_listing(tmp_path):
    image = make_tree(tmp_path)
    assert image.read("C:\\Windows\\Microsoft.NET\\Framework64\\v2.0.50727\\CONFIG\\web.config") == b"<configuration/>"
    assert image.listings == 0


def test_case_is_matched_by_listing(tmp_path):
    image = make_tree(tmp_path)
    assert image.read("c:\\windows\\microsoft.net\\framework64\\V2.0.50727\\Config\\WEB.CONFIG") == b"<configuration/>"
    assert image.listings == 7  # the image root, then one per component below it
    assert image.is_dir("D:\\SITES\\HR") and not image.is_dir("D:\\Sites\\hr\\web.config")


def test_absent_paths(tmp_path):
    image = make_tree(tmp_path)
    assert image.read("D:\\Sites\\hr\\web.config") is None
    assert image.read("E:\\x") is None
    assert not image.is_dir("C:\\inetpub")


def test_entries_differing_only_in_case_are_ambiguous(tmp_path):
    image = make_tree(tmp_path)
    (tmp_path / "D" / "Sites" / "HR").mkdir()
    with pytest.raises(ConfigError, match="ambiguous in the image"):
        image.read("D:\\sites\\Hr\\web.config")
