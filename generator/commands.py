"""The bodies of `validate` and `plan`: print the output, return the exit code.

They import neither Typer nor the Azure SDK, so both ways in can call them: the Typer app
(`generator.cli`) and the console script's fast path for plain offline calls (`generator.entry`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generator.provision.runner import AzureOptions

VALIDATE_FORMATS = ("text", "json", "sarif")
PLAN_FORMATS = ("text", "json")


def validate(intents: Sequence[Path], fmt: str = "text") -> int:
    """Check intents against every prerequisite rule and print the findings."""
    from generator import __version__, report
    from generator.rules import CATALOG
    from generator.validate import exit_code, validate_file

    results = [validate_file(p) for p in intents]
    if fmt == "sarif":
        print(report.dumps(report.sarif(results, CATALOG, __version__)))
    else:
        print_findings(results, fmt)
    return exit_code(results)


def plan(intent: Path, fmt: str = "text", live: AzureOptions | None = None) -> int:
    """Resolve one intent and print its plan; with `live`, read Azure and mark each resource
    create / update / no-op (only reads are sent). AksnetError from Azure propagates."""
    from generator import report
    from generator.validate import exit_code, sort_findings, validate_file

    result = validate_file(intent)
    if not result.readable:
        print_findings([result], fmt)
        return 2
    changes = None
    if live is not None:
        from generator.provision.runner import live_changes

        changes, live_findings = live_changes(result.plan, live, result.source, result.smap)
        result = replace(result, findings=sort_findings((*result.findings, *live_findings)))
    if fmt == "json":
        print(report.dumps(report.plan_json(result.plan, result.findings, changes)))
    else:
        from generator.plantext import render_plan

        render_plan(result.plan, changes)
        if result.findings:
            print(report.findings_text([result]))
    return exit_code([result])


def print_findings(results, fmt: str) -> None:
    """Findings alone, as JSON or as ruff-like lines (an unreadable or invalid intent)."""
    from generator import report

    if fmt == "json":
        print(report.dumps(report.findings_json(results)))
    else:
        print(report.findings_text(results))
