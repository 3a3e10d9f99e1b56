"""Drift records of iis.aspnet.session_state runs, and their renderings for people and for CI.

Private to the iis.aspnet collection: not a public API.

The ``drift_report`` callback feeds a :class:`Collector` with the result dictionaries of
session_state and session_state_stig tasks as they arrive; at the end of the run
:meth:`Collector.report` merges them into one :class:`HostRecord` per host, and the ``render_*``
functions turn that into a text table, JSON, Markdown or JUnit XML; ``write_reports`` also
writes the STIG Viewer checklists of ``_ckl``. Nothing here imports Ansible.

Only known keys of a result are read (``files``, ``changes``, ``service``, ``msg``; for a STIG
audit ``profile``, ``findings``, ``remediation``): never ``diff`` nor ``invocation``. Every text
that reaches a record is masked (``_mask``), and the renderers mask each cell again, so a
password cannot leak even through a message.
"""

from __future__ import annotations

import io
import ipaddress
import json
import os
import re
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass, field

from ansible_collections.iis.aspnet.plugins.plugin_utils.audit import _stig
from ansible_collections.iis.aspnet.plugins.plugin_utils.report import _ckl
from ansible_collections.iis.aspnet.plugins.plugin_utils.base._mask import mask, mask_value

GENERATOR = "iis.aspnet.drift_report"
ACTIONS = frozenset({"iis.aspnet.session_state", "session_state", "ansible.legacy.session_state"})
STIG_ACTIONS = frozenset({"iis.aspnet.session_state_stig", "session_state_stig", "ansible.legacy.session_state_stig"})
CKL = "ckl"
# Report files per format; ckl is a directory of checklists, one per host, STIG and site.
FORMATS = {"json": "drift-report.json", "markdown": "drift-report.md", "junit": "drift-report.xml", CKL: _ckl.DIRECTORY}

DRIFT, CHANGED, ERROR, UNREACHABLE, IN_LINE = "drift", "changed", "error", "unreachable", "in_line"
AUDITED = "audited"  # a STIG audit and no session_state task: nothing was declared, so nothing is "in line"
# Worst first: the order of hosts in every rendering.
STATUS_ORDER = (ERROR, UNREACHABLE, DRIFT, CHANGED, IN_LINE, AUDITED)
LABELS = {DRIFT: "would change", CHANGED: "changed", ERROR: "error", UNREACHABLE: "unreachable", IN_LINE: "in line",
          AUDITED: "audited"}
ABSENT = "(absent)"
INHERITED = "(inherited)"  # a revert removes the setting: the level above governs
SERVICE_DIFFERS = "(differs)"
HIDDEN = "(hidden by no_log)"
# JUnit: the time of a host's STIG audits, shared among the rule cases of its last audit.
STIG_CASES = "(stig audit)"


def error_case(task: str) -> str:
    """The JUnit test case of a failed task."""
    return f"task: {task}"


_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")


def is_session_state(action: object) -> bool:
    """Whether a task's action name is iis.aspnet.session_state (any of the names it goes by)."""
    return isinstance(action, str) and action in ACTIONS


def is_session_state_stig(action: object) -> bool:
    """Whether a task's action name is iis.aspnet.session_state_stig (any of the names it goes by)."""
    return isinstance(action, str) and action in STIG_ACTIONS


def clean(text: object) -> str:
    """Any value as one masked line of text."""
    return _LINE_BREAKS.sub(" ", mask(str(text))).strip()


# ---------------------------------------------------------------------------------------------
# Records


@dataclass(frozen=True)
class Difference:
    """One setting of one file (or the state service) that differs from what the task declares."""

    path: str
    element: str
    attribute: str
    actual: str | None
    desired: str | None
    applied: bool  # changed by the run; False: check mode, it would change

    def setting(self) -> str:
        return f"{self.element} {self.attribute}"

    def line(self) -> str:
        """``element attribute: actual -> desired``, the line every rendering uses."""
        return f"{self.setting()}: {_shown(self.actual)} -> {_wanted(self.desired)}"


STIG_STATUSES = _stig.STATUSES  # Open, NotAFinding, Not_Applicable: the columns of the STIG section
_FINDING_KEYS = ("stig", "vuln_id", "rule_id", "stig_id", "severity", "title", "scope", "site", "status",
                 "finding_details", "comments", "evidence")
_BENCHMARK_KEYS = ("stig_id", "title", "version", "release", "release_info", "scope")


@dataclass
class StigAudit:
    """The last session_state_stig result of a host: masked plain data, in the module's RETURN shape."""

    task: str
    profile: str | None = None
    benchmarks: list[dict] = field(default_factory=list)
    findings: list[dict] = field(default_factory=list)
    remediation: list[dict] = field(default_factory=list)
    hidden: bool = False  # no_log on the task: Ansible kept no finding

    def counts(self) -> dict[str, int]:
        return {status: sum(1 for finding in self.findings if finding["status"] == status) for status in STIG_STATUSES}

    def open(self) -> list[dict]:
        return [finding for finding in self.findings if finding["status"] == _stig.OPEN]

    def result(self) -> dict:
        """What ``_ckl.checklists`` reads."""
        return {"profile": {"name": self.profile, "benchmarks": self.benchmarks}, "findings": self.findings}

    def as_dict(self) -> dict:
        return {"task": self.task, "profile": self.profile, "hidden": self.hidden, "benchmarks": self.benchmarks,
                "summary": self.counts(), "findings": self.findings, "remediation": self.remediation}


def stig_audit(task: str, result: dict) -> StigAudit:
    """A session_state_stig result as a record: known keys only, every text masked."""
    if "censored" in result and "findings" not in result:
        return StigAudit(clean(task), hidden=True)
    profile = result.get("profile") if isinstance(result.get("profile"), dict) else {}
    return StigAudit(
        task=clean(task),
        profile=_masked_or_none(profile.get("name")),
        benchmarks=[_known(entry, _BENCHMARK_KEYS) for entry in _dicts(profile.get("benchmarks"))],
        findings=[_known(entry, _FINDING_KEYS) for entry in _dicts(result.get("findings"))],
        remediation=[_plain(entry) for entry in _dicts(result.get("remediation"))],
    )


def _known(entry: dict, keys: tuple[str, ...]) -> dict:
    return {key: _plain(entry.get(key)) for key in keys}


def _plain(value: object) -> object:
    """Result data as JSON-able plain data with every text masked (line breaks kept: details have lines)."""
    if isinstance(value, Mapping):
        return {mask(str(key)): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return mask(str(value))


@dataclass
class HostRecord:
    """Everything the run learned about one host."""

    host: str
    files: list[str] = field(default_factory=list)
    differences: dict[tuple[str, str, str], Difference] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (task, message)
    unreachable: str | None = None
    stig: StigAudit | None = None  # the last STIG audit of the run
    declared: bool = False  # a session_state task succeeded on the host
    fqdn: str = ""  # from facts or the inventory, for the checklists' ASSET
    ip: str = ""
    started: float | None = None  # epoch seconds: the first task of the run that started on the host
    time: float = 0.0  # seconds spent in the host's session_state and STIG tasks
    case_times: dict[str, float] = field(default_factory=dict)  # JUnit test case -> its share of those seconds

    def timed(self, duration: float, cases: list[str]) -> None:
        """One task took ``duration`` on the host: each test case it reported gets an equal share."""
        self.time += duration
        unique = list(dict.fromkeys(cases))
        for case in unique:
            self.case_times[case] = self.case_times.get(case, 0.0) + duration / len(unique)

    def case_time(self, case: str) -> float:
        return self.case_times.get(case, 0.0)

    @property
    def status(self) -> str:
        if self.errors:
            return ERROR
        if self.unreachable is not None:
            return UNREACHABLE
        if any(not diff.applied for diff in self.differences.values()):
            return DRIFT
        if self.differences:
            return CHANGED
        return AUDITED if self.stig is not None and not self.declared else IN_LINE

    def paths(self) -> list[str]:
        """Every file (and service) the host reported on, in the order first seen."""
        seen = dict.fromkeys(self.files)
        seen.update(dict.fromkeys(diff.path for diff in self.differences.values()))
        return list(seen)

    def by_path(self, path: str) -> list[Difference]:
        return [diff for diff in self.differences.values() if diff.path == path]

    def add_difference(self, diff: Difference) -> None:
        """Merge: the first task's actual value stays, the last task's desired value and mode win.

        A rollout's check-mode pre-flight ("would change") followed by the real run ("changed")
        ends as changed; a real change that a later check still finds ends as drift.
        """
        key = (diff.path, diff.element, diff.attribute)
        earlier = self.differences.get(key)
        if earlier is not None:
            diff = Difference(diff.path, diff.element, diff.attribute, earlier.actual, diff.desired, diff.applied)
            if diff.actual == diff.desired and diff.actual not in (SERVICE_DIFFERS, HIDDEN):
                # Set and set back within the run: nothing differs in the end.
                del self.differences[key]
                return
        self.differences[key] = diff


class Collector:
    """Accumulates task results per host during a run."""

    def __init__(self) -> None:
        self._hosts: dict[str, HostRecord] = {}
        self._blocked: dict[str, tuple[str, str]] = {}
        self._identity: dict[str, dict[str, str]] = {}
        self._started: dict[str, float] = {}

    def _record(self, host: str) -> HostRecord:
        host = clean(host)
        return self._hosts.setdefault(host, HostRecord(host))

    def add_result(self, host: str, task: str, result: dict, failed: bool = False, check_mode: bool = False,
                   duration: float = 0.0) -> None:
        """One session_state result (a loop's results are taken item by item) and the seconds its task took."""
        paths: dict[str, None] = {}
        errors = self._error_count(host)
        for item in self._successes(host, task, result, failed, "files"):
            self._session_state(self._record(host), task, item, check_mode)
            paths.update(dict.fromkeys(clean(entry.get("path", "")) for entry in _dicts(item.get("files"))))
        self._timed(host, duration, [path for path in paths if path] + self._new_error_cases(host, errors))

    def add_stig(self, host: str, task: str, result: dict, failed: bool = False, duration: float = 0.0) -> None:
        """One session_state_stig result: the last one of a host wins (a rollout audits before and after).

        A failed audit is an error and forgets the host's earlier audit: its findings may no longer
        describe the host, and a checklist must not say otherwise.
        """
        errors = self._error_count(host)
        taken = self._successes(host, task, result, failed, "findings")
        if taken:
            self._record(host).stig = stig_audit(task, taken[-1])
        elif failed or (isinstance(result, dict) and (result.get("failed") or result.get("unreachable"))):
            self._record(host).stig = None
        self._timed(host, duration, ([STIG_CASES] if taken else []) + self._new_error_cases(host, errors))

    def add_start(self, host: str, when: float) -> None:
        """A task started on ``host`` at ``when`` (epoch seconds): the first one dates the host's test suite."""
        self._started.setdefault(clean(host), when)

    def _error_count(self, host: str) -> int:
        record = self._hosts.get(clean(host))
        return len(record.errors) if record is not None else 0

    def _new_error_cases(self, host: str, before: int) -> list[str]:
        record = self._hosts.get(clean(host))
        return [error_case(task) for task, _message in record.errors[before:]] if record is not None else []

    def _timed(self, host: str, duration: float, cases: list[str]) -> None:
        """Count a task's time for a host it reported on, shared among the test cases it reported."""
        record = self._hosts.get(clean(host))
        if record is not None:
            record.timed(duration, cases)

    def _successes(self, host: str, task: str, result: object, failed: bool, payload: str) -> list[dict]:
        """The results of one task that succeeded (a loop's items one by one); failures are recorded as errors."""
        items = result.get("results") if isinstance(result, dict) else None
        if isinstance(items, list) and payload not in result:
            taken = [ok for item in items if isinstance(item, dict)
                     for ok in self._successes(host, task, item, bool(item.get("failed")), payload)]
            if failed and not any(isinstance(item, dict) and item.get("failed") for item in items):
                self.add_error(host, task, result.get("msg") or "the task failed")
            return taken
        if not isinstance(result, dict) or result.get("skipped"):
            return []
        if result.get("unreachable"):
            self.add_unreachable(host, result.get("msg") or "unreachable")
            return []
        if failed or result.get("failed"):
            self.add_error(host, task, result.get("msg") or "the task failed without a message")
            return []
        return [result]

    def _session_state(self, record: HostRecord, task: str, result: dict, check_mode: bool) -> None:
        record.declared = True
        if "censored" in result and "files" not in result:
            # no_log on the task: Ansible kept only `changed`. Say that something differs, not what.
            if result.get("changed"):
                record.add_difference(Difference(HIDDEN, "task", clean(task or "session_state"), HIDDEN, HIDDEN, not check_mode))
            return
        for entry in _dicts(result.get("files")):
            path = clean(entry.get("path", ""))
            if path and path not in record.files:
                record.files.append(path)
        for change in _dicts(result.get("changes")):
            record.add_difference(_difference(change, applied=not check_mode))
        service = result.get("service")
        if isinstance(service, dict) and service.get("changed"):
            record.add_difference(_service_difference(service, applied=not check_mode))

    def add_identity(self, host: str, fqdn: object = None, ip: object = None) -> None:
        """What the run knows of a host's name and address (inventory, facts): the last known value wins."""
        known = self._identity.setdefault(clean(host), {"fqdn": "", "ip": ""})
        for key, value in (("fqdn", fqdn), ("ip", ip)):
            if isinstance(value, str) and value.strip():
                known[key] = clean(value)

    def add_error(self, host: str, task: str, message: object) -> None:
        self._record(host).errors.append((clean(task or "session_state"), clean(message)))

    def add_unreachable(self, host: str, message: object) -> None:
        record = self._record(host)
        if record.unreachable is None:
            record.unreachable = clean(message) or "unreachable"

    def add_blocked(self, host: str, task: str, message: object) -> None:
        """A failure of another task: reported only for a host that never got a session_state result."""
        self._blocked.setdefault(clean(host), (clean(task), clean(message)))

    def report(self) -> list[HostRecord]:
        """One record per host, worst status first, then by name."""
        records = list(self._hosts.values())
        for host, (task, message) in self._blocked.items():
            if host not in self._hosts:
                records.append(HostRecord(host, errors=[(task, clean(f"failed before session_state ran: {message}"))]))
        for record in records:
            known = self._identity.get(record.host, {})
            record.fqdn, record.ip = known.get("fqdn", ""), known.get("ip", "")
            record.started = self._started.get(record.host)
        return sorted(records, key=lambda record: (STATUS_ORDER.index(record.status), record.host))


def identity(facts: object = None, address: object = None) -> tuple[str | None, str | None]:
    """(FQDN, IP) of a host from its gathered facts, else from its inventory ``ansible_host``."""
    fqdn = ip = None
    if isinstance(address, str) and "{{" not in address:
        ip, fqdn = (address, None) if _is_ip(address) else (None, address if "." in address else None)
    facts = facts if isinstance(facts, Mapping) else {}
    fqdn = facts.get("ansible_fqdn") or fqdn
    default = facts.get("ansible_default_ipv4")
    addresses = facts.get("ansible_ip_addresses")  # Windows hosts: a list, IPv4 and IPv6
    candidates = ([default.get("address")] if isinstance(default, Mapping) else []) + (addresses if isinstance(addresses, list) else [])
    ip = next((value for value in candidates if _is_ip(value) and ":" not in value), ip)
    return (fqdn if isinstance(fqdn, str) else None), ip


def _is_ip(value: object) -> bool:
    try:
        ipaddress.ip_address(value if isinstance(value, str) else "")
    except ValueError:
        return False
    return True


def _dicts(value: object) -> list[dict]:
    return [entry for entry in value if isinstance(entry, dict)] if isinstance(value, list) else []


def _difference(change: dict, applied: bool) -> Difference:
    attribute = clean(change.get("attribute", ""))
    return Difference(
        path=clean(change.get("path", "")),
        element=clean(change.get("element", "")),
        attribute=attribute,
        actual=_value(attribute, change.get("before")),
        desired=_value(attribute, change.get("after")),
        applied=applied,
    )


def _service_difference(service: dict, applied: bool) -> Difference:
    wanted = [f"{key} {service[key]}" for key in ("state", "start_mode", "port", "allow_remote_connection") if service.get(key) is not None]
    if service.get("exists") is False:
        wanted = ["absent"]
    return Difference(clean(f"service {service.get('name') or 'aspnet_state'}"), "service", "settings", SERVICE_DIFFERS,
                      clean(", ".join(wanted)) or SERVICE_DIFFERS, applied)


def _value(attribute: str, value: object) -> str | None:
    if value is None:
        return None
    return clean(mask_value(attribute, str(value)))


def _shown(value: str | None) -> str:
    return ABSENT if value is None else value


def _wanted(value: str | None) -> str:
    """The value a task declares; None only when it reverts the setting (removes it)."""
    return INHERITED if value is None else value


def summary(records: list[HostRecord]) -> dict[str, int]:
    counts = {"hosts": len(records)}
    counts.update({status: sum(1 for record in records if record.status == status) for status in STATUS_ORDER})
    return counts


def summary_line(records: list[HostRecord]) -> str:
    counts = summary(records)
    parts = [f"{counts[status]} {LABELS[status]}" for status in STATUS_ORDER if counts[status]]
    return f"{counts['hosts']} host(s): " + (", ".join(parts) or "none")


# ---------------------------------------------------------------------------------------------
# Text table


def render_table(records: list[HostRecord]) -> str:
    """The on-screen table: one row per differing setting, error or unreachable host; one per host in line."""
    header = ("HOST", "STATUS", "FILE", "SETTING", "ACTUAL", "DESIRED")
    rows, notes = [], []
    for record in records:
        label = LABELS[record.status]
        host_rows = [["", "", diff.path, diff.setting(), _shown(diff.actual), _wanted(diff.desired)]
                     for diff in record.differences.values()] or [["", "", "", "", "", ""]]
        host_rows[0][:2] = [record.host, label]
        rows += host_rows
        notes += [f"{record.host}: error in {task}: {message}" for task, message in record.errors]
        if record.unreachable is not None:
            notes.append(f"{record.host}: unreachable: {record.unreachable}")
    lines = _aligned(header, rows)
    if notes:
        lines += ["", "Errors and unreachable hosts:"] + ["  " + clean(text) for text in notes]
    return "\n".join(lines + stig_table(records) + ["", summary_line(records)]) + "\n"


def _aligned(header: tuple[str, ...], rows: list[list[str]]) -> list[str]:
    """Rows as left-aligned columns under a header and a dashed rule."""
    cells = [[clean(cell) for cell in row] for row in [list(header)] + rows]
    widths = [max(len(row[column]) for row in cells) for column in range(len(header))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return lines


STIG_COUNT_HEADER = ("HOST", "PROFILE") + STIG_STATUSES
STIG_FINDING_HEADER = ("HOST", "VULN", "RULE", "SITE", "DETAILS")


def stig_table(records: list[HostRecord]) -> list[str]:
    """The STIG section of the screen: counts per audited host, then one line per open finding."""
    counts, findings = _stig_rows(records)
    if not counts:
        return []
    lines = ["", "STIG AUDIT (iis.aspnet.session_state_stig)"] + _aligned(STIG_COUNT_HEADER, counts)
    if findings:
        lines += ["", "Open findings:"] + _aligned(STIG_FINDING_HEADER, findings)
    return lines


def _stig_rows(records: list[HostRecord]) -> tuple[list[list[str]], list[list[str]]]:
    """(a row of counts per audited host, a row per open finding), as the screen and Markdown show them."""
    audited = [record for record in records if record.stig is not None]
    counts = [[record.host, record.stig.profile or HIDDEN] + [str(record.stig.counts()[status]) for status in STIG_STATUSES]
              for record in audited]
    findings = [[record.host, str(finding["vuln_id"]), str(finding["rule_id"]), _site(finding), _first_failing(finding)]
                for record in audited for finding in record.stig.open()]
    return counts, findings


def _site(finding: dict) -> str:
    return "(server)" if finding.get("site") is None else str(finding["site"])


def _first_failing(finding: dict) -> str:
    """The details line of the first evidence that fails or cannot be judged (one line per row), else the first."""
    lines = str(finding.get("finding_details") or "").splitlines() or [""]
    evidence = finding.get("evidence") if isinstance(finding.get("evidence"), list) else []
    failing = [index for index, row in enumerate(evidence) if isinstance(row, dict) and row.get("compliant") is not True]
    if len(evidence) == len(lines) and failing:
        return lines[failing[0]]
    return lines[0]


# ---------------------------------------------------------------------------------------------
# JSON


def report_data(records: list[HostRecord], playbook: str | None = None) -> dict:
    """The report as plain data (the JSON file)."""
    hosts = []
    for record in records:
        files = [{"path": clean(path),
                  "differences": [{"element": clean(diff.element), "attribute": clean(diff.attribute),
                                   "actual": _masked_or_none(diff.actual), "desired": _masked_or_none(diff.desired),
                                   "applied": diff.applied} for diff in record.by_path(path)]}
                 for path in record.paths()]
        hosts.append({
            "host": clean(record.host),
            "status": record.status,
            "files": files,
            "errors": [{"task": clean(task), "message": clean(message)} for task, message in record.errors],
            "unreachable": _masked_or_none(record.unreachable),
            "stig": None if record.stig is None else record.stig.as_dict(),
        })
    return {"generator": GENERATOR, "playbook": _masked_or_none(playbook), "summary": summary(records), "hosts": hosts}


def render_json(records: list[HostRecord], playbook: str | None = None) -> str:
    return json.dumps(report_data(records, playbook), indent=2, ensure_ascii=False) + "\n"


def _masked_or_none(value: str | None) -> str | None:
    return None if value is None else clean(value)


# ---------------------------------------------------------------------------------------------
# Markdown


def render_markdown(records: list[HostRecord], playbook: str | None = None) -> str:
    title = "# Session state drift report" + (f": {_md_code(playbook)}" if playbook else "")
    lines = [title, "", summary_line(records), ""]
    lines += ["| Host | Status | File | Setting | Actual | Desired |", "|---|---|---|---|---|---|"]
    for record in records:
        label = LABELS[record.status]
        rows = [(diff.path, diff.setting(), _shown(diff.actual), _wanted(diff.desired)) for diff in record.differences.values()]
        for index, (path, setting, actual, desired) in enumerate(rows or [("", "", "", "")]):
            host = _md_code(record.host) if index == 0 else ""
            status = label if index == 0 else ""
            cells = [host, status, _md_code(path), _md_code(setting), _md_code(actual), _md_code(desired)]
            lines.append("| " + " | ".join(cells) + " |")
    problems = [(record.host, f"{task}: {message}") for record in records for task, message in record.errors]
    problems += [(record.host, f"unreachable: {record.unreachable}") for record in records if record.unreachable is not None]
    if problems:
        lines += ["", "## Errors and unreachable hosts", ""]
        lines += [f"- {_md_code(host)}: {_md_code(text)}" for host, text in problems]
    return "\n".join(lines + _stig_markdown(records)) + "\n"


def _stig_markdown(records: list[HostRecord]) -> list[str]:
    counts, findings = _stig_rows(records)
    if not counts:
        return []
    lines = ["", "## STIG audit", ""] + _md_table(STIG_COUNT_HEADER, counts)
    if findings:
        lines += ["", "### Open findings", ""] + _md_table(STIG_FINDING_HEADER, findings)
    return lines


def _md_table(header: tuple[str, ...], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(name.capitalize() if name.isupper() else name for name in header) + " |",
             "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(cell if cell.isdigit() else _md_code(cell) for cell in row) + " |" for row in rows]


def _md_code(text: str) -> str:
    """A code span that holds any text inside a table cell (pipes escaped, fence longer than any backtick run)."""
    text = clean(text)
    if not text:
        return ""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    padded = f" {text} " if text.startswith("`") or text.endswith("`") else text
    return f"{fence}{padded.replace('|', chr(92) + '|')}{fence}"


# ---------------------------------------------------------------------------------------------
# JUnit XML


def render_junit(records: list[HostRecord], started: float | None = None, elapsed: float | None = None) -> bytes:
    """JUnit XML: a suite per host, a test case per file (drift = failure) and per STIG rule and target, errors as errors.

    It validates against the JUnit schema of Jenkins' xunit plugin (junit-10.xsd): counts and
    ``time`` on ``<testsuites>`` (no ``skipped`` there), counts, ``skipped``, ``time`` and
    ``timestamp`` on each ``<testsuite>``. ``started`` (epoch seconds) dates the run and the hosts
    without a start of their own; ``elapsed`` is the run's wall time (else the sum of the hosts').
    """
    started = time.time() if started is None else started
    root = ET.Element("testsuites", name=GENERATOR)
    totals = dict.fromkeys(_COUNTS, 0)
    for record in records:
        suite = _suite(root, record, started)
        for key in _COUNTS:
            totals[key] += int(suite.get(key))
    for key in _COUNTS[:3]:  # the schema has no skipped on <testsuites>
        root.set(key, str(totals[key]))
    root.set("time", _seconds(sum(record.time for record in records) if elapsed is None else elapsed))
    ET.indent(root)
    buffer = io.BytesIO()
    ET.ElementTree(root).write(buffer, encoding="utf-8", xml_declaration=True)
    return buffer.getvalue() + b"\n"


_COUNTS = ("tests", "failures", "errors", "skipped")


def _suite(root: ET.Element, record: HostRecord, started: float) -> ET.Element:
    """One host's test suite, with its counts, time and timestamp."""
    suite = ET.SubElement(root, "testsuite", name=_xml(record.host))
    counts = dict.fromkeys(_COUNTS, 0)
    for path in record.paths():
        _file_case(_case(suite, record, path, counts), record.by_path(path), counts)
    findings = record.stig.findings if record.stig is not None else []
    for finding in findings:
        _stig_case(suite, record, finding, counts, record.case_time(STIG_CASES) / len(findings))
    for task, message in record.errors:
        case = _case(suite, record, error_case(task), counts)
        ET.SubElement(case, "error", type="error", message=_xml(message)).text = _xml(message)
        counts["errors"] += 1
    if record.unreachable is not None:
        case = _case(suite, record, "connection", counts)
        ET.SubElement(case, "error", type="unreachable", message=_xml(record.unreachable)).text = _xml(record.unreachable)
        counts["errors"] += 1
    if counts["tests"] == 0:
        _case(suite, record, "session_state", counts)
    for key, value in counts.items():
        suite.set(key, str(value))
    suite.set("time", _seconds(record.time))
    suite.set("timestamp", _timestamp(started if record.started is None else record.started))
    return suite


def _file_case(case: ET.Element, differences: list[Difference], counts: dict[str, int]) -> None:
    """A file: what would change fails the case; what the run changed is its output."""
    drift = [diff for diff in differences if not diff.applied]
    applied = [diff for diff in differences if diff.applied]
    if drift:
        failure = ET.SubElement(case, "failure", type="drift", message=_xml(f"{len(drift)} setting(s) would change"))
        failure.text = "\n".join(_xml(diff.line()) for diff in drift)
        counts["failures"] += 1
    if applied:
        ET.SubElement(case, "system-out").text = "\n".join(_xml(f"changed {diff.line()}") for diff in applied)


def _stig_case(suite: ET.Element, record: HostRecord, finding: dict, counts: dict[str, int], seconds: float) -> None:
    """A STIG rule on one target: Open fails (with the details), Not_Applicable is skipped (with the exception)."""
    case = _case(suite, record, f"STIG {finding['vuln_id']} {finding['rule_id']} {_site(finding)}", counts, seconds)
    if finding["status"] == _stig.OPEN:
        failure = ET.SubElement(case, "failure", type="stig", message=_xml(f"{finding['vuln_id']} Open: {_first_failing(finding)}"))
        failure.text = _ckl.xml_safe(finding.get("finding_details") or "")
        counts["failures"] += 1
    elif finding["status"] == _stig.NOT_APPLICABLE:
        ET.SubElement(case, "skipped", message=_xml(finding.get("comments") or "Not_Applicable"))
        counts["skipped"] += 1


def _case(suite: ET.Element, record: HostRecord, name: str, counts: dict[str, int], seconds: float | None = None) -> ET.Element:
    """A test case; its time is its share of the time of the tasks that reported it."""
    counts["tests"] += 1
    return ET.SubElement(suite, "testcase", classname=_xml(record.host), name=_xml(name),
                         time=_seconds(record.case_time(name) if seconds is None else seconds))


def _seconds(value: float) -> str:
    """Seconds as the schema's SUREFIRE_TIME wants them: digits, at most three decimals."""
    return f"{max(value, 0.0):.3f}"


def _timestamp(epoch: float) -> str:
    """ISO 8601 in UTC without a zone suffix, as JUnit writers (Ant, Surefire) write ``timestamp``."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(epoch))


def _xml(text: str) -> str:
    return _ckl.xml_safe(clean(text))


# ---------------------------------------------------------------------------------------------
# Files


def render(records: list[HostRecord], fmt: str, playbook: str | None = None, started: float | None = None,
           elapsed: float | None = None) -> bytes:
    """One report file's bytes (ckl is not one file: see ``write_checklists``); the run's start and wall time date JUnit."""
    if fmt == "json":
        return render_json(records, playbook).encode("utf-8")
    if fmt == "markdown":
        return render_markdown(records, playbook).encode("utf-8")
    if fmt == "junit":
        return render_junit(records, started, elapsed)
    raise ValueError(f"unknown report format {fmt!r}; known: {', '.join(FORMATS)}")


class UnsafeOutput(Exception):
    """A path under the output directory that leads outside it: nothing is written there."""


def write_reports(records: list[HostRecord], directory: str, formats: list[str], playbook: str | None = None,
                  started: float | None = None, elapsed: float | None = None) -> list[str]:
    """Write each asked format into ``directory`` (made if missing), each file replaced atomically.

    Every file written stays inside ``directory`` (which may itself be a link): a checklists
    folder that is a symbolic link leading out of it is refused before anything is written.
    """
    os.makedirs(directory, exist_ok=True)
    if CKL in formats:
        contained(os.path.join(directory, FORMATS[CKL]), directory)
    written = []
    for fmt in dict.fromkeys(formats):
        if fmt == CKL:
            written += write_checklists(records, os.path.join(directory, FORMATS[CKL]), directory)
            continue
        data = render(records, fmt, playbook, started, elapsed)
        target = os.path.join(directory, FORMATS[fmt])
        _replace(target, data)
        written.append(target)
    return written


def checklists(records: list[HostRecord]) -> list[_ckl.Checklist]:
    """The STIG Viewer checklists of every host's last audit."""
    return [checklist for record in records if record.stig is not None and not record.stig.hidden
            for checklist in _ckl.checklists(record.stig.result(), record.host, fqdn=record.fqdn, ip=record.ip)]


def write_checklists(records: list[HostRecord], directory: str, root: str | None = None) -> list[str]:
    """One .ckl per host, STIG and site into ``directory`` (kept inside ``root``), made only when there is one to write."""
    made = checklists(records)
    if made:
        contained(directory, root or directory)
        os.makedirs(directory, exist_ok=True)
    names = _ckl.file_names(made)
    written = []
    for checklist in made:
        target = os.path.join(directory, names[checklist.key])
        _replace(target, checklist.data)
        written.append(target)
    return written


def contained(path: str, root: str) -> None:
    """Refuse ``path`` when, links resolved, it is not ``root`` or below it (root itself may be a link)."""
    real, real_root = os.path.realpath(path), os.path.realpath(root)
    if real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep):
        return
    leads = os.readlink(path) if os.path.islink(path) else real
    raise UnsafeOutput(f"{path} is a symbolic link to {leads}, outside {root}; refused, nothing written there")


def _replace(target: str, data: bytes) -> None:
    """Write through a temporary file and a rename, so a reader never sees half a file.

    A report file that is a symbolic link is replaced by the new file: the rename never writes
    where the link leads.
    """
    handle, temporary = tempfile.mkstemp(prefix=".drift-report.", dir=os.path.dirname(target))
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        os.unlink(temporary)
        raise


def written_line(written: list[str]) -> str:
    """The files written, for the screen: report files by name, checklists counted (a fleet has many)."""
    files = [path for path in written if not path.endswith(".ckl")]
    count = len(written) - len(files)
    if count:
        files.append(f"{count} STIG checklist(s) in {os.path.dirname(next(path for path in written if path.endswith('.ckl')))}")
    return ", ".join(files) or "nothing (no STIG audit to put in a checklist)"


__all__ = [
    "ACTIONS", "AUDITED", "CHANGED", "CKL", "DRIFT", "ERROR", "FORMATS", "IN_LINE", "LABELS", "STIG_ACTIONS", "STIG_CASES",
    "UNREACHABLE", "Collector", "Difference", "HostRecord", "StigAudit", "UnsafeOutput", "checklists", "clean", "contained",
    "error_case", "identity", "is_session_state",
    "is_session_state_stig", "render", "render_json", "render_junit", "render_markdown", "render_table", "report_data",
    "summary", "write_checklists", "write_reports", "written_line",
]
