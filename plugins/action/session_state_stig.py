# Copyright: contributors to the iis.aspnet collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin for iis.aspnet.session_state_stig: the DISA IIS STIG session-state audit, read-only.

Reads the host exactly as iis.aspnet.session_state_info does (each file once, nothing written,
no service query: no rule looks at the service) and hands the report to ``_stig``.
"""

from __future__ import annotations

from ansible_collections.iis.aspnet.plugins.action.session_state_info import ActionModule as InfoAction
from ansible_collections.iis.aspnet.plugins.plugin_utils.audit import _stig
from ansible_collections.iis.aspnet.plugins.plugin_utils.base import _mask, _spec

# The info report the rules are judged on: every level; no service facts and no folder web.config
# files (no rule looks at them), so the audit reads nothing it does not judge.
REPORT_ARGS = {"site": None, "framework_version": None, "bitness": None, "include_service": False, "folders": False}


class ActionModule(InfoAction):
    ARGUMENT_SPEC = _spec.module_spec("session_state_stig")

    def _result(self, args: dict, task_vars: dict) -> dict:
        _stig.validate(args["profile"], args["exceptions"], args["server"], args["declared"])  # refuse before any read
        image = {name: args.get(name) for name in ("image_root", "image_environment", "image_shares")}
        report = self._report({**REPORT_ARGS, **image}, task_vars)
        audit = _stig.audit(report, args["profile"], args["exceptions"], server=args["server"], declared=args["declared"])
        outcome = _stig.result(audit, args["profile"])
        outcome.update(files_read=report["files_read"])
        if audit.warnings:
            outcome["warnings"] = [_mask.mask(warning) for warning in audit.warnings]
        return outcome
