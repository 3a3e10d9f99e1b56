# Copyright: contributors to the iis.aspnet collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark-only action: times module calls the way iis.aspnet.session_state makes them.

Not part of the collection (found through ANSIBLE_ACTION_PLUGINS by benchmarks/cas_window.py).
On the target host it times, ``rounds`` times each, with ``_execute_module`` as the action plugin
calls modules:

- ``read``: ``ansible.builtin.slurp`` and ``iis.aspnet.image_file`` (op read) of ``path``;
- ``two_calls``: a compare and a write as two module calls, the shape of the Windows write
  (win_stat, then win_copy) with their POSIX twins (stat with a SHA-1, then copy of a file
  uploaded before the compare). The window opens when stat has hashed the file (just before the
  end of its call) and closes at copy's rename (just before the end of its call), so it is about
  the copy call's duration, which is what ``copy`` holds.
"""

from __future__ import annotations

import hashlib
import os
import time

from ansible.plugins.action import ActionBase


class ActionModule(ActionBase):
    TRANSFERS_FILES = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        args = self._task.args
        path, root, rounds = args["path"], args["root"], int(args.get("rounds", 20))
        try:
            result["read"] = {name: self._times(module, margs, task_vars, rounds) for name, module, margs in (
                ("slurp", "ansible.builtin.slurp", {"src": path}),
                ("image_file", "iis.aspnet.image_file", {"op": "read", "path": path, "root": root}))}
            result["two_calls"] = [self._two_calls(path, task_vars) for _round in range(rounds)]
        finally:
            self._remove_tmp_path(self._connection._shell.tmpdir)
        return result

    def _times(self, module, module_args, task_vars, rounds):
        times = []
        for _round in range(rounds):
            start = time.perf_counter()
            answer = self._execute_module(module_name=module, module_args=dict(module_args), task_vars=task_vars)
            times.append(time.perf_counter() - start)
            if answer.get("failed"):
                raise RuntimeError(f"{module}: {answer.get('msg')}")
        return times

    def _two_calls(self, path, task_vars):
        with open(path, "rb") as stream:
            data = stream.read()
        if self._connection._shell.tmpdir is None:
            self._make_tmp_path()
        source = self._connection._shell.join_path(self._connection._shell.tmpdir, "probe_source")
        self._transfer_data(source, data)  # uploaded before the compare, as the Windows transport does
        started = time.perf_counter()
        stat = self._execute_module(module_name="ansible.builtin.stat", task_vars=task_vars,
                                    module_args={"path": path, "get_checksum": True, "checksum_algorithm": "sha1"})
        compared = time.perf_counter()
        assert stat["stat"]["checksum"] == hashlib.sha1(data).hexdigest()
        copy = self._execute_module(module_name="ansible.builtin.copy", task_vars=task_vars, module_args={
            "src": source, "dest": path, "checksum": hashlib.sha1(data).hexdigest(),
            "_original_basename": os.path.basename(path)})
        written = time.perf_counter()
        if copy.get("failed"):
            raise RuntimeError(f"copy: {copy.get('msg')}")
        return {"stat": compared - started, "copy": written - compared}
