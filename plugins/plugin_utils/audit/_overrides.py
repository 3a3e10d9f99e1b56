"""Stray overrides: the definitions below the server level, and the session_state calls that revert them.

Private to the iis.aspnet collection: not a public API.

``session_state_info`` lists, for each attribute of each level, every definition below the server
level that sets it on the way (``overrides``, computed by the configuration model), and the
definitions applicationHost.config holds, which ASP.NET ignores (``ignored``). This module turns
those into the options of the ``iis.aspnet.session_state`` calls that remove them (``revert``),
one call per file and ``<location>``, so that the server-level value governs again. The role's
``session_state_clear_overrides`` and the STIG remediation both plan with it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ansible_collections.iis.aspnet.plugins.plugin_utils.base import _spec
from ansible_collections.iis.aspnet.plugins.plugin_utils.server._levels import APPHOST_PATH, config_path_startswith

ELEMENT_KEYS = {"sessionState": "session_state", "sessionPageState": "session_page_state"}


def site_path(config_path: str) -> str | None:
    """'MACHINE/WEBROOT/APPHOST/Site/app' -> 'Site/app'; None above the sites."""
    if not config_path_startswith(config_path, APPHOST_PATH):
        return None
    return "/".join([part for part in config_path.split("/") if part][3:]) or None


def revert_target(found: Mapping, level: Mapping) -> dict | None:
    """The session_state options that address the file and <location> of one override.

    ``found`` is an entry of an attribute's ``overrides`` (a source: file, level, location,
    config_path); ``level`` the info level it was found at (for the .NET tree of a <location> in
    machine.config or the root web.config). None for a folder's own web.config, which no commit
    level addresses (sessionState there is an error the info module reports).
    """
    site = site_path(found["config_path"])
    if site is None:
        return None
    if found["level"] in ("MACHINE", "WEBROOT"):
        return {"commit": found["level"], "site": site, "framework_version": level["framework_version"],
                "bitness": [level["bitness"]]}
    if found["level"] in ("SITE", "APP"):
        return {"commit": found["level"], "site": site}
    return None


def revert_calls(report: Mapping, options: Iterable[str], keep: Iterable[Mapping] = ()) -> list[dict]:
    """session_state calls (options plus ``revert``) that remove every override of ``options``.

    Each call also lists the ``overrides`` it removes (file, location, attribute, value as the
    report gives it: masked). Overrides applicationHost.config holds are removed with
    ``commit: APPHOST``. ``keep`` holds session_state calls of the same run (the role's site
    entries): what they set where they set it is theirs, not a stray override.
    """
    attributes = [_spec.attribute(option) for option in options]
    calls: dict[tuple, dict] = {}
    for level in report.get("levels", ()):
        if level["kind"] == "server":
            continue
        for attr in attributes:
            entry = level.get(ELEMENT_KEYS[attr.element], {}).get(attr.xml)
            for found in (entry or {}).get("overrides", ()):
                target = revert_target(found, level)
                if target is not None:
                    _add(calls, target, attr, found)
    for entry in report.get("ignored", ()):
        for attr in attributes:
            if entry["element"] == attr.element and attr.xml in entry["attributes"]:
                target = {"commit": "APPHOST", "site": site_path(entry["config_path"])}
                _add(calls, target, attr, {**entry, "value": entry["attributes"][attr.xml]})
    return _without(list(calls.values()), keep)


def _without(calls: list[dict], keep: Iterable[Mapping]) -> list[dict]:
    """The calls less what ``keep`` sets at the same commit and site (APP is the default with a site)."""
    owned = {(str(entry.get("commit") or "APP").upper(), str(entry.get("site") or "").strip("/").casefold(), option)
             for entry in keep for option, value in entry.items() if value is not None}
    kept = []
    for call in calls:
        where = (call["commit"], str(call.get("site") or "").casefold())
        revert = [option for option in call["revert"] if (*where, option) not in owned]
        if revert:
            names = {_spec.attribute(option).xml for option in revert}
            kept.append({**call, "revert": revert,
                         "overrides": [found for found in call["overrides"] if found["attribute"] in names]})
    return kept


def _add(calls: dict[tuple, dict], target: dict, attr: _spec.Attribute, found: Mapping) -> None:
    target = {name: value for name, value in target.items() if value is not None}
    key = tuple((name, str(value).casefold()) for name, value in target.items())
    call = calls.setdefault(key, {**target, "revert": [], "overrides": []})
    if attr.option not in call["revert"]:
        call["revert"].append(attr.option)
    removed = {"file": found["file"], "location": found["location"], "line": found["line"], "attribute": attr.xml,
               "value": found["value"]}
    if removed not in call["overrides"]:
        call["overrides"].append(removed)


__all__ = ["ELEMENT_KEYS", "site_path", "revert_target", "revert_calls"]
