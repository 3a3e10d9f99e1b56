"""The action plugins at the seam of the modules they call, on the shared Windows host.

Shared by the action tests. No Windows host exists here: ``_execute_module`` is replaced by
:class:`WindowsHost` (tests/unit/plugins/plugin_utils/windows_modules.py) over an in-memory copy of
the sample server tree, which checks every call against ansible.windows' documentation and answers
with the recorded results of tests/unit/plugins/plugin_utils/fixtures/windows/.
"""

from __future__ import annotations

from pathlib import Path
from unittest.mock import MagicMock

from ansible_collections.iis.aspnet.plugins.action.session_state import ActionModule
from ansible_collections.iis.aspnet.tests.unit.plugins.plugin_utils.windows_modules import WindowsHost

SAMPLE = Path(__file__).resolve().parents[4] / "examples" / "sample-server"
F64 = "C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\Config\\web.config"
F32 = "C:\\Windows\\Microsoft.NET\\Framework\\v4.0.30319\\Config\\web.config"
# The same files as the module names them: below the Windows folder the host expands (%windir%).
W64 = "%windir%\\Microsoft.NET\\Framework64\\v4.0.30319\\Config\\web.config"
W32 = "%windir%\\Microsoft.NET\\Framework\\v4.0.30319\\Config\\web.config"


def windows_host() -> WindowsHost:
    """A Windows host holding the sample server."""
    return WindowsHost(SAMPLE)


def action(host: WindowsHost, args: dict, check_mode=False, diff=False, plugin_class=ActionModule):
    """An action plugin (session_state unless ``plugin_class``) whose module calls go to ``host``."""
    task = MagicMock()
    task.args = args
    task.check_mode = check_mode
    task.diff = diff
    task.async_val = 0
    connection = MagicMock()
    connection._shell._IS_WINDOWS = True
    connection._shell.tmpdir = None
    connection._shell.join_path = lambda *parts: "\\".join(parts)
    plugin = plugin_class(task, connection, MagicMock(), loader=None, templar=None, shared_loader_obj=None)
    plugin._execute_module = host.execute

    def make_tmp():
        connection._shell.tmpdir = "C:\\Users\\ansible\\AppData\\Local\\Temp\\ansible-tmp-1"

    plugin._make_tmp_path = make_tmp
    plugin._transfer_data = host.transfer
    plugin._fixup_perms2 = lambda paths: None
    plugin._remove_tmp_path = lambda path: None
    return plugin


def modules(host: WindowsHost) -> list[str]:
    return [name for name, _args in host.calls]
