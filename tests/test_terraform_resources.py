"""Terraform target: how plan resources map to azurerm (existing resources, roles, ordering)."""

from __future__ import annotations

import re

import pytest

from tests import test_terraform
from tests.conftest import intent_data, plan_of
from tests.test_terraform import ALL, Module

cases = test_terraform.cases  # the session fixture: every sample and variant, rendered

_REF = re.compile(r"\b(?:data\.)?(?:azurerm|azapi)_[a-z_]+\.[a-z0-9_]+")


def dependencies(module: Module, address: str) -> set[str]:
    """Everything `address` waits for: references and depends_on, transitively."""
    seen, todo = set(), [address]
    while todo:
        node = todo.pop()
        for found in _REF.findall(repr(module.blocks.get(node, {}))):
            if found not in seen and found != node:
                seen.add(found)
                todo.append(found)
    return seen


def cluster_address(module: Module) -> str:
    return next(a for a in module.blocks
                if a.startswith(("azurerm_kubernetes_cluster.", "azapi_resource.")))


@pytest.mark.parametrize("name", ALL)
def test_existing_resources_are_data_sources(cases, name):
    plan, module = cases[name].plan, Module(cases[name].files)
    for res in plan.resources:
        if not res.existing or res.type.endswith("roleDefinitions"):
            continue
        parts = res.existing_id.split("/")
        found = [a for a in module.blocks if a.startswith("data.")
                 and module.value(module.blocks[a].get("name")) == parts[-1]]
        assert len(found) == 1, f"{res.ref} should be one data source"
        assert module.value(module.blocks[found[0]]["resource_group_name"]) == parts[4]
        created = [a for a, b in module.blocks.items() if not a.startswith("data.")
                   and module.value(b.get("name")) == parts[-1]]
        assert not created, f"{res.ref} is given by id but a resource creates it"


@pytest.mark.parametrize("name", ALL)
def test_role_assignments_follow_the_plan(cases, name):
    plan, module = cases[name].plan, Module(cases[name].files)
    written = {module.value(b["name"]): b
               for b in module.of_type("azurerm_role_assignment").values()}
    planned = plan.of_type("Microsoft.Authorization/roleAssignments")
    assert sorted(written) == sorted(r.name for r in planned)
    for res in planned:
        scope = plan.resource(res.scope.ref)
        assert module.value(written[res.name]["scope"]).endswith(f":{scope.short_name}")
    for res in plan.of_type("Microsoft.Authorization/roleDefinitions"):
        if res.existing:  # built-in Network Contributor: its id, never a new definition
            assert not module.of_type("azurerm_role_definition")
            for block in written.values():
                assert res.existing_id.rsplit("/", 1)[1] in block["role_definition_id"]
            continue
        (definition,) = module.of_type("azurerm_role_definition").values()
        assert module.value(definition["role_definition_id"]) == res.name
        actions = module.value(definition["permissions"][0]["actions"])
        assert actions == res.properties["permissions"][0]["actions"] == list(
            plan.identity.role_actions)


@pytest.mark.parametrize("name", ALL)
def test_cluster_waits_for_its_prerequisites(cases, name):
    plan, module = cases[name].plan, Module(cases[name].files)
    cluster = cluster_address(module)
    before = dependencies(module, cluster)
    must = [a for a in module.blocks if a.split(".")[0] in (
        "azurerm_subnet_route_table_association", "azurerm_subnet_nat_gateway_association",
        "azurerm_nat_gateway_public_ip_association", "azurerm_route")]
    if plan.by_symbol("identity"):  # user-assigned: its rights come first (NET-IAM)
        must += list(module.of_type("azurerm_role_assignment"))
    else:  # system-assigned: the assignments use the cluster's own identity, so come after
        for address in module.of_type("azurerm_role_assignment"):
            assert cluster in dependencies(module, address)
        for pool in module.of_type("azurerm_kubernetes_cluster_node_pool"):  # pools added later
            assert set(module.of_type("azurerm_role_assignment")) <= dependencies(module, pool)
    missing = sorted(set(must) - before)
    assert not missing, f"{cluster} does not wait for {missing}"


def test_managed_vnet_has_no_network_resources(cases):
    module = Module(cases["managed-nat"].files)
    assert not [a for a in module.blocks if "subnet" in a or "virtual_network" in a]
    assert "vnet_subnet_id" not in cases["managed-nat"].files["main.tf"]
    assert "nat_gateway_profile {" in cases["managed-nat"].files["main.tf"]


def test_static_block_renders_through_azapi(cases):
    case = cases["pod-subnet-static"]
    module = Module(case.files)
    assert not module.of_type("azurerm_kubernetes_cluster")
    (cluster,) = module.of_type("azapi_resource").values()
    body = module.value(cluster["body"])
    assert {p["podIPAllocationMode"] for p in body["properties"]["agentPoolProfiles"]} == {
        "StaticBlock"}
    assert 'source  = "Azure/azapi"' in case.files["versions.tf"]
    assert 'provider "azapi"' in case.files["providers.tf"]
    assert "azapi" not in cases["overlay"].files["versions.tf"]


def test_only_missing_arguments_pick_azapi(cases):
    azapi = {name for name, case in cases.items() if "azapi_resource" in case.files["main.tf"]}
    assert azapi == {"pod-subnet-static", "node-auto-provisioning", "vm-pool"}


def test_kubenet_route_table_is_attached_before_the_cluster(cases):
    module = Module(cases["kubenet"].files)
    (association,) = module.of_type("azurerm_subnet_route_table_association")
    cluster = module.blocks["azurerm_kubernetes_cluster.cluster"]
    assert f"${{{association}}}" in cluster["depends_on"]


def test_udr_route_points_at_the_next_hop(cases):
    module = Module(cases["udr-firewall"].files)
    (route,) = module.of_type("azurerm_route").values()
    assert module.value(route["address_prefix"]) == "0.0.0.0/0"
    assert module.value(route["next_hop_type"]) == "VirtualAppliance"
    assert module.value(route["next_hop_in_ip_address"]) == "10.1.0.4"


def test_dual_stack_subnet_has_the_ipv6_prefix(cases):
    plan, module = cases["dual-stack"].plan, Module(cases["dual-stack"].files)
    (subnet,) = module.of_type("azurerm_subnet").values()
    node = plan.network.node_subnet
    assert module.value(subnet["address_prefixes"]) == [node.prefix, node.ipv6_prefix]


def test_api_server_subnet_is_delegated(cases):
    module = Module(cases["api-server-subnet"].files)
    subnet = module.blocks["azurerm_subnet.api_server_subnet"]
    delegation = subnet["delegation"][0]["service_delegation"][0]
    assert module.value(delegation["name"]) == "Microsoft.ContainerService/managedClusters"


def test_subnet_in_an_existing_vnet_uses_its_subscription(cases):
    files = cases["subnet-in-existing-vnet"].files
    assert 'subscription_id = "11111111-1111-1111-1111-111111111111"' in files["providers.tf"]
    module = Module(files)
    assert module.blocks["azurerm_subnet.node_subnet"]["provider"] == "${azurerm.existing}"


def test_no_secrets_and_no_subscription_default(cases):
    for case in cases.values():
        text = "\n".join(case.files.values()).lower()
        for word in ("password", "client_secret", "secret =", "access_key", "token"):
            assert word not in text, (case.name, word)
        assert "subscription_id" not in case.files["terraform.tfvars"].split("\n", 2)[2]


def test_cilium_on_node_subnet_is_refused():
    from generator.render import render

    _, plan = plan_of(intent_data(network={"model": "node-subnet", "dataplane": "cilium",
                                           "podCidr": None}))
    rendered = render(plan, "terraform", "cilium.yaml")
    assert rendered.files == {}
    assert [(f.rule, f.path, str(f.severity)) for f in rendered.findings] == [
        ("NET-MAP-002", "network.dataplane", "error")]


def test_preview_outbound_types_are_refused():
    from generator.targets.terraform import constraints

    _, plan = plan_of(intent_data(network={"outbound": {"type": "block"}},
                                  features={"preview": True}))
    assert [(f.rule, f.path) for f in constraints(plan, "x.yaml")] == [
        ("NET-MAP-001", "network.outbound.type")]
