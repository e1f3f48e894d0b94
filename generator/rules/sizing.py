"""NET-SIZE-*: subnet sizing: the prefixes Azure accepts, a node subnet that holds its nodes (and,
with node-subnet Azure CNI, their pods), room for an omitted upgrade surge in every given range,
the API server subnet, and the ignored dockerBridgeCidr. The pod ranges (pod CIDR, pod subnet, the
VNet IP limit) are sized in podips.py; the arithmetic both use is in capacity.py.

Each pool counts `N + S` nodes: `N` is maxCount when it autoscales, `S` its upgrade surge. When a
pool omits maxSurge the documentation disagrees on AKS's default (1 node, or 10% rounded up), so
the capacity rules (NET-SIZE-003 to -008) count only the surge an intent states and NET-SIZE-002
alone reports whether the omitted surge fits (error at 1 node, warning at 10%). One range that is
short therefore gives one finding.
"""

from __future__ import annotations

import ipaddress

from generator import ipam
from generator.planner import API_SERVER_SUBNET_PREFIX as API_SERVER_MIN_PREFIX
from generator.rules.capacity import (
    UNITS,
    budgets,
    capacity_check,
    demand,
    suggestion,
    surge_omitted,
    unplaced,
)
from generator.rules.common import LEARN, SUBNET_PATHS
from generator.rules.core import ERROR, WARNING, Violation, rule


@rule(
    id="NET-SIZE-001",
    severity=ERROR,
    title="Subnet prefixes run from /29 to /2 (IPv6: /64)",
    fix="give an IPv4 subnet between /29 (3 usable addresses) and /2, e.g. {example}",
    docs="https://learn.microsoft.com/azure/virtual-network/virtual-networks-faq",
)
def subnet_prefix_in_azure_range(intent, plan):
    """What: Azure reserves 5 addresses in every subnet (network, gateway, two for Azure DNS,
    broadcast), so usable = 2^(32-p) - 5: /29 -> 3, /28 -> 11, /24 -> 251, /16 -> 65,531. IPv4
    subnets run from /29 to /2; IPv6 subnets must be /64.

    Why: Azure refuses anything else. (The kubenet page's "first three addresses" is stale text:
    its own 251 for a /24 matches five; older FAQ text and the AKS IP-planning page give /8 as the
    largest.)
    """
    for subnet in plan.network.subnets:
        if (
            not subnet.prefix_given
            or not subnet.prefix
            or (subnet.role == "node" and intent.network.vnet.managed)
        ):
            continue
        network = ipam.net(subnet.prefix)
        path = f"{SUBNET_PATHS[subnet.role]}.prefix"
        if network.version == 6 and network.prefixlen != ipam.IPV6_SUBNET:
            yield Violation(
                path,
                f"IPv6 {subnet.role} subnet {network} is not a /64",
                {
                    "example": str(network.supernet(new_prefix=64))
                    if network.prefixlen > 64
                    else "a /64"
                },
            )
        elif network.version == 4 and not (
            ipam.LARGEST_SUBNET <= network.prefixlen <= ipam.SMALLEST_SUBNET
        ):
            plen = min(max(network.prefixlen, ipam.LARGEST_SUBNET), ipam.SMALLEST_SUBNET)
            yield Violation(
                path,
                f"{subnet.role} subnet {network} is outside /29../2 "
                f"({max(ipam.usable(network.prefixlen), 0)} usable addresses)",
                {
                    "example": str(
                        ipaddress.ip_network((network.network_address, plen), strict=False)
                    )
                },
            )


@rule(
    id="NET-SIZE-002",
    severity=ERROR,
    title="Ranges have room for upgrade surge nodes when maxSurge is omitted",
    fix="state maxSurge on {pools} (e.g. maxSurge: 1) and size the range for it: {suggestion}",
    docs=LEARN + "concepts-network-ip-address-planning",
)
def surge_fits_when_omitted(intent, plan):
    """What: when a pool omits `maxSurge`, the ranges it draws from must hold its surge nodes
    too. The IP-planning and rolling-upgrade pages size for 1 surge node; the large-cluster page
    says AKS now defaults to 10% (rounded up). An error is raised when 1 surge node per pool does
    not fit, a warning when 10% does not fit. Ranges aksnet sizes itself always fit; this checks
    prefixes the intent gives and the pod CIDR. The capacity rules (NET-SIZE-003 to -008) count
    only the surge an intent states, so a range short only by an omitted surge is reported here
    alone.

    Why: an upgrade adds the surge nodes before it drains old ones; without addresses for them
    the upgrade fails half way (`SubnetIsFull`, `InsufficientSubnetSize`).

    Example: `maxSurge: 1` (or `"10%"`) on every pool makes the figure explicit.
    """
    omitted = [p.name for i, p in enumerate(plan.node_pools) if surge_omitted(plan, i)]
    if not omitted:
        return
    for budget in budgets(intent, plan):
        if not budget.given or demand(plan, budget.cost, "given").total > budget.capacity:
            continue  # sized by aksnet, or already short without surge (the capacity rule says so)
        unit = UNITS[budget.unit]
        details = {"pools": ", ".join(omitted)}
        one = demand(plan, budget.cost, "one")
        ten = demand(plan, budget.cost, "ten")
        if one.total > budget.capacity:
            yield Violation(
                budget.path,
                f"{budget.label} holds {budget.capacity} {unit}; with "
                f"1 surge node per pool that omits maxSurge "
                f"({details['pools']}) the pools need {one.total}",
                {**details, "suggestion": suggestion(budget, ten.total)},
            )
        elif ten.total > budget.capacity:
            yield Violation(
                budget.path,
                f"{budget.label} holds {budget.capacity} {unit}; with "
                f"a 10% surge on pools that omit maxSurge "
                f"({details['pools']}) the pools need {ten.total}",
                {**details, "suggestion": suggestion(budget, ten.total)},
                WARNING,
            )


@rule(
    id="NET-SIZE-003",
    severity=ERROR,
    title="Node subnet holds one address per node and surge node",
    fix="give the node subnet room for {need} {unit}: {suggestion}",
    docs=LEARN + "concepts-network-ip-address-planning",
)
def node_subnet_holds_nodes(intent, plan):
    """What: with kubenet, overlay, pod-subnet and BYO CNI each node takes one address of the node
    subnet: the sum of `N + S` over all pools (plus internal load balancer front ends and anything
    else placed in it) must not exceed its usable addresses (2^(32-p) - 5).

    Why: a node that gets no address is not created; a full subnet blocks scale-out and upgrades.
    Also reported here: a node subnet aksnet could not place in the VNet address space. An
    existing subnet given by id without its prefix cannot be sized offline: state its prefix.

    Example: 3 nodes + 1 surge need 4 addresses: a /29 has 3, a /28 has 11.
    """
    if plan.network.model != "node-subnet" and "node" in plan.unallocated:
        node = plan.network.node_subnet
        yield unplaced(
            plan, "node", node.required_ips, ipam.prefix_for(node.required_ips), "addresses"
        )
    yield from capacity_check(intent, plan, "NET-SIZE-003", "at 1 address each")


@rule(
    id="NET-SIZE-004",
    severity=ERROR,
    title="Node-subnet Azure CNI: node subnet holds nodes and their pods",
    fix="give the node subnet room for {need} {unit}: {suggestion}; or lower maxPods",
    docs=LEARN + "concepts-network-legacy-cni",
)
def node_subnet_holds_nodes_and_pods(intent, plan):
    """What: with node-subnet Azure CNI every node reserves `maxPods` pod addresses up front, plus
    its own: the sum of `(N + S) x (P + 1)` must not exceed the node subnet's usable addresses.

    Why: the addresses are reserved when the node is created; a node that cannot get all of
    them fails to join. Worked example from the docs: 50 nodes + 1 surge at 30 pods need
    51 + 51 x 30 = 1,581 addresses, a /21 (2,043; a /22 holds 1,019). A /24 (251) holds 8 nodes
    at 30 pods (8 x 31 = 248) with no room to upgrade.
    """
    if plan.network.model == "node-subnet" and "node" in plan.unallocated:
        node = plan.network.node_subnet
        yield unplaced(
            plan, "node", node.required_ips, ipam.prefix_for(node.required_ips), "addresses"
        )
    yield from capacity_check(intent, plan, "NET-SIZE-004", "at maxPods + 1 addresses each")


@rule(
    id="NET-SIZE-012",
    severity=ERROR,
    title="API server subnet is at least /28",
    fix="give the API server subnet a /28 or larger, e.g. {example}, or omit its prefix",
    docs=LEARN + "api-server-vnet-integration",
)
def api_server_subnet_large_enough(intent, plan):
    """What: with API server VNet integration the API server subnet is delegated to
    `Microsoft.ContainerService/managedClusters`, holds nothing else (clusters of one VNet may
    share it), and must be /28 or larger: AKS uses at least 9 of its addresses.

    Why: smaller subnets are refused. Also reported here: an API server subnet aksnet could not
    place in the VNet address space.
    """
    if not intent.features.api_server_vnet_integration:
        return
    if "apiServer" in plan.unallocated:
        v = unplaced(plan, "apiServer", 9, API_SERVER_MIN_PREFIX, "addresses")
        yield Violation(v.path, v.message, {"example": "a /28 in a wider address space"})
    subnet = plan.network.api_server_subnet
    if subnet and subnet.prefix_given and subnet.prefix:
        network = ipam.net(subnet.prefix)
        if network.version == 4 and network.prefixlen > API_SERVER_MIN_PREFIX:
            yield Violation(
                "network.apiServerSubnet.prefix",
                f"API server subnet {network} is smaller than /28 "
                f"({max(ipam.usable(network.prefixlen), 0)} usable addresses)",
                {"example": str(network.supernet(new_prefix=API_SERVER_MIN_PREFIX))},
            )


@rule(
    id="NET-SIZE-013",
    severity=WARNING,
    title="dockerBridgeCidr is ignored and not rendered",
    fix="remove network.dockerBridgeCidr",
    docs="https://github.com/Azure/AKS/issues/3534",
)
def docker_bridge_cidr_absent(intent, plan):
    """What: `dockerBridgeCidr` has been ignored since AKS moved to containerd (Kubernetes 1.19),
    and API 2023-04-01 removed it; azurerm deprecated `docker_bridge_cidr`. aksnet accepts the key
    only to say so and never renders it.

    Why: a value that looks configured but does nothing misleads reviewers.
    """
    if intent.network.docker_bridge_cidr:
        yield Violation(
            "network.dockerBridgeCidr",
            f"dockerBridgeCidr "
            f"{intent.network.docker_bridge_cidr} is "
            f"ignored by AKS and not rendered",
        )


RULES = (
    subnet_prefix_in_azure_range,
    surge_fits_when_omitted,
    node_subnet_holds_nodes,
    node_subnet_holds_nodes_and_pods,
    api_server_subnet_large_enough,
    docker_bridge_cidr_absent,
)
