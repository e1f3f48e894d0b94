"""NET-SUBNET-*: subnet delegation and sharing. Most of it is the state of existing subnets,
which only Azure knows; what the intent itself shows is checked here.
"""

from __future__ import annotations

import ipaddress

from generator import ipam
from generator.rules.common import LEARN
from generator.rules.core import ERROR, Violation, entry, rule


@rule(
    id="NET-SUBNET-003",
    severity=ERROR,
    title="The pod subnet is not the node subnet",
    fix="give the pods a subnet of their own, e.g. {example}, or omit network.podSubnet so "
    "aksnet creates one",
    docs=LEARN + "concepts-network-azure-cni-pod-subnet",
)
def pod_subnet_apart_from_node_subnet(intent, plan):
    """What: with pod-subnet Azure CNI the pod subnet is a subnet of its own: not the node
    subnet (by id or by prefix), and not overlapping it. One pod subnet serves each pool; it may
    be shared by several pools and by clusters of the same VNet, but a subnet used for static
    block allocation cannot be used for dynamic allocation anywhere, and vice versa.

    Why: AKS delegates the pod subnet to itself and hands its addresses out in batches or blocks;
    a subnet that also holds nodes is refused (and Azure refuses overlapping subnets). Whether an
    existing subnet is already used in the other allocation mode by another cluster is known only
    from Azure: `plan --live` and `apply` read it.
    """
    net = plan.network
    node, pod = net.node_subnet, net.pod_subnet
    if pod is None:
        return
    if node.id and pod.id and node.id.lower() == pod.id.lower():
        yield Violation(
            "network.podSubnet.id",
            f"pod subnet {pod.id.rsplit('/', 1)[-1]} is the node subnet",
            {"example": "a subnet other than the node subnet"},
        )
        return
    if not (node.prefix and pod.prefix):
        return
    a, b = ipam.net(node.prefix), ipam.net(pod.prefix)
    if ipam.overlaps(a, b):
        same = "is" if a == b else "overlaps"
        yield Violation(
            "network.podSubnet.prefix",
            f"pod subnet {b} {same} the node subnet {a}",
            {"example": _next_to(a, b.prefixlen)},
        )


def _next_to(node: ipam.Network, prefixlen: int) -> str:
    """An example pod subnet of the same size, just past the node subnet."""
    try:
        after = ipaddress.ip_network((int(node.broadcast_address) + 1, prefixlen), strict=False)
    except ValueError:
        return "a range of the VNet outside the node subnet"
    return f"prefix: {after}"


RULES = (
    entry(
        id="NET-SUBNET-001",
        severity=ERROR,
        title="The node subnet is not delegated",
        kind="live",
        docs=LEARN + "concepts-network-cni-overview",
        reason="delegations of an existing subnet are known only from Azure: `plan --live` and "
        "`apply` read the node subnet and refuse any delegation (SubnetIsDelegated); "
        "subnets aksnet creates carry none",
        fix="use a node subnet without delegations",
    ),
    entry(
        id="NET-SUBNET-002",
        severity=ERROR,
        title="The pod subnet is delegated to nothing else and holds no VMs",
        kind="live",
        docs=LEARN + "concepts-network-legacy-cni",
        reason="delegations and contents of an existing pod subnet are known only from Azure: "
        "`plan --live` and `apply` read it (another service's delegation or VMs: error; "
        "a delegation to Microsoft.ContainerService/managedClusters is tolerated); pod "
        "subnets aksnet creates are empty and AKS adds its own delegation",
        fix="use a pod subnet with no other delegation and no VMs",
    ),
    pod_subnet_apart_from_node_subnet,
    entry(
        id="NET-SUBNET-004",
        severity=ERROR,
        title="A kubenet subnet serves one cluster",
        kind="live",
        docs=LEARN + "configure-kubenet",
        reason="whether another kubenet cluster already uses an existing subnet is known only "
        "from Azure: `plan --live` and `apply` read the subnet's connected resources; a "
        "subnet aksnet creates serves this cluster alone",
        fix="give each kubenet cluster its own subnet",
    ),
    entry(
        id="NET-SUBNET-005",
        severity=ERROR,
        title="Virtual nodes need their own delegated subnet",
        kind="doc",
        docs=LEARN + "virtual-nodes-cli",
        reason="the virtual-node (ACI) add-on is not part of the intent and aksnet never enables "
        "it; when it is added later it needs its own subnet (not the node subnet) "
        "delegated to Microsoft.ContainerInstance/containerGroups",
        fix="give virtual nodes a separate subnet delegated to "
        "Microsoft.ContainerInstance/containerGroups",
    ),
)
