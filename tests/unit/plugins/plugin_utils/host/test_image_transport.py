"""ImageTransport with the real iis.aspnet.image_file module on a real tree: calls, containment, compare and swap."""

from __future__ import annotations

import hashlib
import os
import re
import socket
import stat
import threading
from pathlib import Path

import pytest
import yaml

from ansible_collections.iis.aspnet.plugins.modules import image_file
from ansible_collections.iis.aspnet.plugins.plugin_utils.base._errors import ConfigError, OptionError, PartialWrite
from ansible_collections.iis.aspnet.plugins.plugin_utils.host._transport import ImageTransport, TransportError, Write
from ansible_collections.iis.aspnet.plugins.plugin_utils.document._xmlfile import MAX_BYTES
from ansible_collections.iis.aspnet.tests.unit.plugins.plugin_utils.image_host import LocalImageHost

CONFIG = "C/Windows/Microsoft.NET/Framework64/v2.0.50727/CONFIG"
WIN_CONFIG = "C:\\Windows\\Microsoft.NET\\Framework64\\v2.0.50727\\CONFIG\\web.config"
CONTENT = b"<configuration/>"
NEW = b"<configuration>\r\n</configuration>\r\n"
# What Windows refuses in a file name (NTFS, Win32): a backup must avoid all of them.
NTFS_INVALID = re.compile(r'[<>:"\\|?*\x00-\x1f]|[. ]$')


@pytest.fixture
def tree(tmp_path) -> Path:
    root = tmp_path / "image"
    (root / CONFIG).mkdir(parents=True)
    (root / CONFIG / "web.config").write_bytes(CONTENT)
    (root / "D" / "Sites").mkdir(parents=True)
    return root


@pytest.fixture
def outside(tmp_path) -> Path:
    """A directory beside the image, with a file a link may try to reach."""
    path = tmp_path / "outside"
    path.mkdir()
    (path / "web.config").write_bytes(b"<configuration><!-- outside --></configuration>")
    return path


def transport(tree: Path, check_mode: bool = False) -> tuple[ImageTransport, LocalImageHost]:
    host = LocalImageHost(tree.parent / "remote-tmp", check_mode)
    return ImageTransport(host.execute, host.put, str(tree)), host


def files(root: Path) -> dict[str, bytes]:
    """Every file below ``root`` (links not followed) with its bytes; links as their target text."""
    found = {}
    for path in sorted(root.rglob("*")):
        if path.is_symlink():
            found[str(path.relative_to(root))] = f"-> {os.readlink(path)}".encode()
        elif path.is_file():
            found[str(path.relative_to(root))] = path.read_bytes()
    return found


# ---- reads: one call per file, listings only on a miss


def test_exact_path_costs_one_call(tree):
    remote, host = transport(tree)
    assert remote.read(WIN_CONFIG) == CONTENT
    assert remote.calls == ["iis.aspnet.image_file"] and host.ops() == ["read"]
    assert host.sent[0][1] == {"op": "read", "path": f"{tree}/{CONFIG}/web.config", "root": f"{tree}/C", "max_bytes": MAX_BYTES}


def test_other_case_lists_each_directory_once(tree):
    remote, host = transport(tree)
    path = "c:\\windows\\microsoft.net\\framework64\\v2.0.50727\\Config\\web.config"
    assert remote.read(path) == CONTENT
    # The exact read misses; then the image root and the six directories down to CONFIG are listed once each.
    assert host.ops() == ["read"] + ["list"] * 7 + ["read"]
    assert remote.is_dir("C:\\WINDOWS") and host.ops()[-1] == "list"
    assert host.sent[1][1]["root"] == str(tree) and host.sent[2][1]["root"] == f"{tree}/C"


def test_a_missing_file_is_none_and_a_new_file_is_created_beside_its_matched_directory(tree):
    remote, host = transport(tree)
    assert remote.read("D:\\Sites\\web.config") is None
    assert remote.commit([Write("d:\\sites\\web.config", None, NEW)], backup=True) == {
        "d:\\sites\\web.config": None}
    assert (tree / "D" / "Sites" / "web.config").read_bytes() == NEW
    assert host.ops()[-1] == "swap" and host.ops().count("swap") == 1


def test_a_directory_where_the_file_should_be_is_refused_naming_it(tree):
    (tree / "D" / "Sites" / "web.config").mkdir()
    remote, _host = transport(tree)
    with pytest.raises(ConfigError, match=r"^D:\\Sites\\web\.config: is a directory, not a regular file; refused without opening it$"):
        remote.read("D:\\Sites\\web.config")


def test_a_file_over_the_size_limit_is_refused_without_its_content_crossing(tree, monkeypatch):
    remote, host = transport(tree)
    monkeypatch.setattr("ansible_collections.iis.aspnet.plugins.plugin_utils.host._transport.MAX_BYTES", 10)
    with pytest.raises(ConfigError, match=r"web\.config: file is 16 bytes, over the 10-byte limit for config files$"):
        remote.read(WIN_CONFIG)
    assert host.sent[0][1]["max_bytes"] == 10


@pytest.mark.parametrize("missing", ["missing", "file"])
def test_an_image_root_that_is_no_directory_is_named_not_taken_for_a_missing_install(tree, missing):
    root = tree.parent / missing
    if missing == "file":
        root.write_bytes(CONTENT)
    host = LocalImageHost(tree.parent / "remote-tmp", False)
    remote = ImageTransport(host.execute, host.put, str(root))
    with pytest.raises(OptionError, match=f"^image_root: {re.escape(str(root))} does not exist"):
        remote.read(WIN_CONFIG)
    with pytest.raises(OptionError, match="^image_root: "):
        remote.is_dir("C:\\Windows")


def test_an_absent_file_in_an_existing_image_root_is_only_absent(tree):
    remote, _host = transport(tree)
    assert remote.read(WIN_CONFIG.replace("v2.0.50727", "v4.0.30319")) is None
    assert remote.is_dir("E:\\Sites") is False


# ---- containment: every path stays inside its drive folder


def test_a_drive_folder_that_is_itself_a_link_is_followed(tree, tmp_path):
    mounted = tmp_path / "mnt-d"
    (mounted / "Sites").mkdir(parents=True)
    (mounted / "Sites" / "web.config").write_bytes(CONTENT)
    (tree / "D" / "Sites").rmdir()
    (tree / "D").rmdir()
    (tree / "D").symlink_to(mounted)
    remote, _host = transport(tree)
    assert remote.read("D:\\Sites\\web.config") == CONTENT
    remote.commit([Write("D:\\Sites\\web.config", CONTENT, NEW)], backup=False)
    assert (mounted / "Sites" / "web.config").read_bytes() == NEW


@pytest.mark.parametrize("link", ["C/Windows/Microsoft.NET", f"{CONFIG}/web.config"])
def test_a_link_below_the_drive_folder_that_leads_outside_is_refused_for_read_and_write(tree, outside, link):
    target = outside if link.endswith(".NET") else outside / "web.config"
    if link.endswith(".NET"):
        (outside / "Framework64" / "v2.0.50727" / "CONFIG").mkdir(parents=True)
        (outside / "Framework64" / "v2.0.50727" / "CONFIG" / "web.config").write_bytes(CONTENT)
        target = outside
    before_outside, link_path = files(outside), tree / link
    _replace_with_link(link_path, target)
    before_tree = files(tree)
    remote, host = transport(tree)
    expected = (rf"^{re.escape(WIN_CONFIG)}: {re.escape(str(link_path))} is a symbolic link to {re.escape(str(target))}, "
                rf"outside the drive folder {re.escape(str(tree / 'C'))}; refused, nothing read or written through it$")
    with pytest.raises(TransportError, match=expected):
        remote.read(WIN_CONFIG)
    with pytest.raises(TransportError, match=expected):
        remote.commit([Write(WIN_CONFIG, CONTENT, NEW)], backup=True)
    assert files(outside) == before_outside and files(tree) == before_tree
    assert host.ops()[0] == "read" and len(host.ops()) > 1  # the write was tried, and refused


def _replace_with_link(path: Path, target: Path) -> None:
    if path.is_dir():
        import shutil

        shutil.rmtree(path)
    elif path.exists():
        path.unlink()
    path.symlink_to(target)


def test_a_relative_link_climbing_out_of_the_drive_is_refused(tree, outside):
    link = tree / "D" / "Sites" / "web.config"
    link.symlink_to(os.path.relpath(outside / "web.config", link.parent))
    remote, _host = transport(tree)
    with pytest.raises(TransportError, match=r"is a symbolic link to \.\./\.\./\.\./outside/web\.config \(.*/outside/web\.config\), "
                                             r"outside the drive folder"):
        remote.read("D:\\Sites\\web.config")


def test_a_link_into_another_drive_folder_is_outside_too(tree):
    (tree / "D" / "Sites" / "web.config").write_bytes(CONTENT)
    _replace_with_link(tree / CONFIG / "web.config", tree / "D" / "Sites" / "web.config")
    remote, _host = transport(tree)
    with pytest.raises(TransportError, match=r"outside the drive folder .*/C; refused"):
        remote.read(WIN_CONFIG)


def test_a_symbolic_link_loop_is_refused_naming_it(tree):
    path = tree / CONFIG / "web.config"
    path.unlink()
    path.symlink_to("web.config")
    remote, _host = transport(tree)
    with pytest.raises(TransportError, match=rf"^{re.escape(WIN_CONFIG)}: {re.escape(str(path))} is a symbolic link loop "
                                             r"\(it leads to web\.config\); refused$"):
        remote.read(WIN_CONFIG)


def test_a_web_config_linked_inside_the_drive_is_written_where_it_leads_and_named(tree):
    real = tree / CONFIG / "web.config.real"
    (tree / CONFIG / "web.config").rename(real)
    (tree / CONFIG / "web.config").symlink_to("web.config.real")
    remote, _host = transport(tree)
    assert remote.read(WIN_CONFIG) == CONTENT
    backups = remote.commit([Write(WIN_CONFIG, CONTENT, NEW)], backup=True)
    assert real.read_bytes() == NEW and os.readlink(tree / CONFIG / "web.config") == "web.config.real"
    assert Path(backups[WIN_CONFIG]).parent == tree / CONFIG and Path(backups[WIN_CONFIG]).read_bytes() == CONTENT
    assert remote.warnings == [f"{WIN_CONFIG} is a symbolic link: the file it leads to, {WIN_CONFIG}.real, was written and the link kept"]


# ---- special files: refused before they are opened


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _device(path: Path) -> None:
    os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 3))  # what /dev/null is


def _socket(path: Path) -> None:
    server = socket.socket(socket.AF_UNIX)
    cwd = os.getcwd()
    os.chdir(path.parent)  # a relative name: the absolute one may be too long for a socket address
    try:
        server.bind(path.name)
    finally:
        os.chdir(cwd)
        server.close()


@pytest.mark.parametrize(("make", "kind"), [(_fifo, "a named pipe (FIFO)"), (_device, "a character device"), (_socket, "a socket")])
def test_a_special_file_is_refused_without_being_opened(tree, make, kind):
    path = tree / CONFIG / "web.config"
    path.unlink()
    make(path)
    remote, _host = transport(tree)
    outcome = {}

    def attempt(call):
        try:
            call()
        except TransportError as exc:
            outcome.setdefault("errors", []).append(str(exc))

    # In a thread, so that a read that opened a FIFO would show as a timeout, not a hung test run.
    worker = threading.Thread(target=lambda: (attempt(lambda: remote.read(WIN_CONFIG)),
                                              attempt(lambda: remote.commit([Write(WIN_CONFIG, CONTENT, NEW)], backup=True))))
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive(), "the transport blocked on a special file"
    assert outcome["errors"] == [f"{WIN_CONFIG}: is {kind}, not a regular file; refused without opening it"] * 2
    assert stat.S_IFMT(path.lstat().st_mode) != stat.S_IFREG and sorted(p.name for p in path.parent.iterdir()) == ["web.config"]


# ---- discovery: one stat call tells which candidates exist


def test_discovery_is_one_call_and_an_absent_file_then_costs_none(tree):
    remote, host = transport(tree)
    absent = "D:\\Sites\\web.config"
    remote.discover([WIN_CONFIG, absent, "E:\\Sites\\web.config"])
    assert host.ops() == ["stat"]
    assert host.sent[0][1]["paths"] == [{"path": f"{tree}/{CONFIG}/web.config", "root": f"{tree}/C"},
                                        {"path": f"{tree}/D/Sites/web.config", "root": f"{tree}/D"},
                                        {"path": f"{tree}/E/Sites/web.config", "root": f"{tree}/E"}]
    assert remote.read(absent) is None and remote.read("e:\\sites\\web.config") is None and host.ops() == ["stat"]
    assert remote.read(WIN_CONFIG) == CONTENT and host.ops() == ["stat", "read"]
    assert remote.is_dir("D:\\Sites\\web.config") is False and host.ops() == ["stat", "read"]


def test_discovery_matches_case_from_one_listing_and_reads_what_it_found(tree):
    (tree / "D" / "Sites" / "Intranet").mkdir()
    (tree / "D" / "Sites" / "Intranet" / "Web.Config").write_bytes(CONTENT)
    remote, host = transport(tree)
    other = "c:\\WINDOWS\\microsoft.net\\framework64\\V2.0.50727\\config\\WEB.CONFIG"
    remote.discover([other, "d:\\sites\\intranet\\web.config", "D:\\SITES\\INTRANET\\HR\\web.config"])
    assert remote.read(other) == CONTENT and remote.read("d:\\sites\\intranet\\web.config") == CONTENT
    assert remote.read("D:\\SITES\\INTRANET\\HR\\web.config") is None
    assert host.ops() == ["stat", "read", "read"]  # no listing call: the module matched the names itself
    assert host.sent[1][1]["path"] == f"{tree}/{CONFIG}/web.config"
    assert host.sent[2][1]["path"] == f"{tree}/D/Sites/Intranet/Web.Config"


def test_a_lower_case_drive_folder_is_found_by_discovery(tree):
    (tree / "D").rename(tree / "d")
    (tree / "d" / "Sites" / "web.config").write_bytes(CONTENT)
    remote, host = transport(tree)
    remote.discover(["D:\\Sites\\web.config"])
    assert remote.read("D:\\Sites\\web.config") == CONTENT
    assert host.sent[1][1] == {"op": "read", "path": f"{tree}/d/Sites/web.config", "root": f"{tree}/d", "max_bytes": MAX_BYTES}


def test_names_that_differ_only_in_case_are_refused_for_the_paths_that_need_them(tree):
    (tree / "D" / "sites").mkdir()
    (tree / "D" / "sites" / "web.config").write_bytes(CONTENT)
    remote, host = transport(tree)
    remote.discover(["D:\\SITES\\web.config", WIN_CONFIG])
    with pytest.raises(TransportError, match=r"^D:\\SITES\\web\.config: ambiguous in the image: .*/D/SITES matches \['Sites', 'sites'\]$"):
        remote.read("D:\\SITES\\web.config")
    assert remote.read(WIN_CONFIG) == CONTENT and host.ops() == ["stat", "read"]


def test_discovery_keeps_the_containment_rules_and_names_the_refused_path_at_its_read(tree, outside):
    link = tree / "D" / "Sites" / "web.config"
    link.symlink_to(outside / "web.config")
    remote, host = transport(tree)
    remote.discover(["D:\\Sites\\web.config", WIN_CONFIG])
    with pytest.raises(TransportError, match=rf"^D:\\Sites\\web\.config: {re.escape(str(link))} is a symbolic link to "
                                             rf"{re.escape(str(outside / 'web.config'))}, outside the drive folder"):
        remote.read("D:\\Sites\\web.config")
    assert remote.read(WIN_CONFIG) == CONTENT and host.ops() == ["stat", "read"]


def test_discovery_opens_no_special_file_and_the_read_refuses_it(tree):
    path = tree / CONFIG / "web.config"
    path.unlink()
    os.mkfifo(path)
    remote, host = transport(tree)
    worker = threading.Thread(target=lambda: remote.discover([WIN_CONFIG]))
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive(), "discovery blocked on a FIFO"
    with pytest.raises(TransportError, match=r"is a named pipe \(FIFO\), not a regular file; refused without opening it$"):
        remote.read(WIN_CONFIG)
    assert host.ops() == ["stat", "read"]


def test_discovery_in_an_image_root_that_does_not_exist_names_the_option(tree):
    host = LocalImageHost(tree.parent / "remote-tmp", False)
    remote = ImageTransport(host.execute, host.put, str(tree.parent / "nowhere"))
    with pytest.raises(OptionError, match="^image_root: .*/nowhere does not exist"):
        remote.discover([WIN_CONFIG])


def test_a_path_asked_twice_or_already_read_is_not_asked_again(tree):
    remote, host = transport(tree)
    assert remote.read(WIN_CONFIG) == CONTENT
    remote.discover([WIN_CONFIG, WIN_CONFIG.upper()])
    remote.discover(["D:\\Sites\\web.config", "d:\\SITES\\web.config"])
    remote.discover(["D:\\Sites\\web.config"])
    assert host.ops() == ["read", "stat"] and len(host.sent[1][1]["paths"]) == 1


# ---- compare and swap in one call


def test_a_swap_is_one_call_for_every_file_and_keeps_mode_and_owner(tree):
    other = tree / "D" / "Sites" / "web.config"
    other.write_bytes(CONTENT)
    os.chmod(other, 0o640)
    remote, host = transport(tree)
    assert remote.read(WIN_CONFIG) == CONTENT and remote.read("D:\\Sites\\web.config") == CONTENT
    host.sent.clear()
    written = remote.commit([Write(WIN_CONFIG, CONTENT, NEW), Write("D:\\Sites\\web.config", CONTENT, NEW + b"<!-- d -->")], backup=False)
    assert written == {WIN_CONFIG: None, "D:\\Sites\\web.config": None}
    assert host.ops() == ["swap"]  # the destinations are exact: no listing
    assert (tree / CONFIG / "web.config").read_bytes() == NEW and other.read_bytes() == NEW + b"<!-- d -->"
    assert stat.S_IMODE(other.stat().st_mode) == 0o640
    assert sorted(os.listdir(other.parent)) == ["web.config"]  # no temporary file left


def test_a_changed_file_stops_every_write_of_the_swap(tree):
    second = tree / "D" / "Sites" / "web.config"
    second.write_bytes(CONTENT)
    remote, host = transport(tree)
    host.before["swap"] = lambda: second.write_bytes(CONTENT + b"<!-- another writer -->")
    with pytest.raises(TransportError) as info:
        remote.commit([Write(WIN_CONFIG, CONTENT, NEW), Write("D:\\Sites\\web.config", CONTENT, NEW)], backup=True)
    now = hashlib.sha1(CONTENT + b"<!-- another writer -->").hexdigest()
    assert str(info.value) == (f"D:\\Sites\\web.config: changed on the host since it was read (was sha1 "
                               f"{hashlib.sha1(CONTENT).hexdigest()}, now sha1 {now}); nothing written")
    assert (tree / CONFIG / "web.config").read_bytes() == CONTENT and second.read_bytes() == CONTENT + b"<!-- another writer -->"
    assert sorted(os.listdir(second.parent)) == ["web.config"] and sorted(os.listdir(tree / CONFIG)) == ["web.config"]


def test_a_file_created_by_another_writer_is_not_overwritten(tree):
    target = tree / "D" / "Sites" / "web.config"
    remote, host = transport(tree)
    host.before["swap"] = lambda: target.write_bytes(b"theirs")
    with pytest.raises(TransportError, match=r"^D:\\Sites\\web\.config: changed on the host since it was read \(was absent, now sha1 "):
        remote.commit([Write("D:\\Sites\\web.config", None, NEW)], backup=False)
    assert target.read_bytes() == b"theirs"


def test_a_file_created_between_the_compare_and_the_link_is_not_overwritten(tree, monkeypatch):
    target = tree / "D" / "Sites" / "web.config"
    remote, _host = transport(tree)
    compare = image_file.Swap.compare

    def compare_then_race(self):
        found = compare(self)
        target.write_bytes(b"theirs")  # after the compare, before the rename: the last window
        return found

    monkeypatch.setattr(image_file.Swap, "compare", compare_then_race)
    with pytest.raises(TransportError, match=r"^D:\\Sites\\web\.config: .*while being (written|replaced); nothing written to it$"):
        remote.commit([Write("D:\\Sites\\web.config", None, NEW)], backup=False)
    assert target.read_bytes() == b"theirs" and sorted(os.listdir(target.parent)) == ["web.config"]


def test_a_file_replaced_between_the_compare_and_the_rename_is_not_overwritten(tree, monkeypatch):
    target = tree / CONFIG / "web.config"
    remote, _host = transport(tree)
    compare = image_file.Swap.compare

    def compare_then_race(self):
        found = compare(self)
        replacement = target.with_name("theirs")
        replacement.write_bytes(b"theirs")
        os.replace(replacement, target)  # another atomic writer, after the compare
        return found

    monkeypatch.setattr(image_file.Swap, "compare", compare_then_race)
    with pytest.raises(TransportError, match=r"changed on the host while being replaced; nothing written to it$"):
        remote.commit([Write(WIN_CONFIG, CONTENT, NEW)], backup=True)
    assert target.read_bytes() == b"theirs" and sorted(os.listdir(target.parent)) == ["web.config"]


def test_a_rename_failing_after_another_file_was_written_is_a_partial_write_with_its_backup(tree, monkeypatch):
    second = tree / "D" / "Sites" / "web.config"
    second.write_bytes(CONTENT)
    remote, _host = transport(tree)
    rename = os.rename

    def fail_second(source, destination):
        if str(destination) == str(second):
            raise PermissionError(1, "Operation not permitted", str(destination))
        rename(source, destination)

    monkeypatch.setattr(image_file.os, "rename", fail_second)
    with pytest.raises(PartialWrite) as info:
        remote.commit([Write(WIN_CONFIG, CONTENT, NEW), Write("D:\\Sites\\web.config", CONTENT, NEW)], backup=True)
    (backup,) = info.value.written.values()
    assert list(info.value.written) == [WIN_CONFIG] and Path(backup).read_bytes() == CONTENT
    assert str(info.value.cause) == "D:\\Sites\\web.config: cannot be written: the rename into place failed: Operation not permitted"
    assert (tree / CONFIG / "web.config").read_bytes() == NEW and second.read_bytes() == CONTENT
    assert sorted(os.listdir(second.parent)) == ["web.config"]  # the second file's backup link and temp file are gone too


def test_check_mode_compares_and_writes_nothing(tree):
    remote, host = transport(tree, check_mode=True)
    assert remote.commit([Write(WIN_CONFIG, CONTENT, NEW)], backup=True) == {}
    assert files(tree)[f"{CONFIG}/web.config"] == CONTENT and sorted(os.listdir(tree / CONFIG)) == ["web.config"]


# ---- backups: names Windows accepts


def test_a_backup_name_is_valid_on_ntfs_and_holds_the_old_bytes(tree):
    remote, _host = transport(tree)
    backup = Path(remote.commit([Write(WIN_CONFIG, CONTENT, NEW)], backup=True)[WIN_CONFIG])
    assert re.fullmatch(r"web\.config\.\d+\.\d{8}-\d{6}\.bak", backup.name), backup.name
    assert not NTFS_INVALID.search(backup.name) and backup.parent == tree / CONFIG and backup.read_bytes() == CONTENT


def test_two_backups_in_the_same_second_get_different_names(tree):
    remote, _host = transport(tree)
    first = remote.commit([Write(WIN_CONFIG, CONTENT, NEW)], backup=True)[WIN_CONFIG]
    second = remote.commit([Write(WIN_CONFIG, NEW, CONTENT)], backup=True)[WIN_CONFIG]
    assert first != second and Path(first).read_bytes() == CONTENT and Path(second).read_bytes() == NEW
    assert not NTFS_INVALID.search(Path(second).name)


def test_a_backup_without_hard_links_is_a_copy(tree, monkeypatch):
    def no_links(*_args, **_kwargs):
        raise OSError(1, "Operation not permitted")

    monkeypatch.setattr(image_file.os, "link", no_links)
    remote, _host = transport(tree)
    backup = Path(remote.commit([Write(WIN_CONFIG, CONTENT, NEW)], backup=True)[WIN_CONFIG])
    assert backup.read_bytes() == CONTENT and not backup.samefile(tree / CONFIG / "web.config")
    created = remote.commit([Write("D:\\Sites\\web.config", None, NEW)], backup=False)  # a new file, renamed into place
    assert created == {"D:\\Sites\\web.config": None} and (tree / "D" / "Sites" / "web.config").read_bytes() == NEW


# ---- the module's interface


def documented_options() -> dict:
    return yaml.safe_load(image_file.DOCUMENTATION)["options"]


def test_every_argument_sent_is_an_option_the_module_documents(tree):
    remote, host = transport(tree)
    remote.read("c:\\windows\\microsoft.net\\framework64\\v2.0.50727\\Config\\web.config")
    remote.is_dir("D:\\")
    remote.discover(["D:\\Sites\\web.config"])
    remote.commit([Write(WIN_CONFIG, CONTENT, NEW)], backup=True)
    options = documented_options()
    assert set(host.ops()) == {"read", "list", "stat", "swap"}
    for _module, args in host.sent:
        assert set(args) <= set(options), set(args) - set(options)
        for entry in args.get("files") or ():
            assert set(entry) <= set(options["files"]["suboptions"])
        for entry in args.get("paths") or ():
            assert set(entry) <= set(options["paths"]["suboptions"])


def test_the_documented_options_are_the_argument_spec():
    options = documented_options()
    assert set(options) == set(image_file.ARGUMENT_SPEC)
    for name, spec in image_file.ARGUMENT_SPEC.items():
        assert options[name]["type"] == spec["type"] and options[name].get("default") == spec.get("default"), name
    assert options["max_bytes"]["default"] == MAX_BYTES
