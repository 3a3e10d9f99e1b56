"""Large hosts: session_state_info on one image host of 50, 100 and 200 sites (two applications each besides the root).

The host is generated from the sample server's shapes (examples/sample-server): its own three
sites, then per added site a root like Default Web Site's (a web.config, an /images virtual
directory without one), a /shop application like the sample's (its own folder and web.config,
ShopAppPool) and an /hr application like Intranet's (a 32-bit pool, no web.config); the root's
pool turns between DefaultAppPool, ".NET v4.5" and LegacyNet2 (.NET 2.0, with Legacy's
web.config), and the folders between %SystemDrive% and D:. 200 sites make 400 applications
besides the roots, and 16 + 4 x sites candidate config files of which 14 + 2 x sites exist.

Each size runs in a fresh process with the real iis.aspnet.image_file module in that process (no
ansible-playbook: what is measured is the controller's work, and the module's file access on the
same machine). The run asserts that every level is reported, that every existing file is read
exactly once, and that the calls are the reads plus one discovery. Measured: CPU and wall time of
the info run, peak memory (growth of the process's resident set, VmHWM less VmRSS before the run),
module calls; ``--compare`` also measures the run without discovery (one read per candidate,
listings to match the case of absent ones), as before issue 17. ``--playbook`` also runs
benchmarks/fleet/info.yml on the host with ansible-playbook (fleet.run_playbook: the module calls
counted by the bench_calls callback, CPU of the process tree, peak controller memory), where each
call is a module round trip.

    python benchmarks/large_host.py [--sites 50 100 200] [--repeat 3] [--compare] [--playbook] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import fleet
from engine import collections_farm

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLE = os.path.join(os.path.dirname(HERE), "examples", "sample-server")
APPHOST = os.path.join("C", "Windows", "System32", "inetsrv", "config", "applicationHost.config")
SAMPLE_LEVELS = 4 + 5  # the server level of 4 .NET trees; Default Web Site, /shop, Intranet, /hr, Legacy
SAMPLE_EXISTING = 14  # redirection.config, applicationHost.config, 8 .NET files, 4 site and application web.config
ROOT_POOLS = ("DefaultAppPool", ".NET v4.5", "LegacyNet2")


def _site(n: int) -> tuple[str, str]:
    """The <site> element of added site ``n`` and the Windows folder of its root."""
    folder = f"%SystemDrive%\\Sites\\site{n}" if n % 2 == 0 else f"D:\\Sites\\site{n}"
    pool = ROOT_POOLS[n % len(ROOT_POOLS)]
    return (f'<site name="Site{n}" id="{1000 + n}">'
            f'<application path="/" applicationPool="{pool}"><virtualDirectory path="/" physicalPath="{folder}" />'
            f'<virtualDirectory path="/images" physicalPath="{folder}\\images" /></application>'
            f'<application path="/shop" applicationPool="ShopAppPool"><virtualDirectory path="/" physicalPath="{folder}\\shop" />'
            f'</application><application path="/hr" applicationPool="IntranetHR32">'
            f'<virtualDirectory path="/" physicalPath="{folder}\\HR" /></application></site>'), folder


def _image_path(root: str, folder: str) -> str:
    drive, rest = folder.replace("%SystemDrive%", "C:").split(":", 1)
    return os.path.join(root, drive, *[part for part in rest.split("\\") if part])


def generate(root: str, sites: int) -> int:
    """A copy of the sample at ``root`` with ``sites`` more sites; returns how many config files exist."""
    shutil.copytree(SAMPLE, root)
    elements = []
    for n in range(sites):
        element, folder = _site(n)
        elements.append(element)
        path = _image_path(root, folder)
        os.makedirs(os.path.join(path, "images"))
        os.makedirs(os.path.join(path, "HR"))
        os.makedirs(os.path.join(path, "shop"))
        like = "legacy" if ROOT_POOLS[n % len(ROOT_POOLS)] == "LegacyNet2" else "wwwroot"
        shutil.copyfile(os.path.join(SAMPLE, "C", "inetpub", like, "web.config"), os.path.join(path, "web.config"))
        shutil.copyfile(os.path.join(SAMPLE, "C", "inetpub", "shop", "web.config"), os.path.join(path, "shop", "web.config"))
    apphost = os.path.join(root, APPHOST)
    with open(apphost, encoding="utf-8") as handle:
        text = handle.read()
    with open(apphost, "w", encoding="utf-8", newline="") as handle:
        handle.write(re.sub(r"(\s*</sites>)", lambda match: "".join(elements) + match.group(1), text, count=1))
    return SAMPLE_EXISTING + 2 * sites


CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
from ansible_collections.iis.aspnet.plugins.modules import image_file
from ansible_collections.iis.aspnet.plugins.plugin_utils.host._transport import HostAccess, ImageTransport
from ansible_collections.iis.aspnet.plugins.plugin_utils.run import _inspect
root, sites, existing, discovery = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5] == "on"
defaults = {name: spec.get("default") for name, spec in image_file.ARGUMENT_SPEC.items()}
sent = []
def execute(module, args):
    assert module == "iis.aspnet.image_file", module
    sent.append(args)
    return image_file.run({**defaults, **args}, False)
def refuse(data):
    raise AssertionError("info uploaded something")
if not discovery:  # as before issue 17: every candidate read, the case of absent ones matched by listings
    ImageTransport.discover = lambda self, paths: None
def status(key):  # KiB; VmHWM belongs to this process image
    return next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith(key + ":"))
base = status("VmRSS")
usage, start = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
result = _inspect.info({"image_root": root, "include_service": True}, HostAccess(False, execute, refuse))
wall, after = time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF)
peak = status("VmHWM") - base
reads = [args["path"] for args in sent if args["op"] == "read"]
assert result["files_read"] == existing, (result["files_read"], existing)
assert len(result["levels"]) == 4 + 5 + 3 * sites, len(result["levels"])
if discovery:
    assert len(reads) == len(set(reads)) == existing, "a file read twice, or an absent one read"
    assert [args["op"] for args in sent] == ["read", "read", "stat"] + ["read"] * (existing - 2)
print(json.dumps({"cpu_s": after.ru_utime + after.ru_stime - usage.ru_utime - usage.ru_stime, "wall_s": wall,
                  "peak_mb": max(peak, 1) / 1024, "calls": len(sent), "reads": len(reads),
                  "lists": sum(args["op"] == "list" for args in sent)}))
"""


def measure(farm: str, root: str, sites: int, existing: int, discovery: bool, repeat: int) -> dict:
    """Best of ``repeat`` fresh processes (time and memory each at its least: the least disturbed run)."""
    runs = []
    for _attempt in range(repeat):
        command = [sys.executable, "-c", CHILD, farm, root, str(sites), str(existing), "on" if discovery else "off"]
        runs.append(json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout))
    best = {key: min(run[key] for run in runs) for key in ("cpu_s", "wall_s", "peak_mb")}
    return {**runs[0], **best}


def playbook(workdir: str, root: str, existing: int) -> dict:
    """session_state_info through ansible-playbook on the one host: every existing file read, plus one discovery."""
    os.makedirs(workdir, exist_ok=True)
    inventory = fleet.write_inventory(os.path.join(workdir, "inventory.json"), {"web001": root})
    run = fleet.run_playbook(workdir, fleet.Fleet(1, 1, "linear"), "info", inventory, check=True)
    if run["calls"]["module"] != existing + 1:
        raise RuntimeError(f"{run['calls']['module']:g} module calls where {existing} files exist (+ 1 discovery)")
    return run


PLAYBOOK_HEAD = ("| sites | module calls | wall (s) | CPU (s) | CPU per call (ms) | peak controller PSS (MB) |\n"
                 "|---:|---:|---:|---:|---:|---:|")


def playbook_line(row: dict) -> str:
    run = row["playbook"]
    calls = run["calls"]["module"]
    return (f"| {row['sites']} | {calls:g} | {run['seconds']:.1f} | {run['cpu_s']:.1f} | {1000 * run['cpu_s'] / calls:.0f} | "
            f"{run['controller_pss_mb']:.0f} |")


TABLE_HEAD = ("| sites | applications | config files (candidates / existing) | module calls | CPU (s) | wall (s) | "
              "peak memory (MB) | CPU per existing file (ms) |\n|---:|---:|---|---:|---:|---:|---:|---:|")


def row_line(row: dict, key: str = "after") -> str:
    run = row[key]
    return (f"| {row['sites']} | {2 * row['sites']} | {row['candidates']} / {row['existing']} | {run['calls']} | "
            f"{run['cpu_s']:.2f} | {run['wall_s']:.2f} | {run['peak_mb']:.1f} | {1000 * run['cpu_s'] / row['existing']:.1f} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, nargs="+", default=[50, 100, 200])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--compare", action="store_true", help="also measure the run without discovery")
    parser.add_argument("--playbook", action="store_true", help="also run session_state_info with ansible-playbook")
    parser.add_argument("--json")
    args = parser.parse_args()
    farm = collections_farm()
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        for sites in args.sites:
            root = os.path.join(scratch, f"host-{sites}")
            existing = generate(root, sites)
            row = {"sites": sites, "candidates": 16 + 4 * sites, "existing": existing,
                   "after": measure(farm, root, sites, existing, True, args.repeat)}
            if args.compare:
                row["before"] = measure(farm, root, sites, existing, False, args.repeat)
            if args.playbook:
                row["playbook"] = playbook(os.path.join(scratch, f"run-{sites}"), root, existing)
            rows.append(row)
            print(row_line(row), flush=True)
    print(TABLE_HEAD)
    print("\n".join(row_line(row) for row in rows))
    if args.compare:
        print("\nwithout discovery (before issue 17):\n" + TABLE_HEAD)
        print("\n".join(row_line(row, "before") for row in rows))
    if args.playbook:
        print("\nwith ansible-playbook (benchmarks/fleet/info.yml, local connection, check mode):\n" + PLAYBOOK_HEAD)
        print("\n".join(playbook_line(row) for row in rows))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(rows, handle, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
