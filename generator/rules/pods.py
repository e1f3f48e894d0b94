"""NET-PODS-*: pods per node (maxPods)."""

from __future__ import annotations

from generator.rules.common import LEARN, pool_path
from generator.rules.core import ERROR, WARNING, Violation, entry, rule

MIN_PODS, MAX_PODS = 10, 250
MIN_PODS_PER_POOL = 30


@rule(
    id="NET-PODS-001",
    severity=ERROR,
    title="maxPods is between 10 and 250",
    fix="set maxPods between 10 and 250, e.g. maxPods: {example}",
    docs=LEARN + "concepts-network-ip-address-planning",
)
def max_pods_in_range(intent, plan):
    """What: a pool's `maxPods` must be between 10 and 250, whatever the network model.

    Why: AKS refuses other values. (Windows pools should stay at 110 or below: NET-PLUGIN-006.)
    """
    for i, pool in enumerate(intent.node_pools):
        if pool.max_pods is not None and not MIN_PODS <= pool.max_pods <= MAX_PODS:
            example = MIN_PODS if pool.max_pods < MIN_PODS else MAX_PODS
            yield Violation(
                pool_path(i, "maxPods"),
                f"maxPods {pool.max_pods} on {pool.name} is outside 10..250",
                {"example": example},
            )


@rule(
    id="NET-PODS-002",
    severity=ERROR,
    title="Each pool has room for at least 30 pods",
    fix="raise maxPods to {pods} or give {name} at least {nodes} nodes",
    docs=LEARN + "concepts-network-ip-address-planning",
)
def pool_holds_thirty_pods(intent, plan):
    """What: `maxPods x nodes` must be at least 30 for every pool (new pools too), counting the
    nodes the pool can shrink to: `minCount` when it autoscales, else `count`. A pool that may
    have no nodes (a user pool scaled to zero) is counted at one node, the smallest size at which
    it runs pods. So maxPods 10 needs at least 3 nodes.

    Why: AKS refuses smaller pools; the system pods alone need room. The rule was "30 per node"
    until the 2019-10-28 release, and "30 per node pool" since.
    """
    for i, pool in enumerate(plan.node_pools):
        nodes = pool.min_count if pool.autoscale and pool.min_count is not None else pool.count
        nodes = max(nodes, 1)
        if pool.max_pods * nodes < MIN_PODS_PER_POOL:
            yield Violation(
                pool_path(i, "maxPods"),
                f"{pool.name} holds {pool.max_pods * nodes} pods at its smallest "
                f"({nodes} node(s) x maxPods {pool.max_pods}); a pool needs 30",
                {
                    "pods": -(-MIN_PODS_PER_POOL // nodes),
                    "name": pool.name,
                    "nodes": -(-MIN_PODS_PER_POOL // max(pool.max_pods, 1)),
                },
            )


@rule(
    id="NET-PODS-003",
    severity=WARNING,
    title="maxPods is stated on pod-subnet pools",
    fix="state maxPods on {name}, e.g. maxPods: {example}",
    docs=LEARN + "configure-azure-cni-dynamic-ip-allocation",
)
def max_pods_stated_for_pod_subnet(intent, plan):
    """What: when `maxPods` is omitted AKS picks a default from the network configuration (since
    the 2022-06-05 release): overlay 250, node-subnet 30, kubenet 110. For pod-subnet the
    dynamic-allocation page says 250 and the IP-planning page says 110; both were current in
    August 2026. aksnet assumes 250 and renders it, but warns on pod-subnet pools.

    Why: the pod subnet is sized from maxPods; a default that differs by page is a guess.
    """
    if plan.network.model != "pod-subnet":
        return
    for i, pool in enumerate(plan.node_pools):
        if f"{pool_path(i)}.maxPods" in plan.defaulted:
            yield Violation(
                pool_path(i, "maxPods"),
                f"maxPods omitted on {pool.name}: the docs "
                f"give 250 and 110 for pod-subnet; aksnet "
                f"assumes {pool.max_pods}",
                {"name": pool.name, "example": pool.max_pods},
            )


RULES = (
    max_pods_in_range,
    pool_holds_thirty_pods,
    max_pods_stated_for_pod_subnet,
    entry(
        id="NET-PODS-004",
        severity=ERROR,
        title="maxPods of an existing pool cannot change",
        kind="live",
        docs=LEARN + "concepts-network-ip-address-planning",
        reason="whether a pool already exists with another maxPods is known only from Azure: "
        "`plan --live` and `apply` compare the live pool with the intent (in place "
        "change is refused; add a new pool and drain the old one; Terraform needs "
        "temporary_name_for_rotation for the default pool)",
        fix="add a new pool with the new maxPods, move workloads, delete the old pool",
    ),
)
