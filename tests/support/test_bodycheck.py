"""Tests for the request-body checker (tests/support/bodycheck.py, armtypes.py).

Every check that something is clean is paired with one that the same machinery reports a
planted fault, so a checker that silently accepts everything fails here.
"""

from __future__ import annotations

import copy
import json
import typing
from pathlib import Path

import pytest

from . import bodycheck
from .armtypes import ARM_TYPES, TypeNode, resolve_annotation, subtype_for, table_for
from .bodycheck import Expression, Problem, check_body, is_expression, main, model_for

EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "arm-examples"

AKS = "Microsoft.ContainerService/managedClusters"
POOL = "Microsoft.ContainerService/managedClusters/agentPools"
VNET = "Microsoft.Network/virtualNetworks"
SUBNET = "Microsoft.Network/virtualNetworks/subnets"
RT = "Microsoft.Network/routeTables"
ROUTE = "Microsoft.Network/routeTables/routes"
NAT = "Microsoft.Network/natGateways"
PIP = "Microsoft.Network/publicIPAddresses"
NSG = "Microsoft.Network/networkSecurityGroups"
UAMI = "Microsoft.ManagedIdentity/userAssignedIdentities"
ROLE = "Microsoft.Authorization/roleAssignments"
RG = "Microsoft.Resources/resourceGroups"
# Role-assignment responses are RoleAssignment, not the create-parameters model of the PUT body.
ROLE_RESPONSE = "azure.mgmt.authorization.v2022_04_01.models.RoleAssignment"

# The AKS examples still send the legacy `sku: {name: "Basic"}`; the SDK enum (API 2026-08-01)
# is Base | Automatic. ARM enums are extensible, so this is a warning and never an error.
BASIC = {("enum", "sku.name", "warning")}

REQUESTS = [
    ("ContainerService/2026-05-01/ManagedClustersCreate_NodeAutoProvisioning", AKS, BASIC),
    ("ContainerService/2026-06-01/ManagedClustersCreate_PrivateClusterPublicFQDN", AKS, BASIC),
    ("ContainerService/2026-07-01/ManagedClustersCreate_HTTPProxy", AKS, BASIC),
    ("ContainerService/2026-07-01/ManagedClustersCreate_PrivateClusterFQDNSubdomain", AKS, BASIC),
    ("ContainerService/2026-07-01/ManagedClustersCreate_Update", AKS, BASIC),
    ("ContainerService/2026-07-01/ManagedClustersCreate_UserAssignedNATGateway", AKS, BASIC),
    ("ContainerService/2026-08-01/ManagedClustersCreate_NodePublicIPPrefix", AKS, BASIC),
    ("ContainerService/2026-08-01/AgentPoolsCreate_Update", POOL, set()),
    ("ContainerService/2026-08-01/AgentPoolsCreate_WindowsDisableOutboundNAT", POOL, set()),
    ("Network/2026-01-01/VirtualNetworkCreate", VNET, set()),
    ("Network/2026-01-01/VirtualNetworkCreateSubnet", VNET, set()),
    ("Network/2026-01-01/VirtualNetworkCreateSubnetWithDelegation", VNET, set()),
    ("Network/2026-01-01/SubnetCreate", SUBNET, set()),
    ("Network/2026-01-01/SubnetCreateWithDelegation", SUBNET, set()),
    ("Network/2026-01-01/RouteTableCreate", RT, set()),
    ("Network/2026-01-01/RouteTableCreateWithRoute", RT, set()),
    ("Network/2026-01-01/RouteTableRouteCreate", ROUTE, set()),
    ("Network/2026-01-01/NatGatewayCreateOrUpdate", NAT, set()),
    ("Network/2026-01-01/NatGatewayCreateOrUpdateStandardV2Sku", NAT, set()),
    ("Network/2026-01-01/PublicIpAddressCreateCustomizedValues", PIP, set()),
    ("Network/2026-01-01/PublicIpAddressCreateDefaults", PIP, set()),
    ("Network/2026-01-01/NetworkSecurityGroupCreate", NSG, set()),
    ("Network/2026-01-01/NetworkSecurityGroupCreateWithRule", NSG, set()),
    # API 2026-05-31 example against the SDK's 2024-11-30 model: the request (location + tags)
    # is clean; the drift shows only in the response (see RESPONSE_DRIFT).
    ("ManagedIdentity/2026-05-31/IdentityCreate", UAMI, set()),
    ("Authorization/2022-04-01/RoleAssignments_CreateForResource", ROLE, set()),
    ("Authorization/2022-04-01/RoleAssignments_CreateForResourceGroup", ROLE, set()),
    ("Resources/2025-04-01/CreateResourceGroup", RG, set()),
]
REQUEST_IDS = [r[0].rpartition("/")[2] for r in REQUESTS]
RESPONSE_ONLY = [
    ("ContainerService/2026-08-01/ManagedClustersGet", AKS),
    ("ContainerService/2026-08-01/AgentPoolsGet", POOL),
]
# Keys a response has that the SDK model lacks. The UAMI example is API 2026-05-31 while
# azure-mgmt-msi 7.1.0 models 2024-11-30, which has no `assignmentRestrictions`.
RESPONSE_DRIFT = {
    "ManagedIdentity/2026-05-31/IdentityCreate": {"properties.assignmentRestrictions"},
}


def load_example(name: str) -> dict:
    return json.loads((EXAMPLES / f"Microsoft.{name}.json").read_text(encoding="utf-8"))


def request_body(example: dict) -> dict:
    bodies = [v for v in example["parameters"].values() if isinstance(v, dict)]
    assert len(bodies) == 1, "an example should carry exactly one body parameter"
    return bodies[0]


def summary(problems: list[Problem]) -> set[tuple[str, str, str]]:
    """(kind, path, severity) of every problem above info level."""
    return {(p.kind, p.path, p.severity) for p in problems if p.severity != "info"}


def paths(problems: list[Problem], kind: str) -> set[str]:
    return {p.path for p in problems if p.kind == kind}


# --- the published examples -----------------------------------------------------------------


@pytest.mark.parametrize(("name", "arm_type", "expected"), REQUESTS, ids=REQUEST_IDS)
def test_request_example_is_clean(name, arm_type, expected):
    problems = check_body(model_for(arm_type), request_body(load_example(name)))
    assert summary(problems) == expected


def plant(body: dict) -> tuple[dict, set[str]]:
    """Add a bogus key at the top, in `properties` and in the first item of each list of
    objects directly under `properties`; return the new body and the planted paths."""
    body, planted = copy.deepcopy(body), {"zzPlanted"}
    body["zzPlanted"] = 1
    props = body.get("properties")
    if isinstance(props, dict):
        props["zzPlanted"] = 1
        planted.add("properties.zzPlanted")
        for key, value in props.items():
            if isinstance(value, list) and value and isinstance(value[0], dict):
                value[0]["zzPlanted"] = 1
                planted.add(f"properties.{key}[0].zzPlanted")
    return body, planted


@pytest.mark.parametrize(("name", "arm_type", "expected"), REQUESTS, ids=REQUEST_IDS)
def test_request_example_with_planted_keys_is_caught(name, arm_type, expected):
    body, planted = plant(request_body(load_example(name)))
    problems = check_body(model_for(arm_type), body)
    assert summary(problems) == expected | {("unknown", p, "error") for p in planted}


def responses():
    for name, arm_type, _ in REQUESTS + [(n, t, None) for n, t in RESPONSE_ONLY]:
        model_type = ROLE_RESPONSE if arm_type == ROLE else arm_type
        for status, response in load_example(name)["responses"].items():
            if response.get("body"):
                yield pytest.param(
                    name, model_type, response["body"], id=f"{name.rpartition('/')[2]}-{status}"
                )


@pytest.mark.parametrize(("name", "model_type", "body"), list(responses()))
def test_response_readonly_keys_are_flagged(name, model_type, body):
    model = model_for(model_type)
    flagged = paths(check_body(model, body), "readonly")
    # provisioningState where the response has one; else the id (writable in Network models,
    # where `id` is how one resource references another, but readonly everywhere else)
    state = {"properties.provisioningState"} & _leaf_paths(body)
    assert (state or {"id"}) <= flagged
    # the same body with readonly ignored: no readonly findings, and only known drift is unknown
    relaxed = check_body(model, body, ignore_readonly=True)
    assert paths(relaxed, "readonly") == set()
    assert paths(relaxed, "unknown") == RESPONSE_DRIFT.get(name, set())


def _leaf_paths(body: dict) -> set[str]:
    props = body.get("properties") or {}
    return set(body) | {f"properties.{key}" for key in props}


def test_fqdn_in_a_cluster_response_is_readonly_but_not_in_the_request():
    example = load_example(
        "ContainerService/2026-06-01/ManagedClustersCreate_PrivateClusterPublicFQDN"
    )
    model = model_for(AKS)
    response = check_body(model, example["responses"]["200"]["body"])
    assert {"properties.fqdn", "properties.privateFQDN", "properties.provisioningState"} <= paths(
        response, "readonly"
    )
    assert paths(check_body(model, request_body(example)), "readonly") == set()


# --- planted faults on small valid bodies ---------------------------------------------------

SUB = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers"
AKS_BODY = {
    "location": "westeurope",
    "identity": {"type": "UserAssigned", "userAssignedIdentities": {f"{SUB}/id": {}}},
    "sku": {"name": "Base", "tier": "Standard"},
    "tags": {"env": "test"},
    "properties": {
        "dnsPrefix": "aks",
        "enableRBAC": True,
        "agentPoolProfiles": [
            {
                "name": "system",
                "mode": "System",
                "count": 3,
                "vmSize": "Standard_D4ds_v5",
                "osType": "Linux",
                "vnetSubnetID": f"{SUB}/Microsoft.Network/virtualNetworks/v/subnets/nodes",
            }
        ],
        "networkProfile": {
            "networkPlugin": "azure",
            "networkPluginMode": "overlay",
            "podCidr": "10.244.0.0/16",
            "serviceCidr": "10.0.0.0/16",
            "dnsServiceIP": "10.0.0.10",
            "outboundType": "loadBalancer",
            "loadBalancerSku": "standard",
        },
    },
}
DELEGATION = {
    "name": "aks",
    "properties": {"serviceName": "Microsoft.ContainerService/managedClusters"},
}
VNET_BODY = {
    "location": "westeurope",
    "properties": {
        "addressSpace": {"addressPrefixes": ["10.10.0.0/16"]},
        "subnets": [
            {"name": "nodes", "properties": {"addressPrefix": "10.10.0.0/22"}},
            {
                "name": "pods",
                "properties": {"addressPrefix": "10.10.8.0/21", "delegations": [DELEGATION]},
            },
        ],
    },
}
SUBNET_BODY = {"properties": {"addressPrefix": "10.10.0.0/22", "delegations": [DELEGATION]}}
ROLE_BODY = {
    "properties": {
        "roleDefinitionId": "/subscriptions/0/providers/Microsoft.Authorization/roleDefinitions/r1",
        "principalId": "ce2ce14e-85d7-4629-bdbc-454d0519d987",
        "principalType": "ServicePrincipal",
    }
}
UAMI_BODY = {"location": "westeurope", "tags": {"env": "test"}}
BASES = {AKS: AKS_BODY, VNET: VNET_BODY, SUBNET: SUBNET_BODY, ROLE: ROLE_BODY, UAMI: UAMI_BODY}

DROP = object()


def mutate(body: dict, path: str, value=DROP, rename: str | None = None) -> dict:
    """Copy of body with the dotted `path` (list indexes as numbers) set, dropped or renamed."""
    body = copy.deepcopy(body)
    *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
    node = body
    for part in parents:
        node = node[part]
    if rename is not None:
        node[rename] = node.pop(last)
    elif value is DROP:
        del node[last]
    else:
        node[last] = value
    return body


# (id, arm type, mutation kwargs, exact set of (kind, path, severity) above info)
PLANTED = [
    (
        "aks-networkPluginMod",
        AKS,
        dict(path="properties.networkProfile.networkPluginMode", rename="networkPluginMod"),
        {("unknown", "properties.networkProfile.networkPluginMod", "error")},
    ),
    (
        "aks-readonly-fqdn",
        AKS,
        dict(path="properties.fqdn", value="aks.hcp.westeurope.azmk8s.io"),
        {("readonly", "properties.fqdn", "error")},
    ),
    ("aks-missing-location", AKS, dict(path="location"), {("required", "location", "error")}),
    (
        "aks-null-location",
        AKS,
        dict(path="location", value=None),
        {("required", "location", "error")},
    ),
    (
        "aks-dict-for-string",
        AKS,
        dict(path="properties.dnsPrefix", value={"value": "aks"}),
        {("type", "properties.dnsPrefix", "error")},
    ),
    (
        "aks-list-for-object",
        AKS,
        dict(path="properties.networkProfile", value=[]),
        {("type", "properties.networkProfile", "error")},
    ),
    (
        "aks-string-for-int",
        AKS,
        dict(path="properties.agentPoolProfiles.0.count", value="3"),
        {("type", "properties.agentPoolProfiles[0].count", "error")},
    ),
    (
        "aks-string-for-bool",
        AKS,
        dict(path="properties.enableRBAC", value="true"),
        {("type", "properties.enableRBAC", "error")},
    ),
    ("aks-object-tag", AKS, dict(path="tags.env", value={"a": 1}), {("type", "tags.env", "error")}),
    (
        "aks-bad-enum",
        AKS,
        dict(path="properties.networkProfile.networkPlugin", value="azur"),
        {("enum", "properties.networkProfile.networkPlugin", "warning")},
    ),
    (
        "aks-pool-typo",
        AKS,
        dict(path="properties.agentPoolProfiles.0.vmSize", rename="vmSzie"),
        {("unknown", "properties.agentPoolProfiles[0].vmSzie", "error")},
    ),
    (
        "aks-pool-missing-name",
        AKS,
        dict(path="properties.agentPoolProfiles.0.name"),
        {("required", "properties.agentPoolProfiles[0].name", "error")},
    ),
    (
        "subnet-delegation",
        SUBNET,
        dict(path="properties.delegations", rename="delegation"),
        {("unknown", "properties.delegation", "error")},
    ),
    (
        "vnet-inline-delegation",
        VNET,
        dict(path="properties.subnets.1.properties.delegations", rename="delegation"),
        {("unknown", "properties.subnets[1].properties.delegation", "error")},
    ),
    (
        "vnet-subnet-typo",
        VNET,
        dict(path="properties.subnets.0.properties.addressPrefix", rename="addresPrefix"),
        {("unknown", "properties.subnets[0].properties.addresPrefix", "error")},
    ),
    (
        "vnet-string-for-list",
        VNET,
        dict(path="properties.addressSpace.addressPrefixes", value="10.10.0.0/16"),
        {("type", "properties.addressSpace.addressPrefixes", "error")},
    ),
    (
        "role-flattened-typo",
        ROLE,
        dict(path="properties.roleDefinitionId", rename="roleDefinitonId"),
        {
            ("unknown", "properties.roleDefinitonId", "error"),
            ("required", "properties.roleDefinitionId", "error"),
        },
    ),
    (
        "role-flattened-case",
        ROLE,
        dict(path="properties.principalId", rename="principalID"),
        {
            ("unknown", "properties.principalID", "error"),
            ("required", "properties.principalId", "error"),
        },
    ),
    (
        "role-readonly-scope",
        ROLE,
        dict(path="properties.scope", value="/subscriptions/0"),
        {("readonly", "properties.scope", "error")},
    ),
    (
        "role-bad-principal-type",
        ROLE,
        dict(path="properties.principalType", value="ManagedIdentity"),
        {("enum", "properties.principalType", "warning")},
    ),
    ("role-no-properties", ROLE, dict(path="properties"), {("required", "properties", "error")}),
    (
        "uami-readonly-principal",
        UAMI,
        dict(path="properties", value={"principalId": "x"}),
        {("readonly", "properties.principalId", "error")},
    ),
]


@pytest.mark.parametrize("arm_type", sorted(BASES))
def test_base_bodies_are_clean(arm_type):
    assert summary(check_body(model_for(arm_type), BASES[arm_type])) == set()


@pytest.mark.parametrize(
    ("arm_type", "change", "expected"), [p[1:] for p in PLANTED], ids=[p[0] for p in PLANTED]
)
def test_planted_fault_is_reported(arm_type, change, expected):
    problems = check_body(model_for(arm_type), mutate(BASES[arm_type], **change))
    assert summary(problems) == expected


def test_unknown_key_messages_suggest_the_right_name():
    typo = check_body(model_for(AKS), PLANTED_BODY("aks-networkPluginMod"))
    assert "'networkPluginMode'" in next(p.message for p in typo if p.kind == "unknown")
    case = check_body(model_for(ROLE), PLANTED_BODY("role-flattened-case"))
    assert "case differs" in next(p.message for p in case if p.kind == "unknown")


def PLANTED_BODY(case_id: str) -> dict:  # noqa: N802 - reads as a table lookup
    _, arm_type, change, _ = next(p for p in PLANTED if p[0] == case_id)
    return mutate(BASES[arm_type], **change)


def test_create_only_is_info():
    info = {(p.kind, p.path) for p in check_body(model_for(AKS), AKS_BODY) if p.severity == "info"}
    assert ("create_only", "location") in info
    assert ("create_only", "tags") not in info


# --- expressions and envelopes ----------------------------------------------------------------

PYCEP_ACCESSOR = {
    "operator": {"type": "property_accessor", "operands": {"operand_1": "v", "operand_2": "id"}}
}
# (path, expression, a literal of the wrong type at the same place)
EXPRESSION_SLOTS = [
    ("properties.dnsPrefix", "[parameters('dnsPrefix')]", {"a": 1}),
    ("properties.enableRBAC", {"function": {"type": "bool", "parameters": {"arg_1": "x"}}}, "yes"),
    ("properties.agentPoolProfiles.0.count", Expression("nodeCount"), [3]),
    ("properties.agentPoolProfiles.0.vnetSubnetID", PYCEP_ACCESSOR, {"id": "x"}),
    ("properties.networkProfile", "[variables('networkProfile')]", "overlay"),
    ("tags", "aks-${suffix}", ["a"]),
]


def _fill(values: list) -> dict:
    body = AKS_BODY
    for (path, *_), value in zip(EXPRESSION_SLOTS, values, strict=True):
        body = mutate(body, path, value)
    return body


def test_expressions_are_not_type_checked():
    body = _fill([slot[1] for slot in EXPRESSION_SLOTS])
    assert summary(check_body(model_for(AKS), body)) == set()


def test_literals_in_the_same_places_are_type_checked():
    body = _fill([slot[2] for slot in EXPRESSION_SLOTS])
    expected = {path.replace(".0.", "[0].") for path, *_ in EXPRESSION_SLOTS}
    assert {(p.kind, p.path) for p in check_body(model_for(AKS), body)} >= {
        ("type", p) for p in expected
    }


class _Marked:
    is_expression = True


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("[parameters('x')]", True),
        ("[[not an expression]", False),
        ("[not closed", False),
        ("plain", False),
        ("vnet-${name}", True),
        ({"operator": {"type": "and"}}, True),
        ({"function": {"type": "concat"}}, True),
        ({"operator": "Equals", "values": ["a"]}, False),
        ({}, False),
        (Expression("x"), True),
        (_Marked(), True),
        (3, False),
        (None, False),
        ([], False),
    ],
)
def test_is_expression(value, expected):
    assert is_expression(value) is expected


def test_register_expression_extends_is_expression(monkeypatch):
    monkeypatch.setattr(bodycheck, "_PREDICATES", [])
    value = "=param:nodeCount"
    assert not is_expression(value)
    bodycheck.register_expression(lambda v: isinstance(v, str) and v.startswith("=param:"))
    assert is_expression(value)
    body = mutate(AKS_BODY, "properties.agentPoolProfiles.0.count", value)
    assert summary(check_body(model_for(AKS), body)) == set()


ARM_RESOURCE = {
    "type": "Microsoft.Network/virtualNetworks",
    "apiVersion": "2024-05-01",
    "name": "[parameters('vnetName')]",
    "condition": True,
    "comments": "generated",
    "dependsOn": ["[resourceId('Microsoft.Network/routeTables', 'rt')]"],
    **VNET_BODY,
}


def test_arm_envelope_keys_are_ignored_only_with_arm_envelope():
    model = model_for(VNET)
    assert summary(check_body(model, ARM_RESOURCE, arm_envelope=True)) == set()
    assert summary(check_body(model, ARM_RESOURCE)) == {
        ("readonly", "type", "error"),
        ("readonly", "name", "error"),  # readonly even though its value is an expression
        ("unknown", "apiVersion", "error"),
        ("unknown", "condition", "error"),
        ("unknown", "comments", "error"),
        ("unknown", "dependsOn", "error"),
    }
    nested = mutate(ARM_RESOURCE, "properties.dependsOn", [])  # envelope keys only at the top
    assert summary(check_body(model, nested, arm_envelope=True)) == {
        ("unknown", "properties.dependsOn", "error")
    }


def test_arm_property_copy_loop_is_checked_as_list_items():
    subnet = {
        "name": "[concat('s', copyIndex('subnets'))]",
        "properties": {"addressPrefix": "10/8"},
    }
    good = {"name": "subnets", "count": 2, "input": subnet}
    body = {"location": "westeurope", "properties": {"copy": [good]}}
    model = model_for(VNET)
    assert summary(check_body(model, body, arm_envelope=True)) == set()
    bad = mutate(body, "properties.copy.0.input.properties", {"addresPrefix": "10.0.0.0/24"})
    bad["properties"]["copy"].append({"name": "subnetz", "count": 1, "input": {}})
    assert summary(check_body(model, bad, arm_envelope=True)) == {
        ("unknown", "properties.subnets[*].properties.addresPrefix", "error"),
        ("unknown", "properties.copy[1]", "error"),
    }


def test_string_in_a_number_slot_is_a_warning_in_arm_mode():
    # pycep-parser renders the Bicep identifier `nodeCount` as the string "nodeCount"
    body = mutate(AKS_BODY, "properties.agentPoolProfiles.0.count", "nodeCount")
    assert summary(check_body(model_for(AKS), body, arm_envelope=True)) == {
        ("type", "properties.agentPoolProfiles[0].count", "warning")
    }
    assert summary(check_body(model_for(AKS), body)) == {
        ("type", "properties.agentPoolProfiles[0].count", "error")
    }


BICEP = """
param nodeCount int = 3
param subnets array
resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: 'vnet-aks'
  location: resourceGroup().location
  properties: {
    addressSpace: { addressPrefixes: [ '10.10.0.0/16' ] }
    subnets: [for s in subnets: { name: s.name, properties: { addressPrefix: s.prefix } }]
  }
}
resource aks 'Microsoft.ContainerService/managedClusters@2024-09-01' = {
  name: 'aks'
  location: resourceGroup().location
  identity: { type: 'SystemAssigned' }
  properties: {
    dnsPrefix: 'aks-${uniqueString(resourceGroup().id)}'
    agentPoolProfiles: [
      { name: 'system', mode: 'System', count: 3, vnetSubnetID: vnet.properties.subnets[0].id }
    ]
    networkProfile: { networkPlugin: 'azure', networkPluginMode: 'overlay' }
  }
}
"""


def _bicep_problems(text: str) -> set[tuple[str, str, str, str]]:
    from pycep import BicepParser

    resources = BicepParser().parse(text=text)["resources"]
    return {
        (res["type"], p.kind, p.path, p.severity)
        for res in resources.values()
        for p in check_body(model_for(res["type"]), res["config"], arm_envelope=True)
        if p.severity != "info"
    }


def test_bicep_resources_parsed_by_pycep():
    assert _bicep_problems(BICEP) == set()
    typos = BICEP.replace("properties: { addressPrefix", "properties: { addresPrefix").replace(
        "networkPluginMode:", "networkPluginMod:"
    )
    assert _bicep_problems(typos) == {
        (VNET, "unknown", "properties.subnets[*].properties.addresPrefix", "error"),
        (AKS, "unknown", "properties.networkProfile.networkPluginMod", "error"),
    }


# --- type map and field tables --------------------------------------------------------------

MODEL_NAMES = {
    AKS: "ManagedCluster",
    POOL: "AgentPool",
    VNET: "VirtualNetwork",
    SUBNET: "Subnet",
    RT: "RouteTable",
    ROUTE: "Route",
    NAT: "NatGateway",
    PIP: "PublicIPAddress",
    NSG: "NetworkSecurityGroup",
    UAMI: "Identity",
    "Microsoft.Authorization/roleDefinitions": "RoleDefinition",
    ROLE: "RoleAssignmentCreateParameters",
    RG: "ResourceGroup",
}


@pytest.mark.parametrize(("arm_type", "name"), sorted(MODEL_NAMES.items()))
def test_model_for(arm_type, name):
    assert model_for(arm_type).__name__ == name
    assert model_for(arm_type.upper() + "@2024-01-01") is model_for(arm_type)


def test_model_for_unknown_type_raises():
    with pytest.raises(KeyError):
        model_for("Network/virtualNetworkz")


def test_versioned_models_match_the_client_defaults():
    from azure.mgmt.authorization import AuthorizationManagementClient
    from azure.mgmt.msi import ManagedServiceIdentityClient

    for client, arm_type in (
        (ManagedServiceIdentityClient, UAMI),
        (AuthorizationManagementClient, ROLE),
    ):
        version = "v" + client.DEFAULT_API_VERSION.replace("-", "_")
        assert f".{version}." in ARM_TYPES[arm_type.lower()][0]


def _reachable(node: TypeNode, seen: set, out: list) -> None:
    if node.kind in ("list", "dict"):
        _reachable(node.item, seen, out)
        return
    if node.kind == "model":
        if node.model in seen:
            return
        seen.add(node.model)
        fields = table_for(node.model).fields
    elif node.kind == "object":
        fields = node.fields
    else:
        return
    for field in fields.values():
        out.append(field.type)
        _reachable(field.type, seen, out)


@pytest.mark.parametrize("arm_type", sorted(ARM_TYPES))
def test_every_reachable_type_is_resolved(arm_type):
    found: list[TypeNode] = []
    _reachable(TypeNode("model", model=model_for(arm_type)), set(), found)
    assert found
    assert [n.unresolved for n in found if n.unresolved] == []


def test_unresolvable_annotation_is_marked():
    import azure.mgmt.network.models as network

    node, optional = resolve_annotation(
        typing.Optional[typing.ForwardRef("_models.NoSuchModel")],  # noqa: UP045 - as the SDK writes it
        network,
    )
    assert optional
    assert node.kind == "any"
    assert node.unresolved == "_models.NoSuchModel"
    node, optional = resolve_annotation(
        typing.Optional[typing.ForwardRef("_models.Subnet")],  # noqa: UP045
        network,
    )
    assert optional
    assert node.kind == "model"
    assert node.model is network.Subnet


def test_field_flags_from_both_model_styles():
    aks = table_for(model_for(AKS))
    assert table_for(model_for(AKS)) is aks  # cached
    location, tags = aks.fields["location"], aks.fields["tags"]
    assert (location.required, location.create_only, location.readonly) == (True, True, False)
    assert (tags.required, tags.create_only, tags.readonly) == (False, False, False)
    props = table_for(aks.fields["properties"].type.model).fields
    assert props["fqdn"].readonly
    assert not props["dnsPrefix"].readonly
    role = table_for(model_for(ROLE)).fields["properties"]
    assert role.type.kind == "object"
    assert role.required
    inner = role.type.fields
    assert inner["principalId"].required
    assert inner["scope"].readonly
    assert not inner["principalType"].required
    assert inner["principalType"].type.kind == "enum"


def test_polymorphic_models_select_the_subtype():
    import azure.mgmt.authorization.v2022_04_01.models as authz
    import azure.mgmt.network.models as network

    assert subtype_for(network.BaseAdminRule, {"kind": "custom"}) is network.AdminRule
    assert subtype_for(network.BaseAdminRule, {"kind": "other"}) is network.BaseAdminRule
    base = authz.RoleManagementPolicyRule
    approval = {
        "ruleType": "RoleManagementPolicyApprovalRule",
        "setting": {"isApprovalRequired": True},
    }
    assert summary(check_body(base, approval)) == set()
    enablement = dict(approval, ruleType="RoleManagementPolicyEnablementRule")
    assert summary(check_body(base, enablement)) == {("unknown", "setting", "error")}


# --- CLI ------------------------------------------------------------------------------------


def test_cli_exit_codes(tmp_path, capsys):
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text(json.dumps(AKS_BODY))
    bad.write_text(json.dumps(PLANTED_BODY("aks-networkPluginMod")))
    assert main([AKS, str(good)]) == 0
    assert "networkPluginMod" not in capsys.readouterr().out
    assert main([AKS, str(bad)]) == 1
    assert "unknown     properties.networkProfile.networkPluginMod" in capsys.readouterr().out
    arm = tmp_path / "arm.json"
    arm.write_text(json.dumps(ARM_RESOURCE))
    assert main([VNET, str(arm), "--arm"]) == 0
    assert main([VNET, str(arm)]) == 1
    assert main(["Microsoft.Nope/things", str(good)]) == 2
