"""NET-DS-*: each row is an override of the base overlay intent and every NET-DS finding."""

from __future__ import annotations

import pytest

from generator.rules import dualstack
from tests.conftest import BASE, findings_of, intent_data, severities_of

SYSTEM = BASE["nodePools"][0]
V4, V6 = "10.244.0.0/16", "fd12:3456:789a::/64"
SVC4, SVC6 = "10.0.0.0/16", "fd12:3456:789a:1::/108"
V6_SPACE = ["10.224.0.0/16", "fd00:10::/48"]
DUAL = {"ipFamilies": ["IPv4", "IPv6"], "vnet": {"addressSpace": V6_SPACE}}
MODEL = ("NET-DS-001", "network.ipFamilies")
SPACE = ("NET-DS-001", "network.vnet.addressSpace")
NODE_SUBNET_ID = (
    "/subscriptions/0/resourceGroups/rg-net/providers/Microsoft.Network/"
    "virtualNetworks/vnet-a/subnets/snet-a"
)


def net(**kw) -> dict:
    return {"network": kw}


ROWS = [
    ({}, set()),
    # NET-DS-001: which models; ipFamilies shape; IPv6 VNet space
    (net(**DUAL), set()),
    (net(**DUAL, dataplane="cilium"), set()),
    (net(model="kubenet", **DUAL), {MODEL}),
    (net(model="node-subnet", podCidr=None, **DUAL), {MODEL}),
    (net(model="pod-subnet", podCidr=None, **DUAL), {MODEL}),
    (
        net(model="pod-subnet", podCidr=None, podSubnet={"allocation": "static-block"}, **DUAL),
        {MODEL},
    ),
    (net(model="byo-cni", **DUAL), {MODEL}),
    (net(model="kubenet"), set()),
    (net(ipFamilies=["IPv6"], vnet={"addressSpace": V6_SPACE}), {MODEL}),
    (net(ipFamilies=["IPv6", "IPv4"], vnet={"addressSpace": V6_SPACE}), {MODEL}),
    (net(ipFamilies=["IPv4", "IPv6"]), {SPACE}),
    (
        net(ipFamilies=["IPv4", "IPv6"], vnet={"addressSpace": ["10.224.0.0/16", "fd00:10::/64"]}),
        set(),
    ),
    (
        net(ipFamilies=["IPv4", "IPv6"], vnet={"addressSpace": ["10.224.0.0/16", "fd00:10::/96"]}),
        {SPACE},
    ),
    (net(ipFamilies=["IPv4", "IPv6"], nodeSubnet={"id": NODE_SUBNET_ID}), set()),
    (net(ipFamilies=["IPv4", "IPv6"], vnet={"managed": True, "addressSpace": None}), set()),
    # NET-DS-002: CIDR lists follow ipFamilies
    (net(**DUAL, podCidrs=[V4, V6], serviceCidrs=[SVC4, SVC6]), set()),
    (net(**DUAL, podCidrs=[V6, V4]), {("NET-DS-002", "network.podCidrs")}),
    (net(**DUAL, serviceCidrs=[SVC4]), {("NET-DS-002", "network.serviceCidrs")}),
    (net(podCidrs=[V4, V6]), {("NET-DS-002", "network.podCidrs")}),
    (net(serviceCidrs=[SVC4, SVC6]), {("NET-DS-002", "network.serviceCidrs")}),
    (net(podCidrs=[V4], serviceCidrs=[SVC4]), set()),
    (net(**DUAL, podCidr="10.245.0.0/16", podCidrs=[V4, V6]), {("NET-DS-002", "network.podCidr")}),
    (
        net(**DUAL, serviceCidr="10.1.0.0/16", serviceCidrs=[SVC4, SVC6]),
        {("NET-DS-002", "network.serviceCidr")},
    ),
    (net(model="node-subnet", podCidr=None, podCidrs=[V6]), set()),  # NET-PLUGIN-001's
    # NET-DS-003 checks nothing itself: a Standard NAT gateway is NET-EGRESS-008's, Azure NPM and
    # Calico are NET-POL-004's (tests/rules/test_overlaps.py proves each gives one finding)
    (net(**DUAL, outbound={"type": "userAssignedNATGateway"}), set()),
    (
        net(
            ipFamilies=["IPv4", "IPv6"],
            vnet={"managed": True, "addressSpace": None},
            outbound={"type": "managedNATGateway"},
        ),
        set(),
    ),
    (net(**DUAL, policy="calico"), set()),
    # NET-DS-004: Azure Linux and IPv6 services
    (
        {"network": DUAL, "nodePools": [{**SYSTEM, "osSku": "AzureLinux"}]},
        {("NET-DS-004", "nodePools[0].osSku")},
    ),
    ({"nodePools": [{**SYSTEM, "osSku": "AzureLinux"}]}, set()),
]


@pytest.mark.parametrize("override, expected", ROWS)
def test_dualstack_findings(override, expected):
    assert findings_of(intent_data(**override), "NET-DS") == expected


@pytest.mark.parametrize(
    "override, severity",
    [
        (net(model="kubenet", **DUAL), "error"),
        (net(model="pod-subnet", podCidr=None, **DUAL), "error"),
        (
            net(model="pod-subnet", podCidr=None, podSubnet={"allocation": "static-block"}, **DUAL),
            "warning",
        ),
        (net(model="byo-cni", **DUAL), "warning"),
    ],
)
def test_model_severity(override, severity):
    assert severities_of(intent_data(**override), "NET-DS") == {(*MODEL, severity)}


def test_catalog_entries():
    assert [r.id for r in dualstack.RULES] == [f"NET-DS-{n:03d}" for n in range(1, 5)]
    assert {r.id: r.kind for r in dualstack.RULES if r.kind != "check"} == {"NET-DS-003": "doc"}
