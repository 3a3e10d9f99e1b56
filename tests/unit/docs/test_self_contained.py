"""The repository explains itself: no file points at documents outside it, and every link inside resolves.

A contributor with a clone (or a user with the tarball) has only the repository: a comment that says
"see the design notes, section 4" sends them nowhere. The facts the code relies on are in docs/.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
# Names of the developers' notes that live beside the repository, not in it, and how they were cited.
OUTSIDE = re.compile(r"IIS-FACTS|\bDESIGN(?:\.md| \d)|\bTOOLING\.md|\bSTYLE\.md|\.\./shared/|/work/shared")
MARKDOWN_LINK = re.compile(r"\]\(([^)\s]+)\)")


def tracked_files() -> list[Path]:
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=False)
    if listed.returncode != 0:  # an unpacked tarball: every file under the root
        return [path for path in REPO.rglob("*") if path.is_file() and ".git" not in path.parts]
    return [REPO / name for name in listed.stdout.decode().split("\0") if name]


def text_of(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return None  # binary or non-UTF-8 fixtures (the encoding tests' files) cite nothing


def test_the_finder_sees_what_the_repository_used_to_cite():
    # The pattern must catch each way these notes were cited, or the test below proves nothing.
    for cited in ("IIS-FACTS 5", "(DESIGN 2.1)", "DESIGN.md", "TOOLING.md", "../shared/IIS-FACTS.md", "/work/shared/x"):
        assert OUTSIDE.search(cited), cited
    assert not OUTSIDE.search("the design of the report; DESIGNER 4; docs/architecture.md")


def test_no_file_points_outside_the_repository():
    this = Path(__file__).resolve()
    found = []
    for path in tracked_files():
        text = text_of(path) if path.resolve() != this else None
        for number, line in enumerate((text or "").splitlines(), 1):
            if OUTSIDE.search(line):
                found.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert found == []


@pytest.mark.parametrize("page", sorted([REPO / "README.md", *(REPO / "docs").glob("*.md")]), ids=lambda p: p.name)
def test_every_relative_link_of_the_docs_resolves(page):
    broken = []
    for target in MARKDOWN_LINK.findall(page.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue  # web addresses and anchors in the same page
        if not (page.parent / target.split("#")[0]).exists():
            broken.append(target)
    assert broken == []
