"""The network half of the Terraform context: VNet, subnets, route table and route, NAT gateway
and its public IP, and their associations, as the templates print them (network.tf).

A mixin of the Terraform target's builder: it relies on the core's `plan`, `ref`, `placed`,
`existing`, `associate` and friends (tfcore.Core).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from generator import resources as arm
from generator.plan import Ref
from generator.targets.hcl import Expr

if TYPE_CHECKING:
    from generator.plan import Resource


class NetworkBlocks:
    def network(self) -> dict[str, Any] | None:
        handlers = {
            arm.VNET: self.vnet,
            arm.SUBNET: self.subnet,
            arm.ROUTE_TABLE: self.route_table,
            arm.ROUTE: self.route,
            arm.NAT_GATEWAY: self.nat_gateway,
            arm.PUBLIC_IP: self.public_ip,
        }
        resources = [r for r in self.plan.resources if r.type in handlers]
        if not resources:
            return None  # a VNet that AKS manages
        out: dict[str, list] = {
            k: []
            for k in (
                "data",
                "vnets",
                "route_tables",
                "routes",
                "public_ips",
                "nat_gateways",
                "nat_ip_associations",
                "subnets",
                "route_table_associations",
                "nat_gateway_associations",
            )
        }
        for res in resources:
            if res.existing:
                out["data"].append(self.existing(res))
            else:
                handlers[res.type](res, out)
        return out

    def vnet(self, res: Resource, out: dict) -> None:
        out["vnets"].append(
            self.placed(res, address_space=res.properties["addressSpace"]["addressPrefixes"])
        )

    def route_table(self, res: Resource, out: dict) -> None:
        out["route_tables"].append(
            self.placed(
                res, bgp_route_propagation_enabled=not res.properties["disableBgpRoutePropagation"]
            )
        )

    def route(self, res: Resource, out: dict) -> None:
        table, props = self.by_ref[res.depends_on[0]], res.properties
        out["routes"].append(
            self.block(
                res,
                name=res.short_name,
                resource_group_name=self.rg_name(res),
                route_table_name=self.attribute(table, "name"),
                address_prefix=props["addressPrefix"],
                next_hop_type=props["nextHopType"],
                next_hop_in_ip_address=props.get("nextHopIpAddress"),
            )
        )

    def public_ip(self, res: Resource, out: dict) -> None:
        props = res.properties
        out["public_ips"].append(
            self.placed(
                res,
                allocation_method=props["publicIPAllocationMethod"],
                sku=res.sku["name"],
                sku_tier=res.sku["tier"],
                ip_version=props["publicIPAddressVersion"],
            )
        )

    def nat_gateway(self, res: Resource, out: dict) -> None:
        props = res.properties
        out["nat_gateways"].append(
            self.placed(
                res, sku_name=res.sku["name"], idle_timeout_in_minutes=props["idleTimeoutInMinutes"]
            )
        )
        for ip in props["publicIpAddresses"]:
            self.associate(
                "azurerm_nat_gateway_public_ip_association",
                self.by_ref[ip["id"].ref],
                out["nat_ip_associations"],
                nat_gateway_id=self.ref(Ref(res.ref)),
                public_ip_address_id=self.ref(ip["id"]),
            )

    def subnet(self, res: Resource, out: dict) -> None:
        props, vnet = res.properties, self.by_ref[res.depends_on[0]]
        # A subnet of an existing VNet lives in the VNet's subscription (and so do its links).
        provider = (
            Expr(f"azurerm.{self.aliases[vnet.existing_id.split('/')[2]]}")
            if vnet.existing
            else None
        )
        out["subnets"].append(
            self.block(
                res,
                name=res.short_name,
                provider=provider,
                resource_group_name=(
                    self.attribute(vnet, "resource_group_name")
                    if vnet.existing
                    else self.rg_name(res)
                ),
                virtual_network_name=self.attribute(vnet, "name"),
                address_prefixes=props.get("addressPrefixes") or [props["addressPrefix"]],
                delegations=[
                    {"name": d["name"], "service": d["properties"]["serviceName"]}
                    for d in props.get("delegations", [])
                ],
            )
        )
        subnet_id = self.ref(Ref(res.ref))
        if "routeTable" in props:
            self.associate(
                "azurerm_subnet_route_table_association",
                res,
                out["route_table_associations"],
                provider=provider,
                subnet_id=subnet_id,
                route_table_id=self.ref(props["routeTable"]["id"]),
            )
        if "natGateway" in props:
            self.associate(
                "azurerm_subnet_nat_gateway_association",
                res,
                out["nat_gateway_associations"],
                provider=provider,
                subnet_id=subnet_id,
                nat_gateway_id=self.ref(props["natGateway"]["id"]),
            )
