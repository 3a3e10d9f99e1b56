# Copyright: contributors to the iis.aspnet collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin for iis.aspnet.session_state_info: the session state in effect, read-only.

Reads each configuration file once (the run's FileCache) through the same transports as
iis.aspnet.session_state, queries the aspnet_state service on Windows hosts, and hands the
merge to ``_effective``. It never writes and never makes a remote temp dir.
"""

from __future__ import annotations

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

from ansible_collections.iis.aspnet.plugins.plugin_utils.audit import _effective
from ansible_collections.iis.aspnet.plugins.plugin_utils.base import _mask, _spec
from ansible_collections.iis.aspnet.plugins.plugin_utils.host import _service, _transport
from ansible_collections.iis.aspnet.plugins.plugin_utils.run import _session
from ansible_collections.iis.aspnet.plugins.plugin_utils.server import _levels
from ansible_collections.iis.aspnet.plugins.plugin_utils.base._errors import EngineError, OptionError

ARGUMENT_SPEC = _spec.module_spec("session_state_info")
NOT_APPLICABLE = {"name": _service.SERVICE, "applicable": False,
                  "reason": "image host: there is no Windows service manager to ask"}


class ActionModule(ActionBase):
    ARGUMENT_SPEC = ARGUMENT_SPEC
    TRANSFERS_FILES = False
    _supports_check_mode = True
    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp  # unused: nothing is uploaded
        try:
            _validation, args = self.validate_argument_spec(argument_spec=self.ARGUMENT_SPEC)
            result.update(self._result(args, task_vars or {}))
        except (EngineError, AnsibleActionFail) as exc:
            result.update(failed=True, msg=_mask.mask(str(exc)))
        result["changed"] = False
        return result

    def _result(self, args: dict, task_vars: dict) -> dict:
        return self._report(args, task_vars)

    def _report(self, args: dict, task_vars: dict) -> dict:
        windows = getattr(self._connection._shell, "_IS_WINDOWS", False)
        sites = site_list(args.get("site"))
        cache = _session.FileCache(self._transport(args, windows, task_vars))
        apphost, apphost_doc = _session.read_apphost(cache, required=sites is not None)
        service = None
        facts = None
        if windows and args["include_service"]:
            service, facts = query_service(self._executor(task_vars))
        elif not windows and args["include_service"]:
            facts = dict(NOT_APPLICABLE)
        report = _effective.build_report(
            cache.doc, apphost, apphost_doc, sites=sites,
            frameworks=[args["framework_version"]] if args.get("framework_version") else list(_spec.FRAMEWORKS),
            bitnesses=args.get("bitness") or list(_levels.DEFAULT_BITNESS),
            explicit=bool(args.get("framework_version") or args.get("bitness")), service=service,
            folders=args.get("folders", True), layout=_session.layout_of(cache.host))
        return {**report, "service": facts, "files_read": cache.reads}

    def _executor(self, task_vars: dict):
        def execute(module: str, module_args: dict) -> dict:
            return self._execute_module(module_name=module, module_args=module_args, task_vars=task_vars)
        return execute

    def _transport(self, args: dict, windows: bool, task_vars: dict):
        return host_transport(args, windows, self._executor(task_vars), refuse_upload)


def host_transport(args: dict, windows: bool, execute, put) -> _transport.Transport:
    """The transport of the host's family, with its layout (where Windows is, how paths expand)."""
    image_options = [name for name in ("image_root", "image_environment", "image_shares") if args.get(name)]
    if windows:
        if image_options:
            raise OptionError(image_options[0], "is for POSIX hosts holding a Windows tree; on a Windows host leave it out")
        transport = _transport.WindowsTransport(execute, put)
        transport.layout = _levels.Layout.windows()
        return transport
    if not args.get("image_root"):
        raise OptionError("image_root", "required on a host that is not Windows: it names the directory holding the Windows tree")
    transport = _transport.ImageTransport(execute, put, args["image_root"])
    transport.layout = _levels.Layout.image(args.get("image_environment"), args.get("image_shares"))
    return transport


def refuse_upload(data: bytes) -> str:
    raise AnsibleActionFail(f"session_state_info never writes (refused an upload of {len(data)} bytes)")


def site_list(value) -> list[str] | None:
    """``site`` as a list of normalised config paths (None: every site and application)."""
    if value is None:
        return None
    values = value if isinstance(value, list) else [value]
    if not values or not all(isinstance(item, str) for item in values):
        raise OptionError("site", "must be a site or application path, or a non-empty list of them")
    return [_levels.normalise_site(item) for item in values]


def query_service(execute) -> tuple[_service.ServiceResult, dict]:
    """aspnet_state and its Parameters registry values, queried only (one or two module calls)."""
    found = _checked(execute, _service.WIN_SERVICE, {"name": _service.SERVICE})
    registry = _checked(execute, _service.WIN_REG_STAT, {"path": _service.PARAMETERS_KEY}) if found.get("exists") else None
    seen = _service.observe(found, registry)
    port, allow = _service.effective_registry(seen.values)
    service = _service.ServiceResult(exists=seen.exists, state=seen.state, start_mode=seen.start_mode, port=port,
                                     allow_remote_connection=allow)
    facts = {key: value for key, value in service.as_dict().items() if key != "changed"}
    facts.update(applicable=True, binary=found.get("path") if seen.exists else None)
    return service, facts


def _checked(execute, module: str, args: dict) -> dict:
    result = execute(module, args)
    reason = _transport.failure_message(result)
    if reason is not None:
        raise _service.ServiceError(f"service {_service.SERVICE}", f"query: {module} failed: {reason}")
    return result
