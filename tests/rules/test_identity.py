"""NET-IAM-*: each row is an override of the base overlay intent and every NET-IAM finding.

The grants are plan resources (role definition, role assignments); the second table changes the
planned resources to prove the rules read them.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from generator.plan import Ref
from generator.resources import ROLE_ASSIGNMENT, ROLE_DEFINITION
from generator.rules import identity
from generator.validate import check
from tests.conftest import findings_of, intent_data, plan_of

SUB = "/subscriptions/s/resourceGroups/rg-net/providers/Microsoft.Network"
SYSTEM = {"identity": {"type": "systemAssigned"}}
WARN = ("NET-IAM-001", "identity.type")
UDR = {"type": "userDefinedRouting", "nextHopIp": "10.1.0.4"}


def net(**kw) -> dict:
    return {"network": kw}


ROWS = [
    ({}, set()),
    (net(model="pod-subnet", podCidr=None), set()),
    ({"features": {"apiServerVnetIntegration": True}}, set()),
    (net(model="kubenet"), set()),
    (net(model="kubenet", routeTable={"id": f"{SUB}/routeTables/rt"}), set()),
    ({"identity": {"subnetRole": "network-contributor"}, **net(model="kubenet")}, set()),
    (net(nodeSubnet={"id": f"{SUB}/virtualNetworks/v/subnets/s"}), set()),
    # NET-IAM-001: system-assigned identity on a network AKS does not manage (warning)
    (SYSTEM, {WARN}),
    ({**SYSTEM, **net(vnet={"managed": True})}, set()),
    ({**SYSTEM, **net(nodeSubnet={"id": f"{SUB}/virtualNetworks/v/subnets/s"})}, {WARN}),
    # NET-IAM-004: kubenet with your own route table or subnet needs a user-assigned identity
    ({**SYSTEM, **net(model="kubenet")}, {WARN}),
    (
        {**SYSTEM, **net(model="kubenet", routeTable={"id": f"{SUB}/routeTables/rt"})},
        {WARN, ("NET-IAM-004", "identity.type")},
    ),
    (
        {**SYSTEM, **net(model="kubenet", nodeSubnet={"id": f"{SUB}/virtualNetworks/v/subnets/s"})},
        {WARN, ("NET-IAM-004", "identity.type")},
    ),
    # NET-IAM-005: kubenet + userDefinedRouting needs a user-assigned identity
    ({**SYSTEM, **net(model="kubenet", outbound=UDR)}, {WARN, ("NET-IAM-005", "identity.type")}),
    (net(model="kubenet", outbound=UDR), set()),
    ({**SYSTEM, **net(outbound=UDR)}, {WARN}),
]


@pytest.mark.parametrize("override, expected", ROWS)
def test_identity_findings(override, expected):
    assert findings_of(intent_data(**override), "NET-IAM") == expected


# --- the planned grants, changed --------------------------------------------------------------


def no_assignments(plan):
    return tuple(r for r in plan.resources if r.type != ROLE_ASSIGNMENT)


def role_actions(*actions, not_actions=()):
    def change(plan):
        out = []
        for r in plan.resources:
            if r.type == ROLE_DEFINITION and not r.existing:
                perms = [{"actions": list(actions), "notActions": list(not_actions)}]
                r = replace(r, properties={**r.properties, "permissions": perms})
            out.append(r)
        return tuple(out)

    return change


def assignments(properties=None, **changes):
    def change(plan):
        out = []
        for r in plan.resources:
            if r.type == ROLE_ASSIGNMENT:
                r = replace(r, properties={**r.properties, **(properties or {})}, **changes)
            out.append(r)
        return tuple(out)

    return change


def on_vnet(plan):
    vnet = plan.by_symbol("vnet")
    return assignments(scope=Ref(vnet.ref))(plan)


JOIN = "Microsoft.Network/virtualNetworks/subnets/join/action"
READ = "Microsoft.Network/virtualNetworks/subnets/read"
RT = [
    f"Microsoft.Network/routeTables/{a}"
    for a in ("read", "write", "routes/read", "routes/write", "routes/delete")
]

CHANGED = [
    ({}, no_assignments, {("NET-IAM-001", "network.nodeSubnet")}),
    (SYSTEM, no_assignments, {("NET-IAM-001", "network.nodeSubnet"), WARN}),
    (
        net(model="pod-subnet", podCidr=None),
        no_assignments,
        {("NET-IAM-001", "network.nodeSubnet"), ("NET-IAM-001", "network.podSubnet")},
    ),
    (
        {"features": {"apiServerVnetIntegration": True}},
        no_assignments,
        {("NET-IAM-001", "network.nodeSubnet"), ("NET-IAM-001", "network.apiServerSubnet")},
    ),
    (
        net(model="kubenet"),
        no_assignments,
        {("NET-IAM-001", "network.nodeSubnet"), ("NET-IAM-003", "network.routeTable")},
    ),
    (
        net(model="kubenet", routeTable={"id": f"{SUB}/routeTables/rt"}),
        no_assignments,
        {("NET-IAM-001", "network.nodeSubnet"), ("NET-IAM-003", "network.routeTable.id")},
    ),
    (net(vnet={"managed": True}), no_assignments, set()),
    ({}, on_vnet, set()),
    (
        {},
        assignments(properties={"principalId": Ref("someone/else", "principalId")}),
        {("NET-IAM-001", "network.nodeSubnet")},
    ),
    # NET-IAM-002: join and read
    ({}, role_actions(JOIN), {("NET-IAM-002", "identity.subnetRole")}),
    ({}, role_actions(READ), {("NET-IAM-002", "identity.subnetRole")}),
    ({}, role_actions(JOIN, READ), set()),
    ({}, role_actions("Microsoft.Network/virtualNetworks/subnets/*"), set()),
    (
        {},
        role_actions("Microsoft.Network/*", not_actions=[JOIN]),
        {("NET-IAM-002", "identity.subnetRole")},
    ),
    # NET-IAM-003: route table rights (Network Contributor's Microsoft.Network/* covers them)
    (net(model="kubenet"), role_actions(JOIN, READ, *RT), set()),
    (
        net(model="kubenet"),
        role_actions(JOIN, READ, *RT[:-1]),
        {("NET-IAM-003", "network.routeTable")},
    ),
    (net(model="kubenet"), role_actions("Microsoft.Network/*"), set()),
    (net(outbound=UDR), role_actions(JOIN, READ), {("NET-IAM-003", "network.routeTable")}),
]


@pytest.mark.parametrize("override, change, expected", CHANGED)
def test_identity_reads_planned_grants(override, change, expected):
    intent, plan = plan_of(intent_data(**override))
    plan = replace(plan, resources=change(plan))
    assert {(f.rule, f.path) for f in check(intent, plan) if f.rule.startswith("NET-IAM")} == (
        expected
    )


def test_least_privilege_role_covers_route_tables():
    _, plan = plan_of(intent_data(**net(model="kubenet")))
    (role,) = [r for r in plan.of_type(ROLE_DEFINITION) if not r.existing]
    granted = identity.role_actions(plan, plan.of_type(ROLE_ASSIGNMENT)[0])
    assert role.properties["permissions"][0]["actions"] == list(granted[0])
    assert all(identity.covers(granted, a) for a in (JOIN, READ, *RT))


def test_catalog_entries():
    assert [r.id for r in identity.RULES] == [f"NET-IAM-{n:03d}" for n in range(1, 8)]
    assert {r.id: r.kind for r in identity.RULES if r.kind != "check"} == {
        "NET-IAM-006": "doc",
        "NET-IAM-007": "live",
    }
