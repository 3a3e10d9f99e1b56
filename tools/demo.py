"""Engine demo: plan Microsoft's "enable in-process session state" on the sample server tree.

Reads ``examples/sample-server`` (never writes it), plans the server-level setting (WEBROOT, both
bitnesses) and one application, and prints what would change: the plan, the diff per file and
the equivalent appcmd command lines. Secrets in the tree are masked in everything printed.

    python tools/demo.py [--image DIR]
"""

from __future__ import annotations

import argparse
import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _import_engine():
    farm = os.path.join(REPO, "build", "collections")
    link = os.path.join(farm, "ansible_collections", "iis", "aspnet")
    if not os.path.islink(link):
        os.makedirs(os.path.dirname(link), exist_ok=True)
        os.symlink(REPO, link)
    sys.path.insert(0, farm)


JOBS = [
    ("Enable in-process session state (appcmd /commit:WEBROOT)", {"mode": "InProc"}),
    ("The shop application: InProc, 15 minutes, cookies (APP level)",
     {"site": "Default Web Site/shop", "mode": "InProc", "timeout": 15, "cookieless": "UseCookies"}),
    ("The HR application on drive D: (its web.config does not exist yet)", {"site": "Intranet/hr", "mode": "InProc"}),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--image", default=os.path.join(REPO, "examples", "sample-server"))
    args = parser.parse_args()
    _import_engine()
    from ansible_collections.iis.aspnet.plugins.plugin_utils import _image, _report, _session
    from ansible_collections.iis.aspnet.plugins.plugin_utils._errors import EngineError

    host = _image.LocalImage(args.image)
    failures = 0
    for title, options in JOBS:
        print(f"\n=== {title}\n    options: {options}")
        cache = _session.FileCache(host)
        try:
            run = _session.plan_run(options, host, cache)
        except EngineError as exc:
            print(f"    REFUSED: {exc}")
            failures += 1
            continue
        for warning in run.warnings:
            print(f"    warning: {warning}")
        for plan in run.files:
            state = "create" if plan.created else ("change" if plan.changed else "in line")
            print(f"\n  {state}: {plan.path}" + (f"  <location path=\"{plan.location}\">" if plan.location else ""))
            for change in plan.changes:
                row = _report.masked_change(change)
                print(f"    {row['element']}/@{row['attribute']}: {row['before']!r} -> {row['after']!r}")
            if plan.changed:
                print(_report.unified_diff(plan.path, plan.before, plan.after, plan.encoding))
        print(f"  files read: {cache.reads}; would change: {sum(p.changed for p in run.files)} of {len(run.files)}")
        for line in _report.appcmd_lines(options.get("commit") or ("APP" if options.get("site") else "WEBROOT"),
                                         options.get("site"), run.settings,
                                         [(target.framework_version, target.bitness) for target in run.targets]):
            print(f"  appcmd: {line}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
