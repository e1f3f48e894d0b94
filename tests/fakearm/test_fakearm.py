"""Tests of the fake ARM's resource semantics, driven through the real azure-mgmt clients.

Each test states an Azure behaviour the provisioning code relies on and checks that the SDK sees
it from the fake exactly as it would from Azure: status, `error.code`, exception type, LRO
polling, retries.
"""

from __future__ import annotations

import time

import pytest
from azure.core.exceptions import HttpResponseError, ResourceExistsError, ResourceNotFoundError

from . import CONTRIBUTOR, NETWORK_CONTRIBUTOR, READER
from .clients import LOCATION, VNET_SPACE, assignment, cluster_body, error_code, vnet_body

# -- resource groups, VNets, subnets ---------------------------------------------------------


def test_rg_vnet_and_subnets_round_trip(arm, sdk, vnet):
    assert sdk.resource.resource_groups.check_existence("rg")
    assert not sdk.resource.resource_groups.check_existence("missing")
    got = sdk.network.virtual_networks.get("rg", "vnet")
    assert got.provisioning_state == "Succeeded"
    assert [s.name for s in got.subnets] == ["nodes"]
    assert got.subnets[0].id == f"{got.id}/subnets/nodes"
    assert sdk.network.subnets.get("rg", "vnet", "nodes").address_prefix == "10.1.0.0/22"


def test_child_subnet_put_shows_in_vnet(sdk, vnet):
    body = {"properties": {"addressPrefix": "10.1.8.0/21"}}
    sdk.network.subnets.begin_create_or_update("rg", "vnet", "pods", body).result()
    names = [s.name for s in sdk.network.virtual_networks.get("rg", "vnet").subnets]
    assert names == ["nodes", "pods"]
    assert [s.name for s in sdk.network.subnets.list("rg", "vnet")] == names


def test_vnet_put_without_a_used_subnet_fails(arm, sdk, vnet):
    nic = arm.resource_id(
        "rg", "Microsoft.Network/networkInterfaces", "nic1", "ipConfigurations", "c1"
    )
    props = {"addressPrefix": "10.1.0.0/22", "ipConfigurations": [{"id": nic}]}
    arm.plant(f"{vnet.id}/subnets/nodes", {"properties": props})
    with pytest.raises(HttpResponseError) as excinfo:
        sdk.network.virtual_networks.begin_create_or_update("rg", "vnet", vnet_body()).result()
    assert excinfo.value.status_code == 400
    assert error_code(excinfo) == "InUseSubnetCannotBeDeleted"
    assert arm.get(f"{vnet.id}/subnets/nodes") is not None


def test_vnet_put_without_an_unused_subnet_deletes_it(arm, sdk, vnet):
    sdk.network.virtual_networks.begin_create_or_update("rg", "vnet", vnet_body()).result()
    assert arm.get(f"{vnet.id}/subnets/nodes") is None


@pytest.mark.parametrize(
    ("prefix", "code"),
    [
        ("10.2.0.0/24", "NetcfgSubnetRangeOutsideVnet"),
        ("10.1.2.0/24", "NetcfgSubnetRangesOverlap"),
        ("10.1.4.1/24", "InvalidCIDRNotation"),
        ("10.1.4.0/33", "NetcfgInvalidIPAddressPrefix"),
    ],
)
def test_bad_subnet_prefixes_are_rejected(sdk, vnet, prefix, code):
    with pytest.raises(HttpResponseError) as excinfo:
        body = {"properties": {"addressPrefix": prefix}}
        sdk.network.subnets.begin_create_or_update("rg", "vnet", "bad", body).result()
    assert (excinfo.value.status_code, error_code(excinfo)) == (400, code)


def test_prefix_of_a_subnet_used_by_a_cluster_cannot_change(sdk, vnet):
    cluster = cluster_body(vnet.subnets[0].id)
    sdk.aks.managed_clusters.begin_create_or_update("rg", "aks1", cluster).result()
    with pytest.raises(HttpResponseError) as excinfo:
        body = {"properties": {"addressPrefix": "10.1.0.0/23"}}
        sdk.network.subnets.begin_create_or_update("rg", "vnet", "nodes", body).result()
    assert error_code(excinfo) == "InUsePrefixCannotBeDeleted"
    with pytest.raises(HttpResponseError) as excinfo:
        sdk.network.subnets.begin_delete("rg", "vnet", "nodes").result()
    assert error_code(excinfo) == "InUseSubnetCannotBeDeleted"


def test_missing_parents_and_resources_are_404(sdk, vnet):
    with pytest.raises(ResourceNotFoundError) as excinfo:
        sdk.network.virtual_networks.get("rg", "nope")
    assert error_code(excinfo) == "ResourceNotFound"
    with pytest.raises(ResourceNotFoundError) as excinfo:
        sdk.network.route_tables.begin_create_or_update("norg", "rt", {"location": LOCATION})
    assert error_code(excinfo) == "ResourceGroupNotFound"
    with pytest.raises(ResourceNotFoundError) as excinfo:
        body = {"properties": {"addressPrefix": "10.9.0.0/24"}}
        sdk.network.subnets.begin_create_or_update("rg", "novnet", "a", body)
    assert error_code(excinfo) == "ParentResourceNotFound"


def test_subnet_links_must_exist_and_show_back_references(sdk, vnet):
    rt = sdk.network.route_tables.begin_create_or_update(
        "rg", "rt", {"location": LOCATION}
    ).result()
    body = {"properties": {"addressPrefix": "10.1.4.0/24", "routeTable": {"id": rt.id}}}
    sub = sdk.network.subnets.begin_create_or_update("rg", "vnet", "udr", body).result()
    assert [s.id for s in sdk.network.route_tables.get("rg", "rt").subnets] == [sub.id]
    body["properties"]["natGateway"] = {"id": rt.id.replace("routeTables/rt", "natGateways/none")}
    with pytest.raises(HttpResponseError) as excinfo:
        sdk.network.subnets.begin_create_or_update("rg", "vnet", "udr", body).result()
    assert error_code(excinfo) == "InvalidResourceReference"


def test_delete_is_a_long_running_operation(arm, sdk, vnet):
    arm.faults.lro_seconds = 0.3
    poller = sdk.network.subnets.begin_delete("rg", "vnet", "nodes")
    assert arm.get(f"{vnet.id}/subnets/nodes")["properties"]["provisioningState"] == "Deleting"
    poller.result()
    assert arm.get(f"{vnet.id}/subnets/nodes") is None
    assert arm.writes()[-1].status == 202


def test_deleting_the_resource_group_removes_everything_in_it(arm, sdk, vnet):
    sdk.resource.resource_groups.begin_delete("rg").result()
    assert not sdk.resource.resource_groups.check_existence("rg")
    assert arm.get(vnet.id) is None and arm.get(vnet.subnets[0].id) is None


def test_patch_replaces_tags(sdk, vnet):
    updated = sdk.network.virtual_networks.update_tags("rg", "vnet", {"tags": {"env": "test"}})
    assert updated.tags == {"env": "test"}
    assert updated.address_space.address_prefixes == [VNET_SPACE]


# -- identities and role assignments ---------------------------------------------------------


def test_identity_gets_stable_principal_ids(sdk, vnet):
    created = sdk.msi.user_assigned_identities.create_or_update("rg", "id1", {"location": LOCATION})
    assert created.principal_id and created.client_id and created.tenant_id
    again = sdk.msi.user_assigned_identities.create_or_update(
        "rg", "id1", {"location": LOCATION, "tags": {"a": "b"}}
    )
    assert (again.principal_id, again.client_id) == (created.principal_id, created.client_id)


def test_role_assignment_at_subnet_scope_is_listed_with_inheritance(arm, sdk, vnet):
    principal = sdk.msi.user_assigned_identities.create_or_update(
        "rg", "id1", {"location": LOCATION}
    ).principal_id
    subnet_id = vnet.subnets[0].id
    name = "00000000-0000-0000-0000-0000000000a1"
    created = sdk.auth.role_assignments.create(
        subnet_id, name, assignment(arm, NETWORK_CONTRIBUTOR, principal)
    )
    assert created.scope == subnet_id
    assert created.role_definition_id.endswith(NETWORK_CONTRIBUTOR)
    rg_scope = f"/subscriptions/{arm.subscription_id}/resourceGroups/rg"
    rg_name = "00000000-0000-0000-0000-0000000000a2"
    sdk.auth.role_assignments.create(rg_scope, rg_name, assignment(arm, READER, principal))

    def names(scope: str, filter_: str) -> set[str]:
        return {ra.name for ra in sdk.auth.role_assignments.list_for_scope(scope, filter=filter_)}

    by_principal = f"principalId eq '{principal}'"
    assert names(subnet_id, by_principal) == {name, rg_name}  # inherited from the RG
    assert names(vnet.id, "atScope()") == {rg_name}  # the subnet's is below the VNet
    assert names(vnet.id, by_principal) == {name, rg_name}
    assert names(subnet_id, "principalId eq 'someone-else'") == set()


def test_duplicate_role_assignment_is_409(arm, sdk, vnet):
    scope, principal = vnet.id, "5a7ea3a8-0f4e-4c44-9d2a-000000000001"
    body = assignment(arm, NETWORK_CONTRIBUTOR, principal)
    sdk.auth.role_assignments.create(scope, "00000000-0000-0000-0000-0000000000b1", body)
    again = sdk.auth.role_assignments.create(scope, "00000000-0000-0000-0000-0000000000b1", body)
    assert again.principal_id == principal  # same name, same content: idempotent
    with pytest.raises(ResourceExistsError) as excinfo:
        sdk.auth.role_assignments.create(scope, "00000000-0000-0000-0000-0000000000b2", body)
    assert (excinfo.value.status_code, error_code(excinfo)) == (409, "RoleAssignmentExists")


def test_principal_not_found_during_replication_then_success(arm, sdk, vnet):
    arm.faults.principal_replication_seconds = 0.3
    principal = sdk.msi.user_assigned_identities.create_or_update(
        "rg", "id1", {"location": LOCATION}
    ).principal_id
    body = assignment(arm, NETWORK_CONTRIBUTOR, principal)
    name = "00000000-0000-0000-0000-0000000000c1"
    with pytest.raises(HttpResponseError) as excinfo:
        sdk.auth.role_assignments.create(vnet.id, name, body)
    assert (excinfo.value.status_code, error_code(excinfo)) == (400, "PrincipalNotFound")
    time.sleep(0.35)
    assert sdk.auth.role_assignments.create(vnet.id, name, body).principal_id == principal


def test_role_definitions_and_caller_permissions(arm, sdk, vnet):
    role = sdk.auth.role_definitions.get(vnet.id, NETWORK_CONTRIBUTOR)
    assert role.role_name == "Network Contributor"
    assert "Microsoft.Network/*" in role.permissions[0].actions
    arm.caller_permissions = [{"actions": ["*"], "notActions": ["Microsoft.Authorization/*/Write"]}]
    perms = list(sdk.auth.permissions.list_for_resource_group("rg"))
    assert perms[0].not_actions == ["Microsoft.Authorization/*/Write"]
    with pytest.raises(HttpResponseError) as excinfo:
        body = assignment(arm, CONTRIBUTOR, "5a7ea3a8-0f4e-4c44-9d2a-000000000002")
        sdk.auth.role_assignments.create(vnet.id, "00000000-0000-0000-0000-0000000000d1", body)
    assert (excinfo.value.status_code, error_code(excinfo)) == (403, "AuthorizationFailed")


# -- AKS -------------------------------------------------------------------------------------


def test_cluster_create_polls_until_succeeded(arm, sdk, vnet):
    arm.faults.lro_seconds = 0.3
    started = time.monotonic()
    body = cluster_body(vnet.subnets[0].id)
    poller = sdk.aks.managed_clusters.begin_create_or_update("rg", "aks1", body)
    cluster_id = arm.resource_id("rg", "Microsoft.ContainerService/managedClusters", "aks1")
    assert arm.get(cluster_id)["properties"]["provisioningState"] == "Creating"
    cluster = poller.result()
    assert time.monotonic() - started >= 0.3
    assert cluster.provisioning_state == "Succeeded"
    assert cluster.node_resource_group == f"MC_rg_aks1_{LOCATION}"
    assert cluster.fqdn.startswith("aks1-") and cluster.fqdn.endswith(f".hcp.{LOCATION}.azmk8s.io")
    assert cluster.identity.principal_id and cluster.identity_profile["kubeletidentity"].object_id
    assert cluster.power_state.code == "Running"
    pool = sdk.aks.agent_pools.get("rg", "aks1", "system")
    assert (pool.provisioning_state, pool.vnet_subnet_id) == ("Succeeded", vnet.subnets[0].id)
    polls = [r for r in arm.requests if "/operations/" in r.path]
    assert polls and polls[-1].status == 200


def test_cluster_writes_wait_for_the_running_operation(arm, sdk, vnet):
    arm.faults.lro_seconds = 5
    sdk.aks.managed_clusters.begin_create_or_update("rg", "aks1", cluster_body(vnet.subnets[0].id))
    pool = {"properties": {"count": 1, "vmSize": "Standard_D4s_v5", "mode": "User"}}
    with pytest.raises(ResourceExistsError) as excinfo:
        sdk.aks.agent_pools.begin_create_or_update("rg", "aks1", "user1", pool)
    assert error_code(excinfo) == "OperationNotAllowed"


def test_cluster_on_a_missing_subnet_or_overlapping_services_is_rejected(sdk, vnet):
    missing = vnet.subnets[0].id.replace("/nodes", "/nope")
    with pytest.raises(HttpResponseError) as excinfo:
        sdk.aks.managed_clusters.begin_create_or_update("rg", "aks1", cluster_body(missing))
    assert (excinfo.value.status_code, error_code(excinfo)) == (400, "SubnetNotFound")
    overlapping = cluster_body(vnet.subnets[0].id, serviceCidr="10.1.0.0/16")
    with pytest.raises(HttpResponseError) as excinfo:
        sdk.aks.managed_clusters.begin_create_or_update("rg", "aks1", overlapping)
    assert error_code(excinfo) == "ServiceCidrOverlapExistingSubnetsCidr"


def test_failed_operation_surfaces_from_the_poller(arm, sdk, vnet):
    arm.faults.add(
        kind="lro_fail", method="PUT", path_contains="managedClusters", code="QuotaExceeded"
    )
    poller = sdk.aks.managed_clusters.begin_create_or_update("rg", "aks1", cluster_body())
    with pytest.raises(HttpResponseError, match="QuotaExceeded"):
        poller.result()
