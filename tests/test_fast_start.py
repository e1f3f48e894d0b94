"""validate, plan, rules and schema start fast: they never import the Azure SDK, nor Jinja.
Each command runs in-process (CliRunner) inside a fresh interpreter, so that what this test
process has already imported cannot hide an import."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT

PROBE = """
import json, sys
from typer.testing import CliRunner
from generator.cli import app
result = CliRunner().invoke(app, sys.argv[1:])
loaded = sorted({m.split('.')[0] for m in sys.modules})
print(json.dumps({"code": result.exit_code, "loaded": loaded}))
"""

SAMPLE = str(ROOT / "samples" / "overlay.yaml")
COMMANDS = [
    ["validate", SAMPLE],
    ["validate", SAMPLE, "--format", "json"],
    ["validate", SAMPLE, "--format", "sarif"],
    ["validate", str(ROOT / "samples" / "existing-vnet.yaml"),
     str(ROOT / "samples" / "kubenet.yaml")],
    ["plan", SAMPLE],
    ["plan", SAMPLE, "--format", "json"],
    ["rules"],
    ["rules", "NET-RANGE-001"],
    ["schema"],
]


def probe(args: list[str]) -> dict:
    out = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True,
                         cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_no_azure_and_no_jinja(args):
    result = probe(args)
    assert result["code"] == 0
    assert "azure" not in result["loaded"]
    assert "jinja2" not in result["loaded"]


def test_the_probe_sees_imports():
    # a negative control: init renders a Jinja template, so the probe must report jinja2
    result = probe(["init"])
    assert result["code"] == 0
    assert "jinja2" in result["loaded"]
    assert "generator" in result["loaded"]
