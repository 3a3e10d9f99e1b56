"""Read the parts of IIS applicationHost.config that locate a site's web.config files.

Private to the iis.aspnet collection: not a public API.
The caller parses the file (hardened) and hands over the root element; this module only walks
it, so it needs no lxml import of its own. It knows sites, applications, virtual directories
and application pools: enough to map a config path to a physical web.config and to tell which
.NET root (framework, bitness) an application's pool loads.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ansible_collections.iis.aspnet.plugins.plugin_utils.base._errors import ConfigError, OptionError

APPHOST_CONFIG = r"C:\Windows\System32\inetsrv\config\applicationHost.config"  # in an image with the defaults

# The variables an image expands in paths, as a standard install has them, derived from its
# SystemDrive and windir (image_environment sets those, and any other). Anything else is refused
# rather than guessed.
_DRIVE_VARIABLES = {
    "ProgramFiles": r"Program Files",
    "ProgramW6432": r"Program Files",
    "ProgramFiles(x86)": r"Program Files (x86)",
    "CommonProgramFiles": r"Program Files\Common Files",
    "CommonProgramW6432": r"Program Files\Common Files",
    "CommonProgramFiles(x86)": r"Program Files (x86)\Common Files",
    "ProgramData": r"ProgramData",
    "ALLUSERSPROFILE": r"ProgramData",
    "PUBLIC": r"Users\Public",
}
_DRIVE = re.compile(r"[A-Za-z]:")

# IIS's own fallbacks when neither a pool nor applicationPoolDefaults says (IIS 8+ schema).
_SCHEMA_RUNTIME = "v4.0"
_SCHEMA_POOL = "DefaultAppPool"
_VARIABLE = re.compile(r"%([^%\\/]+)%")


# --- Windows paths (pure string work: the controller may not be Windows) ---------------------


def win_normpath(path: str) -> str:
    """Backslashes, no doubled separators (a UNC prefix kept), no trailing one but a drive root's."""
    prefix = "\\\\" if path[:2] in ("\\\\", "//") else "\\" if path[:1] in ("\\", "/") else ""
    joined = prefix + "\\".join(p for p in re.split(r"[\\/]+", path) if p)
    return joined + "\\" if re.fullmatch(r"[A-Za-z]:", joined) else joined


def win_join(base: str, *parts: str) -> str:
    """Join Windows path parts with single backslashes ("C:\\" + "a/b" -> "C:\\a\\b")."""
    tail = [s for part in parts for s in re.split(r"[\\/]+", part) if s]
    base = win_normpath(base)
    return base.rstrip("\\") + "\\" + "\\".join(tail) if tail else base


def win_dirname(path: str) -> str:
    """The directory holding path (what must exist before a new web.config may be written)."""
    norm = win_normpath(path)
    head = norm.rpartition("\\")[0]
    return head + "\\" if head.endswith(":") else head


def win_same_path(left: str, right: str) -> bool:
    """Windows compares paths case-insensitively."""
    return win_normpath(left).casefold() == win_normpath(right).casefold()


def expand_variables(text: str, environment: Mapping[str, str], source: str) -> str:
    """Expand %VAR% case-insensitively, as IIS does for physicalPath; unknown names are refused."""
    known = {name.casefold(): value for name, value in environment.items()}

    def one(match: re.Match) -> str:
        name = match.group(1)
        if name.casefold() not in known:
            raise OptionError(
                "site",
                f"{source}: physicalPath {text!r} uses %{name}%, which this image does not define: give its value in "
                f"image_environment (known: {', '.join('%' + n + '%' for n in sorted(environment))})",
            )
        return known[name.casefold()]

    return _VARIABLE.sub(one, text)


def image_environment(given: Mapping[str, str] | None = None) -> dict[str, str]:
    """The variables of an imaged server: ``given`` (SystemDrive, windir...) and what follows from them."""
    given = {str(name): str(value) for name, value in (given or {}).items()}
    folded = {name.casefold(): value for name, value in given.items()}
    drive = folded.get("systemdrive", "C:")
    if not _DRIVE.fullmatch(drive):
        raise OptionError("image_environment", f"SystemDrive must be a drive such as C:, got {drive!r}")
    windir = folded.get("windir") or folded.get("systemroot") or drive + "\\Windows"
    if not _DRIVE.match(windir):
        raise OptionError("image_environment", f"windir must be an absolute path such as C:\\Windows, got {windir!r}")
    environment = {"SystemDrive": drive, "SystemRoot": windir, "windir": windir}
    environment.update({name: drive + "\\" + rest for name, rest in _DRIVE_VARIABLES.items()})
    known = {name.casefold(): name for name in environment}
    for name, value in given.items():
        environment[known.get(name.casefold(), name)] = value
    return environment


DEFAULT_ENVIRONMENT = image_environment()


@dataclass(frozen=True)
class Layout:
    """Where a host keeps Windows, who expands %VARIABLE% in paths, and where UNC shares are.

    On a Windows host, paths keep their variables (``%windir%``, ``%SystemDrive%``...) and UNC
    names: the modules expand them on the host (their path options are of type path). In an
    image, the controller expands variables with ``environment`` and maps UNC shares to folders
    of the image with ``shares``.
    """

    windir: str
    environment: Mapping[str, str] | None = None
    shares: Mapping[str, str] = field(default_factory=dict)  # UNC share -> Windows path in the image

    @classmethod
    def windows(cls) -> Layout:
        return cls("%windir%")

    @classmethod
    def image(cls, environment: Mapping[str, str] | None = None, shares: Mapping[str, str] | None = None) -> Layout:
        variables = image_environment(environment)
        return cls(variables["windir"], variables, _shares(shares or {}))

    @property
    def inetsrv_config(self) -> str:
        return win_join(self.windir, "System32", "inetsrv", "config")

    @property
    def apphost_config(self) -> str:
        return win_join(self.inetsrv_config, "applicationHost.config")

    @property
    def redirection_config(self) -> str:
        return win_join(self.inetsrv_config, "redirection.config")

    def expand(self, text: str, source: str) -> str:
        """A path as the host would have it: variables kept for a Windows host, expanded in an image."""
        return text if self.environment is None else expand_variables(text, self.environment, source)

    def locate(self, path: str) -> str | None:
        """Where a UNC path is in the image (None: no share maps it); any other path as it is."""
        if self.environment is None or not path.startswith("\\\\"):
            return path
        norm = win_normpath(path)
        for share, target in self.shares.items():
            if norm.casefold() == share.casefold() or norm.casefold().startswith(share.casefold() + "\\"):
                return win_join(target, norm[len(share):])
        return None


def _shares(shares: Mapping[str, str]) -> dict[str, str]:
    checked = {}
    for share, target in shares.items():
        share, target = str(share), str(target)
        if not share.startswith(("\\\\", "//")) or len([part for part in re.split(r"[\\/]+", share) if part]) < 2:
            raise OptionError("image_shares", f"{share!r} is not a UNC share such as \\\\server\\share")
        if not _DRIVE.match(target):
            raise OptionError("image_shares", f"{share!r} must map to a Windows path in the image such as Z:\\, got {target!r}")
        checked[win_normpath(share)] = target
    return checked


IMAGE = Layout.image()


# --- URL paths --------------------------------------------------------------------------------


def url_segments(path: str) -> tuple[str, ...]:
    """'/shop//admin/' -> ('shop', 'admin'); both slash kinds accepted, case kept."""
    return tuple(p for p in re.split(r"[\\/]+", path or "") if p)


def segments_start_with(segments: Iterable[str], prefix: Iterable[str]) -> bool:
    """Segment-wise, case-insensitive prefix test ('/shop' is not a prefix of '/shopping')."""
    segments, prefix = tuple(segments), tuple(prefix)
    if len(prefix) > len(segments):
        return False
    return all(a.casefold() == b.casefold() for a, b in zip(segments, prefix))


def same_segments(left: Iterable[str], right: Iterable[str]) -> bool:
    left, right = tuple(left), tuple(right)
    return len(left) == len(right) and segments_start_with(left, right)


# --- the model --------------------------------------------------------------------------------


@dataclass(frozen=True)
class VirtualDirectory:
    path: tuple[str, ...]  # URL segments relative to its application ("/" -> ())
    physical_path: str  # as written (variables not yet expanded)


@dataclass(frozen=True)
class Application:
    path: tuple[str, ...]  # URL segments relative to the site ("/" -> ())
    pool: str  # applicationPool, with applicationDefaults already applied
    vdirs: tuple[VirtualDirectory, ...]

    @property
    def url(self) -> str:
        return "/" + "/".join(self.path)


@dataclass(frozen=True)
class Site:
    name: str
    id: int | None
    applications: tuple[Application, ...]

    def application(self, segments: Iterable[str]) -> Application | None:
        """The application serving a URL path: the longest application path that prefixes it."""
        segments = tuple(segments)
        owners = [a for a in self.applications if segments_start_with(segments, a.path)]
        return max(owners, key=lambda a: len(a.path), default=None)

    def is_application(self, segments: Iterable[str]) -> bool:
        return any(same_segments(a.path, segments) for a in self.applications)


@dataclass(frozen=True)
class Pool:
    name: str
    managed_runtime_version: str | None  # None: attribute absent (inherits the defaults)
    enable_32bit: str | None  # enable32BitAppOnWin64 as written, None when absent


@dataclass
class AppHost:
    """Parsed applicationHost.config: what level resolution needs, nothing more."""

    path: str
    sites: tuple[Site, ...]
    pools: dict[str, Pool]  # keyed by casefolded name: IIS pool names are case-insensitive
    pool_defaults: Pool
    layout: Layout = IMAGE

    def site(self, name: str) -> Site:
        for site in self.sites:
            if site.name.casefold() == name.casefold():
                return site
        known = ", ".join(repr(s.name) for s in self.sites) or "none"
        raise OptionError("site", f"no IIS site named {name!r} in {self.path} (known sites: {known})")

    def pool(self, name: str) -> Pool:
        """The named pool; a pool missing from the file behaves as applicationPoolDefaults."""
        return self.pools.get(name.casefold(), Pool(name, None, None))


# --- parsing ----------------------------------------------------------------------------------


def _local(element) -> str | None:
    """Local tag name; None for comments and processing instructions (their tag is not a str)."""
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else None


def _children(element, name: str) -> list:
    return [c for c in element if _local(c) == name]


def _check_section(element, path: str) -> None:
    """The sections we read must be inline and in clear text, or we would read the wrong thing."""
    name = _local(element)
    if element.get("configSource") is not None:
        raise ConfigError(path, f"<{name}> uses configSource={element.get('configSource')!r}: not supported")
    if element.get("configProtectionProvider") is not None:
        raise ConfigError(path, f"<{name}> is encrypted (configProtectionProvider): cannot read sites")


def _sections(root, name: str, path: str) -> list:
    """<system.applicationHost><name> at top level or in a <location path=""> (both mean server)."""
    holders = [root] + [
        loc for loc in _children(root, "location") if loc.get("path", "").strip() in ("", ".")
    ]
    found = []
    for holder in holders:
        for group in _children(holder, "system.applicationHost"):
            found += _children(group, name)
    for section in found:
        _check_section(section, path)
    return found


def _collection(sections: list, add: str, key: str, path: str) -> dict[str, object]:
    """Apply <add>/<remove>/<clear> in document order; keys compare case-insensitively.

    A duplicate key stops IIS from loading the file at all, so it is refused, not guessed at.
    """
    items: dict[str, object] = {}
    for section in sections:
        for child in section:
            name, value = _local(child), child.get(key, "")
            if name == "clear":
                items.clear()
            elif name == "remove":
                items.pop(value.casefold(), None)
            elif name == add and value.casefold() in items:
                raise ConfigError(path, f"duplicate <{add} {key}={value!r}> in <{_local(section)}>")
            elif name == add:
                items[value.casefold()] = child
    return items


def _pool(element, name: str | None = None) -> Pool:
    return Pool(
        name if name is not None else element.get("name", ""),
        element.get("managedRuntimeVersion"),
        element.get("enable32BitAppOnWin64"),
    )


def _parse_pools(root, path: str) -> tuple[dict[str, Pool], Pool]:
    sections = _sections(root, "applicationPools", path)
    pools = {k: _pool(e) for k, e in _collection(sections, "add", "name", path).items()}
    defaults = Pool("applicationPoolDefaults", None, None)
    for section in sections:
        for element in _children(section, "applicationPoolDefaults"):
            defaults = _merge_pool(_pool(element, defaults.name), defaults)
    return pools, defaults


def _merge_pool(pool: Pool, fallback: Pool) -> Pool:
    """Attributes the pool sets win; the others come from fallback."""
    return Pool(
        pool.name,
        pool.managed_runtime_version if pool.managed_runtime_version is not None else fallback.managed_runtime_version,
        pool.enable_32bit if pool.enable_32bit is not None else fallback.enable_32bit,
    )


def _default_pool(holder, fallback: str) -> str:
    for element in _children(holder, "applicationDefaults"):
        fallback = element.get("applicationPool") or fallback
    return fallback


def _parse_site(element, server_pool: str, path: str) -> Site:
    name = element.get("name")
    if not name:
        raise ConfigError(path, "a <site> has no name")
    site_pool = _default_pool(element, server_pool)
    applications = tuple(
        Application(
            url_segments(app.get("path", "")),
            app.get("applicationPool") or site_pool,
            tuple(
                VirtualDirectory(url_segments(v.get("path", "")), v.get("physicalPath", ""))
                for v in _children(app, "virtualDirectory")
            ),
        )
        for app in _children(element, "application")
    )
    site_id = element.get("id", "")
    return Site(name, int(site_id) if site_id.strip().isdigit() else None, applications)


def parse_apphost(root, path: str = APPHOST_CONFIG, *, layout: Layout = IMAGE) -> AppHost:
    """Read sites and pools from the parsed applicationHost.config (root = <configuration>)."""
    if _local(root) != "configuration":
        raise ConfigError(path, f"root element is <{_local(root)}>, not <configuration>")
    sections = _sections(root, "sites", path)
    server_pool = _SCHEMA_POOL
    for section in sections:
        server_pool = _default_pool(section, server_pool)
    sites = tuple(_parse_site(e, server_pool, path) for e in _collection(sections, "site", "name", path).values())
    pools, defaults = _parse_pools(root, path)
    return AppHost(path, sites, pools, defaults, layout)


# --- questions the levels ask -----------------------------------------------------------------


def pool_settings(apphost: AppHost, application: Application) -> tuple[str, str, int]:
    """(pool name, framework_version, bitness) of the .NET root an application's pool loads."""
    pool = _merge_pool(apphost.pool(application.pool), apphost.pool_defaults)
    runtime = pool.managed_runtime_version
    if runtime == "":
        # No Managed Code: ASP.NET does not run there at all; the defaults' root still sits above
        # the files for anything that reads them (IIS tools), so that is what binds them.
        runtime = apphost.pool_defaults.managed_runtime_version or _SCHEMA_RUNTIME
    framework = {"v2.0": "v2.0", "v4.0": "v4.0"}.get((runtime or _SCHEMA_RUNTIME).strip(), "v4.0")
    bitness = 32 if (pool.enable_32bit or "").strip().casefold() == "true" else 64
    return pool.name, framework, bitness


def map_url(apphost: AppHost, site: Site, segments: Iterable[str]) -> str:
    """Physical directory of a URL path below the site.

    IIS picks the application first, then the longest virtual directory of that application; an
    application without a matching virtual directory (odd, but seen) falls back to the longest
    matching virtual directory anywhere in the site.
    """
    segments = tuple(segments)
    app = site.application(segments)
    candidates = _vdir_matches([app] if app else [], segments) or _vdir_matches(site.applications, segments)
    if not candidates:
        raise ConfigError(apphost.path, f"site {site.name!r}: no virtual directory serves /{'/'.join(segments)}")
    length, vdir = max(candidates, key=lambda c: c[0])
    if not vdir.physical_path.strip():
        raise ConfigError(apphost.path, f"site {site.name!r}: a virtual directory has no physicalPath")
    base = apphost.layout.expand(vdir.physical_path, apphost.path)
    # A share no image_shares entry maps stays a UNC path, which the image transport refuses by name.
    return win_join(apphost.layout.locate(base) or base, *segments[length:])


def _vdir_matches(applications: Iterable[Application], segments: tuple[str, ...]) -> list:
    """(matched URL length, vdir) for every virtual directory whose full URL prefixes segments."""
    matches = []
    for app in applications:
        for vdir in app.vdirs:
            full = app.path + vdir.path
            if segments_start_with(segments, full):
                matches.append((len(full), vdir))
    return matches


def physical_path(apphost: AppHost, site_name: str, url_path: str) -> str:
    """Physical directory of url_path ('/shop/img' or 'shop/img') in the named site."""
    return map_url(apphost, apphost.site(site_name), url_segments(url_path))


__all__ = [
    "APPHOST_CONFIG",
    "DEFAULT_ENVIRONMENT",
    "IMAGE",
    "Layout",
    "image_environment",
    "AppHost",
    "Application",
    "Pool",
    "Site",
    "VirtualDirectory",
    "expand_variables",
    "map_url",
    "parse_apphost",
    "physical_path",
    "pool_settings",
    "same_segments",
    "segments_start_with",
    "url_segments",
    "win_dirname",
    "win_join",
    "win_normpath",
    "win_same_path",
]
