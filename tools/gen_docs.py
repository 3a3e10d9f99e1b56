"""Generate the option documentation of the modules and the role from the engine's option spec.

The engine's ``_spec.module_spec(module, docs=True)`` is the one definition of every option of
every module. ansible-doc and ansible-test need literal YAML, so this tool writes it between the
lines ``# BEGIN GENERATED OPTIONS`` and ``# END GENERATED OPTIONS`` (indented as the BEGIN line is):

- ``plugins/modules/<module>.py`` of each module of ``_spec.MODULES``: the ``options:`` part of
  DOCUMENTATION;
- ``plugins/doc_fragments/<fragment>.py`` of each fragment of ``FRAGMENTS``: options several modules
  share, documented once; a module whose options include them documents them through
  ``extends_documentation_fragment: iis.aspnet.<fragment>`` instead of repeating them;
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
FRAGMENT_FILE = "plugins/doc_fragments/{}.py"
# Doc fragments generated from the spec: name -> the options it documents for every module that has them.
FRAGMENTS = {"image": ("image_environment", "image_shares")}
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


class FragmentError(Exception):
    """A fragment's options differ between modules, or a module does not extend a fragment it needs."""


def targets(spec_module: types.ModuleType, root: Path) -> list[tuple[str, Callable[[str], list[str]]]]:
    """(file, block) for each module's documentation, each doc fragment, then the role's argument spec."""
    specs = {module: spec_module.module_spec(module, docs=True) for module in spec_module.MODULES}
    found = [(MODULE_FILE.format(module), _module_block_of(_own_options(spec))) for module, spec in specs.items()]
    found += [(FRAGMENT_FILE.format(name), _module_block_of(fragment_options(name, specs))) for name in FRAGMENTS]
    defaults = read_role_defaults(root)
    role_spec = specs[ROLE_MODULE]
    return [*found, (ROLE_FILE, lambda indent: role_block(role_spec, indent, defaults))]


def fragments_of(spec: dict) -> list[str]:
    """The fragments documenting options of ``spec`` (a module has all of a fragment's options or none)."""
    return [name for name, options in FRAGMENTS.items() if options[0] in spec]


def fragment_options(name: str, specs: dict[str, dict]) -> dict:
    """The options of fragment ``name``, the same in every module that has them."""
    entries = [{option: spec[option] for option in FRAGMENTS[name]} for spec in specs.values() if name in fragments_of(spec)]
    if not entries or any(entry != entries[0] for entry in entries):
        raise FragmentError(f"the options of fragment {name} ({', '.join(FRAGMENTS[name])}) must be the same in every "
                            "module that has them")
    return entries[0]


def _own_options(spec: dict) -> dict:
    shared = {option for name in fragments_of(spec) for option in FRAGMENTS[name]}
    return {name: entry for name, entry in spec.items() if name not in shared}


def _module_block_of(spec: dict) -> Callable[[str], list[str]]:
    return lambda indent: module_block(spec, indent)


def missing_fragments(relative: str, text: str, specs: dict[str, dict]) -> list[str]:
    """The fragments a module file must extend (its options are documented there) and does not."""
    module = Path(relative).stem
    if relative != MODULE_FILE.format(module) or module not in specs:
        return []
    return [name for name in fragments_of(specs[module])
            if not re.search(rf"^\s*- iis\.aspnet\.{name}\s*$", text, re.MULTILINE)]


def sync(root: Path, write: bool, out=sys.stdout) -> int:
    """Check (or rewrite) every target file; 1 when one is out of date or has no markers."""
    status = 0
    spec_module = load_spec()
    try:
        found = targets(spec_module, root)
    except FragmentError as exc:
        print(f"{FRAGMENT_FILE.format('*')}: {exc}", file=out)
        return 1
    specs = {module: spec_module.module_spec(module) for module in spec_module.MODULES}
    for relative, block in found:
        path = root / relative
        if not path.is_file():
            print(f"{relative}: does not exist", file=out)
            status = 1
            continue
        missing = missing_fragments(relative, path.read_text(encoding="utf-8"), specs)
        status = max(status, _sync_file(path, relative, block, write, out, missing))
    return status


def _sync_file(path: Path, relative: str, block, write: bool, out, missing: list[str]) -> int:
    text = path.read_bytes().decode("utf-8")
    try:
        new = splice(text, block)
    except MarkerError as exc:
        print(f"{relative}: {exc}", file=out)
        return 1
    if missing:
        print(f"{relative}: extends_documentation_fragment lacks "
              f"{', '.join('iis.aspnet.' + name for name in missing)} (its options are documented there)", file=out)
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
