"""Samples: every valid sample (and the fleet) validates with exit 0; every sample under
samples/invalid/ is a mistake people really make, names on its first line the rule it must
trigger (`# expect: RULE-ID` or `# expect: INTENT`), and does."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from generator.cli import app
from tests.conftest import ROOT, SAMPLES

INVALID = sorted((ROOT / "samples" / "invalid").glob("*.yaml"))
DOC_IDS = set((Path(__file__).parent / "data" / "rule-ids.txt").read_text().split())
EXPECT = re.compile(r"^# expect: (?P<rule>INTENT|NET-[A-Z]+-\d{3})\s*$")


def validate(*paths: Path):
    result = CliRunner().invoke(app, ["validate", *map(str, paths), "--format", "json"])
    return result.exit_code, json.loads(result.stdout)


def expected(path: Path) -> str:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    match = EXPECT.match(first)
    assert match, f"{path.name}: first line must be '# expect: RULE-ID', not {first!r}"
    return match["rule"]


def test_every_valid_sample_validates_together():
    assert len(SAMPLES) >= 14 and any("fleet" in str(s) for s in SAMPLES)
    code, doc = validate(*SAMPLES)
    errors = [(r["intent"], f["rule"], f["message"]) for r in doc["results"]
              for f in r["findings"] if f["severity"] == "error"]
    assert (code, errors) == (0, [])
    assert all(r["valid"] for r in doc["results"])


def test_there_are_invalid_samples_for_the_common_mistakes():
    rules = {expected(p) for p in INVALID}
    for rule in ("NET-RANGE-001", "NET-RANGE-006", "NET-SIZE-003", "NET-PLUGIN-004",
                 "NET-SVC-002", "NET-SVC-003", "NET-SCALE-002", "NET-RANGE-005", "NET-PODS-001",
                 "NET-SIZE-004", "NET-SIZE-005", "INTENT", "NET-EGRESS-003", "NET-EGRESS-006"):
        assert rule in rules, rule


@pytest.mark.parametrize("sample", INVALID, ids=lambda p: p.stem)
def test_invalid_sample_reports_its_rule(sample: Path):
    rule = expected(sample)
    assert rule == "INTENT" or rule in DOC_IDS, f"{rule} is not a catalog ID"
    code, doc = validate(sample)
    (result,) = doc["results"]
    assert result["valid"] is False
    hits = [f for f in result["findings"] if f["rule"] == rule]
    assert hits, f"expected {rule}; got {sorted({f['rule'] for f in result['findings']})}"
    assert any(f["severity"] == "error" for f in hits)
    assert code == (2 if rule == "INTENT" else 1)
    assert all(isinstance(f["line"], int) and f["line"] > 1 for f in hits)  # not the comment


@pytest.mark.parametrize(
    "stem, other",
    [
        ("dual-stack-standard-nat-gateway", "NET-DS-003"),
        ("overlay-availability-set", "NET-EGRESS-002"),
    ],
)
def test_one_mistake_is_reported_once(stem: str, other: str):
    # Two rules once both reported these samples' mistake; only the expected, more specific one
    # does now (tests/rules/test_overlaps.py has the cases).
    sample = ROOT / "samples" / "invalid" / f"{stem}.yaml"
    _, doc = validate(sample)
    rules = {f["rule"] for f in doc["results"][0]["findings"]}
    assert expected(sample) in rules
    assert other not in rules


def test_a_sample_that_reports_nothing_would_fail(tmp_path):
    # the check above has teeth: a valid intent labelled with a rule does not pass it
    fake = tmp_path / "fake.yaml"
    fake.write_text("# expect: NET-RANGE-001\n" + (ROOT / "samples" / "overlay.yaml").read_text())
    code, doc = validate(fake)
    assert code == 0
    assert not [f for f in doc["results"][0]["findings"] if f["rule"] == expected(fake)]
