"""NET-POL-*: each row is an override of the base overlay intent and every NET-POL finding."""

from __future__ import annotations

import pytest

from generator.rules import policy
from tests.conftest import BASE, findings_of, intent_data, severities_of

SYSTEM = BASE["nodePools"][0]
WIN = {"name": "win", "os": "Windows", "count": 2, "maxPods": 110}
V6_SPACE = ["10.224.0.0/16", "fd00:10::/48"]
DUAL = {"ipFamilies": ["IPv4", "IPv6"], "vnet": {"addressSpace": V6_SPACE}}
NPM_RETIRES = ("NET-POL-005", "network.policy")
CILIUM_INFO = ("NET-POL-007", "network.policy")


def net(**kw) -> dict:
    return {"network": kw}


def sized(system: tuple[int, int], apps: tuple[int, int], **apps_kw) -> list[dict]:
    """Two pools of (count, maxPods)."""
    return [
        {**SYSTEM, "count": system[0], "maxPods": system[1]},
        {"name": "apps", "count": apps[0], "maxPods": apps[1], **apps_kw},
    ]


ROWS = [
    ({}, set()),
    # NET-POL-001: engine / plugin matrix
    (net(model="kubenet", policy="azure"), {("NET-POL-001", "network.policy")}),
    (net(model="kubenet", policy="calico"), set()),
    (net(model="kubenet", policy="cilium"), {("NET-POL-001", "network.policy")}),
    (net(model="byo-cni", policy="calico"), {("NET-POL-001", "network.policy")}),
    (net(model="byo-cni", policy="none"), set()),
    (net(model="byo-cni"), set()),
    (net(dataplane="cilium", policy="none"), {("NET-POL-001", "network.policy")}),
    (net(dataplane="cilium"), {CILIUM_INFO}),
    (net(policy="calico"), set()),
    (net(model="node-subnet", podCidr=None, policy="calico"), set()),
    # NET-POL-002: Cilium policy and data plane together
    (net(policy="cilium"), {("NET-POL-002", "network.policy")}),
    (net(dataplane="cilium", policy="calico"), {("NET-POL-002", "network.policy")}),
    (net(dataplane="cilium", policy="calico", **DUAL), {("NET-POL-002", "network.policy")}),
    (net(dataplane="cilium", policy="azure"), {("NET-POL-002", "network.policy")}),
    (net(dataplane="cilium", policy="cilium"), {CILIUM_INFO}),
    # NET-POL-003: Azure NPM scale (nodes use maxCount when autoscaling; pods = nodes x maxPods)
    ({"network": {"policy": "azure"}, "nodePools": sized((3, 10), (247, 10))}, {NPM_RETIRES}),
    (
        {"network": {"policy": "azure"}, "nodePools": sized((3, 10), (248, 10))},
        {("NET-POL-003", "network.policy"), NPM_RETIRES},
    ),
    (
        {
            "network": {"policy": "azure"},
            "nodePools": sized((3, 10), (1, 10), minCount=1, maxCount=248),
        },
        {("NET-POL-003", "network.policy"), NPM_RETIRES},
    ),
    ({"network": {"policy": "azure"}, "nodePools": sized((1, 200), (180, 110))}, {NPM_RETIRES}),
    (
        {"network": {"policy": "azure"}, "nodePools": sized((1, 201), (180, 110))},
        {("NET-POL-003", "network.policy"), NPM_RETIRES},
    ),
    ({"network": {"policy": "calico"}, "nodePools": sized((3, 110), (300, 110))}, set()),
    # NET-POL-004: IPv6
    (net(policy="calico", **DUAL), {("NET-POL-004", "network.policy")}),
    (net(policy="azure", **DUAL), {("NET-POL-004", "network.policy"), NPM_RETIRES}),
    (net(dataplane="cilium", **DUAL), {CILIUM_INFO}),
    (net(**DUAL), set()),
    # NET-POL-005: NPM retirement (Windows: error, Linux: warning)
    ({"network": {"policy": "azure"}, "nodePools": [SYSTEM, WIN]}, {NPM_RETIRES}),
    (net(policy="azure"), {NPM_RETIRES}),
    ({"network": {"policy": "calico"}, "nodePools": [SYSTEM, WIN]}, set()),
    # NET-POL-006: Calico constraints (a Windows pool on kubenet is NET-PLUGIN-003's, any policy)
    ({"network": {"model": "kubenet", "policy": "calico"}, "nodePools": [SYSTEM, WIN]}, set()),
    ({"network": {"model": "kubenet", "policy": "none"}, "nodePools": [SYSTEM, WIN]}, set()),
    (
        {
            "kubernetesVersion": "1.29",
            "network": {"model": "kubenet", "policy": "calico"},
            "nodePools": [SYSTEM, WIN],
        },
        {("NET-POL-006", "kubernetesVersion")},
    ),
    (
        {"kubernetesVersion": "1.29", "network": {"policy": "calico"}},
        {("NET-POL-006", "kubernetesVersion")},
    ),
    (
        {"kubernetesVersion": "1.29", "network": {"policy": "azure"}},
        {("NET-POL-006", "kubernetesVersion"), NPM_RETIRES},
    ),
    ({"kubernetesVersion": "1.30", "network": {"policy": "calico"}}, set()),
    ({"kubernetesVersion": "1.29"}, set()),
    ({"kubernetesVersion": None, "network": {"policy": "calico"}}, set()),
]


@pytest.mark.parametrize("override, expected", ROWS)
def test_policy_findings(override, expected):
    assert findings_of(intent_data(**override), "NET-POL") == expected


@pytest.mark.parametrize(
    "override, severity",
    [
        ({"network": {"policy": "azure"}, "nodePools": [SYSTEM, WIN]}, "error"),
        (net(policy="azure"), "warning"),
    ],
)
def test_npm_retirement_severity(override, severity):
    assert severities_of(intent_data(**override), "NET-POL-005") == {
        ("NET-POL-005", "network.policy", severity)
    }


def test_allowed_policies_matrix():
    assert policy.allowed_policies("kubenet", "azure") == ("none", "calico")
    assert policy.allowed_policies("azure", "azure") == ("none", "azure", "calico")
    assert policy.allowed_policies("azure", "cilium") == ("cilium",)
    assert policy.allowed_policies("none", "azure") == ("none",)


def test_catalog_entries():
    assert [r.id for r in policy.RULES] == [f"NET-POL-{n:03d}" for n in range(1, 8)]
    assert {r.kind for r in policy.RULES} == {"check"}
