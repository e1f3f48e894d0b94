"""NET-MIG-*: kubenet retirement and in-place network migrations."""

from __future__ import annotations

from generator.rules.common import LEARN
from generator.rules.core import ERROR, WARNING, Violation, entry, rule

LIVE = (
    "concerns changing an existing cluster, which only Azure knows: `plan --live` and "
    "`apply` compare the intent with the live cluster and refuse unsupported in-place changes"
)


@rule(
    id="NET-MIG-001",
    severity=WARNING,
    title="Kubenet retires on 2028-03-31",
    fix="use network.model: overlay (pods keep a private pod CIDR, no route table needed)",
    docs=LEARN + "concepts-network-cni-overview",
)
def network_model_not_retiring(intent, plan):
    """What: AKS stops supporting kubenet on 2028-03-31; the CNI overview lists it as legacy.

    Why: a kubenet cluster built now has to be migrated to overlay (reimaging every pool) before
    that date. Azure CNI Overlay gives the same address economy without a route table.
    """
    if plan.network.model == "kubenet":
        yield Violation(
            "network.model", "model kubenet retires on 2028-03-31; new clusters should use overlay"
        )


RULES = (
    network_model_not_retiring,
    entry(
        id="NET-MIG-002",
        severity=ERROR,
        title="Migrating to overlay follows the official path",
        kind="live",
        docs=LEARN + "update-azure-cni",
        reason=LIVE + " (from kubenet or node-subnet only, Kubernetes 1.27+, no policy engine, "
        "user-assigned identity from kubenet, --pod-cidr from node-subnet)",
        fix="migrate from kubenet or node-subnet with `az aks update --network-plugin-mode "
        "overlay` once every prerequisite holds",
    ),
    entry(
        id="NET-MIG-003",
        severity=ERROR,
        title="Moving to the Cilium data plane",
        kind="live",
        docs=LEARN + "update-azure-cni",
        reason=LIVE + " (Azure CNI only, never from kubenet, no Windows pools, NAP disabled, IPAM "
        "unchanged in the same operation)",
        fix="move kubenet clusters to overlay first, then switch the data plane to cilium",
    ),
    entry(
        id="NET-MIG-004",
        severity=ERROR,
        title="Static block cannot be switched on in place",
        kind="live",
        docs=LEARN + "configure-azure-cni-static-block-allocation",
        reason=LIVE + " (an existing pool or cluster cannot change its pod IP allocation mode)",
        fix="add a new pool on a new pod subnet with static-block, move workloads, delete the "
        "old pool",
    ),
)
