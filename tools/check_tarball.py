"""Check what the collection tarball holds (`make build`).

    python tools/check_tarball.py TARBALL            list it, fail on development files
    python tools/check_tarball.py --planted SCRATCH  build a copy of the files git knows with
                                                     junk planted (venvs, caches, build output,
                                                     notes...) and check that none of it ships

The second form proves galaxy.yml's build_ignore against a working tree as developers have it
(a fresh CI clone has none of that junk). Private to the iis.aspnet collection's gates.
"""

from __future__ import annotations

import argparse
import fnmatch
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

# (pattern on the path inside the tarball, a path to plant in a scratch tree to prove it).
# A pattern without "/" matches any single path component; with "/" it matches from the root.
FORBIDDEN = (
    (".venv*", ".venv-2.21/bin/python"),
    ("build/*", "build/dist/old.txt"),
    ("collections/*", "collections/ansible_collections/x"),
    (".ansible", ".ansible/tmp/x"),
    ("tests/output/*", "tests/output/junit/x.xml"),
    ("benchmarks/output/*", "benchmarks/output/run.json"),
    (".hypothesis", "tests/unit/.hypothesis/examples/x"),
    (".pytest_cache", ".pytest_cache/v/cache/x"),
    ("__pycache__", "plugins/plugin_utils/base/__pycache__/_spec.cpython-311.pyc"),
    (".mypy_cache", ".mypy_cache/x"),
    (".ruff_cache", ".ruff_cache/x"),
    (".tox", ".tox/x"),
    (".nox", ".nox/x"),
    (".git", ".git/HEAD"),
    (".ci", ".ci/run"),
    ("requirements/*", "requirements/test.txt"),
    ("notes", "notes/todo.md"),
    (".idea", ".idea/workspace.xml"),
    (".vscode", ".vscode/settings.json"),
    ("*.pyc", "tools/x.pyc"),
    ("*.tar.gz", "old-artifact.tar.gz"),
    ("*.log", "antsibull.log"),
    ("*.swp", "plugins/modules/.session_state.py.swp"),
    ("*~", "README.md~"),
    ("*.orig", "galaxy.yml.orig"),
    ("*.rej", "galaxy.yml.rej"),
    (".DS_Store", "docs/.DS_Store"),
    (".coverage*", ".coverage.host.1"),
    ("htmlcov", "htmlcov/index.html"),
    ("tests/integration/inventory*", "tests/integration/inventory.winrm"),
    ("tests/integration/cloud-config-*", "tests/integration/cloud-config-x.ini"),
    ("changelogs/.plugin-cache.yaml", "changelogs/.plugin-cache.yaml"),
    ("Makefile", "Makefile"),
    ("tools/get_pip_standin.py", "tools/get_pip_standin.py"),
)

# What an installable collection must carry.
REQUIRED = (
    "MANIFEST.json",
    "FILES.json",
    "README.md",
    "LICENSE",
    "meta/runtime.yml",
    "meta/execution-environment.yml",
    "meta/requirements.txt",
    "requirements.txt",
    "plugins/modules/session_state.py",
)


def forbidden_reason(name: str) -> str | None:
    """Return the pattern that forbids the tarball member ``name``, or None."""
    parts = name.strip("/").split("/")
    for pattern, _sample in FORBIDDEN:
        if "/" in pattern:
            if fnmatch.fnmatchcase(name, pattern) or fnmatch.fnmatchcase(name + "/", pattern):
                return pattern
        elif any(fnmatch.fnmatchcase(part, pattern) for part in parts):
            return pattern
    return None


def check(tarball: Path) -> list[str]:
    """Return the problems found in ``tarball`` (empty when it is clean)."""
    with tarfile.open(tarball) as tar:
        members = tar.getmembers()
    names = {m.name.strip("/") for m in members}
    problems = [
        f"{m.name}: development file (build_ignore misses {reason!r})"
        for m in members
        if (reason := forbidden_reason(m.name)) is not None
    ]
    problems += [f"{m.name}: absolute or parent path" for m in members if m.name.startswith("/") or ".." in m.name.split("/")]
    problems += [f"{need}: missing" for need in REQUIRED if need not in names]
    problems += license_problems(tarball, names)
    files = [m for m in members if m.isfile()]
    print(f"{tarball.name}: {tarball.stat().st_size / 1024:.0f} KiB, {len(files)} files "
          f"({sum(m.size for m in files) / 1024:.0f} KiB unpacked)")
    return problems


# galaxy.yml declares GPL-3.0-or-later: the tarball must carry that licence's full text.
LICENSE_MARKERS = ("GNU GENERAL PUBLIC LICENSE", "Version 3, 29 June 2007", "END OF TERMS AND CONDITIONS",
                   "How to Apply These Terms to Your New Programs")


def license_problems(tarball: Path, names: set[str]) -> list[str]:
    """The LICENSE member must be the full GPL version 3 text (not a stub naming it)."""
    if "LICENSE" not in names:
        return []
    with tarfile.open(tarball) as tar:
        text = tar.extractfile("LICENSE").read().decode("utf-8", "replace")
    missing = [marker for marker in LICENSE_MARKERS if marker not in text]
    return [f"LICENSE: not the full GPL-3.0 text (lacks {missing[0]!r})"] if missing else []


def planted(scratch: Path, galaxy: str) -> list[str]:
    """Build the files git knows plus planted junk in ``scratch``; return the problems found."""
    repo = Path(__file__).resolve().parents[1]
    tree = scratch / "tree"
    shutil.rmtree(scratch, ignore_errors=True)
    tracked = subprocess.run(["git", "-C", str(repo), "ls-files", "-z", "--cached", "--others",
                              "--exclude-standard"], check=True,
                             capture_output=True).stdout.decode().split("\0")
    for rel in filter(None, tracked):
        src = repo / rel
        if src.is_file():
            (tree / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, tree / rel)
    for _pattern, sample in FORBIDDEN:
        path = tree / sample
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("planted by tools/check_tarball.py\n", encoding="utf-8")
    subprocess.run([galaxy, "collection", "build", "--force", "--output-path", str(scratch / "dist"),
                    str(tree)], check=True, stdout=subprocess.DEVNULL)
    (tarball,) = (scratch / "dist").glob("*.tar.gz")
    return check(tarball)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tarball", nargs="?", type=Path)
    parser.add_argument("--planted", type=Path, metavar="SCRATCH",
                        help="build a junk-planted copy of the files git knows in this directory")
    parser.add_argument("--galaxy", default=str(Path(sys.executable).with_name("ansible-galaxy")))
    args = parser.parse_args()
    if args.planted is not None:
        problems = planted(args.planted, args.galaxy)
    elif args.tarball is not None:
        problems = check(args.tarball)
    else:
        parser.error("give TARBALL or --planted SCRATCH")
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)
    if problems:
        print(f"FAIL: {len(problems)} problem(s); fix build_ignore in galaxy.yml", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
