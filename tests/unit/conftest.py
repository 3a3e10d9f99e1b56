"""Make the collection importable as ``ansible_collections.iis.aspnet`` in unit tests.

Private to the iis.aspnet collection's tests.

Under ``ansible-test units`` the collection already sits at ``.../ansible_collections/iis/aspnet``
(and ansible-test's collection loader handles the imports): its collections root is used as is.

Under plain ``pytest tests/unit`` (``make units``) the repository is usually checked out under
another name. Then a symlink farm ``build/collections/ansible_collections/iis/aspnet -> <repo>``
is made (idempotently) and ``build/collections`` goes first on ``sys.path``. Neither
``ansible_collections/`` nor ``iis/`` holds an ``__init__.py``: they are namespace packages that
merge with the ``ansible_collections`` tree the ``ansible`` PyPI package installs in
site-packages (ansible.windows, community.general, ...).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

COLLECTION_PARTS = ("ansible_collections", "iis", "aspnet")


def _collections_root(repo: Path) -> Path:
    """Return a directory that holds ``ansible_collections/iis/aspnet`` for this repository."""
    if repo.parts[-3:] == COLLECTION_PARTS:
        # Already in place (ansible-test, or a checkout under a collections path).
        return repo.parents[2]
    farm = repo / "build" / "collections"
    link = farm.joinpath(*COLLECTION_PARTS)
    if not (link.is_symlink() and link.resolve() == repo):
        link.parent.mkdir(parents=True, exist_ok=True)
        # Replace a stale link atomically; a concurrent run may have made the same one.
        tmp = link.with_name(f".aspnet.{os.getpid()}")
        if tmp.is_symlink() or tmp.exists():
            tmp.unlink()
        tmp.symlink_to(repo, target_is_directory=True)
        os.replace(tmp, link)
    return farm


def _setup() -> None:
    repo = Path(__file__).resolve().parents[2]
    root = str(_collections_root(repo))
    if root in sys.path:
        sys.path.remove(root)
    # Namespace packages recompute their search path when sys.path changes, so this also works
    # when ansible_collections was imported before.
    sys.path.insert(0, root)


_setup()
