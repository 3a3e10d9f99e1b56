"""How long another writer's edit can be lost: the compare-and-swap window, measured on this machine.

    python benchmarks/cas_window.py [--rounds N] [--json FILE]

Two shapes of compare and swap, on a copy of the sample server's 64-bit root web.config:

- one call (image hosts): ``iis.aspnet.image_file`` compares and renames in the same process.
  Measured in-process, the module's own code on a real file: the window is the time from the end
  of the compare (the file hashed) to the start of the rename, with the identity check between.
- two calls (the Windows shape: win_stat, then win_copy): measured with their POSIX twins
  (stat with a SHA-1, then copy) through ``_execute_module`` in a real ansible-playbook run on the
  local connection (benchmarks/cas_window/action_plugins/cas_window_probe.py). The window is about
  one module call: the copy that follows the compare.

It also times a read by ``ansible.builtin.slurp`` against one by ``iis.aspnet.image_file``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
FARM = os.path.join(REPO, "build", "collections")
ROOT64 = "C/Windows/Microsoft.NET/Framework64/v4.0.30319/Config/web.config"


def one_call_windows(rounds: int, work: str) -> list[float]:
    """Seconds from the end of the compare to the start of the rename, per swap (in-process)."""
    sys.path.insert(0, FARM)
    from ansible_collections.iis.aspnet.plugins.modules import image_file  # pylint: disable=import-outside-toplevel

    root = os.path.join(work, "image", "C")
    target = os.path.join(work, "image", ROOT64)
    marks: dict[str, float] = {}
    compare, rename = image_file.Swap.compare, os.rename

    def timed_compare(self):
        found = compare(self)
        marks["compared"] = time.perf_counter()
        return found

    def timed_rename(source, destination):
        marks["renamed"] = time.perf_counter()
        rename(source, destination)

    windows = []
    image_file.Swap.compare, image_file.os.rename = timed_compare, timed_rename
    try:
        for count in range(rounds):
            with open(target, "rb") as stream:
                before = stream.read()
            after = before + f"<!-- {count} -->\r\n".encode()
            source = os.path.join(work, "upload")
            with open(source, "wb") as stream:
                stream.write(after)
            spec = {"path": target, "root": root, "src": source, "checksum": _sha1(after), "expected": _sha1(before)}
            answer = image_file.run({"op": "swap", "files": [spec], "backup": False}, False)
            assert not answer.get("failed"), answer
            windows.append(marks["renamed"] - marks["compared"])
    finally:
        image_file.Swap.compare, image_file.os.rename = compare, rename
    return windows


def _sha1(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


def two_calls(rounds: int, work: str) -> dict:
    """The probe's timings from one ansible-playbook run on localhost."""
    out = os.path.join(work, "probe.json")
    play = [{"hosts": "localhost", "gather_facts": False, "tasks": [
        {"name": "Probe", "cas_window_probe": {"path": os.path.join(work, "image", ROOT64), "root": os.path.join(work, "image", "C"),
                                               "rounds": rounds}, "register": "probe"},
        {"name": "Keep", "ansible.builtin.copy": {"content": "{{ probe | to_json }}", "dest": out, "mode": "0644"}}]}]
    with open(os.path.join(work, "play.json"), "w", encoding="utf-8") as stream:
        json.dump(play, stream)
    env = {**os.environ, "ANSIBLE_COLLECTIONS_PATH": FARM, "ANSIBLE_ACTION_PLUGINS": os.path.join(HERE, "cas_window", "action_plugins"),
           "ANSIBLE_HOME": os.path.join(work, "ansible-home"), "ANSIBLE_LOCAL_TEMP": os.path.join(work, "tmp"),
           "ANSIBLE_REMOTE_TMP": os.path.join(work, "remote-tmp"), "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
           "ANSIBLE_LOCALHOST_WARNING": "0", "ANSIBLE_INVENTORY_UNPARSED_WARNING": "0"}
    playbook = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
    subprocess.run([playbook, "-i", "localhost,", "-c", "local", os.path.join(work, "play.json")], env=env, check=True,
                   capture_output=True, text=True)
    with open(out, encoding="utf-8") as stream:
        return json.load(stream)


def summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {"median_ms": statistics.median(ordered) * 1000, "p90_ms": ordered[int(0.9 * (len(ordered) - 1))] * 1000,
            "max_ms": ordered[-1] * 1000, "n": len(ordered)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--json", help="write the figures here")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="cas-window-")
    try:
        os.makedirs(os.path.dirname(os.path.join(work, "image", ROOT64)))
        shutil.copy(os.path.join(REPO, "examples", "sample-server", ROOT64), os.path.join(work, "image", ROOT64))
        probe = two_calls(args.rounds, work)
        figures = {
            "one_call_window": summary(one_call_windows(max(args.rounds, 200), work)),
            "two_calls_window": summary([entry["copy"] for entry in probe["two_calls"]]),
            "compare_call": summary([entry["stat"] for entry in probe["two_calls"]]),
            "read_slurp": summary(probe["read"]["slurp"]),
            "read_image_file": summary(probe["read"]["image_file"]),
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)
    rows = [f"| {name} | {row['median_ms']:.3f} | {row['p90_ms']:.3f} | {row['max_ms']:.3f} | {row['n']} |" for name, row in figures.items()]
    print("\n".join(["| measure | median (ms) | p90 (ms) | max (ms) | n |", "|---|---|---|---|---|", *rows]))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as stream:
            stream.write(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
