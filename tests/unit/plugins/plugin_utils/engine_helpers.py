"""Shared helpers for the engine's unit tests ."""

from __future__ import annotations


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
