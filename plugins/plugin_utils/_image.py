"""Windows paths inside an image: a POSIX directory holding one folder per drive letter.

Private to the iis.aspnet collection: not a public API.

``C:\\Windows\\Microsoft.NET`` lives at ``<image_root>/C/Windows/Microsoft.NET``. Windows paths
are case-insensitive, so a component that is not found as written is matched against a listing
of its directory; two entries that differ only in case cannot be told apart and are refused.
Listings come from a callable, so the same walk serves remote hosts (a module call per listing)
and local trees.
"""

from __future__ import annotations

import base64
import hashlib
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


class ImageTransport:
    """Remote I/O on a POSIX host holding a Windows tree, through ansible.builtin modules.

    ``execute(module, args)`` runs a module on the host and returns its result; ``put(data)``
    uploads bytes to the remote temp dir (made only on the first write) and returns the path.
    Every module call is recorded in :attr:`calls`. Paths are tried exactly first; a directory
    is listed (``find``) only when a component is not found as written.
    """

    def __init__(self, execute: Callable[[str, dict], dict], put: Callable[[bytes], str], image_root: str) -> None:
        self._execute = execute
        self._put = put
        self.image_root = image_root.rstrip("/") or "/"
        self.calls: list[str] = []
        self._found: dict[str, str | None] = {}
        self._listings: dict[str, list[str] | None] = {}

    def read(self, path: str) -> bytes | None:
        result = self._call("ansible.builtin.slurp", {"src": exact(self.image_root, path)})
        if not result.get("failed"):
            self._found[path.casefold()] = exact(self.image_root, path)
            return base64.b64decode(result["content"])
        if "not found" not in result.get("msg", ""):
            raise ConfigError(path, f"cannot be read: {result.get('msg')}")
        found = self._locate(path)
        if found is None or found == exact(self.image_root, path):
            return None
        result = self._call("ansible.builtin.slurp", {"src": found})
        if result.get("failed"):
            raise ConfigError(path, f"cannot be read at {found}: {result.get('msg')}")
        return base64.b64decode(result["content"])

    def is_dir(self, path: str) -> bool:
        stat = self._stat(exact(self.image_root, path))
        if stat.get("exists"):
            self._found[path.casefold()] = exact(self.image_root, path)
        else:
            found = self._locate(path)
            stat = self._stat(found) if found else {}
        return bool(stat.get("isdir"))

    def checksum(self, path: str) -> str | None:
        found = self._destination(path)
        stat = self._stat(found, get_checksum=True, checksum_algorithm="sha1")
        return stat.get("checksum") if stat.get("exists") else None

    def write(self, path: str, data: bytes, backup: bool) -> str | None:
        source = self._put(data)
        args = {"src": source, "dest": self._destination(path), "backup": backup,
                "checksum": hashlib.sha1(data).hexdigest(), "_original_basename": split(path)[-1]}
        result = self._call("ansible.builtin.copy", args)
        if result.get("failed"):
            raise ConfigError(path, f"cannot be written: {result.get('msg')}")
        return result.get("backup_file")

    def _destination(self, path: str) -> str:
        """Where ``path`` is in the image, or would be created (its directory matched by case)."""
        found = self._locate(path)
        if found is not None:
            return found
        parts = split(path)
        directory = parts[0] + ":\\" + "\\".join(parts[1:-1])
        return posixpath.join(self._locate(directory) or exact(self.image_root, directory), parts[-1])

    def _locate(self, path: str) -> str | None:
        key = path.casefold()
        if key not in self._found:
            self._found[key] = match_case(self.image_root, path, self._listdir)
        return self._found[key]

    def _listdir(self, directory: str) -> list[str] | None:
        if directory not in self._listings:
            result = self._call("ansible.builtin.find", {"paths": [directory], "file_type": "any", "hidden": True, "recurse": False})
            if result.get("failed") or directory in (result.get("skipped_paths") or {}):
                self._listings[directory] = None
            else:
                self._listings[directory] = [posixpath.basename(item["path"]) for item in result.get("files", [])]
        return self._listings[directory]

    def _stat(self, path: str, **options) -> dict:
        result = self._call("ansible.builtin.stat", {"path": path, "get_checksum": False, **options})
        if result.get("failed"):
            raise ConfigError(path, f"cannot be examined: {result.get('msg')}")
        return result.get("stat", {})

    def _call(self, module: str, args: dict) -> dict:
        self.calls.append(module)
        return self._execute(module, args)


__all__ = ["split", "exact", "match_case", "LocalImage", "ImageTransport"]
