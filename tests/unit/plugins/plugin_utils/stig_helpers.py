"""STIG audit results of the sample server, made by the real engine, for the checklist and report tests."""

from __future__ import annotations

from pathlib import Path

from ansible_collections.iis.aspnet.plugins.plugin_utils.audit import _effective, _stig
from ansible_collections.iis.aspnet.plugins.plugin_utils.base import _spec
from ansible_collections.iis.aspnet.plugins.plugin_utils.document import _xmlfile
from ansible_collections.iis.aspnet.plugins.plugin_utils.run import _session
from ansible_collections.iis.aspnet.plugins.plugin_utils.server import _apphost, _levels
from ansible_collections.iis.aspnet.tests.unit.plugins.plugin_utils.engine_helpers import LocalImage

SAMPLE = Path(__file__).resolve().parents[4] / "examples" / "sample-server"
# Exceptions that give the sample server every status: Intranet is maintenance-only, Legacy a web farm.
EXCEPTIONS = [{"site": "Intranet", "kind": "not_applicable", "justification": "Health checks only; no user logon."},
              {"site": "Legacy", "kind": "web_farm", "justification": "Sessions in the SQL Server AG SESSIONS01."}]


def sample_report(image_root: Path = SAMPLE) -> dict:
    """The session_state_info report of an image, every level, as the stig action reads it."""
    cache = _session.FileCache(LocalImage(str(image_root)))
    data = cache.read(_apphost.APPHOST_CONFIG)
    model = _apphost.parse_apphost(_xmlfile.parse_tree(_apphost.APPHOST_CONFIG, data), _apphost.APPHOST_CONFIG)
    return _effective.build_report(cache.doc, model, cache.doc(_apphost.APPHOST_CONFIG), sites=None,
                                   frameworks=list(_spec.FRAMEWORKS), bitnesses=list(_levels.DEFAULT_BITNESS))


def stig_result(profile: str = "stig_iis10", exceptions=None, image_root: Path = SAMPLE) -> dict:
    """The session_state_stig module result (its RETURN shape) for an image."""
    return _stig.result(_stig.audit(sample_report(image_root), profile, exceptions), profile)
