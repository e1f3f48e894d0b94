"""Shared views of an (intent, plan) pair for the rule modules: which ranges exist, under which
key path the user wrote (or would write) them, and small predicates. Pure and cheap.
"""

from __future__ import annotations

from collections.abc import Iterator

from generator import ipam
from generator.intent import Intent
from generator.plan import Plan
from generator.record import record

LEARN = "https://learn.microsoft.com/azure/aks/"
SUBNET_PATHS = {
    "node": "network.nodeSubnet",
    "pod": "network.podSubnet",
    "apiServer": "network.apiServerSubnet",
}
POD_CIDR_MODELS = ("overlay", "kubenet", "byo-cni")


@record
class Range:
    path: str
    label: str
    network: ipam.Network


def vnet_ranges(plan: Plan) -> Iterator[Range]:
    for i, cidr in enumerate(plan.network.vnet.address_space):
        yield Range(f"network.vnet.addressSpace[{i}]", "VNet address space", ipam.net(cidr))


def subnet_ranges(plan: Plan) -> Iterator[Range]:
    for subnet in plan.network.subnets:
        base = SUBNET_PATHS[subnet.role]
        if subnet.prefix:
            yield Range(
                f"{base}.prefix", f"{subnet.role} subnet {subnet.name}", ipam.net(subnet.prefix)
            )
        if subnet.ipv6_prefix:
            yield Range(
                f"{base}.prefix",
                f"{subnet.role} subnet {subnet.name}",
                ipam.net(subnet.ipv6_prefix),
            )


def pod_ranges(plan: Plan) -> Iterator[Range]:
    net = plan.network
    if net.model not in POD_CIDR_MODELS:
        return
    if net.pod_cidrs:
        for i, cidr in enumerate(net.pod_cidrs):
            yield Range(f"network.podCidrs[{i}]", "pod CIDR", ipam.net(cidr))
    elif net.pod_cidr:
        yield Range("network.podCidr", "pod CIDR", ipam.net(net.pod_cidr))


def service_ranges(plan: Plan) -> Iterator[Range]:
    net = plan.network
    if net.service_cidrs:
        for i, cidr in enumerate(net.service_cidrs):
            yield Range(f"network.serviceCidrs[{i}]", "service CIDR", ipam.net(cidr))
    else:
        yield Range("network.serviceCidr", "service CIDR", ipam.net(net.service_cidr))


def connected_ranges(plan: Plan) -> Iterator[Range]:
    for i, cidr in enumerate(plan.network.connected_networks):
        yield Range(f"network.connectedNetworks[{i}]", "connected network", ipam.net(cidr))


def all_ranges(plan: Plan) -> Iterator[Range]:
    yield from vnet_ranges(plan)
    yield from subnet_ranges(plan)
    yield from pod_ranges(plan)
    yield from service_ranges(plan)


def pool_path(index: int, key: str = "") -> str:
    return f"nodePools[{index}]" + (f".{key}" if key else "")


def windows_pools(plan: Plan):
    return [(i, p) for i, p in enumerate(plan.node_pools) if p.os == "Windows"]


def version_tuple(version: str | None) -> tuple[int, int] | None:
    if not version:
        return None
    major, minor = version.split(".")[:2]
    return int(major), int(minor)


def version_below(intent: Intent, major: int, minor: int) -> bool:
    """True when the intent pins a Kubernetes version below major.minor (unknown: False)."""
    version = version_tuple(intent.kubernetes_version)
    return version is not None and version < (major, minor)


def byo_network(intent: Intent) -> bool:
    """The cluster uses a VNet it does not own (everything but an AKS-managed VNet)."""
    return not intent.network.vnet.managed
