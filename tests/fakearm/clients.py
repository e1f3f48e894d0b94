"""Builders shared by the fake's own tests, and usable by any test that drives the real
azure-mgmt clients against a FakeArm: all five clients at once, and small request bodies."""

from __future__ import annotations

from types import SimpleNamespace

from azure.mgmt.authorization import AuthorizationManagementClient
from azure.mgmt.containerservice import ContainerServiceClient
from azure.mgmt.msi import ManagedServiceIdentityClient
from azure.mgmt.network import NetworkManagementClient
from azure.mgmt.resource.resources import ResourceManagementClient

from .server import FakeArm

LOCATION = "eastus"
VNET_SPACE = "10.1.0.0/16"


def make_clients(arm: FakeArm, **overrides) -> SimpleNamespace:
    """resource, network, msi, auth and aks clients; retries off unless overridden."""
    kwargs = arm.client_kwargs(**{"retry_total": 0, **overrides})
    cred, sub = arm.credential(), arm.subscription_id
    return SimpleNamespace(
        resource=ResourceManagementClient(cred, sub, **kwargs),
        network=NetworkManagementClient(cred, sub, **kwargs),
        msi=ManagedServiceIdentityClient(cred, sub, **kwargs),
        auth=AuthorizationManagementClient(cred, sub, **kwargs),
        aks=ContainerServiceClient(cred, sub, **kwargs),
    )


def vnet_body(*subnets: tuple[str, str], space: str = VNET_SPACE) -> dict:
    return {
        "location": LOCATION,
        "properties": {
            "addressSpace": {"addressPrefixes": [space]},
            "subnets": [{"name": n, "properties": {"addressPrefix": p}} for n, p in subnets],
        },
    }


def role_id(arm: FakeArm, guid: str) -> str:
    sub = arm.subscription_id
    return f"/subscriptions/{sub}/providers/Microsoft.Authorization/roleDefinitions/{guid}"


def assignment(arm: FakeArm, role: str, principal: str) -> dict:
    props = {"roleDefinitionId": role_id(arm, role), "principalId": principal}
    return {"properties": {**props, "principalType": "ServicePrincipal"}}


def cluster_body(subnet_id: str | None = None, **network) -> dict:
    pool = {"name": "system", "mode": "System", "count": 3, "vmSize": "Standard_D4s_v5"}
    if subnet_id:
        pool["vnetSubnetID"] = subnet_id
    return {
        "location": LOCATION,
        "identity": {"type": "SystemAssigned"},
        "properties": {
            "dnsPrefix": "aks1",
            "agentPoolProfiles": [pool],
            "networkProfile": {"networkPlugin": "azure", "serviceCidr": "10.0.0.0/16", **network},
        },
    }


def error_code(excinfo) -> str:
    """The ARM error code of a pytest.raises(HttpResponseError) result."""
    return excinfo.value.error.code
