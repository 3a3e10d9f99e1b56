"""Real ansible-playbook runs for the unit tests, on copies of the sample server as image hosts.

Private to the iis.aspnet collection's tests. Each image host is the controller itself (local
connection) holding its own copy of ``examples/sample-server`` under ``image_root``: the same
action plugin, engine and builtin modules as on any image host, end to end. Many hosts go into
ONE ansible-playbook run (one host per case), which costs little more than a single host.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "examples" / "sample-server"
FARM = REPO / "build" / "collections"
ANSIBLE_PLAYBOOK = str(Path(sys.executable).parent / "ansible-playbook")

# The two .NET 4 root web.config files, relative to an image root, and as the module names them.
ROOT64 = "C/Windows/Microsoft.NET/Framework64/v4.0.30319/Config/web.config"
ROOT32 = "C/Windows/Microsoft.NET/Framework/v4.0.30319/Config/web.config"
WIN_ROOT64 = "C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\Config\\web.config"
WIN_ROOT32 = "C:\\Windows\\Microsoft.NET\\Framework\\v4.0.30319\\Config\\web.config"


def digests(root: Path) -> dict[str, str]:
    """sha256 of every file below ``root`` (hidden ones too), keyed by relative path."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}


def sample_tree(root: Path) -> Path:
    """A fresh copy of the sample server at ``root``."""
    shutil.copytree(SAMPLE, root)
    return root


# Set by `make units`: the fast suite must not run ansible-playbook, so a test that does and is not
# marked ``playbook`` fails there instead of silently making the unit suite slow.
UNITS_ONLY = "IIS_ASPNET_UNITS_ONLY"


def _refuse_in_units_only() -> None:
    if os.environ.get(UNITS_ONLY):
        raise RuntimeError("this test runs ansible-playbook: mark it @pytest.mark.playbook (make playbooks runs it, "
                           f"make units sets {UNITS_ONLY} and must not)")


def ansible_env(workdir: Path, **extra: str) -> dict[str, str]:
    """The environment of a run that keeps all of Ansible's state under ``workdir``.

    The remote temp dir is there too (``remote-tmp``), so a test can prove nothing is left in it.
    """
    _refuse_in_units_only()
    (workdir / "remote-tmp").mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "ANSIBLE_COLLECTIONS_PATH": str(FARM), "ANSIBLE_HOME": str(workdir / "ansible-home"),
           "ANSIBLE_LOCAL_TEMP": str(workdir / "ansible-tmp"), "ANSIBLE_REMOTE_TMP": str(workdir / "remote-tmp"),
           "ANSIBLE_NOCOLOR": "1", "ANSIBLE_RETRY_FILES_ENABLED": "0", "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
           "ANSIBLE_HOST_KEY_CHECKING": "0"}
    for name in ("ANSIBLE_CALLBACKS_ENABLED", "ANSIBLE_STDOUT_CALLBACK", "ANSIBLE_LOG_PATH", "IIS_ASPNET_DRIFT_REPORT_DIR",
                 "IIS_ASPNET_DRIFT_REPORT_FORMATS"):
        env.pop(name, None)  # a developer's own settings must not change what the tests see
    env.update(extra)
    return env


def ansible_playbook(workdir: Path, playbook: list, inventory: dict | str, *flags: str, env: dict | None = None,
                     prefix: tuple[str, ...] = (), timeout: int = 300) -> subprocess.CompletedProcess:
    """Run ``playbook`` (a list of plays) against ``inventory`` (a dict, or ``"localhost,"``-style text)."""
    _refuse_in_units_only()
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "play.yml").write_text(json.dumps(playbook))
    if isinstance(inventory, dict):
        (workdir / "inventory.json").write_text(json.dumps(inventory))
        inventory = str(workdir / "inventory.json")
    command = [*prefix, ANSIBLE_PLAYBOOK, "-i", inventory, str(workdir / "play.yml"), *flags]
    return subprocess.run(command, env=env or ansible_env(workdir), capture_output=True, text=True, check=False, timeout=timeout)


@dataclass
class Run:
    """What a run of :func:`run_on_images` left: per host, one registered result per step."""

    results: dict[str, list[dict]]
    output: str
    returncode: int

    def result(self, host: str, step: int = 0) -> dict:
        return self.results[host][step]


def run_on_images(workdir: Path, hosts: dict[str, dict], *flags: str, env: dict | None = None,
                  prefix: tuple[str, ...] = (), action: str = "iis.aspnet.session_state") -> Run:
    """One ansible-playbook run of the module, each host with its own image and its own steps.

    ``hosts`` maps a host name to its variables; ``image_root`` (a path) and ``steps`` are
    required. Each step is a dict of module options (``image_root`` is added), plus optionally
    ``check_mode`` (a task keyword, taken out; without it the step follows ``--check``). Failures are ignored and recorded, so every
    host runs every step; the results are kept per host, in step order (a host with fewer steps
    gets ``skipped`` results for the rest).
    """
    results = workdir / "results"
    results.mkdir(parents=True, exist_ok=True)
    count = max(len(spec["steps"]) for spec in hosts.values())
    inventory = {"all": {"hosts": {}}}
    for name, spec in hosts.items():
        steps = [{key: value for key, value in step.items() if key != "check_mode"} for step in spec["steps"]]
        checks = [step.get("check_mode") for step in spec["steps"]]
        inventory["all"]["hosts"][name] = {**spec, "image_root": str(spec["image_root"]), "steps": steps, "checks": checks,
                                           "ansible_connection": "local", "ansible_python_interpreter": sys.executable}
    tasks = [{"name": f"Step {index}", action: f"{{{{ steps[{index}] | combine({{'image_root': image_root}}) }}}}",
              "check_mode": f"{{{{ ansible_check_mode if checks[{index}] is none else checks[{index}] }}}}", "when": f"steps | length > {index}",
              "register": f"step_{index}", "ignore_errors": True} for index in range(count)]
    # One copy for all hosts (a copy per host would cost two module runs per host).
    tasks.append({"name": "Gather the results", "ansible.builtin.set_fact": {
        "kept": "{{ [" + ", ".join(f"step_{index}" for index in range(count)) + "] }}"}})
    tasks.append({"name": "Keep the results", "ansible.builtin.copy": {
        "content": "{{ dict(ansible_play_hosts_all | zip(ansible_play_hosts_all | map('extract', hostvars, 'kept'))) | to_json }}",
        "dest": f"{results}/all.json", "mode": "0644"}, "run_once": True, "check_mode": False, "diff": False})
    env = env or ansible_env(workdir)
    env.setdefault("ANSIBLE_FORKS", str(min(len(hosts), 20)))
    done = ansible_playbook(workdir, [{"hosts": "all", "gather_facts": False, "tasks": tasks}], inventory, *flags, env=env, prefix=prefix)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    kept = json.loads((results / "all.json").read_text())
    return Run({name: kept[name] for name in hosts}, output, done.returncode)


def leftovers(*directories: Path) -> list[str]:
    """Temporary files a write may leave: Ansible's own (``.ansible_tmp*``, ``ansible-tmp-*``,
    ``AnsiballZ_*``, ``session_state_*`` uploads) anywhere below ``directories``."""
    patterns = (".ansible_tmp*", "ansible-tmp-*", "AnsiballZ_*", "session_state_*", "*.tmp")
    return sorted(str(path) for directory in directories for pattern in patterns for path in directory.rglob(pattern))
