"""ImageTransport at the seam: the builtin modules it calls, with what, and how often."""

from __future__ import annotations

import base64
import hashlib

import pytest

from ansible_collections.iis.aspnet.plugins.plugin_utils._errors import ConfigError, OptionError
from ansible_collections.iis.aspnet.plugins.plugin_utils._transport import ImageTransport

ROOT = "/srv/image"
FILES = {"/srv/image/C/Windows/Microsoft.NET/Framework64/v2.0.50727/CONFIG/web.config": b"<configuration/>"}
DIRS = {"/srv/image", "/srv/image/C", "/srv/image/C/Windows", "/srv/image/C/Windows/Microsoft.NET",
        "/srv/image/C/Windows/Microsoft.NET/Framework64", "/srv/image/C/Windows/Microsoft.NET/Framework64/v2.0.50727",
        "/srv/image/C/Windows/Microsoft.NET/Framework64/v2.0.50727/CONFIG", "/srv/image/D"}


class FakePosix:
    """slurp, stat, find and copy over FILES and DIRS, in the shapes the builtin modules return."""

    def __init__(self, denied=()):
        self.calls = []
        self.denied = set(denied)
        self.uploads = {}

    def execute(self, module, args):
        self.calls.append((module, args))
        return getattr(self, module.rpartition(".")[2])(args)

    def slurp(self, args):
        if args["src"] in self.denied:
            return {"failed": True, "msg": f"file is not readable: {args['src']}"}
        if args["src"] not in FILES:
            return {"failed": True, "msg": f"file not found: {args['src']}"}
        return {"content": base64.b64encode(FILES[args["src"]]).decode(), "encoding": "base64", "source": args["src"]}

    def stat(self, args):
        path = args["path"]
        if path in FILES:
            stat = {"exists": True, "isdir": False}
            if args.get("get_checksum"):
                stat["checksum"] = hashlib.sha1(FILES[path]).hexdigest()
            return {"stat": stat}
        return {"stat": {"exists": path in DIRS, "isdir": path in DIRS}}

    def find(self, args):
        (directory,) = args["paths"]
        if directory not in DIRS:
            return {"files": [], "skipped_paths": {directory: f"{directory} was skipped as it does not seem to be a valid directory"}}
        children = {p for p in FILES | dict.fromkeys(DIRS) if p.rpartition("/")[0] == directory}
        return {"files": [{"path": p} for p in sorted(children)], "skipped_paths": {}}

    def copy(self, args):
        return {"changed": True, "dest": args["dest"], **({"backup_file": args["dest"] + ".bak"} if args["backup"] else {})}

    def put(self, data):
        path = f"/tmp/ansible-tmp/source-{len(self.uploads)}"
        self.uploads[path] = data
        return path


def test_exact_path_costs_one_call():
    host = FakePosix()
    transport = ImageTransport(host.execute, host.put, ROOT)
    assert transport.read("C:\\Windows\\Microsoft.NET\\Framework64\\v2.0.50727\\CONFIG\\web.config") == b"<configuration/>"
    assert transport.calls == ["ansible.builtin.slurp"]


def test_other_case_lists_each_directory_once():
    host = FakePosix()
    transport = ImageTransport(host.execute, host.put, ROOT)
    path = "c:\\windows\\microsoft.net\\framework64\\v2.0.50727\\Config\\web.config"
    assert transport.read(path) == b"<configuration/>"
    assert transport.calls == ["ansible.builtin.slurp"] + ["ansible.builtin.find"] * 7 + ["ansible.builtin.slurp"]
    assert transport.checksum(path) == hashlib.sha1(b"<configuration/>").hexdigest()
    assert transport.calls[-1] == "ansible.builtin.stat" and transport.calls.count("ansible.builtin.find") == 7


def test_absent_file_and_new_file_destination():
    host = FakePosix()
    transport = ImageTransport(host.execute, host.put, ROOT)
    assert transport.read("D:\\Sites\\web.config") is None
    transport.write("c:\\windows\\new.config", b"<configuration/>", backup=False)
    module, args = host.calls[-1]
    assert module == "ansible.builtin.copy"
    assert args == {"src": "/tmp/ansible-tmp/source-0", "dest": "/srv/image/C/Windows/new.config", "backup": False,
                    "checksum": hashlib.sha1(b"<configuration/>").hexdigest(), "_original_basename": "new.config"}


def test_unreadable_file_is_an_error_naming_it():
    path = "/srv/image/C/Windows/Microsoft.NET/Framework64/v2.0.50727/CONFIG/web.config"
    transport = ImageTransport(FakePosix(denied=[path]).execute, FakePosix().put, ROOT)
    with pytest.raises(ConfigError, match="web.config: cannot be read: file is not readable"):
        transport.read("C:\\Windows\\Microsoft.NET\\Framework64\\v2.0.50727\\CONFIG\\web.config")


@pytest.mark.parametrize("root", ["/srv/missing", "/srv/image/C/Windows/Microsoft.NET/Framework64/v2.0.50727/CONFIG/web.config"])
def test_an_image_root_that_is_no_directory_is_named_not_taken_for_a_missing_install(root):
    host = FakePosix()
    transport = ImageTransport(host.execute, host.put, root)
    with pytest.raises(OptionError, match=f"^image_root: {root} does not exist"):
        transport.read("C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\Config\\web.config")
    with pytest.raises(OptionError, match="^image_root: "):
        transport.is_dir("C:\\Windows")


def test_an_absent_file_in_an_existing_image_root_is_only_absent():
    transport = ImageTransport(FakePosix().execute, FakePosix().put, ROOT)
    assert transport.read("C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\Config\\web.config") is None
    assert transport.is_dir("E:\\Sites") is False


def test_backup_path_is_returned():
    host = FakePosix()
    transport = ImageTransport(host.execute, host.put, ROOT)
    assert transport.write("C:\\Windows\\Microsoft.NET\\Framework64\\v2.0.50727\\CONFIG\\web.config", b"x", backup=True).endswith(".bak")


def documented_options(module: str) -> set[str]:
    """Options a builtin module documents, doc fragments included (read from the installed ansible-core)."""
    import importlib

    from ansible.plugins.loader import fragment_loader
    from ansible.utils.plugin_docs import get_docstring

    documentation = get_docstring(importlib.import_module(f"ansible.modules.{module}").__file__, fragment_loader, is_module=True)[0]
    return set(documentation["options"]) | {alias for option in documentation["options"].values() for alias in option.get("aliases", [])}


# Internal keys the builtin copy module reads (ansible/modules/copy.py argument_spec) although undocumented.
INTERNAL = {"copy": {"_original_basename"}}


def test_every_argument_sent_is_an_option_the_module_documents():
    host = FakePosix()
    transport = ImageTransport(host.execute, host.put, ROOT)
    transport.read("c:\\windows\\microsoft.net\\framework64\\v2.0.50727\\Config\\web.config")
    transport.is_dir("D:\\")
    transport.checksum("C:\\Windows\\Microsoft.NET\\Framework64\\v2.0.50727\\CONFIG\\web.config")
    transport.write("C:\\Windows\\x.config", b"x", backup=True)
    sent = {}
    for module, args in host.calls:
        sent.setdefault(module.rpartition(".")[2], set()).update(args)
    assert set(sent) == {"slurp", "find", "stat", "copy"}
    for module, keys in sent.items():
        assert keys <= documented_options(module) | INTERNAL.get(module, set()), (module, keys - documented_options(module))
