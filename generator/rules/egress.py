"""NET-EGRESS-*: outbound types and what each needs."""

from __future__ import annotations

from generator.rules.common import LEARN, SUBNET_PATHS, pool_path, version_below
from generator.rules.core import ERROR, INFO, WARNING, Violation, entry, rule

TYPE_PATH = "network.outbound.type"
PREVIEW_TYPES = ("block", "managedNATGatewayV2")
MANAGED_VNET_TYPES = ("managedNATGateway", "managedNATGatewayV2", "block")
NAT_TYPES = ("managedNATGateway", "managedNATGatewayV2", "userAssignedNATGateway")
ENDPOINT_TYPES = ("userDefinedRouting", "none", "userAssignedNATGateway")
OUTBOUND_IPS = (1, 16)
IDLE_MINUTES = (4, 120)


@rule(
    id="NET-EGRESS-001",
    severity=ERROR,
    title="Preview outbound types need features.preview",
    fix="set features.preview: true to use {type} (preview API), or use {stable}",
    docs=LEARN + "egress-outboundtype",
)
def preview_outbound_opted_in(intent, plan):
    """What: `loadBalancer`, `managedNATGateway`, `userAssignedNATGateway`, `userDefinedRouting`
    and `none` are in the stable API (`none` since 2025-03-01). `block` (CLI 2.71.0 and
    aks-preview 9.0.0b2) and `managedNATGatewayV2` (aks-preview 20.0.0b1, feature
    `ManagedNATGatewayV2Preview`) exist in preview APIs only.

    Why: a stable API version refuses them; preview features carry no SLA. An intent opts in with
    `features.preview: true`.
    """
    kind = plan.network.outbound.type
    if kind in PREVIEW_TYPES and not intent.features.preview:
        stable = "managedNATGateway" if kind == "managedNATGatewayV2" else "none"
        yield Violation(
            TYPE_PATH,
            f"outbound type {kind} exists only in preview APIs",
            {"type": kind, "stable": stable},
        )


def _availability_set_pools(plan):
    """(index, pool) of the availability-set pools NET-EGRESS-002 reports. On overlay none:
    NET-PLUGIN-007 reports them, being the more specific rule (it names the model that refuses
    them, where this one holds for every model), so one pool gives one finding."""
    if plan.network.model == "overlay":
        return []
    return [(i, p) for i, p in enumerate(plan.node_pools) if p.vm_set_type == "AvailabilitySet"]


@rule(
    id="NET-EGRESS-002",
    severity=ERROR,
    title="Outbound needs scale sets and the Standard load balancer",
    fix="use the Standard load balancer and scale-set pools: {use}",
    docs=LEARN + "egress-outboundtype",
)
def standard_lb_and_scale_sets(intent, plan):
    """What: every outbound type needs VMSS node pools and the Standard load balancer SKU; the
    Basic SKU is unsupported since 2025-09-30. On overlay an availability-set pool is reported by
    NET-PLUGIN-007 instead.

    Why: AKS refuses Basic load balancers and availability-set pools for outbound.
    """
    if plan.network.load_balancer_sku == "basic":
        yield Violation(
            "network.loadBalancerSku",
            "the Basic load balancer is retired (2025-09-30)",
            {"use": "loadBalancerSku: standard"},
        )
    for i, pool in _availability_set_pools(plan):
        yield Violation(
            pool_path(i, "vmSetType"),
            f"{pool.name} uses an availability set",
            {"use": "vmSetType: VirtualMachineScaleSets"},
        )


@rule(
    id="NET-EGRESS-003",
    severity=ERROR,
    title="Managed NAT gateway outbound needs the AKS-managed VNet",
    fix="set network.vnet.managed: true, or use userAssignedNATGateway with your own VNet",
    docs=LEARN + "nat-gateway",
)
def managed_nat_on_managed_vnet(intent, plan):
    """What: `managedNATGateway`, `managedNATGatewayV2` and `block` work only with a VNet AKS
    creates and manages (`network.vnet.managed: true`). With your own VNet use
    `userAssignedNATGateway` (or `none`).

    Why: AKS attaches the managed NAT gateway to subnets it owns; it will not touch yours.
    """
    kind = plan.network.outbound.type
    if kind in MANAGED_VNET_TYPES and not intent.network.vnet.managed:
        yield Violation(
            TYPE_PATH,
            f"outbound type {kind} needs the AKS-managed VNet; this intent brings its own",
        )


@rule(
    id="NET-EGRESS-004",
    severity=ERROR,
    title="NAT gateway outbound IPs 1-16, idle timeout 4-120 minutes",
    fix="set {key} between {low} and {high}",
    docs=LEARN + "nat-gateway",
)
def nat_gateway_numbers_in_range(intent, plan):
    """What: a NAT gateway takes 1 to 16 outbound IPs (default 1; 64,512 SNAT flows per IP) and an
    idle timeout of 4 to 120 minutes (default 4). A Standard managed NAT gateway is zonal (one
    zone, or none); StandardV2 is zone-redundant and needs StandardV2 public IPs.

    Why: Azure refuses other values.
    """
    out = plan.network.outbound
    if out.type not in NAT_TYPES:
        return
    checks = (
        ("managedOutboundIpCount", out.managed_outbound_ip_count, OUTBOUND_IPS),
        ("idleTimeoutMinutes", out.idle_timeout_minutes, IDLE_MINUTES),
    )
    for key, value, (low, high) in checks:
        if not low <= value <= high:
            yield Violation(
                f"network.outbound.{key}",
                f"{key} {value} is outside {low}..{high}",
                {"key": key, "low": low, "high": high},
            )


@rule(
    id="NET-EGRESS-005",
    severity=ERROR,
    title="A user-assigned NAT gateway is on your own VNet's node subnet",
    fix="use your own VNet (network.vnet.managed: false) and associate the NAT gateway with "
    "{subnet} before creating the cluster",
    docs=LEARN + "nat-gateway",
)
def user_nat_gateway_on_subnets(intent, plan):
    """What: `userAssignedNATGateway` needs your own VNet with the NAT gateway (Standard or
    StandardV2) associated with the node subnet before the cluster is created; with a pod subnet,
    associate it there too (pod egress leaves from the pod subnet; derived). aksnet creates the
    gateway and the associations on subnets it creates; on existing subnets the association must
    already exist, which `plan --live` and `apply` check (info here).

    Why: AKS validates the association at creation; without it nodes have no egress.
    """
    net = plan.network
    if net.outbound.type != "userAssignedNATGateway":
        return
    if intent.network.vnet.managed:
        yield Violation(
            TYPE_PATH,
            "userAssignedNATGateway needs your own VNet, not the AKS-managed one",
            {"subnet": "the node subnet"},
        )
        return
    for subnet in (net.node_subnet, net.pod_subnet):
        if subnet is None:
            continue
        key = SUBNET_PATHS[subnet.role]
        if subnet.existing:
            yield Violation(
                f"{key}.id",
                f"existing {subnet.role} subnet {subnet.name} must "
                f"already have the NAT gateway associated",
                {"subnet": subnet.name},
                INFO,
            )
            continue
        resource = plan.by_symbol(f"{subnet.role}Subnet")
        if resource is None or "natGateway" not in resource.properties:
            yield Violation(
                key,
                f"the {subnet.role} subnet {subnet.name} aksnet creates has no "
                f"NAT gateway association",
                {"subnet": subnet.name},
            )


@rule(
    id="NET-EGRESS-006",
    severity=ERROR,
    title="userDefinedRouting needs your own VNet and a next hop",
    fix="use your own VNet (network.vnet.managed: false) and set network.outbound.nextHopIp "
    "to the firewall's private IP, e.g. 10.1.0.4",
    docs=LEARN + "egress-udr",
)
def udr_has_next_hop(intent, plan):
    """What: `userDefinedRouting` needs your own subnet with an associated route table whose
    `0.0.0.0/0` route points to an appliance or gateway (e.g. `VirtualAppliance` to a firewall's
    private IP), not `Internet`; AKS validates this. When aksnet creates the route table it writes
    that route to `network.outbound.nextHopIp`, which must then be given. A route table given as
    routeTable.id, or the table on an existing subnet, is checked by `plan --live`. With Azure
    Firewall also add a route for the firewall's public IP with next hop Internet; in pod-subnet
    mode put the same table on the pod subnet (aksnet does).

    Why: without the default route nodes have no egress, and AKS never creates outbound public
    IPs for UDR.
    """
    net = plan.network
    if net.outbound.type != "userDefinedRouting":
        return
    if intent.network.vnet.managed:
        yield Violation(
            TYPE_PATH,
            "userDefinedRouting needs your own VNet, not the AKS-managed one",
        )
    elif net.route_table_name and not net.outbound.next_hop_ip:
        yield Violation(
            "network.outbound.nextHopIp",
            "userDefinedRouting without nextHopIp: the "
            "route table aksnet creates has no "
            "0.0.0.0/0 target",
        )


@rule(
    id="NET-EGRESS-007",
    severity=ERROR,
    title="Outbound none is for network-isolated clusters",
    fix="set features.networkIsolated: true (artifacts from a private cache), or pick an "
    "outbound type that gives egress",
    docs=LEARN + "network-isolated",
)
def outbound_none_isolated(intent, plan):
    """What: `outboundType: none` is only for network-isolated clusters
    (`bootstrapProfile.artifactSource: Cache`, a private registry); it works with your own or the
    managed VNet, AKS checks no default route, and any egress is yours to supply. The azurerm
    automatic-cluster resource enforces the same pairing.

    Why: a cluster with no egress that still pulls from public registries cannot bootstrap.
    """
    if plan.network.outbound.type == "none" and not intent.features.network_isolated:
        yield Violation(TYPE_PATH, "outbound type none without features.networkIsolated")


@rule(
    id="NET-EGRESS-008",
    severity=ERROR,
    title="Dual-stack egress needs a StandardV2 NAT gateway or an IPv6 route",
    fix="use network.outbound.natGatewaySku: StandardV2; with userDefinedRouting add a ::/0 "
    "route to the appliance",
    docs=LEARN + "configure-dual-stack",
)
def dual_stack_egress_has_ipv6(intent, plan):
    """What: the Standard NAT gateway is IPv4 only, so dual-stack clusters cannot use
    `managedNATGateway` with the Standard SKU or a Standard user-assigned NAT gateway: use
    StandardV2 (error). With userDefinedRouting, a missing `::/0` route produces a warning from
    AKS, not a failure, and aksnet writes only `0.0.0.0/0` (warning). This rule alone reports the
    Standard NAT gateway of NET-DS-003.

    Why: IPv6 pod and node traffic would have no egress.
    """
    net = plan.network
    # Any IPv6 family, not only dual-stack: IPv6-only (NET-DS-001's error) has the same egress gap,
    # and NET-DS-003, which no longer checks the NAT gateway, used to report it there.
    if "IPv6" not in net.ip_families:
        return
    kind = net.outbound.type
    if kind in ("managedNATGateway", "userAssignedNATGateway") and (
        net.outbound.nat_gateway_sku == "Standard"
    ):
        yield Violation(
            "network.outbound.natGatewaySku",
            f"dual-stack with a Standard NAT gateway ({kind}), which is IPv4 only",
        )
    elif kind == "userDefinedRouting":
        yield Violation(
            TYPE_PATH,
            "dual-stack with userDefinedRouting: no ::/0 route sends IPv6 egress to the appliance",
            severity=WARNING,
        )


@rule(
    id="NET-EGRESS-009",
    severity=ERROR,
    title="Disabling Windows OutboundNAT needs Kubernetes 1.26 and a NAT gateway or UDR",
    fix="use kubernetesVersion 1.26 or later and a NAT gateway or userDefinedRouting outbound "
    "type, or keep OutboundNAT (disableOutboundNat: false)",
    docs=LEARN + "nat-gateway",
)
def windows_outbound_nat_prerequisites(intent, plan):
    """What: disabling OutboundNAT on a Windows pool (`disableOutboundNat: true`) needs Kubernetes
    1.26 or later and an outbound type other than `loadBalancer` (a NAT gateway or UDR).

    Why: AKS refuses it otherwise; with a load balancer, Windows pods would lose egress.
    """
    for i, pool in enumerate(plan.node_pools):
        if pool.os != "Windows" or not pool.disable_outbound_nat:
            continue
        path = pool_path(i, "disableOutboundNat")
        if version_below(intent, 1, 26):
            yield Violation(
                path,
                f"{pool.name} disables OutboundNAT on Kubernetes "
                f"{intent.kubernetes_version} (needs 1.26)",
            )
        if plan.network.outbound.type == "loadBalancer":
            yield Violation(
                path,
                f"{pool.name} disables OutboundNAT with outbound type loadBalancer",
            )


ENDPOINTS = (
    "TCP 443 to *.hcp.{location}.azmk8s.io, mcr.microsoft.com, *.data.mcr.microsoft.com, "
    "mcr-0001.mcr-msedge.net, management.azure.com, login.microsoftonline.com, "
    "packages.microsoft.com, acs-mirror.azureedge.net, packages.aks.azure.com; UDP 1194 and "
    "TCP 9000 to AzureCloud.{location} (non-private clusters without konnectivity); UDP 123 (NTP); "
    "UDP 53 to custom DNS servers; TCP 443 to the API server for in-cluster clients"
)


@rule(
    id="NET-EGRESS-011",
    severity=INFO,
    title="Nodes must reach the required outbound endpoints",
    fix="allow these endpoints in the firewall that carries egress (an NSG cannot express FQDN "
    "rules)",
    docs=LEARN + "outbound-rules-control-egress",
)
def outbound_endpoints_listed(intent, plan):
    """What: unless the cluster is network-isolated, nodes must reach (global Azure): TCP 443 to
    `*.hcp.<region>.azmk8s.io`, `mcr.microsoft.com`, `*.data.mcr.microsoft.com`,
    `mcr-0001.mcr-msedge.net`, `management.azure.com`, `login.microsoftonline.com`,
    `packages.microsoft.com`, `acs-mirror.azureedge.net`, `packages.aks.azure.com`; UDP 1194 and
    TCP 9000 to the region (only without konnectivity / for non-private clusters); UDP 123 (NTP);
    UDP 53 to custom DNS servers; TCP 443 to the API server IP for in-cluster clients. aksnet
    lists them for userDefinedRouting, none and userAssignedNATGateway, where egress passes
    through something you run.

    Why: aksnet cannot see the firewall rules offline. NSGs cannot express FQDN rules, so a
    deny-all egress rule in an NSG breaks the cluster.
    """
    kind = plan.network.outbound.type
    if kind in ENDPOINT_TYPES and not intent.features.network_isolated:
        endpoints = ENDPOINTS.format(location=plan.location)
        yield Violation(TYPE_PATH, f"outbound type {kind}: nodes must reach {endpoints}")


RULES = (
    preview_outbound_opted_in,
    standard_lb_and_scale_sets,
    managed_nat_on_managed_vnet,
    nat_gateway_numbers_in_range,
    user_nat_gateway_on_subnets,
    udr_has_next_hop,
    outbound_none_isolated,
    dual_stack_egress_has_ipv6,
    windows_outbound_nat_prerequisites,
    entry(
        id="NET-EGRESS-010",
        severity=ERROR,
        title="Only some outbound type changes are allowed",
        kind="live",
        docs=LEARN + "egress-outboundtype",
        reason="the current outbound type of an existing cluster is known only from Azure: "
        "`plan --live` and `apply` compare it with the intent (managed VNet: loadBalancer "
        "-> managedNATGateway/V2/none/block, managedNATGateway -> V2/none/block, V2 -> "
        "nothing, none/block -> anything; own VNet: loadBalancer, userAssignedNATGateway, "
        "userDefinedRouting and none among each other; nothing to block; the page's "
        "managedNATGateway -> loadBalancer/userDefinedRouting commands contradict its "
        "table: warning). Changing it changes the egress IPs",
        fix="change the outbound type only along a supported transition (Azure CLI 2.56+), and "
        "update authorized IP ranges and firewalls for the new egress IPs",
    ),
    outbound_endpoints_listed,
)
