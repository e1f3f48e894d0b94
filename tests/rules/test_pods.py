"""NET-PODS-*: each row is an override of the base overlay intent and every NET-PODS finding."""

from __future__ import annotations

import pytest

from generator.rules import pods
from tests.conftest import findings_of, intent_data

SYSTEM = {"name": "system", "mode": "System", "count": 3, "maxPods": 110}


def pools(*extra: dict, **system) -> dict:
    return {"nodePools": [{**SYSTEM, **system}, *extra]}


def omitted(**kw) -> dict:
    """The system pool without maxPods."""
    return {"nodePools": [{"name": "system", "mode": "System", "count": 3}], **kw}


def user(count=1, max_pods=110, **kw) -> dict:
    return {"name": "apps", "count": count, "maxPods": max_pods, **kw}


ROWS = [
    ({}, set()),
    # NET-PODS-001: 10..250
    (
        pools(maxPods=9),
        {("NET-PODS-001", "nodePools[0].maxPods"), ("NET-PODS-002", "nodePools[0].maxPods")},
    ),
    (pools(maxPods=10), set()),
    (pools(maxPods=250), set()),
    (pools(maxPods=251), {("NET-PODS-001", "nodePools[0].maxPods")}),
    (
        pools(user(3, 0)),
        {("NET-PODS-001", "nodePools[1].maxPods"), ("NET-PODS-002", "nodePools[1].maxPods")},
    ),
    # NET-PODS-002: maxPods x nodes >= 30 per pool (minCount when autoscaling; at least 1 node)
    (pools(maxPods=10, count=2), {("NET-PODS-002", "nodePools[0].maxPods")}),
    (pools(maxPods=10, count=3), set()),
    (pools(maxPods=15, count=2), set()),
    (pools(user(1, 10, minCount=2, maxCount=10)), {("NET-PODS-002", "nodePools[1].maxPods")}),
    (pools(user(1, 10, minCount=3, maxCount=10)), set()),
    (pools(user(0, 30)), set()),
    (pools(user(0, 29)), {("NET-PODS-002", "nodePools[1].maxPods")}),
    (pools(user(0, 29, minCount=0, maxCount=5)), {("NET-PODS-002", "nodePools[1].maxPods")}),
    # NET-PODS-003: maxPods omitted on pod-subnet pools (250 or 110 by page)
    (
        omitted(network={"model": "pod-subnet", "podCidr": None}),
        {("NET-PODS-003", "nodePools[0].maxPods")},
    ),
    (
        omitted(
            network={
                "model": "pod-subnet",
                "podCidr": None,
                "podSubnet": {"allocation": "static-block"},
            }
        ),
        {("NET-PODS-003", "nodePools[0].maxPods")},
    ),
    (omitted(), set()),
    (omitted(network={"model": "node-subnet", "podCidr": None}), set()),
    ({"network": {"model": "pod-subnet", "podCidr": None}}, set()),
]


@pytest.mark.parametrize("override, expected", ROWS)
def test_pods_findings(override, expected):
    assert findings_of(intent_data(**override), "NET-PODS") == expected


def test_catalog_entries():
    assert [r.id for r in pods.RULES] == [f"NET-PODS-{n:03d}" for n in range(1, 5)]
    assert {r.id: r.kind for r in pods.RULES if r.kind != "check"} == {"NET-PODS-004": "live"}
