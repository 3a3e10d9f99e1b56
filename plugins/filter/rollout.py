# Copyright: contributors to the iis.aspnet collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters iis.aspnet.rollout_serial and iis.aspnet.rollout_batches: thin glue around ``_rollout``.

Their documentation is in rollout_serial.yml and rollout_batches.yml beside this file.
"""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.iis.aspnet.plugins.plugin_utils.run import _rollout
from ansible_collections.iis.aspnet.plugins.plugin_utils.base._errors import OptionError


def rollout_serial(value, split_off=None):
    try:
        return _rollout.serial(value, split_off)
    except OptionError as exc:
        raise AnsibleFilterError(str(exc)) from exc


def rollout_batches(value, hosts, split_off=None):
    if not isinstance(hosts, (list, tuple)) or not all(isinstance(host, str) for host in hosts):
        raise AnsibleFilterError(f"rollout_batches: hosts must be a list of host names, got {type(hosts).__name__}")
    try:
        return _rollout.batches(value, list(hosts), split_off)
    except OptionError as exc:
        raise AnsibleFilterError(str(exc)) from exc


class FilterModule:
    def filters(self):
        return {"rollout_serial": rollout_serial, "rollout_batches": rollout_batches}
