# Copyright: contributors to the iis.aspnet collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter iis.aspnet.override_reverts: thin glue around ``_overrides``.

Its documentation is in override_reverts.yml beside this file.
"""

from __future__ import annotations

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

from ansible_collections.iis.aspnet.plugins.plugin_utils.audit import _overrides


def override_reverts(report, attributes, keep=None):
    if not isinstance(report, Mapping) or "levels" not in report:
        raise AnsibleFilterError("override_reverts: the input must be a registered iis.aspnet.session_state_info result")
    if isinstance(attributes, str) or not all(isinstance(name, str) for name in attributes or ()):
        raise AnsibleFilterError("override_reverts: attributes must be a list of session_state option names")
    if keep is not None and (not isinstance(keep, list) or not all(isinstance(entry, Mapping) for entry in keep)):
        raise AnsibleFilterError("override_reverts: keep must be a list of session_state call options (dicts)")
    try:
        return _overrides.revert_calls(report, attributes, keep or [])
    except KeyError as exc:
        raise AnsibleFilterError(f"override_reverts: {exc.args[0]}") from exc


class FilterModule:
    def filters(self):
        return {"override_reverts": override_reverts}
