"""The rule catalog: complete against the rules document (its IDs are copied once into
tests/data/rule-ids.txt), well-formed, and every Rule defined under generator/rules/ is in it."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import generator.rules
from generator.cli import app
from generator.rules import CATALOG, by_id
from generator.rules.core import Rule, Severity

DOC_IDS = (Path(__file__).parent / "data" / "rule-ids.txt").read_text().split()
ID = re.compile(r"^NET-(?P<area>[A-Z]+)-(?P<number>\d{3})$")
KINDS = {"check", "live", "render", "doc"}


def order(rule_id: str) -> tuple[str, int]:
    m = ID.match(rule_id)
    return m["area"], int(m["number"])


def test_the_copied_id_list_is_itself_sane():
    assert len(DOC_IDS) == 108
    assert len(set(DOC_IDS)) == len(DOC_IDS)
    assert all(ID.match(i) for i in DOC_IDS)


def test_ids_are_well_formed_unique_and_sorted():
    ids = [r.id for r in CATALOG]
    bad = [i for i in ids if not ID.match(i)]
    assert bad == []
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    assert ids == sorted(ids, key=order)


def test_catalog_matches_the_rules_document():
    ids = {r.id for r in CATALOG}
    assert sorted(set(DOC_IDS) - ids, key=order) == [], "in the document, not in CATALOG"
    assert sorted(ids - set(DOC_IDS), key=order) == [], "in CATALOG, not in the document"


def test_aksnet_rules_lists_every_document_id():
    result = CliRunner().invoke(app, ["rules"])
    assert result.exit_code == 0
    listed = re.findall(r"^(NET-[A-Z]+-\d{3})\s", result.stdout, flags=re.M)
    assert sorted(set(DOC_IDS) - set(listed), key=order) == []
    assert sorted(set(listed) - set(DOC_IDS), key=order) == []
    assert len(listed) == len(set(listed))


@pytest.mark.parametrize("rule", CATALOG, ids=lambda r: r.id)
def test_every_entry_is_described(rule: Rule):
    assert isinstance(rule.severity, Severity)
    assert rule.title.strip() and not rule.title.endswith(".")
    assert re.match(r"^https://\S+$", rule.docs), rule.docs
    assert rule.explanation.strip()
    assert rule.kind in KINDS
    assert by_id(rule.id) is rule and by_id(rule.id.lower()) is rule


@pytest.mark.parametrize("rule", [r for r in CATALOG if r.kind == "check"], ids=lambda r: r.id)
def test_checks_have_a_fix_and_a_function(rule: Rule):
    assert rule.fix.strip()
    assert callable(rule.check)


@pytest.mark.parametrize("rule", [r for r in CATALOG if r.kind != "check"], ids=lambda r: r.id)
def test_other_entries_say_why_and_run_nothing(rule: Rule):
    assert rule.reason.strip()
    assert rule.check is None


def test_at_least_70_entries_are_checks():
    checks = [r for r in CATALOG if r.kind == "check"]
    assert len(checks) >= 70, f"only {len(checks)} checks"


def rule_modules():
    for info in pkgutil.iter_modules(generator.rules.__path__):
        yield importlib.import_module(f"generator.rules.{info.name}")


def defined_rules(module) -> list[Rule]:
    """Rules bound at module level, alone or inside a module-level tuple or list."""
    found = []
    for value in vars(module).values():
        if isinstance(value, Rule):
            found.append(value)
        elif isinstance(value, tuple | list):
            found.extend(v for v in value if isinstance(v, Rule))
    return found


def test_every_rule_defined_under_rules_is_in_the_catalog():
    catalog = {id(r) for r in CATALOG}
    modules = list(rule_modules())
    assert len(modules) >= 10
    stray = [(m.__name__, r.id) for m in modules for r in defined_rules(m)
             if id(r) not in catalog]
    assert stray == []


def test_each_rule_belongs_to_one_module():
    owners: dict[str, set[str]] = {}
    for module in rule_modules():
        for rule in defined_rules(module):
            owners.setdefault(rule.id, set()).add(module.__name__)
    assert {i: m for i, m in owners.items() if len(m) > 1} == {}
    assert set(owners) == {r.id for r in CATALOG}


def test_by_id_knows_nothing_else():
    assert by_id("NET-NOPE-001") is None
    assert by_id("INTENT") is None


def test_every_check_has_rule_tests():
    """Each offline check is named in the rule tables under tests/rules (its failing rows)."""
    tables = "\n".join(p.read_text(encoding="utf-8")
                       for p in (Path(__file__).parent / "rules").glob("test_*.py"))
    untested = [r.id for r in CATALOG if r.kind == "check" and r.id not in tables]
    assert untested == []
