"""Drift records of iis.aspnet.session_state runs, and their renderings for people and for CI.

Private to the iis.aspnet collection: not a public API.

The ``drift_report`` callback feeds a :class:`Collector` with the result dictionaries of
session_state tasks as they arrive; at the end of the run :meth:`Collector.report` merges them
into one :class:`HostRecord` per host, and the ``render_*`` functions turn that into a text
table, JSON, Markdown or JUnit XML. Nothing here imports Ansible.

Only known keys of a result are read (``files``, ``changes``, ``service``, ``msg``): never
``diff`` nor ``invocation``. Every text that reaches a record is masked (``_mask``), and the
renderers mask each cell again, so a password cannot leak even through a message.
"""

from __future__ import annotations

import io
import json
import os
import re
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from ansible_collections.iis.aspnet.plugins.plugin_utils._mask import mask, mask_value

GENERATOR = "iis.aspnet.drift_report"
ACTIONS = frozenset({"iis.aspnet.session_state", "session_state", "ansible.legacy.session_state"})
FORMATS = {"json": "drift-report.json", "markdown": "drift-report.md", "junit": "drift-report.xml"}

DRIFT, CHANGED, ERROR, UNREACHABLE, IN_LINE = "drift", "changed", "error", "unreachable", "in_line"
# Worst first: the order of hosts in every rendering.
STATUS_ORDER = (ERROR, UNREACHABLE, DRIFT, CHANGED, IN_LINE)
LABELS = {DRIFT: "would change", CHANGED: "changed", ERROR: "error", UNREACHABLE: "unreachable", IN_LINE: "in line"}
ABSENT = "(absent)"
SERVICE_DIFFERS = "(differs)"
HIDDEN = "(hidden by no_log)"

# Characters XML 1.0 cannot carry, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")


def is_session_state(action: object) -> bool:
    """Whether a task's action name is iis.aspnet.session_state (any of the names it goes by)."""
    return isinstance(action, str) and action in ACTIONS


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
        return f"{self.setting()}: {_shown(self.actual)} -> {_shown(self.desired)}"


@dataclass
class HostRecord:
    """Everything the run learned about one host."""

    host: str
    files: list[str] = field(default_factory=list)
    differences: dict[tuple[str, str, str], Difference] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (task, message)
    unreachable: str | None = None

    @property
    def status(self) -> str:
        if self.errors:
            return ERROR
        if self.unreachable is not None:
            return UNREACHABLE
        if any(not diff.applied for diff in self.differences.values()):
            return DRIFT
        return CHANGED if self.differences else IN_LINE

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

    def _record(self, host: str) -> HostRecord:
        host = clean(host)
        return self._hosts.setdefault(host, HostRecord(host))

    def add_result(self, host: str, task: str, result: dict, failed: bool = False, check_mode: bool = False) -> None:
        """One session_state result (a loop's results are taken item by item)."""
        items = result.get("results") if isinstance(result, dict) else None
        if isinstance(items, list) and "files" not in result:
            for item in items:
                if isinstance(item, dict):
                    self.add_result(host, task, item, bool(item.get("failed")), check_mode)
            if failed and not any(isinstance(item, dict) and item.get("failed") for item in items):
                self.add_error(host, task, result.get("msg") or "the task failed")
            return
        if not isinstance(result, dict) or result.get("skipped"):
            return
        if result.get("unreachable"):
            self.add_unreachable(host, result.get("msg") or "unreachable")
            return
        if failed or result.get("failed"):
            self.add_error(host, task, result.get("msg") or "the task failed without a message")
            return
        record = self._record(host)
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
        return sorted(records, key=lambda record: (STATUS_ORDER.index(record.status), record.host))


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
        host_rows = [["", "", diff.path, diff.setting(), _shown(diff.actual), _shown(diff.desired)]
                     for diff in record.differences.values()] or [["", "", "", "", "", ""]]
        host_rows[0][:2] = [record.host, label]
        rows += host_rows
        notes += [f"{record.host}: error in {task}: {message}" for task, message in record.errors]
        if record.unreachable is not None:
            notes.append(f"{record.host}: unreachable: {record.unreachable}")
    cells = [[clean(cell) for cell in row] for row in [list(header)] + rows]
    widths = [max(len(row[column]) for row in cells) for column in range(len(header))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * width for width in widths))
    if notes:
        lines += ["", "Errors and unreachable hosts:"] + ["  " + clean(text) for text in notes]
    return "\n".join(lines + ["", summary_line(records)]) + "\n"


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
        rows = [(diff.path, diff.setting(), _shown(diff.actual), _shown(diff.desired)) for diff in record.differences.values()]
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
    return "\n".join(lines) + "\n"


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


def render_junit(records: list[HostRecord]) -> bytes:
    """JUnit XML: a suite per host, a test case per file (drift = failure), errors as errors."""
    root = ET.Element("testsuites", name=GENERATOR)
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for record in records:
        suite = ET.SubElement(root, "testsuite", name=_xml(record.host))
        counts = {"tests": 0, "failures": 0, "errors": 0}
        for path in record.paths():
            case = _case(suite, record.host, path, counts)
            drift = [diff for diff in record.by_path(path) if not diff.applied]
            applied = [diff for diff in record.by_path(path) if diff.applied]
            if drift:
                failure = ET.SubElement(case, "failure", type="drift", message=_xml(f"{len(drift)} setting(s) would change"))
                failure.text = "\n".join(_xml(diff.line()) for diff in drift)
                counts["failures"] += 1
            if applied:
                ET.SubElement(case, "system-out").text = "\n".join(_xml(f"changed {diff.line()}") for diff in applied)
        for task, message in record.errors:
            case = _case(suite, record.host, f"task: {task}", counts)
            ET.SubElement(case, "error", type="error", message=_xml(message)).text = _xml(message)
            counts["errors"] += 1
        if record.unreachable is not None:
            case = _case(suite, record.host, "connection", counts)
            ET.SubElement(case, "error", type="unreachable", message=_xml(record.unreachable)).text = _xml(record.unreachable)
            counts["errors"] += 1
        if counts["tests"] == 0:
            _case(suite, record.host, "session_state", counts)
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    buffer = io.BytesIO()
    ET.ElementTree(root).write(buffer, encoding="utf-8", xml_declaration=True)
    return buffer.getvalue() + b"\n"


def _case(suite: ET.Element, host: str, name: str, counts: dict[str, int]) -> ET.Element:
    counts["tests"] += 1
    return ET.SubElement(suite, "testcase", classname=_xml(host), name=_xml(name))


def _xml(text: str) -> str:
    return _NOT_XML.sub("\ufffd", clean(text))


# ---------------------------------------------------------------------------------------------
# Files


def render(records: list[HostRecord], fmt: str, playbook: str | None = None) -> bytes:
    if fmt == "json":
        return render_json(records, playbook).encode("utf-8")
    if fmt == "markdown":
        return render_markdown(records, playbook).encode("utf-8")
    if fmt == "junit":
        return render_junit(records)
    raise ValueError(f"unknown report format {fmt!r}; known: {', '.join(FORMATS)}")


def write_reports(records: list[HostRecord], directory: str, formats: list[str], playbook: str | None = None) -> list[str]:
    """Write each asked format into ``directory`` (made if missing), each file replaced atomically."""
    os.makedirs(directory, exist_ok=True)
    written = []
    for fmt in dict.fromkeys(formats):
        data = render(records, fmt, playbook)
        target = os.path.join(directory, FORMATS[fmt])
        handle, temporary = tempfile.mkstemp(prefix=".drift-report.", dir=directory)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.chmod(temporary, 0o644)
            os.replace(temporary, target)
        except BaseException:
            os.unlink(temporary)
            raise
        written.append(target)
    return written


__all__ = [
    "ACTIONS", "CHANGED", "DRIFT", "ERROR", "FORMATS", "IN_LINE", "LABELS", "UNREACHABLE",
    "Collector", "Difference", "HostRecord", "clean", "is_session_state", "render", "render_json",
    "render_junit", "render_markdown", "render_table", "report_data", "summary", "write_reports",
]
