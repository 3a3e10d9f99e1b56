"""One run of the engine: options -> target files -> read -> plan (-> guards when changing).

Private to the iis.aspnet collection: not a public API.

The host is reached only through a small reader (``Host``), so the same run serves the action
plugin (remote reads through Ansible modules), the demo and the tests (a local tree). Each file is
read at most once per run; the other files that govern a target's path (above it, and below it
down to that path) are read only when a change is planned, to judge it on the model.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Protocol

from ansible_collections.iis.aspnet.plugins.plugin_utils.base import _spec
from ansible_collections.iis.aspnet.plugins.plugin_utils.document import _xmlfile
from ansible_collections.iis.aspnet.plugins.plugin_utils.model import _model
from ansible_collections.iis.aspnet.plugins.plugin_utils.server import _apphost, _levels
from ansible_collections.iis.aspnet.plugins.plugin_utils.base._errors import ConfigError
from ansible_collections.iis.aspnet.plugins.plugin_utils.run._plan import FilePlan, Settings, judge, plan_file


class Host(Protocol):
    """What a run needs from the machine holding the files (Windows paths in, bytes out)."""

    def read(self, path: str) -> bytes | None:
        """The file's bytes, or None when it does not exist."""

    def is_dir(self, path: str) -> bool:
        """Whether the directory exists."""

    # Optional: ``discover(paths)`` learns in one call which of ``paths`` exist, so that reading an
    # absent one costs no call (the transports have it; a local tree needs none).

    layout: _apphost.Layout  # where the host keeps Windows (absent: an image with the defaults)


@dataclass
class RunPlan:
    """Everything a run would change, before anything is written."""

    settings: Settings
    targets: list[_levels.Target]
    files: list[FilePlan] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    reverts: list[tuple[str, str]] = field(default_factory=list)  # (element, xml) to remove
    reverted: list[dict] = field(default_factory=list)  # what each removal leaves in effect (when one was made)

    @property
    def changed(self) -> bool:
        return any(plan.changed for plan in self.files)


class FileCache:
    """Reads each file once per run, and parses it once."""

    def __init__(self, host: Host) -> None:
        self.host = host
        self._data: dict[str, bytes | None] = {}
        self._docs: dict[str, _xmlfile.ConfigDoc | None] = {}

    def discover(self, paths: Iterable[str]) -> None:
        """Ask the host once which of ``paths`` (not read yet) exist, when the host can tell."""
        discover = getattr(self.host, "discover", None)
        todo = [path for path in paths if path.casefold() not in self._data]
        if discover is not None and todo:
            discover(todo)

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
        """Files read that exist (an absent one costs a call only when it was not discovered)."""
        return sum(data is not None for data in self._data.values())


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
    reverts = _spec.reverted(options)
    apphost = _Lazy(lambda: read_apphost(cache)[0])
    targets = _levels.resolve(options.get("commit"), options.get("site"), framework, options.get("bitness"),
                              apphost() if _levels.needs_apphost(options.get("commit"), options.get("site"), not settings)
                              else None,
                              framework_given="framework_version" in given, bitness_given="bitness" in given,
                              layout=layout_of(host), revert_only=not settings)
    run = RunPlan(settings, targets, warnings=list(warnings), reverts=reverts)
    for target in targets:
        plan = _plan_target(target, settings, reverts, cache, run.warnings)
        if plan is None:
            continue
        # ASP.NET never reads applicationHost.config: removing from it cannot change what runs.
        if plan.changed and target.commit != "APPHOST":
            judgement = judge(plan, _model.target_chain(target, apphost, layout_of(host)), cache.doc)
            run.warnings += judgement.warnings
            run.reverted += judgement.reverted
        run.files.append(plan)
    if targets and not run.files:
        first = targets[0]
        raise ConfigError(first.file.path, f"not found: .NET Framework {first.framework_version} is not installed "
                                           "(neither its 64-bit nor its 32-bit tree exists)")
    return run


def layout_of(host: Host) -> _apphost.Layout:
    return getattr(host, "layout", _apphost.IMAGE)


def read_apphost(cache: FileCache, *, required: bool = True) -> tuple[_apphost.AppHost | None, _xmlfile.ConfigDoc | None]:
    """applicationHost.config as IIS reads it (model and document), or (None, None) when IIS is absent.

    redirection.config beside it is read first: with shared configuration enabled, IIS reads
    applicationHost.config from the folder it names, and the local copy is stale. That folder is
    read through the same host (a Windows host reaches a UNC path itself; an image maps the share
    with image_shares), or the run is refused: never the local copy in its place.
    """
    layout = layout_of(cache.host)
    path = _apphost_path(cache, layout)
    data = cache.read(path)
    if data is None:
        if not _apphost.win_same_path(path, layout.apphost_config):
            raise ConfigError(layout.redirection_config, f"enables shared configuration, but {path} does not exist; "
                                                         "nothing is read from the local applicationHost.config")
        if required:
            raise ConfigError(path, "not found: IIS is not installed, so sites and applications cannot be resolved")
        return None, None
    model = _apphost.parse_apphost(_xmlfile.parse_tree(path, data), path, layout=layout)
    return model, cache.doc(path)


def _apphost_path(cache: FileCache, layout: _apphost.Layout) -> str:
    """The applicationHost.config IIS reads: the local one, or the one redirection.config names."""
    redirection = layout.redirection_config
    data = cache.read(redirection)
    folder = None if data is None else _shared_folder(redirection, _xmlfile.parse_tree(redirection, data))
    if folder is None:
        return layout.apphost_config
    located = layout.locate(layout.expand(folder, redirection))
    if located is None:
        raise ConfigError(redirection, f"enables shared configuration: IIS reads applicationHost.config from {folder}, "
                                       "which this image does not hold; map that share to a folder of the image with "
                                       "image_shares (the local copy is not read in its place)")
    return _apphost.win_join(located, "applicationHost.config")


def _shared_folder(path: str, root) -> str | None:
    """The folder <configurationRedirection enabled="true" path="..."> names, or None when disabled."""
    for element in root.iterchildren("{*}configurationRedirection"):
        if (element.get("enabled") or "false").strip().lower() != "true":
            return None
        folder = (element.get("path") or "").strip()
        if not folder:
            raise ConfigError(path, "enables shared configuration (configurationRedirection) without a path")
        return folder
    return None


def _plan_target(target: _levels.Target, settings: Settings, reverts: list[tuple[str, str]], cache: FileCache,
                 warnings: list[str]) -> FilePlan | None:
    path = target.file.path
    doc = cache.doc(path)
    created = False
    if doc is None:
        # A tree is absent when its Config folder is; a folder without its file is a broken install.
        if target.optional and not cache.host.is_dir(_apphost.win_dirname(path)):
            warnings.append(f"{path} not found: the {target.bitness}-bit .NET {target.framework_version} tree is absent, skipped")
            return None
        if not settings and target.may_create:  # nothing to remove from a file that does not exist
            return FilePlan(path, target.location, b"", b"")
        doc, created = _new_file(target, cache), True
    plan = plan_file(doc, target.location, settings, reverts)
    if created:
        plan.before, plan.created = b"", True
    return plan


def _new_file(target: _levels.Target, cache: FileCache) -> _xmlfile.ConfigDoc:
    path = target.file.path
    if not target.may_create:
        raise ConfigError(path, f"not found: .NET Framework {target.framework_version} ({target.bitness}-bit) "
                                "is not installed, or the path is wrong")
    directory = _apphost.win_dirname(path)
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


__all__ = ["Host", "RunPlan", "FileCache", "plan_run", "layout_of", "read_apphost"]
