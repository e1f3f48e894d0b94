"""What the Bicep and ARM targets share: where each plan resource is declared, the parameters a
user may tune, and the resource bodies with those parameters in place.

Both targets deploy at subscription scope: the resource group and the custom role definition (a
subscription-level object) first, then one deployment into the cluster's resource group that holds
everything else, so references between resources stay direct. Anything aksnet creates in another
resource group (a subnet in an existing VNet, a role assignment on an existing subnet or route
table) goes through a nested deployment scoped to that group: Azure deploys a resource, and an
extension resource such as a role assignment, at the scope of the group that holds it.

Nothing here is target syntax: `Use` marks a parameter's value, the plan's `Ref`s stay in place,
and each target formats both its own way.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from generator.plan import SUBSCRIPTION, Plan, PoolPlan, Ref, Resource
from generator.resources import (
    CLUSTER,
    NAT_GATEWAY,
    RG,
    ROLE_ASSIGNMENT,
    ROLE_DEFINITION,
    SUBNET,
)

# parameter bounds are the rules' own limits: a template refuses what validate refuses
from generator.rules.egress import IDLE_MINUTES, OUTBOUND_IPS
from generator.rules.pods import MAX_PODS, MIN_PODS
from generator.rules.scale import POOL_MAX_NODES
from generator.walk import leaves

DEPLOYMENTS_API = "2022-09-01"  # Microsoft.Resources/deployments (nested deployments, modules)
DEPLOYMENT_NAME_MAX = 64
TIERS = ("Free", "Standard", "Premium")
GROUP_SYMBOL = "rg"  # `resourceGroup` would shadow the Bicep function of that name


@dataclass(frozen=True, slots=True)
class Use:
    """The value of parameter `name` (its default is the plan's value)."""

    name: str


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    type: str  # string | int | object
    value: Any  # the plan's value: the default, and what the parameters file sets
    description: str
    allowed: tuple[str, ...] = ()
    min_value: int | None = None
    max_value: int | None = None


@dataclass(frozen=True, slots=True)
class Scope:
    """Where a declaration lives when it is not the cluster's resource group."""

    level: str  # subscription | resourceGroup
    resource_group: str | None = None
    subscription: str | None = None  # None: the deployment's subscription


SUBSCRIPTION_SCOPE = Scope("subscription")


@dataclass(frozen=True, slots=True)
class Item:
    """One declaration in the cluster's resource group deployment."""

    resource: Resource
    how: str  # create | existing | module (a nested deployment into another resource group)
    scope: Scope | None = None  # existing: where it lives; module: where it deploys
    body: dict[str, Any] | None = None  # create and module: the ARM body, parameters in place

    @property
    def symbol(self) -> str:
        return self.resource.symbol


@dataclass(frozen=True, slots=True)
class Output:
    name: str
    value: Ref
    description: str


@dataclass(frozen=True, slots=True)
class Layout:
    plan: Plan
    params: tuple[Param, ...]
    group: Resource
    group_body: dict[str, Any]
    role_definition: Resource | None  # a custom role aksnet creates (subscription level)
    role_definition_body: dict[str, Any] | None
    items: tuple[Item, ...]
    outputs: tuple[Output, ...]
    deployment_name: str  # the deployment into the cluster's resource group

    def item(self, ref: str) -> Item:
        return next(i for i in self.items if i.resource.ref == ref)

    def module_name(self, item: Item) -> str:
        return f"aksnet-{item.symbol}-{self.plan.name}"[:DEPLOYMENT_NAME_MAX]


def layout(plan: Plan) -> Layout:
    params, bodies = parameters(plan)
    home = plan.resource_group.lower()
    by_ref = {r.ref: r for r in plan.resources}
    group = next(r for r in plan.resources if r.type == RG)
    role_definition, items = None, []
    for res in plan.resources:
        if res.type == RG:
            continue
        if res.type == ROLE_DEFINITION:
            if not res.existing:
                role_definition = res
            items.append(Item(res, "existing", SUBSCRIPTION_SCOPE))
        elif res.existing:
            items.append(Item(res, "existing", _existing_scope(res, home, by_ref)))
        elif (res.resource_group or "").lower() == home:
            items.append(Item(res, "create", body=bodies[res.ref]))
        elif res.type in (SUBNET, ROLE_ASSIGNMENT):
            items.append(Item(res, "module", _module_scope(res, by_ref), bodies[res.ref]))
        else:
            raise ValueError(f"{res.ref}: aksnet cannot render a new {res.type} outside "
                             f"resource group {plan.resource_group}")
    return Layout(
        plan=plan,
        params=params,
        group=group,
        group_body=bodies[group.ref],
        role_definition=role_definition,
        role_definition_body=bodies[role_definition.ref] if role_definition else None,
        items=tuple(items),
        outputs=_outputs(plan),
        deployment_name=f"aksnet-{plan.name}"[:DEPLOYMENT_NAME_MAX],
    )


def id_scope(resource_id: str) -> Scope:
    """The resource group (and subscription) a resource id names."""
    parts = resource_id.split("/")
    sub = parts[2] if parts[2] != SUBSCRIPTION else None
    return Scope("resourceGroup", parts[4], sub)


def _existing_scope(res: Resource, home: str, by_ref: dict[str, Resource]) -> Scope | None:
    if res.type == SUBNET and parent_of(res, by_ref) is not None:
        return None  # declared under its VNet, whose scope it takes
    scope = id_scope(res.existing_id or "")
    return None if (scope.resource_group or "").lower() == home else scope


def _module_scope(res: Resource, by_ref: dict[str, Resource]) -> Scope:
    if res.type == SUBNET:
        parent = parent_of(res, by_ref)
        if parent is not None and parent.existing_id:
            return id_scope(parent.existing_id)
        return Scope("resourceGroup", res.resource_group)
    target = by_ref[res.scope.ref] if isinstance(res.scope, Ref) else None
    if target is not None and target.existing_id:
        return id_scope(target.existing_id)
    if target is not None and target.type == SUBNET:
        return _module_scope(target, by_ref)
    return Scope("resourceGroup", res.resource_group)


def parent_of(res: Resource, by_ref: dict[str, Resource]) -> Resource | None:
    """The plan resource a child (subnet, route) belongs to, when the plan lists it."""
    if "/" not in res.name or res.type.count("/") < 2:
        return None
    parent_type = res.type.rsplit("/", 1)[0]
    parent_name = res.name.rsplit("/", 1)[0]
    parent = by_ref.get(f"{parent_type}/{parent_name}")
    same_group = parent is not None and _same(parent.resource_group, res.resource_group)
    return parent if same_group else None


def _same(group: str | None, other: str | None) -> bool:
    return (group or "").lower() == (other or "").lower()


def child_path(res: Resource) -> str:
    """`Microsoft.Network/virtualNetworks/vnet/subnets/snet`: a resource relative to its group."""
    namespace, *types = res.type.split("/")
    names = res.name.split("/")
    return "/".join([namespace, *(f"{t}/{n}" for t, n in zip(types, names, strict=True))])


# --- parameters -----------------------------------------------------------------------------------


def parameters(plan: Plan) -> tuple[tuple[Param, ...], dict[str, dict[str, Any]]]:
    """The tunable parameters and every created resource's body with them in place."""
    params: list[Param] = [
        Param("location", "string", plan.location,
              "Azure region of the resource group and of every resource aksnet creates"),
    ]
    if plan.tags:
        params.append(Param("tags", "object", dict(plan.tags),
                            "Tags on the resource group and on every resource aksnet creates"))
    if plan.kubernetes_version:
        params.append(Param("kubernetesVersion", "string", plan.kubernetes_version,
                            "Kubernetes version of the cluster (major.minor or major.minor.patch)"))
    params.append(Param("skuTier", "string", plan.tier, "AKS control-plane pricing tier",
                        allowed=TIERS))
    for pool in plan.node_pools:
        params += _pool_params(pool)
    bodies = {r.ref: _bind_common(r.body(), params) for r in plan.resources if not r.existing}
    cluster = next(r for r in plan.resources if r.type == CLUSTER)
    cluster_body = bodies[cluster.ref]
    _bind(cluster_body, ("sku", "tier"), "skuTier", params)
    _bind(cluster_body, ("properties", "kubernetesVersion"), "kubernetesVersion", params)
    for index, pool in enumerate(plan.node_pools):
        for key, suffix in _POOL_FIELDS:
            _bind(cluster_body, ("properties", "agentPoolProfiles", index, *key),
                  f"{pool.name}{suffix}", params)
    params += _egress_params(plan, bodies, cluster_body)
    return tuple(params), bodies


_POOL_FIELDS = (
    (("vmSize",), "VmSize"),
    (("count",), "Count"),
    (("minCount",), "MinCount"),
    (("maxCount",), "MaxCount"),
    (("maxPods",), "MaxPods"),
    (("upgradeSettings", "maxSurge"), "MaxSurge"),
)


def _pool_params(pool: PoolPlan) -> list[Param]:
    low = 1 if pool.mode == "System" else 0
    label = f'node pool "{pool.name}"'
    sized = (f"aksnet sized the address ranges for {pool.peak_nodes} nodes during upgrades; "
             "re-run aksnet to plan more")
    out = [
        Param(f"{pool.name}VmSize", "string", pool.vm_size, f"VM size of {label}"),
        Param(f"{pool.name}Count", "int", pool.count, f"Node count of {label}; {sized}",
              min_value=low, max_value=POOL_MAX_NODES),
    ]
    if pool.autoscale:
        out += [
            Param(f"{pool.name}MinCount", "int",
                  pool.min_count if pool.min_count is not None else pool.count,
                  f"Autoscaler minimum of {label}", min_value=low, max_value=POOL_MAX_NODES),
            Param(f"{pool.name}MaxCount", "int", pool.max_count,
                  f"Autoscaler maximum of {label}; {sized}", min_value=low,
                  max_value=POOL_MAX_NODES),
        ]
    out += [
        Param(f"{pool.name}MaxPods", "int", pool.max_pods,
              f"Maximum pods per node of {label}; the subnets and pod ranges were sized for "
              f"{pool.max_pods}", min_value=MIN_PODS, max_value=MAX_PODS),
        Param(f"{pool.name}MaxSurge", "string", pool.max_surge,
              f"Extra nodes during upgrades of {label}: a number or a percentage such as 33%"),
    ]
    return out


def _egress_params(plan: Plan, bodies: dict[str, dict], cluster_body: dict) -> list[Param]:
    out = plan.network.outbound
    params: list[Param] = []
    idle = Param("natGatewayIdleTimeout", "int", out.idle_timeout_minutes,
                 "NAT gateway TCP idle timeout in minutes", min_value=IDLE_MINUTES[0],
                 max_value=IDLE_MINUTES[1])
    nat = next((r for r in plan.resources if r.type == NAT_GATEWAY and not r.existing), None)
    if nat is not None:
        params.append(idle)
        _bind(bodies[nat.ref], ("properties", "idleTimeoutInMinutes"), idle.name, params)
    profile = ("properties", "networkProfile", "natGatewayProfile")
    if _get(cluster_body, profile) is not None:
        count = Param("natGatewayOutboundIpCount", "int", out.managed_outbound_ip_count,
                      "Public IPs of the AKS-managed NAT gateway", min_value=OUTBOUND_IPS[0],
                      max_value=OUTBOUND_IPS[1])
        params += [count, idle]
        _bind(cluster_body, (*profile, "managedOutboundIPProfile", "count"), count.name, params)
        _bind(cluster_body, (*profile, "idleTimeoutInMinutes"), idle.name, params)
    return params


def _bind_common(body: dict[str, Any], params: list[Param]) -> dict[str, Any]:
    body = copy.deepcopy(body)
    _bind(body, ("location",), "location", params)
    _bind(body, ("tags",), "tags", params)
    return body


def _bind(body: Any, path: tuple, name: str, params: list[Param]) -> None:
    """Put parameter `name` at `path` when the body holds exactly the parameter's value there."""
    param = next((p for p in params if p.name == name), None)
    *head, last = path
    holder = _get(body, tuple(head))
    if param is None or holder is None:
        return
    try:
        current = holder[last]
    except (KeyError, IndexError, TypeError):
        return
    if current == param.value and not isinstance(current, Use):
        holder[last] = Use(name)


def _get(value: Any, path: tuple) -> Any:
    for key in path:
        try:
            value = value[key]
        except (KeyError, IndexError, TypeError):
            return None
    return value


# --- outputs --------------------------------------------------------------------------------------


def _outputs(plan: Plan) -> tuple[Output, ...]:
    cluster = next(r for r in plan.resources if r.type == CLUSTER)
    out = [Output("clusterId", Ref(cluster.ref), "Resource id of the AKS cluster")]
    for res in plan.resources:
        if res.type == SUBNET:
            role = res.symbol.removesuffix("Subnet")
            out.append(Output(f"{res.symbol}Id", Ref(res.ref), f"Resource id of the {role} subnet"))
    identity = next((r for r in plan.resources if r.symbol == "identity"), None)
    principal = (Ref(identity.ref, "principalId") if identity
                 else Ref(cluster.ref, "identity.principalId"))
    out.append(Output("identityPrincipalId", principal,
                      "Principal id of the cluster (control plane) identity"))
    return tuple(out)


def dependencies(item: Item, lay: Layout) -> list[Item]:
    """The items a declaration waits for: the plan's dependencies declared in the same deployment
    (the resource group and the subscription-level role definition are waited for outside)."""
    out = []
    for ref in item.resource.depends_on:
        dep = next((i for i in lay.items if i.resource.ref == ref), None)
        if dep is not None and dep.how != "existing":
            out.append(dep)
    return out


def implied(refs: set[str], lay: Layout) -> set[str]:
    """`refs` and everything they wait for, transitively: what a Bicep reference already orders."""
    seen: set[str] = set()
    todo = list(refs)
    while todo:
        ref = todo.pop()
        if ref in seen:
            continue
        seen.add(ref)
        res = next((i.resource for i in lay.items if i.resource.ref == ref), None)
        todo += list(res.depends_on) if res is not None else []
    return seen


def refs_in(value: Any) -> set[str]:
    """The plan refs a value mentions."""
    return {leaf.ref for leaf in leaves(value) if isinstance(leaf, Ref)}
