"""The ASP.NET State Service (``aspnet_state``) on a Windows host: query once, change only what differs.

Private to the iis.aspnet collection: not a public API.

Facts this relies on (docs/aspnet-facts.md 5, and the sources of ansible.windows 3.3):

- ``win_service`` with only ``name`` changes nothing and reports the service (``exists``, ``state``,
  ``start_mode``...); given ``path`` for a missing service it creates it, and given ``path`` for an
  existing one it repoints it, so ``path`` is sent only to create.
- ``Parameters\\Port`` (DWORD, 42424 when absent) and ``Parameters\\AllowRemoteConnection`` (DWORD,
  0 or absent = loopback only) are read by the service only when it starts.
- A service created without a start mode would get New-Service's Automatic; Windows itself installs
  aspnet_state as Manual, so that is what a creation without ``start_mode`` asks for.
- The run-as account of a created service: NT AUTHORITY\\NetworkService (see ACCOUNT).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from ansible_collections.iis.aspnet.plugins.plugin_utils.base import _spec
from ansible_collections.iis.aspnet.plugins.plugin_utils.base._errors import OptionError
from ansible_collections.iis.aspnet.plugins.plugin_utils.host._transport import (
    IMAGE_ROOT_REQUIRED, Execute, ModuleRunner, TransportError, failure_message)

SERVICE = "aspnet_state"
DISPLAY_NAME = "ASP.NET State Service"
PARAMETERS_KEY = r"HKLM:\SYSTEM\CurrentControlSet\Services\aspnet_state\Parameters"
# Least privilege for a network listener without authentication. The account of the shipped
# service is not documented (NetworkService is believed; one report shows LocalSystem, which is
# also win_service's default for a new service). The account of an existing service is never touched.
ACCOUNT = r"NT AUTHORITY\NetworkService"
DEFAULT_PORT = 42424
CREATED_START_MODE = "manual"

WIN_SERVICE = "ansible.windows.win_service"
WIN_REG_STAT = "ansible.windows.win_reg_stat"
WIN_REGEDIT = "ansible.windows.win_regedit"

STATES, START_MODES = _spec.SERVICE_STATES, _spec.SERVICE_START_MODES  # the state_service option's values
# Option -> registry value under PARAMETERS_KEY.
REGISTRY_VALUES = {"port": "Port", "allow_remote_connection": "AllowRemoteConnection"}
# Hosts the service accepts while AllowRemoteConnection is off ("loopback" is the schema default's).
LOOPBACK_HOSTS = ("localhost", "loopback", "127.0.0.1", "::1")


class ServiceError(TransportError):
    """A module call about the service failed; names the service, the step and the module's msg."""


def service_binary(framework_version: str, bitness_list) -> str:
    """aspnet_state.exe of the framework: the Framework64 copy when 64 is in ``bitness_list``."""
    if framework_version not in _spec.FRAMEWORKS:
        raise OptionError("framework_version", f"{framework_version!r} is not one of {', '.join(_spec.FRAMEWORKS)}")
    folder = _spec.BITNESS_DIRS[64 if 64 in (bitness_list or ()) else 32]
    # The Windows folder as the host names it: win_service expands variables in path on the host
    # before it creates the service (win_service.ps1, ExpandEnvironmentVariables).
    return rf"%windir%\Microsoft.NET\{folder}\{_spec.FRAMEWORKS[framework_version]}\aspnet_state.exe"


@dataclass
class ServiceResult:
    """The service as it is after the run (in check mode: as it would be). None = not known."""

    name: str = SERVICE
    exists: bool | None = None
    state: str | None = None  # started, stopped, or win_service's word for a pending state
    start_mode: str | None = None
    port: int | None = None  # in effect per the registry; None when the registry was not read
    allow_remote_connection: bool | None = None
    changed: bool = False

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class Desired:
    """state_service, checked. ``state`` None in the options means present (exists, run state left)."""

    state: str = "present"
    start_mode: str | None = None
    port: int | None = None
    allow_remote_connection: bool | None = None
    restart: bool = True

    def registry(self) -> dict[str, int]:
        """Registry value name -> DWORD data, for the values this run manages."""
        values = {}
        if self.port is not None:
            values["Port"] = self.port
        if self.allow_remote_connection is not None:
            values["AllowRemoteConnection"] = int(self.allow_remote_connection)
        return values


def desired_service(options: dict | None) -> Desired:
    """Check the state_service suboptions; raises OptionError naming the first bad one."""
    options = options or {}
    want = Desired(
        state=options.get("state") or "present",
        start_mode=options.get("start_mode"),
        port=options.get("port"),
        allow_remote_connection=options.get("allow_remote_connection"),
        restart=options.get("restart") is not False,
    )
    _check_desired(want)
    return want


def _check_desired(want: Desired) -> None:
    if want.state not in STATES:
        raise OptionError("state_service.state", f"{want.state!r} is not one of {', '.join(STATES)}")
    if want.start_mode is not None and want.start_mode not in START_MODES:
        raise OptionError("state_service.start_mode", f"{want.start_mode!r} is not one of {', '.join(START_MODES)}")
    port = want.port
    if port is not None and (isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535):
        raise OptionError("state_service.port", f"{port!r} is not a TCP port from 1 to 65535 (the service refuses others)")
    if want.allow_remote_connection is not None and not isinstance(want.allow_remote_connection, bool):
        raise OptionError("state_service.allow_remote_connection", "must be a boolean")
    if want.state == "started" and want.start_mode == "disabled":
        raise OptionError("state_service", "state started cannot hold with start_mode disabled (Windows will not start it)")


@dataclass(frozen=True)
class Observed:
    """What the query calls found."""

    exists: bool
    state: str | None = None
    start_mode: str | None = None
    values: dict[str, tuple[str | None, object]] | None = None  # casefolded name -> (type, value); None: not read


@dataclass
class Step:
    """One changing module call."""

    module: str
    args: dict
    what: str  # for the error message: which step failed


@dataclass
class Plan:
    """The changing calls, in order, and the service as they leave it."""

    steps: list[Step] = field(default_factory=list)
    result: ServiceResult = field(default_factory=ServiceResult)
    warnings: list[str] = field(default_factory=list)


def observe(service: dict, registry: dict | None) -> Observed:
    """Read the win_service query result and the win_reg_stat result (None when not asked)."""
    values = None if registry is None else _registry_values(registry)
    if not service.get("exists"):
        return Observed(exists=False, values=values)
    state = service.get("state")
    # win_service says "running"; the options (and this result) say "started".
    return Observed(True, "started" if state == "running" else state, service.get("start_mode"), values)


def _registry_values(result: dict) -> dict[str, tuple[str | None, object]]:
    properties = result.get("properties") if result.get("exists") else None
    # Registry value names are case-insensitive.
    return {name.casefold(): (info.get("type"), info.get("value")) for name, info in (properties or {}).items() if isinstance(info, dict)}


def _dword(values: dict, name: str) -> int | None:
    kind, value = values.get(name.casefold(), (None, None))
    return value if kind == "REG_DWORD" and isinstance(value, int) and not isinstance(value, bool) else None


def _in_line(values: dict, name: str, data: int) -> bool:
    """Whether the registry already gives the service ``data`` (an absent value means its default)."""
    current = _dword(values, name)
    if name.casefold() not in values:
        return data == {"Port": DEFAULT_PORT, "AllowRemoteConnection": 0}[name]
    if name == "AllowRemoteConnection":
        return current is not None and bool(current) == bool(data)
    return current == data


def effective_registry(values: dict | None) -> tuple[int | None, bool | None]:
    """(port, allow_remote_connection) the service uses at its next start, from registry values."""
    if values is None:
        return None, None
    port = _dword(values, "Port")
    allow = _dword(values, "AllowRemoteConnection")
    return (port if port is not None and 1 <= port <= 65535 else DEFAULT_PORT), bool(allow)


def plan_service(want: Desired, seen: Observed, binary: str, check_mode: bool = False) -> Plan:
    """The calls that bring the service in line: create, registry values, then start mode and state.

    The state comes last, as win_service itself orders it, so a start reads the new registry values.
    """
    values = dict(seen.values) if seen.values is not None else None
    writes = {name: data for name, data in want.registry().items() if not _in_line(values or {}, name, data)}
    plan = Plan()
    if seen.exists:
        state = _state_change(plan, want, seen, list(writes), check_mode)
    else:
        state = _plan_create(plan, want, binary, bool(writes))
    plan.steps.extend(_registry_step(name, data) for name, data in writes.items())
    start_mode = want.start_mode if seen.exists and want.start_mode not in (None, seen.start_mode) else None
    _plan_update(plan, start_mode, state)
    for name, data in writes.items():
        values[name.casefold()] = ("REG_DWORD", data)
    plan.result = ServiceResult(SERVICE, True, _final_state(want, seen, state), want.start_mode or seen.start_mode or CREATED_START_MODE,
                                *effective_registry(values), changed=bool(plan.steps))
    return plan


def _final_state(want: Desired, seen: Observed, state: str | None) -> str | None:
    if not seen.exists:
        return "started" if want.state == "started" else "stopped"  # New-Service leaves it stopped
    if state is None:
        return seen.state
    return "started" if state == "restarted" else state


def _plan_create(plan: Plan, want: Desired, binary: str, writes_pending: bool) -> str | None:
    """Append the creation; returns the state still to ask for afterwards."""
    args = {"name": SERVICE, "path": binary, "display_name": DISPLAY_NAME, "username": ACCOUNT,
            "start_mode": want.start_mode or CREATED_START_MODE}
    later = None
    if want.state == "started":
        # Start in the same call, unless registry values must be written first (read at start).
        if writes_pending:
            later = "started"
        else:
            args["state"] = "started"
    plan.steps.append(Step(WIN_SERVICE, args, f"create from {binary}"))
    return later


def _registry_step(name: str, data: int) -> Step:
    args = {"path": PARAMETERS_KEY, "name": name, "data": data, "type": "dword"}
    return Step(WIN_REGEDIT, args, f"set {PARAMETERS_KEY}\\{name} to {data}")


def _state_change(plan: Plan, want: Desired, seen: Observed, writes: list[str], check_mode: bool) -> str | None:
    """The state to ask win_service for ("restarted" when new registry values need a start), or None."""
    running = seen.state == "started"
    if want.state == "stopped":
        return None if seen.state == "stopped" else "stopped"
    if writes and running:
        return _restart_or_defer(plan, want, " and ".join(writes), want.start_mode or seen.start_mode, check_mode)
    if want.state != "started" or running:
        return None
    if (want.start_mode or seen.start_mode) == "disabled":
        raise ServiceError(f"service {SERVICE}", "is disabled, so it cannot be started: set state_service.start_mode")
    return "started"


def _restart_or_defer(plan: Plan, want: Desired, names: str, mode: str | None, check_mode: bool) -> str | None:
    """Restart a running service so it reads the values just written, or warn that they wait."""
    if not want.restart or mode == "disabled":
        why = "state_service.restart is false" if not want.restart else "its start mode is disabled"
        plan.warnings.append(f"{SERVICE} reads {names} only when it starts and is not restarted ({why}): "
                             "the new values apply at its next start")
        return None
    verb = "would be restarted" if check_mode else "was restarted"
    plan.warnings.append(f"{SERVICE} {verb} to apply {names} (read only at start): sessions held by the "
                         "State Service (mode StateServer) are lost")
    return "restarted"


def _plan_update(plan: Plan, start_mode: str | None, state: str | None) -> None:
    """At most one more win_service call: the start mode and state of an existing (or new) service."""
    args: dict = {"name": SERVICE}
    if start_mode is not None:
        args["start_mode"] = start_mode
    if state is not None:
        args["state"] = state
    if len(args) > 1:
        what = "set " + ", ".join(f"{key} {value}" for key, value in args.items() if key != "name")
        plan.steps.append(Step(WIN_SERVICE, args, what))


class ServiceManager(ModuleRunner):
    """Ensures aspnet_state through win_service / win_reg_stat / win_regedit; counts calls in ``calls``."""

    def ensure(self, desired: dict | None, framework_version: str, bitness, check_mode: bool) -> tuple[ServiceResult, list[str]]:
        """Query, then (unless check mode) send only the changes; returns the result and warnings."""
        want = desired_service(desired)
        if want.state == "ignore":
            return ServiceResult(), []
        binary = service_binary(framework_version, bitness)
        plan = plan_service(want, self._observe(want), binary, check_mode)
        if not check_mode and plan.steps:
            self._apply(plan)
        return plan.result, plan.warnings + self.warnings

    def _observe(self, want: Desired) -> Observed:
        service = self._step(Step(WIN_SERVICE, {"name": SERVICE}, "query"))
        registry = None
        if want.registry():
            registry = self._step(Step(WIN_REG_STAT, {"path": PARAMETERS_KEY}, f"read {PARAMETERS_KEY}"))
        return observe(service, registry)

    def _apply(self, plan: Plan) -> None:
        """Send the steps; the result then reports what the modules say happened."""
        changed = False
        reported = None
        for step in plan.steps:
            result = self._step(step)
            changed = changed or bool(result.get("changed"))
            if step.module == WIN_SERVICE and result.get("exists"):
                reported = observe(result, None)
        plan.result.changed = changed
        if reported is not None:
            plan.result.state = reported.state
            plan.result.start_mode = reported.start_mode or plan.result.start_mode

    def _step(self, step: Step) -> dict:
        result = self._call(step.module, step.args)
        reason = failure_message(result)
        if reason is not None:
            raise ServiceError(f"service {SERVICE}", f"{step.what}: {step.module} failed: {reason}")
        return result


def mode_warnings(mode_in_effect: str | None, service: ServiceResult, state_connection_string: str | None) -> list[str]:
    """Warnings about how the session-state mode in effect and the service fit together."""
    if service.exists is None or mode_in_effect is None:
        return []  # the service was left alone: nothing known about it
    if mode_in_effect != "StateServer":
        return [f"mode {mode_in_effect} does not use the ASP.NET State Service ({SERVICE}); it is ensured anyway, "
                "as state_service asks"]
    warnings = []
    if service.state != "started" or service.start_mode in ("disabled", "manual"):
        warnings.append(f"mode StateServer with {SERVICE} {service.state or 'absent'} (start mode {service.start_mode}): "
                        "sessions fail whenever it is not running, unless stateConnectionString names another server")
    return warnings + _connection_warnings(service, state_connection_string)


def _connection_warnings(service: ServiceResult, text: str | None) -> list[str]:
    address = _server_address(text if text is not None else _spec.attribute("state_connection_string").default)
    if address is None:
        return []  # a <connectionStrings> name, a registry: reference, or a string the spec refuses
    host, port = address
    if host.lower() not in LOOPBACK_HOSTS:
        if service.allow_remote_connection is False:
            return [f"stateConnectionString names {host}, not localhost: if that is this server, {SERVICE} refuses the "
                    "connection because allow_remote_connection is off"]
        return []
    if service.port is not None and port != service.port:
        return [f"stateConnectionString connects to port {port}, but {SERVICE} listens on {service.port}"]
    return []


def _server_address(text: str) -> tuple[str, int] | None:
    if _spec.is_registry(text) or _spec.state_connection_problem(text) is not None:
        return None
    rest = text[len("tcpip="):]
    host, port = (rest[1:].split("]:", 1) if rest.startswith("[") else rest.split(":", 1))
    return host, int(port)


# --- the service step of a run ----------------------------------------------------------------

# What session_state asks of the service on a Windows host when state_service leaves it unsaid.
WINDOWS_DEFAULT = {"state": "started", "start_mode": "auto"}
# The info module's service facts on an image host.
NOT_APPLICABLE = {"name": SERVICE, "applicable": False, "reason": "image host: there is no Windows service manager to ask"}


def run_options(options: dict | None, windows: bool, image_root: str | None) -> dict:
    """``state_service`` as the run applies it, refused before any file is touched when it cannot be."""
    if windows:
        options = {**WINDOWS_DEFAULT, **{key: value for key, value in (options or {}).items() if value is not None}}
        desired_service(options)
        return options
    if image_root is None:
        raise OptionError("image_root", IMAGE_ROOT_REQUIRED)
    if options and options.get("state") not in (None, "ignore"):
        raise OptionError("state_service", "an image host has no Windows service manager: use state_service: {state: ignore}")
    return {"state": "ignore"}


def ensure_for_run(options: dict, execute: Execute, framework_version: str, bitness, settings: dict,
                   check_mode: bool) -> tuple[ServiceResult | None, list[str]]:
    """The service as the run wants it, with warnings on how it fits the mode in effect (None: left alone)."""
    if options["state"] == "ignore":
        return None, []
    service, warnings = ServiceManager(execute).ensure(options, framework_version, bitness, check_mode)
    mode = settings.get(("sessionState", "mode"))
    connection = settings.get(("sessionState", "stateConnectionString"))
    return service, warnings + mode_warnings(mode, service, connection)


def query(execute: Execute) -> tuple[ServiceResult, dict]:
    """aspnet_state and its Parameters registry values, queried only (one or two module calls)."""
    found = _queried(execute, WIN_SERVICE, {"name": SERVICE})
    registry = _queried(execute, WIN_REG_STAT, {"path": PARAMETERS_KEY}) if found.get("exists") else None
    seen = observe(found, registry)
    port, allow = effective_registry(seen.values)
    service = ServiceResult(exists=seen.exists, state=seen.state, start_mode=seen.start_mode, port=port,
                            allow_remote_connection=allow)
    facts = {key: value for key, value in service.as_dict().items() if key != "changed"}
    facts.update(applicable=True, binary=found.get("path") if seen.exists else None)
    return service, facts


def _queried(execute: Execute, module: str, args: dict) -> dict:
    result = execute(module, args)
    reason = failure_message(result)
    if reason is not None:
        raise ServiceError(f"service {SERVICE}", f"query: {module} failed: {reason}")
    return result


__all__ = [
    "SERVICE", "DISPLAY_NAME", "PARAMETERS_KEY", "ACCOUNT", "DEFAULT_PORT", "CREATED_START_MODE", "WIN_SERVICE",
    "WIN_REG_STAT", "WIN_REGEDIT", "STATES", "START_MODES", "REGISTRY_VALUES", "LOOPBACK_HOSTS", "ServiceError",
    "service_binary", "ServiceResult", "Desired", "desired_service", "Observed", "Step", "Plan", "observe",
    "effective_registry", "plan_service", "ServiceManager", "mode_warnings", "WINDOWS_DEFAULT", "NOT_APPLICABLE",
    "run_options", "ensure_for_run", "query",
]
