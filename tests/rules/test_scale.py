"""NET-SCALE-*: each row is an override of the base overlay intent and every NET-SCALE finding.

N is maxCount for autoscaling pools; S is the plan's surge (10% rounded up when omitted).
"""

from __future__ import annotations

import pytest

from generator.rules import scale
from tests.conftest import findings_of, intent_data, severities_of


def pool(count=3, max_pods=110, name="system", surge=None, **kw) -> dict:
    out = {
        "name": name,
        "mode": "System" if name == "system" else "User",
        "count": count,
        "maxPods": max_pods,
        **kw,
    }
    if surge is not None:
        out["maxSurge"] = surge
    return out


def pools(*items: dict, **kw) -> dict:
    return {"nodePools": list(items), **kw}


def many(n: int, count: int, **kw) -> list[dict]:
    return [pool(count, **kw)] + [pool(count, name=f"p{i}", **kw) for i in range(1, n)]


def kubenet(nodes: int, surge=0, **network) -> dict:
    return {"network": {"model": "kubenet", **network}, "nodePools": [pool(nodes, surge=surge)]}


UDR = {"outbound": {"type": "userDefinedRouting", "nextHopIp": "10.1.0.4"}}
NODE_POOLS = "nodePools"

ROWS = [
    ({}, set()),
    # NET-SCALE-001: 5,000 per cluster, 1,000 per pool, 100 pools, System pools >= 1 node
    (pools(*many(100, 1, max_pods=30)), set()),
    (pools(*many(101, 1, max_pods=30)), {("NET-SCALE-001", NODE_POOLS)}),
    (pools(pool(1000)), set()),
    (pools(pool(1001)), {("NET-SCALE-001", "nodePools[0].count")}),
    (pools(pool(3, minCount=3, maxCount=1001)), {("NET-SCALE-001", "nodePools[0].maxCount")}),
    (pools(pool(0)), {("NET-SCALE-001", "nodePools[0].count")}),
    (pools(pool(1, minCount=0, maxCount=3)), {("NET-SCALE-001", "nodePools[0].minCount")}),
    (pools(pool(3), pool(0, name="apps")), set()),
    (pools(pool(3), pool(1, name="apps", minCount=0, maxCount=3)), set()),
    (pools(*many(5, 1000, max_pods=30, surge=0)), set()),
    (
        pools(*many(5, 1000, max_pods=30, surge=0), pool(1, 30, name="extra", surge=0)),
        {("NET-SCALE-001", NODE_POOLS)},
    ),
    (pools(*many(5, 1000, max_pods=30)), {("NET-SCALE-001", NODE_POOLS)}),
    # NET-SCALE-002: kubenet 400 nodes (N + S > 400 is a warning)
    (kubenet(400), set()),
    (kubenet(401), {("NET-SCALE-002", NODE_POOLS)}),
    (kubenet(399, surge=1), set()),
    (kubenet(400, surge=1), {("NET-SCALE-002", NODE_POOLS)}),
    (kubenet(380, surge=None), {("NET-SCALE-002", NODE_POOLS)}),
    (pools(pool(401, surge=0)), set()),
    (kubenet(401, **UDR), {("NET-SCALE-002", NODE_POOLS)}),  # custom routes add no NET-RT-003
    (kubenet(399, surge=2, **UDR), {("NET-SCALE-002", NODE_POOLS)}),
    # NET-SCALE-003: overlay sum N x maxPods above 200,000 (warning)
    (pools(pool(800, 250)), set()),
    (pools(pool(801, 250)), {("NET-SCALE-003", NODE_POOLS)}),
    (
        pools(pool(3), pool(1, 250, name="apps", minCount=1, maxCount=801)),
        {("NET-SCALE-003", NODE_POOLS)},
    ),
    (pools(pool(801, 250), network={"model": "node-subnet", "podCidr": None}), set()),
    # NET-SCALE-004: dynamic pod subnet above 50,000 pods (warning)
    (pools(pool(200, 250), network={"model": "pod-subnet", "podCidr": None}), set()),
    (
        pools(pool(201, 250), network={"model": "pod-subnet", "podCidr": None}),
        {("NET-SCALE-004", NODE_POOLS)},
    ),
    (
        pools(
            pool(201, 250),
            network={
                "model": "pod-subnet",
                "podCidr": None,
                "podSubnet": {"allocation": "static-block"},
            },
        ),
        set(),
    ),
    # NET-SCALE-005: Free tier above 10 nodes (warning)
    (pools(pool(10), tier="Free"), set()),
    (pools(pool(11), tier="Free"), {("NET-SCALE-005", "tier")}),
    (pools(pool(3, minCount=3, maxCount=11), tier="Free"), {("NET-SCALE-005", "tier")}),
    (pools(pool(11), tier="Standard"), set()),
]


@pytest.mark.parametrize("override, expected", ROWS)
def test_scale_findings(override, expected):
    assert findings_of(intent_data(**override), "NET-SCALE") == expected


@pytest.mark.parametrize(
    "override, severity",
    [
        (pools(*many(5, 1000, max_pods=30, surge=0), pool(1, 30, name="extra", surge=0)), "error"),
        (pools(*many(5, 1000, max_pods=30)), "warning"),
        (kubenet(401), "error"),
        (kubenet(400, surge=1), "warning"),
        (kubenet(401, **UDR), "error"),
        (kubenet(399, surge=2, **UDR), "warning"),
        (pools(pool(801, 250)), "warning"),
        (pools(pool(11), tier="Free"), "warning"),
    ],
)
def test_scale_severities(override, severity):
    assert {s for _, _, s in severities_of(intent_data(**override), "NET-SCALE")} == {severity}


def test_kubenet_udr_route_budget_is_not_counted_twice():
    # 400 nodes with a UDR default route exceed the route table (NET-RT-003), not NET-SCALE-002.
    data = intent_data(**kubenet(400, **UDR))
    assert findings_of(data, "NET-SCALE") == set()


def test_catalog_entries():
    assert [r.id for r in scale.RULES] == [f"NET-SCALE-{n:03d}" for n in range(1, 7)]
    assert {r.id: r.kind for r in scale.RULES if r.kind != "check"} == {"NET-SCALE-006": "doc"}
