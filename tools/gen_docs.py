"""Generate the option documentation of the modules and the role from the engine's option spec.

The engine's ``_spec.module_spec(module, docs=True)`` is the one definition of every option of
every module. ansible-doc and ansible-test need literal YAML, so this tool writes it between the
lines ``# BEGIN GENERATED OPTIONS`` and ``# END GENERATED OPTIONS`` (indented as the BEGIN line is):

- ``plugins/modules/<module>.py`` of each module of ``_spec.MODULES``: the ``options:`` part of
  DOCUMENTATION;
- ``roles/session_state/meta/argument_specs.yml``: the option entries of the entry point, each
  prefixed ``session_state_`` (the options of ``session_state``). Their defaults are the role's own
  (``defaults/main.yml``) when it sets a literal value there, else the module's.

Usage::

    tools/gen_docs.py            print every block
    tools/gen_docs.py --check    exit 1 when a file differs from what would be generated
    tools/gen_docs.py --write    rewrite the lines between the markers, nothing else

A file that does not exist, or has no markers, is an error (exit 1): nothing is skipped.
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
import types
from collections.abc import Callable
from pathlib import Path

import yaml

BEGIN = "# BEGIN GENERATED OPTIONS"
END = "# END GENERATED OPTIONS"
MODULE_FILE = "plugins/modules/{}.py"
ROLE_MODULE = "session_state"
ROLE_FILE = "roles/session_state/meta/argument_specs.yml"
ROLE_DEFAULTS_FILE = "roles/session_state/defaults/main.yml"
PREFIX = "session_state_"
REPO = Path(__file__).resolve().parents[1]
COLLECTION = "ansible_collections.iis.aspnet"
# Order of the keys inside one option entry, as the Ansible docs write them.
_KEY_ORDER = ("description", "type", "elements", "required", "choices", "default", "no_log")


def load_spec() -> types.ModuleType:
    """Import ``_spec`` of this checkout (the documentation of this code is what is generated)."""
    try:
        importlib.import_module(COLLECTION)
    except ImportError:
        # Run as a script from a checkout not named ansible_collections/iis/aspnet: bind the
        # package names to this checkout (namespace packages need only a __path__).
        for name, path in (("ansible_collections", []), ("ansible_collections.iis", []), (COLLECTION, [str(REPO)])):
            if name not in sys.modules:
                package = types.ModuleType(name)
                package.__path__ = path
                sys.modules[name] = package
    return importlib.import_module(f"{COLLECTION}.plugins.plugin_utils.base._spec")


# ---------------------------------------------------------------------------------------------
# The documentation dicts


def _entry(spec: dict, describe: Callable[[str], str], children_key: str, keep_no_log: bool) -> dict:
    paragraphs = spec["description"]
    paragraphs = [paragraphs] if isinstance(paragraphs, str) else list(paragraphs)
    entry = {"description": [describe(paragraph) for paragraph in paragraphs]}
    for key in _KEY_ORDER[1:]:
        if key in spec and (key != "no_log" or keep_no_log):
            entry[key] = spec[key]
    if "options" in spec:
        entry[children_key] = {name: _entry(child, describe, children_key, keep_no_log)
                               for name, child in spec["options"].items()}
    return entry


def module_options(spec: dict) -> dict:
    """DOCUMENTATION ``options`` (suboptions under ``suboptions``; no_log is not a doc key)."""
    return {name: _entry(entry, str, "suboptions", keep_no_log=False) for name, entry in spec.items()}


def role_options(spec: dict, role_defaults: dict | None = None) -> dict:
    """argument_specs entries: names prefixed, O() references renamed, the role's defaults."""
    role_defaults = role_defaults or {}

    def describe(text: str) -> str:
        return re.sub(r"\bO\((\w+)", lambda m: f"O({PREFIX}{m.group(1)}" if m.group(1) in spec else m.group(0), text)

    options = {}
    for name, entry in spec.items():
        doc = _entry(entry, describe, "options", keep_no_log=True)
        _apply_role_default(doc, role_defaults.get(PREFIX + name, _NOT_SET))
        options[PREFIX + name] = _ordered(doc)
    return options


_NOT_SET = object()


def _apply_role_default(doc: dict, value) -> None:
    if value is _NOT_SET:
        return  # the role passes nothing: the module's default applies
    if value is None or (isinstance(value, str) and "{{" in value):
        doc.pop("default", None)  # computed per host: the description says how
    else:
        doc["default"] = value


def _ordered(doc: dict) -> dict:
    return {key: doc[key] for key in (*_KEY_ORDER, "options") if key in doc}


def read_role_defaults(root: Path) -> dict:
    path = root / ROLE_DEFAULTS_FILE
    if not path.is_file():
        return {}
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


# ---------------------------------------------------------------------------------------------
# YAML text


class _IndentedDumper(yaml.SafeDumper):
    """Indent block sequences inside mappings (yamllint's default indent-sequences)."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)


def dump(data: dict, indent: str) -> list[str]:
    text = yaml.dump(data, Dumper=_IndentedDumper, sort_keys=False, default_flow_style=False,
                     allow_unicode=True, width=max(40, 100 - len(indent)))
    return [indent + line if line else line for line in text.splitlines()]


def module_block(spec: dict, indent: str) -> list[str]:
    return dump({"options": module_options(spec)}, indent)


def role_block(spec: dict, indent: str, role_defaults: dict | None = None) -> list[str]:
    return dump(role_options(spec, role_defaults), indent)


# ---------------------------------------------------------------------------------------------
# Files


class MarkerError(Exception):
    """The markers are missing or out of order."""


def splice(text: str, block: Callable[[str], list[str]]) -> str:
    """``text`` with the lines between the markers replaced by ``block(indent of BEGIN)``."""
    lines = text.splitlines(keepends=True)
    stripped = [line.strip() for line in lines]
    if stripped.count(BEGIN) != 1 or stripped.count(END) != 1 or stripped.index(BEGIN) > stripped.index(END):
        raise MarkerError(f"needs one line {BEGIN!r} followed by one line {END!r}")
    first, last = stripped.index(BEGIN), stripped.index(END)
    begin = lines[first]
    indent = begin[: len(begin) - len(begin.lstrip())]
    newline = "\r\n" if begin.endswith("\r\n") else "\n"
    generated = [line + newline for line in block(indent)]
    return "".join(lines[: first + 1] + generated + lines[last:])


def targets(spec_module: types.ModuleType, root: Path) -> list[tuple[str, Callable[[str], list[str]]]]:
    """(file, block) for each module's documentation, then the role's argument spec."""
    found = [(MODULE_FILE.format(module), _module_block_of(spec_module.module_spec(module, docs=True)))
             for module in spec_module.MODULES]
    defaults = read_role_defaults(root)
    role_spec = spec_module.module_spec(ROLE_MODULE, docs=True)
    return [*found, (ROLE_FILE, lambda indent: role_block(role_spec, indent, defaults))]


def _module_block_of(spec: dict) -> Callable[[str], list[str]]:
    return lambda indent: module_block(spec, indent)


def sync(root: Path, write: bool, out=sys.stdout) -> int:
    """Check (or rewrite) every target file; 1 when one is out of date or has no markers."""
    status = 0
    for relative, block in targets(load_spec(), root):
        path = root / relative
        if not path.is_file():
            print(f"{relative}: does not exist", file=out)
            status = 1
            continue
        status = max(status, _sync_file(path, relative, block, write, out))
    return status


def _sync_file(path: Path, relative: str, block, write: bool, out) -> int:
    text = path.read_bytes().decode("utf-8")
    try:
        new = splice(text, block)
    except MarkerError as exc:
        print(f"{relative}: {exc}", file=out)
        return 1
    if new == text:
        print(f"{relative}: up to date", file=out)
        return 0
    if write:
        path.write_bytes(new.encode("utf-8"))
        print(f"{relative}: updated", file=out)
        return 0
    print(f"{relative}: out of date; run tools/gen_docs.py --write", file=out)
    return 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--check", action="store_true", help="exit 1 when a file is out of date")
    action.add_argument("--write", action="store_true", help="rewrite the generated parts")
    parser.add_argument("--root", type=Path, default=REPO, help="where the files are (default: this checkout)")
    args = parser.parse_args(argv)
    if args.check or args.write:
        return sync(args.root, write=args.write)
    for relative, block in targets(load_spec(), args.root):
        print(f"# {relative}\n" + "\n".join(block("")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
