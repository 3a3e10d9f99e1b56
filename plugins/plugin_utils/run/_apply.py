"""The whole run of iis.aspnet.session_state: plan, compare and swap, the state service, the result.

Private to the iis.aspnet collection: not a public API.

Ordered so that nothing is written before every refusal that can be known is made: the service
options are checked first, then the host's family, then every target is read and planned (the
model judges each planned edit), and only then, outside check mode, the changed files are
compared with what was read and replaced, all of them or none (``Transport.commit``), and the
service is brought in line. A failure after some files were written is a ``PartialWrite``.
"""

from __future__ import annotations

from collections.abc import Collection

from ansible_collections.iis.aspnet.plugins.plugin_utils.host import _service
from ansible_collections.iis.aspnet.plugins.plugin_utils.host._transport import HostAccess, Transport, Write, transport_for
from ansible_collections.iis.aspnet.plugins.plugin_utils.report import _report
from ansible_collections.iis.aspnet.plugins.plugin_utils.run._session import RunPlan, plan_run
from ansible_collections.iis.aspnet.plugins.plugin_utils.server._levels import DEFAULT_BITNESS, DEFAULT_FRAMEWORK


def session_state(args: dict, access: HostAccess, *, given: Collection[str], check_mode: bool, diff: bool) -> dict:
    """The module result of one session_state task (``given``: the options the task set)."""
    service_options = _service.run_options(args.get("state_service"), access.windows, args.get("image_root"))
    transport = transport_for(access, args)
    run = plan_run(args, transport, given=given)
    backups = {} if check_mode else swap(run, transport, args["backup"])
    service, warnings = _service.ensure_for_run(service_options, access.execute,
                                                args.get("framework_version") or DEFAULT_FRAMEWORK,
                                                args.get("bitness") or list(DEFAULT_BITNESS), run.settings, check_mode)
    outcome = _report.run_result(run, backups, service, commit=args.get("commit"), site=args.get("site"))
    outcome["warnings"] = run.warnings + transport.warnings + warnings
    if diff:
        outcome["diff"] = _report.prepared_diffs(run.files)
    outcome["changed"] = run.changed or bool(service and service.changed)
    return outcome


def swap(run: RunPlan, transport: Transport, backup: bool) -> dict[str, str | None]:
    """Compare and swap: every changed file must still be as read before any is written (path -> backup)."""
    writes = [Write(plan.path, None if plan.created else plan.before, plan.after) for plan in run.files if plan.changed]
    return transport.commit(writes, backup) if writes else {}


__all__ = ["session_state", "swap"]
