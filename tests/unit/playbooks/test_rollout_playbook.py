"""iis.aspnet.rollout as an operator runs it: ansible-playbook with the playbook's FQCN, on image hosts.

Three image hosts, each its own copy of the sample server; web03 is already in the declared state.
The same trees go through --check (nothing written, each batch reports what it would change, no
host fails) and then the real rollout (each batch named "batch k of n", each host verified).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from ansible_collections.iis.aspnet.tests.unit.playbook_runs import (
    ANSIBLE_PLAYBOOK, ROOT32, ROOT64, WIN_ROOT32, WIN_ROOT64, ansible_env, digests, sample_tree,
)

pytestmark = pytest.mark.playbook  # runs the real ansible-playbook: the playbook suite

HOSTS = ("web01", "web02", "web03")
# The command line, as the playbook's header documents it (the shell passes one argument).
DOCUMENTED = 'rollout_batches=[1, "25%", "100%"]'


def in_line(tree: Path) -> None:
    """The role's declared state at server level: InProc in both .NET 4 root web.config files."""
    root64, root32 = tree / ROOT64, tree / ROOT32
    root64.write_bytes(root64.read_bytes().replace(b"    </system.web>\r\n</configuration>",
                                                   b'        <sessionState mode="InProc" />\r\n    </system.web>\r\n</configuration>'))
    root32.write_bytes(root32.read_bytes().replace(b'mode="StateServer"', b'mode="InProc"'))


def rollout(work: Path, *flags: str) -> subprocess.CompletedProcess:
    command = [ANSIBLE_PLAYBOOK, "-i", str(work / "inventory.yml"), "iis.aspnet.rollout", *flags]
    return subprocess.run(command, env=ansible_env(work / "run"), capture_output=True, text=True, check=False, timeout=600)


@pytest.fixture(scope="module")
def fleet(tmp_path_factory):
    work = tmp_path_factory.mktemp("rollout")
    trees = {host: sample_tree(work / host) for host in HOSTS}
    in_line(trees["web03"])
    (work / "inventory.yml").write_text("all:\n  hosts:\n" + "".join(
        f"    {host}:\n      ansible_connection: local\n      session_state_image_root: {tree}\n" for host, tree in trees.items()))
    pristine = {host: digests(tree) for host, tree in trees.items()}
    checked = rollout(work, "--check", "-e", DOCUMENTED)
    after_check = {host: digests(tree) for host, tree in trees.items()}
    applied = rollout(work, "-e", DOCUMENTED)
    after_apply = {host: digests(tree) for host, tree in trees.items()}
    return {"work": work, "trees": trees, "pristine": pristine, "checked": checked, "after_check": after_check,
            "applied": applied, "after_apply": after_apply}


def messages(output: str) -> list[str]:
    """The debug messages of the run, in order."""
    return re.findall(r'"msg": "(.*)"', output)


def announced(shown: list[str]) -> list[str]:
    """The announcements of the batches: "batch k of n: hosts", nothing about a host's changes."""
    return [text for text in shown if re.match(r"^batch \d+ of \d+: [\w, ]+( \(check mode: nothing is written\))?$", text)
            and not text.endswith(" in line, nothing to change")]


def test_check_mode_writes_nothing_fails_no_drifted_host_and_says_what_each_batch_would_change(fleet):
    done = fleet["checked"]
    assert done.returncode == 0, done.stdout + done.stderr
    assert fleet["after_check"] == fleet["pristine"]
    shown = messages(done.stdout)
    assert announced(shown) == ["batch 1 of 3: web01 (check mode: nothing is written)",
                                "batch 2 of 3: web02 (check mode: nothing is written)",
                                "batch 3 of 3: web03 (check mode: nothing is written)"]
    reports = {text.split(": ")[1].split(" ")[0]: text for text in shown if re.match(r"batch \d of 3: web0\d (would|in line)", text)}
    assert sorted(reports) == list(HOSTS)
    for host in ("web01", "web02"):
        assert reports[host].startswith(f"batch {HOSTS.index(host) + 1} of 3: {host} would change [")
        assert WIN_ROOT64.replace("\\", "\\\\\\\\") in reports[host] and WIN_ROOT32.replace("\\", "\\\\\\\\") in reports[host]
    assert reports["web03"] == "batch 3 of 3: web03 in line, nothing to change"
    assert "still finds changes" not in done.stdout and "failed=0" in done.stdout
    assert re.search(r"web01\s*: ok=\d+\s+changed=1\s+unreachable=0\s+failed=0", done.stdout), done.stdout


def test_the_rollout_applies_batch_by_batch_and_verifies_each_host(fleet):
    done = fleet["applied"]
    assert done.returncode == 0, done.stdout + done.stderr
    shown = messages(done.stdout)
    assert announced(shown) == ["batch 1 of 3: web01", "batch 2 of 3: web02", "batch 3 of 3: web03"]
    assert [text for text in shown if text.endswith("verified, in the declared state")] == [
        f"{host}: verified, in the declared state" for host in HOSTS]
    assert any(text.startswith("batch 1 of 3: web01 changed [") for text in shown)
    assert "batch 3 of 3: web03 in line, nothing to change" in shown
    changed = {host: sorted(path for path, digest in fleet["after_apply"][host].items() if fleet["pristine"][host][path] != digest)
               for host in HOSTS}
    assert changed == {"web01": sorted([ROOT32, ROOT64]), "web02": sorted([ROOT32, ROOT64]), "web03": []}
    # The batches ran one after the other: each play header of the apply came once per batch.
    assert done.stdout.count("PLAY [Apply session state in batches, canary first]") == 3


# Bad values: the run stops in the pre-flight, on every host, before anything is written.
BAD = [
    ("a word", "rollout_batches=[1, ten]", "rollout_batches: 'ten' is not a batch size"),
    ("zero", "rollout_batches=0", "rollout_batches: 0 is not a batch size"),
    ("over 100%", '{"rollout_batches": [1, "150%"]}', "rollout_batches: '150%' is not a batch size"),
    ("a fraction", "rollout_batches=25.5%", "rollout_batches: '25.5%' is not a batch size"),
]


@pytest.mark.parametrize("case, extra, fragment", BAD, ids=[row[0] for row in BAD])
def test_a_bad_value_stops_the_rollout_with_a_clear_message(tmp_path, case, extra, fragment):
    work = tmp_path / "work"
    work.mkdir()
    tree = sample_tree(work / "web01")
    (work / "inventory.yml").write_text(f"all:\n  hosts:\n    web01:\n      ansible_connection: local\n"
                                        f"      session_state_image_root: {tree}\n")
    before = digests(tree)
    done = rollout(work, "-e", extra)
    output = done.stdout + done.stderr
    assert done.returncode != 0, f"{case}: {output}"
    assert fragment in output and "give a number of hosts (1 or more) or a percentage" in output, output
    assert "invalid literal for int()" not in output and "PLAY [Apply session state" not in output
    assert digests(tree) == before
