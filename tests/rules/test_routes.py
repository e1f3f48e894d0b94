"""NET-RT-*: each row is an override of the base overlay intent and every NET-RT finding."""

from __future__ import annotations

from dataclasses import replace

import pytest

from generator.rules import routes
from generator.validate import check
from tests.conftest import findings_of, intent_data, plan_of, severities_of

SUB = "/subscriptions/s/resourceGroups/rg-net/providers/Microsoft.Network"
SUBNET_ID = f"{SUB}/virtualNetworks/v/subnets/s"
RT_ID = f"{SUB}/routeTables/rt"
UDR = {"type": "userDefinedRouting", "nextHopIp": "10.1.0.4"}
AKS_ROUTES = ("NET-RT-004", "network.routeTable")
BUDGET = ("NET-RT-003", "nodePools")


def kubenet(nodes=None, surge=0, **network) -> dict:
    out: dict = {"network": {"model": "kubenet", "podCidr": "10.240.0.0/12", **network}}
    if nodes is not None:
        out["nodePools"] = [
            {"name": "system", "mode": "System", "count": nodes, "maxPods": 30, "maxSurge": surge}
        ]
    return out


ROWS = [
    ({}, set()),
    ({"network": {"outbound": UDR}}, set()),
    # NET-RT-001: kubenet node subnet carries its route table
    (kubenet(), {AKS_ROUTES}),
    (kubenet(routeTable={"id": RT_ID}), {AKS_ROUTES}),
    (kubenet(nodeSubnet={"id": SUBNET_ID}), {("NET-RT-001", "network.nodeSubnet.id"), AKS_ROUTES}),
    (kubenet(nodeSubnet={"id": SUBNET_ID}, routeTable={"id": RT_ID}), {AKS_ROUTES}),
    (kubenet(vnet={"managed": True}), {AKS_ROUTES}),
    # NET-RT-003: nodes + custom routes within 400 (the UDR default route is a custom route);
    # only when the custom routes cause the overflow: nodes alone over 400 are NET-SCALE-002's
    (kubenet(399, outbound=UDR), {AKS_ROUTES}),
    (kubenet(400, outbound=UDR), {BUDGET, AKS_ROUTES}),
    (kubenet(398, surge=1, outbound=UDR), {AKS_ROUTES}),
    (kubenet(399, surge=1, outbound=UDR), {BUDGET, AKS_ROUTES}),
    (kubenet(400, surge=1, outbound=UDR), {BUDGET, AKS_ROUTES}),  # create budget; surge is 002's
    (kubenet(401), {AKS_ROUTES}),  # no custom route: the 400-node limit is NET-SCALE-002's
    (kubenet(401, outbound=UDR), {AKS_ROUTES}),  # nodes alone over: NET-SCALE-002's error
    (kubenet(399, surge=2, outbound=UDR), {AKS_ROUTES}),  # surge alone over: 002's warning
    (kubenet(400, outbound=UDR, routeTable={"id": RT_ID}), {AKS_ROUTES}),  # read live
]


@pytest.mark.parametrize("override, expected", ROWS)
def test_route_findings(override, expected):
    assert findings_of(intent_data(**override), "NET-RT") == expected


@pytest.mark.parametrize(
    "override, expected",
    [
        (kubenet(400, outbound=UDR), {("NET-RT-003", "nodePools", "error")}),
        (kubenet(399, surge=1, outbound=UDR), {("NET-RT-003", "nodePools", "warning")}),
        (kubenet(400, surge=1, outbound=UDR), {("NET-RT-003", "nodePools", "error")}),
        (kubenet(nodeSubnet={"id": SUBNET_ID}), {("NET-RT-001", "network.nodeSubnet.id", "info")}),
    ],
)
def test_route_severities(override, expected):
    assert severities_of(intent_data(**override), "NET-RT-00") - {(*AKS_ROUTES, "info")} == (
        expected
    )


def test_created_subnet_without_association_is_an_error():
    intent, plan = plan_of(intent_data(**kubenet()))
    node = plan.by_symbol("nodeSubnet")
    props = {k: v for k, v in node.properties.items() if k != "routeTable"}
    plan = replace(
        plan,
        resources=tuple(replace(r, properties=props) if r is node else r for r in plan.resources),
    )
    found = {
        (f.rule, f.path, str(f.severity)) for f in check(intent, plan) if f.rule == "NET-RT-001"
    }
    assert found == {("NET-RT-001", "network.nodeSubnet", "error")}


def test_catalog_entries():
    assert [r.id for r in routes.RULES] == [f"NET-RT-{n:03d}" for n in range(1, 5)]
    assert {r.id: r.kind for r in routes.RULES if r.kind != "check"} == {"NET-RT-002": "live"}
