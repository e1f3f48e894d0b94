"""NET-MAP-*: API-version gates over the plan's cluster resource; the rest are render or doc."""

from __future__ import annotations

from dataclasses import replace

import pytest

from generator.apiversions import CONTAINER_SERVICE
from generator.rules import mapping
from generator.validate import check
from tests.conftest import findings_of, intent_data, plan_of

STATIC = {"model": "pod-subnet", "podCidr": None, "podSubnet": {"allocation": "static-block"}}
OVERLAY_GATES = {("NET-MAP-001", "network.model"), ("NET-MAP-001", "network.dataplane")}


def findings_with_api(data: dict, api_version: str) -> set[tuple[str, str]]:
    """NET-MAP findings once the plan's cluster resource carries `api_version`."""
    intent, plan = plan_of(data)
    resources = tuple(
        replace(r, api_version=api_version) if r.type == mapping.CLUSTER else r
        for r in plan.resources
    )
    plan = replace(plan, resources=resources)
    return {(f.rule, f.path) for f in check(intent, plan) if f.rule.startswith("NET-MAP")}


@pytest.mark.parametrize(
    "override",
    [
        {},
        {"network": STATIC},
        {"network": {"model": "byo-cni"}},
        {"network": {"dataplane": "cilium"}},
        {
            "network": {
                "ipFamilies": ["IPv4", "IPv6"],
                "vnet": {"addressSpace": ["10.224.0.0/16", "fd00:10::/48"]},
            }
        },
        {"network": {"outbound": {"type": "none"}}},
    ],
)
def test_current_api_version_passes(override):
    assert findings_of(intent_data(**override), "NET-MAP") == set()


ROWS = [
    ({}, "2020-01-01", {("NET-MAP-001", "network.ipFamilies"), *OVERLAY_GATES}),
    ({}, "2023-01-01", OVERLAY_GATES),
    ({}, "2023-02-01", set()),
    (
        {"network": {"model": "node-subnet", "podCidr": None}},
        "2023-01-01",
        {("NET-MAP-001", "network.dataplane")},
    ),
    ({"network": {"model": "kubenet"}}, "2022-01-01", set()),
    ({"network": {"model": "kubenet"}}, "2021-09-01", {("NET-MAP-001", "network.ipFamilies")}),
    ({"network": {"model": "byo-cni"}}, "2022-05-01", {("NET-MAP-001", "network.model")}),
    ({"network": {"model": "byo-cni"}}, "2022-06-01", set()),
    (
        {"network": {"dataplane": "cilium"}},
        "2023-01-01",
        {*OVERLAY_GATES, ("NET-MAP-001", "network.policy")},
    ),
    (
        {"network": {"outbound": {"type": "none"}}},
        "2024-10-01",
        {("NET-MAP-001", "network.outbound.type")},
    ),
    ({"network": {"outbound": {"type": "none"}}}, "2025-03-01", set()),
    ({"network": STATIC}, "2025-03-01", {("NET-MAP-001", "network.podSubnet.allocation")}),
    ({"network": STATIC}, "2025-04-01", set()),
    (
        {"network": STATIC},
        "2020-10-01",
        {
            ("NET-MAP-001", p)
            for p in (
                "network.podSubnet",
                "network.podSubnet.allocation",
                "network.ipFamilies",
                "network.dataplane",
            )
        },
    ),
    ({"network": STATIC}, "2025-04-01-preview", set()),
]


@pytest.mark.parametrize("override, api_version, expected", ROWS)
def test_api_version_gates(override, api_version, expected):
    assert findings_with_api(intent_data(**override), api_version) == expected


def test_nat_gateway_sku_gate():
    body = {"networkProfile": {"natGatewayProfile": {"sku": "StandardV2"}}}
    assert list(mapping.features_used(body)) == [
        ("natGatewayProfile.sku", "network.outbound.natGatewaySku", "2026-08-01")
    ]
    assert list(mapping.features_used({"networkProfile": None, "agentPoolProfiles": [None]})) == []


def test_fix_names_the_needed_version():
    intent, plan = plan_of(intent_data(network={"model": "byo-cni"}))
    resources = tuple(
        replace(r, api_version="2022-01-01") if r.type == mapping.CLUSTER else r
        for r in plan.resources
    )
    (finding,) = [
        f for f in check(intent, replace(plan, resources=resources)) if f.rule == "NET-MAP-001"
    ]
    assert "2022-06-01" in finding.fix and CONTAINER_SERVICE in finding.fix


def test_catalog_entries():
    kinds = {r.id: r.kind for r in mapping.RULES}
    assert kinds == {
        "NET-MAP-001": "check",
        "NET-MAP-002": "render",
        "NET-MAP-003": "render",
        "NET-MAP-004": "render",
        "NET-MAP-005": "doc",
        "NET-MAP-006": "render",
    }
    assert list(kinds) == sorted(kinds)
    assert all(r.reason for r in mapping.RULES if r.kind != "check")
