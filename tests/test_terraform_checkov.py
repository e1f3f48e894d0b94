"""checkov on the Terraform of every sample, in one run over a combined tree.

Every failed check must be listed in tests/checkov/terraform.skip with a reason, and every listed
check must still fail somewhere (no stale entries).
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import ROOT, SAMPLES
from tests.support.checkov import load_skips, require_checkov, run_checkov

SKIPS = ROOT / "tests" / "checkov" / "terraform.skip"


def test_checkov(tmp_path: Path):
    from generator.render import render
    from generator.validate import validate_file

    require_checkov()
    for sample in SAMPLES:
        source = str(sample.relative_to(ROOT))
        folder = tmp_path / "-".join(sample.relative_to(ROOT / "samples").with_suffix("").parts)
        folder.mkdir()
        for name, text in render(validate_file(sample).plan, "terraform", source).files.items():
            (folder / name).write_text(text, encoding="utf-8")
    failures = run_checkov(tmp_path, "terraform")
    skips = load_skips(SKIPS)
    failed = {f.check_id for f in failures}
    unexpected = sorted({f"{f.check_id} {f.name} ({f.file} {f.resource})" for f in failures
                         if f.check_id not in skips})
    assert not unexpected, "fix these or list them with a reason in terraform.skip:\n" + "\n".join(
        unexpected)
    stale = sorted(set(skips) - failed)
    assert not stale, f"these skips no longer fail: remove them from terraform.skip: {stale}"
