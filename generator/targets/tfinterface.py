"""The Terraform module's interface: which plan values users tune (`var.*`), the variables'
declarations and values (variables.tf, terraform.tfvars), and the outputs (outputs.tf).

`NETWORK_FIELDS` and `POOL_FIELDS` are the one list of tuned values: the variables here, and the
azurerm cluster, its pools and the azapi body in tfcluster, all read them. `InterfaceBlocks` is a
mixin of the target's builder (see tfcore.Core).
"""

from __future__ import annotations

from typing import Any

from generator.rules.pods import MAX_PODS, MIN_PODS
from generator.targets.hcl import Expr
from generator.targets.tfcore import snake

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


def holder(body: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any] | None:
    """The dict in `body` that holds `path`'s last key, or None when the body lacks it."""
    *head, last = path
    for key in head:
        body = body.get(key) or {}
    return body if last in body else None


def _at(body: dict[str, Any], path: tuple[str, ...]) -> Any:
    """The value at `path` in `body`, or None when the body lacks it."""
    found = holder(body, path)
    return None if found is None else found[path[-1]]


def network_var(field: str) -> Expr:
    return Expr(f"var.network.{field}")


def pool_var(pool: str, field: str) -> Expr:
    return Expr(f'var.node_pools["{pool}"].{field}')


class InterfaceBlocks:
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
