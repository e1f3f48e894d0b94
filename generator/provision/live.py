"""Live prerequisite checks: the catalog's `kind="live"` rules, over what Azure holds.

They run in `plan --live`, `apply --dry-run` and before `apply` writes anything, after every plan
resource has been read (refs.Resolver caches the reads). Each check is a generator of
(rule id, Violation) with the intent's key paths; runner.py turns them into findings. An error
stops apply before its first write.

Network checks live here; identity and permission checks in access.py; NSG rules in nsgrules.py.
"""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from generator import ipam
from generator.plan import Plan, Ref, Resource, SubnetPlan
from generator.provision.backend import Backend
from generator.provision.caseless import dig, fold, id_key, lookup, props, same_id
from generator.provision.diff import Change
from generator.provision.refs import Resolver, name_of, parse
from generator.resources import ROLE_DEFINITION
from generator.rules.common import SUBNET_PATHS
from generator.rules.core import ERROR, INFO, WARNING, Violation

Found = tuple[str, Violation]
AKS_DELEGATION = "microsoft.containerservice/managedclusters"
EXISTING_PATHS = {"vnet": ("NET-RANGE-011", "network.vnet.id"),
                  "routeTable": ("NET-RT-001", "network.routeTable.id"),
                  "identity": ("NET-IAM-001", "identity.id")}


@dataclass
class LiveContext:
    plan: Plan
    backend: Backend
    resolver: Resolver
    changes: dict[str, Change]
    guard: Callable[[Callable[[], Any]], Any] = lambda fn: fn()  # retries reads
    _clusters: list[dict] | None = field(default=None, repr=False)
    _roles: dict[str, dict | None] | None = field(default=None, repr=False)  # by id_key

    def live(self, resource: Resource | None) -> dict | None:
        return self.resolver.live(resource.ref) if resource else None

    def read(self, resource_id: str) -> dict | None:
        return self.guard(lambda: self.backend.read(resource_id))

    def resource(self, symbol: str) -> Resource | None:
        return self.plan.by_symbol(symbol)

    def cluster_exists(self) -> bool:
        return self.live(self.resource("cluster")) is not None

    def other_clusters(self) -> list[dict]:
        if self._clusters is None:
            ours = self.resolver.address(self.resource("cluster"))
            found = self.guard(self.backend.clusters)
            self._clusters = [c for c in found if not same_id(lookup(c, "id") or "", ours)]
        return self._clusters

    def role_definition(self, definition_id: str) -> dict | None:
        """The role definition, read once per run: every subnet's assignments name the same
        few roles. A missing one (None) is remembered too."""
        roles = self._known_roles()
        key = id_key(definition_id)
        if key not in roles:
            roles[key] = self.guard(lambda: self.backend.role_definition(definition_id))
        return roles[key]

    def _known_roles(self) -> dict[str, dict | None]:
        """The cache, started with the plan's role definitions read_all has read already (under
        the id assignments use to name them)."""
        if self._roles is None:
            self._roles = {}
            for role in self.plan.of_type(ROLE_DEFINITION):
                live = self.live(role)
                if live is not None:
                    self._roles[id_key(self.resolver.value(Ref(role.ref)))] = live
        return self._roles


def run(ctx: LiveContext) -> list[Found]:
    # imported here: both modules build on this one's helpers
    from generator.provision import access, nsgrules

    out: list[Found] = []
    for check in (existing_found, vnet_in_region, subnets_fit_vnet, node_subnet_usable,
                  pod_subnet_usable, route_table_ready, default_route, nat_gateway_attached,
                  nsgrules.subnet_nsgs, access.identity_can_join, access.caller_can_apply):
        out += list(check(ctx))
    return out


def err(rule: str, path: str, message: str, severity=ERROR) -> Found:
    return rule, Violation(path, message, severity=severity)


def prefixes(live_subnet: dict | None) -> list[str]:
    p = props(live_subnet)
    one = lookup(p, "addressPrefix")
    return list(lookup(p, "addressPrefixes") or ([one] if one else []))


def subnet_plans(plan: Plan) -> Iterator[tuple[SubnetPlan, str]]:
    for subnet in plan.network.subnets:
        yield subnet, f"{subnet.role}Subnet"


def users(subnet_id: str, clusters: list[dict]) -> list[tuple[str, str, str, str]]:
    """(cluster, pool, field, allocation mode) of every pool placed in the subnet."""
    out = []
    for cluster in clusters:
        for pool in lookup(props(cluster), "agentPoolProfiles") or []:
            for fld in ("vnetSubnetID", "podSubnetID"):
                if same_id(lookup(pool, fld) or "", subnet_id):
                    mode = str(lookup(pool, "podIPAllocationMode") or "DynamicIndividual")
                    out.append((lookup(cluster, "name") or "?", lookup(pool, "name") or "?", fld,
                                mode))
    return out


# --- the checks ---------------------------------------------------------------------------------


def existing_found(ctx: LiveContext) -> Iterator[Found]:
    """Every resource given by id exists."""
    for resource in ctx.plan.resources:
        if not resource.existing or ctx.live(resource) is not None:
            continue
        if resource.symbol.endswith("Subnet"):
            rule, path = "NET-RANGE-011", SUBNET_PATHS[resource.symbol[:-6]] + ".id"
        else:
            rule, path = EXISTING_PATHS.get(resource.symbol, ("NET-IAM-001", "identity"))
        yield err(rule, path, f"{resource.type.rsplit('/', 1)[-1]} "
                              f"{resource.existing_id} does not exist (or cannot be read)")


def vnet_in_region(ctx: LiveContext) -> Iterator[Found]:
    """NET-RANGE-011: a bring-your-own VNet is in the cluster's region and subscription."""
    vnet = ctx.resource("vnet")
    live = ctx.live(vnet)
    if not (vnet and vnet.existing and live):
        return
    where = str(lookup(live, "location") or "").replace(" ", "").lower()
    if where and where != ctx.plan.location.replace(" ", "").lower():
        yield err("NET-RANGE-011", "network.vnet.id", f"VNet {vnet.short_name} is in {where}, "
                  f"the cluster in {ctx.plan.location}")
    sub = parse(ctx.resolver.address(vnet)).subscription
    if fold(sub) != fold(ctx.resolver.subscription):
        yield err("NET-RANGE-011", "network.vnet.id", f"VNet {vnet.short_name} is in "
                  f"subscription {sub}, the cluster in {ctx.resolver.subscription}")


def subnets_fit_vnet(ctx: LiveContext) -> Iterator[Found]:
    """NET-RANGE-010: subnets of an existing VNet lie in its live address space, clear of the
    subnets already there; a subnet given by id has the prefix the intent states."""
    vnet = ctx.resource("vnet")
    live = ctx.live(vnet)
    if not (vnet and vnet.existing and live):
        return
    space = [ipam.net(p) for p in dig(live, "properties", "addressSpace", "addressPrefixes") or []]
    taken = {fold(lookup(s, "name") or ""): prefixes(s)
             for s in lookup(props(live), "subnets") or []}
    for subnet, symbol in subnet_plans(ctx.plan):
        path = SUBNET_PATHS[subnet.role]
        if subnet.existing:
            actual = prefixes(ctx.live(ctx.resource(symbol)))
            if subnet.prefix_given and actual and subnet.prefix not in actual:
                yield err("NET-RANGE-010", f"{path}.prefix", f"subnet {subnet.name} is "
                          f"{', '.join(actual)} in Azure, not {subnet.prefix} as the intent "
                          "states (sizes and checks used the intent's prefix)")
            continue
        if not subnet.prefix:
            continue
        mine = ipam.net(subnet.prefix)
        if space and not ipam.inside(mine, space):
            yield err("NET-RANGE-010", f"{path}.prefix", f"subnet {subnet.name} {mine} lies "
                      f"outside the address space of VNet {vnet.short_name} "
                      f"({', '.join(map(str, space))})")
        for name, cidrs in taken.items():
            hit = next((c for c in cidrs if ipam.overlaps(mine, ipam.net(c))), None)
            if hit and name != fold(subnet.name):
                yield err("NET-RANGE-010", f"{path}.prefix", f"subnet {subnet.name} {mine} "
                          f"overlaps existing subnet {name} ({hit}) of VNet {vnet.short_name}")


def node_subnet_usable(ctx: LiveContext) -> Iterator[Found]:
    """NET-SUBNET-001 (no delegation), NET-SUBNET-004 (kubenet: no other cluster) and free
    addresses (NET-SIZE-003 / NET-SIZE-004) of an existing node subnet."""
    subnet = ctx.plan.network.node_subnet
    resource = ctx.resource("nodeSubnet")
    live = ctx.live(resource)
    if not (subnet.existing and live):
        return
    path = "network.nodeSubnet.id"
    delegations = [lookup(props(d), "serviceName") or lookup(d, "name")
                   for d in lookup(props(live), "delegations") or []]
    if delegations:
        yield err("NET-SUBNET-001", path, f"node subnet {subnet.name} is delegated to "
                  f"{', '.join(map(str, delegations))} (SubnetIsDelegated)")
    if ctx.plan.network.model == "kubenet":
        for cluster, pool, _, _ in users(resource.existing_id, ctx.other_clusters()):
            yield err("NET-SUBNET-004", path, f"node subnet {subnet.name} already serves kubenet "
                      f"cluster {cluster} (pool {pool}); kubenet subnets serve one cluster")
    rule = "NET-SIZE-004" if ctx.plan.network.model == "node-subnet" else "NET-SIZE-003"
    yield from _free_addresses(ctx, rule, subnet, live, path)


def pod_subnet_usable(ctx: LiveContext) -> Iterator[Found]:
    """NET-SUBNET-002 (delegation, other contents), NET-SUBNET-003 (allocation mode shared) and
    free addresses or blocks (NET-SIZE-007 / NET-SIZE-008) of an existing pod subnet."""
    subnet = ctx.plan.network.pod_subnet
    resource = ctx.resource("podSubnet")
    live = ctx.live(resource)
    if not (subnet and subnet.existing and live):
        return
    path = "network.podSubnet.id"
    for d in lookup(props(live), "delegations") or []:
        service = str(lookup(props(d), "serviceName") or lookup(d, "name"))
        if fold(service) != AKS_DELEGATION:
            yield err("NET-SUBNET-002", path, f"pod subnet {subnet.name} is delegated to "
                      f"{service}; only AKS may use it")
        else:
            yield err("NET-SUBNET-002", path, f"pod subnet {subnet.name} is already delegated "
                      "to AKS (tolerated)", INFO)
    others = users(resource.existing_id, ctx.other_clusters())
    configs = lookup(props(live), "ipConfigurations") or []
    if configs and not any(f == "podSubnetID" for _, _, f, _ in others) \
            and not ctx.cluster_exists():
        yield err("NET-SUBNET-002", path, f"pod subnet {subnet.name} holds {len(configs)} IP "
                  "configuration(s) of other resources (VMs or NICs)")
    mode = {"dynamic": "dynamicindividual", "static-block": "staticblock"}[
        subnet.allocation or "dynamic"]
    for cluster, pool, fld, theirs in others:
        if fld == "podSubnetID" and theirs.lower() != mode:
            yield err("NET-SUBNET-003", path, f"pod subnet {subnet.name} is used by cluster "
                      f"{cluster} (pool {pool}) with {theirs}; it cannot also serve {mode}")
    rule = "NET-SIZE-008" if subnet.allocation == "static-block" else "NET-SIZE-007"
    yield from _free_addresses(ctx, rule, subnet, live, path)


def _free_addresses(ctx: LiveContext, rule: str, subnet: SubnetPlan, live: dict,
                    path: str) -> Iterator[Found]:
    """Usable addresses minus its IP configurations, against what the plan needs. Skipped once
    the cluster exists: its own nodes are among the configurations then."""
    v4 = [ipaddress.ip_network(p, strict=False) for p in prefixes(live)]
    v4 = [n for n in v4 if n.version == 4]
    if not v4 or ctx.cluster_exists():
        return
    prefix = v4[0]
    used = len(lookup(props(live), "ipConfigurations") or [])
    if rule == "NET-SIZE-008":
        free = ipam.blocks_in(prefix.prefixlen) - math.ceil(used / ipam.BLOCK_SIZE)
        need, unit = subnet.required_blocks or 0, "/28 blocks"
    else:
        free, need, unit = ipam.usable(prefix.prefixlen) - used, subnet.required_ips, "addresses"
    if free < need:
        yield err(rule, path, f"subnet {subnet.name} ({prefix}) has {free} free {unit} "
                  f"({used} IP configurations in use); the plan needs {need}")


def route_table_ready(ctx: LiveContext) -> Iterator[Found]:
    """NET-RT-001: a given route table is attached to the existing node subnet before the
    cluster exists; NET-RT-002: it serves no other cluster."""
    net = ctx.plan.network
    table = ctx.resource("routeTable")
    live_rt = ctx.live(table)
    if not (table and table.existing and live_rt):
        return
    path = "network.routeTable.id"
    node = ctx.live(ctx.resource("nodeSubnet"))
    if net.node_subnet.existing and node is not None:
        attached = str(dig(node, "properties", "routeTable", "id") or "")
        if not same_id(attached, table.existing_id):
            now = f"route table {name_of(attached)}" if attached else "no route table"
            yield err("NET-RT-001", path, f"route table {table.short_name} is not attached to "
                      f"node subnet {net.node_subnet.name} (it has {now}); attach it before "
                      "the cluster is created")
    mine = {id_key(r.existing_id or ctx.resolver.address(r))
            for r in ctx.plan.of_type("Microsoft.Network/virtualNetworks/subnets")}
    for link in lookup(props(live_rt), "subnets") or []:
        sid = str(lookup(link, "id") or "")
        if id_key(sid) in mine:
            continue
        for cluster, pool, _, _ in users(sid, ctx.other_clusters()):
            yield err("NET-RT-002", path, f"route table {table.short_name} also routes subnet "
                      f"{name_of(sid)} of cluster {cluster} (pool {pool})")


def nat_gateway_attached(ctx: LiveContext) -> Iterator[Found]:
    """NET-EGRESS-005: with userAssignedNATGateway an existing node subnet already has its NAT
    gateway (error); an existing pod subnet should too (warning)."""
    if ctx.plan.network.outbound.type != "userAssignedNATGateway":
        return
    for subnet, symbol in subnet_plans(ctx.plan):
        live = ctx.live(ctx.resource(symbol))
        if not subnet.existing or live is None or subnet.role == "apiServer":
            continue
        if not dig(live, "properties", "natGateway", "id"):
            severity = ERROR if subnet.role == "node" else WARNING
            yield err("NET-EGRESS-005", f"{SUBNET_PATHS[subnet.role]}.id", f"{subnet.role} "
                      f"subnet {subnet.name} has no NAT gateway; userAssignedNATGateway needs "
                      "one attached before the cluster is created", severity)


def default_route(ctx: LiveContext) -> Iterator[Found]:
    """NET-EGRESS-006: with userDefinedRouting, the route table on an existing node subnet (or
    the one given by id) sends 0.0.0.0/0 to an appliance or gateway, not to the Internet."""
    net = ctx.plan.network
    if net.outbound.type != "userDefinedRouting" or not net.node_subnet.existing:
        return
    node = ctx.live(ctx.resource("nodeSubnet"))
    table = ctx.resource("routeTable")
    if table is not None and table.existing:
        path, rt_id, live_rt = "network.routeTable.id", table.existing_id, ctx.live(table)
    else:
        path = "network.nodeSubnet.id"
        rt_id = str(dig(node, "properties", "routeTable", "id") or "")
        live_rt = ctx.read(rt_id) if rt_id else None
    if node is None or (table is not None and table.existing and live_rt is None):
        return  # reported as missing already
    if not rt_id or live_rt is None:
        yield err("NET-EGRESS-006", path, f"node subnet {net.node_subnet.name} has no route "
                  "table: userDefinedRouting needs one with 0.0.0.0/0 to your firewall")
        return
    hops = {str(lookup(props(r), "nextHopType") or "")
            for r in lookup(props(live_rt), "routes") or []
            if str(lookup(props(r), "addressPrefix") or "").strip() == "0.0.0.0/0"}
    if not hops & {"VirtualAppliance", "VirtualNetworkGateway"}:
        found = f"0.0.0.0/0 goes to {', '.join(sorted(hops))}" if hops else "no 0.0.0.0/0 route"
        yield err("NET-EGRESS-006", path, f"route table {name_of(rt_id)} has {found}; "
                  "userDefinedRouting needs 0.0.0.0/0 to a VirtualAppliance or gateway")
