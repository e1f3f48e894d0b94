"""NET-SUBNET-*: each row is an override of the base overlay intent and every NET-SUBNET
finding (only NET-SUBNET-003 is an offline check; the rest need Azure or are documentation)."""

from __future__ import annotations

import pytest

from generator.rules import subnets
from tests.conftest import findings_of, intent_data

VNET_ID = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet"


def pod_subnet(node: dict, pod: dict, allocation="dynamic") -> dict:
    return {
        "network": {
            "model": "pod-subnet",
            "podCidr": None,
            "nodeSubnet": node,
            "podSubnet": {"allocation": allocation, **pod},
        }
    }


ROWS = [
    ({}, set()),
    (pod_subnet({}, {}), set()),
    (
        pod_subnet({"prefix": "10.224.0.0/22"}, {"prefix": "10.224.0.0/22"}),
        {("NET-SUBNET-003", "network.podSubnet.prefix")},
    ),
    (
        pod_subnet({"prefix": "10.224.0.0/22"}, {"prefix": "10.224.2.0/23"}),
        {("NET-SUBNET-003", "network.podSubnet.prefix")},
    ),
    (pod_subnet({"prefix": "10.224.0.0/22"}, {"prefix": "10.224.4.0/22"}), set()),
    (
        pod_subnet({"prefix": "10.224.0.0/22"}, {"prefix": "10.224.0.0/22"}, "static-block"),
        {("NET-SUBNET-003", "network.podSubnet.prefix")},
    ),
    (
        pod_subnet({"id": f"{VNET_ID}/subnets/a"}, {"id": f"{VNET_ID}/subnets/A"}),
        {("NET-SUBNET-003", "network.podSubnet.id")},
    ),
    (pod_subnet({"id": f"{VNET_ID}/subnets/a"}, {"id": f"{VNET_ID}/subnets/b"}), set()),
    (
        pod_subnet(
            {"id": f"{VNET_ID}/subnets/a", "prefix": "10.224.0.0/22"},
            {"id": f"{VNET_ID}/subnets/b", "prefix": "10.224.0.0/22"},
        ),
        {("NET-SUBNET-003", "network.podSubnet.prefix")},
    ),
    # no pod subnet outside the pod-subnet model
    (
        {
            "network": {
                "nodeSubnet": {"prefix": "10.224.0.0/22"},
                "podSubnet": {"prefix": "10.224.0.0/22"},
            }
        },
        set(),
    ),
]


@pytest.mark.parametrize("override, expected", ROWS)
def test_subnet_findings(override, expected):
    assert findings_of(intent_data(**override), "NET-SUBNET") == expected


def test_fix_suggests_the_next_range():
    from generator.validate import check
    from tests.conftest import plan_of

    data = intent_data(**pod_subnet({"prefix": "10.224.0.0/22"}, {"prefix": "10.224.0.0/23"}))
    intent, plan = plan_of(data)
    (finding,) = [f for f in check(intent, plan) if f.rule == "NET-SUBNET-003"]
    assert "10.224.4.0/23" in finding.fix


def test_catalog_entries():
    assert [r.id for r in subnets.RULES] == [f"NET-SUBNET-{n:03d}" for n in range(1, 6)]
    assert {r.id: r.kind for r in subnets.RULES} == {
        "NET-SUBNET-001": "live",
        "NET-SUBNET-002": "live",
        "NET-SUBNET-003": "check",
        "NET-SUBNET-004": "live",
        "NET-SUBNET-005": "doc",
    }
