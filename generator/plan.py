"""The plan: everything the planner resolved, as frozen values. Renderers and the provisioner read
only this.

A `Resource` follows pulumi's shape: ARM type, API version, name, ARM-shaped properties and
dependencies. Values that are only known once another resource exists (its id, an identity's
principalId) are `Ref`s; each target formats them its own way (a Bicep symbol, an ARM
`resourceId()`, a Terraform attribute, or the real id at apply time).
"""

from __future__ import annotations

import graphlib
from dataclasses import field
from typing import Any

from generator.record import record

SUBSCRIPTION = "{subscriptionId}"  # placeholder in ids shown offline; apply substitutes it


@record
class Ref:
    """The `attr` of the plan resource `ref` (`id`, `principalId`, `clientId`)."""

    ref: str
    attr: str = "id"

    def __str__(self) -> str:
        return f"${{{self.ref}.{self.attr}}}"


@record
class ManagedIdentity:
    """A resource's `identity` block; user-assigned identities are keyed by (referenced) id."""

    type: str  # SystemAssigned | UserAssigned
    user_assigned: tuple[Ref, ...] = ()


@record
class Resource:
    type: str  # e.g. Microsoft.Network/virtualNetworks/subnets
    name: str  # ARM name; child resources carry their parent's: vnet-x/snet-nodes
    api_version: str
    resource_group: str | None  # None for subscription-scoped resources (resource group itself)
    properties: dict[str, Any] = field(default_factory=dict)
    location: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    sku: dict[str, Any] | None = None
    identity: ManagedIdentity | None = None
    depends_on: tuple[str, ...] = ()
    scope: Ref | str | None = None  # extension resources (role assignments): what they apply to
    existing: bool = False  # given by id: referenced and read, never created or changed
    existing_id: str | None = None
    symbol: str = ""  # a short stable identifier for IaC targets: nodeSubnet, cluster, ...

    @property
    def ref(self) -> str:
        return f"{self.type}/{self.name}"

    @property
    def short_name(self) -> str:
        return self.name.rsplit("/", 1)[-1]

    def body(self) -> dict[str, Any]:
        """The ARM request body (Refs left in place)."""
        out: dict[str, Any] = {}
        if self.location:
            out["location"] = self.location
        if self.tags:
            out["tags"] = dict(self.tags)
        if self.sku:
            out["sku"] = self.sku
        if self.identity:
            out["identity"] = {"type": self.identity.type}
            if self.identity.user_assigned:
                out["identity"]["userAssignedIdentities"] = {
                    r: {} for r in self.identity.user_assigned
                }
        if self.properties or self.type != "Microsoft.Resources/resourceGroups":
            out["properties"] = self.properties
        return out


@record
class SubnetPlan:
    role: str  # node | pod | apiServer
    name: str
    prefix: str | None  # None: could not be allocated (a rule reports it)
    required_ips: int  # what the plan needs from it (nodes + surge, pods where they come from it)
    usable_ips: int | None  # Azure usable addresses (2^(32-p) - 5)
    id: str | None = None  # given by the user: an existing subnet
    prefix_given: bool = False
    ipv6_prefix: str | None = None
    delegations: tuple[str, ...] = ()
    allocation: str | None = None  # pod subnet: dynamic | static-block
    required_blocks: int | None = None  # static block: /28 blocks needed
    available_blocks: int | None = None

    @property
    def existing(self) -> bool:
        return self.id is not None


@record
class VNetPlan:
    name: str
    resource_group: str
    address_space: tuple[str, ...]
    id: str | None = None

    @property
    def existing(self) -> bool:
        return self.id is not None


@record
class PoolPlan:
    name: str
    mode: str
    os: str
    os_sku: str
    vm_size: str
    vm_set_type: str
    count: int
    min_count: int | None
    max_count: int | None
    max_pods: int
    max_surge: str
    surge_nodes: int  # S: surge nodes during upgrade
    sizing_nodes: int  # N: maxCount when autoscaling, else count
    disable_outbound_nat: bool = False

    @property
    def autoscale(self) -> bool:
        return self.max_count is not None

    @property
    def peak_nodes(self) -> int:
        return self.sizing_nodes + self.surge_nodes


@record
class Outbound:
    type: str
    next_hop_ip: str | None
    managed_outbound_ip_count: int
    idle_timeout_minutes: int
    nat_gateway_sku: str


@record
class ResolvedNetwork:
    model: str  # overlay | pod-subnet | node-subnet | kubenet | byo-cni
    plugin: str  # azure | kubenet | none   (networkProfile.networkPlugin)
    plugin_mode: str | None  # overlay | None
    dataplane: str  # azure | cilium
    policy: str  # none | azure | calico | cilium
    model_reasons: tuple[str, ...]
    vnet: VNetPlan
    node_subnet: SubnetPlan
    pod_subnet: SubnetPlan | None
    api_server_subnet: SubnetPlan | None
    pod_cidr: str | None
    pod_cidrs: tuple[str, ...]
    service_cidr: str
    service_cidrs: tuple[str, ...]
    dns_service_ip: str
    ip_families: tuple[str, ...]
    outbound: Outbound
    load_balancer_sku: str
    connected_networks: tuple[str, ...]
    route_table_id: str | None  # an existing route table given by the user
    route_table_name: str | None  # the route table the plan creates, if any
    nat_gateway_name: str | None

    @property
    def pod_allocation(self) -> str | None:
        return self.pod_subnet.allocation if self.pod_subnet else None

    @property
    def dual_stack(self) -> bool:
        return len(self.ip_families) > 1

    @property
    def subnets(self) -> tuple[SubnetPlan, ...]:
        return tuple(s for s in (self.node_subnet, self.pod_subnet, self.api_server_subnet) if s)


@record
class IdentityPlan:
    type: str  # userAssigned | systemAssigned
    name: str | None
    id: str | None
    subnet_role: str  # least-privilege | network-contributor
    role_actions: tuple[str, ...]  # what the granted role allows


@record
class Capacity:
    max_nodes: int
    max_pods_per_node: int
    max_pods: int
    limited_by: str
    limits: dict[str, int]  # each range's own node ceiling

    def as_json(self) -> dict[str, Any]:
        return {
            "maxNodes": self.max_nodes,
            "maxPodsPerNode": self.max_pods_per_node,
            "maxPods": self.max_pods,
            "limitedBy": self.limited_by,
            "limits": dict(self.limits),
        }


@record
class Plan:
    name: str
    location: str
    resource_group: str
    kubernetes_version: str | None
    tier: str
    tags: dict[str, str]
    network: ResolvedNetwork
    node_pools: tuple[PoolPlan, ...]
    identity: IdentityPlan
    features: dict[str, bool]
    capacity: Capacity
    resources: tuple[Resource, ...]
    defaulted: frozenset[str]  # intent key paths whose value the planner chose
    unallocated: tuple[str, ...] = ()  # subnet roles with no room (NET-SIZE rules report them)

    @property
    def total_peak_nodes(self) -> int:
        return sum(p.peak_nodes for p in self.node_pools)

    @property
    def total_nodes(self) -> int:
        return sum(p.sizing_nodes for p in self.node_pools)

    @property
    def total_pods(self) -> int:
        """Pods the pools can run at their sizing node counts (N x maxPods, summed)."""
        return sum(p.sizing_nodes * p.max_pods for p in self.node_pools)

    def resource(self, ref: str) -> Resource | None:
        return next((r for r in self.resources if r.ref == ref), None)

    def by_symbol(self, symbol: str) -> Resource | None:
        return next((r for r in self.resources if r.symbol == symbol), None)

    def of_type(self, arm_type: str) -> tuple[Resource, ...]:
        return tuple(r for r in self.resources if r.type == arm_type)

    def ordered(self) -> list[Resource]:
        """Resources in dependency order (stable: plan order among peers)."""
        sorter = graphlib.TopologicalSorter({r.ref: r.depends_on for r in self.resources})
        sorter.prepare()
        position = {r.ref: i for i, r in enumerate(self.resources)}
        out: list[Resource] = []
        while sorter.is_active():
            ready = sorted(sorter.get_ready(), key=lambda ref: position.get(ref, -1))
            for ref in ready:
                if ref in position:
                    out.append(self.resources[position[ref]])
                sorter.done(ref)
        return out
