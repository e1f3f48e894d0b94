"""NET-SCALE-*: node, pool and pod counts against platform limits.

`N` is a pool's maxCount when it autoscales, else its count; `S` its surge nodes as the plan
resolved them (10% rounded up when maxSurge is omitted).
"""

from __future__ import annotations

from generator.planner import KUBENET_MAX_NODES
from generator.planner import PLATFORM_MAX_NODES as CLUSTER_MAX_NODES
from generator.rules.common import LEARN, pool_path
from generator.rules.core import ERROR, WARNING, Violation, entry, rule

POOL_MAX_NODES = 1000
CLUSTER_MAX_POOLS = 100
OVERLAY_MAX_PODS = 200_000
DYNAMIC_MAX_PODS = 50_000
FREE_TIER_MAX_NODES = 10


def _may_be_empty(pool) -> bool:
    if pool.autoscale:
        return pool.min_count == 0 or pool.max_count == 0
    return pool.count == 0


def _size_key(pool) -> str:
    return "maxCount" if pool.autoscale else "count"


@rule(
    id="NET-SCALE-001",
    severity=ERROR,
    title="Node and pool counts stay within AKS limits",
    fix="stay within 5,000 nodes per cluster, 1,000 per pool, 100 pools and 1+ node per System "
    "pool: {hint}",
    docs=LEARN + "quotas-skus-regions",
)
def node_counts_within_limits(intent, plan):
    """What: at most 5,000 nodes per cluster (VMSS and Standard load balancer), 1,000 per pool
    (user pools 0-1,000, System pools 1-1,000) and 100 pools per cluster. Surge nodes count too:
    more than 5,000 nodes including surge is a warning (a cluster at 5,000 cannot upgrade; scale
    below 3,000 first).

    Why: AKS refuses larger clusters and pools, and a System pool without nodes has nowhere to
    run system pods. (An older quota page gave 1,000 nodes per cluster by default, raised by
    support request.)
    """
    pools = plan.node_pools
    if len(pools) > CLUSTER_MAX_POOLS:
        yield Violation(
            "nodePools",
            f"{len(pools)} node pools; a cluster holds at most 100",
            {"hint": "merge pools"},
        )
    for i, pool in enumerate(pools):
        if pool.sizing_nodes > POOL_MAX_NODES:
            yield Violation(
                pool_path(i, _size_key(pool)),
                f"{pool.name} has {pool.sizing_nodes} nodes; a pool holds at most 1,000",
                {"hint": f"split {pool.name} into several pools"},
            )
        if pool.mode == "System" and _may_be_empty(pool):
            key = "minCount" if pool.autoscale and pool.min_count == 0 else _size_key(pool)
            yield Violation(
                pool_path(i, key),
                f"System pool {pool.name} may have 0 nodes; System pools need at least 1",
                {"hint": f"give {pool.name} at least 1 node ({key}: 1)"},
            )
    if plan.total_nodes > CLUSTER_MAX_NODES:
        yield Violation(
            "nodePools",
            f"the pools have {plan.total_nodes} nodes; a cluster holds at most 5,000",
            {"hint": "split the cluster"},
        )
    elif plan.total_peak_nodes > CLUSTER_MAX_NODES:
        yield Violation(
            "nodePools",
            f"the pools have {plan.total_peak_nodes} nodes during an "
            f"upgrade ({plan.total_nodes} + surge); a cluster holds at "
            f"most 5,000",
            {"hint": "lower maxSurge or maxCount"},
            WARNING,
        )


@rule(
    id="NET-SCALE-002",
    severity=ERROR,
    title="Kubenet clusters have at most 400 nodes",
    fix="keep kubenet below 400 nodes including surge ({total} now), or use overlay",
    docs=LEARN + "configure-kubenet",
)
def kubenet_within_route_limit(intent, plan):
    """What: a route table holds at most 400 routes and kubenet writes one per node, so a kubenet
    cluster has at most 400 nodes. AKS checks this at create (release 2023-06-25) and requires
    fewer than 400 nodes before an upgrade (2023-09-10), because surge nodes need routes too:
    `N > 400` is an error, `N + S > 400` a warning (derived).

    Why: nodes beyond the route budget get no pod routes. Overlay has no such limit.
    """
    if plan.network.model != "kubenet":
        return
    nodes, peak = plan.total_nodes, plan.total_peak_nodes
    if nodes > KUBENET_MAX_NODES:
        yield Violation(
            "nodePools",
            f"kubenet cluster has {nodes} nodes; a route table holds 400 routes",
            {"total": nodes},
        )
    elif peak > KUBENET_MAX_NODES:
        yield Violation(
            "nodePools",
            f"kubenet cluster has {peak} nodes during an upgrade "
            f"({nodes} + surge); a route table holds 400 routes",
            {"total": peak},
            WARNING,
        )


@rule(
    id="NET-SCALE-003",
    severity=WARNING,
    title="Overlay clusters stay within 200,000 pods",
    fix="lower maxPods or maxCount below 200,000 pods ({pods} now), or split the cluster",
    docs=LEARN + "best-practices-performance-scale-large",
)
def overlay_pods_within_limit(intent, plan):
    """What: overlay is quoted at 250,000 pods per cluster (plan-pod-networking page) and 200,000
    (large-cluster best practices, Standard/Premium tier). aksnet uses 200,000: `sum N x maxPods`
    above it is a warning.

    Why: beyond the tested figure the control plane and data plane are unsupported.
    """
    if plan.network.model != "overlay":
        return
    pods = plan.total_pods
    if pods > OVERLAY_MAX_PODS:
        yield Violation(
            "nodePools",
            f"the pools can run {pods} pods; overlay is supported up to 200,000",
            {"pods": pods},
        )


@rule(
    id="NET-SCALE-004",
    severity=WARNING,
    title="Dynamic pod-subnet clusters stay within 50,000 pods",
    fix="lower maxPods or maxCount below 50,000 pods ({pods} now), or use static block allocation",
    docs=LEARN + "best-practices-performance-scale-large",
)
def dynamic_pods_within_guidance(intent, plan):
    """What: dynamic pod-subnet allocation is guided at 50,000 application pods per cluster; the
    hard cap is 65,536 VNet IPs (NET-SIZE-010). `sum N x maxPods` above 50,000 is a warning.

    Why: every pod takes a VNet address; static block allocation or overlay scale further.
    """
    if plan.network.pod_allocation != "dynamic":
        return
    pods = plan.total_pods
    if pods > DYNAMIC_MAX_PODS:
        yield Violation(
            "nodePools",
            f"the pools can run {pods} pods; dynamic pod-subnet allocation is guided at 50,000",
            {"pods": pods},
        )


@rule(
    id="NET-SCALE-005",
    severity=WARNING,
    title="The Free tier is for at most 10 nodes",
    fix="use tier: Standard for {nodes} nodes",
    docs=LEARN + "quotas-skus-regions",
)
def free_tier_small(intent, plan):
    """What: the Free control-plane tier is recommended for at most 10 nodes.

    Why: the Free tier has no uptime SLA and a smaller control plane; larger clusters should use
    Standard (or Premium).
    """
    if plan.tier == "Free" and plan.total_nodes > FREE_TIER_MAX_NODES:
        yield Violation(
            "tier",
            f"tier Free with {plan.total_nodes} nodes; Free is recommended for at most 10",
            {"nodes": plan.total_nodes},
        )


RULES = (
    node_counts_within_limits,
    kubenet_within_route_limit,
    overlay_pods_within_limit,
    dynamic_pods_within_guidance,
    free_tier_small,
    entry(
        id="NET-SCALE-006",
        severity=WARNING,
        title="Standard load balancer backend limit",
        kind="doc",
        docs=LEARN + "best-practices-performance-scale-large",
        reason="10,000 backend IP configurations per frontend IP: each LoadBalancer service port "
        "puts every node in the backend pool (services x ports x nodes). Services are "
        "Kubernetes objects, not part of the intent, so aksnet cannot count them",
        fix="keep services x ports x nodes below 10,000 per frontend IP",
    ),
)
