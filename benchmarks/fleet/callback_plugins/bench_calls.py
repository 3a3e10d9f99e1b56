# Copyright: contributors to the iis.aspnet collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark-only callback: counts, per host, what really runs (not what the screen shows).

A callback sees tasks, not the modules an action plugin runs inside a task. So, when enabled,
this plugin wraps three methods in the controller before any worker is forked (workers inherit
the wrappers), and every call appends one line ``kind<TAB>host<TAB>name`` to the file named by
``BENCH_CALLS_LOG``:

- ``task``: ``TaskExecutor.run``, one per host and task, skipped ones included (each is a
  worker process in the linear strategy);
- ``module``: ``ActionBase._execute_module``, every module execution on the host, including
  the ones an action plugin runs itself (iis.aspnet.session_state runs slurp, stat, copy);
- ``command``: ``ActionBase._low_level_execute_command``, every shell command sent over the
  connection (temp dirs, chmod, the module's interpreter).

With the mitogen strategy the action classes also inherit mitogen's ``ActionModuleMixin``,
which overrides the last two: it is wrapped too. Lines are short single ``write`` calls on an
``O_APPEND`` file, so concurrent workers do not interleave them.
"""

from __future__ import annotations

DOCUMENTATION = r"""
name: bench_calls
type: aggregate
short_description: count tasks, module executions and shell commands per host (benchmarks only)
description:
  - Appends one line per task execution, module execution and shell command to the file in
    C(BENCH_CALLS_LOG). Used by C(benchmarks/fleet.py); not part of the collection.
requirements:
  - enable in configuration
"""

import os

from ansible.executor.task_executor import TaskExecutor
from ansible.plugins.action import ActionBase
from ansible.plugins.callback import CallbackBase

_STATE = {"host": "?"}


def _record(kind: str, name: str) -> None:
    path = os.environ.get("BENCH_CALLS_LOG")
    if not path:
        return
    line = f"{kind}\t{_STATE['host']}\t{name}\n".encode()
    handle = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(handle, line)
    finally:
        os.close(handle)


def _task_run(original):
    def run(self, *args, **kwargs):
        _STATE["host"] = self._host.name  # one TaskExecutor per worker process and host
        _record("task", str(self._task.action))
        return original(self, *args, **kwargs)

    run.bench_wrapped = True
    return run


def _module(original):
    def execute_module(self, *args, **kwargs):
        name = kwargs.get("module_name") or (args[0] if args else None) or self._task.action
        _record("module", str(name))
        return original(self, *args, **kwargs)

    execute_module.bench_wrapped = True
    return execute_module


def _command(original):
    def low_level_execute_command(self, *args, **kwargs):
        _record("command", "shell")
        return original(self, *args, **kwargs)

    low_level_execute_command.bench_wrapped = True
    return low_level_execute_command


def _wrap(owner: type, attribute: str, wrapper) -> None:
    original = owner.__dict__.get(attribute)
    if original is not None and not getattr(original, "bench_wrapped", False):
        setattr(owner, attribute, wrapper(original))


def _action_classes() -> list[type]:
    classes = [ActionBase]
    if "mitogen" in os.environ.get("ANSIBLE_STRATEGY", ""):
        from ansible_mitogen.mixins import ActionModuleMixin  # pylint: disable=import-error,import-outside-toplevel

        classes.append(ActionModuleMixin)
    return classes


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "bench_calls"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _wrap(TaskExecutor, "run", _task_run)
        for owner in _action_classes():
            _wrap(owner, "_execute_module", _module)
            _wrap(owner, "_low_level_execute_command", _command)
