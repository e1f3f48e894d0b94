"""NET-MIG-*: kubenet retirement is checked offline; in-place migrations are live checks."""

from __future__ import annotations

import pytest

from generator.rules import migration
from tests.conftest import findings_of, intent_data, severities_of

ROWS = [
    ({}, set()),
    ({"network": {"model": "kubenet"}}, {("NET-MIG-001", "network.model")}),
    ({"network": {"model": "node-subnet", "podCidr": None}}, set()),
    ({"network": {"model": "auto"}}, set()),
    ({"network": {"model": "byo-cni"}}, set()),
]


@pytest.mark.parametrize("override, expected", ROWS)
def test_migration_findings(override, expected):
    assert findings_of(intent_data(**override), "NET-MIG") == expected


def test_kubenet_retirement_is_a_warning():
    data = intent_data(network={"model": "kubenet"})
    assert severities_of(data, "NET-MIG") == {("NET-MIG-001", "network.model", "warning")}


def test_catalog_entries():
    kinds = {r.id: r.kind for r in migration.RULES}
    assert kinds == {
        "NET-MIG-001": "check",
        "NET-MIG-002": "live",
        "NET-MIG-003": "live",
        "NET-MIG-004": "live",
    }
    assert list(kinds) == sorted(kinds)
    assert all(r.reason for r in migration.RULES if r.kind != "check")
