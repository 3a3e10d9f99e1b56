# Copyright: contributors to the iis.aspnet collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test-only action ``session_state_race``: iis.aspnet.session_state with another writer.

Private to the iis.aspnet collection's tests (found through ANSIBLE_ACTION_PLUGINS). Everything
is the real action plugin; only the module executor is wrapped: just before the compare-and-swap
call (``iis.aspnet.image_file`` with ``op: swap``) that names the image file in the host variable
``race_path``, it appends ``race_bytes`` to that file (creating it when absent), as another
writer on the host would between the run's read and its write.
"""

from __future__ import annotations

from ansible_collections.iis.aspnet.plugins.action.session_state import ActionModule as SessionStateAction


class ActionModule(SessionStateAction):
    def _execute_module(self, module_name=None, module_args=None, *args, **kwargs):
        task_vars = kwargs.get("task_vars") or {}
        target = task_vars.get("race_path")
        if (target and module_name == "iis.aspnet.image_file" and (module_args or {}).get("op") == "swap"
                and any(item["path"] == target for item in module_args["files"]) and not getattr(self, "_raced", False)):
            self._raced = True
            with open(target, "ab") as handle:
                handle.write(task_vars["race_bytes"].encode("utf-8"))
        return super()._execute_module(module_name, module_args, *args, **kwargs)
