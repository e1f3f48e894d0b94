"""NET-DS-*: dual-stack (IPv4 + IPv6) clusters: which models, which lists, what is unsupported."""

from __future__ import annotations

from generator.rules.common import LEARN, POD_CIDR_MODELS, pool_path
from generator.rules.core import ERROR, INFO, WARNING, Violation, entry, rule

FAMILY_SETS = (("IPv4",), ("IPv4", "IPv6"))


def _wants_ipv6(plan) -> bool:
    return "IPv6" in plan.network.ip_families


def _family(cidr: str) -> str:
    return "IPv6" if ":" in cidr else "IPv4"


def _model_support(plan) -> tuple[str, object] | None:
    """(why, severity) when the plan's model does not support dual-stack; None when it does."""
    net = plan.network
    if net.model in ("kubenet", "node-subnet"):
        return f"model {net.model} does not support dual-stack", None
    if net.pod_allocation == "dynamic":
        return "dynamic pod-subnet allocation does not support dual-stack", None
    if net.pod_allocation == "static-block":
        return (
            "dual-stack with static block allocation is in a release note (2026-06-19) but "
            "not yet documented",
            WARNING,
        )
    if net.model == "byo-cni":
        return "dual-stack with byo-cni is not documented", WARNING
    return None


@rule(
    id="NET-DS-001",
    severity=ERROR,
    title="Dual-stack needs Azure CNI Overlay and an IPv6 VNet range",
    fix="use model overlay with ipFamilies [IPv4, IPv6] and add an IPv6 range to "
    "vnet.addressSpace, e.g. fd00:10::/48",
    docs=LEARN + "configure-dual-stack",
)
def dual_stack_uses_overlay(intent, plan):
    """What: `ipFamilies` is `[IPv4]` or `[IPv4, IPv6]` (IPv6-only is unsupported). Dual-stack
    needs Azure CNI Overlay (Azure or Cilium data plane): kubenet, node-subnet and dynamic
    pod-subnet are errors; static block is a warning (a 2026-06-19 release note, not yet in the
    docs); byo-cni is a warning (undocumented). A VNet aksnet creates subnets in needs an IPv6
    range for the node subnet's /64.

    Why: kubenet dual-stack was GA in April 2023 but the docs have required overlay since
    2025-05-20; without IPv6 space the node subnet gets no IPv6 prefix and nodes no IPv6 address.
    """
    net = plan.network
    if net.ip_families not in FAMILY_SETS:
        yield Violation(
            "network.ipFamilies",
            f"ipFamilies [{', '.join(net.ip_families)}] is not supported: use [IPv4] "
            "or [IPv4, IPv6]",
        )
    if not _wants_ipv6(plan):
        return
    unsupported = _model_support(plan)
    if unsupported:
        message, severity = unsupported
        yield Violation("network.ipFamilies", message, severity=severity)
    node = net.node_subnet
    if (
        intent.network.vnet.managed
        or node.existing
        or node.ipv6_prefix
        or not net.vnet.address_space
    ):
        return
    spaces = ", ".join(net.vnet.address_space)
    if not any(":" in space for space in net.vnet.address_space):
        message = f"dual-stack needs an IPv6 range in the VNet address space ({spaces})"
    else:
        message = f"no free IPv6 /64 for the node subnet in the VNet address space ({spaces})"
    yield Violation("network.vnet.addressSpace", message)


@rule(
    id="NET-DS-002",
    severity=ERROR,
    title="podCidrs and serviceCidrs follow ipFamilies (IPv4 first)",
    fix="list one range per IP family in the order of ipFamilies, e.g. podCidrs [10.244.0.0/16, "
    "fd12:3456:789a::/64] and serviceCidrs [10.0.0.0/16, fd12:3456:789a:1::/108]",
    docs=LEARN + "configure-dual-stack",
)
def cidr_lists_follow_ip_families(intent, plan):
    """What: `podCidrs` and `serviceCidrs` have exactly one range per entry of `ipFamilies`, in the
    same order, IPv4 first. A single-stack cluster lists one IPv4 range at most. A `podCidr` or
    `serviceCidr` given next to the list must be its IPv4 entry.

    Why: AKS pairs the lists with `ipFamilies` by position and rejects mismatches.
    """
    net = intent.network
    families = [str(f) for f in net.ip_families]
    lists = [("serviceCidrs", "serviceCidr", net.service_cidrs, net.service_cidr)]
    if plan.network.model in POD_CIDR_MODELS:
        lists.insert(0, ("podCidrs", "podCidr", net.pod_cidrs, net.pod_cidr))
    for key, single_key, cidrs, single in lists:
        if not cidrs:
            continue
        got = [_family(c) for c in cidrs]
        if got != families:
            yield Violation(
                f"network.{key}",
                f"{key} [{', '.join(cidrs)}] is {', '.join(got)}, but ipFamilies is "
                f"[{', '.join(families)}]",
            )
        if single and single not in cidrs:
            yield Violation(
                f"network.{single_key}",
                f"{single_key} {single} is not in {key} [{', '.join(cidrs)}]",
            )


@rule(
    id="NET-DS-004",
    severity=INFO,
    title="IPv6 LoadBalancer services on Azure Linux need externalTrafficPolicy Local",
    fix="set externalTrafficPolicy: Local on IPv6 LoadBalancer services",
    docs=LEARN + "azure-cni-overlay",
)
def azure_linux_ipv6_services_known(intent, plan):
    """What: on Azure Linux node pools, IPv6 LoadBalancer services work only with
    `externalTrafficPolicy: Local`.

    Why: the overlay documentation lists it as a dual-stack limitation of Azure Linux pools;
    nothing in the intent can set it, so this is a reminder for the service manifests.
    """
    if not _wants_ipv6(plan):
        return
    for i, pool in enumerate(plan.node_pools):
        if pool.os_sku == "AzureLinux":
            yield Violation(
                pool_path(i, "osSku"),
                f"pool {pool.name} runs Azure Linux: IPv6 LoadBalancer services need "
                "externalTrafficPolicy Local",
            )


RULES = (
    dual_stack_uses_overlay,
    cidr_lists_follow_ip_families,
    # Every case of NET-DS-003 has a more specific check, so it runs nothing itself: one mistake,
    # one finding.
    entry(
        id="NET-DS-003",
        severity=ERROR,
        title="Dual-stack does not support Azure NPM, Calico, a Standard NAT gateway or "
        "virtual nodes",
        kind="doc",
        docs=LEARN + "azure-cni-overlay",
        reason="each case is reported by a more specific rule: Azure NPM and Calico by "
        "NET-POL-004, a Standard NAT gateway (IPv4 only) by NET-EGRESS-008; virtual nodes "
        "cannot be asked for in an intent (NET-VN-001)",
        fix="use dataplane cilium with policy cilium, natGatewaySku StandardV2 and no virtual "
        "nodes on dual-stack clusters",
    ),
    azure_linux_ipv6_services_known,
)
