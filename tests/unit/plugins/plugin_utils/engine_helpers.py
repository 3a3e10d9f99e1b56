"""Shared helpers for the engine's unit tests ."""

from __future__ import annotations

import os

from ansible_collections.iis.aspnet.plugins.plugin_utils.audit import _effective
from ansible_collections.iis.aspnet.plugins.plugin_utils.document import _xmlfile
from ansible_collections.iis.aspnet.plugins.plugin_utils.run import _session
from ansible_collections.iis.aspnet.plugins.plugin_utils.server import _apphost, _image


def crlf(text: str) -> bytes:
    """Test documents are written with LF in Python source and stored as Windows ships them."""
    return text.replace("\n", "\r\n").encode("utf-8")


def config(body: str, *, bom: bool = False, newline: str = "\r\n") -> bytes:
    text = '<?xml version="1.0" encoding="utf-8"?>\n<configuration>\n' + body + "</configuration>\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.replace("\n", newline).encode("utf-8")


def changed_region(before: bytes, after: bytes) -> tuple[int, int, int]:
    """(start, end in before, end in after) of the one region where two byte strings differ."""
    start = 0
    limit = min(len(before), len(after))
    while start < limit and before[start] == after[start]:
        start += 1
    end_b, end_a = len(before), len(after)
    while end_b > start and end_a > start and before[end_b - 1] == after[end_a - 1]:
        end_b -= 1
        end_a -= 1
    return start, end_b, end_a


class LocalImage:
    """A ``_session.Host`` over a Windows tree on the local file system."""

    def __init__(self, image_root: str) -> None:
        self.image_root = image_root
        self.listings = 0

    def locate(self, path: str) -> str | None:
        candidate = _image.exact(self.image_root, path)
        if os.path.exists(candidate):
            return candidate
        return _image.match_case(self.image_root, path, self._listdir)

    def read(self, path: str) -> bytes | None:
        found = self.locate(path)
        if found is None or not os.path.isfile(found):
            return None
        with open(found, "rb") as handle:
            return handle.read()

    def is_dir(self, path: str) -> bool:
        found = self.locate(path)
        return found is not None and os.path.isdir(found)

    def _listdir(self, directory: str) -> list[str] | None:
        self.listings += 1
        try:
            return os.listdir(directory)
        except (FileNotFoundError, NotADirectoryError):
            return None


# --- an in-memory host for the merge and the STIG audit ---------------------------------------

MACHINE = "C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\Config\\machine.config"
WEBROOT = "C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\Config\\web.config"
SITE = "C:\\s\\web.config"
APP = "C:\\s\\a\\web.config"
APPHOST = """<system.applicationHost>
  <applicationPools><add name="DefaultAppPool" managedRuntimeVersion="v4.0" /></applicationPools>
  <sites>
    <site name="S" id="1">
      <application path="/"><virtualDirectory path="/" physicalPath="C:\\s" />
        <virtualDirectory path="/img" physicalPath="C:\\s\\img" /></application>
      <application path="/a"><virtualDirectory path="/" physicalPath="C:\\s\\a" /></application>
    </site>
  </sites>
</system.applicationHost>
"""
TARGET = "MACHINE/WEBROOT/APPHOST/S/a"


class Tree:
    """A _session.Host over an in-memory Windows tree, counting reads."""

    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = {path.casefold(): data for path, data in files.items()}
        self.reads = 0

    def read(self, path: str) -> bytes | None:
        self.reads += 1
        return self.files.get(path.casefold())

    def is_dir(self, path: str) -> bool:
        return False


def section(attributes: str, location: str | None = None, scoping: str = "", element: str = "sessionState") -> str:
    inner = f"<system.web><{element} {attributes} /></system.web>\n"
    if location is None:
        return inner
    return f'<location path="{location}"{scoping}>{inner}</location>\n'


def report(files: dict[str, str], sites=None, service=None, frameworks=("v4.0",), bitnesses=(64,), apphost=APPHOST):
    """The session_state_info report of an in-memory host: empty machine.config and root web.config unless given."""
    tree = Tree({path: config(body) for path, body in {MACHINE: "", WEBROOT: "", **files}.items()})
    tree.files[_apphost.APPHOST_CONFIG.casefold()] = config(apphost + files.get("apphost", ""))
    cache = _session.FileCache(tree)
    data = cache.read(_apphost.APPHOST_CONFIG)
    model = _apphost.parse_apphost(_xmlfile.parse_tree(_apphost.APPHOST_CONFIG, data), _apphost.APPHOST_CONFIG)
    result = _effective.build_report(cache.doc, model, cache.doc(_apphost.APPHOST_CONFIG), sites=sites,
                                     frameworks=frameworks, bitnesses=bitnesses, service=service)
    return result, tree


def level(result: dict, config_path: str) -> dict:
    return next(entry for entry in result["levels"] if entry["config_path"] == config_path)
