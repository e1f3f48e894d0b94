"""NET-RANGE-*: address ranges must avoid reserved ranges, each other and connected networks."""

from __future__ import annotations

from generator import ipam
from generator.rules.common import (
    LEARN,
    all_ranges,
    connected_ranges,
    pod_ranges,
    service_ranges,
    subnet_ranges,
    vnet_ranges,
)
from generator.rules.core import ERROR, WARNING, Violation, entry, rule

RESERVED = [ipam.net(c) for c in ipam.AKS_RESERVED]
REFUSED = [ipam.net(c) for c in ipam.AZURE_REFUSED]


@rule(
    id="NET-RANGE-001",
    severity=ERROR,
    title="Cluster ranges must avoid the ranges AKS reserves",
    fix="choose a range outside {reserved}, e.g. {example}",
    docs=LEARN + "concepts-network-cni-overview",
)
def ranges_avoid_aks_reserved(intent, plan):
    """What: no VNet address space, subnet, pod CIDR or service CIDR may overlap 169.254.0.0/16,
    172.30.0.0/16, 172.31.0.0/16 or 192.0.2.0/24.

    Why: AKS uses them itself. Overlap, not equality, is the test: 172.16.0.0/12 contains
    172.30.0.0/16 and is refused.
    """
    for r in all_ranges(plan):
        hit = ipam.first_overlap(r.network, RESERVED)
        if hit:
            example = "10.0.0.0/16" if "service" in r.label else "10.224.0.0/12"
            yield Violation(
                r.path,
                f"{r.label} {r.network} overlaps a range AKS reserves ({hit})",
                {"reserved": ", ".join(ipam.AKS_RESERVED), "example": example},
            )


@rule(
    id="NET-RANGE-002",
    severity=ERROR,
    title="VNet, subnet and service ranges must avoid ranges Azure refuses",
    fix="choose a private range (RFC 1918) outside {refused}",
    docs="https://learn.microsoft.com/azure/virtual-network/virtual-networks-faq",
)
def ranges_avoid_azure_refused(intent, plan):
    """What: VNet and subnet ranges may not include multicast (224.0.0.0/4), broadcast,
    loopback (127.0.0.0/8), link-local (169.254.0.0/16) or 168.63.129.16; service CIDRs may not
    be public or multicast.

    Why: Azure refuses such VNets outright; AKS has blocked public and multicast service CIDRs
    since its 2023-10-01 release.
    """
    details = {"refused": ", ".join(ipam.AZURE_REFUSED)}
    for r in [*vnet_ranges(plan), *subnet_ranges(plan)]:
        hit = ipam.first_overlap(r.network, REFUSED)
        if hit:
            yield Violation(
                r.path, f"{r.label} {r.network} includes {hit}, which Azure refuses", details
            )
    for r in service_ranges(plan):
        if r.network.is_multicast or r.network.is_global:
            kind = "multicast" if r.network.is_multicast else "public"
            yield Violation(r.path, f"service CIDR {r.network} is a {kind} range", details)


def _overlapping(ranges, others):
    """Every (range, other) pair that overlaps, in order."""
    others = list(others)
    for r in ranges:
        for other in others:
            if ipam.overlaps(r.network, other.network):
                yield r, other


def _clear_of_vnet(plan, ranges):
    """A subnet overlap is an error; overlapping only unused VNet space is a warning (a later
    subnet would collide)."""
    subnets = list(subnet_ranges(plan))
    spaces = list(vnet_ranges(plan))
    details = {"vnet": ", ".join(plan.network.vnet.address_space)}
    for r in ranges:
        hit = next((s for s in subnets if ipam.overlaps(r.network, s.network)), None)
        if hit:
            message = f"{r.label} {r.network} overlaps {hit.label} {hit.network}"
            yield Violation(r.path, message, details)
            continue
        space = next((s for s in spaces if ipam.overlaps(r.network, s.network)), None)
        if space:
            message = f"{r.label} {r.network} lies in the VNet address space {space.network}"
            yield Violation(r.path, message + " (no subnet there yet)", details, WARNING)


@rule(
    id="NET-RANGE-003",
    severity=ERROR,
    title="Pod CIDR must not overlap the cluster VNet",
    fix="move the pod CIDR outside the VNet address space ({vnet}), e.g. 10.244.0.0/16",
    docs=LEARN + "concepts-network-azure-cni-overlay",
)
def pod_cidr_clear_of_vnet(intent, plan):
    """What: an overlay, kubenet or BYO-CNI pod CIDR must not overlap any subnet of the VNet
    (error) and should not overlap its unused address space either (warning).

    Why: since the 2024-10-25 release AKS checks against each subnet; overlapping unused VNet
    space is accepted today, but a later subnet would collide, and the IPAM migration guide still
    forbids it.
    """
    yield from _clear_of_vnet(plan, pod_ranges(plan))


@rule(
    id="NET-RANGE-004",
    severity=ERROR,
    title="Pod CIDR and service CIDR must not overlap",
    fix="give them disjoint ranges, e.g. podCidr 10.244.0.0/16 and serviceCidr 10.0.0.0/16",
    docs=LEARN + "concepts-network-azure-cni-overlay",
)
def pod_and_service_cidrs_disjoint(intent, plan):
    """What: the pod CIDR and the service CIDR (each pair in dual-stack) must be disjoint.

    Why: a pod address that is also a service address makes one of them unreachable.
    """
    for pod, svc in _overlapping(pod_ranges(plan), service_ranges(plan)):
        yield Violation(pod.path, f"pod CIDR {pod.network} overlaps service CIDR {svc.network}")


@rule(
    id="NET-RANGE-005",
    severity=ERROR,
    title="Pod CIDR must not overlap connected networks",
    fix="choose a pod CIDR that no peered, VPN or ExpressRoute network uses, e.g. 100.64.0.0/16",
    docs=LEARN + "concepts-network-azure-cni-overlay",
)
def pod_cidr_clear_of_connected(intent, plan):
    """What: an overlay, kubenet or BYO-CNI pod CIDR must not overlap any connected network
    (peered VNets, VPN, ExpressRoute, on-premises). Reusing one pod CIDR across clusters is fine.

    Why: traffic from pods to such a host is captured by the overlay: the host becomes
    unreachable from the cluster.
    """
    for pod, other in _overlapping(pod_ranges(plan), connected_ranges(plan)):
        yield Violation(
            pod.path, f"pod CIDR {pod.network} overlaps connected network {other.network}"
        )


@rule(
    id="NET-RANGE-006",
    severity=ERROR,
    title="Service CIDR must not overlap the cluster VNet",
    fix="move the service CIDR outside the VNet address space ({vnet}), e.g. 10.0.0.0/16",
    docs=LEARN + "concepts-network-legacy-cni",
)
def service_cidr_clear_of_vnet(intent, plan):
    """What: the service CIDR must not overlap any subnet (the API refuses it) and should not lie
    in the VNet's unused address space (warning: possible, but a later subnet can collide).

    Why: service addresses are virtual; a real address in the same range becomes unreachable
    from pods.
    """
    yield from _clear_of_vnet(plan, service_ranges(plan))


@rule(
    id="NET-RANGE-007",
    severity=ERROR,
    title="Service CIDR must not overlap connected networks",
    fix="choose a service CIDR no peered or on-premises network uses, e.g. 10.0.0.0/16",
    docs=LEARN + "concepts-network-ip-address-planning",
)
def service_cidr_clear_of_connected(intent, plan):
    """What: the service CIDR must not overlap peered VNets or on-premises ranges. Reusing one
    service CIDR across clusters is fine.

    Why: pods could no longer reach hosts in the overlapping connected range.
    """
    for svc, other in _overlapping(service_ranges(plan), connected_ranges(plan)):
        message = f"service CIDR {svc.network} overlaps connected network {other.network}"
        yield Violation(svc.path, message)


@rule(
    id="NET-RANGE-008",
    severity=WARNING,
    title="Pod CIDR should come from RFC 1918 or RFC 6598 space",
    fix="use a range inside 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or 100.64.0.0/10",
    docs=LEARN + "concepts-network-azure-cni-overlay",
)
def pod_cidr_is_private(intent, plan):
    """What: supported pod CIDRs come from RFC 1918 or RFC 6598 (100.64.0.0/10).

    Why: public ranges are not blocked, but they are outside Microsoft's support scope and shadow
    real internet hosts.
    """
    for pod in pod_ranges(plan):
        if pod.network.version == 4 and not ipam.is_private(pod.network):
            yield Violation(
                pod.path, f"pod CIDR {pod.network} is not an RFC 1918 or RFC 6598 range"
            )


@rule(
    id="NET-RANGE-009",
    severity=ERROR,
    title="VNet must not overlap connected networks",
    fix="choose a VNet address space outside every connected network",
    docs=LEARN + "concepts-network-legacy-cni",
)
def vnet_clear_of_connected(intent, plan):
    """What: the VNet address spaces and the subnets in them must not overlap peered or
    connected networks.

    Why: Azure refuses to peer overlapping VNets, and routes to on-premises would be shadowed.
    """
    ours = [*vnet_ranges(plan), *subnet_ranges(plan)]
    for r, other in _overlapping(ours, connected_ranges(plan)):
        yield Violation(r.path, f"{r.label} {r.network} overlaps connected network {other.network}")


@rule(
    id="NET-RANGE-010",
    severity=ERROR,
    title="Every cluster subnet belongs to the one VNet",
    fix="give subnets of {vnet} only",
    docs=LEARN + "node-pool-unique-subnet",
)
def subnets_share_one_vnet(intent, plan):
    """What: all node-pool subnets and pod subnets of a cluster belong to one VNet.

    Why: AKS refuses subnets from different VNets in one cluster.
    """
    net = intent.network
    vnet_id = (net.vnet.id or "").lower()
    paths = {
        "network.nodeSubnet.id": net.node_subnet.id,
        "network.podSubnet.id": net.pod_subnet.id,
        "network.apiServerSubnet.id": net.api_server_subnet.id,
    }
    seen: str = vnet_id
    for path, subnet_id in paths.items():
        if not subnet_id:
            continue
        parent = subnet_id.lower().rsplit("/subnets/", 1)[0]
        if seen and parent != seen:
            yield Violation(
                path,
                f"subnet {subnet_id.rsplit('/', 1)[-1]} belongs to "
                f"{parent.rsplit('/', 1)[-1]}, not to {seen.rsplit('/', 1)[-1]}",
                {"vnet": seen.rsplit("/", 1)[-1]},
            )
        seen = seen or parent


RULES = (
    ranges_avoid_aks_reserved,
    ranges_avoid_azure_refused,
    pod_cidr_clear_of_vnet,
    pod_and_service_cidrs_disjoint,
    pod_cidr_clear_of_connected,
    service_cidr_clear_of_vnet,
    service_cidr_clear_of_connected,
    pod_cidr_is_private,
    vnet_clear_of_connected,
    subnets_share_one_vnet,
    entry(
        id="NET-RANGE-011",
        severity=ERROR,
        title="A bring-your-own VNet is in the cluster's region",
        kind="live",
        docs=LEARN + "concepts-network-legacy-cni",
        reason="the region and subscription of an existing VNet are known only from Azure: "
        "checked by `plan --live` and `apply` (they read the VNet)",
        fix="use a VNet in the cluster's region and subscription",
    ),
)
