"""Property: no password survives in any output, whatever the connection strings look like.

Generated cases run the real action plugins (iis.aspnet.session_state, then
iis.aspnet.session_state_stig on the tree it left) against the simulated Windows host of
test_session_state.py, then feed the results to the drift report and the STIG checklists, as the
callback does. Each case has two secrets:

- OLD, already in the 64-bit root web.config, behind a password keyword written in any mix of
  case and character references (``pass&#119;ord``, ``&#x50;WD``...) that ASP.NET reads as
  ``password=``/``pwd=``; the task replaces that connection string, so OLD is on a removed line
  of the diff;
- NEW, the ``no_log`` sql_connection_string's password, also written beside the section in
  another attribute (a context line of the diff, where no keyword announces it).

Neither may appear, as written or XML-escaped, in the module result (changes, diff, warnings,
messages), the drift report (table, JSON, Markdown, JUnit) or a checklist.
"""

from __future__ import annotations

import json

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from lxml import etree

from ansible_collections.iis.aspnet.plugins.plugin_utils.report import _drift
from ansible_collections.iis.aspnet.tests.unit.plugins.action.windows_action import F64, action, windows_host
from ansible_collections.iis.aspnet.tests.unit.plugins.plugin_utils.windows_modules import WindowsHost
from ansible_collections.iis.aspnet.tests.unit.plugins.action.test_session_state_stig import action as stig_action

# Printable, not white space at the ends (SqlClient trims a bare value), with every character
# that quoting and XML escaping must handle; a fixed head keeps each secret distinctive.
BODY = st.text(st.sampled_from("abcXYZ019 &<>\"';{}=!%é€"), min_size=4, max_size=16)
SECRET = BODY.map(lambda body: "Zq7" + body + "Kx")


def sqlclient(secret: str) -> str:
    """The secret as a connection-string value SqlClient reads back as itself."""
    if not set(secret) & set(";'\"{ "):
        return secret
    return "'" + secret.replace("'", "''") + "'"


def xml_attribute(value: str) -> str:
    """``value`` inside a double-quoted XML attribute."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def forms(secret: str) -> set[str]:
    """How the secret can be read in an output: as itself, or as XML (or a JSON dump of XML) writes it."""
    xml = {secret, xml_attribute(secret), xml_attribute(secret).replace("'", "&apos;"), secret.replace("&", "&amp;")}
    return xml | {json.dumps(form)[1:-1] for form in xml}


def reference(char: str, form: int) -> str:
    return [char, char.upper(), f"&#{ord(char)};", f"&#x{ord(char):X};", f"&#00{ord(char.upper())};"][form]


KEYWORD = st.builds(lambda word, picks: "".join(reference(c, f) for c, f in zip(word, picks)),
                    st.sampled_from(["password", "pwd"]), st.lists(st.integers(0, 4), min_size=8, max_size=8))
SPACE = st.sampled_from(["", " ", "&#9;", "&#x20;"])


def planted(host: WindowsHost, keyword: str, space: str, old: str, new: str) -> None:
    """The 64-bit root web.config with OLD in its sessionState and NEW in the element before it."""
    end = b"        <!-- health monitoring, web parts and site map providers cut from this sample -->\r\n    </system.web>"
    lines = (f'        <machineKey validationKey="{xml_attribute(new)}" />\r\n'
             f'        <sessionState mode="SQLServer" sqlConnectionString="data source=old;{keyword}{space}={space}'
             f'{xml_attribute(sqlclient(old))};Pooling=true" />\r\n').encode("utf-8")
    assert host.files[F64].count(end) == 1
    host.files[F64] = host.files[F64].replace(end, lines + end)


def outputs(host: WindowsHost, new: str, check_mode: bool) -> list[str]:
    args = {"mode": "SQLServer", "sql_connection_string": f"data source=new;user id=u;Password={sqlclient(new)}",
            "bitness": [64], "state_service": {"state": "ignore"}}
    result = action(host, args, check_mode=check_mode, diff=True).run(task_vars={})
    assert result.get("failed") is None and result["changed"], result
    audit = stig_action(host, {"profile": "stig_iis10"}).run(task_vars={})
    assert audit.get("failed") is None, audit
    collector = _drift.Collector()
    collector.add_result("web01", "Set session state", result, check_mode=check_mode)
    collector.add_stig("web01", "Audit", audit)
    records = collector.report()
    texts = [repr(result), json.dumps(result), repr(audit), _drift.render_table(records), _drift.render_json(records),
             _drift.render_markdown(records), _drift.render_junit(records).decode("utf-8")]
    return texts + [checklist.data.decode("utf-8") for checklist in _drift.checklists(records)]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(KEYWORD, SPACE, SECRET, SECRET, st.booleans())
@example("pass&#119;ord", "", "Zq7oldKx", "Zq7newKx", False)
@example("&#112;wd", "", "Zq7a&b<c\"d'eKx", "Zq7x;y 'z'Kx", True)
@example("password", "&#x20;", "Zq7oldKx", "Zq7new&amp;Kx", False)
@example("PASSWORD", "&#9;", "Zq7o{l}dKx", "Zq7ne€wKx", True)
def test_no_secret_survives_in_any_output(keyword, space, old, new, check_mode):
    host = windows_host()
    planted(host, keyword, space, old, new)
    texts = outputs(host, new, check_mode)
    assert len(texts) > 7  # the audit gave checklists to look into
    for secret in (old, new):
        for form in forms(secret):
            for text in texts:
                assert form not in text, (secret, form, text[max(0, text.find(form) - 200):text.find(form) + 200])
    (written,) = etree.fromstring(host.files[F64]).iter("sessionState")
    assert written.get("sqlConnectionString") == (f"data source=old;{decoded(keyword)}{decoded(space)}={decoded(space)}"
                                                  f"{sqlclient(old)};Pooling=true" if check_mode else
                                                  f"data source=new;user id=u;Password={sqlclient(new)}")


def decoded(text: str) -> str:
    """Character references as the XML parser reads them."""
    return etree.fromstring(f"<a b='{text}'/>").get("b")
