"""Rules whose catalog text overlaps: one mistake gives one finding, from the more specific rule,
and each rule still fires alone where only it applies.

Each row is an override of the base overlay intent, the two overlapping rules, and every finding
of those two (rule, path, severity).
"""

from __future__ import annotations

import itertools

import pytest

from tests.conftest import BASE, intent_data, severities_of

SYSTEM = BASE["nodePools"][0]
WIN = {"name": "win", "os": "Windows", "count": 2, "maxPods": 110}
AVSET = {**SYSTEM, "vmSetType": "AvailabilitySet"}
DUAL = {"ipFamilies": ["IPv4", "IPv6"], "vnet": {"addressSpace": ["10.224.0.0/16", "fd00::/48"]}}
UDR = {"type": "userDefinedRouting", "nextHopIp": "10.1.0.4"}
NAT_SKU = "network.outbound.natGatewaySku"
ENGINE_ON_IPV6 = ("NET-POL-004", "network.policy", "error")

DS_NAT = ("NET-DS-003", "NET-EGRESS-008")
DS_POLICY = ("NET-DS-003", "NET-POL-004")
AVSETS = ("NET-PLUGIN-007", "NET-EGRESS-002")
WINDOWS = ("NET-POL-006", "NET-PLUGIN-003")
ROUTES = ("NET-RT-003", "NET-SCALE-002")


def kubenet(nodes: int = 3, surge: int = 0, pools: list | None = None, **network) -> dict:
    system = {**SYSTEM, "count": nodes, "maxPods": 30, "maxSurge": surge}
    return {
        "network": {"model": "kubenet", "podCidr": "10.240.0.0/12", **network},
        "nodePools": pools or [system],
    }


ROWS = [
    # 1. dual-stack with a Standard NAT gateway: NET-EGRESS-008 only; the policy engines stay
    # NET-POL-004's (NET-DS-003 runs nothing itself)
    (
        {"network": {**DUAL, "outbound": {"type": "userAssignedNATGateway"}}},
        DS_NAT,
        {("NET-EGRESS-008", NAT_SKU, "error")},
    ),
    (
        {
            "network": {
                **DUAL,
                "vnet": {"managed": True, "addressSpace": None},
                "outbound": {"type": "managedNATGateway"},
            }
        },
        DS_NAT,
        {("NET-EGRESS-008", NAT_SKU, "error")},
    ),
    ({"network": {**DUAL, "policy": "calico"}}, DS_POLICY, {ENGINE_ON_IPV6}),
    ({"network": {**DUAL, "policy": "azure"}}, DS_POLICY, {ENGINE_ON_IPV6}),
    # 2. availability sets: NET-PLUGIN-007 on overlay (Azure or Cilium data plane), else EGRESS-002
    ({"nodePools": [AVSET]}, AVSETS, {("NET-PLUGIN-007", "nodePools[0].vmSetType", "error")}),
    (
        {"network": {"dataplane": "cilium", "policy": "cilium"}, "nodePools": [AVSET]},
        AVSETS,
        {("NET-PLUGIN-007", "nodePools[0].vmSetType", "error")},
    ),
    (
        {"network": {"model": "node-subnet", "podCidr": None}, "nodePools": [AVSET]},
        AVSETS,
        {("NET-EGRESS-002", "nodePools[0].vmSetType", "error")},
    ),
    (
        kubenet(pools=[AVSET]),
        AVSETS,
        {("NET-EGRESS-002", "nodePools[0].vmSetType", "error")},
    ),
    (  # two mistakes, two findings
        {"network": {"loadBalancerSku": "basic"}, "nodePools": [AVSET]},
        AVSETS,
        {
            ("NET-PLUGIN-007", "nodePools[0].vmSetType", "error"),
            ("NET-EGRESS-002", "network.loadBalancerSku", "error"),
        },
    ),
    # 3. a Windows pool on kubenet: NET-PLUGIN-003 whatever the policy; NET-POL-006 keeps 1.30
    (
        kubenet(pools=[SYSTEM, WIN], policy="calico"),
        WINDOWS,
        {("NET-PLUGIN-003", "nodePools[1].os", "error")},
    ),
    (kubenet(pools=[SYSTEM, WIN]), WINDOWS, {("NET-PLUGIN-003", "nodePools[1].os", "error")}),
    (
        {**kubenet(policy="calico"), "kubernetesVersion": "1.29"},
        WINDOWS,
        {("NET-POL-006", "kubernetesVersion", "error")},
    ),
    (  # two mistakes, two findings
        {**kubenet(pools=[SYSTEM, WIN], policy="calico"), "kubernetesVersion": "1.29"},
        WINDOWS,
        {
            ("NET-PLUGIN-003", "nodePools[1].os", "error"),
            ("NET-POL-006", "kubernetesVersion", "error"),
        },
    ),
    # 4. kubenet route budget: NET-SCALE-002 when the nodes alone overflow, NET-RT-003 when the
    # custom routes (here the UDR default route) do
    (kubenet(401), ROUTES, {("NET-SCALE-002", "nodePools", "error")}),
    (kubenet(401, outbound=UDR), ROUTES, {("NET-SCALE-002", "nodePools", "error")}),
    (kubenet(400, outbound=UDR), ROUTES, {("NET-RT-003", "nodePools", "error")}),
    (kubenet(400, surge=1), ROUTES, {("NET-SCALE-002", "nodePools", "warning")}),
    (kubenet(399, surge=2, outbound=UDR), ROUTES, {("NET-SCALE-002", "nodePools", "warning")}),
    (kubenet(399, surge=1, outbound=UDR), ROUTES, {("NET-RT-003", "nodePools", "warning")}),
    (  # create over because of the UDR route, upgrade over because of surge: two causes
        kubenet(400, surge=1, outbound=UDR),
        ROUTES,
        {("NET-RT-003", "nodePools", "error"), ("NET-SCALE-002", "nodePools", "warning")},
    ),
]


def findings(data: dict, rules: tuple[str, ...]) -> set[tuple[str, str, str]]:
    return {f for f in severities_of(data) if f[0] in rules}


@pytest.mark.parametrize("override, rules, expected", ROWS)
def test_one_mistake_one_finding(override, rules, expected):
    assert findings(intent_data(**override), rules) == expected


@pytest.mark.parametrize(
    "nodes, surge, custom", list(itertools.product((398, 399, 400, 401), (0, 1, 2), (False, True)))
)
def test_route_budget_reported_once_per_severity(nodes, surge, custom):
    """Around the 400 edge: the create budget (N + custom) is an error, else the upgrade budget
    (N + S + custom) a warning, and never both rules at the same severity."""
    routes = 1 if custom else 0
    network = {"outbound": UDR} if custom else {}
    found = findings(intent_data(**kubenet(nodes, surge, **network)), ROUTES)
    severities = [severity for _, _, severity in found]
    assert len(severities) == len(set(severities)), found
    if nodes + routes > 400:
        assert "error" in severities
    elif nodes + surge + routes > 400:
        assert severities == ["warning"]
    else:
        assert found == set()
