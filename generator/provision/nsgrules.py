"""NSGs on existing cluster subnets (NET-NSG-001, NET-NSG-002). AKS never edits them.

An NSG is reported (info). A custom Deny rule is an error when it matches traffic the cluster
needs and no Allow rule of higher precedence (lower priority number) lets that traffic through
first: node <-> node, node -> pod and pod <-> pod on any port (NET-NSG-001); TCP 443 and 4443
from the node subnet and TCP 9988 from AzureLoadBalancer into the API server subnet (NET-NSG-002).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

from generator.provision.caseless import dig, lookup, props
from generator.provision.live import SUBNET_PATHS, err, prefixes, subnet_plans
from generator.provision.refs import name_of
from generator.rules.core import INFO

ANY = ("*", "any", "virtualnetwork")


def subnet_nsgs(ctx) -> Iterator[tuple]:
    cluster = _cluster_ranges(ctx)
    for subnet, symbol in subnet_plans(ctx.plan):
        live = ctx.live(ctx.resource(symbol))
        nsg_id = str(dig(live, "properties", "networkSecurityGroup", "id") or "")
        if not subnet.existing or not nsg_id:
            continue
        rule = "NET-NSG-002" if subnet.role == "apiServer" else "NET-NSG-001"
        path = f"{SUBNET_PATHS[subnet.role]}.id"
        name = name_of(nsg_id)
        yield err(rule, path, f"{subnet.role} subnet {subnet.name} has NSG {name}; aksnet and "
                  "AKS never change it", INFO)
        nsg = ctx.read(nsg_id)
        rules = list(lookup(props(nsg), "securityRules") or [])
        flows = (_api_flows(cluster) if subnet.role == "apiServer"
                 else _cluster_flows(cluster, prefixes(live)))
        for what, flow in flows:
            blocker = first_deny(rules, *flow)
            if blocker:
                yield err(rule, path, f"NSG {name} rule {blocker} denies {what}")


def _cluster_ranges(ctx) -> list[str]:
    net = ctx.plan.network
    out = []
    for subnet in (net.node_subnet, net.pod_subnet):
        if subnet is None:
            continue
        live = ctx.live(ctx.resource(f"{subnet.role}Subnet"))
        out += prefixes(live) if subnet.existing else [p for p in (subnet.prefix,) if p]
    if net.model in ("overlay", "kubenet", "byo-cni"):
        out += list(net.pod_cidrs or ([net.pod_cidr] if net.pod_cidr else []))
    return out


def _cluster_flows(cluster: list[str], own: list[str]):
    """Every pair among the cluster's ranges that involves this subnet, both directions."""
    for mine in own:
        for other in cluster:
            yield f"traffic {other} -> {mine}", ("Inbound", other, mine, "*", None)
            yield f"traffic {mine} -> {other}", ("Outbound", mine, other, "*", None)


def _api_flows(cluster: list[str]):
    for node in cluster[:1]:
        for port in (443, 4443):
            yield f"TCP {port} from {node}", ("Inbound", node, None, "tcp", port)
    yield "TCP 9988 from AzureLoadBalancer", ("Inbound", "AzureLoadBalancer", None, "tcp", 9988)


def first_deny(rules: list[dict], direction: str, source: str, dest: str | None,
               protocol: str, port: int | None) -> str | None:
    """The name of the Deny rule that decides this flow, or None when an Allow wins first."""
    ordered = sorted(rules, key=lambda r: int(lookup(props(r), "priority") or 4096))
    for rule in ordered:
        p = props(rule)
        if str(lookup(p, "direction") or "").lower() != direction.lower():
            continue
        # A Deny rule decides when it touches part of the flow; an Allow only when it lets
        # all of it through.
        full = str(lookup(p, "access")).lower() != "deny"
        if not _protocol(p, protocol, full) or not _ports(p, port, full):
            continue
        if not _covers(p, "source", source, full) or (
                dest and not _covers(p, "destination", dest, full)):
            continue
        return None if full else lookup(rule, "name") or "?"
    return None


def _prefixes(p: dict, side: str) -> list[str]:
    many = lookup(p, f"{side}AddressPrefixes") or []
    one = lookup(p, f"{side}AddressPrefix")
    return list(many) + ([one] if one else [])


def _covers(p: dict, side: str, cidr: str, full: bool) -> bool:
    for prefix in _prefixes(p, side):
        low = str(prefix).lower()
        if low in ANY or low == cidr.lower():
            return True
        try:
            a, b = ipaddress.ip_network(prefix, strict=False), ipaddress.ip_network(cidr, False)
        except ValueError:
            continue
        if a.version == b.version and (b.subnet_of(a) if full else a.overlaps(b)):
            return True
    return False


def _protocol(p: dict, protocol: str, full: bool) -> bool:
    theirs = str(lookup(p, "protocol") or "*").lower()
    if full and protocol == "*":
        return theirs == "*"
    return theirs == "*" or protocol == "*" or theirs == protocol


def _ports(p: dict, port: int | None, full: bool) -> bool:
    ranges = list(lookup(p, "destinationPortRanges") or [])
    one = lookup(p, "destinationPortRange")
    ranges += [one] if one else []
    if not ranges or "*" in ranges:
        return True
    if port is None:
        return not full  # part of "every port"
    for text in map(str, ranges):
        low, _, high = text.partition("-")
        if low.isdigit() and int(low) <= port <= int(high or low):
            return True
    return False
