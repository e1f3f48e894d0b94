"""Terraform (azurerm 4.55) target: the plan's resources as azurerm resources and data sources.

`context(plan, meta)` maps every plan resource to what the templates print: azurerm argument
values, references between resources (`azurerm_subnet.node_subnet.id`), `data` sources for the
resources given by id, and the values users tune (`var.*`, with the plan's values in
`terraform.tfvars`). `constraints(plan, source)` refuses what azurerm cannot express. The
templates only format: `hcl` prints a value, `align` lines up `=` as `terraform fmt` does.

Where azurerm 4.55 has no argument for something the plan asks for (static-block pod IP
allocation, node auto-provisioning, `VirtualMachines` pools), the cluster is rendered as one
`azapi_resource` whose body is the plan's own cluster properties at the plan's API version.

This module is the target's entry point (what the renderer calls) and the versions, providers
and resource group; the builder is `tfcore.Core` (addresses, references, depends_on) with one
mixin per part of the context: tfnetwork, tfidentity, tfcluster and tfinterface (variables and
outputs).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from generator.rules.core import ERROR, Finding
from generator.rules.egress import PREVIEW_TYPES
from generator.targets.hcl import Expr, align, hcl
from generator.targets.tfcluster import ClusterBlocks
from generator.targets.tfcore import Core
from generator.targets.tfidentity import IdentityBlocks
from generator.targets.tfinterface import InterfaceBlocks
from generator.targets.tfnetwork import NetworkBlocks

if TYPE_CHECKING:
    from generator.plan import Plan

VERSIONS = {"terraform": ">= 1.5", "azurerm": "~> 4.55", "azapi": "~> 2.0"}
AZURERM_DOCS = "https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/kubernetes_cluster"


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


class _Builder(NetworkBlocks, IdentityBlocks, ClusterBlocks, InterfaceBlocks, Core):
    def __init__(self, plan: Plan) -> None:
        super().__init__(plan, azapi_reasons(plan))

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
