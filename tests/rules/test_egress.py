"""NET-EGRESS-*: each row is an override of the base overlay intent and every NET-EGRESS
finding."""

from __future__ import annotations

from dataclasses import replace

import pytest

from generator.rules import egress
from generator.validate import check
from tests.conftest import findings_of, intent_data, plan_of, severities_of

TYPE = "network.outbound.type"
SUBNET_ID = (
    "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/s"
)
ENDPOINTS = ("NET-EGRESS-011", TYPE)
MANAGED = {"managed": True}
DUAL = {
    "ipFamilies": ["IPv4", "IPv6"],
    "vnet": {"addressSpace": ["10.224.0.0/16", "fd00::/48"]},
    "podCidr": None,
    "podCidrs": ["10.244.0.0/16", "fd12:3456:789a::/64"],
    "serviceCidrs": ["10.0.0.0/16", "fd12:3456:789a:1::/108"],
}
NODE_SUBNET = {"model": "node-subnet", "podCidr": None}
SYSTEM = {"name": "system", "mode": "System", "count": 3, "maxPods": 110}
AVSET = {**SYSTEM, "vmSetType": "AvailabilitySet"}
WIN = {"name": "win", "os": "Windows", "count": 2, "maxPods": 110, "disableOutboundNat": True}


def out(kind: str, vnet: dict | None = None, features: dict | None = None, **outbound) -> dict:
    data: dict = {"network": {"outbound": {"type": kind, **outbound}}}
    if vnet is not None:
        data["network"]["vnet"] = vnet
    if features:
        data["features"] = features
    return data


def udr(**kw) -> dict:
    return out("userDefinedRouting", nextHopIp="10.1.0.4", **kw)


ROWS = [
    ({}, set()),
    # NET-EGRESS-001: preview types need features.preview
    (out("block", MANAGED), {("NET-EGRESS-001", TYPE)}),
    (out("block", MANAGED, {"preview": True}), set()),
    (out("managedNATGatewayV2", MANAGED), {("NET-EGRESS-001", TYPE)}),
    (out("managedNATGatewayV2", MANAGED, {"preview": True}), set()),
    # NET-EGRESS-002: Standard LB and scale sets (availability sets on overlay: NET-PLUGIN-007's)
    ({"network": {"loadBalancerSku": "basic"}}, {("NET-EGRESS-002", "network.loadBalancerSku")}),
    (
        {"network": NODE_SUBNET, "nodePools": [AVSET]},
        {("NET-EGRESS-002", "nodePools[0].vmSetType")},
    ),
    (
        {"network": {"model": "kubenet"}, "nodePools": [AVSET]},
        {("NET-EGRESS-002", "nodePools[0].vmSetType")},
    ),
    ({"nodePools": [AVSET]}, set()),
    (
        {"network": {"loadBalancerSku": "basic"}, "nodePools": [AVSET]},
        {("NET-EGRESS-002", "network.loadBalancerSku")},
    ),
    ({"nodePools": [{**SYSTEM, "vmSetType": "VirtualMachines"}]}, set()),
    # NET-EGRESS-003: managed NAT gateway, V2 and block need the managed VNet
    (out("managedNATGateway"), {("NET-EGRESS-003", TYPE)}),
    (out("managedNATGateway", MANAGED), set()),
    (out("block"), {("NET-EGRESS-001", TYPE), ("NET-EGRESS-003", TYPE)}),
    (out("managedNATGatewayV2", None, {"preview": True}), {("NET-EGRESS-003", TYPE)}),
    # NET-EGRESS-004: 1-16 IPs, 4-120 minutes
    (out("managedNATGateway", MANAGED, managedOutboundIpCount=16, idleTimeoutMinutes=120), set()),
    (
        out("managedNATGateway", MANAGED, managedOutboundIpCount=17),
        {("NET-EGRESS-004", "network.outbound.managedOutboundIpCount")},
    ),
    (
        out("managedNATGateway", MANAGED, managedOutboundIpCount=0),
        {("NET-EGRESS-004", "network.outbound.managedOutboundIpCount")},
    ),
    (
        out("managedNATGateway", MANAGED, idleTimeoutMinutes=3),
        {("NET-EGRESS-004", "network.outbound.idleTimeoutMinutes")},
    ),
    (out("managedNATGateway", MANAGED, idleTimeoutMinutes=4), set()),
    (
        out("managedNATGateway", MANAGED, idleTimeoutMinutes=121),
        {("NET-EGRESS-004", "network.outbound.idleTimeoutMinutes")},
    ),
    (
        out("userAssignedNATGateway", idleTimeoutMinutes=121),
        {("NET-EGRESS-004", "network.outbound.idleTimeoutMinutes"), ENDPOINTS},
    ),
    (out("loadBalancer", managedOutboundIpCount=17, idleTimeoutMinutes=121), set()),
    # NET-EGRESS-005: user-assigned NAT gateway on your own VNet's subnets
    (out("userAssignedNATGateway"), {ENDPOINTS}),
    (out("userAssignedNATGateway", MANAGED), {("NET-EGRESS-005", TYPE), ENDPOINTS}),
    (
        {
            **out("userAssignedNATGateway"),
            "network": {
                "outbound": {"type": "userAssignedNATGateway"},
                "nodeSubnet": {"id": SUBNET_ID},
            },
        },
        {("NET-EGRESS-005", "network.nodeSubnet.id"), ENDPOINTS},
    ),
    (
        {
            "network": {
                "model": "pod-subnet",
                "podCidr": None,
                "outbound": {"type": "userAssignedNATGateway"},
            }
        },
        {ENDPOINTS},
    ),
    # NET-EGRESS-006: UDR needs your own VNet and, when aksnet writes the route, a next hop
    (udr(), {ENDPOINTS}),
    (out("userDefinedRouting"), {("NET-EGRESS-006", "network.outbound.nextHopIp"), ENDPOINTS}),
    (udr(vnet=MANAGED), {("NET-EGRESS-006", TYPE), ENDPOINTS}),
    (
        {
            "network": {
                "outbound": {"type": "userDefinedRouting"},
                "routeTable": {"id": SUBNET_ID.split("/virtualNetworks")[0] + "/routeTables/rt"},
            }
        },
        {ENDPOINTS},
    ),
    (
        {"network": {"outbound": {"type": "userDefinedRouting"}, "nodeSubnet": {"id": SUBNET_ID}}},
        {ENDPOINTS},
    ),
    # NET-EGRESS-007: none only for network-isolated clusters
    (out("none"), {("NET-EGRESS-007", TYPE), ENDPOINTS}),
    (out("none", None, {"networkIsolated": True}), set()),
    (out("none", MANAGED, {"networkIsolated": True}), set()),
    # NET-EGRESS-008: dual-stack egress
    (
        {"network": {**DUAL, "vnet": MANAGED, "outbound": {"type": "managedNATGateway"}}},
        {("NET-EGRESS-008", "network.outbound.natGatewaySku")},
    ),
    (
        {
            "network": {
                **DUAL,
                "vnet": MANAGED,
                "outbound": {"type": "managedNATGateway", "natGatewaySku": "StandardV2"},
            }
        },
        set(),
    ),
    (
        {"network": {**DUAL, "outbound": {"type": "userAssignedNATGateway"}}},
        {("NET-EGRESS-008", "network.outbound.natGatewaySku"), ENDPOINTS},
    ),
    (
        {"network": {**DUAL, "outbound": {"type": "userDefinedRouting", "nextHopIp": "10.1.0.4"}}},
        {("NET-EGRESS-008", TYPE), ENDPOINTS},
    ),
    ({"network": DUAL}, set()),
    (out("managedNATGateway", MANAGED), set()),
    (  # IPv6-only is NET-DS-001's error, but its NAT gateway still has no IPv6 egress
        {
            "network": {
                **DUAL,
                "ipFamilies": ["IPv6"],
                "outbound": {"type": "userAssignedNATGateway"},
            }
        },
        {("NET-EGRESS-008", "network.outbound.natGatewaySku"), ENDPOINTS},
    ),
    # NET-EGRESS-009: Windows OutboundNAT off needs 1.26 and not loadBalancer
    ({"nodePools": [SYSTEM, WIN]}, {("NET-EGRESS-009", "nodePools[1].disableOutboundNat")}),
    ({**udr(), "nodePools": [SYSTEM, WIN]}, {ENDPOINTS}),
    (
        {**udr(), "nodePools": [SYSTEM, WIN], "kubernetesVersion": "1.25"},
        {("NET-EGRESS-009", "nodePools[1].disableOutboundNat"), ENDPOINTS},
    ),
    ({**udr(), "nodePools": [SYSTEM, WIN], "kubernetesVersion": "1.26"}, {ENDPOINTS}),
    ({"nodePools": [SYSTEM, {**WIN, "disableOutboundNat": False}]}, set()),
    ({"nodePools": [{**SYSTEM, "disableOutboundNat": True}]}, set()),
    # NET-EGRESS-011: outbound endpoints listed where egress passes through something you run
    (out("loadBalancer"), set()),
    (udr(features={"networkIsolated": True}), set()),
]


@pytest.mark.parametrize("override, expected", ROWS)
def test_egress_findings(override, expected):
    assert findings_of(intent_data(**override), "NET-EGRESS") == expected


@pytest.mark.parametrize(
    "override, expected",
    [
        (out("userAssignedNATGateway", MANAGED), {("NET-EGRESS-005", TYPE, "error")}),
        (
            {
                "network": {
                    "outbound": {"type": "userAssignedNATGateway"},
                    "nodeSubnet": {"id": SUBNET_ID},
                }
            },
            {("NET-EGRESS-005", "network.nodeSubnet.id", "info")},
        ),
        (
            {
                "network": {
                    **DUAL,
                    "outbound": {"type": "userDefinedRouting", "nextHopIp": "10.1.0.4"},
                }
            },
            {("NET-EGRESS-008", TYPE, "warning")},
        ),
    ],
)
def test_egress_severities(override, expected):
    assert severities_of(intent_data(**override), "NET-EGRESS-00") == expected


def test_endpoints_name_the_region():
    intent, plan = plan_of(intent_data(**udr(), location="westeurope"))
    (finding,) = [f for f in check(intent, plan) if f.rule == "NET-EGRESS-011"]
    assert "*.hcp.westeurope.azmk8s.io" in finding.message
    assert str(finding.severity) == "info"


def test_created_subnet_without_nat_gateway_is_an_error():
    intent, plan = plan_of(intent_data(**out("userAssignedNATGateway")))
    node = plan.by_symbol("nodeSubnet")
    props = {k: v for k, v in node.properties.items() if k != "natGateway"}
    plan = replace(
        plan,
        resources=tuple(replace(r, properties=props) if r is node else r for r in plan.resources),
    )
    found = {(f.rule, f.path) for f in check(intent, plan) if f.rule == "NET-EGRESS-005"}
    assert found == {("NET-EGRESS-005", "network.nodeSubnet")}


def test_catalog_entries():
    assert [r.id for r in egress.RULES] == [f"NET-EGRESS-{n:03d}" for n in range(1, 12)]
    assert {r.id: r.kind for r in egress.RULES if r.kind != "check"} == {"NET-EGRESS-010": "live"}
