"""Configuration levels: which file (and which <location> in it) receives a setting.

Private to the iis.aspnet collection: not a public API.
Turns the module's commit x site x framework_version x bitness into Targets, as the levels
table of docs/user-guide.md says. Server levels are plain path arithmetic; SITE and APP read
applicationHost.config (parsed by _apphost) for physical paths and for the application pool
that picks the .NET root. What binds a target (the records above and below it down to the path
it governs) is the configuration model's business (``_model.target_chain``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ansible_collections.iis.aspnet.plugins.plugin_utils.server._apphost import (
    IMAGE,
    AppHost,
    Layout,
    Application,
    Site,
    map_url,
    pool_settings,
    segments_start_with,
    url_segments,
    win_join,
)
from ansible_collections.iis.aspnet.plugins.plugin_utils.base._errors import OptionError
from ansible_collections.iis.aspnet.plugins.plugin_utils.base._spec import BITNESS_DIRS as _BITNESS_DIRS
from ansible_collections.iis.aspnet.plugins.plugin_utils.base._spec import COMMITS, FRAMEWORKS

DEFAULT_FRAMEWORK = "v4.0"
DEFAULT_BITNESS = (64, 32)
# framework_version -> (version folder, config folder as Windows ships it: v2.0 says CONFIG).
_FRAMEWORK_DIRS = {name: (version, "CONFIG" if name == "v2.0" else "Config") for name, version in FRAMEWORKS.items()}
_SERVER_FILES = {"MACHINE": "machine.config", "WEBROOT": "web.config"}

MACHINE_PATH = "MACHINE"
WEBROOT_PATH = "MACHINE/WEBROOT"
APPHOST_PATH = "MACHINE/WEBROOT/APPHOST"

_APPHOST_REFUSAL = (
    "APPHOST is refused for system.web/sessionState settings: IIS accepts system.web in applicationHost.config, "
    "but ASP.NET never reads system.web from it, so the setting would have no effect. "
    "Use WEBROOT (the server's root web.config) or SITE/APP with site (APPHOST takes revert only, to remove such settings)."
)
_MACHINE_TO_APPLICATION = (
    "sessionState is declared allowDefinition=\"MachineToApplication\": ASP.NET refuses it \"beyond "
    "application level\" (\"This error can be caused by a virtual directory not being configured as "
    "an application in IIS\"). Name the site or an IIS application, or make that path an application."
)


@dataclass(frozen=True)
class FileRef:
    path: str  # Windows path
    level: str  # MACHINE | WEBROOT | SITE | APP | FOLDER
    config_path: str  # config path the file itself sits at, e.g. MACHINE/WEBROOT


@dataclass(frozen=True)
class Target:
    file: FileRef  # file that receives the setting
    location: str  # "" = top of file, else the <location path> inside it
    config_path: str  # config path the setting governs
    commit: str
    framework_version: str  # v4.0 | v2.0
    bitness: int  # 64 | 32
    optional: bool  # bitness by default: an absent tree is skipped with a warning
    may_create: bool  # a site/app web.config may be created if its directory exists


# --- small pure helpers -----------------------------------------------------------------------


_CONTROL = re.compile("[\x00-\x1f\ufffe\uffff\ud800-\udfff]")


def framework_config_file(name: str, framework_version: str, bitness: int, layout: Layout = IMAGE) -> str:
    """machine.config or the root web.config of one .NET root (below the host's Windows folder)."""
    if framework_version not in _FRAMEWORK_DIRS:
        raise OptionError("framework_version", f"{framework_version!r} is not one of {', '.join(_FRAMEWORK_DIRS)}")
    if bitness not in _BITNESS_DIRS:
        raise OptionError("bitness", f"{bitness!r} is not one of 64, 32")
    version, config = _FRAMEWORK_DIRS[framework_version]
    return win_join(layout.windir, "Microsoft.NET", _BITNESS_DIRS[bitness], version, config, name)


def normalise_site(site: str) -> str:
    """'/Default Web Site//shop/' -> 'Default Web Site/shop' (case kept; '.', '..' and control characters refused).

    The full configuration path the info module returns (``config_path``,
    'MACHINE/WEBROOT/APPHOST/Default Web Site/shop') names the same site: its prefix is dropped.
    """
    control = _CONTROL.search(site)
    if control:
        raise OptionError("site", f"{site!r} holds the control character U+{ord(control.group()):04X}, which no IIS site or "
                                  "application name holds (and an XML <location path> cannot keep)")
    segments = url_segments(site)
    prefix = url_segments(APPHOST_PATH)
    if segments_start_with(segments, prefix):
        segments = segments[len(prefix):]
    if not segments:
        raise OptionError("site", f"{site!r} names no site")
    if any(s in (".", "..") for s in segments):
        raise OptionError("site", f"{site!r}: '.' and '..' are not allowed in an IIS config path")
    return "/".join(segments)


def config_path_startswith(path: str, prefix: str) -> bool:
    """True when path is prefix or below it, segment-wise and case-insensitively."""
    return segments_start_with(_config_segments(path), _config_segments(prefix))


def _config_segments(path: str) -> list[str]:
    return [part for part in path.split("/") if part]


def _join_config_path(base: str, segments: Iterable[str]) -> str:
    return "/".join([base, *segments])


def location_config_path(file: FileRef, location: str) -> str:
    """Absolute config path governed by <location path="location"> inside file.

    In machine.config and the root web.config a location path names a site path
    ("Default Web Site/shop"); in a site or application web.config it is relative to the file.
    """
    if location.strip() in ("", "."):
        return file.config_path
    segments = url_segments(location)
    if file.level in ("MACHINE", "WEBROOT"):
        return _join_config_path(APPHOST_PATH, segments)
    return _join_config_path(file.config_path, segments)


def path_level(apphost: AppHost | None, config_path: str) -> str | None:
    """MACHINE, WEBROOT, SITE, APP or FOLDER for a config path; None when no site of that name is known."""
    if not config_path_startswith(config_path, APPHOST_PATH):
        return "MACHINE" if len(_config_segments(config_path)) == 1 else "WEBROOT"
    segments = _config_segments(config_path)[3:]
    if not segments:
        return None
    try:
        site = apphost.site(segments[0]) if apphost is not None else None
    except OptionError:
        return None
    if site is None:
        return None
    return "SITE" if len(segments) == 1 else "APP" if site.is_application(tuple(segments[1:])) else "FOLDER"


# --- resolution -------------------------------------------------------------------------------


def needs_apphost(commit: str | None, site: str | None, revert_only: bool = False) -> bool:
    """SITE and APP find their files through applicationHost.config (the default commit with site is
    APP); APPHOST, accepted for reverts only, edits it (refused before any read otherwise)."""
    return _commit(commit, site) in (("SITE", "APP", "APPHOST") if revert_only else ("SITE", "APP"))


def _commit(commit: str | None, site: str | None) -> str:
    if commit is None:
        return "APP" if site else "WEBROOT"
    upper = str(commit).upper()
    if upper not in COMMITS:
        raise OptionError("commit", f"{commit!r} is not one of {', '.join(COMMITS)}")
    return upper


def bitnesses(bitness) -> tuple[int, ...]:
    """The ``bitness`` option as distinct Framework folders (None: both), refused unless each is 64 or 32."""
    values = DEFAULT_BITNESS if bitness is None else (bitness if isinstance(bitness, (list, tuple)) else [bitness])
    if not values:
        raise OptionError("bitness", "needs at least one of 64, 32")
    for value in values:
        if value not in _BITNESS_DIRS:
            raise OptionError("bitness", f"{value!r} is not one of 64, 32")
    return tuple(dict.fromkeys(values))


def server_file(level: str, framework_version: str, bitness: int, layout: Layout = IMAGE) -> FileRef:
    """machine.config (MACHINE) or the root web.config (WEBROOT) as a FileRef."""
    path = framework_config_file(_SERVER_FILES[level], framework_version, bitness, layout)
    return FileRef(path, level, MACHINE_PATH if level == "MACHINE" else WEBROOT_PATH)


def _server_targets(commit, site, framework_version, bitnesses, bitness_given, layout) -> list[Target]:
    location = normalise_site(site) if site else ""
    targets = []
    for bitness in bitnesses:
        file = server_file(commit, framework_version, bitness, layout)
        targets.append(Target(
            file, location, location_config_path(file, location), commit, framework_version, bitness,
            # Only Framework64 may be missing on a sane server (32-bit Windows); a missing 32-bit
            # tree means that .NET is not installed, which the caller must report as an error.
            optional=not bitness_given,
            may_create=False,
        ))
    return targets


def _owner(apphost: AppHost, site: str) -> tuple[Site, Application, tuple[str, ...]]:
    """The IIS site, the application serving site (a config path) and the path's URL segments."""
    name, *segments = normalise_site(site).split("/")
    iis_site = apphost.site(name)
    segments = tuple(segments)
    app = iis_site.application(segments)
    if app is None:
        raise OptionError("site", f"site {iis_site.name!r} has no root application \"/\" in {apphost.path}")
    return iis_site, app, segments


def find_application(apphost: AppHost, site: str) -> tuple[Site, Application]:
    """The IIS site and the application that site (a config path) names exactly.

    sessionState is MachineToApplication, so a folder or a plain virtual directory below an
    application is refused rather than written where ASP.NET would fail on it.
    """
    iis_site, app, segments = _owner(apphost, site)
    if len(app.path) != len(segments):
        raise OptionError("site", f"{site!r} is not an IIS application (it lies in application "
                                  f"{_join_config_path(iis_site.name, app.path)!r}). {_MACHINE_TO_APPLICATION}")
    return iis_site, app


def pool_runtime(apphost: AppHost, site: str) -> tuple[str, str, int]:
    """(pool name, framework_version, bitness) of the application serving site (a config path).

    For SITE and APP the pool decides which machine.config and root web.config sit above the
    file; the caller may warn when an explicit framework_version/bitness says otherwise.
    """
    return pool_settings(apphost, _owner(apphost, site)[1])


def site_file(apphost: AppHost, site: Site, segments: tuple[str, ...]) -> FileRef:
    """web.config at a URL path of the site, with its level (SITE, APP or FOLDER)."""
    level = "SITE" if not segments else "APP" if site.is_application(segments) else "FOLDER"
    path = win_join(map_url(apphost, site, segments), "web.config")
    return FileRef(path, level, _join_config_path(APPHOST_PATH, [site.name, *segments]))


def _site_targets(commit, site, apphost, revert_only: bool) -> list[Target]:
    if revert_only:  # removing a setting is right at any path, a folder's included
        iis_site, app, segments = _owner(apphost, site)
    else:
        iis_site, app = find_application(apphost, site)
        segments = app.path
    framework_version, bitness = pool_settings(apphost, app)[1:]
    if commit == "SITE":
        file, location = site_file(apphost, iis_site, ()), "/".join(segments)
    else:
        file, location = site_file(apphost, iis_site, app.path), "/".join(segments[len(app.path):])
    return [Target(file, location, location_config_path(file, location), commit, framework_version, bitness,
                   optional=False, may_create=True)]


def _apphost_target(site: str | None, apphost: AppHost) -> Target:
    """applicationHost.config itself (where IIS read it), at the top or in <location path="site">."""
    file = FileRef(apphost.path, "APPHOST", APPHOST_PATH)
    location = normalise_site(site) if site else ""
    return Target(file, location, location_config_path(file, location), "APPHOST", DEFAULT_FRAMEWORK, DEFAULT_BITNESS[0],
                  optional=False, may_create=False)


def resolve(commit, site, framework_version, bitness, apphost: AppHost | None = None, *,
            framework_given: bool = False, bitness_given: bool = False, layout: Layout = IMAGE,
            revert_only: bool = False) -> list[Target]:
    """Targets for one module call, in bitness order; raises OptionError for refused levels.

    commit=None means the default (WEBROOT without site, APP with it); framework_version=None
    and bitness=None mean v4.0 and [64, 32]. framework_given/bitness_given say whether the user
    set them. Targets of a default bitness are optional (docs/user-guide.md: an absent tree, such as
    Framework64 on 32-bit Windows, is skipped with a warning; the run refuses when every tree is
    absent). framework_given does not change anything today; it is kept for the contract. For SITE and APP the application pool
    decides framework and bitness (see pool_runtime) and both given values are ignored.
    """
    commit = _commit(commit, site)
    if commit == "APPHOST" and not revert_only:
        raise OptionError("commit", _APPHOST_REFUSAL)
    if commit in ("SITE", "APP", "APPHOST") and apphost is None:
        raise ValueError(f"commit {commit} needs the parsed applicationHost.config (see needs_apphost)")
    if commit == "APPHOST":
        return [_apphost_target(site, apphost)]
    if commit in ("SITE", "APP"):
        if not site:
            raise OptionError("commit", f"{commit} needs site (the IIS site or application to configure)")
        return _site_targets(commit, site, apphost, revert_only)
    framework_version = framework_version or DEFAULT_FRAMEWORK
    framework_config_file("machine.config", framework_version, 64)  # validates framework_version
    return _server_targets(commit, site, framework_version, bitnesses(bitness), bitness_given, layout)


__all__ = [
    "APPHOST_PATH",
    "COMMITS",
    "DEFAULT_BITNESS",
    "DEFAULT_FRAMEWORK",
    "MACHINE_PATH",
    "WEBROOT_PATH",
    "FileRef",
    "Target",
    "bitnesses",
    "config_path_startswith",
    "find_application",
    "framework_config_file",
    "location_config_path",
    "needs_apphost",
    "normalise_site",
    "path_level",
    "pool_runtime",
    "resolve",
    "server_file",
    "site_file",
]
