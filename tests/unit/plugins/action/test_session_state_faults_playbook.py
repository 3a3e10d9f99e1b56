"""Faults during real ansible-playbook runs: another writer between read and write, writes that fail.

Image hosts as in test_session_state_playbook.py, one ansible-playbook run per fault family with one
host per case. What must hold whatever goes wrong: the task fails with a message naming the file
and the cause, the file that could not be written keeps every byte, and no temporary file is left,
neither next to the target (the copy module's ``.ansible_tmp*``) nor in the remote temp dir (our
upload ``session_state_N``, the modules' ``AnsiballZ_*``).
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from ansible_collections.iis.aspnet.tests.unit.playbook_runs import (
    ROOT32, ROOT64, SAMPLE, WIN_ROOT32, WIN_ROOT64, ansible_env, digests, leftovers, run_on_images, sample_tree,
)

pytestmark = pytest.mark.playbook  # runs the real ansible-playbook: the playbook suite

RACING = Path(__file__).resolve().parent / "racing"
OTHER_WRITER = "<!-- edited by someone else -->\r\n"
HR = "D/Sites/Intranet/hr"
WIN_HR = "D:\\Sites\\Intranet\\HR\\web.config"  # as applicationHost.config spells the application's path


# ---- compare and swap: a file that changes between the read and the write


def test_a_file_changed_between_read_and_write_is_refused_and_nothing_is_written(tmp_path):
    """The real action, with only its module executor wrapped (racing/session_state_race.py).

    Host ``root`` plans both root web.config files; the other writer touches the second just
    before the one compare-and-swap call that holds both, so the first, unchanged, must not be
    written either. Host ``created`` plans a new application web.config; the other writer creates
    it first.
    """
    root, created = sample_tree(tmp_path / "root"), sample_tree(tmp_path / "created")
    hosts = {
        "root": {"image_root": root, "steps": [{"mode": "InProc"}], "race_path": str(root / ROOT32), "race_bytes": OTHER_WRITER},
        "created": {"image_root": created, "steps": [{"mode": "InProc", "site": "Intranet/hr"}],
                    "race_path": str(created / HR / "web.config"), "race_bytes": OTHER_WRITER},
    }
    before = {name: digests(spec["image_root"]) for name, spec in hosts.items()}
    run = run_on_images(tmp_path / "run", hosts, action="session_state_race",
                        env=ansible_env(tmp_path / "run", ANSIBLE_ACTION_PLUGINS=str(RACING)))

    result = run.result("root")
    assert result["failed"] and not result["changed"]
    assert re.fullmatch(re.escape(WIN_ROOT32) + r": changed on the host since it was read \(was sha1 [0-9a-f]{40}, now sha1 [0-9a-f]{40}\); "
                        "nothing written", result["msg"]), result["msg"]
    assert (root / ROOT32).read_bytes() == (SAMPLE / ROOT32).read_bytes() + OTHER_WRITER.encode()
    assert {path for path, digest in digests(root).items() if before["root"][path] != digest} == {ROOT32}

    result = run.result("created")
    assert result["failed"] and re.fullmatch(re.escape(WIN_HR) + r": changed on the host since it was read \(was absent, now sha1 "
                                             r"[0-9a-f]{40}\); nothing written", result["msg"]), result["msg"]
    assert (created / HR / "web.config").read_bytes() == OTHER_WRITER.encode()
    assert set(digests(created)) - set(before["created"]) == {f"{HR}/web.config"}
    assert leftovers(root, created, tmp_path / "run" / "remote-tmp") == []


# ---- writes that fail: a real writer in a user namespace, facing files it does not own

STRANGER = 4242  # a uid outside `unshare -r`'s mapping: inside, its files belong to "nobody"


def _unowned(path: Path) -> None:
    """Give ``path`` (and a directory's entries) to STRANGER: mapped root may then only read them."""
    for item in [path, *(path.iterdir() if path.is_dir() else ())]:
        os.chown(item, STRANGER, STRANGER)


def _immutable(path: Path) -> None:
    subprocess.run(["chattr", "+i", str(path)], check=True, capture_output=True)


# (case, module options, image path made unwritable, how, Windows path the message names, cause)
WRITE_FAILURES = [
    ("directory-and-file-not-owned", {"mode": "InProc", "bitness": [64]}, os.path.dirname(ROOT64), _unowned, WIN_ROOT64,
     r"cannot be written: cannot create a file in \S+/Framework64/v4\.0\.30319/Config: Permission denied; nothing written$"),
    # Only the file is not ours: its replacement could not be given its owner, so it is not made.
    ("file-not-owned", {"mode": "InProc", "bitness": [64]}, ROOT64, _unowned, WIN_ROOT64,
     r"cannot give the new file the owner of the old one \(uid \d+, gid \d+\): Invalid argument; nothing written$"),
    ("backup-into-directory-not-owned", {"mode": "InProc", "bitness": [64], "backup": True}, os.path.dirname(ROOT64), _unowned,
     WIN_ROOT64, r"cannot be written: cannot create a file in \S+: Permission denied; nothing written$"),
    ("new-file-in-directory-not-owned", {"mode": "InProc", "site": "Intranet/hr"}, HR, _unowned, WIN_HR,
     r"cannot be written: cannot create a file in \S+/D/Sites/Intranet/hr: Permission denied; nothing written$"),
    # Both root web.config files go in one compare-and-swap call, whose new contents are all
    # prepared before anything is renamed: the second file's failure leaves the first unwritten too.
    ("second-file-not-writable", {"mode": "InProc"}, os.path.dirname(ROOT32), _unowned, WIN_ROOT32,
     r"cannot be written: cannot create a file in \S+/Framework/v4\.0\.30319/Config: Permission denied; nothing written$"),
    # Immutable even for root: the new content is written beside the target, then the rename
    # fails; the temporary file must go.
    ("immutable-file", {"mode": "InProc", "bitness": [64]}, ROOT64, _immutable, WIN_ROOT64,
     r"cannot be written: the rename into place failed: Operation not permitted$"),
]


def _userns_problem() -> str | None:
    """Why this machine cannot run the user-namespace cases, or None when it can."""
    if os.geteuid() != 0:
        return "needs root outside the namespace, to give fixture files to a uid that `unshare -r` does not map"
    probe = subprocess.run(["unshare", "-r", "true"], capture_output=True, text=True, check=False)
    if probe.returncode != 0:
        return f"user namespaces are not available here (`unshare -r true` exited {probe.returncode}: {probe.stderr.strip()})"
    return None


@pytest.fixture(scope="module")
def write_failures(tmp_path_factory):
    """One run of every case, its trees before, and the paths to restore afterwards."""
    problem = _userns_problem()
    if problem:
        pytest.skip(problem)
    work = tmp_path_factory.mktemp("write-failures")
    os.chmod(work, 0o755)
    hosts, before, immutable, unsupported = {}, {}, [], {}
    try:
        for case, options, target, make, _path, _cause in WRITE_FAILURES:
            root = sample_tree(work / case)
            try:
                make(root / target)
            except subprocess.CalledProcessError as exc:  # chattr on a file system without attributes (tmpfs)
                unsupported[case] = f"cannot make {target} immutable here: {exc.stderr.decode().strip()}"
                continue
            if make is _immutable:
                immutable.append(root / target)
            hosts[case] = {"image_root": root, "steps": [options]}
            before[case] = {path: (root / path).read_bytes() for path in digests(root)}
            # Proof that the namespace really stops this writer (else the test would prove nothing).
            probe = subprocess.run(["unshare", "-r", "sh", "-c", 'test -w "$1"', "-", str(root / target)], check=False)
            assert probe.returncode != 0, f"{case}: {target} is writable inside the user namespace"
        run = run_on_images(work / "run", hosts, prefix=("unshare", "-r"))
        yield run, hosts, before, work, unsupported
    finally:
        for path in immutable:
            subprocess.run(["chattr", "-i", str(path)], check=False)


@pytest.mark.parametrize("case, options, target, make, path, cause", WRITE_FAILURES, ids=[row[0] for row in WRITE_FAILURES])
def test_a_failed_write_names_the_file_keeps_it_intact_and_leaves_no_temp_file(write_failures, case, options, target, make, path, cause):
    run, hosts, before, work, unsupported = write_failures
    if case in unsupported:
        pytest.skip(unsupported[case])
    result, root = run.result(case), hosts[case]["image_root"]
    assert result["failed"] and result["msg"].startswith(path + ": ") and re.search(cause, result["msg"]), result["msg"]
    failed = ROOT32 if path == WIN_ROOT32 else ROOT64 if path == WIN_ROOT64 else f"{HR}/web.config"
    assert (root / failed).exists() == (failed in before[case])
    if failed in before[case]:
        assert (root / failed).read_bytes() == before[case][failed]
    changed = {p for p, digest in digests(root).items() if before[case].get(p) is None or (root / p).read_bytes() != before[case][p]}
    assert changed == set() and not result["changed"]
    assert leftovers(root, work / "run" / "remote-tmp") == [] and list((work / "run" / "remote-tmp").iterdir()) == []
