"""The console script's fast path (`generator.entry`) against the Typer app (`generator.cli`).

The fast path takes only plain offline `validate` and `plan` command lines and must read them
exactly as Typer does and print exactly what the Typer command prints; anything else must go to
Typer. These tests hold the two to that, so a new option on either side cannot drift silently.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from generator import entry
from generator.cli import app
from tests.conftest import ROOT

OVERLAY = str(ROOT / "samples" / "overlay.yaml")
KUBENET = str(ROOT / "samples" / "kubenet.yaml")
INVALID = str(ROOT / "samples" / "invalid" / "api-server-subnet-too-small.yaml")

FAST = [
    (["validate", OVERLAY], ("validate", [OVERLAY], "text")),
    (["validate", OVERLAY, KUBENET], ("validate", [OVERLAY, KUBENET], "text")),
    (["validate", "--format", "json", OVERLAY], ("validate", [OVERLAY], "json")),
    (["validate", OVERLAY, "-f", "sarif"], ("validate", [OVERLAY], "sarif")),
    (["validate", "--format=json", OVERLAY], ("validate", [OVERLAY], "json")),
    (["validate", "-f", "json", OVERLAY, "-f", "text"], ("validate", [OVERLAY], "text")),
    (["plan", OVERLAY], ("plan", [OVERLAY], "text")),
    (["plan", OVERLAY, "--format", "json"], ("plan", [OVERLAY], "json")),
    (["plan", "-f", "text", OVERLAY], ("plan", [OVERLAY], "text")),
]

TO_TYPER = [
    [],
    ["--help"],
    ["--version"],
    ["--debug", "validate", OVERLAY],
    ["validate"],
    ["validate", "--help"],
    ["validate", OVERLAY, "--format"],
    ["validate", OVERLAY, "--format", "yaml"],
    ["validate", OVERLAY, "--format", "JSON"],
    ["validate", OVERLAY, "-fjson"],
    ["validate", "--", OVERLAY],
    ["validate", "-", OVERLAY],
    ["validate", OVERLAY, "--strict"],
    ["plan"],
    ["plan", OVERLAY, KUBENET],
    ["plan", OVERLAY, "--format", "sarif"],
    ["plan", OVERLAY, "--live"],
    ["plan", OVERLAY, "--subscription", "x"],
    ["render", OVERLAY, "--target", "terraform"],
    ["apply", OVERLAY, "--dry-run"],
    ["rules"],
    ["schema"],
    ["init"],
    ["valid", OVERLAY],
]


@pytest.mark.parametrize(("argv", "expected"), FAST, ids=lambda v: " ".join(v) if
                         isinstance(v, list) else None)
def test_the_fast_path_reads_plain_offline_command_lines(argv, expected):
    command, files, fmt = expected
    assert entry.parse_fast(argv) == (command, [Path(f) for f in files], fmt)


@pytest.mark.parametrize("argv", TO_TYPER, ids=lambda v: " ".join(v) or "(none)")
def test_everything_else_goes_to_typer(argv):
    assert entry.parse_fast(argv) is None


@pytest.mark.parametrize(("argv", "expected"), FAST, ids=lambda v: " ".join(v) if
                         isinstance(v, list) else None)
def test_typer_reads_the_same_command_lines_the_same_way(argv, expected):
    """Click's own parse of each fast command line gives the values the fast path took."""
    command = typer.main.get_command(app).commands[argv[0]]
    params = command.make_context(argv[0], list(argv[1:])).params
    files = params["intents"] if argv[0] == "validate" else [params["intent"]]
    assert (argv[0], list(files), str(params["format"])) == entry.parse_fast(argv)
    # the plain form leaves every other option at its default (plan's --live is off)
    others = {k: v for k, v in params.items() if k not in ("intents", "intent", "format")}
    assert all(not value or value == "AzureCloud" for value in others.values()), others


@pytest.mark.parametrize("command", ["validate", "plan"])
def test_the_fast_path_knows_every_format_typer_offers(command):
    option = next(p for p in typer.main.get_command(app).commands[command].params
                  if p.name == "format")
    assert tuple(str(c) for c in option.type_descriptor.choices) == entry.FORMATS[command]


BOTH = [
    ["validate", OVERLAY],
    ["validate", OVERLAY, KUBENET, "--format", "json"],
    ["validate", OVERLAY, "-f", "sarif"],
    ["validate", INVALID],
    ["validate", INVALID, "--format", "json"],
    ["validate", str(ROOT / "samples" / "no-such-file.yaml")],
    ["plan", OVERLAY],
    ["plan", KUBENET, "--format", "json"],
    ["plan", INVALID],
    ["plan", str(ROOT / "README.md"), "-f", "json"],
]


@pytest.mark.parametrize("argv", BOTH, ids=lambda v: " ".join(Path(a).name for a in v))
def test_the_fast_path_prints_what_typer_prints(argv, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "120")
    code = entry.run(argv)
    fast = capsys.readouterr()
    typed = CliRunner().invoke(app, argv)
    assert (code, fast.out) == (typed.exit_code, typed.stdout)
    assert fast.err == typed.stderr


def test_run_refuses_what_the_fast_path_does_not_take():
    with pytest.raises(ValueError, match="not a fast-path command line"):
        entry.run(["render", OVERLAY, "--target", "bicep"])


PROBE = """
import json, sys
from generator import entry
entry._exit = lambda code: print(json.dumps({"code": code, "loaded": sorted(sys.modules)}))
sys.argv = ["aksnet", *sys.argv[1:]]
entry.main()
"""


@pytest.mark.parametrize("argv", [["validate", OVERLAY], ["plan", OVERLAY],
                                  ["plan", OVERLAY, "-f", "json"]], ids=" ".join)
def test_the_fast_path_loads_neither_typer_nor_package_metadata(argv):
    out = subprocess.run([sys.executable, "-c", PROBE, *argv], capture_output=True, text=True,
                         cwd=ROOT, timeout=120)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["code"] == 0, out.stderr
    roots = {name.split(".")[0] for name in result["loaded"]}
    assert not roots & {"typer", "click", "azure", "jinja2", "rich"}
    # pydantic's plugin lookup scans every installed distribution; it stays deferred
    assert "importlib.metadata" not in result["loaded"]


def test_the_console_script_exits_with_the_command_code():
    ok = subprocess.run([sys.executable, "-m", "generator", "validate", OVERLAY],
                        capture_output=True, text=True, cwd=ROOT, timeout=120)
    bad = subprocess.run([sys.executable, "-m", "generator", "validate", INVALID, "-f", "json"],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert ok.returncode == 0 and "1 intent checked" in ok.stdout
    assert bad.returncode == 1 and json.loads(bad.stdout)["results"][0]["valid"] is False
    assert not ok.stderr and not bad.stderr


def test_a_reader_that_leaves_early_gets_no_traceback(tmp_path):
    many = [OVERLAY] * 200
    proc = subprocess.Popen([sys.executable, "-m", "generator", "validate", "-f", "json", *many],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    proc.stdout.close()  # gone before the first byte is written
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 141
    assert "Traceback" not in err and "BrokenPipeError" not in err
