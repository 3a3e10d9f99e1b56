"""Syntax-check the ansible-test integration targets, which need a Windows host to run.

Run by ``make integration``::

    tools/check_integration_targets.py <ansible-playbook> <collections path> <work dir> [<targets dir>]

ansible-test runs each target (``tests/integration/targets/<name>/``, a role) as the play
``hosts: <group>, roles: [<name>]``; this writes that play for each target into ``<work dir>``
and runs ``ansible-playbook --syntax-check`` on it, with the targets as the roles path and this
checkout as the iis.aspnet collection: YAML, task keywords, module names (ansible.windows' and
iis.aspnet's) and every statically imported task file are checked. Fails when a target fails, and
when there is no target at all.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGETS = REPO / "tests" / "integration" / "targets"


def targets(root: Path) -> list[str]:
    """The targets under ``root``: folders with ``tasks/main.yml`` (ansible-test's role targets)."""
    return sorted(path.parents[1].name for path in root.glob("*/tasks/main.yml"))


def play(target: str) -> list[dict]:
    """The play ansible-test runs for a Windows target."""
    return [{"name": f"Integration target {target}", "hosts": "windows", "gather_facts": False, "roles": [target]}]


def check(ansible_playbook: str, collections_path: str, workdir: Path, root: Path) -> int:
    names = targets(root)
    if not names:
        print(f"integration: no target (tasks/main.yml) under {root}", file=sys.stderr)
        return 1
    workdir.mkdir(parents=True, exist_ok=True)
    inventory = workdir / "inventory.ini"
    inventory.write_text("[windows]\nwindows-host\n", encoding="utf-8")
    env = {**os.environ, "ANSIBLE_COLLECTIONS_PATH": collections_path, "ANSIBLE_ROLES_PATH": str(root)}
    failed = []
    for name in names:
        playbook = workdir / f"{name}.yml"
        playbook.write_text(json.dumps(play(name)), encoding="utf-8")
        print(f"ansible-playbook --syntax-check {name}", flush=True)
        done = subprocess.run([ansible_playbook, "--syntax-check", "-i", str(inventory), str(playbook)],
                              env=env, check=False)
        if done.returncode:
            failed.append(name)
    if failed:
        print(f"integration: syntax check failed for {', '.join(failed)}", file=sys.stderr)
        return 1
    print(f"integration: {len(names)} target(s) pass the syntax check")
    return 0


def main(argv: list[str]) -> int:
    if len(argv) not in (3, 4):
        print(__doc__, file=sys.stderr)
        return 2
    root = Path(argv[3]) if len(argv) == 4 else TARGETS
    return check(argv[0], argv[1], Path(argv[2]), root)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
