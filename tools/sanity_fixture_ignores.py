"""Add sanity ignore entries for Windows fixture files to a copy of the collection.

Private helper of `make sanity`. Fixture trees such as examples/sample-server/ hold Windows
config files on purpose: CRLF line ends and UTF-8 byte order marks are what the engine must
keep byte for byte, so ansible-test's `line-endings` and `shebang` (BOM) findings on them are
expected. This script lists exactly the files that have them, for exactly those two tests, in the
copy's tests/sanity/ignore-X.Y.txt (appended to any committed entries). Every other sanity test
still runs on the fixtures.

Usage: python sanity_fixture_ignores.py COLLECTION_COPY FIXTURE_DIR...
"""

from __future__ import annotations

import os
import sys

from ansible.release import __version__ as ansible_core_version

BOM = b"\xef\xbb\xbf"


def fixture_entries(root: str, fixture_dirs: list[str]) -> list[str]:
    """Return ignore lines ("path test") for CRLF and BOM files below the fixture dirs."""
    entries = []
    for fixture_dir in fixture_dirs:
        for folder, _dirs, files in os.walk(os.path.join(root, fixture_dir)):
            for name in sorted(files):
                path = os.path.join(folder, name)
                with open(path, "rb") as handle:
                    data = handle.read()
                rel = os.path.relpath(path, root)
                if b"\r\n" in data:
                    entries.append(f"{rel} line-endings")
                if data.startswith(BOM):
                    entries.append(f"{rel} shebang")
    return sorted(entries)


def main() -> int:
    """Append the entries to the copy's ignore file for the running ansible-core."""
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    root, fixture_dirs = sys.argv[1], sys.argv[2:]
    entries = fixture_entries(root, fixture_dirs)
    if not entries:
        return 0
    major_minor = ".".join(ansible_core_version.split(".")[:2])
    ignore_file = os.path.join(root, "tests", "sanity", f"ignore-{major_minor}.txt")
    os.makedirs(os.path.dirname(ignore_file), exist_ok=True)
    existing = ""
    if os.path.exists(ignore_file):
        with open(ignore_file, encoding="utf-8") as handle:
            existing = handle.read()
    if existing and not existing.endswith("\n"):
        existing += "\n"
    with open(ignore_file, "w", encoding="utf-8") as handle:
        handle.write(existing + "\n".join(entries) + "\n")
    print(f"sanity: {len(entries)} ignore entries for Windows fixture files in {os.path.relpath(ignore_file, root)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
