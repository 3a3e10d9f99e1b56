# Copyright: contributors to the iis.aspnet collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin for iis.aspnet.session_state: thin glue around the controller-side engine.

Arguments in, then the engine's run (targets -> read -> plan), then, unless in check mode,
compare-and-swap writes and the state service, then the result. All remote I/O goes through
well-kept modules, called directly with ``_execute_module``.
"""

from __future__ import annotations

from ansible.errors import AnsibleActionFail
from ansible.module_utils.common.parameters import remove_values
from ansible.plugins.action import ActionBase

from ansible_collections.iis.aspnet.plugins.action.session_state_info import host_transport
from ansible_collections.iis.aspnet.plugins.plugin_utils.base import _mask, _spec
from ansible_collections.iis.aspnet.plugins.plugin_utils.host import _service, _transport
from ansible_collections.iis.aspnet.plugins.plugin_utils.report import _report
from ansible_collections.iis.aspnet.plugins.plugin_utils.run import _session
from ansible_collections.iis.aspnet.plugins.plugin_utils.base._errors import EngineError, OptionError, PartialWrite

WINDOWS_SERVICE_DEFAULT = {"state": "started", "start_mode": "auto"}


class ActionModule(ActionBase):
    TRANSFERS_FILES = False  # the remote temp dir is made only when a write needs it
    _supports_check_mode = True
    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp  # unused: ActionBase manages the temp dir
        no_log_values = set()
        try:
            validation, args = self.validate_argument_spec(argument_spec=_spec.module_spec("session_state"))
            no_log_values = hidden_values(validation._no_log_values)  # pylint: disable=protected-access
            result.update(self._apply(args, task_vars or {}))
        except PartialWrite as exc:
            # Some files did change (and their applications restarted): a failed run must say so.
            result.update(failed=True, changed=True, msg=_mask.mask(str(exc)), files=[
                {"path": path, "changed": True, "backup_file": backup} for path, backup in exc.written.items()])
        except (EngineError, AnsibleActionFail) as exc:
            result.update(failed=True, msg=_mask.mask(str(exc)))
        finally:
            self._remove_tmp_path(self._connection._shell.tmpdir)
        return remove_values(result, no_log_values)

    def _apply(self, args: dict, task_vars: dict) -> dict:
        windows = getattr(self._connection._shell, "_IS_WINDOWS", False)
        service_options = self._service_options(args, windows)
        execute = self._executor(task_vars)
        transport = self._transport(args, windows, execute)
        run = _session.plan_run(args, transport, given=[name for name, value in self._task.args.items() if value is not None])
        check_mode = bool(self._task.check_mode)
        backups = {} if check_mode else self._write(run, transport, args["backup"])
        service, warnings = self._service(service_options, args, run, execute, check_mode)
        outcome = _report.run_result(run, backups, service, commit=args.get("commit"), site=args.get("site"))
        outcome["warnings"] = run.warnings + transport.warnings + warnings
        if self._task.diff:
            outcome["diff"] = _report.prepared_diffs(run.files)
        outcome["changed"] = run.changed or bool(service and service.changed)
        return outcome

    def _service_options(self, args: dict, windows: bool) -> dict:
        options = args.get("state_service")
        if windows:
            options = {**WINDOWS_SERVICE_DEFAULT, **{k: v for k, v in (options or {}).items() if v is not None}}
            _service.desired_service(options)  # refuse bad values before any file is touched
            return options
        if args.get("image_root") is None:
            raise OptionError("image_root", "required on a host that is not Windows: it names the directory holding the Windows tree")
        if options and options.get("state") not in (None, "ignore"):
            raise OptionError("state_service", "an image host has no Windows service manager: use state_service: {state: ignore}")
        return {"state": "ignore"}

    def _executor(self, task_vars: dict):
        """The one way the engine runs a module on the host."""
        def execute(module: str, module_args: dict) -> dict:
            return self._execute_module(module_name=module, module_args=module_args, task_vars=task_vars)

        return execute

    def _transport(self, args: dict, windows: bool, execute):
        return host_transport(args, windows, execute, self._put)

    def _put(self, data: bytes) -> str:
        """Upload bytes to the remote temp dir, made on the first call only."""
        shell = self._connection._shell
        if shell.tmpdir is None:
            self._make_tmp_path()
        self._put_count = getattr(self, "_put_count", 0) + 1
        remote = shell.join_path(shell.tmpdir, f"session_state_{self._put_count}")
        self._transfer_data(remote, data)
        self._fixup_perms2((shell.tmpdir, remote))
        return remote

    @staticmethod
    def _write(run: _session.RunPlan, transport, backup: bool) -> dict[str, str | None]:
        """Compare and swap: every changed file must still be as read before any is written."""
        writes = [_transport.Write(plan.path, None if plan.created else plan.before, plan.after) for plan in run.files if plan.changed]
        return transport.commit(writes, backup) if writes else {}

    @staticmethod
    def _service(options: dict, args: dict, run, execute, check_mode: bool):
        if options["state"] == "ignore":
            return None, []
        manager = _service.ServiceManager(execute)
        framework = args.get("framework_version") or "v4.0"
        service, warnings = manager.ensure(options, framework, args.get("bitness") or [64, 32], check_mode)
        mode = run.settings.get(("sessionState", "mode"))
        connection = run.settings.get(("sessionState", "stateConnectionString"))
        return service, warnings + _service.mode_warnings(mode, service, connection)


def hidden_values(no_log_values) -> set[str]:
    """The no_log values, and the passwords inside them, which may also appear alone in a file
    (another attribute, a comment: a context line of the diff)."""
    values = {str(value) for value in no_log_values}
    return values.union(*(_mask.secret_values(value) for value in values))
