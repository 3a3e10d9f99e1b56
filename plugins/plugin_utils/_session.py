"""One run of the engine: options -> target files -> read -> plan (-> guards when changing).

Private to the iis.aspnet collection: not a public API.

The host is reached only through a small reader (``Host``), so the same run serves the action
plugin (remote reads through Ansible modules), the demo and the tests (a local tree). Each file is
read at most once per run; the other files that govern a target's path (above it, and below it
down to that path) are read only when a change is planned, to judge it on the model.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Protocol

from ansible_collections.iis.aspnet.plugins.plugin_utils import _levels, _model, _spec, _xmlfile
from ansible_collections.iis.aspnet.plugins.plugin_utils._errors import ConfigError
from ansible_collections.iis.aspnet.plugins.plugin_utils._plan import FilePlan, Settings, judge, plan_file


class Host(Protocol):
    """What a run needs from the machine holding the files (Windows paths in, bytes out)."""

    def read(self, path: str) -> bytes | None:
        """The file's bytes, or None when it does not exist."""

    def is_dir(self, path: str) -> bool:
        """Whether the directory exists."""


@dataclass
class RunPlan:
    """Everything a run would change, before anything is written."""

    settings: Settings
    targets: list[_levels.Target]
    files: list[FilePlan] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(plan.changed for plan in self.files)


class FileCache:
    """Reads each file once per run, and parses it once."""

    def __init__(self, host: Host) -> None:
        self.host = host
        self._data: dict[str, bytes | None] = {}
        self._docs: dict[str, _xmlfile.ConfigDoc | None] = {}

    def read(self, path: str) -> bytes | None:
        key = path.casefold()
        if key not in self._data:
            self._data[key] = self.host.read(path)
        return self._data[key]

    def doc(self, path: str) -> _xmlfile.ConfigDoc | None:
        key = path.casefold()
        if key not in self._docs:
            data = self.read(path)
            self._docs[key] = None if data is None else _xmlfile.parse(path, data)
        return self._docs[key]

    @property
    def reads(self) -> int:
        return len(self._data)


def plan_run(options: dict, host: Host, cache: FileCache | None = None, given: Collection[str] | None = None) -> RunPlan:
    """Validate the options, resolve the target files and plan every edit.

    ``given`` names the options the user set. An argument-spec validator fills in defaults, so
    after it a present ``bitness`` no longer tells whether the user asked for it (and a default
    bitness whose tree is absent is skipped, an asked-for one is an error). Without ``given``,
    an option counts as given when it is not None.
    """
    cache = cache or FileCache(host)
    given = set(given) if given is not None else {name for name, value in options.items() if value is not None}
    framework = options.get("framework_version") or _levels.DEFAULT_FRAMEWORK
    settings, warnings = _spec.desired_settings(options, framework)
    apphost = _Lazy(lambda: _read_apphost(cache))
    targets = _levels.resolve(options.get("commit"), options.get("site"), framework, options.get("bitness"),
                              apphost() if _levels.needs_apphost(options.get("commit"), options.get("site")) else None,
                              framework_given="framework_version" in given, bitness_given="bitness" in given)
    run = RunPlan(settings, targets, warnings=list(warnings))
    for target in targets:
        plan = _plan_target(target, settings, cache, run.warnings)
        if plan is not None:
            if plan.changed:
                run.warnings += judge(plan, _model.target_chain(target, apphost), cache.doc)
            run.files.append(plan)
    if targets and not run.files:
        first = targets[0]
        raise ConfigError(first.file.path, f"not found: .NET Framework {first.framework_version} is not installed "
                                           "(neither its 64-bit nor its 32-bit tree exists)")
    return run


def _read_apphost(cache: FileCache) -> _levels.AppHost:
    data = cache.read(_levels.APPHOST_CONFIG)
    if data is None:
        raise ConfigError(_levels.APPHOST_CONFIG, "not found: IIS is not installed, so sites and applications cannot be resolved")
    return _levels.parse_apphost(_xmlfile.parse_tree(_levels.APPHOST_CONFIG, data), _levels.APPHOST_CONFIG)


def _plan_target(target: _levels.Target, settings: Settings, cache: FileCache, warnings: list[str]) -> FilePlan | None:
    path = target.file.path
    doc = cache.doc(path)
    created = False
    if doc is None:
        # A tree is absent when its Config folder is; a folder without its file is a broken install.
        if target.optional and not cache.host.is_dir(_levels.win_dirname(path)):
            warnings.append(f"{path} not found: the {target.bitness}-bit .NET {target.framework_version} tree is absent, skipped")
            return None
        doc, created = _new_file(target, cache), True
    plan = plan_file(doc, target.location, settings)
    if created:
        plan.before, plan.created = b"", True
    return plan


def _new_file(target: _levels.Target, cache: FileCache) -> _xmlfile.ConfigDoc:
    path = target.file.path
    if not target.may_create:
        raise ConfigError(path, f"not found: .NET Framework {target.framework_version} ({target.bitness}-bit) "
                                "is not installed, or the path is wrong")
    directory = _levels.win_dirname(path)
    if not cache.host.is_dir(directory):
        raise ConfigError(path, f"cannot be created: the directory {directory} does not exist")
    return _xmlfile.parse(path, _xmlfile.minimal_document())


class _Lazy:
    """A value computed on first use only (applicationHost.config costs a read)."""

    def __init__(self, make) -> None:
        self._make = make
        self._done = False
        self._value = None

    def __call__(self):
        if not self._done:
            self._value, self._done = self._make(), True
        return self._value


__all__ = ["Host", "RunPlan", "FileCache", "plan_run"]
