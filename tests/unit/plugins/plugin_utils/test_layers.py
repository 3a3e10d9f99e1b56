"""The engine's layers (docs/architecture.md): who may import whom, and no Ansible below the actions.

Each package of plugins/plugin_utils has a rank; a module may import its own package and packages
of a lower rank only. Nothing in plugins/plugin_utils imports Ansible or a plugin: the actions,
the callback and the filters are the only Ansible-facing code.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[4]
ENGINE = "ansible_collections.iis.aspnet.plugins.plugin_utils"
PLUGINS = "ansible_collections.iis.aspnet.plugins"
# Lowest first. Packages of one rank know nothing of each other.
RANKS = {
    "base": 0,       # options, errors, masking: the vocabulary
    "document": 1,   # one config file: parse, find elements, byte-faithful edits
    "server": 1,     # where the files are: levels, paths, applicationHost.config, image paths
    "model": 2,      # the configuration model: the value in effect per config path
    "host": 2,       # host I/O: the transports and the state service
    "audit": 3,      # the info report, the STIG audit, override reverts
    "report": 4,     # module results, drift report renderers, checklists, the report writer
    "run": 5,        # one module run: plan, judge, apply, rollout batches
}


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import in ``path``, ``from X import a, b`` giving X.a and X.b."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def violations(engine: Path) -> list[str]:
    """Every import in ``engine`` (a plugin_utils folder) that breaks the layering, as 'file:line: why'."""
    problems = []
    for path in sorted(engine.rglob("*.py")):
        relative = path.relative_to(engine)
        where = f"{relative.as_posix()}"
        if len(relative.parts) != 2 or relative.parts[0] not in RANKS:
            problems.append(f"{where}: not inside one of the layer packages {sorted(RANKS)}")
            continue
        own = relative.parts[0]
        for line, module in imports(path):
            if module == "ansible" or module.startswith("ansible."):
                problems.append(f"{where}:{line}: imports {module}: Ansible belongs to the action layer")
            elif module.startswith(ENGINE + "."):
                target = module[len(ENGINE) + 1:].split(".")[0]
                if target not in RANKS:
                    problems.append(f"{where}:{line}: imports {module}, outside the layer packages")
                elif target != own and RANKS[target] >= RANKS[own]:
                    problems.append(f"{where}:{line}: {own} (rank {RANKS[own]}) imports {target} (rank {RANKS[target]})")
            elif module.startswith(PLUGINS + "."):
                problems.append(f"{where}:{line}: imports the plugin {module}")
    return problems


def test_every_import_goes_down_the_layers_and_none_is_ansible():
    assert violations(REPO / "plugins" / "plugin_utils") == []


def test_every_layer_package_exists_and_holds_a_module():
    engine = REPO / "plugins" / "plugin_utils"
    assert sorted(path.name for path in engine.iterdir() if path.is_dir() and path.name != "__pycache__") == sorted(RANKS)
    assert all(any((engine / package).glob("_*.py")) for package in RANKS)


@pytest.mark.parametrize(("package", "source", "expected"), [
    ("document", "from ansible_collections.iis.aspnet.plugins.plugin_utils.audit import _stig\n",
     "document/_planted.py:1: document (rank 1) imports audit (rank 3)"),
    ("model", "from ansible_collections.iis.aspnet.plugins.plugin_utils.host._transport import Transport\n",
     "model/_planted.py:1: model (rank 2) imports host (rank 2)"),
    ("audit", "import json\nfrom ansible.errors import AnsibleError\n",
     "audit/_planted.py:2: imports ansible.errors.AnsibleError: Ansible belongs to the action layer"),
    ("run", "from ansible_collections.iis.aspnet.plugins.action import SessionStateAction\n",
     "run/_planted.py:1: imports the plugin ansible_collections.iis.aspnet.plugins.action.SessionStateAction"),
])
def test_a_planted_wrong_import_is_named(tmp_path, package, source, expected):
    (tmp_path / package).mkdir()
    (tmp_path / package / "_planted.py").write_text(source, encoding="utf-8")
    (tmp_path / "base").mkdir()
    (tmp_path / "base" / "_fine.py").write_text("from ansible_collections.iis.aspnet.plugins.plugin_utils.base import _errors\n")
    assert violations(tmp_path) == [expected]


def test_a_module_outside_the_packages_is_named(tmp_path):
    (tmp_path / "_loose.py").write_text("", encoding="utf-8")
    assert violations(tmp_path) == [f"_loose.py: not inside one of the layer packages {sorted(RANKS)}"]
