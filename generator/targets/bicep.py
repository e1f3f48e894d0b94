"""Bicep target: the plan as `main.bicep` (subscription scope), `cluster.bicep` (the cluster's
resource group), two small modules for other resource groups, and `main.bicepparam`.

The context holds ready values: parameters and the plan's `Ref`s are replaced by `Raw` Bicep
expressions (`nodeSubnet.id`, `identity.properties.principalId`), so the `bicep` filter only
prints. Bodies are the plan's ARM bodies (`Resource.body()`), so Bicep and the SDK agree.
"""

from __future__ import annotations

import re
from typing import Any

from generator.apiversions import BY_TYPE
from generator.plan import SUBSCRIPTION, Plan, Ref
from generator.resources import CLUSTER, ROLE_ASSIGNMENT, ROUTE_TABLE, SUBNET, VNET
from generator.targets.armvalues import (
    GROUP_SYMBOL,
    Item,
    Layout,
    Scope,
    Use,
    dependencies,
    implied,
    layout,
    parent_of,
    refs_in,
)
from generator.walk import rebuild

MODULES = {SUBNET: "subnet.bicep", ROLE_ASSIGNMENT: "roleAssignment.bicep"}
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class Raw(str):
    """A Bicep expression, printed as it is."""


def quote(text: str) -> str:
    escaped = (text.replace("\\", "\\\\").replace("'", "\\'").replace("${", "\\${")
               .replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t"))
    return f"'{escaped}'"


def bicep(value: Any, indent: int = 0) -> str:
    """A Bicep literal for a JSON-like value; nested lines are indented by `indent` + 2."""
    pad = " " * indent
    if isinstance(value, Raw):
        return str(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, dict):
        if not value:
            return "{}"
        lines = [f"{pad}  {_key(k)}: {bicep(v, indent + 2)}" for k, v in value.items()]
        return "{\n" + "\n".join(lines) + f"\n{pad}}}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        lines = [f"{pad}  {bicep(v, indent + 2)}" for v in value]
        return "[\n" + "\n".join(lines) + f"\n{pad}]"
    raise TypeError(f"no Bicep form for {type(value).__name__}")


def _key(key: Any) -> str:
    if isinstance(key, Raw):
        return f"'${{{key}}}'"
    return key if _IDENT.match(str(key)) else quote(str(key))


FILTERS = {"bicep": bicep}


# --- values ---------------------------------------------------------------------------------------


class _Values:
    """Turns plan values into Bicep values for one file; records the symbols they mention."""

    def __init__(self, lay: Layout, where: str) -> None:
        self.lay, self.where = lay, where  # where: main | cluster

    def __call__(self, value: Any) -> Any:
        return rebuild(value, self.leaf)

    def leaf(self, value: Any) -> Any:
        if isinstance(value, Use):
            return Raw(value.name)
        if isinstance(value, Ref):
            return Raw(self.ref(value))
        if isinstance(value, str) and SUBSCRIPTION in value:
            head, _, tail = value.partition(SUBSCRIPTION)
            return Raw(quote(head)[:-1] + "${subscription().subscriptionId}" + quote(tail)[1:])
        return value

    def ref(self, ref: Ref) -> str:
        if self.where == "main":
            # main.bicep names only the resource group (a custom role's assignable scope)
            return f"{GROUP_SYMBOL}.{ref.attr}"
        item = self.lay.item(ref.ref)
        if ref.attr == "id":
            return f"{item.symbol}.outputs.id" if item.how == "module" else f"{item.symbol}.id"
        if item.resource.type == CLUSTER or ref.attr.startswith("identity."):
            return f"{item.symbol}.{ref.attr}"
        return f"{item.symbol}.properties.{ref.attr}"


def _scope_expr(scope: Scope) -> Raw:
    if scope.level == "subscription":
        return Raw("subscription()")
    if scope.subscription:
        return Raw(f"resourceGroup({quote(scope.subscription)}, {quote(scope.resource_group)})")
    return Raw(f"resourceGroup({quote(scope.resource_group)})")


# --- declarations ---------------------------------------------------------------------------------


def _declaration(item: Item, lay: Layout, by_ref: dict) -> dict[str, Any]:
    res, values = item.resource, _Values(lay, "cluster")
    fields: list[tuple[str, Any]] = []
    parent = parent_of(res, by_ref)
    if item.how == "module":
        return _module(item, lay, values)
    if parent is not None:
        fields += [("parent", Raw(parent.symbol)), ("name", res.short_name)]
    else:
        fields.append(("name", res.name))
    if item.scope is not None:
        fields.append(("scope", _scope_expr(item.scope)))
    mentioned = set()
    if isinstance(res.scope, Ref):
        fields.append(("scope", Raw(lay.item(res.scope.ref).symbol)))
        mentioned.add(res.scope.ref)
    if item.how == "create":
        mentioned |= refs_in(item.body)
        fields += [(k, values(v)) for k, v in item.body.items()]
        if parent is not None:
            mentioned.add(parent.ref)
        fields += _depends_on(item, lay, mentioned)
    return {
        "keyword": "resource",
        "symbol": item.symbol,
        "target": f"{res.type}@{res.api_version}",
        "existing": item.how == "existing",
        "comments": _comments(item, lay),
        "fields": fields,
    }


def _module(item: Item, lay: Layout, values: _Values) -> dict[str, Any]:
    res, body = item.resource, item.body
    if res.type == SUBNET:
        vnet, name = res.name.split("/")
        params = {"vnetName": vnet, "name": name, "properties": values(body["properties"])}
        mentioned = refs_in(body)
    else:
        target = lay.item(res.scope.ref)
        scope_name = (Raw(f"{target.symbol}.outputs.name") if target.how == "module"
                      else target.resource.name)
        params = {
            "name": res.name,
            "scopeType": target.resource.type,
            "scopeName": scope_name,
            **{k: values(v) for k, v in body["properties"].items()},
        }
        mentioned = refs_in(body) | {target.resource.ref}
    fields: list[tuple[str, Any]] = [
        ("name", lay.module_name(item)),
        ("scope", _scope_expr(item.scope)),
        ("params", params),
    ]
    fields += _depends_on(item, lay, mentioned)
    return {
        "keyword": "module",
        "symbol": item.symbol,
        "target": MODULES[res.type],
        "existing": False,
        "comments": _comments(item, lay),
        "fields": fields,
    }


def _depends_on(item: Item, lay: Layout, mentioned: set[str]) -> list[tuple[str, Any]]:
    """The plan's dependencies that no symbolic reference already implies."""
    known = implied(mentioned, lay)
    waits = [Raw(d.symbol) for d in dependencies(item, lay) if d.resource.ref not in known]
    return [("dependsOn", waits)] if waits else []


def _comments(item: Item, lay: Layout) -> list[str]:
    res = item.resource
    out = []
    if item.how == "existing" and item.scope is not None and item.scope.level == "subscription":
        out.append("A subscription-level role definition"
                   + (" (created by main.bicep)" if not res.existing else " (built in)"))
    elif item.how == "existing":
        out.append("Existing: given by id in the intent; referenced, never changed")
    if item.how == "module":
        out.append(f"In resource group {item.scope.resource_group}: deployed by the module")
    if res.type == ROLE_ASSIGNMENT:
        out.append("Name: aksnet's GUID for this cluster, scope and role; stable across runs,")
        out.append("and the same one `aksnet apply` creates")
    if res.type == VNET and item.how == "create":
        out.append("Subnets are child resources below; an update of this VNet without `subnets`")
        out.append("keeps them (Microsoft.Network API 2023-11-01 and later)")
    if res.type == SUBNET and item.how != "existing" and item.body:
        props = item.body.get("properties", {})
        if "routeTable" in props:
            out.append("The route table is attached here, so before the cluster exists")
        if "natGateway" in props:
            out.append("The NAT gateway is attached here, so before the cluster exists")
    if res.type == CLUSTER and any(d.resource.type == ROLE_ASSIGNMENT
                                   for d in dependencies(item, lay)):
        out.append("Waits for the identity's role assignments on its network (NET-IAM)")
    return out


# --- context --------------------------------------------------------------------------------------


def context(plan: Plan, meta: dict[str, Any]) -> dict[str, Any]:
    lay = layout(plan)
    by_ref = {r.ref: r for r in plan.resources}
    main_values = _Values(lay, "main")
    declarations = [_declaration(item, lay, by_ref) for item in lay.items]
    role = lay.role_definition
    return {
        "meta": meta,
        "header": f"// {meta['marker']} from {meta['source']}; do not edit",
        "plan": plan,
        "params": lay.params,
        "group": {
            "symbol": GROUP_SYMBOL,
            "target": f"{lay.group.type}@{lay.group.api_version}",
            "fields": [("name", lay.group.name),
                       *((k, main_values(v)) for k, v in lay.group_body.items())],
        },
        "role_definition": None if role is None else {
            "symbol": role.symbol,
            "target": f"{role.type}@{role.api_version}",
            "fields": [("name", role.name),
                       *((k, main_values(v)) for k, v in lay.role_definition_body.items())],
        },
        "deployment": {
            "name": lay.deployment_name,
            "params": {p.name: Raw(p.name) for p in lay.params},
            "depends_on": [Raw(role.symbol)] if role else [],
        },
        "declarations": declarations,
        "outputs": [
            {"name": o.name, "description": o.description,
             "value": Raw(_Values(lay, "cluster").ref(o.value))}
            for o in lay.outputs
        ],
        "api": {
            "subnet": BY_TYPE[SUBNET],
            "vnet": BY_TYPE["Microsoft.Network/virtualNetworks"],
            "route_table": BY_TYPE[ROUTE_TABLE],
            "role_assignment": BY_TYPE[ROLE_ASSIGNMENT],
        },
        "scope_types": {"subnet": SUBNET, "route_table": ROUTE_TABLE},
    }
