"""Shared test helpers: the --update-golden option and a builder for intents with overrides."""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # `tests.support`, `tests.fakearm` importable from any cwd

SAMPLES = sorted([*ROOT.glob("samples/*.yaml"), *ROOT.glob("samples/fleet/*.yaml")])

# A known-good overlay intent; rule tests override parts of it.
BASE = {
    "name": "base",
    "location": "eastus2",
    "kubernetesVersion": "1.33",
    "network": {
        "model": "overlay",
        "vnet": {"addressSpace": ["10.224.0.0/16"]},
        "podCidr": "10.244.0.0/16",
        "serviceCidr": "10.0.0.0/16",
        "dnsServiceIp": "10.0.0.10",
    },
    "nodePools": [{"name": "system", "mode": "System", "count": 3, "maxPods": 110}],
}


def pytest_addoption(parser):
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite tests/golden/* from the current output",
    )


@pytest.fixture
def update_golden(request) -> bool:
    return request.config.getoption("--update-golden")


def merge(base: dict, override: dict) -> dict:
    """Deep-merge `override` into a copy of `base`; lists and scalars replace; None deletes."""
    out = copy.deepcopy(base)
    for key, value in override.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def intent_data(**override) -> dict:
    return merge(BASE, override)


def plan_of(data: dict):
    from generator.intent import Intent
    from generator.planner import build_plan

    intent = Intent.model_validate(data)
    return intent, build_plan(intent)


def findings_of(data: dict, prefix: str = "NET-") -> set[tuple[str, str]]:
    """(rule id, path) of every finding whose rule starts with `prefix`."""
    from generator.validate import check

    intent, plan = plan_of(data)
    return {(f.rule, f.path) for f in check(intent, plan) if f.rule.startswith(prefix)}


def severities_of(data: dict, prefix: str = "NET-") -> set[tuple[str, str, str]]:
    from generator.validate import check

    intent, plan = plan_of(data)
    return {
        (f.rule, f.path, str(f.severity)) for f in check(intent, plan) if f.rule.startswith(prefix)
    }
