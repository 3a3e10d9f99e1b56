# Copyright: contributors to the iis.aspnet collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin for iis.aspnet.session_state: the options in, the engine's run (run/_apply), the result out."""

from __future__ import annotations

from ansible_collections.iis.aspnet.plugins.action import EngineAction
from ansible_collections.iis.aspnet.plugins.plugin_utils.base import _spec
from ansible_collections.iis.aspnet.plugins.plugin_utils.run import _apply


class ActionModule(EngineAction):
    ARGUMENT_SPEC = _spec.module_spec("session_state")

    def act(self, args, access):
        return _apply.session_state(args, access, given=self._given(), check_mode=bool(self._task.check_mode),
                                    diff=bool(self._task.diff))
