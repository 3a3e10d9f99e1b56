"""The read-only runs: iis.aspnet.session_state_info and iis.aspnet.session_state_stig.

Private to the iis.aspnet collection: not a public API.

Both read the host through the same transports as session_state, each file once (the run's
FileCache), and never write. After applicationHost.config (and redirection.config before it),
one call learns which of the other candidate files exist (``FileCache.discover``): a host costs
its existing files plus that call (plus the service query of the info module on Windows). The
STIG audit is the info report of every level, without the service query, the folder web.config
files and the server level of a .NET tree other than 4 (no rule looks at them; a tree a pool runs
is still read for its sites), judged by ``_stig``.
"""

from __future__ import annotations

from ansible_collections.iis.aspnet.plugins.plugin_utils.audit import _effective, _stig
from ansible_collections.iis.aspnet.plugins.plugin_utils.base import _mask, _spec
from ansible_collections.iis.aspnet.plugins.plugin_utils.base._errors import OptionError
from ansible_collections.iis.aspnet.plugins.plugin_utils.host import _service
from ansible_collections.iis.aspnet.plugins.plugin_utils.host._transport import IMAGE_OPTIONS, HostAccess, transport_for
from ansible_collections.iis.aspnet.plugins.plugin_utils.run._session import FileCache, layout_of, read_apphost
from ansible_collections.iis.aspnet.plugins.plugin_utils.server import _levels


def info(args: dict, access: HostAccess) -> dict:
    """The session_state_info result: the levels, where each value comes from, findings, the service."""
    bitness = list(_levels.bitnesses(args["bitness"])) if args.get("bitness") else None  # refused before any call
    return report(access, args, sites=site_list(args.get("site")), framework_version=args.get("framework_version"),
                  bitness=bitness, include_service=args["include_service"], folders=True)


def stig(args: dict, access: HostAccess) -> dict:
    """The session_state_stig result: every rule of the profile judged on the report of every level."""
    _stig.validate(args["profile"], args["exceptions"], args["server"], args["declared"])  # refuse before any read
    found = report(access, {name: args.get(name) for name in IMAGE_OPTIONS}, sites=None, framework_version=None,
                   bitness=None, include_service=False, folders=False, frameworks=[_stig.SERVER_FRAMEWORK])
    audit = _stig.audit(found, args["profile"], args["exceptions"], server=args["server"], declared=args["declared"])
    outcome = _stig.result(audit, args["profile"])
    outcome.update(files_read=found["files_read"])
    if audit.warnings:
        outcome["warnings"] = [_mask.mask(warning) for warning in audit.warnings]
    return outcome


def report(access: HostAccess, image: dict, *, sites: list[str] | None, framework_version: str | None, bitness,
           include_service: bool, folders: bool, frameworks: list[str] | None = None) -> dict:
    """The info report of one host (``sites`` None: the server levels and every site and application).

    ``frameworks``: the .NET trees whose server level is reported (default: ``framework_version``, or all).
    """
    cache = FileCache(transport_for(access, image))
    apphost, apphost_doc = read_apphost(cache, required=sites is not None)
    service, facts = None, None
    if include_service:
        service, facts = _service.query(access.execute) if access.windows else (None, dict(_service.NOT_APPLICABLE))
    frameworks = frameworks or ([framework_version] if framework_version else list(_spec.FRAMEWORKS))
    scope = {"sites": sites, "frameworks": frameworks,
             "bitnesses": bitness or list(_levels.DEFAULT_BITNESS), "folders": folders, "layout": layout_of(cache.host)}
    # One call learns which candidates exist; then each existing file is read once, as the model asks for it.
    cache.discover(_effective.candidate_files(apphost, **scope))
    found = _effective.build_report(cache.doc, apphost, apphost_doc, explicit=bool(framework_version or bitness),
                                    service=service, **scope)
    return {**found, "service": facts, "files_read": cache.reads}


def site_list(value) -> list[str] | None:
    """``site`` as a list of normalised config paths (None: every site and application)."""
    if value is None:
        return None
    values = value if isinstance(value, list) else [value]
    if not values or not all(isinstance(item, str) for item in values):
        raise OptionError("site", "must be a site or application path, or a non-empty list of them")
    return [_levels.normalise_site(item) for item in values]


__all__ = ["info", "stig", "report", "site_list"]
