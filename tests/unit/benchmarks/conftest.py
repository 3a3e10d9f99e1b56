"""The benchmark scripts as modules, for the tests of their inputs (they live outside the collection's packages)."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[3] / "benchmarks"


def _benchmark(name: str):
    sys.path.insert(0, str(BENCHMARKS))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.pop(0)


@pytest.fixture(scope="module", name="fleet")
def fixture_fleet():
    return _benchmark("fleet")


@pytest.fixture(scope="module", name="audit")
def fixture_audit():
    return _benchmark("audit")
