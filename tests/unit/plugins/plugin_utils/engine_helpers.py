"""Shared helpers for the engine's unit tests ."""

from __future__ import annotations

import os

from ansible_collections.iis.aspnet.plugins.plugin_utils import _image


def crlf(text: str) -> bytes:
    """Test documents are written with LF in Python source and stored as Windows ships them."""
    return text.replace("\n", "\r\n").encode("utf-8")


def config(body: str, *, bom: bool = False, newline: str = "\r\n") -> bytes:
    text = '<?xml version="1.0" encoding="utf-8"?>\n<configuration>\n' + body + "</configuration>\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.replace("\n", newline).encode("utf-8")


def changed_region(before: bytes, after: bytes) -> tuple[int, int, int]:
    """(start, end in before, end in after) of the one region where two byte strings differ."""
    start = 0
    limit = min(len(before), len(after))
    while start < limit and before[start] == after[start]:
        start += 1
    end_b, end_a = len(before), len(after)
    while end_b > start and end_a > start and before[end_b - 1] == after[end_a - 1]:
        end_b -= 1
        end_a -= 1
    return start, end_b, end_a


class LocalImage:
    """A ``_session.Host`` over a Windows tree on the local file system."""

    def __init__(self, image_root: str) -> None:
        self.image_root = image_root
        self.listings = 0

    def locate(self, path: str) -> str | None:
        candidate = _image.exact(self.image_root, path)
        if os.path.exists(candidate):
            return candidate
        return _image.match_case(self.image_root, path, self._listdir)

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
