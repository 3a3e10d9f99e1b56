"""Windows paths inside an image: a POSIX directory holding one folder per drive letter.

Private to the iis.aspnet collection: not a public API.

``C:\\Windows\\Microsoft.NET`` lives at ``<image_root>/C/Windows/Microsoft.NET``. Windows paths
are case-insensitive, so a component that is not found as written is matched against a listing
of its directory; two entries that differ only in case cannot be told apart and are refused.
Listings come from a callable, so the same walk serves remote hosts (a module call per listing)
and local trees (``_transport.ImageTransport``, and the tests' local tree).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable

from ansible_collections.iis.aspnet.plugins.plugin_utils.base._errors import ConfigError, OptionError

_DRIVE_PATH = re.compile(r"^([A-Za-z]):[\\/]*(.*)$")


def split(path: str) -> list[str]:
    """``C:\\a\\b`` -> ``["C", "a", "b"]``; refuses anything but an absolute drive path.

    ``.`` and ``..`` are resolved on the text, as Windows resolves a full path (GetFullPathName):
    ``C:\\Windows\\..\\intranet`` is ``C:\\intranet``, and ``..`` at the drive root stays there, so
    a path never leaves its drive folder (links are the host module's to check).
    """
    match = _DRIVE_PATH.match(path)
    if not match and path[:2] in ("\\\\", "//"):
        raise ConfigError(path, "is on a network share: map the share to a folder of the image with image_shares")
    if not match:
        raise ConfigError(path, "not an absolute Windows path with a drive letter")
    parts: list[str] = []
    for part in re.split(r"[\\/]+", match.group(2)):
        if part == "..":
            del parts[-1:]
        elif part not in ("", "."):
            parts.append(part)
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
        if names is None and current == image_root:
            # Not a missing file: nothing under image_root exists, so say that rather than "not installed".
            raise OptionError("image_root", f"{image_root} does not exist (or is not a directory)")
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


__all__ = ["split", "exact", "match_case"]
