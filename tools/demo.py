"""make demo: the main job on a scratch copy of the embedded sample server tree.

1. copy examples/sample-server to build/demo/image (a Windows tree on this POSIX host);
2. run tools/demo/playbook.yml in check + diff mode: the drift is shown, nothing is written;
3. run it for real: the files change;
4. run the check again: no drift;
and print a short summary. Needs only ansible-core and lxml: `make demo` runs it from .venv-demo,
which it makes from requirements/runtime.txt. With DEMO_STARTED (epoch seconds, set by `make
demo`) it says how long after the start its first result came.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.path.join(REPO, "build", "demo")
FARM = os.path.join(REPO, "build", "collections")


def prepare() -> str:
    shutil.rmtree(WORK, ignore_errors=True)
    image = os.path.join(WORK, "image")
    shutil.copytree(os.path.join(REPO, "examples", "sample-server"), image)
    link = os.path.join(FARM, "ansible_collections", "iis", "aspnet")
    if not os.path.islink(link):
        os.makedirs(os.path.dirname(link), exist_ok=True)
        os.symlink(REPO, link)
    with open(os.path.join(WORK, "inventory.yml"), "w", encoding="utf-8") as handle:
        json.dump({"sample_servers": {"hosts": {"iis-sample-01": {
            "ansible_connection": "local", "ansible_python_interpreter": sys.executable,
            "image_root": image, "results_file": os.path.join(WORK, "results.json")}}}}, handle)
    return image


def play(title: str, *flags: str) -> dict:
    print(f"\n######## {title}", flush=True)
    env = {**os.environ, "ANSIBLE_COLLECTIONS_PATH": FARM, "ANSIBLE_HOME": os.path.join(WORK, "ansible-home"),
           "ANSIBLE_RETRY_FILES_ENABLED": "0", "ANSIBLE_DISPLAY_SKIPPED_HOSTS": "0"}
    command = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", os.path.join(WORK, "inventory.yml"),
               os.path.join(REPO, "tools", "demo", "playbook.yml"), *flags]
    subprocess.run(command, env=env, check=True)
    with open(os.path.join(WORK, "results.json"), encoding="utf-8") as handle:
        return json.load(handle)


def summary(label: str, results: dict) -> bool:
    drift = False
    print(f"\n{label}:")
    for task, result in results.items():
        changed = [record["path"] for record in result["files"] if record["changed"]]
        drift = drift or bool(changed)
        print(f"  {task:13s} {'would change / changed' if changed else 'in line':24s} {', '.join(changed)}")
    return drift


def main() -> int:
    start = time.monotonic()
    image = prepare()
    checked = play("1/3 check + diff: what would change (nothing is written)", "--check", "--diff")
    since = os.environ.get("DEMO_STARTED")
    if since:
        print(f"\n(first result {time.time() - float(since):.1f} s after make demo started)", flush=True)
    applied = play("2/3 apply")
    rechecked = play("3/3 check again: no drift expected", "--check")
    print("\n======== summary")
    summary("check before", checked)
    summary("apply", applied)
    if summary("check after", rechecked):
        print("\nUNEXPECTED: drift after apply")
        return 1
    print(f"\nThe image at {image} now runs InProc session state everywhere asked; "
          f"{time.monotonic() - start:.1f} s in all.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
