"""Check the collection docsite that `make docs` renders with antsibull-docs and Sphinx.

    python tools/check_docsite.py DOCSITE

DOCSITE is the `antsibull-docs sphinx-init` directory after `antsibull-docs collection` wrote
rst/ and `sphinx-build -w warnings.txt` wrote build/html/. Fails when a plugin or role of the
collection has no page (rst and HTML), or when Sphinx warned about anything but a reference to
the Ansible docs: those resolve through intersphinx, which needs the network, so the offline
build leaves them unresolved. Private to the iis.aspnet collection's gates.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# The plugin types `make build` checks with ansible-doc, and the page suffix antsibull-docs uses.
PLUGIN_TYPES = ("become", "cache", "callback", "connection", "filter", "inventory", "lookup",
                "modules", "strategy", "test", "vars")
# Unresolved cross-references only: targets in docs.ansible.com (ansible.builtin, ansible.windows,
# the Ansible manual), which intersphinx would resolve online.
EXTERNAL_REFERENCE = re.compile(
    r"WARNING: (undefined label: '[^']+'|'[a-z]+' reference target not found: \S+) \[ref\.[a-z]+\]$")


def expected_pages() -> list[str]:
    """Page names (without suffix) for every documented plugin and role of the collection."""
    pages = []
    for plugin_type in PLUGIN_TYPES:
        suffix = "module" if plugin_type == "modules" else plugin_type
        pattern = "*.yml" if plugin_type in ("filter", "test") else "*.py"
        for path in sorted((REPO / "plugins" / plugin_type).glob(pattern)):
            if not path.stem.startswith("_"):
                pages.append(f"{path.stem}_{suffix}")
    pages += [f"{spec.parents[1].name}_role" for spec in sorted(REPO.glob("roles/*/meta/argument_specs.yml"))]
    return pages


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("docsite", type=Path)
    args = parser.parse_args()
    problems = []
    pages = expected_pages()
    for page in pages:
        for path in (args.docsite / "rst" / "collections" / "iis" / "aspnet" / f"{page}.rst",
                     args.docsite / "build" / "html" / "collections" / "iis" / "aspnet" / f"{page}.html"):
            if not path.is_file():
                problems.append(f"{path}: missing")
    warnings = (args.docsite / "warnings.txt").read_text(encoding="utf-8").splitlines()
    # A reference into this collection must resolve, even offline.
    unresolved = [line for line in warnings if EXTERNAL_REFERENCE.search(line) and "iis.aspnet" not in line]
    problems += [f"Sphinx: {line}" for line in warnings if line.strip() and line not in unresolved]
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)
    if problems:
        print(f"FAIL: {len(problems)} problem(s) in the rendered docsite", file=sys.stderr)
        return 1
    print(f"docs: {len(pages)} pages rendered ({', '.join(pages)}) in "
          f"{args.docsite / 'build' / 'html'}; {len(unresolved)} references to docs.ansible.com "
          "left unresolved offline")
    return 0


if __name__ == "__main__":
    sys.exit(main())
