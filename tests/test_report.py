"""Emitters: ruff-like finding lines, JSON that never meets a non-JSON value, SARIF levels."""

from __future__ import annotations

import json
import re

import pytest

from generator import report
from generator.plan import ManagedIdentity, Ref
from generator.rules.core import ERROR, INFO, WARNING, Finding
from generator.validate import Result, sort_findings, validate_file
from tests.conftest import SAMPLES

LINE = re.compile(r"^(?P<where>\S+)  (?P<rule>[A-Z0-9-]+)  (?P<severity>error|warning|info)  "
                  r"(?P<message>\S.*)$")


def finding(rule="NET-RANGE-001", severity=ERROR, line=7, path="network.serviceCidr",
            message="serviceCidr overlaps", fix="move it", docs="https://example.invalid/x"):
    return Finding(rule, severity, path, message, line, fix, docs, "a.yaml")


def text_of(*findings, source="a.yaml"):
    return report.findings_text([Result(source, None, None, tuple(findings))])


def test_a_finding_line_is_file_line_rule_severity_message():
    lines = text_of(finding()).splitlines()
    m = LINE.match(lines[0])
    assert m, lines[0]
    assert (m["where"], m["rule"], m["severity"], m["message"]) == (
        "a.yaml:7", "NET-RANGE-001", "error", "serviceCidr overlaps")
    # then indented detail lines, never starting at column 0
    assert lines[1:4] == ["    at: network.serviceCidr", "    fix: move it",
                          "    docs: https://example.invalid/x"]


def test_a_finding_without_a_line_names_only_the_file():
    first = text_of(finding(line=None)).splitlines()[0]
    assert first.startswith("a.yaml  NET-RANGE-001  error  ")


def test_empty_details_are_left_out():
    lines = text_of(finding(path="", fix="", docs="")).splitlines()
    assert len(lines) == 2  # the finding and the summary
    assert LINE.match(lines[0])


def test_no_colour_codes_when_not_a_terminal():
    assert "\x1b[" not in text_of(finding(), finding(severity=WARNING), finding(severity=INFO))


def test_the_summary_counts_each_severity():
    last = text_of(finding(), finding(severity=WARNING, line=8),
                   finding(severity=INFO, line=9)).splitlines()[-1]
    assert re.search(r"1 error.*1 warning.*1 info", last)
    assert "1 unreadable" in last  # a Result without an intent could not be read
    readable = report.findings_text([Result("a.yaml", object(), None, (finding(),))])
    assert "unreadable" not in readable.splitlines()[-1]


def test_every_finding_line_of_the_samples_parses(tmp_path):
    results = [validate_file(s) for s in SAMPLES]
    text = report.findings_text(results)
    heads = [line for line in text.splitlines() if not line.startswith("    ")][:-1]
    assert heads, "the samples produce info findings at least"
    assert all(LINE.match(h) for h in heads), [h for h in heads if not LINE.match(h)]


def test_findings_sort_by_file_line_severity_and_rule():
    a = finding(line=9, rule="NET-B-001")
    b = finding(line=3, rule="NET-Z-001", severity=WARNING)
    c = finding(line=3, rule="NET-A-001", severity=WARNING)
    d = finding(line=3, rule="NET-Z-002", severity=ERROR)
    assert sort_findings([a, b, c, d, a]) == (d, c, b, a)  # and duplicates go


# --- JSON ---------------------------------------------------------------------------------------


def test_jsonable_turns_ref_keys_and_values_into_strings():
    ref = Ref("Microsoft.ManagedIdentity/userAssignedIdentities/id-x")
    data = {"identity": {ref: {}}, "principal": Ref("t/n", "principalId"), "list": (ref, 1)}
    out = report.jsonable(data)
    assert out == {"identity": {"${Microsoft.ManagedIdentity/userAssignedIdentities/id-x.id}": {}},
                   "principal": "${t/n.principalId}",
                   "list": ["${Microsoft.ManagedIdentity/userAssignedIdentities/id-x.id}", 1]}
    json.dumps(out)
    with pytest.raises(TypeError):
        json.dumps(data)  # what jsonable is for


def test_jsonable_writes_a_managed_identity_as_arm_does():
    ident = ManagedIdentity("UserAssigned", (Ref("u/id-x"),))
    assert report.jsonable(ident) == {"type": "UserAssigned",
                                      "userAssignedIdentities": {"${u/id-x.id}": {}}}
    assert report.jsonable(ManagedIdentity("SystemAssigned")) == {"type": "SystemAssigned"}


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_every_sample_plan_is_plain_json(sample):
    result = validate_file(sample)
    doc = report.plan_json(result.plan, result.findings)
    assert json.loads(json.dumps(doc)) == doc  # no Refs, tuples or enums left


def test_sarif_levels_follow_severity():
    results = [Result("a.yaml", None, None, (finding(), finding(severity=WARNING, line=8),
                                             finding(severity=INFO, line=9)))]
    doc = report.sarif(results, (), "0")
    assert [r["level"] for r in doc["runs"][0]["results"]] == ["error", "warning", "note"]
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"]
            for r in doc["runs"][0]["results"]] == [7, 8, 9]
