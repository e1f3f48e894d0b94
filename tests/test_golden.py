"""Golden files: every sample's plan, findings and rendered files, compared byte for byte.

`pytest --update-golden` rewrites them (and deletes stale ones); review the change with git diff.
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import pytest

from tests.conftest import ROOT, SAMPLES

GOLDEN = ROOT / "tests" / "golden"


def case_name(sample: Path) -> str:
    rel = sample.relative_to(ROOT / "samples").with_suffix("")
    return "-".join(rel.parts)


def produce(sample: Path) -> dict[str, str]:
    from generator import report
    from generator.render import TARGETS, render, template_names
    from generator.validate import validate_file

    source = str(sample.relative_to(ROOT))
    result = validate_file(ROOT / source)
    findings = [f.as_json() for f in result.findings]
    files = {
        "plan.json": report.dumps(report.plan_json(result.plan, result.findings)) + "\n",
        "findings.json": json.dumps(findings, indent=2) + "\n",
    }
    for target in TARGETS:
        if not template_names(target):
            continue  # a target whose templates do not exist yet
        rendered = render(result.plan, target, source)
        for name, text in rendered.files.items():
            files[f"{target}/{name}"] = text
    return files


@pytest.mark.parametrize("sample", SAMPLES, ids=case_name)
def test_golden(sample: Path, update_golden: bool):
    folder = GOLDEN / case_name(sample)
    produced = produce(sample)
    if update_golden:
        for old in folder.rglob("*") if folder.exists() else []:
            if old.is_file() and str(old.relative_to(folder)) not in produced:
                old.unlink()
        for name, text in produced.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text, encoding="utf-8")
        return
    assert folder.is_dir(), f"no golden case for {sample.name}: run pytest --update-golden"
    stored = {
        str(p.relative_to(folder)): p.read_text(encoding="utf-8")
        for p in folder.rglob("*")
        if p.is_file()
    }
    assert sorted(stored) == sorted(produced), "golden file set differs (pytest --update-golden)"
    for name, text in produced.items():
        if stored[name] != text:
            diff = "".join(
                difflib.unified_diff(
                    stored[name].splitlines(True), text.splitlines(True), f"golden/{name}", name
                )
            )
            pytest.fail(f"{name} differs from its golden file:\n{diff}")
