"""Import a script of tools/ (not a package) as a module, for its unit tests."""

from __future__ import annotations

import importlib.util
import types
from pathlib import Path

TOOLS = Path(__file__).resolve().parents[3] / "tools"


def load_tool(name: str) -> types.ModuleType:
    loader = importlib.util.spec_from_file_location(name, TOOLS / f"{name}.py")
    module = importlib.util.module_from_spec(loader)
    loader.loader.exec_module(module)
    return module
