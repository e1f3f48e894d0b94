"""The core of the Terraform target's builder: block addresses, the references between blocks,
and `depends_on` reduced to what those references do not already order.

The target's builder (terraform._Builder) is `Core` plus one mixin per part of the context
(tfnetwork, tfidentity, tfcluster, tfinterface). A mixin makes its blocks with `block`, `placed`,
`existing` or `associate`, and reads other blocks only through `ref`, `attribute`, `value` and
`literal`, so that `reads` finds every read and `depends_on` can leave out what they order.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from generator import resources as arm
from generator.plan import SUBSCRIPTION, Ref
from generator.targets.hcl import Expr, quote
from generator.walk import leaves, rebuild

if TYPE_CHECKING:
    from generator.plan import Plan, Resource

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
CLIENT_CONFIG = "data.azurerm_client_config.current"  # what `literal` reads the subscription from


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


class Core:
    def __init__(self, plan: Plan, reasons: list[str]) -> None:
        self.plan = plan
        self.by_ref = {r.ref: r for r in plan.resources}
        self.rg = plan.by_symbol("resourceGroup")
        # Why the cluster must be an azapi_resource (empty: azurerm): it changes its address.
        self.reasons = reasons
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

    # depends_on

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
