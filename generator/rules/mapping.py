"""NET-MAP-*: what each rendering target and API version can express."""

from __future__ import annotations

from collections.abc import Iterator

from generator.apiversions import CONTAINER_SERVICE
from generator.rules.core import ERROR, INFO, WARNING, Violation, entry, rule

CLUSTER = "Microsoft.ContainerService/managedClusters"
AZURERM_DOCS = "https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/kubernetes_cluster"
AZURERM_CHANGELOG = "https://github.com/hashicorp/terraform-provider-azurerm/blob/main/CHANGELOG.md"
SDK = "https://pypi.org/project/azure-mgmt-containerservice/"


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def features_used(properties) -> Iterator[tuple[str, str, str]]:
    """(feature, intent path, oldest API version that has it) for each gated key of a cluster
    body, from the API model sets of azure-mgmt-containerservice (NET-MAP-001)."""
    props = _dict(properties)
    profile = _dict(props.get("networkProfile"))
    pools = [_dict(p) for p in props.get("agentPoolProfiles") or ()]
    if any("podSubnetID" in p for p in pools):
        yield "podSubnetID", "network.podSubnet", "2020-11-01"
    for key in ("ipFamilies", "podCidrs", "serviceCidrs"):
        if key in profile:
            yield key, f"network.{key}", "2021-10-01"
    if profile.get("networkPlugin") == "none":
        yield "networkPlugin none", "network.model", "2022-06-01"
    if "networkPluginMode" in profile:
        yield "networkPluginMode", "network.model", "2023-02-01"
    if "networkDataplane" in profile:
        yield "networkDataplane", "network.dataplane", "2023-02-01"
    if profile.get("networkPolicy") == "cilium":
        yield "networkPolicy cilium", "network.policy", "2023-02-01"
    if profile.get("outboundType") == "none":
        yield "outboundType none", "network.outbound.type", "2025-03-01"
    if any("podIPAllocationMode" in p for p in pools):
        yield "podIPAllocationMode", "network.podSubnet.allocation", "2025-04-01"
    if "sku" in _dict(profile.get("natGatewayProfile")):
        yield "natGatewayProfile.sku", "network.outbound.natGatewaySku", "2026-08-01"


@rule(
    id="NET-MAP-001",
    severity=ERROR,
    title="The managedClusters API version must know every feature used",
    fix="use Microsoft.ContainerService/managedClusters API {needed} or later, e.g. {newest}",
    docs=SDK,
)
def api_version_covers_features(intent, plan):
    """What: the cluster's API version must be at least as new as the newest feature its body
    uses: `podSubnetID` 2020-11-01; `ipFamilies`, `podCidrs`, `serviceCidrs` 2021-10-01;
    `networkPlugin: none` 2022-06-01; `networkPluginMode`, `networkDataplane`,
    `networkPolicy: cilium` 2023-02-01; `outboundType: none` 2025-03-01; `podIPAllocationMode`
    2025-04-01; `natGatewayProfile.sku` 2026-08-01.

    Why: an older API version does not know the key or value (the request is rejected or the key
    ignored), so the cluster would not get the network that was planned.
    """
    for cluster in plan.of_type(CLUSTER):
        api = str(cluster.api_version)[:10]
        for feature, path, needed in features_used(cluster.properties):
            if api < needed:
                yield Violation(
                    path,
                    f"the cluster uses API {cluster.api_version}, but {feature} "
                    f"needs {needed} or later",
                    {"needed": needed, "newest": CONTAINER_SERVICE},
                )


RULES = (
    api_version_covers_features,
    entry(
        id="NET-MAP-002",
        severity=ERROR,
        title="azurerm: Cilium needs overlay or a pod subnet",
        kind="render",
        docs=AZURERM_DOCS,
        reason="azurerm documents network_data_plane cilium only with network_plugin_mode overlay "
        "or pod_subnet_id: `render --target terraform` refuses Cilium on node-subnet with "
        "this ID; the Bicep and ARM targets render it",
        fix="use --target bicep or arm, or model overlay or pod-subnet with Cilium",
    ),
    entry(
        id="NET-MAP-003",
        severity=ERROR,
        title="azurerm cross-field checks",
        kind="render",
        docs=AZURERM_DOCS,
        reason="the Terraform templates map the resolved plan, which NET-PLUGIN-001 and "
        "NET-POL-001/002 have already checked, and write dns_service_ip with service_cidr, "
        "pod_cidr only for kubenet, overlay and none, and nat_gateway_profile only for NAT "
        "gateway outbound types",
        fix="render from a valid intent",
    ),
    entry(
        id="NET-MAP-004",
        severity=ERROR,
        title="azurerm and static block allocation",
        kind="render",
        docs="https://github.com/hashicorp/terraform-provider-azurerm/pull/30827",
        reason="the Terraform target writes pod_ip_allocation_mode only when the pinned azurerm "
        "provider has it and otherwise refuses static block with this ID",
        fix="pin an azurerm provider with pod_ip_allocation_mode, or use --target bicep or arm",
    ),
    entry(
        id="NET-MAP-005",
        severity=INFO,
        title="azurerm naming history",
        kind="doc",
        docs=AZURERM_CHANGELOG,
        reason="aksnet's Terraform templates use only current azurerm names (network_data_plane, "
        "ip_versions) and never docker_bridge_cidr; the old names matter only to "
        "hand-written or 3.x configurations",
        fix="use network_data_plane, not ebpf_data_plane; drop docker_bridge_cidr",
    ),
    entry(
        id="NET-MAP-006",
        severity=WARNING,
        title="Python SDK defaults fill unset network fields",
        kind="render",
        docs=SDK,
        reason="the resources builder writes every network field explicitly (no pod CIDR for "
        "flat Azure CNI) and the SDK path sends exactly those properties, so no SDK default "
        "is filled in",
        fix="set every network field explicitly; pass pod_cidr=None for flat Azure CNI on old SDKs",
    ),
)
