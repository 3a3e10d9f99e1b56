"""The STIG rule tables of docs/stig.md and docs/user-guide.md against the engine's rule table.

``_stig.BENCHMARKS`` is the one source of the rule data; the documentation repeats it for readers,
and this test fails when a release, a rule, a Rule ID revision or a limit drifts from it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ansible_collections.iis.aspnet.plugins.plugin_utils.audit import _stig

DOCS = Path(__file__).resolve().parents[3] / "docs"
NAMES = {"IIS_10-0_Server_STIG": "IIS 10.0 Server", "IIS_10-0_Site_STIG": "IIS 10.0 Site",
         "IIS_8-5_Server_STIG": "IIS 8.5 Server", "IIS_8-5_Site_STIG": "IIS 8.5 Site"}


def table_rows(text: str, header: str) -> list[list[str]]:
    """The cells of the Markdown table whose header row starts with ``header``."""
    lines = text.splitlines()
    start = next(index for index, line in enumerate(lines) if line.startswith(header))
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows


def expected_rules() -> list[tuple[str, ...]]:
    return [(f"{NAMES[bench.stig_id]} V{bench.version}R{bench.release}", rule.vuln_id, rule.rule_id, rule.stig_id,
             " and ".join(f"`{check.attribute}` = `{check.allowed[0]}`" if check.allowed else f"`{check.attribute}` ≤ {check.maximum}"
                          for check in rule.checks),
             "server" if bench.scope == _stig.SERVER else "each site")
            for bench in _stig.BENCHMARKS.values() for rule in bench.rules]


@pytest.mark.parametrize("page", ["stig.md", "user-guide.md"])
def test_rule_table_is_the_engine_rule_table(page):
    rows = table_rows((DOCS / page).read_text(encoding="utf-8"), "| STIG | Vuln ID | Rule ID | STIG ID | what is checked | where judged |")
    # "what is checked" may add a note in parentheses (the web farm).
    documented = [(row[0], row[1], row[2], row[3], re.sub(r" \(.*\)$", "", row[4]), row[5]) for row in rows]
    assert documented == expected_rules()


def test_exceptions_column_is_what_each_rule_allows():
    rows = table_rows((DOCS / "stig.md").read_text(encoding="utf-8"), "| STIG | Vuln ID | Rule ID | STIG ID | what is checked |")
    rules = {rule.vuln_id: rule for bench in _stig.BENCHMARKS.values() for rule in bench.rules}
    for row in rows:
        rule = rules[row[1]]
        allowed = [f"`{kind}`" for kind, fits in ((_stig.KIND_NOT_APPLICABLE, rule.maintenance), (_stig.KIND_WEB_FARM, rule.web_farm)) if fits]
        assert row[6] == ", ".join(allowed), row[1]


def test_releases_table_is_the_engine_benchmarks():
    rows = table_rows((DOCS / "stig.md").read_text(encoding="utf-8"), "| profile | STIG | version, release |")
    profile_of = {stig_id: profile for profile, ids in _stig.PROFILES.items() for stig_id in ids}
    expected = [[f"`{profile_of[bench.stig_id]}`", f"Microsoft {NAMES[bench.stig_id]} (`{bench.stig_id}`)", f"V{bench.version}R{bench.release}",
                 bench.date or "not verified", bench.target_key or "not known"] for bench in _stig.BENCHMARKS.values()]
    assert rows == expected
