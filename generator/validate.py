"""Run the catalog over (intent, plan) and turn violations into findings.

The only place that knows lines (from the SourceMap), rule metadata and ordering; the rules
themselves stay pure.
"""

from __future__ import annotations

from dataclasses import field
from pathlib import Path

from generator.errors import IntentUnreadable
from generator.intent import Intent
from generator.load import SourceMap, load_intent
from generator.plan import Plan
from generator.planner import build_plan
from generator.record import record
from generator.rules import CATALOG
from generator.rules.core import ERROR, Finding, Rule, Severity, Violation


@record
class Result:
    """One intent file, checked: its findings, and its plan when it could be read."""

    source: str
    intent: Intent | None
    plan: Plan | None
    findings: tuple[Finding, ...] = field(default_factory=tuple)
    smap: SourceMap | None = None  # key paths to lines, for findings found later (plan --live)

    @property
    def readable(self) -> bool:
        return self.intent is not None

    @property
    def valid(self) -> bool:
        return self.readable and not any(f.severity == ERROR for f in self.findings)


def check(intent: Intent, plan: Plan, smap: SourceMap | None = None, source: str = "",
          rules: tuple[Rule, ...] = CATALOG) -> tuple[Finding, ...]:
    findings = []
    for rule in rules:
        if rule.check is None:
            continue
        findings.extend(to_finding(rule, v, smap, source) for v in _run(rule, intent, plan))
    return sort_findings(findings)


def to_finding(rule: Rule, violation: Violation, smap: SourceMap | None, source: str) -> Finding:
    """A rule's violation as a finding: the rule's metadata, and the line of the key path."""
    return Finding(
        rule=rule.id,
        severity=violation.severity or rule.severity,
        path=violation.path,
        message=violation.message,
        line=smap.line_for(violation.path) if smap else None,
        fix=rule.fix_for(violation),
        docs=rule.docs,
        intent=source,
    )


INTERNAL = "internal error: rule"  # how a finding from a rule that raised begins


def _run(rule: Rule, intent: Intent, plan: Plan) -> list[Violation]:
    """A rule's violations. A rule that raises is a bug in aksnet, not in the intent: it becomes
    an error finding that names the rule, so one broken rule neither hides the others' findings
    nor ends the run in a traceback."""
    try:
        return list(rule.check(intent, plan))
    except Exception as exc:  # noqa: BLE001 - rules are pure; anything raised is our bug
        message = (f"{INTERNAL} {rule.id} failed on this intent ({type(exc).__name__}: {exc}); "
                   "please report it with the intent")
        return [Violation("", message, severity=ERROR)]


def sort_findings(findings) -> tuple[Finding, ...]:
    order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
    return tuple(sorted(
        dict.fromkeys(findings),
        key=lambda f: (f.intent, f.line or 0, order[f.severity], f.rule, f.path, f.message),
    ))


def validate_file(path: str | Path) -> Result:
    source = str(path)
    try:
        intent, smap = load_intent(path)
    except IntentUnreadable as exc:
        return Result(source, None, None, sort_findings(exc.findings))
    plan = build_plan(intent)
    return Result(source, intent, plan, check(intent, plan, smap, source), smap)


def exit_code(results: list[Result]) -> int:
    if any(not r.readable for r in results):
        return 2
    return 0 if all(r.valid for r in results) else 1
