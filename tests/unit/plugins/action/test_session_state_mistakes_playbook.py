"""Typical mistakes, as a user writes them in a playbook, answered with what to fix.

One real ansible-playbook run of a YAML playbook (written as text: ``mode: Off`` must reach Ansible
unquoted, as YAML's boolean false) against an image host holding a copy of the sample server.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from ansible_collections.iis.aspnet.tests.unit.playbook_runs import ANSIBLE_PLAYBOOK, ansible_env, digests, sample_tree

pytestmark = pytest.mark.playbook  # runs the real ansible-playbook: the playbook suite

SHOP = "C:\\inetpub\\shop\\web.config"
QUOTE = "YAML reads an unquoted Off as the boolean false: quote it, 'Off'"

PLAYBOOK = """\
- name: Mistakes a user makes
  hosts: image
  gather_facts: false
  tasks:
    - name: mode Off, unquoted
      iis.aspnet.session_state:
        image_root: "{{ image_root }}"
        mode: Off
      register: off_unquoted
      ignore_errors: true

    - name: mode false
      iis.aspnet.session_state:
        image_root: "{{ image_root }}"
        mode: false
      register: false_mode
      ignore_errors: true

    - name: The role with session_state_mode Off, unquoted
      block:
        - name: Run the role
          ansible.builtin.include_role:
            name: iis.aspnet.session_state
          vars:
            session_state_mode: Off
            session_state_image_root: "{{ image_root }}"
      rescue:
        - name: Keep the role's failure
          ansible.builtin.set_fact:
            off_role: "{{ ansible_failed_result }}"

    - name: An image_root that does not exist
      iis.aspnet.session_state:
        image_root: "{{ image_root }}-typo"
        mode: InProc
      register: missing_root
      ignore_errors: true

    - name: The info module on an image_root that does not exist
      iis.aspnet.session_state_info:
        image_root: "{{ image_root }}-typo"
      register: missing_root_info
      ignore_errors: true

    - name: Read the shop's settings
      iis.aspnet.session_state_info:
        image_root: "{{ image_root }}"
        site: Default Web Site/shop
        include_service: false
      register: shop_info

    - name: Set the shop's timeout, naming it by the config_path the info module returned
      iis.aspnet.session_state:
        image_root: "{{ image_root }}"
        site: "{{ shop_info.levels[0].config_path }}"
        timeout: 15
      register: by_config_path

    - name: Read it back by the same config_path
      iis.aspnet.session_state_info:
        image_root: "{{ image_root }}"
        site: "{{ shop_info.levels[0].config_path }}"
        include_service: false
      register: shop_after

    - name: Keep the results
      ansible.builtin.copy:
        content: "{{ {'off_unquoted': off_unquoted, 'false_mode': false_mode, 'off_role': off_role | default(none),
                      'missing_root': missing_root, 'missing_root_info': missing_root_info, 'shop_info': shop_info,
                      'by_config_path': by_config_path, 'shop_after': shop_after} | to_json }}"
        dest: "{{ results }}"
        mode: "0644"
"""


@pytest.fixture(scope="module")
def mistakes(tmp_path_factory):
    work = tmp_path_factory.mktemp("mistakes")
    image = sample_tree(work / "image")
    pristine = digests(image)
    (work / "play.yml").write_text(PLAYBOOK)
    (work / "inventory.json").write_text(json.dumps({"all": {"hosts": {"image": {
        "ansible_connection": "local", "ansible_python_interpreter": str(Path(ANSIBLE_PLAYBOOK).parent / "python"),
        "image_root": str(image), "results": str(work / "results.json")}}}}))
    done = subprocess.run([ANSIBLE_PLAYBOOK, "-i", str(work / "inventory.json"), str(work / "play.yml")],
                          env=ansible_env(work), capture_output=True, text=True, check=False, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return Outcome(json.loads((work / "results.json").read_text()), image, pristine)


@dataclass
class Outcome:
    results: dict
    image: Path
    pristine: dict


@pytest.mark.parametrize("name", ["off_unquoted", "false_mode"])
def test_an_unquoted_off_is_answered_with_how_to_quote_it(mistakes, name):
    results = mistakes.results
    assert results[name]["failed"] and results[name]["msg"].startswith("mode: got the boolean False")
    assert QUOTE in results[name]["msg"]


def test_the_role_passes_an_unquoted_off_to_the_module_which_says_to_quote_it(mistakes):
    results = mistakes.results
    assert results["off_role"] is not None, "the role accepted an unquoted Off"
    assert QUOTE in results["off_role"]["msg"]


@pytest.mark.parametrize("name", ["missing_root", "missing_root_info"])
def test_a_missing_image_root_is_named_not_taken_for_a_missing_dotnet(mistakes, name):
    results, image = mistakes.results, mistakes.image
    message = results[name]["msg"]
    assert results[name]["failed"] and message.startswith(f"image_root: {image}-typo does not exist"), message
    assert "not installed" not in message


def test_site_accepts_the_config_path_the_info_module_returns(mistakes):
    results, image, pristine = mistakes.results, mistakes.image, mistakes.pristine
    assert results["shop_info"]["levels"][0]["config_path"] == "MACHINE/WEBROOT/APPHOST/Default Web Site/shop"
    written = results["by_config_path"]
    assert written["changed"] and [entry["path"] for entry in written["files"]] == [SHOP]
    assert [(change["attribute"], change["after"]) for change in written["changes"]] == [("timeout", "15")]
    after = results["shop_after"]["levels"]
    assert [level["config_path"] for level in after] == ["MACHINE/WEBROOT/APPHOST/Default Web Site/shop"]
    assert after[0]["session_state"]["timeout"]["value"] == "15"
    # The mistakes before it changed nothing: only the shop's web.config differs from the sample.
    assert [path for path, digest in digests(image).items() if pristine.get(path) != digest] == ["C/inetpub/shop/web.config"]
