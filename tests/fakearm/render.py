"""Turn stored entries into response bodies, adding what Azure computes.

The computed fields follow Microsoft's published examples (tests/data/arm-examples): AKS
fqdn/azurePortalFQDN/privateFQDN, nodeResourceGroup `MC_{rg}_{name}_{location}`, network defaults
(kubenet, 10.0.0.0/16 services, 10.0.0.10 DNS, 10.244.0.0/16 pods), managed identity ids, NSG
default rules, and back-references from route tables, NAT gateways and NSGs to their subnets.
"""

from __future__ import annotations

import copy

from . import catalog as c
from .render_aks import decorate_cluster, decorate_pool
from .store import Entry, Store


def render(store: Store, entry: Entry) -> dict:
    kind = c.kind_of(entry.type_key)
    out: dict = {"id": entry.id, "name": entry.name, "type": entry.type}
    body = copy.deepcopy(entry.body)
    props = body.pop("properties", None)
    out.update(body)
    if kind.etag:
        out[kind.etag] = entry.etag
    if kind.state:
        props = {"provisioningState": entry.state, **(props or {})}
    decorate = DECORATORS.get(entry.type_key)
    if decorate:
        props = props if props is not None else {}
        decorate(store, entry, out, props)
    if kind.inline:
        props[kind.inline.prop] = _inline(store, entry, kind.inline)
    if props is not None:
        out["properties"] = props
    return out


def _inline(store: Store, entry: Entry, inline: c.Inline) -> list[dict]:
    children = store.children(entry.key, c.inline_child_type(entry.type_key, inline))
    rendered = [render(store, child) for child in children]
    if inline.flat:
        return [{"name": r["name"], **r.get("properties", {})} for r in rendered]
    return rendered


def _linked_subnets(store: Store, entry: Entry, field: str) -> list[dict]:
    return [
        {"id": s.id}
        for s in store.of_type(c.SUBNET)
        if str((s.props().get(field) or {}).get("id", "")).lower() == entry.key
    ]


def _add_subnet_refs(field: str):
    def decorate(store: Store, entry: Entry, out: dict, props: dict) -> None:
        subnets = _linked_subnets(store, entry, field)
        if subnets:
            props["subnets"] = subnets

    return decorate


def _vnet(store: Store, entry: Entry, out: dict, props: dict) -> None:
    props["resourceGuid"] = entry.seed.get("resourceGuid")
    props.setdefault("virtualNetworkPeerings", [])
    props.setdefault("enableDdosProtection", False)


def _subnet(store: Store, entry: Entry, out: dict, props: dict) -> None:
    if entry.seed.get("ipConfigurations"):
        props["ipConfigurations"] = copy.deepcopy(entry.seed["ipConfigurations"])
    props.setdefault("privateEndpointNetworkPolicies", "Disabled")
    props.setdefault("privateLinkServiceNetworkPolicies", "Enabled")
    if props.get("delegations"):
        props.setdefault("purpose", "")  # as in VirtualNetworkCreateSubnetWithDelegation.json
    for delegation in props.get("delegations") or []:
        delegation.setdefault("id", f"{entry.id}/delegations/{delegation.get('name')}")
        delegation.setdefault("type", "Microsoft.Network/virtualNetworks/subnets/delegations")
        delegation.setdefault("properties", {}).setdefault("provisioningState", "Succeeded")
        delegation["properties"].setdefault("actions", [])


def _route_table(store: Store, entry: Entry, out: dict, props: dict) -> None:
    props.setdefault("disableBgpRoutePropagation", False)
    _add_subnet_refs("routeTable")(store, entry, out, props)


def _nat_gateway(store: Store, entry: Entry, out: dict, props: dict) -> None:
    out.setdefault("sku", {"name": "Standard"})
    props.setdefault("idleTimeoutInMinutes", 4)
    _add_subnet_refs("natGateway")(store, entry, out, props)


def _nsg(store: Store, entry: Entry, out: dict, props: dict) -> None:
    props["resourceGuid"] = entry.seed.get("resourceGuid")
    props.setdefault("flushConnection", False)
    props["defaultSecurityRules"] = [_default_rule(entry, rule) for rule in DEFAULT_RULES]
    _add_subnet_refs("networkSecurityGroup")(store, entry, out, props)


# Azure's six default NSG rules: name, direction, access, priority, source, destination, text.
DEFAULT_RULES = (
    ("AllowVnetInBound", "Inbound", "Allow", 65000, "VirtualNetwork", "VirtualNetwork",
     "Allow inbound traffic from all VMs in VNET"),
    ("AllowAzureLoadBalancerInBound", "Inbound", "Allow", 65001, "AzureLoadBalancer", "*",
     "Allow inbound traffic from azure load balancer"),
    ("DenyAllInBound", "Inbound", "Deny", 65500, "*", "*", "Deny all inbound traffic"),
    ("AllowVnetOutBound", "Outbound", "Allow", 65000, "VirtualNetwork", "VirtualNetwork",
     "Allow outbound traffic from all VMs to all VMs in VNET"),
    ("AllowInternetOutBound", "Outbound", "Allow", 65001, "*", "Internet",
     "Allow outbound traffic from all VMs to Internet"),
    ("DenyAllOutBound", "Outbound", "Deny", 65500, "*", "*", "Deny all outbound traffic"),
)  # fmt: skip


def _default_rule(entry: Entry, rule: tuple) -> dict:
    name, direction, access, priority, source, dest, description = rule
    return {
        "id": f"{entry.id}/defaultSecurityRules/{name}",
        "name": name,
        "type": "Microsoft.Network/networkSecurityGroups/defaultSecurityRules",
        "properties": {
            "provisioningState": "Succeeded",
            "description": description,
            "protocol": "*",
            "sourcePortRange": "*",
            "destinationPortRange": "*",
            "sourceAddressPrefix": source,
            "destinationAddressPrefix": dest,
            "access": access,
            "priority": priority,
            "direction": direction,
        },
    }


def _public_ip(store: Store, entry: Entry, out: dict, props: dict) -> None:
    sku = out.setdefault("sku", {"name": "Standard", "tier": "Regional"})
    static = str(sku.get("name", "")).lower().startswith("standard")
    props.setdefault("publicIPAddressVersion", "IPv4")
    props.setdefault("publicIPAllocationMethod", "Static" if static else "Dynamic")
    props.setdefault("idleTimeoutInMinutes", 4)
    props.setdefault("ddosSettings", {"protectionMode": "VirtualNetworkInherited"})
    if props["publicIPAllocationMethod"] == "Static":
        props.setdefault("ipAddress", entry.seed.get("ipAddress"))


def _identity(store: Store, entry: Entry, out: dict, props: dict) -> None:
    for key in ("tenantId", "principalId", "clientId"):
        props[key] = entry.seed[key]


DECORATORS = {
    c.VNET: _vnet,
    c.SUBNET: _subnet,
    c.ROUTE_TABLE: _route_table,
    c.NAT_GATEWAY: _nat_gateway,
    c.NSG: _nsg,
    c.PUBLIC_IP: _public_ip,
    c.UAMI: _identity,
    c.CLUSTER: decorate_cluster,
    c.POOL: decorate_pool,
}
