"""Replays recorded Windows module results; checks every argument sent against ansible.windows' docs.

The one Windows fake of the tests: :class:`FakeWindows` (the transport and service tests) replays
recorded results in order; :class:`WindowsHost` (the action tests) plays a whole run over a file
tree with the same recordings and the same checks. ``FakeWindows.execute`` refuses a call when:
the module is not the one the next recorded result answers; an argument is not an option that
ansible.windows documents for that module (internal ``_name`` keys only where the module's
PowerShell reads them); a value is outside the documented type or choices; or the recorded
``invocation.module_args`` disagrees with what was sent (the recording would not fit the call).
``WindowsHost.execute`` refuses the same arguments and values.
"""

from __future__ import annotations

import ast
import base64
import copy
import functools
import hashlib
import importlib.util
import json
import re
from pathlib import Path

import pytest
import yaml

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "windows"
# Fixture name prefix -> the module name the engine sends (longest prefixes first).
MODULES = {
    "win_reg_stat": "ansible.windows.win_reg_stat",
    "win_regedit": "ansible.windows.win_regedit",
    "win_service": "ansible.windows.win_service",
    "win_stat": "ansible.windows.win_stat",
    "win_copy": "ansible.windows.win_copy",
    "win_find": "ansible.windows.win_find",
    "slurp": "ansible.builtin.slurp",
    "setup": "ansible.windows.setup",
}
# What runs on a Windows host for each name (ansible-core redirects builtin slurp.ps1).
RUNS_AS = {"ansible.builtin.slurp": "slurp"}
TEMP_SOURCE = "C:\\Users\\ansible\\AppData\\Local\\Temp\\ansible-tmp-1736935200.5-4242-1\\source"
_TYPES = {"str": str, "path": str, "bool": bool, "int": int, "list": list, "dict": dict}


def load(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def module_of(name: str) -> str:
    return next(module for prefix, module in MODULES.items() if name.startswith(prefix + "_"))


@functools.cache
def windows_collection() -> Path | None:
    """Where ansible.windows is installed, or None (ansible-test units runs without it)."""
    try:
        spec = importlib.util.find_spec("ansible_collections.ansible.windows")
    except ModuleNotFoundError:
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _leaf(module: str) -> str:
    return RUNS_AS.get(module, module.rsplit(".", 1)[-1])


@functools.cache
def documented_options(module: str) -> dict:
    """The options ansible.windows documents for the module that runs (DOCUMENTATION, parsed as YAML)."""
    root = windows_collection()
    if root is None:
        pytest.skip("ansible.windows is not installed: sent arguments cannot be checked against its documentation")
    modules = root / "plugins" / "modules"
    leaf = _leaf(module)
    if (modules / f"{leaf}.py").exists():
        tree = ast.parse((modules / f"{leaf}.py").read_text(encoding="utf-8"))
        text = next(node.value.value for node in tree.body
                    if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "DOCUMENTATION")
        return yaml.safe_load(text)["options"]
    return yaml.safe_load((modules / f"{leaf}.yml").read_text(encoding="utf-8"))["DOCUMENTATION"]["options"]


@functools.cache
def internal_params(module: str) -> dict[str, tuple[str, ...] | None]:
    """``_name`` parameters the module's PowerShell reads with Get-AnsibleParam, with their -validateset.

    Only Legacy modules read such keys; Ansible.Basic ones refuse every undeclared key.
    """
    root = windows_collection()
    source = (root / "plugins" / "modules" / f"{_leaf(module)}.ps1").read_text(encoding="utf-8")
    params = {}
    for name, rest in re.findall(r'Get-AnsibleParam -obj \$params -name "(_\w+)"(.*)', source):
        valid = re.search(r'-validateset ((?:"\w+",?\s*)+)', rest)
        params[name] = tuple(re.findall(r'"(\w+)"', valid.group(1))) if valid else None
    return params


def argument_problems(module: str, args: dict) -> list[str]:
    """Everything in ``args`` that the module's documentation does not allow."""
    options = documented_options(module)
    problems = [f"{module}: required option {name!r} missing" for name, spec in options.items()
                if spec.get("required") and name not in args]
    for key, value in args.items():
        if key.startswith("_") and key in internal_params(module):
            choices = internal_params(module)[key]
            if choices is not None and value not in choices:
                problems.append(f"{module}: {key}={value!r} is not one of the module's -validateset {list(choices)}")
            continue
        spec = options.get(key)
        if spec is None:
            problems.append(f"{module}: {key!r} is not a documented option")
            continue
        problems.extend(_value_problems(module, key, spec, value))
    return problems


def _value_problems(module: str, key: str, spec: dict, value) -> list[str]:
    kind = _TYPES.get(spec.get("type", "str"))
    if kind is not None and (not isinstance(value, kind) or (kind is int and isinstance(value, bool))):
        return [f"{module}: {key}={value!r} is not of documented type {spec.get('type', 'str')}"]
    if "choices" in spec and value not in spec["choices"]:
        return [f"{module}: {key}={value!r} is not one of {spec['choices']}"]
    return []


def check_args(module: str, args: dict) -> None:
    problems = argument_problems(module, args)
    assert not problems, "; ".join(problems)


def check_args_if_documented(module: str, args: dict) -> None:
    """check_args where ansible.windows is installed (ansible-test units runs without it)."""
    if windows_collection() is not None:
        check_args(module, args)


class FakeWindows:
    """``execute`` and ``put`` for a transport or service manager, answering from recorded results."""

    def __init__(self, *answers) -> None:
        # Each answer: a fixture name, or (fixture name, {key: replacement}) for a variant.
        self._answers = [answer if isinstance(answer, tuple) else (answer, {}) for answer in answers]
        self.sent: list[tuple[str, dict]] = []
        self.uploads: list[bytes] = []

    def execute(self, module: str, args: dict) -> dict:
        assert self._answers, f"unexpected call {module} {args}"
        name, changes = self._answers.pop(0)
        assert module == module_of(name), f"{module} sent where the recording {name} answers {module_of(name)}"
        # Without ansible.windows (ansible-test units) the behaviour is still tested; the
        # documentation tests say they were skipped.
        check_args_if_documented(module, args)
        result = {**load(name), **copy.deepcopy(changes)}
        recorded = result.get("invocation", {}).get("module_args", {})
        mismatched = {key: value for key, value in args.items() if recorded and recorded.get(key) != value}
        assert not mismatched, f"{name} was recorded with other arguments: {mismatched}"
        self.sent.append((module, copy.deepcopy(args)))
        # As ActionBase._execute_module marks a parsed module result.
        return {**result, "_ansible_parsed": True}

    def put(self, data: bytes) -> str:
        self.uploads.append(data)
        return TEMP_SOURCE

    @property
    def pending(self) -> list[str]:
        """Recorded results no call has consumed (a test expecting fewer calls fails on them)."""
        return [answer[0] for answer in self._answers]


# ---------------------------------------------------------------------------------------------
# A Windows host with state, for the action tests (whole runs: reads, writes, the service)

# What a Windows Server has in its environment: the modules' path options (type path) expand these.
ENVIRONMENT = {"windir": "C:\\Windows", "systemroot": "C:\\Windows", "systemdrive": "C:"}
# The same as setup's env subset reports it (the names as Windows spells them), for task_vars' facts.
ENV_FACTS = load("setup_env")["ansible_facts"]["ansible_env"]
FOUND_FILE = load("win_find_web_configs")["files"][0]  # one file as win_find describes it
# The name win_copy gives a backup: <dest>.<process id>.<yyyyMMdd-HHmmss>.bak (win_copy_single_backup).
BACKUP_SUFFIX = ".4242.20250115-101500.bak"


def expand(path: str) -> str:
    """%VARIABLE% expanded as ExpandEnvironmentVariables does (case-insensitive names; unknown ones kept)."""
    return re.sub(r"%([^%]+)%", lambda m: ENVIRONMENT.get(m.group(1).casefold(), m.group(0)), path)


def _recorded(name: str, **fields) -> dict:
    """The recorded result ``name`` without its invocation, with ``fields`` replaced."""
    result = {key: value for key, value in load(name).items() if key != "invocation"}
    return {**result, **fields}


class WindowsHost:
    """A Windows host over a file tree (drive letter folders) and the aspnet_state service.

    Like :class:`FakeWindows` it checks every argument sent against ansible.windows'
    documentation, and it answers with the recorded results of ``fixtures/windows/``; unlike it, it
    keeps state across calls, so a whole run (reads, compare-and-swap, writes, the service) can be
    played: each answer is the recording of its case (a file read, a file missing, a directory, a
    copy with or without backup, a service query...) with what depends on the state (content,
    checksum, path, service state and start mode) taken from the host.
    """

    def __init__(self, tree: Path) -> None:
        self.files: dict[str, bytes] = {}
        for path in tree.rglob("*"):
            if path.is_file() and path.name != "README.md" and not path.name.startswith("."):
                relative = path.relative_to(tree).parts
                self.files[f"{relative[0]}:\\" + "\\".join(relative[1:])] = path.read_bytes()
        self.service = _recorded("win_service_query_stopped_manual")
        self.service.pop("changed")
        self.calls: list[tuple[str, dict]] = []
        self.uploads: dict[str, bytes] = {}
        self.before_checksum = None  # a hook to simulate another writer

    def transfer(self, remote: str, data: bytes) -> None:
        """What the action's _transfer_data does: the upload lands in the host's temp dir."""
        self.uploads[remote] = data

    def find(self, path: str) -> str | None:
        path = expand(path)
        return next((key for key in self.files if key.casefold() == path.casefold()), None)

    def execute(self, module_name=None, module_args=None, task_vars=None, **_kwargs) -> dict:
        self.calls.append((module_name, dict(module_args)))
        check_args_if_documented(module_name, module_args)
        return getattr(self, module_name.rpartition(".")[2])(module_args)

    def slurp(self, args: dict) -> dict:
        key = self.find(args["src"])
        if key is None:
            return _recorded("slurp_not_found", msg=f"Path {args['src']} is not found")
        return _recorded("slurp_web_config", content=base64.b64encode(self.files[key]).decode())

    def win_stat(self, args: dict) -> dict:
        if self.before_checksum:
            self.before_checksum()
        key = self.find(args["path"])
        if key is None:
            folder = expand(args["path"]).casefold().rstrip("\\") + "\\"
            if any(name.casefold().startswith(folder) for name in self.files):
                return _recorded("win_stat_directory", stat={**load("win_stat_directory")["stat"], "path": args["path"]})
            return _recorded("win_stat_checksum_missing")
        stat = {**load("win_stat_checksum_file")["stat"], "path": key, "filename": key.rpartition("\\")[2]}
        if args.get("get_checksum"):
            stat["checksum"] = hashlib.sha1(self.files[key]).hexdigest()
        else:
            stat.pop("checksum")
        return _recorded("win_stat_checksum_file", stat=stat)

    def win_copy(self, args: dict) -> dict:
        key = self.find(args["dest"]) or expand(args["dest"])
        backup = args.get("backup") and key in self.files
        self.files[key] = self.uploads[args["src"]]
        if backup:
            return _recorded("win_copy_single_backup", backup_file=key + BACKUP_SUFFIX)
        return _recorded("win_copy_single")

    def win_service(self, args: dict) -> dict:
        if args.get("start_mode"):
            self.service["start_mode"] = args["start_mode"]
        if args.get("state"):
            self.service["state"] = {"started": "running", "stopped": "stopped", "restarted": "running"}[args["state"]]
        return {"changed": len(args) > 1, **self.service}

    def setup(self, args: dict) -> dict:
        return _recorded("setup_env")

    def win_find(self, args: dict) -> dict:
        """win_find.ps1 on this tree: ``paths`` are not expanded (type str); each is listed, not recursed.

        Only what the engine sends is played: literal patterns (``-like`` compares without case),
        files only. An absent folder is a warning (win_find.ps1 L231), a file given as a folder too (L235).
        """
        assert args.get("file_type", "file") == "file" and not args.get("recurse") and not args.get("use_regex"), args
        patterns = {pattern.casefold() for pattern in args.get("patterns") or ()}
        files, warnings, examined = [], [], 0
        for folder in args["paths"]:
            prefix = folder.rstrip("\\") + "\\"
            below = [key for key in self.files if key.casefold().startswith(prefix.casefold())]
            if not below:
                what = "is a file not a directory" if folder.casefold() in map(str.casefold, self.files) else \
                    "does not exist or is not accessible"
                warnings.append(f"Argument path '{folder}' {what}, skipping")
                continue
            examined += len({key[len(prefix):].partition("\\")[0] for key in below})
            for key in below:
                name = key[len(prefix):]
                if "\\" not in name and name.casefold() in patterns:
                    # FullName: the folder as given, the name as on disk.
                    files.append({**FOUND_FILE, "path": prefix + name, "filename": name, "size": len(self.files[key])})
        result = _recorded("win_find_web_configs", files=sorted(files, key=lambda entry: entry["path"]), matched=len(files),
                           examined=examined, warnings=warnings)
        if not warnings:  # Ansible.Basic adds the key only when there are some (Ansible.Basic.cs L1349-1350)
            del result["warnings"]
        return result

    def win_reg_stat(self, args: dict) -> dict:
        return _recorded("win_reg_stat_parameters")

    def win_regedit(self, args: dict) -> dict:
        return _recorded("win_regedit_port")
