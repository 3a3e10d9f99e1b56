"""How CI systems read the drift report's JUnit file, for the tests.

Private to the iis.aspnet collection's tests.

- Jenkins' xunit plugin validates the file against its JUnit schema (``fixtures/junit/junit-10.xsd``,
  MIT, see the LICENSE beside it) before it reads anything.
- GitLab (``Gitlab::Ci::Parsers::Test::Junit``) turns the XML into a hash, takes one top-level
  ``testsuites`` (or a bare ``testsuite``), walks nested ``testsuite`` elements, and makes each
  ``testcase`` below a suite a test: failed when it has a ``failure``, else errored with an
  ``error``, else skipped with a ``skipped``, else passed; ``time`` becomes its execution time (a
  float). :func:`gitlab_cases` follows those rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lxml import etree

SCHEMA = Path(__file__).resolve().parent / "fixtures" / "junit" / "junit-10.xsd"


def schema_errors(data: bytes) -> list[str]:
    """What the xunit plugin's schema finds wrong with the file (empty when it validates)."""
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    document = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    schema.validate(document)
    return [f"line {error.line}: {error.message}" for error in schema.error_log]


@dataclass(frozen=True)
class GitlabCase:
    suite: str
    classname: str | None
    name: str | None
    status: str  # failed, error, skipped, success
    execution_time: float
    output: str | None


def gitlab_cases(data: bytes) -> list[GitlabCase]:
    """The test cases GitLab shows for the file, in document order."""
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    if root.tag == "testsuites":
        suites = root.findall("testsuite")
    elif root.tag == "testsuite":
        suites = [root]
    else:
        suites = []
    return [case for suite in suites for case in _suite_cases(suite)]


def _suite_cases(suite) -> list[GitlabCase]:
    cases = [_case(suite.get("name"), element) for element in suite.findall("testcase")]
    return cases + [case for nested in suite.findall("testsuite") for case in _suite_cases(nested)]


def _case(suite: str, element) -> GitlabCase:
    for tag, status in (("failure", "failed"), ("error", "error"), ("skipped", "skipped")):
        found = element.find(tag)
        if found is not None:
            return GitlabCase(suite, element.get("classname"), element.get("name"), status,
                              float(element.get("time") or 0), found.text or found.get("message"))
    return GitlabCase(suite, element.get("classname"), element.get("name"), "success", float(element.get("time") or 0), None)
