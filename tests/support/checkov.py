"""Run checkov (kept in its own virtual environment: it pins its own parser versions) on a folder
and return the failed checks. `.ci/run` builds that environment and exports AKSNET_CHECKOV.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass(frozen=True)
class Failure:
    check_id: str
    resource: str
    file: str
    name: str


def checkov_binary() -> str | None:
    found = os.environ.get("AKSNET_CHECKOV") or shutil.which("checkov")
    if found and Path(found).exists():
        return found
    local = Path("/work/checkov-venv/bin/checkov")
    return str(local) if local.exists() else None


def require_checkov() -> str:
    binary = checkov_binary()
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("checkov is required in CI (set AKSNET_CHECKOV)")
        pytest.skip("checkov not installed (see .ci/run)")
    return binary


def run_checkov(
    folder: Path, framework: str, skips: list[str] | tuple[str, ...] = ()
) -> list[Failure]:
    binary = require_checkov()
    cmd = [
        binary,
        "-d",
        str(folder),
        "--framework",
        framework,
        "--compact",
        "--quiet",
        "--skip-download",
        "-o",
        "json",
    ]
    if skips:
        cmd += ["--skip-check", ",".join(skips)]
    env = {**os.environ, "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false", "BC_SKIP_MAPPING": "TRUE"}
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env)
    if proc.returncode not in (0, 1) or not proc.stdout.strip():
        raise AssertionError(f"checkov failed ({proc.returncode}): {proc.stderr[-2000:]}")
    data = json.loads(proc.stdout)
    reports = data if isinstance(data, list) else [data]
    out = []
    for report in reports:
        for failed in report.get("results", {}).get("failed_checks", []):
            out.append(
                Failure(
                    failed["check_id"],
                    failed.get("resource", ""),
                    failed.get("file_path", ""),
                    failed.get("check_name", ""),
                )
            )
    return out


def load_skips(path: Path) -> dict[str, str]:
    """`CHECK_ID  reason` per line; `#` comments. Every skip must carry a reason."""
    skips = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip() if raw.lstrip().startswith("#") else raw.strip()
        if not line:
            continue
        check_id, _, reason = line.partition(" ")
        assert reason.strip(), f"{path}: {check_id} has no reason"
        skips[check_id] = reason.strip()
    return skips
