# Copyright: contributors to the iis.aspnet collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The base of the collection's action plugins: everything an action does besides naming its run.

Private to the iis.aspnet collection: not a public API.

The engine (plugins/plugin_utils) knows nothing of Ansible; this base is the one place that
does, for all three modules: the options validated from the module's argument spec, the host's
family and its two ways in (run a module, upload bytes to the remote temp dir, made on the first
upload only), the engine's refusals turned into a failed result, every message masked and every
``no_log`` value removed, and the remote temp dir removed at the end.
"""

from __future__ import annotations

from ansible.errors import AnsibleActionFail
from ansible.module_utils.common.parameters import remove_values
from ansible.plugins.action import ActionBase

from ansible_collections.iis.aspnet.plugins.plugin_utils.base import _mask
from ansible_collections.iis.aspnet.plugins.plugin_utils.base._errors import EngineError, PartialWrite
from ansible_collections.iis.aspnet.plugins.plugin_utils.host._transport import HostAccess


class EngineAction(ActionBase):
    """An action whose work is one engine call, ``act(args, access)``."""

    ARGUMENT_SPEC: dict = {}
    READ_ONLY = False  # True: never uploads, never changes anything
    TRANSFERS_FILES = False  # the remote temp dir is made only when a write needs it
    _supports_check_mode = True
    _supports_async = False

    def act(self, args: dict, access: HostAccess) -> dict:
        raise NotImplementedError

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp  # unused: ActionBase manages the temp dir
        hidden = set()
        try:
            validation, args = self.validate_argument_spec(argument_spec=self.ARGUMENT_SPEC)
            hidden = hidden_values(validation._no_log_values)  # pylint: disable=protected-access
            result.update(self.act(args, self._access(task_vars or {})))
        except PartialWrite as exc:
            # Some files did change (and their applications restarted): a failed run must say so.
            result.update(failed=True, changed=True, msg=_mask.mask(str(exc)), files=[
                {"path": path, "changed": True, "backup_file": backup} for path, backup in exc.written.items()])
        except (EngineError, AnsibleActionFail) as exc:
            result.update(failed=True, msg=_mask.mask(str(exc)))
        finally:
            self._remove_tmp_path(self._connection._shell.tmpdir)
        if self.READ_ONLY:
            result["changed"] = False
        return remove_values(result, hidden)

    def _access(self, task_vars: dict) -> HostAccess:
        def execute(module: str, module_args: dict) -> dict:
            return self._execute_module(module_name=module, module_args=module_args, task_vars=task_vars)

        windows = getattr(self._connection._shell, "_IS_WINDOWS", False)
        return HostAccess(windows, execute, self._refuse_upload if self.READ_ONLY else self._put,
                          environment=host_environment(task_vars) if windows else None)

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

    def _refuse_upload(self, data: bytes) -> str:
        raise AnsibleActionFail(f"{self._task.action.split('.')[-1]} never writes (refused an upload of {len(data)} bytes)")

    def _given(self) -> list[str]:
        """The options the task itself sets (not defaults)."""
        return [name for name, value in self._task.args.items() if value is not None]


def host_environment(task_vars: dict) -> dict | None:
    """The host's environment variables from its gathered facts (setup's env subset), or None."""
    facts = task_vars.get("ansible_facts")
    environment = facts.get("env") if isinstance(facts, dict) else None
    return dict(environment) if isinstance(environment, dict) and environment else None


def hidden_values(no_log_values) -> set[str]:
    """The no_log values, and the passwords inside them, which may also appear alone in a file
    (another attribute, a comment: a context line of the diff)."""
    values = {str(value) for value in no_log_values}
    return values.union(*(_mask.secret_values(value) for value in values))
