"""Check the execution environment build context that `ansible-builder create` wrote.

    python tools/check_ee.py CONTEXT INSTALLED

CONTEXT is the output of `ansible-builder create -f meta/execution-environment.yml`; INSTALLED is
a collections path that holds the installed tarball (build/installed). Checks, without a
container engine or network, that the image would get what the collection needs:
- the Containerfile starts from the definition's base image and pins ansible-core as
  requirements/runtime.txt does, plus ansible-runner;
- the Python requirements in the context are runtime.txt's pins other than ansible-core, as
  floors (`==` becomes `>=`: other collections in the same image must be able to ask for more);
- the Galaxy requirements name ansible.windows with galaxy.yml's range and this collection's
  tarball (of galaxy.yml's version), and that tarball is in the context where the galaxy stage
  (`COPY _build /build`) looks for it;
- `ansible-builder introspect` on the installed collection finds the same Python requirements,
  as it will for any execution environment that installs iis.aspnet.
Private to the iis.aspnet collection's gates.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
# Where the Containerfile's galaxy stage puts the context's _build folder.
IMAGE_BUILD_DIR = "/build/"


def requirement_lines(path: Path) -> list[str]:
    """Requirement lines of a pip requirements file, without comments and blank lines."""
    lines = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line]


def floors(runtime: list[str]) -> list[str]:
    """runtime.txt's pins other than ansible-core, as the floors the collection declares."""
    return sorted(line.replace("==", ">=") for line in runtime if not line.startswith("ansible-core"))


def check_containerfile(context: Path, definition: dict, runtime: list[str]) -> list[str]:
    """Base image and the ansible-core/ansible-runner pins of the generated Containerfile."""
    text = (context / "Containerfile").read_text(encoding="utf-8")
    problems = []
    base = definition["images"]["base_image"]["name"]
    if f'ARG EE_BASE_IMAGE="{base}"' not in text:
        problems.append(f"Containerfile: base image is not {base}")
    refs = re.search(r'^ARG ANSIBLE_INSTALL_REFS="([^"]*)"', text, re.MULTILINE)
    refs = refs.group(1).split() if refs else []
    core = [line for line in runtime if line.startswith("ansible-core")]
    if core != [ref for ref in refs if ref.startswith("ansible-core")]:
        problems.append(f"Containerfile: ansible-core refs {refs} differ from runtime.txt {core}")
    if not any(ref.startswith("ansible-runner") for ref in refs):
        problems.append("Containerfile: no ansible-runner")
    return problems


def check_python(context: Path, runtime: list[str]) -> list[str]:
    """The context's requirements.txt is a plain file with runtime.txt's floors."""
    path = context / "_build" / "requirements.txt"
    wanted = floors(runtime)
    if path.is_symlink() or not path.is_file():
        return [f"{path}: not a regular file (a link would dangle inside the image)"]
    found = sorted(requirement_lines(path))
    return [] if found == wanted else [f"{path}: {found}, runtime.txt says {wanted}"]


def check_galaxy(context: Path) -> list[str]:
    """ansible.windows as galaxy.yml has it, and this collection's tarball, present in the context."""
    galaxy = yaml.safe_load((REPO / "galaxy.yml").read_text(encoding="utf-8"))
    reqs = yaml.safe_load((context / "_build" / "requirements.yml").read_text(encoding="utf-8"))
    collections = {entry["name"]: entry for entry in reqs.get("collections", [])}
    problems = []
    for name, version in galaxy.get("dependencies", {}).items():
        if collections.get(name, {}).get("version") != version:
            problems.append(f"requirements.yml: {name} {version} (galaxy.yml) not required as such")
    tarball = f"{IMAGE_BUILD_DIR}collections/{galaxy['namespace']}-{galaxy['name']}-{galaxy['version']}.tar.gz"
    if collections.get(tarball, {}).get("type") != "file":
        problems.append(f"requirements.yml: no `type: file` entry {tarball} (the version of galaxy.yml)")
    for name, entry in collections.items():
        if entry.get("type") == "file":
            local = context / "_build" / name.removeprefix(IMAGE_BUILD_DIR)
            if not name.startswith(IMAGE_BUILD_DIR) or not local.is_file():
                problems.append(f"requirements.yml: {name} is not in the build context ({local})")
    return problems


def check_introspect(installed: Path, runtime: list[str]) -> list[str]:
    """What ansible-builder introspect reads from the installed collection."""
    out = subprocess.run([sys.executable, "-m", "ansible_builder", "introspect", str(installed)],
                         check=True, capture_output=True, text=True).stdout
    data = yaml.safe_load(out)
    found = sorted(line.split("#", 1)[0].strip() for line in data.get("python") or []
                   if line.endswith("from collection iis.aspnet"))
    wanted = floors(runtime)
    return [] if found == wanted else [f"introspect {installed}: python {found}, expected {wanted}"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("context", type=Path)
    parser.add_argument("installed", type=Path)
    args = parser.parse_args()
    definition = yaml.safe_load((REPO / "meta" / "execution-environment.yml").read_text(encoding="utf-8"))
    runtime = requirement_lines(REPO / "requirements" / "runtime.txt")
    problems = (check_containerfile(args.context, definition, runtime)
                + check_python(args.context, runtime)
                + check_galaxy(args.context)
                + check_introspect(args.installed, runtime))
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)
    if problems:
        print(f"FAIL: {len(problems)} problem(s) in the execution environment", file=sys.stderr)
        return 1
    print(f"ee: build context {args.context} holds the collection, ansible.windows and {', '.join(floors(runtime))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
