# Copyright: contributors to the iis.aspnet collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Replace one exact string in a file and keep every other byte, line endings included.

Usage: python replace_once.py PATH OLD NEW   (prints "changed"; exit 1 unless OLD occurs exactly once)

The scenarios compare config files byte for byte after a run, so the edits they make to set a
stage must not touch anything else: ansible.builtin.replace of ansible-core 2.21 writes CRLF line
endings back as LF, so they go through this instead.
"""

from __future__ import annotations

import sys


def main(path: str, old: str, new: str) -> int:
    with open(path, "rb") as handle:
        data = handle.read()
    count = data.count(old.encode("utf-8"))
    if count != 1:
        print(f"{path}: {old!r} occurs {count} times, not once")
        return 1
    with open(path, "wb") as handle:
        handle.write(data.replace(old.encode("utf-8"), new.encode("utf-8")))
    print("changed")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
