"""Unit tests for _drift: records built from recorded session_state results, and the four renderings."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from ansible_collections.iis.aspnet.plugins.plugin_utils.report import _drift
from ansible_collections.iis.aspnet.plugins.plugin_utils.base._mask import MASK
from ansible_collections.iis.aspnet.tests.unit.plugins.callback.junit_readers import gitlab_cases, schema_errors

FIXTURES = Path(__file__).resolve().parents[2] / "callback" / "fixtures"
CANARY = "Canary-7f3a9c-Secret"
ROOT64 = r"C:\Windows\Microsoft.NET\Framework64\v4.0.30319\Config\web.config"
ROOT32 = r"C:\Windows\Microsoft.NET\Framework\v4.0.30319\Config\web.config"
SHOP = r"C:\inetpub\shop\web.config"
STARTED = 1796466030.0  # 2026-12-05T10:20:30 UTC


def recorded(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text())


def collect(events) -> list[_drift.HostRecord]:
    """events: (host, fixture or message, kind, check_mode); kind ok, failed, unreachable or blocked."""
    collector = _drift.Collector()
    for host, source, kind, check_mode in events:
        if kind == "unreachable":
            collector.add_unreachable(host, source)
        elif kind == "blocked":
            collector.add_blocked(host, "Install ASP.NET", source)
        else:
            collector.add_result(host, f"task {source}", recorded(source), failed=kind == "failed", check_mode=check_mode)
    return collector.report()


def lines_of(record: _drift.HostRecord) -> list[str]:
    return [f"{diff.path} | {diff.line()} | {'applied' if diff.applied else 'would'}" for diff in record.differences.values()]


def junit(records) -> ET.Element:
    return ET.fromstring(_drift.render_junit(records))


# ---------------------------------------------------------------------------------------------
# Records: (case, events, {host: (status, difference lines, error messages, unreachable)})

CASES = [
    ("check mode is drift", [("web01", "check_root", "ok", True)],
     {"web01": (_drift.DRIFT, [f"{ROOT64} | sessionState mode: (absent) -> InProc | would",
                               f"{ROOT32} | sessionState mode: StateServer -> InProc | would"], [], None)}),
    ("applied changes are corrections", [("web01", "apply_root", "ok", False)],
     {"web01": (_drift.CHANGED, [f"{ROOT64} | sessionState mode: (absent) -> InProc | applied",
                                 f"{ROOT32} | sessionState mode: StateServer -> InProc | applied"], [], None)}),
    ("steady state is in line", [("web01", "steady_root", "ok", True)], {"web01": (_drift.IN_LINE, [], [], None)}),
    ("several tasks merge per host", [("web01", "check_root", "ok", True), ("web01", "check_site", "ok", True),
                                      ("web01", "steady_root", "ok", True)],
     {"web01": (_drift.DRIFT, [f"{ROOT64} | sessionState mode: (absent) -> InProc | would",
                               f"{ROOT32} | sessionState mode: StateServer -> InProc | would",
                               f"{SHOP} | sessionState timeout: 20 -> 15 | would"], [], None)}),
    ("same attribute twice: first actual, last desired", [("web01", "check_root", "ok", True), ("web01", "check_sql_secret", "ok", True)],
     {"web01": (_drift.DRIFT, [f"{ROOT64} | sessionState mode: (absent) -> SQLServer | would",
                               f"{ROOT32} | sessionState mode: StateServer -> SQLServer | would",
                               f"{ROOT64} | sessionState timeout: (absent) -> 30 | would",
                               f"{ROOT64} | sessionState sqlConnectionString: (absent) -> data source=db01;user id=app;password={MASK} | would",
                               f"{ROOT32} | sessionState sqlConnectionString: (absent) -> data source=db01;user id=app;password={MASK} | would"],
                [], None)}),
    ("a refused task is an error", [("web01", "refused_apphost", "failed", False)],
     {"web01": (_drift.ERROR, [], ["task refused_apphost: commit: APPHOST is refused"], None)}),
    ("service only", [("web01", "check_service_only", "ok", True)],
     {"web01": (_drift.DRIFT, ["service aspnet_state | service settings: (differs) -> state started, start_mode auto | would"], [], None)}),
    ("loop items one by one", [("web01", "loop_site_items", "failed", True)],
     {"web01": (_drift.ERROR, [f"{SHOP} | sessionState timeout: 20 -> 15 | would"],
                ["task loop_site_items: site 'Nope' not found in applicationHost.config"], None)}),
    ("unreachable and blocked hosts", [("web02", "ssh: connect to host 127.0.0.1 port 1: Connection refused", "unreachable", False),
                                       ("web03", "no such feature", "blocked", False), ("web01", "steady_root", "ok", True)],
     {"web03": (_drift.ERROR, [], ["Install ASP.NET: failed before session_state ran: no such feature"], None),
      "web02": (_drift.UNREACHABLE, [], [], "ssh: connect to host 127.0.0.1 port 1: Connection refused"),
      "web01": (_drift.IN_LINE, [], [], None)}),
    ("blocked is ignored once session_state ran", [("web01", "check_root", "ok", True), ("web01", "later failure", "blocked", False)],
     {"web01": (_drift.DRIFT, [f"{ROOT64} | sessionState mode: (absent) -> InProc | would",
                               f"{ROOT32} | sessionState mode: StateServer -> InProc | would"], [], None)}),
]


@pytest.mark.parametrize(("case", "events", "expected"), CASES, ids=[row[0] for row in CASES])
def test_records(case, events, expected):
    del case
    records = collect(events)
    assert [record.host for record in records] == list(expected)  # expected is written worst first
    for record in records:
        status, lines, errors, unreachable = expected[record.host]
        assert record.status == status
        assert lines_of(record) == lines
        assert [f"{task}: {message}"[:len(want)] for (task, message), want in zip(record.errors, errors)] == errors
        assert record.unreachable == unreachable


def test_skipped_results_and_unknown_shapes_are_ignored():
    collector = _drift.Collector()
    collector.add_result("web01", "t", {"skipped": True, "changed": False})
    collector.add_result("web01", "t", {"changed": False, "files": "not a list", "changes": [None, 3]})
    (record,) = collector.report()
    assert record.status == _drift.IN_LINE and record.paths() == []


def test_report_can_be_taken_twice():
    collector = _drift.Collector()
    collector.add_blocked("web01", "Install", "no feature")
    collector.add_result("web02", "t", recorded("check_root"), check_mode=True)
    first = _drift.render_json(collector.report())
    assert _drift.render_json(collector.report()) == first
    assert [record.errors for record in collector.report()] == [[("Install", "failed before session_state ran: no feature")], []]


def test_set_and_set_back_within_a_run_leaves_no_difference():
    collector = _drift.Collector()
    there = {"files": [{"path": ROOT64}], "changes": [{"path": ROOT64, "element": "sessionState", "attribute": "mode", "before": "Off", "after": "InProc"}]}
    back = {"files": [{"path": ROOT64}], "changes": [{"path": ROOT64, "element": "sessionState", "attribute": "mode", "before": "InProc", "after": "Off"}]}
    collector.add_result("web01", "there", there)
    collector.add_result("web01", "back", back)
    (record,) = collector.report()
    assert record.status == _drift.IN_LINE and record.paths() == [ROOT64]


@pytest.mark.parametrize(("changed", "status"), [(True, _drift.DRIFT), (False, _drift.IN_LINE)])
def test_a_no_log_task_says_something_differs_but_not_what(changed, status):
    collector = _drift.Collector()
    censored = {"censored": "the output has been hidden", "changed": changed, "_ansible_no_log": True}
    collector.add_result("web01", "Hidden", censored, check_mode=True)
    collector.add_result("web01", "Hidden", censored, check_mode=True)  # the same task again still shows once
    (record,) = collector.report()
    assert record.status == status
    assert [diff.line() for diff in record.differences.values()] == (["task Hidden: (hidden by no_log) -> (hidden by no_log)"] if changed else [])


@pytest.mark.parametrize(("action", "expected"), [
    ("iis.aspnet.session_state", True), ("session_state", True), ("ansible.legacy.session_state", True),
    ("iis.aspnet.session_state_info", False), ("ansible.builtin.copy", False), (None, False),
])
def test_is_session_state(action, expected):
    assert _drift.is_session_state(action) is expected


# ---------------------------------------------------------------------------------------------
# Renderings

FLEET = [("web01", "check_root", "ok", True), ("web01", "check_site", "ok", True),
         ("web02", "steady_root", "ok", True),
         ("web03", "refused_apphost", "failed", True),
         ("web04", "Failed to connect to the host via ssh", "unreachable", False),
         ("web05", "apply_root", "ok", False)]


def test_table():
    table = _drift.render_table(collect(FLEET))
    assert table.splitlines() == [
        "HOST   STATUS        FILE                                                               SETTING               ACTUAL       DESIRED",
        "-----  ------------  -----------------------------------------------------------------  --------------------  -----------  -------",
        "web03  error",
        "web04  unreachable",
        f"web01  would change  {ROOT64}  sessionState mode     (absent)     InProc",
        f"                     {ROOT32}    sessionState mode     StateServer  InProc",
        f"                     {SHOP}                                         sessionState timeout  20           15",
        f"web05  changed       {ROOT64}  sessionState mode     (absent)     InProc",
        f"                     {ROOT32}    sessionState mode     StateServer  InProc",
        "web02  in line",
        "",
        "Errors and unreachable hosts:",
        "  web03: error in task refused_apphost: commit: APPHOST is refused for system.web/sessionState: IIS accepts system.web in "
        "applicationHost.config, but ASP.NET never reads system.web from it, so the setting would have no effect. "
        "Use WEBROOT (the server's root web.config) or SITE/APP with site.",
        "  web04: unreachable: Failed to connect to the host via ssh",
        "",
        "5 host(s): 1 error, 1 unreachable, 1 would change, 1 changed, 1 in line",
    ]


def test_json():
    data = json.loads(_drift.render_json(collect(FLEET), playbook="drift.yml"))
    assert data["generator"] == "iis.aspnet.drift_report" and data["playbook"] == "drift.yml"
    assert data["summary"] == {"hosts": 5, "error": 1, "unreachable": 1, "drift": 1, "changed": 1, "in_line": 1, "audited": 0}
    hosts = {entry["host"]: entry for entry in data["hosts"]}
    assert [entry["host"] for entry in data["hosts"]] == ["web03", "web04", "web01", "web05", "web02"]
    assert [(f["path"], d["attribute"], d["actual"], d["desired"], d["applied"]) for f in hosts["web01"]["files"] for d in f["differences"]] == [
        (ROOT64, "mode", None, "InProc", False), (ROOT32, "mode", "StateServer", "InProc", False), (SHOP, "timeout", "20", "15", False)]
    assert hosts["web02"]["status"] == "in_line" and [f["differences"] for f in hosts["web02"]["files"]] == [[], []]
    assert hosts["web03"]["errors"][0]["task"] == "task refused_apphost" and hosts["web03"]["files"] == []
    assert hosts["web04"]["unreachable"] == "Failed to connect to the host via ssh"


def test_markdown():
    text = _drift.render_markdown(collect(FLEET), playbook="drift.yml")
    lines = text.splitlines()
    assert lines[0] == "# Session state drift report: `drift.yml`"
    assert lines[2] == "5 host(s): 1 error, 1 unreachable, 1 would change, 1 changed, 1 in line"
    assert f"| `web01` | would change | `{ROOT64}` | `sessionState mode` | `(absent)` | `InProc` |" in lines
    assert f"|  |  | `{SHOP}` | `sessionState timeout` | `20` | `15` |" in lines
    assert "| `web02` | in line |  |  |  |  |" in lines
    assert "- `web04`: `unreachable: Failed to connect to the host via ssh`" in lines
    # every table row has the same number of cells
    assert {line.count(" | ") for line in lines if line.startswith("| ")} == {5}


@pytest.mark.parametrize(("text", "expected"), [
    ("plain", "`plain`"), ("a|b", r"`a\|b`"), ("x `y` z", "``x `y` z``"), ("`edge", "`` `edge ``"), ("two\nlines", "`two lines`"), ("", ""),
])
def test_markdown_code_spans(text, expected):
    assert _drift._md_code(text) == expected  # pylint: disable=protected-access


def test_junit_counts_and_lines():
    root = junit(collect(FLEET))
    assert (root.tag, root.get("tests"), root.get("failures"), root.get("errors")) == ("testsuites", "9", "3", "2")
    suites = {suite.get("name"): suite for suite in root.iter("testsuite")}
    web01 = suites["web01"]
    assert [case.get("name") for case in web01.iter("testcase")] == [ROOT64, ROOT32, SHOP]
    assert [case.find("failure").text for case in web01.iter("testcase")] == [
        "sessionState mode: (absent) -> InProc", "sessionState mode: StateServer -> InProc", "sessionState timeout: 20 -> 15"]
    assert {case.get("classname") for case in root.iter("testcase") if case.get("classname") == "web01"} == {"web01"}
    in_line = list(suites["web02"].iter("testcase"))
    assert [case.get("name") for case in in_line] == [ROOT64, ROOT32] and all(len(case) == 0 for case in in_line)
    (error,) = suites["web03"].iter("error")
    assert error.get("type") == "error" and error.get("message").startswith("commit: APPHOST is refused")
    (unreachable,) = suites["web04"].iter("error")
    assert unreachable.get("type") == "unreachable"
    corrected = list(suites["web05"].iter("testcase"))
    assert [case.find("failure") for case in corrected] == [None, None]
    assert [case.find("system-out").text for case in corrected] == ["changed sessionState mode: (absent) -> InProc",
                                                                    "changed sessionState mode: StateServer -> InProc"]
    for suite in suites.values():
        assert int(suite.get("tests")) == len(list(suite.iter("testcase")))
        assert int(suite.get("failures")) == len(list(suite.iter("failure")))
        assert int(suite.get("errors")) == len(list(suite.iter("error")))


def test_junit_validates_against_the_xunit_schema_and_reads_in_gitlab_as_written():
    data = _drift.render_junit(collect(FLEET), started=STARTED, elapsed=12.3456)
    assert schema_errors(data) == []
    cases = [(case.suite, case.name, case.status) for case in gitlab_cases(data)]
    assert cases == [
        ("web03", "task: task refused_apphost", "error"),
        ("web04", "connection", "error"),
        ("web01", ROOT64, "failed"), ("web01", ROOT32, "failed"), ("web01", SHOP, "failed"),
        ("web05", ROOT64, "success"), ("web05", ROOT32, "success"),
        ("web02", ROOT64, "success"), ("web02", ROOT32, "success"),
    ]
    root = ET.fromstring(data)
    assert root.get("time") == "12.346" and root.get("skipped") is None
    assert {suite.get("timestamp") for suite in root.iter("testsuite")} == {"2026-12-05T10:20:30"}


def test_junit_times_are_the_tasks_shared_among_the_cases_they_reported():
    collector = _drift.Collector()
    collector.add_start("web01", STARTED + 5)
    collector.add_result("web01", "root", recorded("check_root"), check_mode=True, duration=3.0)  # two files
    collector.add_result("web01", "shop", recorded("check_site"), check_mode=True, duration=0.5)  # one file
    collector.add_result("web01", "again", recorded("check_root"), check_mode=True, duration=1.0)
    collector.add_result("web02", "refused", recorded("refused_apphost"), failed=True, check_mode=True, duration=0.25)
    collector.add_result("web03", "skipped", {"skipped": True}, duration=9.0)  # nothing reported: no suite
    data = _drift.render_junit(collector.report(), started=STARTED)
    assert schema_errors(data) == []
    root = ET.fromstring(data)
    suites = {suite.get("name"): suite for suite in root.iter("testsuite")}
    assert sorted(suites) == ["web01", "web02"]
    assert (suites["web01"].get("time"), suites["web01"].get("timestamp")) == ("4.500", "2026-12-05T10:20:35")
    assert [(case.get("name"), case.get("time")) for case in suites["web01"].iter("testcase")] == [
        (ROOT64, "2.000"), (ROOT32, "2.000"), (SHOP, "0.500")]
    assert suites["web02"].get("timestamp") == "2026-12-05T10:20:30"  # no start seen: the run's
    assert [(case.get("name"), case.get("time")) for case in suites["web02"].iter("testcase")] == [("task: refused", "0.250")]
    assert root.get("time") == "4.750"  # no run time given: the hosts' sum


def test_junit_survives_characters_xml_cannot_carry():
    collector = _drift.Collector()
    collector.add_result("web<&>01", "t", {"failed": True, "msg": "bad \x00\x1b byte \"quoted\" & <tag>"}, failed=True)
    root = junit(collector.report())
    (error,) = root.iter("error")
    assert error.get("message") == "bad \ufffd\ufffd byte \"quoted\" & <tag>" and root.find("testsuite").get("name") == "web<&>01"


def test_empty_run():
    assert _drift.render_table([]).endswith("0 host(s): none\n")
    assert json.loads(_drift.render_json([]))["hosts"] == []
    assert junit([]).get("tests") == "0"


# ---------------------------------------------------------------------------------------------
# Secrets: a result that carries the secret in clear (a message, a value, diff, invocation, appcmd)

LEAKY = [("web01", "leaky_check_site", "ok", True), ("web02", "leaky_failure", "failed", True)]


@pytest.mark.parametrize("fmt", ["table", "json", "markdown", "junit"])
def test_secrets_are_masked_in_every_rendering(fmt):
    records = collect(LEAKY)
    text = _drift.render_table(records) if fmt == "table" else _drift.render(records, fmt).decode("utf-8")
    if fmt == "json":
        text = text.replace("\\\\", "\\")  # JSON doubles each backslash of a Windows path
    assert CANARY not in text and MASK in text
    assert "C:\\inetpub\\shop\\web.config" in text and "is locked" in text


def test_masked_values_keep_their_shape():
    (web02, web01) = collect(LEAKY)
    assert [diff.line() for diff in web01.differences.values()] == [
        f"sessionState sqlConnectionString: data source=old;password={MASK}; -> Data Source=db02;Pwd = {MASK}",
        f"sessionState password: (absent) -> {MASK}"]
    assert web02.errors == [("task leaky_failure", f"cannot connect: password={MASK}; the file C:\\x\\web.config is locked second line")]


# ---------------------------------------------------------------------------------------------
# Files


def test_write_reports(tmp_path):
    records = collect(FLEET)
    target = tmp_path / "reports" / "nested"
    written = _drift.write_reports(records, str(target), ["junit", "json", "junit"], playbook="p.yml")
    assert written == [str(target / "drift-report.xml"), str(target / "drift-report.json")]
    assert sorted(path.name for path in target.iterdir()) == ["drift-report.json", "drift-report.xml"]
    assert json.loads((target / "drift-report.json").read_text())["summary"]["hosts"] == 5
    assert ET.parse(target / "drift-report.xml").getroot().get("failures") == "3"


def test_unknown_format_is_refused():
    with pytest.raises(ValueError, match="unknown report format 'yaml'"):
        _drift.render([], "yaml")


def test_a_rollout_pre_flight_then_apply_ends_as_changed_and_a_later_check_that_still_differs_as_drift():
    change = {"path": "C:\\w\\web.config", "element": "sessionState", "attribute": "mode", "before": "Off", "after": "InProc"}
    result = {"changed": True, "files": [{"path": change["path"], "changed": True}], "changes": [change]}
    rollout = _drift.Collector()
    rollout.add_result("web01", "pre-flight", result, check_mode=True)
    rollout.add_result("web01", "apply", result, check_mode=False)
    rollout.add_result("web01", "verify", {"changed": False, "files": [{"path": change["path"], "changed": False}], "changes": []},
                       check_mode=True)
    (record,) = rollout.report()
    assert record.status == _drift.CHANGED
    stuck = _drift.Collector()
    stuck.add_result("web02", "apply", result, check_mode=False)
    stuck.add_result("web02", "check", result, check_mode=True)
    assert stuck.report()[0].status == _drift.DRIFT


# ---------------------------------------------------------------------------------------------
# A revert: the setting goes, the level above governs; every rendering says so.

REVERT = {"changed": True, "files": [{"path": SHOP, "changed": True, "backup_file": None}],
          "changes": [{"path": SHOP, "element": "sessionState", "attribute": "cookieless", "before": "UseUri", "after": None}],
          "reverted": [{"path": SHOP, "element": "sessionState", "attribute": "cookieless", "value": "UseCookies",
                        "config_path": "MACHINE/WEBROOT/APPHOST/Default Web Site/shop", "source": None}],
          "service": None, "appcmd": []}


def test_a_revert_is_a_change_like_any_other_in_every_rendering():
    collector = _drift.Collector()
    collector.add_result("web01", "revert", REVERT, check_mode=True)
    records = collector.report()
    (record,) = records
    assert record.status == _drift.DRIFT
    assert lines_of(record) == [f"{SHOP} | sessionState cookieless: UseUri -> (inherited) | would"]
    (row,) = [line for line in _drift.render_table(records).splitlines() if "cookieless" in line]
    assert row.split()[-2:] == ["UseUri", "(inherited)"]
    assert "`(inherited)`" in _drift.render_markdown(records)
    (difference,) = json.loads(_drift.render_json(records))["hosts"][0]["files"][0]["differences"]
    assert difference == {"element": "sessionState", "attribute": "cookieless", "actual": "UseUri", "desired": None,
                          "applied": False}
    (failure,) = junit(records).iter("failure")
    assert failure.text == "sessionState cookieless: UseUri -> (inherited)"
