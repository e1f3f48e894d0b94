"""NET-SIZE-005 to -011: pod IP sizing: the overlay and kubenet pod CIDR (one /24 per node),
the dynamic pod subnet (16 addresses per node), the static block pod subnet (whole /28 blocks
per node, at most /12), pod addresses against the VNet's IP limit, and growing an overlay pod
CIDR.

Surge is counted as sizing.py describes: only the surge an intent states; NET-SIZE-002 alone
reports an omitted maxSurge."""

from __future__ import annotations

import ipaddress

from generator import ipam
from generator.planner import VNET_MAX_IPS
from generator.rules.capacity import (
    STATIC_MAX_PREFIX,
    blocks_per_node,
    budgets,
    demand,
    full_density,
    over,
    suggestion,
    unplaced,
)
from generator.rules.common import LEARN
from generator.rules.core import ERROR, WARNING, Violation, entry, rule


@rule(
    id="NET-SIZE-005",
    severity=ERROR,
    title="Overlay pod CIDR holds one /24 per node",
    fix="give a pod CIDR of {suggestion} (one /24 per node, surge included)",
    docs=LEARN + "concepts-network-azure-cni-overlay",
)
def overlay_pod_cidr_holds_nodes(intent, plan):
    """What: overlay gives every node a fixed /24 of the pod CIDR (256 addresses, up to 250
    pods); the size cannot be changed. The pod CIDR must be /24 or larger and hold
    `sum(N + S)` /24s: /16 -> 256 nodes, /15 -> 512, /22 -> 4; 5,000 nodes need a /11.

    Why: a node that gets no /24 cannot start; AKS validates this against maxCount and reports
    `InsufficientSubnetSize` on `networkProfile.podCIDR`.
    """
    yield from _pod_cidr_check(intent, plan, "NET-SIZE-005")


@rule(
    id="NET-SIZE-006",
    severity=ERROR,
    title="Kubenet pod CIDR holds one /24 per node",
    fix="give a pod CIDR of {suggestion} (one /24 per node, surge included); it cannot grow later",
    docs=LEARN + "configure-kubenet",
)
def kubenet_pod_cidr_holds_nodes(intent, plan):
    """What: kubenet gives every node a /24 of the pod CIDR, like overlay: the pod CIDR must be
    /24 or larger and hold `sum(N + S)` /24s.

    Why: a node without a /24 gets no pod routes. A kubenet pod CIDR cannot be changed after
    creation (only replaced when migrating to overlay), so size it for the cluster's lifetime.
    """
    yield from _pod_cidr_check(intent, plan, "NET-SIZE-006")


def _pod_cidr_check(intent, plan, rule_id: str):
    for budget in budgets(intent, plan):
        if budget.rule != rule_id:
            continue
        need = demand(plan, budget.cost)
        if budget.network.prefixlen > 24:
            target = demand(plan, budget.cost, "ten").total
            yield Violation(
                budget.path,
                f"{budget.label} is smaller than the /24 each node takes",
                {"suggestion": suggestion(budget, target)},
            )
        elif need.total > budget.capacity:
            yield over(plan, budget, need, "at one /24 each")


@rule(
    id="NET-SIZE-007",
    severity=ERROR,
    title="Dynamic pod subnet holds 16 addresses per node",
    fix="give the pod subnet room for {need} {unit}: {suggestion}",
    docs=LEARN + "configure-azure-cni-dynamic-ip-allocation",
)
def dynamic_pod_subnet_holds_nodes(intent, plan):
    """What: with dynamic pod-subnet allocation nodes take pod addresses in batches of 16: 16 at
    start, another 16 whenever fewer than 8 are free. Minimum (error): `sum 16 x (N + S)` over the
    pools (and other clusters) sharing the pod subnet must fit its usable addresses: a /24 (251)
    serves 15 nodes (240), not 16 (256). Full density (warning, a heuristic):
    `sum (N + S) x 16 x ceil(P / 16)`; system pods take pod-subnet addresses too.

    Why: a node that cannot get its first batch has no pod addresses at all; one that cannot get
    later batches stops scheduling pods below maxPods.
    """
    net = plan.network
    if net.pod_allocation == "dynamic" and "pod" in plan.unallocated:
        pod = net.pod_subnet
        yield unplaced(
            plan, "pod", pod.required_ips, ipam.prefix_for(pod.required_ips), "addresses"
        )
    for budget in budgets(intent, plan):
        if budget.rule != "NET-SIZE-007":
            continue
        need = demand(plan, budget.cost)
        full = demand(plan, full_density)
        if need.total > budget.capacity:
            yield over(plan, budget, need, "at 16 addresses each")
        elif full.total > budget.capacity:
            v = over(
                plan, budget, full, "at full density (16 x ceil(maxPods/16) each)", full_density
            )
            yield Violation(v.path, v.message, v.details, WARNING)


@rule(
    id="NET-SIZE-008",
    severity=ERROR,
    title="Static block pod subnet holds whole /28 blocks per node",
    fix="{suggestion}; choose maxPods = 16k - 1 (15, 31, 47, ...) so no address is wasted",
    docs=LEARN + "configure-azure-cni-static-block-allocation",
)
def static_pod_subnet_holds_blocks(intent, plan):
    """What: static block allocation pins `B = ceil((P + 1) / 16)` /28 blocks to each node (one
    address per node is held back), so a node runs up to `16B - 1` pods: P=30 -> 2 blocks (1
    wasted), 31 -> 2 (none), 32 -> 3 (15 wasted), 250 -> 16 (5 wasted). A pod subnet of prefix p
    has 2^(28-p) blocks; `sum (N + S) x B` above that is an error. The first and last block hold
    Azure-reserved addresses, so above 2^(28-p) - 2 is a warning (derived, not stated by
    Microsoft). A maxPods other than 16k - 1 (15, 31, 47, ..., 239) wastes addresses (warning).

    Why: a node that cannot get all its blocks is not created.
    """
    net = plan.network
    if net.pod_allocation == "static-block" and "pod" in plan.unallocated:
        pod = net.pod_subnet
        need = pod.required_blocks or 0
        v = unplaced(plan, "pod", need, ipam.prefix_for_blocks(need), "/28 blocks")
        yield Violation(
            v.path,
            v.message,
            {
                "suggestion": f"give the pod subnet room for {need} "
                f"/28 blocks: {v.details['suggestion']}"
            },
        )
    for budget in budgets(intent, plan):
        if budget.rule != "NET-SIZE-008":
            continue
        need = demand(plan, budget.cost)
        v = over(plan, budget, need, "at ceil((maxPods + 1) / 16) blocks each")
        details = {
            "suggestion": f"give the pod subnet room for {v.details['need']} /28 blocks: "
            f"{v.details['suggestion']}"
        }
        if need.total > budget.capacity:
            yield Violation(v.path, v.message, details)
        elif need.total > max(budget.capacity - 2, 0):
            yield Violation(
                v.path,
                v.message + " (the first and last block hold Azure-reserved addresses)",
                details,
                WARNING,
            )
    if net.pod_allocation != "static-block":
        return
    for i, pool in enumerate(plan.node_pools):
        if (pool.max_pods + 1) % ipam.BLOCK_SIZE:
            blocks = blocks_per_node(pool)
            wasted = 16 * blocks - 1 - pool.max_pods
            options = sorted({min(16 * blocks - 1, 239), max(16 * (blocks - 1) - 1, 15)})
            yield Violation(
                f"nodePools[{i}].maxPods",
                f"maxPods {pool.max_pods} on {pool.name} takes {blocks} blocks per "
                f"node and wastes {wasted} address{'' if wasted == 1 else 'es'} (use 16k - 1)",
                {"suggestion": f"set maxPods to {' or '.join(map(str, options))} on {pool.name}"},
                WARNING,
            )


@rule(
    id="NET-SIZE-009",
    severity=ERROR,
    title="Static block pod subnet is at most /12",
    fix="use a pod subnet of /12 or smaller, e.g. {example}",
    docs=LEARN + "configure-azure-cni-static-block-allocation",
)
def static_pod_subnet_within_ceiling(intent, plan):
    """What: the largest pod subnet static block allocation supports is a /12 (about 1 million
    addresses).

    Why: larger subnets are refused.
    """
    pod = plan.network.pod_subnet
    if pod and pod.allocation == "static-block" and pod.prefix:
        network = ipam.net(pod.prefix)
        if network.version == 4 and network.prefixlen < STATIC_MAX_PREFIX:
            yield Violation(
                "network.podSubnet.prefix",
                f"static block pod subnet {network} is larger than /12",
                {
                    "example": str(
                        ipaddress.ip_network((network.network_address, STATIC_MAX_PREFIX))
                    )
                },
            )


@rule(
    id="NET-SIZE-010",
    severity=ERROR,
    title="Pod addresses stay within 65,536 private IPs per VNet",
    fix="lower maxPods or nodes below {limit} addresses, or use overlay or static block allocation",
    docs=LEARN + "concepts-network-ip-address-planning",
)
def vnet_ip_limit_respected(intent, plan):
    """What: a VNet holds at most 65,536 configured private IPs. With node-subnet and dynamic
    pod-subnet Azure CNI each pod address counts, so `sum (N + S) x (P + 1)` must stay within it
    whatever the subnet sizes (a pool that omits maxSurge counts the documented 1 surge node).

    Why: the limit is on the VNet, not the subnet: a large subnet does not help. Static block
    counts each /28 block once and overlay pods take no VNet address, which is how they scale
    further.
    """
    net = plan.network
    if net.model != "node-subnet" and net.pod_allocation != "dynamic":
        return
    need = demand(plan, lambda p: p.max_pods + 1, "one")
    if need.total > VNET_MAX_IPS:
        yield Violation(
            "nodePools",
            f"{need.text()} at maxPods + 1 addresses each take "
            f"{need.total} VNet IPs; a VNet holds at most {VNET_MAX_IPS}",
            {"limit": VNET_MAX_IPS},
        )


RULES = (
    overlay_pod_cidr_holds_nodes,
    kubenet_pod_cidr_holds_nodes,
    dynamic_pod_subnet_holds_nodes,
    static_pod_subnet_holds_blocks,
    static_pod_subnet_within_ceiling,
    vnet_ip_limit_respected,
    entry(
        id="NET-SIZE-011",
        severity=ERROR,
        title="An overlay pod CIDR only grows to a superset",
        kind="live",
        docs=LEARN + "azure-cni-overlay-pod-expand",
        reason="expanding needs the existing cluster's pod CIDR: `plan --live` and `apply` compare "
        "it with the intent (grow to a contiguous superset only; no shrink, no second "
        "block, no IPv6 expansion, no Windows nodes)",
        fix="grow the pod CIDR to a contiguous superset of the current one, e.g. /16 -> /15",
    ),
)
