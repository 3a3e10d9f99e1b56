# Copyright: contributors to the iis.aspnet collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin for iis.aspnet.session_state_stig: the options in, the engine's read-only audit (run/_inspect), the result out."""

from __future__ import annotations

from ansible_collections.iis.aspnet.plugins.action import EngineAction
from ansible_collections.iis.aspnet.plugins.plugin_utils.base import _spec
from ansible_collections.iis.aspnet.plugins.plugin_utils.run import _inspect


class ActionModule(EngineAction):
    ARGUMENT_SPEC = _spec.module_spec("session_state_stig")
    READ_ONLY = True

    def act(self, args, access):
        return _inspect.stig(args, access)
