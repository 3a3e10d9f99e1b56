# Copyright: contributors to the iis.aspnet collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Callback iis.aspnet.drift_report: thin glue between Ansible's events and ``_drift``."""

from __future__ import annotations

DOCUMENTATION = r"""
name: drift_report
type: aggregate
short_description: Report, per host, the session state settings that differ from what the play declares, and the STIG audit
description:
  - Collects the results of M(iis.aspnet.session_state) tasks (also when called as C(session_state) or
    C(ansible.legacy.session_state)) and, when the playbook ends, prints one table with, per host, each file and
    attribute that differs (actual -> desired), the hosts whose task failed (with the message), the unreachable
    hosts and the hosts in line.
  - In check mode a difference is drift (C(would change)); in a run that applies, it is a correction the run made
    (C(changed)). A host that runs several session_state tasks gets one merged entry per file and attribute.
  - Also collects the results of M(iis.aspnet.session_state_stig) (also C(session_state_stig) or
    C(ansible.legacy.session_state_stig)); the last audit of a host wins, so a rollout that audits before and after
    remediation reports the state it leaves. The table then gets a STIG section - per host the number of V(Open),
    V(NotAFinding) and V(Not_Applicable) findings, and one line per open finding (Vuln ID, Rule ID, site, the first
    failing line of the details). A failed audit is an error for its host and drops the host's earlier audit.
  - When O(output_dir) is set it also writes the report there as JSON (C(drift-report.json)), Markdown
    (C(drift-report.md)), JUnit XML (C(drift-report.xml)) and STIG Viewer checklists (C(checklists/*.ckl)), as
    O(formats) asks. In the JUnit file each host is a test suite and each file a test case; drift is a failure listing
    the attribute lines, a failed task or an unreachable host an error, a file in line a pass; each STIG rule and
    target is a test case too, an open finding a failure, a V(Not_Applicable) one skipped. The file follows the JUnit
    schema of Jenkins' xunit plugin; each suite carries its C(timestamp) (when the host's first task started, UTC) and
    C(time) (the seconds its session_state and STIG tasks took), each test case its share of the time of the task that
    reported it, and C(testsuites) the run's wall time.
  - Works beside any stdout callback. Values arrive masked from the module and every text is masked again
    (passwords in connection strings become C(********)); the module's C(diff) is never read.
version_added: 0.1.0
author:
  - iis.aspnet maintainers (@iis-aspnet)
requirements:
  - Enabled in C(callbacks_enabled) (or E(ANSIBLE_CALLBACKS_ENABLED)) as C(iis.aspnet.drift_report).
options:
  output_dir:
    description:
      - Directory that receives the report files; created when missing. Files are written only when it is set.
      - Existing report files in it are replaced (a report file that is a symbolic link is replaced by the file, never
        written through).
      - It is created when the run starts, so a path that cannot be a directory fails the run at once.
      - Every file stays inside this directory, which may itself be a symbolic link. A C(checklists) folder that is a
        symbolic link leading outside it is refused before any report file is written, and the run fails naming it
        and where it leads.
    type: path
    env:
      - name: IIS_ASPNET_DRIFT_REPORT_DIR
    ini:
      - section: callback_iis_aspnet_drift_report
        key: output_dir
  formats:
    description:
      - Which report files to write into O(output_dir), any of V(json), V(markdown), V(junit) and V(ckl).
      - V(ckl) writes one STIG Viewer 2 checklist per host, STIG and site into C(checklists/) below O(output_dir), named
        C(<host>_<stig_id>.ckl) for the server STIG and C(<host>_<stig_id>_<site>.ckl) for the site STIG (characters
        other than letters, digits, C(.), C(_) and C(-) become C(_)). It writes nothing, and makes no directory, when the
        run has no M(iis.aspnet.session_state_stig) result, which is why it is in the default.
      - An empty list writes none (the table is still printed).
      - Any other value (a typo such as V(md)) stops the run before its first play, with a message naming it and exit
        status 5, as an invalid Ansible option does; so does an O(output_dir) that cannot be made a directory. A report
        that cannot be written at the end also makes the run exit non-zero (status 1), so a CI gate never passes on a
        report that does not exist.
    type: list
    elements: str
    default: [json, markdown, junit, ckl]
    env:
      - name: IIS_ASPNET_DRIFT_REPORT_FORMATS
    ini:
      - section: callback_iis_aspnet_drift_report
        key: formats
seealso:
  - module: iis.aspnet.session_state
  - module: iis.aspnet.session_state_stig
notes:
  - Failures of other tasks are reported only for a host that never ran a session_state task (for example a failed
    feature install before it); an unreachable host is reported whichever task found it unreachable.
  - A checklist's C(HOST_FQDN) and C(HOST_IP) come from gathered facts (C(ansible_fqdn), the first IPv4 address), else
    from the inventory's C(ansible_host); they stay empty when neither is known.
  - Checklists of earlier runs in O(output_dir) are replaced when the run writes the same host, STIG and site, and
    otherwise left alone; give each run a fresh directory when that matters.
"""

EXAMPLES = r"""
# ansible.cfg
# [defaults]
# callbacks_enabled = iis.aspnet.drift_report
#
# [callback_iis_aspnet_drift_report]
# output_dir = reports
# formats = json, junit

# Or from the environment, for one run in CI:
#   ANSIBLE_CALLBACKS_ENABLED=iis.aspnet.drift_report \
#   IIS_ASPNET_DRIFT_REPORT_DIR=reports IIS_ASPNET_DRIFT_REPORT_FORMATS=junit \
#   ansible-playbook iis.aspnet.drift --check

# STIG checklists only, for the auditors:
#   IIS_ASPNET_DRIFT_REPORT_FORMATS=ckl
"""

import os
import time
from collections.abc import Mapping

from ansible.errors import AnsibleError
from ansible.plugins.callback import CallbackBase

from ansible_collections.iis.aspnet.plugins.plugin_utils.report import _drift


# Exit statuses: an invalid option, as Ansible's own (AnsibleOptionsError); a report that could not be written.
OPTIONS_ERROR = 5
WRITE_ERROR = 1


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "iis.aspnet.drift_report"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, display=None):
        super().__init__(display=display)
        self._collector = _drift.Collector()
        self._playbook = None
        self._started = time.time()
        self._task_starts = {}  # (host, task uuid) -> epoch seconds
        self._loop_items = {}  # (host, task uuid) -> the item results of a loop, as each item reported

    def set_options(self, task_keys=None, var_options=None, direct=None):
        """Ansible's own check of the options, then ours; a bad value stops the run instead of the report."""
        try:
            super().set_options(task_keys=task_keys, var_options=var_options, direct=direct)
        except AnsibleError as exc:
            self._stop(OPTIONS_ERROR, str(exc))
        unknown = [fmt for fmt in self.get_option("formats") or [] if fmt not in _drift.FORMATS]
        if unknown:
            self._stop(OPTIONS_ERROR, f"unknown report format {', '.join(map(repr, unknown))} in formats "
                                      f"(IIS_ASPNET_DRIFT_REPORT_FORMATS, or formats in [callback_iis_aspnet_drift_report]); "
                                      f"the formats are {', '.join(_drift.FORMATS)}")
        directory = self.get_option("output_dir")
        if directory and self.get_option("formats"):
            try:
                os.makedirs(directory, exist_ok=True)
            except OSError as exc:
                self._stop(OPTIONS_ERROR, f"output_dir {directory} cannot be a directory for the reports: {exc}")

    def _stop(self, status: int, message: str):
        """End ansible-playbook with ``status``: Ansible turns any exception of a callback into a warning."""
        self._display.error(f"{self.CALLBACK_NAME}: {message}; no report would be written, so the run stops here.",
                            wrap_text=False)
        raise SystemExit(status)

    def v2_playbook_on_start(self, playbook):
        name = getattr(playbook, "_file_name", None)
        self._playbook = os.path.basename(name) if isinstance(name, str) else None
        self._started = time.time()

    def v2_runner_on_start(self, host, task):
        when = time.time()
        self._task_starts[(str(host.get_name()), getattr(task, "_uuid", None))] = when
        self._collector.add_start(str(host.get_name()), when)

    def v2_runner_on_ok(self, result):
        self._collector.add_identity(_host(result), *_drift.identity(_result(result).get("ansible_facts"), _address(result)))
        self._collect(result, failed=False)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        if _kind(result) is not None:
            self._collect(result, failed=True)
        elif not ignore_errors:
            self._collector.add_blocked(_host(result), _task_name(result), _result(result).get("msg", ""))

    # A loop's items are taken as each item reports, not from the loop's final result: with a
    # templated no_log (the role's per-site task hides only entries with a connection string),
    # ansible-core 2.21 censors every item of the final result, while each item's own result is
    # censored only when its no_log is true.
    def v2_runner_item_on_ok(self, result):
        self._loop_item(result)

    def v2_runner_item_on_failed(self, result):
        self._loop_item(result)

    def v2_runner_item_on_skipped(self, result):
        self._loop_item(result)

    def _loop_item(self, result):
        if _kind(result) is not None:
            self._loop_items.setdefault(_task_key(result), []).append(_result(result))

    def v2_runner_on_skipped(self, result):
        # Nothing to report; forget what was kept for the task (a loop whose every item skipped).
        self._loop_items.pop(_task_key(result), None)
        self._task_starts.pop(_task_key(result), None)

    def v2_runner_on_unreachable(self, result):
        self._collector.add_unreachable(_host(result), _result(result).get("msg") or "unreachable")

    def v2_playbook_on_stats(self, stats):
        records = self._collector.report()
        if records:
            self._display.display("DRIFT REPORT (iis.aspnet.session_state)\n" + _drift.render_table(records))
        directory = self.get_option("output_dir")
        formats = self.get_option("formats") or []
        if directory and formats:
            try:
                written = _drift.write_reports(records, directory, formats, self._playbook, self._started,
                                               time.time() - self._started)
            except (OSError, _drift.UnsafeOutput) as exc:
                self._display.error(f"{self.CALLBACK_NAME}: cannot write the report into {directory}: {exc}", wrap_text=False)
                raise SystemExit(WRITE_ERROR) from exc
            self._display.display("drift report written: " + _drift.written_line(written))

    def _collect(self, result, failed):
        kind = _kind(result)
        duration = self._duration(result)
        data = _result(result)
        items = self._loop_items.pop(_task_key(result), None)
        if items is not None and isinstance(data.get("results"), list):
            data["results"] = items
        if kind == "session_state":
            self._collector.add_result(_host(result), _task_name(result), data, failed=failed,
                                       check_mode=_check_mode(result), duration=duration)
        elif kind == "stig":
            self._collector.add_stig(_host(result), _task_name(result), data, failed=failed, duration=duration)

    def _duration(self, result) -> float:
        """Seconds from the task's start on the host to its result (0 when the start was not seen)."""
        started = self._task_starts.pop(_task_key(result), None)
        return max(time.time() - started, 0.0) if isinstance(started, float) else 0.0


def _kind(result) -> str | None:
    """session_state, stig (session_state_stig) or None, by the task's action or resolved action."""
    task = getattr(result, "_task", None)
    names = (getattr(task, "action", None), getattr(task, "resolved_action", None))
    if any(_drift.is_session_state(name) for name in names):
        return "session_state"
    if any(_drift.is_session_state_stig(name) for name in names):
        return "stig"
    return None


def _address(result) -> object:
    """The inventory's ansible_host of the result's host, when set on the host itself."""
    host_vars = getattr(getattr(result, "_host", None), "vars", None)
    return host_vars.get("ansible_host") if isinstance(host_vars, Mapping) else None


def _task_key(result) -> tuple:
    """(host, task uuid): one task on one host."""
    return _host(result), getattr(getattr(result, "_task", None), "_uuid", None)


def _host(result) -> str:
    return str(result._host.get_name())  # pylint: disable=protected-access


def _task_name(result) -> str:
    name = result._task.get_name() if hasattr(result._task, "get_name") else None  # pylint: disable=protected-access
    return name if isinstance(name, str) and name else "session_state"


def _result(result) -> dict:
    data = getattr(result, "_result", None)
    return dict(data) if isinstance(data, Mapping) else {}


def _check_mode(result) -> bool:
    """Whether the task ran in check mode (the worker's resolved task fields first, then the task)."""
    fields = getattr(result, "_task_fields", None)
    if isinstance(fields, Mapping) and isinstance(fields.get("check_mode"), bool):
        return fields["check_mode"]
    return getattr(getattr(result, "_task", None), "check_mode", False) is True
