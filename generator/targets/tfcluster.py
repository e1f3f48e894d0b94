"""The cluster part of the Terraform context: the AKS cluster with its agent pools and network
profile as `azurerm_kubernetes_cluster`, or, where azurerm cannot express it, as one
`azapi_resource` whose body is the plan's own cluster properties (main.tf).

Either way the values users tune read `var.*` (tfinterface). A mixin of the Terraform target's
builder: it relies on the core's `plan`, `rg`, `reasons`, `block`, `attribute`, `ref`, `value`
and `depends_on` (tfcore.Core).
"""

from __future__ import annotations

from typing import Any

from generator import resources as arm
from generator.targets.hcl import Expr
from generator.targets.tfinterface import NETWORK_FIELDS, POOL_FIELDS, holder, network_var, pool_var


class ClusterBlocks:
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
            field: network_var(field) if key in np else None
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
                field: pool_var(body["name"], field) if holder(body, path) is not None else None
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
                if (found := holder(pool, path)) is not None:
                    found[path[-1]] = pool_var(pool["name"], field)
        np = body["networkProfile"]
        np.update({k: network_var(f) for k, f in NETWORK_FIELDS.items() if k in np})
        return body
