"""Planning one file: only what is asked, runtime rules on the value in effect, locks, fidelity."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.iis.aspnet.plugins.plugin_utils.document import _locate, _xmlfile
from ansible_collections.iis.aspnet.plugins.plugin_utils.model import _model
from ansible_collections.iis.aspnet.plugins.plugin_utils.run import _plan
from ansible_collections.iis.aspnet.plugins.plugin_utils.base._errors import ConfigError
from ansible_collections.iis.aspnet.tests.unit.plugins.plugin_utils.engine_helpers import changed_region, config

WEBROOT = "C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\Config\\web.config"
MACHINE = "C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\Config\\machine.config"


def layer(data: bytes, path=WEBROOT):
    return _xmlfile.parse(path, data)


def judged(plan, machine_body: str):
    """Judge a planned root web.config change on the model, machine.config holding ``machine_body``."""
    docs = {MACHINE.casefold(): _xmlfile.parse(MACHINE, config(machine_body)), WEBROOT.casefold(): _xmlfile.parse(WEBROOT, plan.before)}
    return _plan.judge(plan, _model.server_chain("v4.0", 64), lambda path: docs.get(path.casefold()))


STATE = "  <system.web>\n    <sessionState mode=\"InProc\" timeout=\"20\" cookieless=\"UseCookies\" compressionEnabled=\"True\" />\n  </system.web>\n"

IN_LINE = [
    {("sessionState", "mode"): "InProc"},
    {("sessionState", "timeout"): "20"},
    {("sessionState", "cookieless"): "UseCookies", ("sessionState", "compressionEnabled"): "true"},
]


@pytest.mark.parametrize("desired", IN_LINE)
def test_nothing_to_do_reads_nothing_above_and_keeps_bytes(desired):
    data = config(STATE)
    plan = _plan.plan_file(layer(data), "", desired)
    assert not plan.changed and plan.changes == [] and plan.after is data


def test_a_change_touches_only_what_is_asked():
    data = config(STATE)
    plan = _plan.plan_file(layer(data), "", {("sessionState", "mode"): "StateServer", ("sessionState", "timeout"): "20"})
    assert [(c.attribute, c.before, c.after) for c in plan.changes] == [("mode", "InProc", "StateServer")]
    assert plan.after == data.replace(b'mode="InProc"', b'mode="StateServer"')


def test_applying_twice_equals_applying_once():
    desired = {("sessionState", "mode"): "SQLServer", ("sessionState", "timeout"): "600000",
               ("sessionPageState", "historySize"): "4"}
    first = _plan.plan_file(layer(config("  <appSettings />\n")), "Default Web Site", desired)
    second = _plan.plan_file(layer(first.after), "Default Web Site", desired)
    assert first.changed and not second.changed and second.after == first.after


# (case, target body, machine.config body, desired, refusal fragment or None)
RULES = [
    ("timeout above a year with the file's InProc", STATE, "", {("sessionState", "timeout"): "525601"}, "rejected by ASP.NET"),
    ("Infinite with the default mode (InProc)", "", "", {("sessionState", "timeout"): "Infinite"}, "rejected by ASP.NET"),
    ("a year with SQLServer inherited from machine.config", "", "  <system.web><sessionState mode=\"SQLServer\" /></system.web>\n",
     {("sessionState", "timeout"): "600000"}, None),
    ("the target's own mode wins over the inherited one", "  <system.web><sessionState mode=\"StateServer\" /></system.web>\n",
     "  <system.web><sessionState mode=\"SQLServer\" /></system.web>\n", {("sessionState", "timeout"): "600000"}, "rejected by ASP.NET"),
    ("locked above", "", "  <system.web><sessionState lockAttributes=\"timeout\" /></system.web>\n",
     {("sessionState", "timeout"): "10"}, "timeout locked at"),
    ("encrypted here",
     "  <system.web><sessionState configProtectionProvider=\"RsaProtectedConfigurationProvider\"><EncryptedData /></sessionState></system.web>\n",
     "", {("sessionState", "mode"): "Off"}, "is encrypted"),
]


@pytest.mark.parametrize("case, body, machine_body, desired, refusal", RULES, ids=[row[0] for row in RULES])
def test_rules_judge_the_value_in_effect(case, body, machine_body, desired, refusal):
    data = config(body)
    if refusal is None:
        plan = _plan.plan_file(layer(data), "", desired)
        assert plan.changed and judged(plan, machine_body).warnings == []
        return
    with pytest.raises(ConfigError) as info:
        judged(_plan.plan_file(layer(data), "", desired), machine_body)
    assert refusal in info.value.reason


# ---------------------------------------------------------------- property: fidelity
ATTRIBUTE_VALUES = {
    ("sessionState", "mode"): st.sampled_from(["Off", "InProc", "StateServer", "SQLServer"]),
    ("sessionState", "cookieless"): st.sampled_from(["UseUri", "UseCookies", "AutoDetect", "true", "false"]),
    ("sessionState", "cookieName"): st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=12),
    ("sessionState", "regenerateExpiredSessionId"): st.sampled_from(["true", "false"]),
    ("sessionPageState", "historySize"): st.integers(1, 50).map(str),
}


@st.composite
def documents(draw):
    indent = draw(st.sampled_from(["  ", "    ", "\t"]))
    quote = draw(st.sampled_from(['"', "'"]))
    newline = draw(st.sampled_from(["\r\n", "\n"]))
    existing = draw(st.dictionaries(st.sampled_from(["mode", "timeout", "cookieName"]), st.sampled_from(["InProc", "20", "x"]), max_size=3))
    attributes = "".join(f"{draw(st.sampled_from([' ', newline + indent * 3]))}{name}={quote}{value}{quote}" for name, value in existing.items())
    state = {"absent": "", "empty": f"<sessionState{attributes}{draw(st.sampled_from(['/>', ' />']))}",
             "pair": f"<sessionState{attributes}></sessionState>"}[draw(st.sampled_from(["absent", "empty", "pair"]))]
    group = draw(st.sampled_from(["none", "empty", "full"]))
    body = draw(st.sampled_from(["", f"{indent}<!-- comment with <sessionState/> -->\n"]))
    if group == "empty":
        body += f"{indent}<system.web />\n"
    elif group == "full":
        body += f"{indent}<system.web>\n{indent * 2}<pages validateRequest={quote}false{quote} />\n"
        body += f"{indent * 2}{state}\n" if state else ""
        body += f"{indent}</system.web>\n"
    location = draw(st.sampled_from(["", "Default Web Site", "Default Web Site/shop"]))
    desired = draw(st.dictionaries(st.sampled_from(sorted(ATTRIBUTE_VALUES)), st.just(None), min_size=1))
    desired = {key: draw(ATTRIBUTE_VALUES[key]) for key in desired}
    return config(body, bom=draw(st.booleans()), newline=newline), location, desired


@settings(max_examples=300, deadline=None)
@given(documents())
def test_property_bytes_outside_the_edit_stay_and_the_plan_reads_back(case):
    data, location, desired = case
    plan = _plan.plan_file(layer(data), location, desired)
    doc = _xmlfile.parse(WEBROOT, plan.after)
    for (element, name), value in desired.items():
        assert _locate.find(doc, location, element).element.get(name) == value
    if plan.changed:
        start, end_before, _end_after = changed_region(data, plan.after)
        before = _xmlfile.parse(WEBROOT, data)
        # Everything before the first changed byte and after the last is the original, and the
        # changed region lies inside the configuration element (never in the prolog or after it).
        assert len(before.encode(before.text[:before.root.head_end])) <= start
        assert end_before <= len(before.encode(before.text[:before.root.close_start]))
    again = _plan.plan_file(layer(plan.after), location, desired)
    assert not again.changed and again.after == plan.after


# ---------------------------------------------------------------- revert: byte-faithful removal
SS = ("sessionState", "mode"), ("sessionState", "timeout"), ("sessionState", "cookieless")
MODE, TIMEOUT, COOKIELESS = SS

# (case, body before, location, reverts, settings, body after) - written by hand: the attribute goes
# with the white space before it; an element left empty goes with its line, and so do a
# <system.web> and a <location> left empty; everything else keeps its bytes.
REVERTS = [
    ("one attribute of several", '  <system.web>\n    <sessionState mode="InProc" timeout="30" />\n  </system.web>\n', "",
     [TIMEOUT], {}, '  <system.web>\n    <sessionState mode="InProc" />\n  </system.web>\n'),
    ("the first attribute, single quotes", "  <system.web>\n    <sessionState timeout='30' mode='Off'/>\n  </system.web>\n", "",
     [TIMEOUT], {}, "  <system.web>\n    <sessionState mode='Off'/>\n  </system.web>\n"),
    ("one attribute a line",
     '  <system.web>\n    <sessionState mode="InProc"\n                  timeout="30"\n                  cookieless="UseUri" />\n  </system.web>\n',
     "", [TIMEOUT], {},
     '  <system.web>\n    <sessionState mode="InProc"\n                  cookieless="UseUri" />\n  </system.web>\n'),
    ("the last attribute goes, the element with it and its line",
     '  <system.web>\n    <pages />\n    <sessionState timeout="30" />\n  </system.web>\n', "", [TIMEOUT], {},
     '  <system.web>\n    <pages />\n  </system.web>\n'),
    ("a <system.web> left empty goes too", '  <appSettings />\n  <system.web>\n    <sessionState timeout="30"></sessionState>\n'
     '  </system.web>\n', "", [TIMEOUT], {}, "  <appSettings />\n"),
    ("a <location> left empty goes too",
     '  <location path="Site/app">\n    <system.web>\n      <sessionState cookieless="UseUri" mode="Off" />\n    </system.web>\n'
     '  </location>\n  <appSettings />\n', "Site/app", [COOKIELESS, MODE], {}, "  <appSettings />\n"),
    ("a <location> holding a comment stays",
     '  <location path="Site">\n    <!-- keep -->\n    <system.web><sessionState mode="Off" /></system.web>\n  </location>\n',
     "Site", [MODE], {}, '  <location path="Site">\n    <!-- keep -->\n  </location>\n'),
    ("on one line with other markup: only the element goes",
     '  <system.web><pages /><sessionState mode="Off" /></system.web>\n', "", [MODE], {},
     "  <system.web><pages /></system.web>\n"),
    ("an element with children stays", '  <system.web>\n    <sessionState mode="Custom">\n      <providers><clear /></providers>\n'
     "    </sessionState>\n  </system.web>\n", "", [MODE], {},
     '  <system.web>\n    <sessionState>\n      <providers><clear /></providers>\n    </sessionState>\n  </system.web>\n'),
    ("an element keeping a lock attribute stays", '  <system.web>\n    <sessionState mode="Off" lockAttributes="mode" />\n'
     "  </system.web>\n", "", [MODE], {}, '  <system.web>\n    <sessionState lockAttributes="mode" />\n  </system.web>\n'),
    ("set one, revert the other on the same element", '  <system.web>\n    <sessionState timeout="30" mode="Off" />\n'
     "  </system.web>\n", "", [TIMEOUT], {MODE: "InProc"}, '  <system.web>\n    <sessionState mode="InProc" />\n  </system.web>\n'),
    ("revert the last attribute and add a new one", '  <system.web>\n    <sessionState mode="Off" timeout="30" />\n'
     "  </system.web>\n", "", [TIMEOUT], {COOKIELESS: "UseCookies"},
     '  <system.web>\n    <sessionState mode="Off" cookieless="UseCookies" />\n  </system.web>\n'),
]


@pytest.mark.parametrize("case, body, location, reverts, settings, after", REVERTS, ids=[row[0] for row in REVERTS])
def test_revert_removes_exactly_what_it_must(case, body, location, reverts, settings, after):
    data = config(body, bom=True)
    plan = _plan.plan_file(layer(data), location, settings, reverts)
    assert plan.after == config(after, bom=True)
    assert [(c.attribute, c.after) for c in plan.changes if c.after is None] == [(name, None) for _el, name in reverts]
    again = _plan.plan_file(layer(plan.after), location, settings, reverts)
    assert not again.changed and again.after == plan.after


def test_reverting_what_is_not_there_changes_nothing():
    data = config('  <system.web>\n    <sessionState mode="Off" />\n  </system.web>\n')
    plan = _plan.plan_file(layer(data), "", {}, [TIMEOUT])
    assert not plan.changed and plan.changes == [] and plan.after is data


def test_the_model_reports_what_a_revert_leaves_in_effect():
    data = config('  <system.web>\n    <sessionState timeout="30" />\n  </system.web>\n')
    plan = _plan.plan_file(layer(data), "", {}, [TIMEOUT])
    judgement = judged(plan, '  <system.web><sessionState timeout="45" /></system.web>\n')
    assert judgement.reverted == [{"path": WEBROOT, "element": "sessionState", "attribute": "timeout",
                                   "config_path": "MACHINE/WEBROOT", "value": "45", "source": {
                                       "file": MACHINE, "level": "MACHINE", "location": None, "config_path": "MACHINE",
                                       "line": 3}}]


def test_a_revert_the_runtime_would_refuse_is_refused():
    # Reverting the mode leaves InProc (the schema default) under a timeout the file keeps: over a year.
    data = config('  <system.web>\n    <sessionState mode="SQLServer" timeout="Infinite" />\n  </system.web>\n')
    with pytest.raises(ConfigError, match="rejected by ASP.NET: timeout"):
        judged(_plan.plan_file(layer(data), "", {}, [MODE]), "")
