"""NET-RANGE-*: each row is an override of the base overlay intent and the exact set of range
findings it must produce (the whole set, so an over-eager rule fails too)."""

from __future__ import annotations

import pytest

from tests.conftest import findings_of, intent_data, severities_of

SUB = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-net/providers"
VNET_A = f"{SUB}/Microsoft.Network/virtualNetworks/vnet-a"
VNET_B = f"{SUB}/Microsoft.Network/virtualNetworks/vnet-b"


def net(**values):
    return {"network": values}


ROWS = [
    pytest.param({}, set(), id="base-is-clean"),
    # 001: reserved ranges, by overlap (a supernet counts), for every kind of range
    pytest.param(net(vnet={"addressSpace": ["172.16.0.0/12"]}),
                 {("NET-RANGE-001", "network.vnet.addressSpace[0]")}, id="001-supernet-vnet"),
    pytest.param(net(serviceCidr="172.30.0.0/16", dnsServiceIp="172.30.0.10"),
                 {("NET-RANGE-001", "network.serviceCidr")}, id="001-service"),
    pytest.param(net(podCidr="169.254.0.0/16"),
                 {("NET-RANGE-001", "network.podCidr"), ("NET-RANGE-008", "network.podCidr")},
                 id="001-link-local-pods"),
    pytest.param(net(podCidr="172.29.0.0/16"), set(), id="001-adjacent-passes"),
    pytest.param(net(nodeSubnet={"prefix": "192.0.2.0/24"},
                     vnet={"addressSpace": ["10.224.0.0/16", "192.0.2.0/24"]}),
                 {("NET-RANGE-001", "network.vnet.addressSpace[1]"),
                  ("NET-RANGE-001", "network.nodeSubnet.prefix")}, id="001-subnet"),
    # 002: ranges Azure refuses in a VNet; public or multicast service CIDRs
    pytest.param(net(vnet={"addressSpace": ["127.0.0.0/16"]}),
                 {("NET-RANGE-002", "network.vnet.addressSpace[0]")}, id="002-loopback-vnet"),
    pytest.param(net(serviceCidr="8.8.0.0/16", dnsServiceIp="8.8.0.10"),
                 {("NET-RANGE-002", "network.serviceCidr")}, id="002-public-service"),
    pytest.param(net(serviceCidr="100.64.0.0/16", dnsServiceIp="100.64.0.10"), set(),
                 id="002-shared-space-service-passes"),
    # 003: pod CIDR against the VNet's subnets (error) and its unused space (warning)
    pytest.param(net(nodeSubnet={"prefix": "10.224.0.0/24"}, podCidr="10.224.0.0/20"),
                 {("NET-RANGE-003", "network.podCidr")}, id="003-over-node-subnet"),
    pytest.param(net(podCidr="10.224.128.0/17"), {("NET-RANGE-003", "network.podCidr")},
                 id="003-in-unused-vnet-space"),
    pytest.param(net(podCidr="10.225.0.0/16"), set(), id="003-next-to-vnet-passes"),
    # 004: pod CIDR and service CIDR
    pytest.param(net(serviceCidr="10.244.0.0/16", dnsServiceIp="10.244.0.10"),
                 {("NET-RANGE-004", "network.podCidr")}, id="004-same-range"),
    # 005 and 007: connected networks against pods and services
    pytest.param(net(connectedNetworks=["10.244.128.0/24"]),
                 {("NET-RANGE-005", "network.podCidr")}, id="005-pods-over-on-prem"),
    pytest.param(net(connectedNetworks=["10.0.0.0/16"]),
                 {("NET-RANGE-007", "network.serviceCidr")}, id="007-services-over-peer"),
    pytest.param(net(connectedNetworks=["10.245.0.0/16", "10.1.0.0/16"]), set(),
                 id="005-007-disjoint-passes"),
    # 006: service CIDR against subnets (error) and unused VNet space (warning)
    pytest.param(net(nodeSubnet={"prefix": "10.224.0.0/24"}, serviceCidr="10.224.0.0/16",
                     dnsServiceIp="10.224.0.10"),
                 {("NET-RANGE-006", "network.serviceCidr")}, id="006-over-node-subnet"),
    pytest.param(net(serviceCidr="10.224.128.0/24", dnsServiceIp="10.224.128.10"),
                 {("NET-RANGE-006", "network.serviceCidr")}, id="006-in-unused-vnet-space"),
    # 008: pod CIDR outside RFC 1918 / RFC 6598
    pytest.param(net(podCidr="8.8.0.0/16"), {("NET-RANGE-008", "network.podCidr")},
                 id="008-public-pods"),
    pytest.param(net(podCidr="100.64.0.0/16"), set(), id="008-rfc6598-passes"),
    # 009: the VNet against connected networks (the allocator keeps the subnet clear)
    pytest.param(net(connectedNetworks=["10.224.0.0/20"]),
                 {("NET-RANGE-009", "network.vnet.addressSpace[0]")}, id="009-vnet-over-peer"),
    pytest.param(net(nodeSubnet={"prefix": "10.224.0.0/24"}, connectedNetworks=["10.224.0.0/20"]),
                 {("NET-RANGE-009", "network.vnet.addressSpace[0]"),
                  ("NET-RANGE-009", "network.nodeSubnet.prefix")}, id="009-given-subnet-too"),
    # 010: every subnet in the one VNet
    pytest.param(net(vnet={"id": VNET_A, "addressSpace": ["10.224.0.0/16"]},
                     nodeSubnet={"id": f"{VNET_B}/subnets/nodes", "prefix": "10.224.0.0/24"}),
                 {("NET-RANGE-010", "network.nodeSubnet.id")}, id="010-other-vnet"),
    pytest.param(net(vnet={"id": VNET_A, "addressSpace": ["10.224.0.0/16"]},
                     nodeSubnet={"id": f"{VNET_A}/subnets/nodes", "prefix": "10.224.0.0/24"}),
                 set(), id="010-same-vnet-passes"),
    # pods of models that take subnet addresses have no pod CIDR to check
    pytest.param(net(model="node-subnet", podCidr=None), set(), id="node-subnet-no-pod-cidr"),
]


@pytest.mark.parametrize("override, expected", ROWS)
def test_range_findings(override, expected):
    assert findings_of(intent_data(**override), "NET-RANGE") == expected


@pytest.mark.parametrize("override, rule, path, severity", [
    (net(podCidr="10.224.128.0/17"), "NET-RANGE-003", "network.podCidr", "warning"),
    (net(nodeSubnet={"prefix": "10.224.0.0/24"}, podCidr="10.224.0.0/20"),
     "NET-RANGE-003", "network.podCidr", "error"),
    (net(serviceCidr="10.224.128.0/24", dnsServiceIp="10.224.128.10"),
     "NET-RANGE-006", "network.serviceCidr", "warning"),
    (net(podCidr="8.8.0.0/16"), "NET-RANGE-008", "network.podCidr", "warning"),
    (net(connectedNetworks=["10.244.128.0/24"]), "NET-RANGE-005", "network.podCidr", "error"),
])
def test_range_severities(override, rule, path, severity):
    assert (rule, path, severity) in severities_of(intent_data(**override), "NET-RANGE")


def test_dual_stack_ranges_are_checked_per_family():
    data = intent_data(network={
        "vnet": {"addressSpace": ["10.224.0.0/16", "fd00:10::/48"]},
        "ipFamilies": ["IPv4", "IPv6"], "podCidr": None,
        "podCidrs": ["10.244.0.0/16", "fd12:3456:789a::/64"],
        "serviceCidrs": ["10.0.0.0/16", "fd12:3456:789a::/108"],
    })
    # the IPv6 service range sits inside the IPv6 pod range: only that pair overlaps
    assert findings_of(data, "NET-RANGE-004") == {("NET-RANGE-004", "network.podCidrs[1]")}
