"""Replay Microsoft's published PUT examples (tests/data/arm-examples) against the fake and check
its responses have the shape the examples show: every key of the example response is present.

The example values are illustrative (see the examples README), so only keys are compared, not
values. A few keys are deliberately not produced; each is listed with the reason.
"""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest

from . import FakeArm

EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "arm-examples"
RG = "resourceGroups/{resourceGroupName}"
NET = RG + "/providers/Microsoft.Network"
AKS = RG + "/providers/Microsoft.ContainerService/managedClusters/{resourceName}"
CS = "Microsoft.ContainerService"

# example file -> path template below /subscriptions/{sub}/ (filled from the example parameters)
PATHS = {
    "Microsoft.Resources/2025-04-01/CreateResourceGroup.json": RG,
    "Microsoft.Network/2026-01-01/VirtualNetworkCreate.json": NET
    + "/virtualNetworks/{virtualNetworkName}",
    "Microsoft.Network/2026-01-01/VirtualNetworkCreateSubnet.json": NET
    + "/virtualNetworks/{virtualNetworkName}",
    "Microsoft.Network/2026-01-01/VirtualNetworkCreateSubnetWithDelegation.json": NET
    + "/virtualNetworks/{virtualNetworkName}",
    "Microsoft.Network/2026-01-01/SubnetCreate.json": NET
    + "/virtualNetworks/{virtualNetworkName}/subnets/{subnetName}",
    "Microsoft.Network/2026-01-01/RouteTableCreate.json": NET + "/routeTables/{routeTableName}",
    "Microsoft.Network/2026-01-01/RouteTableCreateWithRoute.json": NET
    + "/routeTables/{routeTableName}",
    "Microsoft.Network/2026-01-01/RouteTableRouteCreate.json": NET
    + "/routeTables/{routeTableName}/routes/{routeName}",
    "Microsoft.Network/2026-01-01/NatGatewayCreateOrUpdate.json": NET
    + "/natGateways/{natGatewayName}",
    "Microsoft.Network/2026-01-01/NetworkSecurityGroupCreate.json": NET
    + "/networkSecurityGroups/{networkSecurityGroupName}",
    "Microsoft.Network/2026-01-01/PublicIpAddressCreateCustomizedValues.json": NET
    + "/publicIPAddresses/{publicIpAddressName}",
    "Microsoft.ManagedIdentity/2026-05-31/IdentityCreate.json": RG
    + "/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{resourceName}",
    "Microsoft.Authorization/2022-04-01/RoleAssignments_CreateForResourceGroup.json": "{scope}"
    + "/providers/Microsoft.Authorization/roleAssignments/{roleAssignmentName}",
    f"{CS}/2026-07-01/ManagedClustersCreate_UserAssignedNATGateway.json": AKS,
    f"{CS}/2026-06-01/ManagedClustersCreate_PrivateClusterPublicFQDN.json": AKS,
    "Microsoft.ContainerService/2026-08-01/AgentPoolsCreate_Update.json": AKS
    + "/agentPools/{agentPoolName}",
}

# Keys in example responses the fake does not produce, by example, and why.
NOT_PRODUCED = {
    # Managed identity API 2026-05-31 fields; the SDK (msi 7.1) speaks 2024-11-30.
    "Microsoft.ManagedIdentity/2026-05-31/IdentityCreate.json": {
        "properties.isolationScope",
        "properties.assignmentRestrictions",
    },
    # The example shows subnet associations its request never made.
    "Microsoft.Network/2026-01-01/NatGatewayCreateOrUpdate.json": {"properties.subnets"},
    # A NIC association the request never made; `zones` sits outside the request body.
    "Microsoft.Network/2026-01-01/PublicIpAddressCreateCustomizedValues.json": {
        "properties.ipConfiguration",
        "zones",
    },
}


def replay(arm: FakeArm, name: str) -> tuple[dict, dict]:
    example = json.loads((EXAMPLES / name).read_text())
    params = {**example["parameters"], "subscriptionId": arm.subscription_id}
    if "scope" in params:  # keep the example's RG, in our subscription, without a leading slash
        params["scope"] = f"subscriptions/{arm.subscription_id}/resourceGroups/testrg"
    path = "/" + (
        PATHS[name] if "{scope}" in PATHS[name] else "subscriptions/{subscriptionId}/" + PATHS[name]
    )
    path = path.format(**params)
    plant_parents(arm, name, params)
    body = next(v for k, v in params.items() if k.endswith("arameters") and isinstance(v, dict))
    request = urllib.request.Request(
        f"{arm.endpoint}{path}?api-version={params['api-version']}",
        data=json.dumps(body).encode(),
        method="PUT",
        headers={"Authorization": "Bearer example", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as response:
        got = json.loads(response.read())
        status = str(response.status)
    return example["responses"][status]["body"], got


def plant_parents(arm: FakeArm, name: str, params: dict) -> None:
    rg = params.get("resourceGroupName", "testrg")
    if not name.endswith("CreateResourceGroup.json"):
        arm.plant_resource_group(rg)
    if "subnetName" in params:
        vnet = arm.resource_id(
            rg, "Microsoft.Network/virtualNetworks", params["virtualNetworkName"]
        )
        arm.plant(
            vnet,
            {
                "location": "eastus",
                "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/8"]}},
            },
        )
    if "routeName" in params:
        arm.plant(
            arm.resource_id(rg, "Microsoft.Network/routeTables", params["routeTableName"]),
            {"location": "eastus"},
        )
    if "roleAssignmentName" in params:  # the example assigns a custom role: define it
        guid = params["parameters"]["properties"]["roleDefinitionId"].rsplit("/", 1)[-1]
        role = f"/subscriptions/{arm.subscription_id}/providers/Microsoft.Authorization"
        arm.plant(
            f"{role}/roleDefinitions/{guid}",
            {"properties": {"roleName": "Example Role", "type": "CustomRole"}},
        )
    if "agentPoolName" in params:
        cluster = arm.resource_id(
            rg, "Microsoft.ContainerService/managedClusters", params["resourceName"]
        )
        arm.plant(cluster, {"location": "eastus", "properties": {"dnsPrefix": "dns1"}})


def missing_keys(expected: object, got: object, skip: set[str], path: str = "") -> list[str]:
    """Key paths present in `expected` but not in `got` (lists compared item by item)."""
    if isinstance(expected, dict):
        if not isinstance(got, dict):
            return [path or "<root>"]
        out = []
        for key, value in expected.items():
            sub = f"{path}.{key}" if path else key
            if sub in skip:
                continue
            out += missing_keys(value, got[key], skip, sub) if key in got else [sub]
        return out
    if isinstance(expected, list) and isinstance(got, list):
        pairs = zip(expected, got, strict=False)
        return [m for e, g in pairs for m in missing_keys(e, g, skip, path)]
    return []


@pytest.mark.parametrize("name", sorted(PATHS))
def test_responses_have_the_example_shape(name):
    with FakeArm() as arm:
        expected, got = replay(arm, name)
        assert missing_keys(expected, got, NOT_PRODUCED.get(name, set())) == []
        assert arm.server_errors == []
