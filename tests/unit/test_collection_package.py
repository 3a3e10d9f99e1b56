"""What the collection declares as a package: licence, authors, supported ansible-core, action group.

The module_defaults group is proven by a real ansible-playbook run: one play sets image_root once
for group/iis.aspnet.all, and each of the three modules runs without repeating it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from ansible_collections.iis.aspnet.tests.unit.playbook_runs import REPO, ansible_playbook, digests, sample_tree

MODULES = ("session_state", "session_state_info", "session_state_stig")
# The host-side file access of the others on image hosts: users do not call it, and the group's
# module_defaults (image_root, say) would reach it with options it does not take.
HOST_SIDE = ("image_file",)
# An author as Ansible's docs write one: a name, then the GitHub handle in parentheses.
AUTHOR = re.compile(r"^[^()!]+ \(@[A-Za-z0-9][A-Za-z0-9-]*\)$")


def _documentation(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text.split('DOCUMENTATION = r"""', 1)[1].split('"""', 1)[0])


def test_the_licence_is_the_full_gpl3_text_galaxy_declares():
    galaxy = yaml.safe_load((REPO / "galaxy.yml").read_text(encoding="utf-8"))
    text = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert galaxy["license"] == ["GPL-3.0-or-later"]
    assert text.lstrip().startswith("GNU GENERAL PUBLIC LICENSE\n                       Version 3, 29 June 2007")
    assert "END OF TERMS AND CONDITIONS" in text and len(text) > 30000


def test_every_author_line_names_a_handle_that_ansible_doc_renders():
    authors = {"galaxy.yml": yaml.safe_load((REPO / "galaxy.yml").read_text(encoding="utf-8"))["authors"]}
    for path in sorted((REPO / "plugins").glob("*/*.py")):
        if path.parent.name in ("modules", "callback"):
            authors[str(path.relative_to(REPO))] = _documentation(path)["author"]
    for path in sorted((REPO / "plugins/filter").glob("*.yml")):
        authors[str(path.relative_to(REPO))] = yaml.safe_load(path.read_text(encoding="utf-8"))["DOCUMENTATION"]["author"]
    spec = yaml.safe_load((REPO / "roles/session_state/meta/argument_specs.yml").read_text(encoding="utf-8"))
    authors["role"] = spec["argument_specs"]["main"]["author"]
    assert len(authors) == 10
    assert {source: names for source, names in authors.items() if not all(AUTHOR.match(name) for name in names)} == {}


def test_runtime_declares_216_and_later_and_one_group_of_every_module():
    runtime = yaml.safe_load((REPO / "meta/runtime.yml").read_text(encoding="utf-8"))
    assert runtime["requires_ansible"] == ">=2.16.0,<2.22.0"
    assert runtime["action_groups"] == {"all": list(MODULES)}
    assert sorted(path.stem for path in (REPO / "plugins/modules").glob("*.py")) == sorted(MODULES + HOST_SIDE)
    for module in MODULES:
        attribute = _documentation(REPO / "plugins/modules" / f"{module}.py")
        assert "iis.aspnet.action_group" in attribute["extends_documentation_fragment"], module


GROUP_PLAY = [{
    "name": "Every module of the collection, image_root set once",
    "hosts": "image", "gather_facts": False,
    "module_defaults": {"group/iis.aspnet.all": {"image_root": "{{ image_root }}"}},
    "tasks": [
        {"name": "Info", "iis.aspnet.session_state_info": {"site": "Default Web Site/shop", "include_service": False},
         "register": "info"},
        {"name": "Set", "iis.aspnet.session_state": {"site": "Default Web Site/shop", "timeout": 15}, "register": "set"},
        {"name": "Audit", "iis.aspnet.session_state_stig": {"profile": "stig_iis10"}, "register": "audit"},
        {"name": "Keep the results", "ansible.builtin.copy": {
            "content": "{{ {'info': info, 'set': set, 'audit': audit} | to_json }}", "dest": "{{ results }}", "mode": "0644"}},
    ],
}]


@pytest.mark.playbook
def test_module_defaults_for_the_group_reach_every_module(tmp_path):
    image = sample_tree(tmp_path / "image")
    before = digests(image)
    inventory = {"all": {"hosts": {"image": {"ansible_connection": "local", "image_root": str(image),
                                             "results": str(tmp_path / "results.json")}}}}
    done = ansible_playbook(tmp_path / "run", GROUP_PLAY, inventory)
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads((tmp_path / "results.json").read_text())
    assert [level["config_path"] for level in results["info"]["levels"]] == ["MACHINE/WEBROOT/APPHOST/Default Web Site/shop"]
    assert results["set"]["changed"] and [entry["path"] for entry in results["set"]["files"]] == ["C:\\inetpub\\shop\\web.config"]
    assert results["audit"]["findings"] and results["audit"]["profile"]["name"] == "stig_iis10"
    changed = [path for path, digest in digests(image).items() if before[path] != digest]
    assert changed == ["C/inetpub/shop/web.config"]
