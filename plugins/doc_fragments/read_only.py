# Copyright: contributors to the iis.aspnet collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Attributes shared by the collection's read-only modules (session_state_info, session_state_stig)."""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
attributes:
  action:
    support: full
  async:
    support: none
  bypass_host_loop:
    support: none
  check_mode:
    support: full
    details:
      - The module never changes anything, so check mode runs it exactly as a normal run does.
  diff_mode:
    support: none
  platform:
    support: full
    platforms:
      - windows
      - posix
    details:
      - On POSIX hosts only with O(image_root), to read a Windows file tree; there is no service manager there.
"""
