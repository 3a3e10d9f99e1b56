"""Hostile trees, hostile values: ONE ansible-playbook run (with --diff), one image host per case.

Where test_session_state_hostile_playbook.py poisons the bytes of one file, these cases poison the
tree around it (symbolic links leading out of the image, link loops, special files), the
encoding, the options, and the secrets. Each host has its own copy of the sample server and its
own ``outside`` directory beside ``image_root`` (what a link may try to reach). Every case asserts
the bytes of every entry inside the image and outside it (files, links, special files), and that
no secret reaches the run's output.

Refused: the task fails, its message starts with the Windows path (or the option) and names the
cause, and nothing changes anywhere. Edited: exactly the expected file changes, to the expected
bytes (which are written out below from the sample's own lines).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from ansible_collections.iis.aspnet.tests.unit.playbook_runs import ROOT64, SAMPLE, WIN_ROOT64, leftovers, run_on_images, sample_tree
from ansible_collections.iis.aspnet.tests.unit.plugins.action.test_session_state_hostile_playbook import ORIGINAL, edit, inserted

pytestmark = pytest.mark.playbook  # runs the real ansible-playbook: the playbook suite

APPHOST = "C/Windows/System32/inetsrv/config/applicationHost.config"
SHOP = "C/inetpub/shop/web.config"
INTRANET = "D/Sites/Intranet/web.config"
OLD_SECRET, NEW_SECRET = "Old-5ecret-Qx71", "New-5ecret-Zk93"
NTFS_BACKUP = re.compile(r"web\.config(\.real)?\.\d+\.\d{8}-\d{6}\.bak")
TASK = {"mode": "InProc", "bitness": [64]}


def snapshot(root: Path) -> dict[str, str]:
    """Every entry below ``root``, links not followed: file bytes, link targets, kinds of special files."""
    found = {}
    for path in sorted(root.rglob("*")):
        mode = path.lstat().st_mode
        if stat.S_ISLNK(mode):
            found[str(path.relative_to(root))] = "-> " + os.readlink(path)
        elif stat.S_ISREG(mode):
            found[str(path.relative_to(root))] = path.read_bytes().decode("latin-1")
        else:
            found[str(path.relative_to(root))] = "dir" if stat.S_ISDIR(mode) else f"special {stat.S_IFMT(mode):o}"
    return found


def _move_out(relative: str) -> Callable[[Path, Path], None]:
    """Move a folder of the image to ``outside`` and leave a symbolic link to it in its place."""
    def prepare(root: Path, outside: Path) -> None:
        shutil.move(str(root / relative), str(outside / Path(relative).name))
        (root / relative).symlink_to(outside / Path(relative).name)
    return prepare


def _drive_mounted_elsewhere(root: Path, outside: Path) -> None:
    shutil.move(str(root / "D"), str(outside / "D-volume"))
    (root / "D").symlink_to(outside / "D-volume")


def _special(make: Callable[[Path], None]) -> Callable[[Path, Path], None]:
    def prepare(root: Path, outside: Path) -> None:
        (root / ROOT64).unlink()
        make(root / ROOT64)
    return prepare


def _socket(path: Path) -> None:
    server, cwd = socket.socket(socket.AF_UNIX), os.getcwd()
    os.chdir(path.parent)  # the absolute path may be too long for a socket address
    try:
        server.bind(path.name)
    finally:
        os.chdir(cwd)
        server.close()


def _link_outside(root: Path, outside: Path) -> None:
    """The 64-bit root web.config moved out of the image, a link to it left in its place."""
    shutil.move(str(root / ROOT64), str(outside / "web.config"))
    (root / ROOT64).symlink_to(outside / "web.config")


def _link_beside(root: Path, outside: Path) -> None:
    """The 64-bit root web.config renamed web.config.real, a relative link to it left in its place."""
    (root / ROOT64).rename(root / (ROOT64 + ".real"))
    (root / ROOT64).symlink_to("web.config.real")


def _loop(root: Path, outside: Path) -> None:
    (root / ROOT64).unlink()
    (root / ROOT64).symlink_to("web.config")


def _file(relative: str, change: Callable[[bytes], bytes]) -> Callable[[Path, Path], None]:
    def prepare(root: Path, outside: Path) -> None:
        (root / relative).write_bytes(change((root / relative).read_bytes()))
    return prepare


def _utf7(data: bytes) -> bytes:
    """Declared and encoded as UTF-7, with a comment the encoder writes as a base64 run."""
    text = data.decode("utf-8").replace('encoding="utf-8"', 'encoding="utf-7"')
    return text.replace("the root web configuration file", "the root web configuration file + caf\u00e9").encode("utf-7")


SECRET_LINES = (f'        <machineKey validationKey="{NEW_SECRET}" />\r\n'
                f'        <sessionState mode="SQLServer" sqlConnectionString="data source=old;pass&#119;ord={OLD_SECRET};x=1" />\r\n')
END = b"        <!-- health monitoring, web parts and site map providers cut from this sample -->\r\n    </system.web>"
SECRET_FILE = edit(ORIGINAL, END, SECRET_LINES.encode() + END)


@dataclass(frozen=True)
class Case:
    name: str
    why: str
    prepare: Callable[[Path, Path], None] | None = None
    task: dict = field(default_factory=lambda: dict(TASK))
    cause: str | None = None  # refused: regex the message must match (after the file or option it starts with)
    starts: str = WIN_ROOT64 + ": "
    after: dict[str, bytes] = field(default_factory=dict)  # edited: path (in the image, or "outside/...") -> bytes
    warning: str | None = None


CASES = [
    # ---- containment
    Case("site-folder-links-outside",
         "The shop application's folder is a link to a directory outside the image: reading (and so writing) its "
         "web.config would leave the drive folder. Refused naming the link and where it leads; no backup appears.",
         prepare=_move_out("C/inetpub/shop"), task={"site": "Default Web Site/shop", "timeout": 42, "backup": True},
         starts="C:\\inetpub\\shop\\web.config: ",
         cause=r"/C/inetpub/shop is a symbolic link to \S+/outside/shop, outside the drive folder \S+/C; refused, nothing "
               r"read or written through it$"),
    Case("framework-folder-links-outside",
         "Framework64 is a link out of the image: the root web.config there is not the image's.",
         prepare=_move_out("C/Windows/Microsoft.NET/Framework64"),
         cause=r"/C/Windows/Microsoft\.NET/Framework64 is a symbolic link to \S+/outside/Framework64, outside the drive folder"),
    Case("web-config-links-outside", "The root web.config itself is a link to a file outside the image.",
         prepare=_link_outside,
         cause=r"/Config/web\.config is a symbolic link to \S+/outside/web\.config, outside the drive folder"),
    Case("drive-folder-is-a-link",
         "A drive folder may be a link to where that drive is mounted: D is followed, and the file there is edited.",
         prepare=_drive_mounted_elsewhere, task={"site": "Intranet", "timeout": 42},
         after={"outside/D-volume/Sites/Intranet/web.config": edit(
             (SAMPLE / INTRANET).read_bytes(), b"<sessionState mode='InProc' timeout='45' />",
             b"<sessionState mode='InProc' timeout='42' />")}),
    Case("dot-dot-in-a-physical-path",
         "applicationHost.config may hold a physicalPath with '..'; Windows resolves it on the text, and so does the "
         "engine, never above the drive root: C:\\inetpub\\..\\..\\inetpub\\shop is C:\\inetpub\\shop.",
         prepare=_file(APPHOST, lambda data: edit(data, b'physicalPath="%SystemDrive%\\inetpub\\shop"',
                                                  b'physicalPath="%SystemDrive%\\inetpub\\..\\..\\inetpub\\shop"')),
         task={"site": "Default Web Site/shop", "timeout": 42},
         after={SHOP: edit((SAMPLE / SHOP).read_bytes(), b'<sessionState mode="InProc" timeout="20"',
                           b'<sessionState mode="InProc" timeout="42"')}),
    # ---- links inside the tree
    Case("web-config-links-inside",
         "A root web.config that is a link to a file beside it: written where it leads, the link kept, a warning naming "
         "both, and the backup (a name NTFS accepts) beside the real file.",
         prepare=_link_beside, task={**TASK, "backup": True},
         after={ROOT64 + ".real": inserted(ORIGINAL)},
         warning=rf"^{re.escape(WIN_ROOT64)} is a symbolic link: the file it leads to, {re.escape(WIN_ROOT64)}\.real, was written "
                 r"and the link kept$"),
    Case("symlink-loop", "A link to itself: refused as a loop, with no placeholder in the message.",
         prepare=_loop, cause=r"/Config/web\.config is a symbolic link loop \(it leads to web\.config\); refused$"),
    # ---- special files: refused before they are opened (a named pipe would block a reader forever)
    Case("named-pipe", "A FIFO where the root web.config should be.", prepare=_special(os.mkfifo),
         cause=r"^is a named pipe \(FIFO\), not a regular file; refused without opening it$"),
    Case("character-device", "A device node (what /dev/null is) as the root web.config.",
         prepare=_special(lambda path: os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 3))),
         cause=r"^is a character device, not a regular file; refused without opening it$"),
    Case("socket", "A UNIX socket as the root web.config.", prepare=_special(_socket),
         cause=r"^is a socket, not a regular file; refused without opening it$"),
    # ---- encodings
    Case("utf-7", "UTF-7 is stateful: re-encoding after an edit rewrites runs outside it (here in a comment). Refused.",
         prepare=_file(ROOT64, _utf7), cause=r"^declares utf-7, a stateful encoding"),
    Case("base64-declared", "An encoding name Python knows only as a bytes codec: refused as no text encoding, no crash.",
         prepare=_file(ROOT64, lambda data: edit(data, b'encoding="utf-8"', b'encoding="base64"')),
         cause=r"^declares base64, which is not a text encoding$"),
    # ---- values and markup the user can fix
    Case("control-character-in-site", "A control character in site: refused by the option, no 'internal error'.",
         task={"mode": "InProc", "commit": "WEBROOT", "site": "Default Web Site/sh\x01op", "bitness": [64]}, starts="site: ",
         cause=r"holds the control character U\+0001"),
    Case("namespace-prefix", "<x:sessionState> is not the section to the runtime: refused as such, not as an internal error.",
         prepare=_file(ROOT64, lambda data: edit(data, END, b'        <x:sessionState xmlns:x="urn:x" mode="Off" />\r\n' + END)),
         cause=r"^<x:sessionState> at line \d+ has a namespace prefix"),
    # ---- secrets
    Case("secrets-in-the-diff",
         "An old password behind pass&#119;ord= (password= to ASP.NET) on a removed line, and the new no_log password "
         "also on a context line: neither reaches the output.",
         prepare=_file(ROOT64, lambda data: SECRET_FILE),
         task={"mode": "SQLServer", "sql_connection_string": f"data source=new;password={NEW_SECRET}", "bitness": [64]},
         after={ROOT64: edit(SECRET_FILE, f"data source=old;pass&#119;ord={OLD_SECRET};x=1".encode(),
                             f"data source=new;password={NEW_SECRET}".encode())}),
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    work = tmp_path_factory.mktemp("hostile-trees")
    hosts, before = {}, {}
    for case in CASES:
        root, outside = sample_tree(work / case.name / "image"), work / case.name / "outside"
        outside.mkdir()
        if case.prepare:
            case.prepare(root, outside)
        hosts[case.name] = {"image_root": root, "steps": [case.task]}
        before[case.name] = snapshot(work / case.name)
    run = run_on_images(work / "run", hosts, "--diff")
    return run, work, before


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_hostile_tree(corpus, case):
    run, work, before = corpus
    result, now = run.result(case.name), snapshot(work / case.name)
    assert leftovers(work / case.name, work / "run" / "remote-tmp") == []
    if case.cause is not None:
        assert result.get("failed") and not result["changed"], result
        message = result["msg"]
        assert message.startswith(case.starts) and re.search(case.cause, message[len(case.starts):]), message
        assert "Traceback" not in message and "internal error" not in message and "{" not in message
        assert now == before[case.name]
        return
    assert not result.get("failed") and result["changed"], result
    expected = dict(before[case.name])
    for path, data in case.after.items():
        expected[path if path.startswith("outside/") else f"image/{path}"] = data.decode("latin-1")
    backups = {path for path in now if NTFS_BACKUP.fullmatch(Path(path).name)}
    assert {path: text for path, text in now.items() if path not in backups} == expected
    assert len(backups) == bool(result["files"][0]["backup_file"])
    for path in backups:
        assert result["files"][0]["backup_file"] == str(work / case.name / path)
        assert now[path] == before[case.name][path.rsplit(".", 3)[0]]  # the backup holds the bytes read
    if case.warning:
        assert [text for text in result["warnings"] if re.search(case.warning, text)], result["warnings"]


def test_no_secret_reaches_the_output(corpus):
    run = corpus[0]
    assert run.result("secrets-in-the-diff")["diff"], "the run showed no diff to look into"
    for secret in (OLD_SECRET, NEW_SECRET):
        assert secret not in run.output and secret not in repr(run.results)
