"""Engine benchmark: parse + plan + splice + verify + judge against a bare hardened lxml parse.

Generates configs of growing size, then times both side by side in fresh subprocesses (so peak
RSS is per measurement) and prints a Markdown table. Goals (issue 3): at most 3x the bare parse
time, peak memory at most 2x the bare parse's, linear growth.

    python benchmarks/engine.py [--sizes 1 10 50] [--repeat 3] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _setting(index: int) -> str:
    return f'    <add key="setting.{index}" value="value &amp; more {index}" />\r\n'


def _rule(index: int) -> str:
    return (f'        <rule name="r{index}" stopProcessing="true"><match url="^a{index}/(.*)" />'
            f'<action type="Rewrite" url="b/{{R:1}}" /></rule>\r\n')


def _location(index: int) -> str:
    return (f'  <location path="Default Web Site/app{index}">\r\n    <system.web>\r\n'
            f'      <authorization><deny users="?" /><allow roles="r{index}" /></authorization>\r\n'
            f"    </system.web>\r\n  </location>\r\n")


def generate(megabytes: float, shape: str = "sections") -> bytes:
    """A root web.config-like file with a UTF-8 BOM, CRLF, comments and a multi-line sessionState.

    ``sections``: the bytes sit in a few big sections (appSettings, rewrite rules) and one
    <location> per 200 settings, as in large real configs. ``locations``: one <location> per
    400 bytes, the worst case for the engine, which keeps a record of every top-level element.
    """
    target = int(megabytes * 1024 * 1024)
    head = ('\ufeff<?xml version="1.0" encoding="utf-8"?>\r\n<!-- generated for the engine benchmark -->\r\n'
            "<configuration>\r\n")
    state = ('  <system.web>\r\n    <compilation debug="false" targetFramework="4.8" />\r\n'
             '    <sessionState mode="StateServer"\r\n                  timeout="30" />\r\n  </system.web>\r\n')
    per_location = 1 if shape == "locations" else 200
    settings, rules, locations, size, index = [], [], [], len(head) + len(state), 0
    while size < target:
        item = _setting(index) if shape == "sections" or index % 2 else ""
        rule = _rule(index) if shape == "sections" and index % 2 == 0 else ""
        location = _location(index) if index % per_location == 0 else ""
        settings.append(item)
        rules.append(rule)
        locations.append(location)
        size += len(item) + len(rule) + len(location)
        index += 1
    body = ["  <appSettings>\r\n    <!-- application settings -->\r\n", *settings, "  </appSettings>\r\n",
            "  <system.webServer>\r\n    <rewrite>\r\n      <rules>\r\n", *rules,
            "      </rules>\r\n    </rewrite>\r\n  </system.webServer>\r\n", *locations, state]
    return (head + "".join(body) + "</configuration>\r\n").encode("utf-8")


CHILD = r"""
import sys, time
sys.path.insert(0, sys.argv[3])
from lxml import etree
from ansible_collections.iis.aspnet.plugins.plugin_utils.document import _xmlfile
from ansible_collections.iis.aspnet.plugins.plugin_utils.model import _model
from ansible_collections.iis.aspnet.plugins.plugin_utils.run import _plan
data = open(sys.argv[2], "rb").read()
def status(key):  # KiB; VmHWM belongs to this process image (ru_maxrss would carry the parent's over exec)
    return next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith(key + ":"))
base = status("VmRSS")
start = time.perf_counter()
if sys.argv[1] == "bare":
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    tree = etree.fromstring(data, parser)
    del tree  # a parse's whole cost includes freeing its tree, as the engine's does
else:
    chain = _model.server_chain("v4.0", 64)
    doc = _xmlfile.parse(chain.files[-1].path, data)
    plan = _plan.plan_file(doc, "", {("sessionState", "mode"): "InProc", ("sessionState", "timeout"): "20"})
    assert plan.changed and len(plan.changes) == 2
    # The change judged on the model (machine.config absent here): the edited file in its place.
    _plan.judge(plan, chain, lambda path: None)
elapsed = time.perf_counter() - start
peak = status("VmHWM")
print(elapsed, max(peak - base, 1) * 1024)
"""


def measure(kind: str, path: str, farm: str, repeat: int) -> tuple[float, int]:
    runs = []
    for _attempt in range(repeat):
        out = subprocess.run([sys.executable, "-c", CHILD, kind, path, farm], check=True, capture_output=True, text=True).stdout
        seconds, peak = out.split()
        runs.append((float(seconds), int(peak)))
    return min(run[0] for run in runs), min(run[1] for run in runs)


def collections_farm() -> str:
    farm = os.path.join(REPO, "build", "collections")
    link = os.path.join(farm, "ansible_collections", "iis", "aspnet")
    if not os.path.islink(link):
        os.makedirs(os.path.dirname(link), exist_ok=True)
        os.symlink(REPO, link)
    return farm


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[1, 10, 50])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--shapes", nargs="+", default=["sections", "locations"], choices=["sections", "locations"])
    parser.add_argument("--json")
    args = parser.parse_args()
    farm = collections_farm()
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        for shape in args.shapes:
            for size in args.sizes:
                path = os.path.join(scratch, f"web-{shape}-{size}.config")
                with open(path, "wb") as handle:
                    handle.write(generate(size, shape))
                bare_time, bare_mem = measure("bare", path, farm, args.repeat)
                time_, mem = measure("engine", path, farm, args.repeat)
                rows.append({"shape": shape, "mb": round(os.path.getsize(path) / 2**20, 1), "bare_s": bare_time,
                             "engine_s": time_, "time_ratio": time_ / bare_time, "bare_peak_mb": bare_mem / 2**20,
                             "engine_peak_mb": mem / 2**20, "memory_ratio": mem / bare_mem})
    print("| shape | size (MB) | bare lxml parse (s) | engine (s) | time ratio | bare peak (MB) | engine peak (MB) | memory ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        print(f"| {row['shape']} | {row['mb']} | {row['bare_s']:.3f} | {row['engine_s']:.3f} | {row['time_ratio']:.2f}x | "
              f"{row['bare_peak_mb']:.0f} | {row['engine_peak_mb']:.0f} | {row['memory_ratio']:.2f}x |")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(rows, handle, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
