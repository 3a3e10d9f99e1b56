"""What a run reports to humans: changes, diffs and the equivalent appcmd command lines.

Private to the iis.aspnet collection: not a public API.

Everything leaving this module is masked (see ``_mask``): a password must not reach a result,
a ``--diff`` display or a log, whichever attribute carries it.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from ansible_collections.iis.aspnet.plugins.plugin_utils.base import _spec
from ansible_collections.iis.aspnet.plugins.plugin_utils.base._mask import mask, mask_value

APPCMD = {64: r"%windir%\system32\inetsrv\appcmd.exe", 32: r"%windir%\SysWOW64\inetsrv\appcmd.exe"}
_CLR = {"v4.0": "4", "v2.0": "2"}
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # XML line ends; str.splitlines would also split on \x0c, \u2028...
_CMD_SPECIAL = re.compile(r'[\s"&|<>^()]')


@dataclass(frozen=True)
class Change:
    """One attribute that a file changes (values as XML text; before None = absent)."""

    path: str
    element: str
    attribute: str
    before: str | None
    after: str | None  # None: removed (reverted to the parent's value)


def masked_change(change: Change) -> dict:
    """The change as a result row, with secrets masked."""
    return {
        "path": change.path,
        "element": change.element,
        "attribute": change.attribute,
        "before": mask_value(change.attribute, change.before),
        "after": mask_value(change.attribute, change.after),
    }


# ---------------------------------------------------------------------------------------------
# Diff


def unified_diff(path: str, before: bytes, after: bytes, encoding: str, context: int = 3) -> str:
    """A unified diff of two versions of a file, masked, line ends not shown.

    Lines are matched on their real text and printed masked, so a line whose only change is a
    password still shows as changed. An empty ``before`` is a new file (from /dev/null).
    """
    old_lines, new_lines = _lines(_text(before, encoding)), _lines(_text(after, encoding))
    header = [f"--- {'/dev/null' if not before else f'before: {path}'}",
              f"+++ {'/dev/null' if not after else f'after: {path}'}"]
    if old_lines == new_lines:
        # Same text: only line ends or the encoding differ (or nothing does).
        return "" if before == after else "\n".join(header + ["# only line ends or encoding differ"]) + "\n"
    start, old_end, new_end = _window(old_lines, new_lines, context)
    old_lines, new_lines = old_lines[start:old_end], new_lines[start:new_end]
    shown_old, shown_new = _masked(old_lines), _masked(new_lines)
    body = []
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for group in matcher.get_grouped_opcodes(context):
        body.append(_hunk_header([(tag, i1 + start, i2 + start, j1 + start, j2 + start) for tag, i1, i2, j1, j2 in group]))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                body += [" " + line for line in shown_old[i1:i2]]
                continue
            body += ["-" + line for line in shown_old[i1:i2]]
            body += ["+" + line for line in shown_new[j1:j2]]
    return "\n".join(header + body) + "\n"


_WHOLE_FILE_LINES = 20000


def _window(old: list[str], new: list[str], context: int) -> tuple[int, int, int]:
    """Lines worth matching: the changed middle plus context, for big files.

    Our edits are local and a config file can have a million lines, which SequenceMatcher
    cannot match in reasonable time. Small files are matched whole, so their hunks are exactly
    difflib's (trimming can pick another, equally valid, alignment among repeated lines).
    """
    if len(old) + len(new) <= _WHOLE_FILE_LINES:
        return 0, len(old), len(new)
    limit = min(len(old), len(new))
    prefix = 0
    while prefix < limit and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    keep = max(0, suffix - context)
    return max(0, prefix - context), len(old) - keep, len(new) - keep


def _masked(lines: list[str]) -> list[str]:
    """Mask lines together (a secret may follow its keyword on a later line of one start tag)."""
    return mask("\n".join(lines)).split("\n") if lines else []


def _text(data: bytes, encoding: str) -> str:
    text = data.decode(encoding, errors="replace")
    return text[1:] if text.startswith("\ufeff") else text  # a BOM is not content


def _lines(text: str) -> list[str]:
    lines = _LINE_BREAK.split(text)
    return lines[:-1] if lines and lines[-1] == "" else lines


def _hunk_header(group) -> str:
    first, last = group[0], group[-1]
    return f"@@ -{_range(first[1], last[2])} +{_range(first[3], last[4])} @@"


def _range(start: int, stop: int) -> str:
    """Unified-diff range: 1-based start and length; an empty range names the line before it."""
    length = stop - start
    if length == 1:
        return str(start + 1)
    return f"{start + 1 if length else start},{length}"


# ---------------------------------------------------------------------------------------------
# the module's result (RETURN of plugins/modules/session_state.py)


def run_result(run, backups: dict, service, commit: str | None, site: str | None) -> dict:
    """files, changes, service and appcmd of a run; every value that may hold a secret is masked."""
    commit = commit or (run.targets[0].commit if run.targets else "WEBROOT")
    pairs = [(t.framework_version, t.bitness) for t in run.targets]
    return {
        "files": [{"path": plan.path, "changed": plan.changed, "backup_file": backups.get(plan.path)} for plan in run.files],
        "changes": [masked_change(change) for plan in run.files for change in plan.changes],
        "reverted": run.reverted,
        "service": service.as_dict() if service is not None else None,
        "appcmd": appcmd_lines(commit, site, run.settings, pairs) + appcmd_clear_lines(commit, site, run.reverts, pairs),
    }


def prepared_diffs(plans) -> list[dict]:
    """Ansible's diff entries: one prepared (masked) unified diff per changed file."""
    return [{"prepared": unified_diff(plan.path, plan.before, plan.after, plan.encoding)} for plan in plans if plan.changed]


# ---------------------------------------------------------------------------------------------
# appcmd equivalents


def appcmd_lines(commit: str, site: str | None, settings: dict[tuple[str, str], str],
                 framework_bitness: list[tuple[str, int]] | None = None) -> list[str]:
    """The appcmd command lines that would make the same settings, one per (bitness, element).

    Server-level files (MACHINE, WEBROOT) exist per framework and bitness: appcmd reaches the
    32-bit tree only as a 32-bit process (SysWOW64), and the framework with ``/clr``. A site or
    application web.config is one file, so SITE and APP need one 64-bit line per element.
    """
    lines = []
    for framework, bitness in _pairs(commit, framework_bitness):
        for element, attributes in _by_element(settings).items():
            lines.append(_appcmd_line(commit, site, framework, bitness, element, attributes))
    return lines


def appcmd_clear_lines(commit: str, site: str | None, reverts: list[tuple[str, str]],
                       framework_bitness: list[tuple[str, int]] | None = None) -> list[str]:
    """The appcmd ``clear config`` lines that remove the same attributes (revert to parent)."""
    lines = []
    for framework, bitness in _pairs(commit, framework_bitness):
        for element in dict.fromkeys(element for element, _xml in reverts):
            names = [xml for owner, xml in reverts if owner == element]
            words = [APPCMD[bitness], "clear", "config"] + ([_cmd_quote(site)] if site else [])
            scope = [f"/commit:{commit}"] + ([f"/clr:{_CLR[framework]}"] if framework else [])
            lines.append(" ".join(words + [f"/section:system.web/{element}"] + [f"/{name}" for name in names] + scope))
    return lines


def _pairs(commit: str, framework_bitness) -> list[tuple[str | None, int]]:
    if commit in ("SITE", "APP", "APPHOST"):
        return [(None, 64)]
    return list(dict.fromkeys(framework_bitness or [("v4.0", 64)]))


def _appcmd_line(commit, site, framework, bitness, element, attributes) -> str:
    words = [APPCMD[bitness], "set", "config"]
    if site:
        words.append(_cmd_quote(site))
    section = [f"/section:system.web/{element}"]
    values = [f"/{xml}:{_cmd_quote(mask_value(xml, value))}" for xml, value in attributes]
    scope = [f"/commit:{commit}"] + ([f"/clr:{_CLR[framework]}"] if framework else [])
    # appcmd's documented shapes: the server-level form names /commit first, the path form last.
    return " ".join(words + (section + values + scope if site else scope + section + values))


def _by_element(settings: dict[tuple[str, str], str]) -> dict[str, list[tuple[str, str]]]:
    """Settings grouped by element, in the spec's attribute order (mode first)."""
    grouped: dict[str, list[tuple[str, str]]] = {}
    for attr in _spec.ATTRIBUTES:
        value = settings.get((attr.element, attr.xml))
        if value is not None:
            grouped.setdefault(attr.element, []).append((attr.xml, value))
    return grouped


def _cmd_quote(value: str) -> str:
    """Quote a command-line word for cmd.exe and the C runtime's argument parser."""
    if value and not _CMD_SPECIAL.search(value):
        return value
    # Backslashes are literal unless they precede a quote: double those, and escape the quote.
    escaped = re.sub(r'(\\*)"', lambda m: m.group(1) * 2 + '\\"', value)
    return '"' + re.sub(r"(\\+)\Z", r"\1\1", escaped) + '"'


__all__ = ["run_result", "prepared_diffs", "APPCMD", "Change", "masked_change", "unified_diff", "appcmd_lines",
           "appcmd_clear_lines"]
