"""One test per live rule: the existing resources are planted in the fake Resource Manager and
the checks read them through the real clients (plan --live / apply --dry-run path)."""

from __future__ import annotations

import dataclasses
from collections import Counter

import pytest

from generator.provision.runner import azure_backend
from tests.fakearm import DEFAULT_SUBSCRIPTION, NETWORK_CONTRIBUTOR

from .helpers import Recased, apply, changes_of, findings_of, plan_for

SUB = DEFAULT_SUBSCRIPTION
NET_RG = f"/subscriptions/{SUB}/resourceGroups/rg-net"
VNET_ID = f"{NET_RG}/providers/Microsoft.Network/virtualNetworks/vnet-byo"
NODES_ID = f"{VNET_ID}/subnets/nodes"
PODS_ID = f"{VNET_ID}/subnets/pods"
API_ID = f"{VNET_ID}/subnets/apiserver"
RT_ID = f"{NET_RG}/providers/Microsoft.Network/routeTables/rt-byo"
NSG_ID = f"{NET_RG}/providers/Microsoft.Network/networkSecurityGroups/nsg-byo"
UAMI_ID = f"{NET_RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-byo"


@pytest.fixture
def azure(options):
    backend = azure_backend(options)
    yield backend
    backend.close()


def byo(**network):
    """An overlay intent on the existing VNet vnet-byo (10.150.0.0/16), node subnet given by id."""
    base = {"vnet": {"id": VNET_ID, "addressSpace": ["10.150.0.0/16"]},
            "nodeSubnet": {"id": NODES_ID, "prefix": "10.150.4.0/22"}}
    return {**base, **network}


def plant_network(arm, location="eastus2", nodes=None, others=(), space="10.150.0.0/16"):
    arm.plant_resource_group("rg-net", location)
    subnets = [{"name": "nodes", "properties": {"addressPrefix": "10.150.4.0/22", **(nodes or {})}}]
    subnets += list(others)
    arm.plant(VNET_ID, {"location": location, "properties": {
        "addressSpace": {"addressPrefixes": [space]}, "subnets": subnets}})


def plant_cluster(arm, name, pools, plugin="azure"):
    arm.plant_resource_group("rg-other", "eastus2")
    cid = arm.resource_id("rg-other", "Microsoft.ContainerService/managedClusters", name)
    arm.plant(cid, {"location": "eastus2", "identity": {"type": "SystemAssigned"}, "properties": {
        "dnsPrefix": name, "networkProfile": {"networkPlugin": plugin},
        "agentPoolProfiles": [{"name": "pool", "mode": "System", "count": 1, **p} for p in pools]}})


def rules(found, severity=None) -> set[str]:
    return {r for r, _, s in found if severity in (None, s)}


def configs(n: int) -> list[dict]:
    nic = f"{NET_RG}/providers/Microsoft.Network/networkInterfaces/vm"
    return [{"id": f"{nic}{i}/ipConfigurations/ipconfig1"} for i in range(n)]


# --- NET-RANGE-011, NET-RANGE-010 ---------------------------------------------------------------


def test_range_011_vnet_in_another_region(arm, azure):
    plant_network(arm, location="westeurope")
    found = findings_of(plan_for(network=byo()), azure)
    assert ("NET-RANGE-011", "network.vnet.id", "error") in found
    arm.remove(VNET_ID)
    found = findings_of(plan_for(network=byo()), azure)
    assert {("NET-RANGE-011", "network.vnet.id", "error"),
            ("NET-RANGE-011", "network.nodeSubnet.id", "error")} <= found


def test_range_011_same_region_is_clean(arm, azure):
    plant_network(arm)
    assert rules(findings_of(plan_for(network=byo()), azure), "error") == set()


def test_range_010_new_subnet_outside_or_over_the_live_vnet(arm, azure):
    plant_network(arm, space="10.160.0.0/16")  # the intent still believes 10.150.0.0/16
    new_subnet = byo(nodeSubnet={"prefix": "10.150.8.0/24"})
    found = findings_of(plan_for(network=new_subnet), azure)
    assert ("NET-RANGE-010", "network.nodeSubnet.prefix", "error") in found
    arm.remove(VNET_ID)
    plant_network(arm, others=[{"name": "jump", "properties": {"addressPrefix": "10.150.8.0/25"}}])
    found = findings_of(plan_for(network=new_subnet), azure)
    assert ("NET-RANGE-010", "network.nodeSubnet.prefix", "error") in found


# --- NET-SUBNET-001..004 and free addresses ---------------------------------------------------


def test_subnet_001_node_subnet_delegated(arm, azure):
    plant_network(arm, nodes={"delegations": [{"name": "d", "properties": {
        "serviceName": "Microsoft.Web/serverFarms"}}]})
    assert ("NET-SUBNET-001", "network.nodeSubnet.id", "error") in findings_of(
        plan_for(network=byo()), azure)


def pod_subnet_intent(allocation="dynamic"):
    return byo(model="pod-subnet", podSubnet={"id": PODS_ID, "prefix": "10.150.8.0/22",
                                              "allocation": allocation})


@pytest.mark.parametrize(("pods", "expected"), [
    ({"delegations": [{"name": "d", "properties": {"serviceName": "Microsoft.Web/serverFarms"}}]},
     ("NET-SUBNET-002", "network.podSubnet.id", "error")),
    ({"delegations": [{"name": "aks", "properties": {
        "serviceName": "Microsoft.ContainerService/managedClusters"}}]},
     ("NET-SUBNET-002", "network.podSubnet.id", "info")),
    ({"ipConfigurations": configs(2)}, ("NET-SUBNET-002", "network.podSubnet.id", "error")),
])
def test_subnet_002_pod_subnet_delegation_and_contents(arm, azure, pods, expected):
    plant_network(arm, others=[{"name": "pods", "properties": {"addressPrefix": "10.150.8.0/22",
                                                                **pods}}])
    found = findings_of(plan_for(network=pod_subnet_intent()), azure)
    assert expected in found
    assert {f for f in found if f[0] == "NET-SUBNET-002"} == {expected}


def test_subnet_003_pod_subnet_used_in_the_other_allocation_mode(arm, azure):
    plant_network(arm, others=[{"name": "pods", "properties": {"addressPrefix": "10.150.8.0/22"}},
                               {"name": "other", "properties": {"addressPrefix": "10.150.0.0/24"}}])
    plant_cluster(arm, "static", [{"vnetSubnetID": f"{VNET_ID}/subnets/other",
                                   "podSubnetID": PODS_ID, "podIPAllocationMode": "StaticBlock"}])
    found = findings_of(plan_for(network=pod_subnet_intent("dynamic")), azure)
    assert ("NET-SUBNET-003", "network.podSubnet.id", "error") in found
    found = findings_of(plan_for(network=pod_subnet_intent("static-block")), azure)
    assert "NET-SUBNET-003" not in rules(found)


def test_subnet_004_kubenet_subnet_serves_one_cluster(arm, azure):
    plant_network(arm)
    plant_cluster(arm, "old", [{"vnetSubnetID": NODES_ID}], plugin="kubenet")
    found = findings_of(plan_for(network=byo(model="kubenet")), azure)
    assert ("NET-SUBNET-004", "network.nodeSubnet.id", "error") in found
    assert "NET-SUBNET-004" not in rules(findings_of(plan_for(network=byo()), azure))


def test_size_003_and_007_too_few_free_addresses(arm, azure):
    plant_network(arm, nodes={"addressPrefix": "10.150.4.0/28", "ipConfigurations": configs(9)},
                  others=[{"name": "pods", "properties": {"addressPrefix": "10.150.8.0/24",
                                                          "ipConfigurations": configs(200)}}])
    small = byo(nodeSubnet={"id": NODES_ID, "prefix": "10.150.4.0/28"})
    found = findings_of(plan_for(network=small), azure)
    assert ("NET-SIZE-003", "network.nodeSubnet.id", "error") in found  # 2 free, 4 needed
    pods = {**small, "model": "pod-subnet",
            "podSubnet": {"id": PODS_ID, "prefix": "10.150.8.0/24"}}
    found = findings_of(plan_for(network=pods), azure)
    assert ("NET-SIZE-007", "network.podSubnet.id", "error") in found  # 51 free, 64 needed


# --- NET-RT-001, NET-RT-002 -------------------------------------------------------------------


def plant_route_table(arm):
    arm.plant_resource_group("rg-net", "eastus2")
    arm.plant(RT_ID, {"location": "eastus2", "properties": {}})


def test_rt_001_given_route_table_must_be_attached(arm, azure):
    plant_network(arm)
    intent = byo(model="kubenet", routeTable={"id": RT_ID})
    found = findings_of(plan_for(network=intent), azure)
    assert ("NET-RT-001", "network.routeTable.id", "error") in found  # missing
    plant_route_table(arm)
    found = findings_of(plan_for(network=intent), azure)
    assert ("NET-RT-001", "network.routeTable.id", "error") in found  # not attached
    arm.plant(NODES_ID, {"properties": {"addressPrefix": "10.150.4.0/22",
                                        "routeTable": {"id": RT_ID}}})
    assert "NET-RT-001" not in rules(findings_of(plan_for(network=intent), azure), "error")


def test_rt_002_route_table_serves_one_cluster(arm, azure):
    plant_route_table(arm)
    plant_network(arm, nodes={"routeTable": {"id": RT_ID}}, others=[
        {"name": "theirs", "properties": {"addressPrefix": "10.150.0.0/24",
                                          "routeTable": {"id": RT_ID}}}])
    plant_cluster(arm, "neighbour", [{"vnetSubnetID": f"{VNET_ID}/subnets/theirs"}], "kubenet")
    found = findings_of(plan_for(network=byo(model="kubenet", routeTable={"id": RT_ID})), azure)
    assert ("NET-RT-002", "network.routeTable.id", "error") in found


# --- NET-NSG-001, NET-NSG-002 -----------------------------------------------------------------


def rule_(name, priority, access, direction="Inbound", source="*", dest="*", port="*",
          protocol="*"):
    return {"name": name, "properties": {
        "priority": priority, "access": access, "direction": direction, "protocol": protocol,
        "sourceAddressPrefix": source, "destinationAddressPrefix": dest,
        "sourcePortRange": "*", "destinationPortRange": port}}


@pytest.mark.parametrize(("rules_", "severities"), [
    ([], {"info"}),
    ([rule_("deny-all", 200, "Deny")], {"info", "error"}),
    ([rule_("allow-vnet", 100, "Allow"), rule_("deny-all", 200, "Deny")], {"info"}),
    ([rule_("ssh-only", 100, "Allow", port="22"), rule_("deny-all", 200, "Deny")],
     {"info", "error"}),
    ([rule_("deny-internet", 100, "Deny", source="Internet")], {"info"}),
])
def test_nsg_001_intra_cluster_traffic(arm, azure, rules_, severities):
    arm.plant_resource_group("rg-net", "eastus2")
    arm.plant(NSG_ID, {"location": "eastus2", "properties": {"securityRules": rules_}})
    plant_network(arm, nodes={"networkSecurityGroup": {"id": NSG_ID}})
    found = findings_of(plan_for(network=byo()), azure)
    assert {s for r, _, s in found if r == "NET-NSG-001"} == severities


def test_nsg_002_api_server_subnet(arm, azure):
    arm.plant_resource_group("rg-net", "eastus2")
    arm.plant(NSG_ID, {"location": "eastus2", "properties": {"securityRules": [
        rule_("no-https", 100, "Deny", port="443", protocol="Tcp")]}})
    plant_network(arm, others=[{"name": "apiserver", "properties": {
        "addressPrefix": "10.150.1.0/28", "networkSecurityGroup": {"id": NSG_ID},
        "delegations": [{"name": "aks", "properties": {
            "serviceName": "Microsoft.ContainerService/managedClusters"}}]}}])
    intent = byo(apiServerSubnet={"id": API_ID, "prefix": "10.150.1.0/28"})
    found = findings_of(plan_for(network=intent, features={"apiServerVnetIntegration": True}),
                        azure)
    assert ("NET-NSG-002", "network.apiServerSubnet.id", "error") in found
    assert "NET-NSG-001" not in rules(found)


# --- NET-IAM-001, NET-IAM-002, NET-IAM-007 ----------------------------------------------------


def without_assignments(plan):
    kept = tuple(r for r in plan.resources if not r.type.endswith("roleAssignments"))
    return dataclasses.replace(plan, resources=kept)


def plant_identity(arm) -> str:
    return arm.plant(UAMI_ID, {"location": "eastus2"})["properties"]["principalId"]


def grant(arm, scope, role_guid, principal, name):
    role = f"/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/{role_guid}"
    arm.plant(f"{scope}/providers/Microsoft.Authorization/roleAssignments/{name}", {
        "properties": {"roleDefinitionId": role, "principalId": principal,
                       "principalType": "ServicePrincipal"}})


def test_iam_001_002_identity_rights_on_the_subnet(arm, azure):
    plant_network(arm)
    principal = plant_identity(arm)
    plan = plan_for(network=byo(), identity={"id": UAMI_ID})
    assert rules(findings_of(plan, azure), "error") == set()  # aksnet grants it in this apply
    bare = without_assignments(plan)  # rights expected from elsewhere
    assert ("NET-IAM-001", "network.nodeSubnet.id", "error") in findings_of(bare, azure)
    join_only = "6a1c2b3d-0000-4000-8000-000000000001"
    arm.plant(f"{NET_RG}/providers/Microsoft.Authorization/roleDefinitions/{join_only}", {
        "properties": {"roleName": "join only", "type": "CustomRole", "assignableScopes": [NET_RG],
                       "permissions": [{"actions": [
                           "Microsoft.Network/virtualNetworks/subnets/join/action"]}]}})
    grant(arm, VNET_ID, join_only, principal, "6a1c2b3d-0000-4000-8000-0000000000a1")
    found = findings_of(bare, azure)
    assert ("NET-IAM-002", "network.nodeSubnet.id", "error") in found
    assert "NET-IAM-001" not in rules(found)
    grant(arm, NET_RG, NETWORK_CONTRIBUTOR, principal, "6a1c2b3d-0000-4000-8000-0000000000a2")
    assert {"NET-IAM-001", "NET-IAM-002"}.isdisjoint(rules(findings_of(bare, azure)))


def test_iam_007_caller_permissions(arm, options, azure):
    plant_network(arm)
    arm.caller_permissions = [{"actions": ["*"], "notActions": [
        "Microsoft.Authorization/*/Write",
        "Microsoft.Network/virtualNetworks/subnets/join/action"]}]
    plan = plan_for(network=byo())
    found = findings_of(plan, azure)
    iam = {(r, p) for r, p, s in found if r == "NET-IAM-007" and s == "error"}
    assert iam == {("NET-IAM-007", "resourceGroup"), ("NET-IAM-007", "network.nodeSubnet.id")}
    run = apply(plan, options=options)
    assert run.code == 1
    assert arm.writes() == []


# --- NET-EGRESS-005 ---------------------------------------------------------------------------


def test_egress_005_nat_gateway_attached_before_create(arm, azure):
    plant_network(arm)
    intent = byo(outbound={"type": "userAssignedNATGateway"})
    assert ("NET-EGRESS-005", "network.nodeSubnet.id", "error") in findings_of(
        plan_for(network=intent), azure)
    nat = f"{NET_RG}/providers/Microsoft.Network/natGateways/ng"
    arm.plant(nat, {"location": "eastus2", "sku": {"name": "Standard"}, "properties": {}})
    arm.plant(NODES_ID, {"properties": {"addressPrefix": "10.150.4.0/22",
                                        "natGateway": {"id": nat}}})
    assert "NET-EGRESS-005" not in rules(findings_of(plan_for(network=intent), azure))


# --- changes to an existing cluster -------------------------------------------------------------

CHANGES = {
    "NET-SVC-006 service CIDR": (
        {}, {"network": {"serviceCidr": "10.1.0.0/16", "dnsServiceIp": "10.1.0.10"}},
        {("NET-SVC-006", "network.serviceCidr", "error"),
         ("NET-SVC-006", "network.dnsServiceIp", "error")}),
    "NET-SIZE-011 pod CIDR grows": (
        {}, {"network": {"podCidr": "10.244.0.0/15"}}, set()),
    "NET-SIZE-011 pod CIDR moves": (
        {}, {"network": {"podCidr": "10.100.0.0/16"}},
        {("NET-SIZE-011", "network.podCidr", "error")}),
    "NET-MIG-002 kubenet to overlay": (
        {"network": {"model": "kubenet"}}, {},
        {("NET-MIG-002", "network.model", "warning")}),
    "NET-MIG-002 kubenet with calico": (
        {"network": {"model": "kubenet", "policy": "calico"}}, {"network": {"policy": "calico"}},
        {("NET-MIG-002", "network.model", "error")}),
    "NET-MIG-002 dynamic pod subnet to overlay": (
        {"network": {"model": "pod-subnet"}}, {},
        {("NET-MIG-002", "network.model", "error")}),
    "NET-MIG-003 to cilium": (
        {}, {"network": {"dataplane": "cilium", "policy": "cilium"}},
        {("NET-MIG-003", "network.dataplane", "warning")}),
    "NET-MIG-003 back from cilium": (
        {"network": {"dataplane": "cilium"}}, {"network": {"policy": "none"}},
        {("NET-MIG-003", "network.dataplane", "error")}),
    "NET-MIG-004 into static block": (
        {"network": {"model": "pod-subnet"}},
        {"network": {"model": "pod-subnet", "podSubnet": {"allocation": "static-block"}}},
        {("NET-MIG-004", "network.podSubnet.allocation", "error")}),
    "NET-PODS-004 maxPods": (
        {}, {"nodePools": [{"name": "system", "mode": "System", "count": 3, "maxPods": 60}]},
        {("NET-PODS-004", "nodePools[0].maxPods", "error")}),
    "NET-EGRESS-010 lb to udr": (
        {}, {"network": {"outbound": {"type": "userDefinedRouting", "nextHopIp": "10.9.0.4"}}},
        {("NET-EGRESS-010", "network.outbound.type", "warning")}),
    "NET-EGRESS-010 managed NAT to NAT gateway": (
        {"network": {"vnet": {"managed": True}, "outbound": {"type": "managedNATGateway"}}},
        {"network": {"vnet": {"managed": True},
                     "outbound": {"type": "userAssignedNATGateway"}}},
        {("NET-EGRESS-010", "network.outbound.type", "error")}),
}
LIVE_CHANGE_RULES = ("NET-SVC-006", "NET-SIZE-006", "NET-SIZE-011", "NET-MIG-002", "NET-MIG-003",
                     "NET-MIG-004", "NET-PODS-004", "NET-EGRESS-010", "NET-IAM-001")


@pytest.mark.parametrize(("before", "after", "expected"), CHANGES.values(), ids=CHANGES.keys())
def test_changes_to_an_existing_cluster(arm, options, azure, before, after, expected):
    assert apply(plan_for(**before), options=options).code == 0
    arm.reset_log()
    plan = plan_for(**after)
    found = {f for f in findings_of(plan, azure) if f[0] in LIVE_CHANGE_RULES}
    assert found == expected
    run = apply(plan, options=options, dry_run=True)
    action = run.actions()["base"]
    assert action == ("refused" if any(s == "error" for *_, s in expected) else "update")
    assert arm.writes() == []


# --- NET-EGRESS-006 ---------------------------------------------------------------------------


@pytest.mark.parametrize(("routes", "clean"), [
    (None, False),  # no route table on the subnet
    ([{"name": "out", "properties": {"addressPrefix": "0.0.0.0/0", "nextHopType": "Internet"}}],
     False),
    ([{"name": "out", "properties": {"addressPrefix": "0.0.0.0/0",
                                     "nextHopType": "VirtualAppliance",
                                     "nextHopIpAddress": "10.1.0.4"}}], True),
])
def test_egress_006_udr_default_route_on_an_existing_subnet(arm, azure, routes, clean):
    nodes = {}
    if routes is not None:
        plant_route_table(arm)
        arm.plant(RT_ID, {"location": "eastus2", "properties": {"routes": routes}})
        nodes = {"routeTable": {"id": RT_ID}}
    plant_network(arm, nodes=nodes)
    intent = byo(outbound={"type": "userDefinedRouting", "nextHopIp": "10.1.0.4"})
    found = findings_of(plan_for(network=intent), azure)
    assert (("NET-EGRESS-006", "network.nodeSubnet.id", "error") not in found) is clean


def test_iam_007_links_need_join_rights(arm, azure):
    arm.caller_permissions = [{"actions": ["*"], "notActions": [
        "Microsoft.Network/routeTables/join/action"]}]
    found = findings_of(plan_for(network={"model": "kubenet"}), azure)
    messages = [f for f in found if f[0] == "NET-IAM-007"]
    assert messages == [("NET-IAM-007", "resourceGroup", "error")]


# --- role definitions: read once per run --------------------------------------------------------

JOIN_ONLY = "6a1c2b3d-0000-4000-8000-000000000001"


def plant_join_only_role(arm) -> None:
    arm.plant(f"{NET_RG}/providers/Microsoft.Authorization/roleDefinitions/{JOIN_ONLY}", {
        "properties": {"roleName": "join only", "type": "CustomRole", "assignableScopes": [NET_RG],
                       "permissions": [{"actions": [
                           "Microsoft.Network/virtualNetworks/subnets/join/action"]}]}})


@pytest.mark.parametrize("role", ["least-privilege", "network-contributor"])
def test_each_role_definition_is_read_once_for_two_subnets(arm, azure, role):
    plant_network(arm, others=[{"name": "pods", "properties": {"addressPrefix": "10.150.8.0/22"}}])
    principal = plant_identity(arm)
    plant_join_only_role(arm)
    grant(arm, VNET_ID, JOIN_ONLY, principal, "6a1c2b3d-0000-4000-8000-0000000000a1")
    grant(arm, NET_RG, NETWORK_CONTRIBUTOR, principal, "6a1c2b3d-0000-4000-8000-0000000000a2")
    arm.reset_log()
    # network-contributor: the plan assigns Network Contributor too (a plan resource read_all
    # reads); least-privilege: it writes its own role.
    plan = plan_for(network=pod_subnet_intent(), identity={"id": UAMI_ID, "subnetRole": role})
    assert rules(findings_of(plan, azure), "error") == set()
    gets = [r.path.lower() for r in arm.requests if r.method == "GET"]
    # Both subnets were checked: the identity's assignments were listed at each ...
    assert {NODES_ID.lower(), PODS_ID.lower()} <= {
        p.split("/providers/microsoft.authorization/roleassignments")[0] for p in gets}
    # ... yet each definition was read once: the plan's own by read_all, the assigned ones by
    # the first subnet's check.
    reads = Counter(p.rsplit("/", 1)[-1] for p in gets if "/roledefinitions/" in p)
    assert {NETWORK_CONTRIBUTOR, JOIN_ONLY} <= reads.keys()
    assert set(reads.values()) == {1}


# --- answers in another case --------------------------------------------------------------------
# Azure spells property names and ids differently across API versions (AddressPrefix,
# resourcegroups, Providers): every check must read them alike.


def subnets_case(arm):
    arm.plant_resource_group("rg-net", "westeurope")
    arm.plant(NSG_ID, {"location": "westeurope", "properties": {"securityRules": [
        rule_("deny-all", 200, "Deny")]}})
    plant_network(arm, location="westeurope", nodes={
        "addressPrefix": "10.150.4.0/28", "ipConfigurations": configs(9),
        "networkSecurityGroup": {"id": NSG_ID},
        "delegations": [{"name": "d", "properties": {"serviceName": "Microsoft.Web/serverFarms"}}]})
    # the intent states /22, Azure holds /28 with 9 addresses used
    return plan_for(network=byo()), {"NET-RANGE-011", "NET-RANGE-010", "NET-SUBNET-001",
                                     "NET-SIZE-003", "NET-NSG-001"}


def clusters_case(arm):
    plant_route_table(arm)
    plant_network(arm, nodes={"routeTable": {"id": RT_ID}}, others=[
        {"name": "theirs", "properties": {"addressPrefix": "10.150.0.0/24",
                                          "routeTable": {"id": RT_ID}}}])
    plant_cluster(arm, "neighbour", [{"vnetSubnetID": f"{VNET_ID}/subnets/theirs"}], "kubenet")
    plant_cluster(arm, "old", [{"vnetSubnetID": NODES_ID}], "kubenet")
    plan = plan_for(network=byo(model="kubenet", routeTable={"id": RT_ID}))
    return plan, {"NET-RT-002", "NET-SUBNET-004"}


def pod_subnet_case(arm):
    nat = f"{NET_RG}/providers/Microsoft.Network/natGateways/ng"
    arm.plant_resource_group("rg-net", "eastus2")
    arm.plant(nat, {"location": "eastus2", "sku": {"name": "Standard"}, "properties": {}})
    plant_network(arm, nodes={"natGateway": {"id": nat}}, others=[
        {"name": "pods", "properties": {"addressPrefix": "10.150.8.0/22", "delegations": [
            {"name": "d", "properties": {"serviceName": "Microsoft.Web/serverFarms"}}]}},
        {"name": "other", "properties": {"addressPrefix": "10.150.0.0/24"}}])
    plant_cluster(arm, "static", [{"vnetSubnetID": f"{VNET_ID}/subnets/other",
                                   "podSubnetID": PODS_ID, "podIPAllocationMode": "StaticBlock"}])
    intent = {**pod_subnet_intent(), "outbound": {"type": "userAssignedNATGateway"}}
    return plan_for(network=intent), {"NET-SUBNET-002", "NET-SUBNET-003", "NET-EGRESS-005"}


def egress_case(arm):
    """Clean, and only when the route table and its default route are read."""
    plant_route_table(arm)
    route = {"name": "out", "properties": {"addressPrefix": "0.0.0.0/0",
                                           "nextHopType": "VirtualAppliance"}}
    arm.plant(RT_ID, {"location": "eastus2", "properties": {"routes": [route]}})
    plant_network(arm, nodes={"routeTable": {"id": RT_ID}})
    intent = byo(outbound={"type": "userDefinedRouting", "nextHopIp": "10.1.0.4"})
    return plan_for(network=intent), set()


def access_case(arm):
    plant_network(arm)
    principal = plant_identity(arm)
    plant_join_only_role(arm)
    grant(arm, VNET_ID, JOIN_ONLY, principal, "6a1c2b3d-0000-4000-8000-0000000000a1")
    arm.caller_permissions = [{"actions": ["*"], "notActions": [
        "Microsoft.Network/virtualNetworks/subnets/join/action"]}]
    plan = without_assignments(plan_for(network=byo(), identity={"id": UAMI_ID}))
    return plan, {"NET-IAM-002", "NET-IAM-007"}


@pytest.mark.parametrize("case", [subnets_case, clusters_case, pod_subnet_case, egress_case,
                                  access_case])
def test_live_checks_read_answers_in_any_case(arm, azure, case):
    plan, expected = case(arm)
    found = findings_of(plan, azure)
    assert expected <= rules(found)
    assert findings_of(plan, Recased(azure)) == found


def test_diff_reads_answers_in_any_case(arm, options, azure):
    assert apply(plan_for(), options=options).code == 0
    assert set(changes_of(plan_for(), Recased(azure)).values()) == {("no-op", ())}
    refused = plan_for(nodePools=[{"name": "system", "mode": "System", "count": 3,
                                   "maxPods": 60}])  # NET-PODS-004: the live pool has 110
    assert changes_of(refused, Recased(azure))["base"] == ("refused", ("nodePools[0].maxPods",))
    assert findings_of(refused, Recased(azure)) == findings_of(refused, azure)
