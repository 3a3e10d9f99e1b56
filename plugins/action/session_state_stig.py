# Copyright: contributors to the iis.aspnet collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin for iis.aspnet.session_state_stig: the options in, the engine's read-only audit (run/_inspect), the result out."""

from __future__ import annotations

from ansible_collections.iis.aspnet.plugins.action import EngineAction
from ansible_collections.iis.aspnet.plugins.plugin_utils.audit import _stig
from ansible_collections.iis.aspnet.plugins.plugin_utils.run import _inspect


class ActionModule(EngineAction):
    ARGUMENT_SPEC = {
        "profile": {"type": "str", "default": "stig_iis10", "choices": list(_stig.PROFILES)},
        "exceptions": {"type": "list", "elements": "dict", "default": [], "options": {
            "site": {"type": "str"},
            "kind": {"type": "str", "required": True, "choices": list(_stig.EXCEPTION_KINDS)},
            "justification": {"type": "str", "required": True},
            "rules": {"type": "list", "elements": "str"},
        }},
        "server": {"type": "dict", "default": {}},
        "declared": {"type": "list", "elements": "dict", "default": []},
        "image_root": {"type": "path"},
        "image_environment": {"type": "dict"},
        "image_shares": {"type": "dict"},
    }
    READ_ONLY = True

    def act(self, args, access):
        return _inspect.stig(args, access)
