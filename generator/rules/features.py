"""NET-PLUGIN-013 to -015: cluster features that only some network models support (network
isolation, node auto-provisioning, Application Gateway for Containers)."""

from __future__ import annotations

from generator.rules.common import LEARN, pool_path, windows_pools
from generator.rules.core import ERROR, Violation, rule


@rule(
    id="NET-PLUGIN-013",
    severity=ERROR,
    title="Network-isolated clusters support neither kubenet nor Windows pools",
    fix="use an Azure CNI model (e.g. network.model: overlay) and Linux pools, or set "
    "features.networkIsolated: false",
    docs=LEARN + "concepts-network-isolated",
)
def network_isolated_cluster_supported(intent, plan):
    """What: a network-isolated cluster (`bootstrapProfile.artifactSource: Cache`, outbound
    type `none` or `block`) cannot use kubenet and cannot have Windows node pools.

    Why: both are documented limitations of network-isolated clusters; AKS rejects them.
    """
    if not intent.features.network_isolated:
        return
    if plan.network.model == "kubenet":
        yield Violation("network.model", "a network-isolated cluster cannot use kubenet")
    for i, pool in windows_pools(plan):
        yield Violation(
            pool_path(i, "os"), f"a network-isolated cluster cannot have Windows pool {pool.name}"
        )


@rule(
    id="NET-PLUGIN-014",
    severity=ERROR,
    title="Node auto-provisioning supports overlay and node-subnet networking only",
    fix="use overlay (optionally with Cilium) or node-subnet without Calico, or set "
    "features.nodeAutoProvisioning: false",
    docs=LEARN + "node-auto-provisioning-networking",
)
def node_auto_provisioning_supported(intent, plan):
    """What: node auto-provisioning (NAP) works with overlay, overlay with Cilium and node-subnet
    Azure CNI. It does not support kubenet, dynamic pod-subnet allocation or Calico. A NAP cluster
    must disable NAP before moving its data plane to Cilium.

    Why: NAP provisions nodes itself and supports only those networking configurations.
    """
    if not intent.features.node_auto_provisioning:
        return
    net = plan.network
    if net.model == "kubenet":
        yield Violation("network.model", "node auto-provisioning does not support kubenet")
    if net.pod_allocation == "dynamic":
        yield Violation(
            "network.podSubnet.allocation",
            "node auto-provisioning does not support dynamic pod-subnet allocation",
        )
    if net.policy == "calico":
        yield Violation(
            "network.policy", "node auto-provisioning does not support Calico network policy"
        )


@rule(
    id="NET-PLUGIN-015",
    severity=ERROR,
    title="Application Gateway for Containers does not support kubenet",
    fix="use an Azure CNI model, e.g. network.model: overlay",
    docs=LEARN + "concepts-network-cni-overview",
)
def agc_uses_azure_cni(intent, plan):
    """What: Application Gateway for Containers (ALB controller) cannot serve a kubenet cluster.

    Why: the CNI overview lists it as unsupported on kubenet; Azure CNI models support it.
    """
    if intent.features.application_gateway_for_containers and plan.network.model == "kubenet":
        yield Violation(
            "network.model", "Application Gateway for Containers is requested on a kubenet cluster"
        )


RULES = (
    network_isolated_cluster_supported,
    node_auto_provisioning_supported,
    agc_uses_azure_cni,
)
