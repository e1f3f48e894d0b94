"""NET-PLUGIN-*: each row is an override of the base overlay intent and every NET-PLUGIN finding."""

from __future__ import annotations

from dataclasses import replace

import pytest

from generator.rules import features, nodepools, plugin
from generator.validate import check
from tests.conftest import BASE, findings_of, intent_data, plan_of, severities_of

SYSTEM = BASE["nodePools"][0]
SUBNET_ID = (
    "/subscriptions/0000/resourceGroups/rg-net/providers/Microsoft.Network/"
    "virtualNetworks/vnet-a/subnets/snet-pods"
)
V6_SPACE = ["10.224.0.0/16", "fd00:10::/48"]
DUAL = {"ipFamilies": ["IPv4", "IPv6"], "vnet": {"addressSpace": V6_SPACE}}
CILIUM_INFO = ("NET-PLUGIN-012", "network.dataplane")


def pools(*extra: dict) -> list[dict]:
    return [SYSTEM, *extra]


def win(**kw) -> dict:
    return {"name": "win", "os": "Windows", "count": 2, "maxPods": 110, **kw}


def net(**kw) -> dict:
    return {"network": kw}


POD_SUBNET = {"model": "pod-subnet", "podCidr": None}
STATIC = {**POD_SUBNET, "podSubnet": {"allocation": "static-block"}}
LONG = "x" * 64

ROWS = [
    # NET-PLUGIN-001: legal combinations
    ({}, set()),
    (
        net(podSubnet={"prefix": "10.224.128.0/20"}),
        {("NET-PLUGIN-001", "network.podSubnet.prefix")},
    ),
    (net(podSubnet={"id": SUBNET_ID}), {("NET-PLUGIN-001", "network.podSubnet.id")}),
    (
        net(podSubnet={"allocation": "static-block"}),
        {("NET-PLUGIN-001", "network.podSubnet.allocation")},
    ),
    (net(model="pod-subnet"), {("NET-PLUGIN-001", "network.podCidr")}),
    (
        net(model="node-subnet", podCidr=None, podCidrs=["10.244.0.0/16"]),
        {("NET-PLUGIN-001", "network.podCidrs")},
    ),
    (net(model="kubenet", dataplane="cilium"), {("NET-PLUGIN-001", "network.dataplane")}),
    (
        net(model="byo-cni", dataplane="cilium", policy="none"),
        {("NET-PLUGIN-001", "network.dataplane"), ("NET-PLUGIN-011", "network.model")},
    ),
    (
        net(**POD_SUBNET, vnet={"managed": True, "addressSpace": None}),
        {("NET-PLUGIN-001", "network.vnet.managed")},
    ),
    (net(**POD_SUBNET, podSubnet={"prefix": "10.224.128.0/20"}), set()),
    (net(model="node-subnet", podCidr=None), set()),
    # NET-PLUGIN-003: Windows needs Azure CNI
    (
        {"network": {"model": "kubenet"}, "nodePools": pools(win())},
        {("NET-PLUGIN-003", "nodePools[1].os")},
    ),
    (
        {"network": {"model": "kubenet", "policy": "calico"}, "nodePools": pools(win())},
        {("NET-PLUGIN-003", "nodePools[1].os")},
    ),
    ({"network": {"model": "kubenet"}}, set()),
    ({"nodePools": pools(win())}, set()),
    # NET-PLUGIN-004: Cilium is Linux only
    (
        {"network": {"dataplane": "cilium"}, "nodePools": pools(win())},
        {("NET-PLUGIN-004", "nodePools[1].os"), CILIUM_INFO},
    ),
    ({"network": {"dataplane": "cilium"}}, {CILIUM_INFO}),
    # NET-PLUGIN-005: Windows versions
    ({"nodePools": pools(win(osSku="Windows2019"))}, {("NET-PLUGIN-005", "nodePools[1].osSku")}),
    (
        {"kubernetesVersion": "1.37", "nodePools": pools(win())},
        {("NET-PLUGIN-005", "nodePools[1].osSku")},
    ),
    ({"kubernetesVersion": "1.36", "nodePools": pools(win(osSku="Windows2022"))}, set()),
    ({"kubernetesVersion": "1.37", "nodePools": pools(win(osSku="Windows2025"))}, set()),
    ({"kubernetesVersion": None, "nodePools": pools(win(osSku="Windows2022"))}, set()),
    # NET-PLUGIN-006: Windows pod density
    ({"nodePools": pools(win(maxPods=111))}, {("NET-PLUGIN-006", "nodePools[1].maxPods")}),
    ({"nodePools": pools(win(maxPods=110))}, set()),
    ({"nodePools": pools(win(maxPods=None))}, set()),
    # NET-PLUGIN-007: overlay platform limits
    (
        {"nodePools": [{**SYSTEM, "vmSetType": "AvailabilitySet"}]},
        {("NET-PLUGIN-007", "nodePools[0].vmSetType")},
    ),
    (
        {"nodePools": [{**SYSTEM, "vmSize": "Standard_DC2s_v2"}]},
        {("NET-PLUGIN-007", "nodePools[0].vmSize")},
    ),
    (
        {"nodePools": [{**SYSTEM, "vmSize": "Standard_DC8_v2"}]},
        {("NET-PLUGIN-007", "nodePools[0].vmSize")},
    ),
    (
        {
            "network": {"dataplane": "cilium"},
            "nodePools": [{**SYSTEM, "vmSetType": "AvailabilitySet"}],
        },
        {("NET-PLUGIN-007", "nodePools[0].vmSetType"), CILIUM_INFO},
    ),
    ({"nodePools": [{**SYSTEM, "vmSize": "Standard_DC4as_v5"}]}, set()),
    ({"nodePools": [{**SYSTEM, "vmSetType": "VirtualMachines"}]}, set()),
    (
        {
            "network": {"model": "node-subnet", "podCidr": None},
            "nodePools": [{**SYSTEM, "vmSetType": "AvailabilitySet", "vmSize": "Standard_DC2s_v2"}],
        },
        set(),
    ),
    # NET-PLUGIN-008: names of a bring-your-own network fit a node label
    (net(vnet={"name": LONG}), {("NET-PLUGIN-008", "network.vnet.name")}),
    (net(vnet={"name": LONG[:63]}), set()),
    (net(nodeSubnet={"name": LONG}), {("NET-PLUGIN-008", "network.nodeSubnet.name")}),
    (net(**POD_SUBNET, podSubnet={"name": LONG}), {("NET-PLUGIN-008", "network.podSubnet.name")}),
    (
        {"name": "c" * 61, "network": {"vnet": {"name": "vnet-short"}}},
        {("NET-PLUGIN-008", "resourceGroup")},
    ),
    ({"name": "c" * 60, "network": {"vnet": {"name": "vnet-short"}}}, set()),
    ({"name": "c" * 60}, {("NET-PLUGIN-008", "network.vnet.name")}),
    ({"name": "c" * 61, "network": {"vnet": {"managed": True, "addressSpace": None}}}, set()),
    (
        net(
            vnet={
                "id": "/subscriptions/0/resourceGroups/rg-net/providers/Microsoft.Network/"
                f"virtualNetworks/{LONG}"
            }
        ),
        {("NET-PLUGIN-008", "network.vnet.id")},
    ),
    (
        net(
            nodeSubnet={
                "id": f"/subscriptions/0/resourceGroups/{LONG}/providers/"
                "Microsoft.Network/virtualNetworks/vnet-a/subnets/snet-a"
            }
        ),
        {("NET-PLUGIN-008", "network.nodeSubnet.id")},
    ),
    (
        net(
            nodeSubnet={
                "id": "/subscriptions/0/resourceGroups/rg-net/providers/"
                f"Microsoft.Network/virtualNetworks/vnet-a/subnets/{LONG}",
                "name": "short",
            }
        ),
        {("NET-PLUGIN-008", "network.nodeSubnet.id")},
    ),
    # NET-PLUGIN-009: static block prerequisites
    ({"kubernetesVersion": "1.27", "network": STATIC}, {("NET-PLUGIN-009", "kubernetesVersion")}),
    ({"kubernetesVersion": "1.28", "network": STATIC}, set()),
    ({"kubernetesVersion": "1.27", "network": POD_SUBNET}, set()),
    (
        {"network": STATIC, "features": {"privateLinkService": True}},
        {("NET-PLUGIN-009", "features.privateLinkService")},
    ),
    ({"features": {"privateLinkService": True}}, set()),
    # NET-PLUGIN-011: byo-cni (info; the error row is test_byo_cni_without_pod_cidr)
    (net(model="byo-cni"), {("NET-PLUGIN-011", "network.model")}),
    # NET-PLUGIN-012: Cilium version gates
    (
        {"kubernetesVersion": "1.28", "network": {"dataplane": "cilium", **DUAL}},
        {("NET-PLUGIN-012", "kubernetesVersion")},
    ),
    ({"kubernetesVersion": "1.29", "network": {"dataplane": "cilium", **DUAL}}, set()),
    ({"kubernetesVersion": "1.28", "network": {"dataplane": "cilium"}}, set()),
    ({"kubernetesVersion": "1.36", "network": {"dataplane": "cilium", **DUAL}}, {CILIUM_INFO}),
    ({"kubernetesVersion": "1.37", "network": {"dataplane": "cilium"}}, set()),
    ({"kubernetesVersion": None, "network": {"dataplane": "cilium"}}, set()),
    # NET-PLUGIN-013: network-isolated clusters
    (
        {"features": {"networkIsolated": True}, "network": {"model": "kubenet"}},
        {("NET-PLUGIN-013", "network.model")},
    ),
    (
        {"features": {"networkIsolated": True}, "nodePools": pools(win())},
        {("NET-PLUGIN-013", "nodePools[1].os")},
    ),
    ({"features": {"networkIsolated": True}}, set()),
    # NET-PLUGIN-014: node auto-provisioning
    (
        {"features": {"nodeAutoProvisioning": True}, "network": {"model": "kubenet"}},
        {("NET-PLUGIN-014", "network.model")},
    ),
    (
        {"features": {"nodeAutoProvisioning": True}, "network": POD_SUBNET},
        {("NET-PLUGIN-014", "network.podSubnet.allocation")},
    ),
    (
        {"features": {"nodeAutoProvisioning": True}, "network": {"policy": "calico"}},
        {("NET-PLUGIN-014", "network.policy")},
    ),
    ({"features": {"nodeAutoProvisioning": True}, "network": STATIC}, set()),
    (
        {"features": {"nodeAutoProvisioning": True}, "network": {"dataplane": "cilium"}},
        {CILIUM_INFO},
    ),
    ({"features": {"nodeAutoProvisioning": True}}, set()),
    # NET-PLUGIN-015: Application Gateway for Containers
    (
        {"features": {"applicationGatewayForContainers": True}, "network": {"model": "kubenet"}},
        {("NET-PLUGIN-015", "network.model")},
    ),
    ({"features": {"applicationGatewayForContainers": True}}, set()),
]


@pytest.mark.parametrize("override, expected", ROWS)
def test_plugin_findings(override, expected):
    assert findings_of(intent_data(**override), "NET-PLUGIN") == expected


SEVERITY_ROWS = [
    ({"nodePools": pools(win(osSku="Windows2019"))}, "NET-PLUGIN-005", "error"),
    ({"kubernetesVersion": "1.37", "nodePools": pools(win())}, "NET-PLUGIN-005", "warning"),
    ({"kubernetesVersion": "1.27", "network": STATIC}, "NET-PLUGIN-009", "error"),
    ({"network": STATIC, "features": {"privateLinkService": True}}, "NET-PLUGIN-009", "warning"),
    (net(model="byo-cni"), "NET-PLUGIN-011", "info"),
    (
        {"kubernetesVersion": "1.28", "network": {"dataplane": "cilium", **DUAL}},
        "NET-PLUGIN-012",
        "error",
    ),
    ({"network": {"dataplane": "cilium"}}, "NET-PLUGIN-012", "info"),
]


@pytest.mark.parametrize("override, rule_id, severity", SEVERITY_ROWS)
def test_plugin_severity_bands(override, rule_id, severity):
    found = {(r, s) for r, _, s in severities_of(intent_data(**override), "NET-PLUGIN")}
    assert (rule_id, severity) in found


def test_byo_cni_without_pod_cidr():
    # The planner always resolves a pod CIDR for byo-cni; the rule still guards the plan.
    intent, plan = plan_of(intent_data(network={"model": "byo-cni"}))
    plan = replace(plan, network=replace(plan.network, pod_cidr=None, pod_cidrs=()))
    found = {
        (f.rule, f.path, str(f.severity))
        for f in check(intent, plan)
        if f.rule.startswith("NET-PLUGIN")
    }
    assert found == {("NET-PLUGIN-011", "network.podCidr", "error")}


def test_cilium_info_names_the_minimum_version():
    intent, plan = plan_of(intent_data(kubernetesVersion="1.34", network={"dataplane": "cilium"}))
    (finding,) = [f for f in check(intent, plan) if f.rule == "NET-PLUGIN-012"]
    assert "1.18.6" in finding.message and "mTLS" not in finding.message


def test_catalog_entries():
    """NET-PLUGIN is split by sub-area: plugin choice, node pools and features, each in ID order."""
    modules = (plugin, nodepools, features)
    for module in modules:
        ids = [r.id for r in module.RULES]
        assert ids == sorted(ids, key=lambda i: int(i.rsplit("-", 1)[1])), module.__name__
    kinds = {r.id: r.kind for module in modules for r in module.RULES}
    assert kinds == {f"NET-PLUGIN-{n:03d}": "check" for n in range(1, 16)} | {
        "NET-PLUGIN-002": "render",
        "NET-PLUGIN-010": "doc",
    }
