"""NET-PLUGIN-003 to -007: the node pools a network configuration accepts, by OS and VM: Windows
pools (Azure CNI only, no Cilium data plane, a supported Windows Server, the recommended pod
density) and the VM set types and sizes overlay supports."""

from __future__ import annotations

import re

from generator.rules.common import LEARN, pool_path, version_tuple, windows_pools
from generator.rules.core import ERROR, WARNING, Violation, rule

WINDOWS_MAX_PODS = 110
# Azure CNI Overlay cannot run on DCsv2 confidential VMs: Standard_DC1s_v2 ... Standard_DC8_v2.
DCSV2 = re.compile(r"(?i)^standard_dc\d+s?_v2$")


@rule(
    id="NET-PLUGIN-003",
    severity=ERROR,
    title="Windows node pools need Azure CNI",
    fix="use an Azure CNI model for Windows pools, e.g. network.model: overlay",
    docs=LEARN + "configure-kubenet",
)
def windows_pools_use_azure_cni(intent, plan):
    """What: a Windows node pool cannot join a kubenet cluster.

    Why: kubenet's per-node bridge and route table exist only on Linux; AKS rejects the pool.
    """
    if plan.network.model != "kubenet":
        return
    for i, pool in windows_pools(plan):
        yield Violation(pool_path(i, "os"), f"Windows pool {pool.name} cannot run on kubenet")


@rule(
    id="NET-PLUGIN-004",
    severity=ERROR,
    title="The Cilium data plane is Linux only",
    fix="use dataplane azure (with policy calico if you need network policy) or move the "
    "Windows workloads to another cluster",
    docs=LEARN + "azure-cni-powered-by-cilium",
)
def cilium_clusters_are_linux_only(intent, plan):
    """What: no Windows node pool may exist in a cluster with `networkDataplane: cilium`, and a
    cluster with Windows pools cannot be switched to Cilium.

    Why: Azure CNI Powered by Cilium has no Windows data plane.
    """
    if plan.network.dataplane != "cilium":
        return
    for i, pool in windows_pools(plan):
        yield Violation(
            pool_path(i, "os"), f"Windows pool {pool.name} cannot run with the Cilium data plane"
        )


@rule(
    id="NET-PLUGIN-005",
    severity=ERROR,
    title="Windows pools need a supported Windows Server version",
    fix="use osSku Windows2025 (or Windows2022 below Kubernetes 1.37)",
    docs=LEARN + "upgrade-windows-os",
)
def windows_os_is_supported(intent, plan):
    """What: Windows Server 2019 is unsupported (AKS ended it on 2026-03-01; it does not run on
    Kubernetes 1.33+, pod-subnet never supported it, overlay dropped it). Windows Server 2022 is
    unsupported from Kubernetes 1.37 (2028-06-30): a warning when such a version is pinned.

    Why: pools on a retired OS cannot be created or upgraded, and their images are removed
    (Windows Server 2019: 2027-04-01).
    """
    version = version_tuple(intent.kubernetes_version)
    from_137 = version is not None and version >= (1, 37)
    for i, pool in enumerate(plan.node_pools):
        if pool.os_sku == "Windows2019":
            yield Violation(
                pool_path(i, "osSku"),
                f"pool {pool.name} uses Windows Server 2019, which AKS no longer "
                "supports (since 2026-03-01)",
            )
        elif pool.os_sku == "Windows2022" and from_137:
            yield Violation(
                pool_path(i, "osSku"),
                f"pool {pool.name} uses Windows Server 2022, which is unsupported from "
                f"Kubernetes 1.37 (kubernetesVersion {intent.kubernetes_version})",
                severity=WARNING,
            )


@rule(
    id="NET-PLUGIN-006",
    severity=WARNING,
    title="Windows pools should keep maxPods at 110 or below",
    fix="set maxPods to 110 or less on the Windows pool, e.g. maxPods: 110",
    docs=LEARN + "concepts-network-azure-cni-overlay",
)
def windows_pod_density_recommended(intent, plan):
    """What: keep `maxPods` of Windows pools at or below 110. The configurable maximum is 250,
    but 110 is the recommended operating value.

    Why: Microsoft documents 110 as the recommended maximum for Windows nodes; denser Windows
    pools are outside what is recommended.
    """
    for i, pool in windows_pools(plan):
        if pool.max_pods > WINDOWS_MAX_PODS:
            yield Violation(
                pool_path(i, "maxPods"),
                f"Windows pool {pool.name} has maxPods {pool.max_pods}, above the "
                f"recommended {WINDOWS_MAX_PODS}",
            )


@rule(
    id="NET-PLUGIN-007",
    severity=ERROR,
    title="Overlay cannot use availability sets or DCsv2 VM sizes",
    fix="use vmSetType VirtualMachineScaleSets, and a DCasv5 or DCadsv5 size (e.g. "
    "Standard_DC4as_v5) instead of DCsv2",
    docs=LEARN + "concepts-network-azure-cni-overlay",
)
def overlay_pools_use_supported_vms(intent, plan):
    """What: with Azure CNI Overlay (also with Cilium on overlay), node pools must be virtual
    machine scale sets or VirtualMachines pools, not availability sets, and cannot use DCsv2-series
    sizes (Standard_DC1s_v2 ... Standard_DC8_v2). On overlay this rule, not NET-EGRESS-002, reports
    an availability-set pool.

    Why: both are documented overlay limitations and AKS rejects such pools. For confidential
    computing use DCasv5 or DCadsv5 sizes.
    """
    if plan.network.model != "overlay":
        return
    for i, pool in enumerate(plan.node_pools):
        if pool.vm_set_type == "AvailabilitySet":
            yield Violation(
                pool_path(i, "vmSetType"),
                f"pool {pool.name} uses an availability set, which overlay does not support",
            )
        if DCSV2.match(pool.vm_size):
            yield Violation(
                pool_path(i, "vmSize"),
                f"pool {pool.name} uses {pool.vm_size}, a DCsv2 size overlay does not support",
            )


RULES = (
    windows_pools_use_azure_cni,
    cilium_clusters_are_linux_only,
    windows_os_is_supported,
    windows_pod_density_recommended,
    overlay_pools_use_supported_vms,
)
