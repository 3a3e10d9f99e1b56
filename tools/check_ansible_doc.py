"""Check that every documented plugin and role of the collection renders with ansible-doc.

Run by ``make build`` against the installed collection::

    tools/check_ansible_doc.py <ansible-doc> <collections path>

Plugins are the files of ``plugins/<type>/`` (``*.py``; ``*.yml`` for filter and test plugins,
whose documentation is a YAML file), except private ones (``_*``); roles are those with a
``meta/argument_specs.yml``. Each one's ``ansible-doc -t <type> iis.aspnet.<name>`` must succeed.
Fails when one does not, and when nothing at all is found (a wrong checkout is not a pass).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NAMESPACE = "iis.aspnet"
PLUGIN_TYPES = ("become", "cache", "callback", "connection", "filter", "inventory", "lookup", "modules",
                "strategy", "test", "vars")


def doc_type(plugin_type: str) -> str:
    """ansible-doc's -t for a plugins/ folder: the singular of ``modules``, the folder name otherwise."""
    return "module" if plugin_type == "modules" else plugin_type


def documented(root: Path) -> list[tuple[str, str]]:
    """(ansible-doc type, FQCN) of every public plugin and every role with an argument spec, in order."""
    found = []
    for plugin_type in PLUGIN_TYPES:
        pattern = "*.yml" if plugin_type in ("filter", "test") else "*.py"
        for path in sorted((root / "plugins" / plugin_type).glob(pattern)):
            if path.is_file() and not path.name.startswith("_"):
                found.append((doc_type(plugin_type), f"{NAMESPACE}.{path.stem}"))
    for spec in sorted(root.glob("roles/*/meta/argument_specs.yml")):
        found.append(("role", f"{NAMESPACE}.{spec.parents[1].name}"))
    return found


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    ansible_doc, collections_path = argv
    entries = documented(REPO)
    if not entries:
        print(f"ansible-doc: no plugin or role found under {REPO}", file=sys.stderr)
        return 1
    env = {**os.environ, "ANSIBLE_COLLECTIONS_PATH": collections_path}
    failed = []
    for kind, name in entries:
        print(f"ansible-doc -t {kind} {name}", flush=True)
        done = subprocess.run([ansible_doc, "-t", kind, name], env=env, stdout=subprocess.DEVNULL, check=False)
        if done.returncode:
            failed.append(f"{kind} {name}")
    if failed:
        print(f"build: ansible-doc failed for {', '.join(failed)}", file=sys.stderr)
        return 1
    print(f"build: collection built and installed; {len(entries)} documented plugin(s)/role(s) render with ansible-doc")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
