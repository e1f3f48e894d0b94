"""NET-SVC-*: the service CIDR and the DNS service IP."""

from __future__ import annotations

import ipaddress

from generator import ipam
from generator.planner import (
    DEFAULT_POD_CIDR,
    DEFAULT_POD_CIDR_V6,
    DEFAULT_SERVICE_CIDR,
    DEFAULT_SERVICE_CIDR_V6,
)
from generator.rules.common import LEARN, service_ranges, version_below
from generator.rules.core import ERROR, INFO, WARNING, Violation, rule

DNS_PATH = "network.dnsServiceIp"
IPV4_LARGEST = 12  # "smaller than /12" (AKS); Kubernetes accepts a mask of 12 or longer
IPV6_LARGEST = 108


def _dns_and_range(plan):
    """(DNS IP, the IPv4 service range it must sit in), or None when either cannot be read."""
    try:
        dns = ipaddress.ip_address(plan.network.dns_service_ip)
        svc = ipam.net(plan.network.service_cidr)
    except (TypeError, ValueError):
        return None
    return dns, svc


@rule(
    id="NET-SVC-001",
    severity=ERROR,
    title="Service CIDR must be smaller than /12 (IPv6: /108)",
    fix="use a smaller service range, e.g. {example}",
    docs=LEARN + "concepts-network-ip-address-planning",
)
def service_cidr_within_size_limit(intent, plan):
    """What: an IPv4 service CIDR must be smaller than /12 (a prefix length of 13 or more; /12
    itself is a warning); an IPv6 service CIDR must be /108 or smaller.

    Why: the AKS IP-planning page says "smaller than /12", while the Kubernetes API server accepts
    a mask of /12 or longer, so /12 is ambiguous: Azure may refuse it. Larger ranges are refused
    outright. A service range far larger than the number of services also takes address space
    that other networks could use.

    Example: `serviceCidr: 10.0.0.0/16` gives 65,536 service addresses.
    """
    for r in service_ranges(plan):
        plen = r.network.prefixlen
        if r.network.version == 4 and plen < IPV4_LARGEST:
            yield Violation(
                r.path,
                f"service CIDR {r.network} is larger than /12 (AKS needs it smaller than /12)",
                {"example": "10.0.0.0/16"},
            )
        elif r.network.version == 4 and plen == IPV4_LARGEST:
            yield Violation(
                r.path,
                f"service CIDR {r.network} is exactly /12: AKS documents "
                f'"smaller than /12", Kubernetes accepts /12',
                {"example": "10.0.0.0/16"},
                WARNING,
            )
        elif r.network.version == 6 and plen < IPV6_LARGEST:
            yield Violation(
                r.path,
                f"IPv6 service CIDR {r.network} is larger than /108",
                {"example": DEFAULT_SERVICE_CIDR_V6},
            )


@rule(
    id="NET-SVC-002",
    severity=ERROR,
    title="DNS service IP must lie inside the service CIDR",
    fix="pick an address inside {service_cidr}, e.g. dnsServiceIp: {example}",
    docs=LEARN + "concepts-network-legacy-cni",
)
def dns_ip_inside_service_cidr(intent, plan):
    """What: `dnsServiceIp` must be an address of the (IPv4) `serviceCidr`.

    Why: kube-dns is a Kubernetes service; its cluster IP is handed out from the service range
    like any other, so an address outside it cannot be assigned and cluster creation fails.

    Example: `serviceCidr: 10.0.0.0/16` with `dnsServiceIp: 10.0.0.10` (the `.10` is convention).
    """
    pair = _dns_and_range(plan)
    if pair is None:
        return
    dns, svc = pair
    if dns.version != svc.version or dns not in svc:
        yield Violation(
            DNS_PATH,
            f"dnsServiceIp {dns} is outside the service CIDR {svc}",
            {"service_cidr": str(svc), "example": str(ipam.tenth_address(svc))},
        )


@rule(
    id="NET-SVC-003",
    severity=ERROR,
    title="DNS service IP must not be the service range's first address",
    fix="use another address of {service_cidr}, e.g. dnsServiceIp: {example}",
    docs=LEARN + "concepts-network-ip-address-planning",
)
def dns_ip_not_first_address(intent, plan):
    """What: the DNS service IP must differ from the first assignable address of the service
    range (network + 1, e.g. `10.0.0.1` in `10.0.0.0/16`).

    Why: Kubernetes gives that address to `kubernetes.default.svc.cluster.local` (the API server
    service); kube-dns cannot have it too.
    """
    pair = _dns_and_range(plan)
    if pair is None:
        return
    dns, svc = pair
    if dns.version == svc.version and dns == svc.network_address + 1 and dns != svc[-1]:
        yield Violation(
            DNS_PATH,
            f"dnsServiceIp {dns} is the first address of {svc}, which "
            f"belongs to the kubernetes API service",
            {"service_cidr": str(svc), "example": str(ipam.tenth_address(svc))},
        )


@rule(
    id="NET-SVC-004",
    severity=ERROR,
    title="DNS service IP must not be the service range's network or broadcast address",
    fix="use an address strictly inside {service_cidr}, e.g. dnsServiceIp: {example}",
    docs="https://github.com/Azure/AKS/issues/2579",
)
def dns_ip_not_range_boundary(intent, plan):
    """What: the DNS service IP must not be the network address (`x.x.x.0` of the range) or the
    broadcast address (the last one).

    Why: in 2021 a `.0` DNS IP was accepted and left clusters without working kube-dns; AKS
    has refused it since the 2021-10-08 release.
    """
    pair = _dns_and_range(plan)
    if pair is None:
        return
    dns, svc = pair
    if dns.version != svc.version or dns not in svc:
        return
    if dns in (svc.network_address, svc[-1]):
        which = "network" if dns == svc.network_address else "broadcast"
        yield Violation(
            DNS_PATH,
            f"dnsServiceIp {dns} is the {which} address of {svc}",
            {"service_cidr": str(svc), "example": str(ipam.tenth_address(svc))},
        )


DEFAULTS = {
    "network.serviceCidr": ("serviceCidr", DEFAULT_SERVICE_CIDR),
    "network.dnsServiceIp": ("dnsServiceIp", None),  # the 10th address of the service CIDR
    "network.podCidr": ("podCidr", DEFAULT_POD_CIDR),
    "network.serviceCidrs": ("serviceCidrs", f"{DEFAULT_SERVICE_CIDR}, {DEFAULT_SERVICE_CIDR_V6}"),
    "network.podCidrs": ("podCidrs", f"{DEFAULT_POD_CIDR}, {DEFAULT_POD_CIDR_V6}"),
}


@rule(
    id="NET-SVC-005",
    severity=INFO,
    title="Service, DNS and pod ranges left to their defaults",
    fix="write it explicitly, clear of every network you connect, e.g. {key}: {value}",
    docs=LEARN + "configure-kubenet",
)
def service_ranges_stated(intent, plan):
    """What: when `serviceCidr`, `dnsServiceIp` or `podCidr` (dual-stack: `serviceCidrs`,
    `podCidrs`) is omitted, aksnet uses AKS's documented defaults: service CIDR 10.0.0.0/16, DNS
    IP 10.0.0.10 (the 10th address; `.10` is convention, not a requirement), pod CIDR
    10.244.0.0/16; dual-stack adds fd12:3456:789a:1::/108 and fd12:3456:789a::/64.

    Why: nothing is wrong, but the defaults are the same in every cluster. They are fine until a
    peered network or on-premises range uses them; choosing them on purpose avoids a later
    rebuild (the service range is fixed at creation before Kubernetes 1.33, NET-SVC-006).
    aksnet renders the value it chose explicitly, so no client default applies.
    """
    for path, (key, value) in DEFAULTS.items():
        if path not in plan.defaulted:
            continue
        if key == "dnsServiceIp":
            value = plan.network.dns_service_ip
            text = f"{value}, the 10th address of the service CIDR, as AKS does"
        else:
            text = f"the AKS default {value}"
        yield Violation(path, f"{key} omitted: aksnet uses {text}", {"key": key, "value": value})


@rule(
    id="NET-SVC-006",
    severity=INFO,
    title="Before Kubernetes 1.33 the service range is fixed at creation",
    fix="size serviceCidr for the cluster's lifetime now, or plan kubernetesVersion 1.33 or later",
    docs=LEARN + "concepts-network-ip-address-planning",
)
def service_range_extensible(intent, plan):
    """What: below Kubernetes 1.33 the service CIDR cannot change after the cluster is created;
    from 1.33 it can be extended with the `ServiceCIDR` resource.

    Why: a service range that turns out too small, or that collides with a network connected
    later, then means a new cluster.
    """
    if version_below(intent, 1, 33):
        yield Violation(
            "kubernetesVersion",
            f"kubernetesVersion {intent.kubernetes_version} "
            f"is below 1.33: serviceCidr "
            f"{plan.network.service_cidr} is fixed at creation",
        )


RULES = (
    service_cidr_within_size_limit,
    dns_ip_inside_service_cidr,
    dns_ip_not_first_address,
    dns_ip_not_range_boundary,
    service_ranges_stated,
    service_range_extensible,
)
