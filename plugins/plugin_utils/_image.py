"""Windows paths inside an image: a POSIX directory holding one folder per drive letter.

Private to the iis.aspnet collection: not a public API.

``C:\\Windows\\Microsoft.NET`` lives at ``<image_root>/C/Windows/Microsoft.NET``. Windows paths
are case-insensitive, so a component that is not found as written is matched against a listing
of its directory; two entries that differ only in case cannot be told apart and are refused.
Listings come from a callable, so the same walk serves remote hosts (a module call per listing)
and local trees (``_transport.ImageTransport`` and :class:`LocalImage`).
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Callable

from ansible_collections.iis.aspnet.plugins.plugin_utils._errors import ConfigError

_DRIVE_PATH = re.compile(r"^([A-Za-z]):[\\/]*(.*)$")


def split(path: str) -> list[str]:
    """``C:\\a\\b`` -> ``["C", "a", "b"]``; refuses anything but an absolute drive path."""
    match = _DRIVE_PATH.match(path)
    if not match:
        raise ConfigError(path, "not an absolute Windows path with a drive letter")
    parts = [part for part in re.split(r"[\\/]+", match.group(2)) if part]
    if any(part in (".", "..") for part in parts):
        raise ConfigError(path, "relative components (. or ..) are not allowed")
    return [match.group(1).upper(), *parts]


def exact(image_root: str, path: str) -> str:
    """Where the file is when every component is written with the case it has on disk."""
    return posixpath.join(image_root, *split(path))


def match_case(image_root: str, path: str, listdir: Callable[[str], list[str] | None]) -> str | None:
    """The image path whose components equal ``path``'s case-insensitively, or None if absent.

    ``listdir(directory)`` returns the entry names, or None when the directory does not exist.
    """
    current = image_root
    for part in split(path):
        names = listdir(current)
        if names is None:
            return None
        if part not in names:
            matches = [name for name in names if name.casefold() == part.casefold()]
            if len(matches) > 1:
                raise ConfigError(path, f"ambiguous in the image: {posixpath.join(current, part)} matches {sorted(matches)}")
            if not matches:
                return None
            part = matches[0]
        current = posixpath.join(current, part)
    return current


class LocalImage:
    """A :class:`_session.Host` over a Windows tree on the local file system (demo, tests)."""

    def __init__(self, image_root: str) -> None:
        self.image_root = image_root
        self.listings = 0

    def locate(self, path: str) -> str | None:
        candidate = exact(self.image_root, path)
        if os.path.exists(candidate):
            return candidate
        return match_case(self.image_root, path, self._listdir)

    def read(self, path: str) -> bytes | None:
        found = self.locate(path)
        if found is None or not os.path.isfile(found):
            return None
        with open(found, "rb") as handle:
            return handle.read()

    def is_dir(self, path: str) -> bool:
        found = self.locate(path)
        return found is not None and os.path.isdir(found)

    def _listdir(self, directory: str) -> list[str] | None:
        self.listings += 1
        try:
            return os.listdir(directory)
        except (FileNotFoundError, NotADirectoryError):
            return None


__all__ = ["split", "exact", "match_case", "LocalImage"]
