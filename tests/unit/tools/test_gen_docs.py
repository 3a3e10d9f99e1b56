"""Unit tests for tools/gen_docs.py: generation, round trip, drift detection, fidelity to the spec."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml

from ansible_collections.iis.aspnet.plugins.plugin_utils.base._spec import module_spec
from ansible_collections.iis.aspnet.tests.unit.tools.tool_loader import load_tool

gen_docs = load_tool("gen_docs")
MODULE_FILE = "plugins/modules/session_state.py"
INFO_FILE = "plugins/modules/session_state_info.py"
STIG_FILE = "plugins/modules/session_state_stig.py"
IMAGE_FRAGMENT = "plugins/doc_fragments/image.py"
# Every file the tool keeps, in the order it reports them.
FILES = (MODULE_FILE, INFO_FILE, STIG_FILE, IMAGE_FRAGMENT, gen_docs.ROLE_FILE)
# The options the image fragment documents once for the three modules (each module documents image_root).
SHARED = ("image_environment", "image_shares")


def option_spec(*, docs: bool = False) -> dict:
    return module_spec("session_state", docs=docs)


def own_spec(module: str) -> dict:
    """The options a module's own DOCUMENTATION holds: all but the fragment's."""
    return {name: entry for name, entry in module_spec(module).items() if name not in SHARED}


MODULE_TEXT = '''#!/usr/bin/python
"""Documentation of the action plugin."""

DOCUMENTATION = r"""
---
module: session_state
short_description: Set ASP.NET session state
description:
  - Hand-written text stays.
# BEGIN GENERATED OPTIONS
options:
  stale: {}
# END GENERATED OPTIONS
extends_documentation_fragment:
  - iis.aspnet.image
author:
  - iis.aspnet maintainers
"""

EXAMPLES = r"""
- name: Hand-written example
  iis.aspnet.session_state:
    mode: InProc
"""
'''

ROLE_TEXT = """---
argument_specs:
  main:
    short_description: Session state
    description:
      - Hand-written.
    options:
      # BEGIN GENERATED OPTIONS
      # END GENERATED OPTIONS
      session_state_sites:
        description:
          - Hand-written per-site overrides.
        type: list
        elements: dict
"""


FRAGMENT_TEXT = f'class ModuleDocFragment:\n    DOCUMENTATION = r"""\n{gen_docs.BEGIN}\n{gen_docs.END}\n"""\n'


def write_tree(root: Path, module: str | None = MODULE_TEXT, role: str | None = ROLE_TEXT,
               defaults: str | None = None, others: str | None = MODULE_TEXT, fragment: str | None = FRAGMENT_TEXT) -> None:
    """The session_state module file ``module``, the info and STIG module files ``others``, the fragment, the role."""
    for relative, text in ((MODULE_FILE, module), (INFO_FILE, others), (STIG_FILE, others), (IMAGE_FRAGMENT, fragment),
                           (gen_docs.ROLE_FILE, role), (gen_docs.ROLE_DEFAULTS_FILE, defaults)):
        if text is not None:
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text.encode())


def run(root: Path, write: bool = False) -> tuple[int, str]:
    out = io.StringIO()
    return gen_docs.sync(root, write, out), out.getvalue()


def report(status: str) -> str:
    return "".join(f"{relative}: {status}\n" for relative in FILES)


def documentation(root: Path, relative: str = MODULE_FILE) -> dict:
    namespace: dict = {}
    exec(compile((root / relative).read_text(), relative, "exec"), namespace)  # noqa: S102
    holder = namespace["ModuleDocFragment"].DOCUMENTATION if "ModuleDocFragment" in namespace else namespace["DOCUMENTATION"]
    return yaml.safe_load(holder)


def role_spec(root: Path) -> dict:
    return yaml.safe_load((root / gen_docs.ROLE_FILE).read_text())["argument_specs"]["main"]["options"]


KEYS = ("type", "choices", "default", "elements", "required")


def same_shape(documented: dict, spec: dict, children: str) -> None:
    """Types, choices, defaults and elements of every option (and suboption) equal the spec's."""
    assert list(documented) == list(spec)
    for name, entry in spec.items():
        doc = documented[name]
        assert {key: doc.get(key) for key in KEYS} == {key: entry.get(key) for key in KEYS}, name
        assert isinstance(doc["description"], list) and doc["description"][0]
        if "options" in entry:
            same_shape(doc[children], entry["options"], children)


# ---------------------------------------------------------------------------------------------


def test_write_then_check_round_trip(tmp_path):
    write_tree(tmp_path)
    assert run(tmp_path) == (1, report("out of date; run tools/gen_docs.py --write"))
    assert run(tmp_path, write=True) == (0, report("updated"))
    assert run(tmp_path) == (0, report("up to date"))
    assert run(tmp_path, write=True)[0] == 0


def test_module_documentation_equals_the_spec(tmp_path):
    write_tree(tmp_path)
    run(tmp_path, write=True)
    doc = documentation(tmp_path)
    assert doc["module"] == "session_state" and doc["author"] == ["iis.aspnet maintainers"]
    same_shape(doc["options"], own_spec("session_state"), "suboptions")
    assert "no_log" not in str(doc["options"])  # not a documentation key
    assert doc["options"]["cookie_same_site"]["choices"][0] == "None"  # a string, not YAML's null
    assert doc["options"]["mode"]["type"] == "raw"  # an unquoted Off (false) reaches the engine, which says to quote it


@pytest.mark.parametrize(("relative", "module"), [(INFO_FILE, "session_state_info"), (STIG_FILE, "session_state_stig")])
def test_info_and_stig_documentation_equal_their_spec(tmp_path, relative, module):
    write_tree(tmp_path)
    run(tmp_path, write=True)
    same_shape(documentation(tmp_path, relative)["options"], own_spec(module), "suboptions")


@pytest.mark.parametrize("module", ["session_state", "session_state_info", "session_state_stig"])
def test_the_image_fragment_documents_the_options_every_module_shares(tmp_path, module):
    write_tree(tmp_path)
    run(tmp_path, write=True)
    spec = module_spec(module)
    same_shape(documentation(tmp_path, IMAGE_FRAGMENT)["options"], {name: spec[name] for name in SHARED}, "suboptions")
    # image_root's rules differ per module: each module documents it itself.
    assert "image_root" in documentation(tmp_path, MODULE_FILE.replace("session_state", module))["options"]


def test_a_module_that_does_not_extend_the_fragment_it_needs_fails(tmp_path):
    write_tree(tmp_path, module=MODULE_TEXT.replace("  - iis.aspnet.image\n", ""))
    status, output = run(tmp_path, write=True)
    assert status == 1
    assert f"{MODULE_FILE}: extends_documentation_fragment lacks iis.aspnet.image" in output
    assert "  stale: {}" in (tmp_path / MODULE_FILE).read_text()  # left as it was


def test_fragment_options_must_be_the_same_in_every_module():
    specs = {"one": {"image_environment": {"type": "dict"}, "image_shares": {"type": "dict"}},
             "two": {"image_environment": {"type": "dict"}, "image_shares": {"type": "str"}}}
    with pytest.raises(gen_docs.FragmentError, match="fragment image"):
        gen_docs.fragment_options("image", specs)
    assert gen_docs.fragment_options("image", {"one": specs["one"], "none": {"site": {}}}) == specs["one"]


def test_paragraphs_stay_paragraphs(tmp_path):
    write_tree(tmp_path)
    run(tmp_path, write=True)
    options = documentation(tmp_path, STIG_FILE)["options"]
    assert len(options["exceptions"]["description"]) == 3  # the intro, then one paragraph per kind
    assert options["exceptions"]["description"][1].startswith("V(not_applicable) - a server or site")
    assert options["exceptions"]["suboptions"]["kind"]["required"] is True


def test_role_argument_specs_equal_the_spec_with_prefix(tmp_path):
    write_tree(tmp_path)
    run(tmp_path, write=True)
    options = role_spec(tmp_path)
    assert list(options)[-1] == "session_state_sites"  # hand-written entries stay
    generated = {name[len("session_state_"):]: entry for name, entry in options.items()
                 if name != "session_state_sites"}
    same_shape(generated, option_spec(), "options")
    assert generated["sql_connection_string"]["no_log"] is True
    assert "O(session_state_mode=InProc)" in generated["timeout"]["description"][0]
    assert "O(session_state_state_service.port)" in generated["state_service"]["options"]["restart"]["description"][0]


def test_role_defaults_come_from_the_role(tmp_path):
    defaults = ("---\nsession_state_mode: InProc\nsession_state_backup: \"{{ ansible_os_family == 'Windows' }}\"\n"
                "session_state_bitness: [64]\nsession_state_state_service:\n")
    write_tree(tmp_path, defaults=defaults)
    run(tmp_path, write=True)
    options = role_spec(tmp_path)
    assert options["session_state_mode"]["default"] == "InProc"
    assert options["session_state_bitness"]["default"] == [64]
    assert "default" not in options["session_state_backup"]  # computed per host
    assert "default" not in options["session_state_state_service"]
    assert options["session_state_framework_version"]["default"] == "v4.0"  # the module's


def test_only_the_lines_between_the_markers_change(tmp_path):
    write_tree(tmp_path)
    run(tmp_path, write=True)
    text = (tmp_path / MODULE_FILE).read_text()
    head, rest = text.split(gen_docs.BEGIN)
    _block, tail = rest.split(gen_docs.END)
    original_head, original_rest = MODULE_TEXT.split(gen_docs.BEGIN)
    assert head == original_head
    assert tail == original_rest.split(gen_docs.END)[1]


DRIFTS = [
    ("    type: raw\n", "    type: str\n", 1),  # inside the block: drift
    ("  - Hand-written text stays.\n", "  - Edited by hand.\n", 0),  # outside: not ours
]


@pytest.mark.parametrize(("old", "new", "status"), DRIFTS)
def test_drift_detection(tmp_path, old, new, status):
    write_tree(tmp_path)
    run(tmp_path, write=True)
    path = tmp_path / MODULE_FILE
    path.write_text(path.read_text().replace(old, new, 1))
    assert run(tmp_path)[0] == status


def test_missing_files_fail(tmp_path):
    assert run(tmp_path) == (1, report("does not exist"))
    write_tree(tmp_path, others=None, fragment=None)
    status, output = run(tmp_path, write=True)
    assert status == 1
    assert f"{INFO_FILE}: does not exist\n{STIG_FILE}: does not exist\n{IMAGE_FRAGMENT}: does not exist\n" in output


MARKERS = [
    "options: {}\n",
    f"{gen_docs.END}\n{gen_docs.BEGIN}\n",
    f"{gen_docs.BEGIN}\n{gen_docs.BEGIN}\n{gen_docs.END}\n",
]


@pytest.mark.parametrize("body", MARKERS)
def test_missing_or_misplaced_markers(tmp_path, body):
    write_tree(tmp_path, module=f'DOCUMENTATION = r"""\n{body}"""\n')
    status, output = run(tmp_path, write=True)
    assert status == 1
    assert output.startswith(f"{MODULE_FILE}: needs one line '{gen_docs.BEGIN}' followed by one line")


def test_crlf_files_stay_crlf(tmp_path):
    write_tree(tmp_path, module=MODULE_TEXT.replace("\n", "\r\n"))
    run(tmp_path, write=True)
    data = (tmp_path / MODULE_FILE).read_bytes()
    assert data.count(b"\n") == data.count(b"\r\n")
    assert run(tmp_path)[0] == 0


def test_generated_yaml_is_indented_under_the_marker():
    lines = gen_docs.role_block(option_spec(docs=True), "      ")
    assert lines[0] == "      session_state_commit:"
    assert all(line.startswith("      ") for line in lines if line)
    assert "        choices:\n          - MACHINE" in "\n".join(lines)  # sequences indented (yamllint)


def test_cli(tmp_path, capsys):
    write_tree(tmp_path)
    assert gen_docs.main(["--check", "--root", str(tmp_path)]) == 1
    assert gen_docs.main(["--write", "--root", str(tmp_path)]) == 0
    assert gen_docs.main(["--check", "--root", str(tmp_path)]) == 0
    assert gen_docs.main(["--root", str(tmp_path)]) == 0
    assert "options:\n  commit:" in capsys.readouterr().out
