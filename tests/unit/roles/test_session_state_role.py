"""The role iis.aspnet.session_state against its one declaration, meta/argument_specs.yml.

- README.md's variable table is generated from the argument specs (``--write`` regenerates it:
  ``python tests/unit/roles/test_session_state_role.py --write``);
- the tasks pass every module option, the server-level call from ``session_state_<option>``,
  the per-site call from the entry's own key;
- ``session_state_sites`` entries take the module's options, with the module's types and choices;
- every default the role sets is declared.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[3]
ROLE = REPO / "roles" / "session_state"
PREFIX = "session_state_"
BEGIN = "<!-- BEGIN GENERATED VARIABLES -->"
END = "<!-- END GENERATED VARIABLES -->"
# Options of the whole host, never per entry of session_state_sites.
HOST_ONLY = {"image_root", "image_environment", "image_shares"}
# Server-level options that a STIG profile sets when the user leaves them unset.
PROFILE_DEFAULTS = {"cookieless", "timeout"}
# The role's own variables, beside the prefixed module options.
ROLE_OWN = ["session_state_sites", "session_state_install_feature", "session_state_clear_overrides", "session_state_profile",
            "session_state_stig_exceptions"]


def argument_specs() -> dict:
    return yaml.safe_load((ROLE / "meta" / "argument_specs.yml").read_text(encoding="utf-8"))["argument_specs"]["main"]


def module_spec() -> dict:
    sys.path.insert(0, str(REPO / "tools"))
    try:
        import gen_docs  # pylint: disable=import-outside-toplevel
    finally:
        sys.path.pop(0)
    return gen_docs.load_spec().module_spec("session_state", docs=True)


def tasks() -> dict:
    return {task["name"]: task for task in yaml.safe_load((ROLE / "tasks" / "main.yml").read_text(encoding="utf-8"))}


def _plain(text: str) -> str:
    """Ansible doc markup to Markdown."""
    text = re.sub(r"\b[OVCM]\(([^)]*)\)", lambda m: f"`{m.group(1)}`", str(text))
    return text.replace("|", "\\|").replace("\n", " ")


def _default(entry: dict) -> str:
    if "default" not in entry:
        return "-"
    return f"`{yaml.safe_dump(entry['default'], default_flow_style=True).strip().removesuffix('...').strip()}`"


def variables_table(spec: dict) -> str:
    """The Markdown table of README.md, one row per variable (and per session_state_sites key)."""
    rows = ["| variable | type | default | description |", "|---|---|---|---|"]
    for name, entry in spec["options"].items():
        rows.append(_row(f"`{name}`", entry))
        for key, child in entry.get("options", {}).items():
            rows.append(_row(f"`{name}[].{key}`", child))
    return "\n".join(rows) + "\n"


def _row(name: str, entry: dict) -> str:
    kind = entry.get("type", "str") + (f" of {entry['elements']}" if "elements" in entry else "")
    if "choices" in entry:
        kind += ": " + ", ".join(f"`{choice}`" for choice in entry["choices"])
    if entry.get("required"):
        kind += " (required)"
    return f"| {name} | {kind} | {_default(entry)} | {' '.join(_plain(line) for line in entry['description'])} |"


def readme_with_table(text: str, table: str) -> str:
    head, rest = text.split(BEGIN + "\n", 1)
    tail = rest.split(END, 1)[1]
    return f"{head}{BEGIN}\n{table}{END}{tail}"


def test_readme_variables_are_generated_from_the_argument_specs():
    readme = (ROLE / "README.md").read_text(encoding="utf-8")
    expected = readme_with_table(readme, variables_table(argument_specs()))
    assert readme == expected, "README.md is out of date: python tests/unit/roles/test_session_state_role.py --write"


def _passed(task: dict) -> dict:
    return task["iis.aspnet.session_state"]


def test_server_level_call_passes_every_option_from_its_prefixed_variable():
    args = _passed(tasks()["Set session state at server level"])
    spec = module_spec()
    assert list(args) == list(spec)
    for name, value in args.items():
        if name in PROFILE_DEFAULTS:
            # Unset by the user: the STIG profile's value ({} without a profile, so omitted as before).
            assert value == f"{{{{ {PREFIX}{name} | default(__session_state_stig_server_defaults.{name} | default(omit)) }}}}"
        else:
            assert value == f"{{{{ {PREFIX}{name} | default(omit) }}}}"


def test_site_call_passes_every_option_from_the_entry():
    args = _passed(tasks()["Set session state per site and application"])
    spec = module_spec()
    assert sorted(args) == sorted(spec)
    own = {name for name in spec if name not in HOST_ONLY | {"site", "state_service", "backup"}}
    for name in own:
        assert args[name] == f"{{{{ session_state_entry.{name} | default(omit) }}}}"
    for name in HOST_ONLY:
        assert args[name] == f"{{{{ session_state_{name} | default(omit) }}}}"


def test_site_entries_take_the_module_options_with_their_types_and_choices():
    entries = argument_specs()["options"]["session_state_sites"]["options"]
    spec = module_spec()
    assert sorted(entries) == sorted(set(spec) - HOST_ONLY)
    for name, entry in entries.items():
        for key in ("type", "elements", "choices"):
            assert entry.get(key) == spec[name].get(key), (name, key)
    assert entries["site"]["required"] is True
    assert entries["sql_connection_string"]["no_log"] is True


def test_role_options_are_the_prefixed_module_options_and_the_role_own():
    options = argument_specs()["options"]
    assert sorted(options) == sorted([PREFIX + name for name in module_spec()] + ROLE_OWN)
    for name, entry in options.items():
        assert entry["description"], name


def test_every_default_is_declared_and_literal_defaults_are_documented():
    defaults = yaml.safe_load((ROLE / "defaults" / "main.yml").read_text(encoding="utf-8"))
    options = argument_specs()["options"]
    assert set(defaults) <= set(options)
    assert options["session_state_mode"]["default"] == defaults["session_state_mode"] == "InProc"
    # Computed per host (true unless the host is an image host): documented in words, no literal default.
    assert "default" not in options["session_state_backup"]
    assert options["session_state_install_feature"]["default"] is False


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: test_session_state_role.py --write   (regenerates the table in roles/session_state/README.md)")
    path = ROLE / "README.md"
    path.write_text(readme_with_table(path.read_text(encoding="utf-8"), variables_table(argument_specs())), encoding="utf-8")
    print(f"{path.relative_to(REPO)}: written")


def test_the_attribute_options_the_role_knows_are_the_module_attributes():
    names = yaml.safe_load((ROLE / "vars" / "main.yml").read_text(encoding="utf-8"))["__session_state_attribute_options"]
    spec = module_spec()
    assert sorted(names) == sorted(spec["revert"]["choices"])
