# Copyright: contributors to the iis.aspnet collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The hostile scenario's tree work, on the controller (each host is local): set up, snapshot, compare.

    tree.py setup <work> <operations as JSON>
    tree.py snapshot <work> <snapshot file>
    tree.py compare <work> <snapshot file> <edits as JSON>

``<work>`` holds ``image`` (the host's copy of the sample server) and ``outside`` (what a link
may try to reach). A snapshot records every entry of both without following links: a file's
bytes (base64), a link's target, the kind of a special file; it never opens a special file.
``compare`` prints each difference from the snapshot that the edits do not explain, and fails
when there is one. An edit is ``[path, old, new]``: the file at ``path`` (below ``work``) must be
its snapshot bytes with ``old`` replaced once by ``new``. A backup beside an edited file (named
``<file>.<pid>.<yyyyMMdd-HHmmss>.bak``, a name NTFS accepts) must hold the snapshot bytes.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import socket
import stat
import sys

BACKUP = re.compile(r"(?P<file>.+)\.\d+\.\d{8}-\d{6}\.bak")


def setup(work: str, operations: list[list[str]]) -> None:
    image, outside = os.path.join(work, "image"), os.path.join(work, "outside")
    os.makedirs(outside, exist_ok=True)
    for name, path, *args in operations:
        target = os.path.join(image, path)
        if name == "move_out":  # the folder moves outside the image; a link to it stays in its place
            moved = os.path.join(outside, args[0] if args else os.path.basename(path))
            shutil.move(target, moved)
            os.symlink(moved, target)
        elif name == "link_beside":  # the file renamed args[0], a relative link to it in its place
            os.rename(target, os.path.join(os.path.dirname(target), args[0]))
            os.symlink(args[0], target)
        elif name == "loop":
            os.unlink(target)
            os.symlink(os.path.basename(target), target)
        elif name == "fifo":
            os.unlink(target)
            os.mkfifo(target)
        elif name == "socket":
            os.unlink(target)
            _bind(target)
        elif name == "utf7":  # declared and encoded as UTF-7, with a comment the encoder writes as a base64 run
            with open(target, encoding="utf-8") as stream:
                text = stream.read().replace('encoding="utf-8"', 'encoding="utf-7"').replace("-->", "+ caf\u00e9 -->", 1)
            with open(target, "wb") as stream:
                stream.write(text.encode("utf-7"))
        else:
            raise SystemExit(f"unknown operation {name}")


def _bind(path: str) -> None:
    server, cwd = socket.socket(socket.AF_UNIX), os.getcwd()
    os.chdir(os.path.dirname(path))  # a relative name: the absolute one may be too long for a socket
    try:
        server.bind(os.path.basename(path))
    finally:
        os.chdir(cwd)
        server.close()


def snapshot(work: str) -> dict[str, str]:
    found = {}
    for top in ("image", "outside"):
        for directory, names, files in os.walk(os.path.join(work, top)):
            for name in sorted(names + files):
                path = os.path.join(directory, name)
                found[os.path.relpath(path, work)] = _entry(path)
    return found


def _entry(path: str) -> str:
    mode = os.lstat(path).st_mode
    if stat.S_ISLNK(mode):
        return "link " + os.readlink(path)
    if stat.S_ISREG(mode):
        with open(path, "rb") as stream:
            return "file " + base64.b64encode(stream.read()).decode("ascii")
    return "dir" if stat.S_ISDIR(mode) else f"special {stat.S_IFMT(mode):o}"


def compare(work: str, before: dict[str, str], edits: list[list[str]]) -> list[str]:
    expected = dict(before)
    for path, old, new in edits:
        data = base64.b64decode(before[path][len("file "):])
        if data.count(old.encode("utf-8")) != 1:
            return [f"{path}: the edit's old text occurs {data.count(old.encode('utf-8'))} times in the snapshot"]
        expected[path] = "file " + base64.b64encode(data.replace(old.encode("utf-8"), new.encode("utf-8"))).decode("ascii")
    now = snapshot(work)
    problems = []
    for path in sorted(set(now) | set(expected)):
        backup = BACKUP.fullmatch(path)
        if path not in expected and backup and backup.group("file") in {edit[0] for edit in edits}:
            if now[path] != before[backup.group("file")]:
                problems.append(f"{path}: a backup that does not hold the bytes read")
        elif now.get(path) != expected.get(path):
            problems.append(f"{path}: {_short(expected.get(path))} expected, {_short(now.get(path))} found")
    return problems


def _short(entry: str | None) -> str:
    return "nothing" if entry is None else entry if len(entry) < 80 else entry[:60] + "..."


def main(argv: list[str]) -> int:
    command, work, *rest = argv
    if command == "setup":
        setup(work, json.loads(rest[0]))
    elif command == "snapshot":
        with open(rest[0], "w", encoding="utf-8") as stream:
            json.dump(snapshot(work), stream)
    elif command == "compare":
        with open(rest[0], encoding="utf-8") as stream:
            problems = compare(work, json.load(stream), json.loads(rest[1]))
        print("\n".join(problems) or "every entry as expected")
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
