# Copyright: contributors to the iis.aspnet collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The action group every module of the collection belongs to (meta/runtime.yml action_groups)."""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options: {}
attributes:
  action_group:
    description: Use C(group/iis.aspnet.all) in C(module_defaults) to set defaults for this module, such as O(image_root).
    support: full
    membership:
      - iis.aspnet.all
"""
