"""README.md: what a new user reads first must be true.

It starts with what the collection does and the two commands; its first playbook against an image
tree runs as printed (inventory and playbook taken from the README, only the image path replaced)
in check mode, writing nothing, and then for real, writing the two root web.config files.
"""

from __future__ import annotations

import re
import subprocess

import pytest

from ansible_collections.iis.aspnet.tests.unit.playbook_runs import (
    ANSIBLE_PLAYBOOK, REPO, ROOT32, ROOT64, ansible_env, digests, sample_tree,
)

README = (REPO / "README.md").read_text(encoding="utf-8")


def block(first_line: str) -> str:
    """The fenced block of the README that starts with ``first_line``."""
    blocks = [text for text in re.findall(r"```[a-z]*\n(.*?)```", README, re.S) if text.splitlines()[0].startswith(first_line)]
    assert len(blocks) == 1, first_line
    return blocks[0]


def test_it_opens_with_what_the_collection_does_then_the_two_commands():
    sections = re.findall(r"^## (.+)$", README, re.M)
    assert sections[:4] == ["Try it", "Install", "A first playbook against a Windows host", "A first playbook against an image tree"]
    intro = README.split("\n## ", 1)[0]
    assert "session state" in intro and "IIS" in intro
    commands = block("make demo").splitlines()
    assert [line.split("#")[0].strip() for line in commands] == ["make demo", "make test"]
    assert "ansible-galaxy collection install iis-aspnet-" in block("python3 -m pip install \"ansible-core>=2.16,<2.22\" lxml")


@pytest.mark.playbook
def test_the_image_tree_playbook_runs_as_printed(tmp_path):
    image = sample_tree(tmp_path / "image")
    inventory = block("# images.yml")
    assert "image_root: /srv/images/web01" in inventory
    (tmp_path / "images.yml").write_text(inventory.replace("/srv/images/web01", str(image)))
    (tmp_path / "image.yml").write_text(block("# image.yml"))
    command = [ANSIBLE_PLAYBOOK, "-i", str(tmp_path / "images.yml"), str(tmp_path / "image.yml")]
    env = ansible_env(tmp_path / "run")
    pristine = digests(image)

    checked = subprocess.run([*command, "--check", "--diff"], env=env, capture_output=True, text=True, check=False, timeout=300)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "MACHINE/WEBROOT/APPHOST/Default Web Site/shop: mode" in checked.stdout
    assert re.search(r'^\+.*<sessionState mode="InProc"', checked.stdout, re.M), checked.stdout
    assert digests(image) == pristine

    applied = subprocess.run(command, env=env, capture_output=True, text=True, check=False, timeout=300)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert sorted(path for path, digest in digests(image).items() if pristine[path] != digest) == sorted([ROOT32, ROOT64])
