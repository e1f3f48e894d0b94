"""Terraform (azurerm 4.55) target: the plan's resources as azurerm resources and data sources.

`context(plan, meta)` maps every plan resource to what the templates print: azurerm argument
values, references between resources (`azurerm_subnet.node_subnet.id`), `data` sources for the
resources given by id, and the values users tune (`var.*`, with the plan's values in
`terraform.tfvars`). `constraints(plan, source)` refuses what azurerm cannot express. The
templates only format: `hcl` prints a value, `align` lines up `=` as `terraform fmt` does.

Where azurerm 4.55 has no argument for something the plan asks for (static-block pod IP
allocation, node auto-provisioning, `VirtualMachines` pools), the cluster is rendered as one
`azapi_resource` whose body is the plan's own cluster properties at the plan's API version.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from generator import resources as arm
from generator.plan import SUBSCRIPTION, Ref
from generator.rules.core import ERROR, Finding
from generator.rules.egress import PREVIEW_TYPES
from generator.rules.pods import MAX_PODS, MIN_PODS
from generator.targets.hcl import Expr, align, hcl, quote
from generator.targets.tfnetwork import NetworkBlocks
from generator.targets.walk import leaves, rebuild

if TYPE_CHECKING:
    from generator.plan import Plan, Resource

VERSIONS = {"terraform": ">= 1.5", "azurerm": "~> 4.55", "azapi": "~> 2.0"}
AZURERM_DOCS = "https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/kubernetes_cluster"
TF_TYPES = {
    arm.RG: "azurerm_resource_group",
    arm.VNET: "azurerm_virtual_network",
    arm.SUBNET: "azurerm_subnet",
    arm.ROUTE_TABLE: "azurerm_route_table",
    arm.ROUTE: "azurerm_route",
    arm.NAT_GATEWAY: "azurerm_nat_gateway",
    arm.PUBLIC_IP: "azurerm_public_ip",
    arm.UAMI: "azurerm_user_assigned_identity",
    arm.ROLE_DEFINITION: "azurerm_role_definition",
    arm.ROLE_ASSIGNMENT: "azurerm_role_assignment",
    arm.CLUSTER: "azurerm_kubernetes_cluster",
}
# Plan Ref attributes -> azurerm attributes.
ATTRIBUTES = {
    "principalId": "principal_id",
    "clientId": "client_id",
    "identity.principalId": "identity[0].principal_id",
}
# networkProfile keys the user tunes -> fields of var.network.
NETWORK_FIELDS = {
    "podCidr": "pod_cidr",
    "podCidrs": "pod_cidrs",
    "serviceCidr": "service_cidr",
    "serviceCidrs": "service_cidrs",
    "dnsServiceIP": "dns_service_ip",
}
# var.node_pools fields -> where the plan's pool body holds them. The variables, the azurerm
# pools and the azapi body all read this; the autoscaler bounds exist only in autoscaling pools.
POOL_FIELDS = {
    "vm_size": ("vmSize",),
    "node_count": ("count",),
    "min_count": ("minCount",),
    "max_count": ("maxCount",),
    "max_pods": ("maxPods",),
    "max_surge": ("upgradeSettings", "maxSurge"),
}
CLIENT_CONFIG = "data.azurerm_client_config.current"  # what `literal` reads the subscription from


FILTERS = {"hcl": hcl, "align": align}


# --- what azurerm cannot express ----------------------------------------------------------------


def constraints(plan: Plan, source: str = "") -> list[Finding]:
    net, out = plan.network, []
    if net.dataplane == "cilium" and net.plugin_mode != "overlay" and net.pod_subnet is None:
        out.append(
            Finding(
                rule="NET-MAP-002",
                severity=ERROR,
                path="network.dataplane",
                intent=source,
                message=f"dataplane cilium on model {net.model}: azurerm documents that "
                'network_data_plane = "cilium" needs network_plugin_mode = "overlay" or a '
                "pod subnet, so this cluster cannot be rendered for Terraform",
                fix="render with --target bicep or --target arm, or use model overlay or "
                "pod-subnet with Cilium",
                docs=AZURERM_DOCS,
            )
        )
    if net.outbound.type in PREVIEW_TYPES:
        out.append(
            Finding(
                rule="NET-MAP-001",
                severity=ERROR,
                path="network.outbound.type",
                intent=source,
                message=f"outbound type {net.outbound.type} exists only in preview API versions; "
                "azurerm does not accept it and the plan's stable API version lacks it",
                fix="use loadBalancer, managedNATGateway, userAssignedNATGateway, "
                "userDefinedRouting or none",
                docs="https://learn.microsoft.com/azure/aks/egress-outboundtype",
            )
        )
    return out


def azapi_reasons(plan: Plan) -> list[str]:
    """Why the cluster must be an azapi_resource (empty: azurerm can express all of it)."""
    reasons = []
    if plan.network.pod_allocation == "static-block":
        reasons.append(
            "podIPAllocationMode StaticBlock: azurerm 4.55 has no "
            "pod_ip_allocation_mode (NET-MAP-004)"
        )
    if plan.features.get("nodeAutoProvisioning"):
        reasons.append("nodeProvisioningProfile: azurerm 4.55 has no node_provisioning_profile")
    default = next((p for p in plan.node_pools if p.mode == "System"), plan.node_pools[0])
    types = sorted(
        {
            p.vm_set_type
            for p in plan.node_pools
            if p.vm_set_type == "VirtualMachines"
            or (p is not default and p.vm_set_type != "VirtualMachineScaleSets")
        }
    )
    if types:
        reasons.append(f"{', '.join(types)} pools: azurerm 4.55 node pools are scale sets")
    return reasons


# --- the context --------------------------------------------------------------------------------


def context(plan: Plan, meta: dict[str, str]) -> dict[str, Any]:
    return _Builder(plan).build(meta)


def snake(symbol: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", symbol).lower()


class Reference(Expr):
    """An expression that reads another block (`address`): Terraform orders the two by it, so a
    `depends_on` on that block, or on anything it waits for, would only repeat it."""

    address: str

    def __new__(cls, text: str, address: str) -> Reference:
        expr = super().__new__(cls, text)
        expr.address = address
        return expr


def reads(values: Any) -> set[str]:
    """The addresses of the blocks that `values` reads."""
    return {leaf.address for leaf in leaves(values) if isinstance(leaf, Reference)}


def _holder(body: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any] | None:
    """The dict in `body` that holds `path`'s last key, or None when the body lacks it."""
    *head, last = path
    for key in head:
        body = body.get(key) or {}
    return body if last in body else None


def _at(body: dict[str, Any], path: tuple[str, ...]) -> Any:
    """The value at `path` in `body`, or None when the body lacks it."""
    holder = _holder(body, path)
    return None if holder is None else holder[path[-1]]


def _pool_var(pool: str, field: str) -> Expr:
    return Expr(f'var.node_pools["{pool}"].{field}')


class _Builder(NetworkBlocks):
    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.by_ref = {r.ref: r for r in plan.resources}
        self.rg = plan.by_symbol("resourceGroup")
        self.reasons = azapi_reasons(plan)
        subs = [
            r.existing_id.split("/")[2]
            for r in plan.resources
            if r.existing and r.existing_id and SUBSCRIPTION not in r.existing_id
        ]
        subs = list(dict.fromkeys(subs))
        names = [f"existing_{i}" for i in range(1, len(subs) + 1)] if subs[1:] else ["existing"]
        self.aliases = dict(zip(subs, names, strict=False))  # subscription -> provider alias
        self.client_config = False  # data.azurerm_client_config is needed
        self.refs: dict[str, set[str]] = {}  # TF address -> addresses it references
        self.companions: dict[str, list[str]] = {}  # plan ref -> associations that complete it

    # addresses, references and common arguments

    def address(self, res: Resource) -> str:
        rtype = "azapi_resource" if res.type == arm.CLUSTER and self.reasons else TF_TYPES[res.type]
        return f"{'data.' if res.existing else ''}{rtype}.{snake(res.symbol)}"

    def attribute(self, res: Resource, attr: str) -> Reference:
        """`attr` of the block that renders `res`; every read of another block is made here,
        by `literal` or by `ref`, so that `reads` finds it."""
        address = self.address(res)
        return Reference(f"{address}.{attr}", address)

    def ref(self, ref: Ref) -> Expr:
        res = self.by_ref[ref.ref]
        if res.existing and res.type == arm.ROLE_DEFINITION:  # built-in role: its id
            return self.literal(res.existing_id)
        attr = ATTRIBUTES.get(ref.attr, ref.attr)
        if res.type == arm.ROLE_DEFINITION and attr == "id":
            attr = "role_definition_resource_id"  # azurerm's own id is "<id>|<scope>"
        return self.attribute(res, attr)

    def value(self, value: Any) -> Any:
        """A plan value with Refs as references and `{subscriptionId}` substituted."""
        return rebuild(value, self.leaf)

    def leaf(self, value: Any) -> Any:
        if isinstance(value, Ref):
            return self.ref(value)
        if isinstance(value, str) and SUBSCRIPTION in value:
            return self.literal(value)
        return value

    def literal(self, text: str) -> Expr:
        self.client_config = True
        parts = text.split(SUBSCRIPTION)
        sub = f"${{{CLIENT_CONFIG}.subscription_id}}"
        expr = '"' + sub.join(quote(part)[1:-1] for part in parts) + '"'
        # Only an id with the placeholder reads the client config (a built-in role's id may not).
        return Reference(expr, CLIENT_CONFIG) if len(parts) > 1 else Expr(expr)

    def rg_name(self, res: Resource) -> Any:
        if res.resource_group == self.plan.resource_group:
            return self.attribute(self.rg, "name")
        return res.resource_group

    def block(self, res: Resource, **values: Any) -> dict[str, Any]:
        """Register a TF block (for depends_on reduction) and return its template values."""
        address = self.address(res)
        self.refs[address] = reads(values) - {address}
        return {"label": snake(res.symbol), "address": address, **values}

    def placed(self, res: Resource, name: str | None = None, **values: Any) -> dict[str, Any]:
        """A created resource with a name, resource group, location and tags."""
        return self.block(
            res,
            name=name or res.name,
            resource_group_name=self.rg_name(res),
            location=self.attribute(self.rg, "location"),
            tags=Expr("var.tags"),
            **values,
        )

    def existing(self, res: Resource) -> dict[str, Any]:
        parts = res.existing_id.split("/")
        extra = {"virtual_network_name": parts[-3]} if res.type == arm.SUBNET else {}
        return self.block(
            res,
            type=TF_TYPES[res.type],
            id=res.existing_id,
            provider=Expr(f"azurerm.{self.aliases[parts[2]]}"),
            name=parts[-1],
            resource_group_name=parts[4],
            **extra,
        )

    def associate(self, kind: str, of: Resource, into: list, **values: Any) -> None:
        address = f"{kind}.{snake(of.symbol)}"
        self.refs[address] = reads(values)
        self.companions.setdefault(of.ref, []).append(address)
        into.append({"label": snake(of.symbol), "address": address, **values})

    # sections

    def build(self, meta: dict[str, str]) -> dict[str, Any]:
        network, identity, cluster = self.network(), self.identity(), self.cluster()
        return {
            "meta": meta,
            "versions": {**VERSIONS, "azapi": VERSIONS["azapi"] if self.reasons else None},
            "aliases": [{"alias": a, "subscription_id": s} for s, a in self.aliases.items()],
            "client_config": self.client_config,
            "resource_group": self.block(
                self.rg, name=self.rg.name, location=Expr("var.location"), tags=Expr("var.tags")
            ),
            "network": network,
            "identity": identity,
            "cluster": cluster,
            "variables": self.variables(),
            "outputs": self.outputs(),
        }

    def identity(self) -> dict[str, Any]:
        ident = self.plan.by_symbol("identity")
        out: dict[str, Any] = {
            "created": None,
            "data": None,
            "role_definition": None,
            "assignments": [],
        }
        if ident and ident.existing:
            out["data"] = self.existing(ident)
        elif ident:
            out["created"] = self.placed(ident)
        for res in self.plan.of_type(arm.ROLE_DEFINITION):
            if not res.existing:
                props = res.properties
                scopes = [self.value(s) for s in props["assignableScopes"]]
                perms = props["permissions"][0]
                out["role_definition"] = self.block(
                    res,
                    role_definition_id=res.name,
                    name=props["roleName"],
                    scope=scopes[0],
                    description=props["description"],
                    actions=perms["actions"],
                    not_actions=perms["notActions"],
                    assignable_scopes=scopes,
                )
        for res in self.plan.of_type(arm.ROLE_ASSIGNMENT):
            props = res.properties
            out["assignments"].append(
                self.block(
                    res,
                    name=res.name,
                    scope=self.value(res.scope),
                    role_definition_id=self.ref(props["roleDefinitionId"]),
                    principal_id=self.ref(props["principalId"]),
                    principal_type=props["principalType"],
                )
            )
        return out

    # the cluster

    def cluster(self) -> dict[str, Any]:
        res = self.plan.by_symbol("cluster")
        props = res.properties
        common = {
            "name": res.name,
            "location": self.attribute(self.rg, "location"),
            "tags": Expr("var.tags"),
            "azapi": bool(self.reasons),
            "reasons": self.reasons,
            "identity": {
                "type": res.identity.type,
                "identity_ids": [self.ref(r) for r in res.identity.user_assigned],
            },
        }
        if self.reasons:
            values = self.block(
                res,
                type=f"{res.type}@{res.api_version}",
                parent_id=self.attribute(self.rg, "id"),
                body={"sku": res.sku, "properties": self.azapi_body(props)},
                **common,
            )
        else:
            pools = [self.pool(p) for p in props["agentPoolProfiles"]]
            default = next((p for p in pools if p["mode"] == "System"), pools[0])
            api = props.get("apiServerAccessProfile")
            values = self.block(
                res,
                resource_group_name=self.rg_name(res),
                dns_prefix=props["dnsPrefix"],
                kubernetes_version=(
                    Expr("var.kubernetes_version") if "kubernetesVersion" in props else None
                ),
                sku_tier=res.sku["tier"],
                role_based_access_control_enabled=props["enableRBAC"],
                default_pool=default,
                pools=[p for p in pools if p is not default],
                network_profile=self.network_profile(props["networkProfile"]),
                api_server=(
                    {
                        "virtual_network_integration_enabled": api["enableVnetIntegration"],
                        "subnet_id": self.value(api["subnetId"]),
                    }
                    if api
                    else None
                ),
                bootstrap=props.get("bootstrapProfile"),
                **common,
            )
        values["depends_on"] = self.depends_on(res, values["address"])
        # With a system-assigned identity the role assignments follow the cluster; pools added
        # after it (an update of the cluster) wait for them too.
        values["pools_depend_on"] = (
            []
            if res.identity.user_assigned
            else [Expr(self.address(r)) for r in self.plan.of_type(arm.ROLE_ASSIGNMENT)]
        )
        return values

    def network_profile(self, np: dict[str, Any]) -> dict[str, Any]:
        nat = np.get("natGatewayProfile")
        tuned = {
            field: Expr(f"var.network.{field}") if key in np else None
            for key, field in NETWORK_FIELDS.items()
        }
        return {
            "network_plugin": np["networkPlugin"],
            "network_plugin_mode": np.get("networkPluginMode"),
            "network_data_plane": np.get("networkDataplane"),
            # azurerm accepts only azure | calico | cilium; null (unset) is AKS's "none".
            "network_policy": None if np["networkPolicy"] == "none" else np["networkPolicy"],
            "policy_none": np["networkPolicy"] == "none",
            **tuned,
            "ip_versions": np["ipFamilies"],
            "outbound_type": np["outboundType"],
            "load_balancer_sku": np["loadBalancerSku"],
            "nat_gateway_profile": {
                "managed_outbound_ip_count": nat["managedOutboundIPProfile"]["count"],
                "idle_timeout_in_minutes": nat["idleTimeoutInMinutes"],
            }
            if nat
            else None,
        }

    def pool(self, body: dict[str, Any]) -> dict[str, Any]:
        windows = body.get("windowsProfile")
        return {
            "name": body["name"],
            "mode": body["mode"],
            "os_type": body["osType"],
            "os_sku": body["osSKU"],
            "type": body["type"],
            "auto_scaling_enabled": body["enableAutoScaling"],
            **{
                field: _pool_var(body["name"], field) if _holder(body, path) is not None else None
                for field, path in POOL_FIELDS.items()
            },
            "vnet_subnet_id": self.value(body.get("vnetSubnetID")),
            "pod_subnet_id": self.value(body.get("podSubnetID")),
            "outbound_nat_enabled": not windows["disableOutboundNat"] if windows else None,
        }

    def azapi_body(self, props: dict[str, Any]) -> dict[str, Any]:
        """The plan's cluster properties, with the tunable values read from the variables."""
        body = self.value(props)
        if "kubernetesVersion" in body:
            body["kubernetesVersion"] = Expr("var.kubernetes_version")
        for pool in body["agentPoolProfiles"]:
            for field, path in POOL_FIELDS.items():
                if (holder := _holder(pool, path)) is not None:
                    holder[path[-1]] = _pool_var(pool["name"], field)
        np = body["networkProfile"]
        np.update({k: Expr(f"var.network.{f}") for k, f in NETWORK_FIELDS.items() if k in np})
        return body

    def depends_on(self, res: Resource, address: str) -> list[Expr]:
        """The plan's dependencies (and their associations) that references do not imply."""
        wanted: list[str] = []
        for dep in res.depends_on:
            target = self.by_ref.get(dep)
            if target is not None and not target.existing:
                wanted.append(self.address(target))
            wanted += self.companions.get(dep, [])
        wanted = list(dict.fromkeys(wanted))
        return [
            Expr(c)
            for c in wanted
            if c not in self.closure((self.refs.get(address, set()) | set(wanted)) - {c})
        ]

    def closure(self, start: set[str]) -> set[str]:
        seen, todo = set(), list(start)
        while todo:
            node = todo.pop()
            if node not in seen:
                seen.add(node)
                todo += self.refs.get(node, ())
        return seen

    # variables and outputs

    def variables(self) -> dict[str, Any]:
        props = self.plan.by_symbol("cluster").properties
        np = props["networkProfile"]
        network = {field: np[key] for key, field in NETWORK_FIELDS.items() if key in np}
        pools = {
            body["name"]: {field: _at(body, path) for field, path in POOL_FIELDS.items()}
            for body in props["agentPoolProfiles"]
        }
        return {
            "location": self.plan.location,
            "tags": dict(self.plan.tags),
            "kubernetes_version": props.get("kubernetesVersion"),
            "network": network,
            "network_types": {
                k: "list(string)" if isinstance(v, list) else "string" for k, v in network.items()
            },
            "cidrs": [
                f"var.network.{k}"
                for k, v in network.items()
                if isinstance(v, str) and k != "dns_service_ip"
            ],
            "cidr_lists": [f"var.network.{k}" for k, v in network.items() if isinstance(v, list)],
            "node_pools": pools,
            "max_pods": (MIN_PODS, MAX_PODS),  # NET-PODS-001's bounds
        }

    def outputs(self) -> list[dict[str, Any]]:
        cluster = self.address(self.plan.by_symbol("cluster"))
        ident = self.plan.by_symbol("identity")
        wanted = [
            (
                "resource_group_name",
                "The resource group of the cluster",
                f"{self.address(self.rg)}.name",
            ),
            ("cluster_id", "The AKS cluster resource id", f"{cluster}.id"),
            ("cluster_name", "The AKS cluster name", f"{cluster}.name"),
        ]
        for symbol, what in (
            ("vnet", "virtual network"),
            ("nodeSubnet", "node subnet"),
            ("podSubnet", "pod subnet"),
            ("apiServerSubnet", "API server subnet"),
        ):
            if res := self.plan.by_symbol(symbol):
                wanted.append((f"{snake(symbol)}_id", f"The {what} id", f"{self.address(res)}.id"))
        wanted.append(
            (
                "identity_principal_id",
                "The principal id of the cluster (control plane) identity",
                f"{self.address(ident)}.principal_id"
                if ident
                else f"{cluster}.identity[0].principal_id",
            )
        )
        return [{"name": n, "description": d, "value": Expr(v)} for n, d, v in wanted]
