"""What a rule is: metadata next to a pure check (yamllint and ruff style).

A check receives the frozen intent and its resolved plan and yields `Violation`s. It knows nothing
of lines, output formats or exit codes; `validate.py` turns violations into `Finding`s.

Not every catalog entry can be checked from the intent alone. `kind` says how an entry is
accounted for:
- "check": a pure function over intent and plan, run by `validate`;
- "live": needs Azure state (existing subnets, role assignments); run by `plan --live` / `apply`;
- "render": a constraint the renderers honour by construction (tests prove it);
- "doc": documentation only (nothing aksnet configures can break it); `reason` says why.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import field
from enum import StrEnum
from typing import Any

from generator.record import record


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


@record
class Violation:
    path: str
    message: str
    details: dict[str, Any] = field(default_factory=dict)
    # Some rules have two severities (an error band and a warning band); None means the rule's.
    severity: Severity | None = None


@record
class Finding:
    rule: str
    severity: Severity
    path: str
    message: str
    line: int | None = None
    fix: str = ""
    docs: str = ""
    intent: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": str(self.severity),
            "path": self.path,
            "line": self.line,
            "message": self.message,
            "fix": self.fix,
            "docs": self.docs,
        }


Check = Callable[..., Iterator[Violation]]


@record
class Rule:
    id: str
    severity: Severity
    title: str
    fix: str
    docs: str
    explanation: str
    kind: str = "check"
    reason: str = ""
    check: Check | None = None

    def fix_for(self, violation: Violation) -> str:
        try:
            return self.fix.format(**violation.details)
        except (KeyError, IndexError, ValueError):
            return self.fix


def rule(
    *, id: str, severity: Severity, title: str, fix: str, docs: str
) -> Callable[[Check], Rule]:
    """Turn a check function into a Rule; its docstring is the long explanation."""

    def wrap(fn: Check) -> Rule:
        return Rule(
            id=id,
            severity=severity,
            title=title,
            fix=fix,
            docs=docs,
            explanation=_dedent(fn.__doc__ or ""),
            check=fn,
        )

    return wrap


def entry(
    *, id: str, severity: Severity, title: str, kind: str, reason: str, docs: str, fix: str = ""
) -> Rule:
    """A catalog entry that is not an offline check (live, render or doc), with why."""
    assert kind in {"live", "render", "doc"}, kind
    return Rule(
        id=id,
        severity=severity,
        title=title,
        fix=fix,
        docs=docs,
        explanation=reason,
        kind=kind,
        reason=reason,
    )


def _dedent(text: str) -> str:
    import inspect

    return inspect.cleandoc(text)
