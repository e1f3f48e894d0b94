"""NET-SIZE-*: each row is an override of the base overlay intent and every NET-SIZE finding.

Boundaries are exact: Azure keeps 5 addresses per subnet (/29 = 3, /27 = 27, /24 = 251), a node
takes one /24 of an overlay or kubenet pod CIDR, 16 addresses of a dynamic pod subnet, and
ceil((maxPods + 1) / 16) /28 blocks of a static one.
"""

from __future__ import annotations

import pytest

from generator.rules import podips, sizing
from generator.rules.capacity import blocks_per_node
from tests.conftest import findings_of, intent_data, plan_of, severities_of

NODE = "network.nodeSubnet.prefix"
POD = "network.podSubnet.prefix"
POD_CIDR = "network.podCidr"
API = "network.apiServerSubnet.prefix"


def pool(count=3, max_pods=110, surge=None, name="system", **kw) -> dict:
    """A pool; surge None leaves maxSurge omitted (the planner assumes 10%)."""
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


def case(pools=None, **network) -> dict:
    out: dict = {"network": network}
    if pools is not None:
        out["nodePools"] = pools if isinstance(pools, list) else [pools]
    return out


def node_subnet(prefix, pools=None, **network):
    return case(pools, nodeSubnet={"prefix": prefix}, **network)


def flat(prefix, pools, **network):
    return node_subnet(prefix, pools, model="node-subnet", podCidr=None, **network)


def pod_subnet(prefix, pools, allocation="dynamic", **network):
    sub = {"allocation": allocation} | ({"prefix": prefix} if prefix else {})
    return case(pools, model="pod-subnet", podCidr=None, podSubnet=sub, **network)


def big(n: int, count: int, **kw) -> list[dict]:
    return [pool(count, name="system", **kw)] + [
        pool(count, name=f"p{i}", **kw) for i in range(1, n)
    ]


ROWS = [
    ({}, set()),
    # NET-SIZE-001: /29../2; IPv6 /64
    (node_subnet("10.224.0.0/30", pool(surge=0)), {("NET-SIZE-001", NODE)}),
    (node_subnet("10.224.0.0/29", pool(3, surge=0)), set()),
    (node_subnet("0.0.0.0/1", pool(surge=0)), {("NET-SIZE-001", NODE)}),
    (node_subnet("0.0.0.0/2", pool(surge=0)), set()),
    (node_subnet("fd00:10::/48", pool(surge=0)), {("NET-SIZE-001", NODE)}),
    (pod_subnet("10.224.128.0/30", pool(surge=0)), {("NET-SIZE-001", POD)}),
    (case(vnet={"managed": True}), set()),
    # NET-SIZE-002: omitted surge on a given prefix: 1 node must fit (error), 10% should (warning)
    (node_subnet("10.224.0.0/29", pool(3)), {("NET-SIZE-002", NODE)}),
    (node_subnet("10.224.0.0/29", pool(2)), set()),
    (node_subnet("10.224.0.0/27", pool(24)), set()),
    (node_subnet("10.224.0.0/27", pool(25)), {("NET-SIZE-002", NODE)}),
    (node_subnet("10.224.0.0/27", pool(26)), {("NET-SIZE-002", NODE)}),
    (node_subnet("10.224.0.0/27", pool(27)), {("NET-SIZE-002", NODE)}),
    (node_subnet("10.224.0.0/27", pool(28)), {("NET-SIZE-003", NODE)}),
    (case(pool(200)), set()),  # aksnet sizes the node subnet itself
    (case(pool(4), podCidr="10.244.0.0/22"), {("NET-SIZE-002", POD_CIDR)}),
    (case(pool(3), podCidr="10.244.0.0/22"), set()),
    (flat("10.224.0.0/24", pool(8, 30)), {("NET-SIZE-002", NODE)}),
    # NET-SIZE-003: one address per node and surge node (/29 = 3 usable)
    (node_subnet("10.224.0.0/29", pool(3, surge=1)), {("NET-SIZE-003", NODE)}),
    (node_subnet("10.224.0.0/29", pool(2, surge=1)), set()),
    (node_subnet("10.224.0.0/29", pool(3, surge="34%")), {("NET-SIZE-003", NODE)}),
    (node_subnet("10.224.0.0/29", pool(3, surge="33%")), {("NET-SIZE-003", NODE)}),
    (node_subnet("10.224.0.0/29", pool(3, surge="0%")), set()),
    (
        node_subnet(
            "10.224.0.0/28",
            [pool(3, surge=1), pool(1, name="apps", surge=1, minCount=1, maxCount=6)],
        ),
        set(),
    ),
    (
        node_subnet(
            "10.224.0.0/28",
            [pool(3, surge=1), pool(1, name="apps", surge=1, minCount=1, maxCount=7)],
        ),
        {("NET-SIZE-003", NODE)},
    ),
    (node_subnet("10.224.0.0/29", pool(3, surge=1), model="kubenet"), {("NET-SIZE-003", NODE)}),
    (node_subnet("10.224.0.0/29", pool(3, surge=1), model="byo-cni"), {("NET-SIZE-003", NODE)}),
    (case(vnet={"addressSpace": ["10.224.0.0/29"]}), {("NET-SIZE-003", NODE)}),
    (case(vnet={"addressSpace": ["10.224.0.0/28"]}), set()),
    (
        case(
            vnet={
                "id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/"
                "virtualNetworks/vnet",
                "addressSpace": None,
            }
        ),
        {("NET-SIZE-003", NODE)},
    ),
    # NET-SIZE-004: node-subnet CNI, (N + S)(P + 1); the docs' worked examples
    (flat("10.224.0.0/22", pool(50, 30, surge=1)), {("NET-SIZE-004", NODE)}),
    (flat("10.224.0.0/21", pool(50, 30, surge=1)), set()),
    (flat("10.224.0.0/24", pool(8, 30, surge=0)), set()),
    (flat("10.224.0.0/24", pool(9, 30, surge=0)), {("NET-SIZE-004", NODE)}),
    (flat("10.224.0.0/24", pool(7, 30, surge=1)), set()),
    (
        case(model="node-subnet", podCidr=None, vnet={"addressSpace": ["10.224.0.0/24"]}),
        {("NET-SIZE-004", NODE)},
    ),
    # NET-SIZE-005: overlay pod CIDR, one /24 per node
    (case(pool(4, surge=0), podCidr="10.244.0.0/22"), set()),
    (case(pool(4, surge=1), podCidr="10.244.0.0/22"), {("NET-SIZE-005", POD_CIDR)}),
    (case(pool(1, surge=0), podCidr="10.244.0.0/24"), set()),
    (case(pool(1, surge=0), podCidr="10.244.0.0/25"), {("NET-SIZE-005", POD_CIDR)}),
    (
        case(
            big(5, 1000, surge=0), podCidr="10.240.0.0/12", vnet={"addressSpace": ["10.128.0.0/12"]}
        ),
        {("NET-SIZE-005", POD_CIDR)},
    ),
    (
        case(
            big(5, 1000, surge=0), podCidr="10.192.0.0/11", vnet={"addressSpace": ["10.128.0.0/12"]}
        ),
        set(),
    ),
    # NET-SIZE-006: kubenet pod CIDR, same arithmetic
    (
        case(pool(4, surge=1), model="kubenet", podCidr="10.244.0.0/22"),
        {("NET-SIZE-006", POD_CIDR)},
    ),
    (case(pool(4, surge=0), model="kubenet", podCidr="10.244.0.0/22"), set()),
    (
        case(pool(1, surge=0), model="kubenet", podCidr="10.244.0.0/26"),
        {("NET-SIZE-006", POD_CIDR)},
    ),
    # NET-SIZE-007: dynamic pod subnet, 16 per node: a /24 serves 15 nodes, not 16
    (pod_subnet("10.224.128.0/24", pool(15, 16, surge=0)), set()),
    (pod_subnet("10.224.128.0/24", pool(16, 16, surge=0)), {("NET-SIZE-007", POD)}),
    (pod_subnet("10.224.128.0/24", pool(14, 16, surge=1)), set()),
    (pod_subnet("10.224.128.0/24", pool(15, 16, surge=1)), {("NET-SIZE-007", POD)}),
    (pod_subnet("10.224.128.0/24", pool(7, 32, surge=0)), set()),
    (pod_subnet("10.224.128.0/24", pool(8, 32, surge=0)), {("NET-SIZE-007", POD)}),
    (pod_subnet("10.224.128.0/24", pool(5, 33, surge=0)), set()),
    (pod_subnet("10.224.128.0/24", pool(6, 33, surge=0)), {("NET-SIZE-007", POD)}),
    (pod_subnet("10.224.128.0/24", pool(15, 16)), {("NET-SIZE-002", POD)}),
    (pod_subnet(None, pool(), vnet={"addressSpace": ["10.224.0.0/24"]}), {("NET-SIZE-007", POD)}),
    # NET-SIZE-008: static blocks; /24 = 16 blocks, 14 allocatable; P=30,31 -> 2, 32 -> 3, 250 -> 16
    (pod_subnet("10.224.128.0/24", pool(7, 31, surge=0), "static-block"), set()),
    (pod_subnet("10.224.128.0/24", pool(8, 31, surge=0), "static-block"), {("NET-SIZE-008", POD)}),
    (pod_subnet("10.224.128.0/24", pool(9, 31, surge=0), "static-block"), {("NET-SIZE-008", POD)}),
    (
        pod_subnet("10.224.128.0/24", pool(7, 30, surge=0), "static-block"),
        {("NET-SIZE-008", "nodePools[0].maxPods")},
    ),
    (
        pod_subnet("10.224.128.0/24", pool(9, 30, surge=0), "static-block"),
        {("NET-SIZE-008", POD), ("NET-SIZE-008", "nodePools[0].maxPods")},
    ),
    (
        pod_subnet("10.224.128.0/24", pool(4, 32, surge=0), "static-block"),
        {("NET-SIZE-008", "nodePools[0].maxPods")},
    ),
    (
        pod_subnet("10.224.128.0/24", pool(5, 32, surge=0), "static-block"),
        {("NET-SIZE-008", POD), ("NET-SIZE-008", "nodePools[0].maxPods")},
    ),
    (
        pod_subnet("10.224.128.0/23", pool(1, 250, surge=0), "static-block"),
        {("NET-SIZE-008", "nodePools[0].maxPods")},
    ),
    (
        pod_subnet("10.224.128.0/23", pool(2, 250, surge=0), "static-block"),
        {("NET-SIZE-008", POD), ("NET-SIZE-008", "nodePools[0].maxPods")},
    ),
    (pod_subnet("10.224.128.0/24", pool(14, 15, surge=0), "static-block"), set()),
    (pod_subnet(None, pool(3, 31), "static-block"), set()),
    (
        pod_subnet(None, pool(300, 31), "static-block", vnet={"addressSpace": ["10.224.0.0/21"]}),
        {("NET-SIZE-008", POD)},
    ),
    (pod_subnet("10.224.128.0/28", pool(0, 15, surge=0), "static-block"), set()),
    (
        pod_subnet("10.224.128.0/28", pool(1, 15, surge=0), "static-block"),
        {("NET-SIZE-008", POD)},
    ),
    # NET-SIZE-009: static pod subnet at most /12
    (pod_subnet("10.64.0.0/11", pool(3, 31), "static-block"), {("NET-SIZE-009", POD)}),
    (pod_subnet("10.64.0.0/12", pool(3, 31), "static-block"), set()),
    (pod_subnet("10.64.0.0/11", pool(3, 32)), set()),
    # NET-SIZE-010: 65,536 VNet IPs in node-subnet and dynamic pod-subnet modes
    (
        case(
            pool(261, 250, surge=0),
            model="node-subnet",
            podCidr=None,
            vnet={"addressSpace": ["10.128.0.0/9"]},
        ),
        set(),
    ),
    (
        case(
            pool(262, 250, surge=0),
            model="node-subnet",
            podCidr=None,
            vnet={"addressSpace": ["10.128.0.0/9"]},
        ),
        {("NET-SIZE-010", "nodePools")},
    ),
    (
        case(
            pool(260, 250),
            model="node-subnet",
            podCidr=None,
            vnet={"addressSpace": ["10.128.0.0/9"]},
        ),
        set(),
    ),
    (
        case(
            pool(261, 250),
            model="node-subnet",
            podCidr=None,
            vnet={"addressSpace": ["10.128.0.0/9"]},
        ),
        {("NET-SIZE-010", "nodePools")},
    ),
    (
        pod_subnet(None, pool(262, 250, surge=0), vnet={"addressSpace": ["10.128.0.0/9"]}),
        {("NET-SIZE-010", "nodePools")},
    ),
    (
        pod_subnet(
            None, pool(262, 239, surge=0), "static-block", vnet={"addressSpace": ["10.128.0.0/9"]}
        ),
        set(),
    ),
    (
        case(
            pool(262, 250, surge=0),
            podCidr="10.0.0.0/14",
            serviceCidr="10.96.0.0/16",
            dnsServiceIp="10.96.0.10",
        ),
        set(),
    ),
    # NET-SIZE-012: API server subnet at least /28
    (
        {
            "features": {"apiServerVnetIntegration": True},
            "network": {"apiServerSubnet": {"prefix": "10.224.255.248/29"}},
        },
        {("NET-SIZE-012", API)},
    ),
    (
        {
            "features": {"apiServerVnetIntegration": True},
            "network": {"apiServerSubnet": {"prefix": "10.224.255.240/28"}},
        },
        set(),
    ),
    ({"features": {"apiServerVnetIntegration": True}}, set()),
    ({"network": {"apiServerSubnet": {"prefix": "10.224.255.248/29"}}}, set()),
    (
        {
            "features": {"apiServerVnetIntegration": True},
            "network": {"vnet": {"addressSpace": ["10.224.0.0/28"]}},
        },
        {("NET-SIZE-012", API)},
    ),
    # NET-SIZE-013: dockerBridgeCidr is ignored
    (case(dockerBridgeCidr="172.17.0.0/16"), {("NET-SIZE-013", "network.dockerBridgeCidr")}),
]


@pytest.mark.parametrize("override, expected", ROWS)
def test_sizing_findings(override, expected):
    assert findings_of(intent_data(**override), "NET-SIZE") == expected


@pytest.mark.parametrize(
    "override, expected",
    [
        (node_subnet("10.224.0.0/29", pool(3)), {("NET-SIZE-002", NODE, "error")}),
        (node_subnet("10.224.0.0/27", pool(25)), {("NET-SIZE-002", NODE, "warning")}),
        (node_subnet("10.224.0.0/27", pool(27)), {("NET-SIZE-002", NODE, "error")}),
        (pod_subnet("10.224.128.0/24", pool(16, 16, surge=0)), {("NET-SIZE-007", POD, "error")}),
        (pod_subnet("10.224.128.0/24", pool(8, 32, surge=0)), {("NET-SIZE-007", POD, "warning")}),
        (
            pod_subnet("10.224.128.0/24", pool(8, 31, surge=0), "static-block"),
            {("NET-SIZE-008", POD, "warning")},
        ),
        (
            pod_subnet("10.224.128.0/24", pool(9, 31, surge=0), "static-block"),
            {("NET-SIZE-008", POD, "error")},
        ),
        (
            pod_subnet("10.224.128.0/24", pool(6, 32, surge=0), "static-block"),
            {("NET-SIZE-008", POD, "error"), ("NET-SIZE-008", "nodePools[0].maxPods", "warning")},
        ),
        (
            pod_subnet("10.224.128.0/23", pool(3, 250, surge=0), "static-block"),
            {("NET-SIZE-008", POD, "error"), ("NET-SIZE-008", "nodePools[0].maxPods", "warning")},
        ),
        (
            case(dockerBridgeCidr="172.17.0.0/16"),
            {("NET-SIZE-013", "network.dockerBridgeCidr", "warning")},
        ),
    ],
)
def test_sizing_severities(override, expected):
    assert severities_of(intent_data(**override), "NET-SIZE") == expected


@pytest.mark.parametrize(
    "max_pods, blocks", [(15, 1), (16, 2), (30, 2), (31, 2), (32, 3), (47, 3), (250, 16)]
)
def test_blocks_per_node(max_pods, blocks):
    _, plan = plan_of(intent_data(**pod_subnet(None, pool(1, max_pods, surge=0), "static-block")))
    assert blocks_per_node(plan.node_pools[0]) == blocks
    assert plan.network.pod_subnet.required_blocks == blocks


def test_messages_state_values_and_fix_gives_a_prefix():
    from generator.validate import check

    intent, plan = plan_of(intent_data(**flat("10.224.0.0/22", pool(50, 30, surge=1))))
    (finding,) = [f for f in check(intent, plan) if f.rule == "NET-SIZE-004"]
    assert "1019" in finding.message and "1581" in finding.message
    assert "/21" in finding.fix and "10.224.0.0/21" in finding.fix


def test_surge_suggestion_holds_the_assumed_surge():
    from generator.validate import check

    # 55 nodes, 10% surge assumed: the suggestion must hold 61 (a /25), not 55 (a /26).
    intent, plan = plan_of(intent_data(**node_subnet("10.224.0.0/27", pool(55))))
    (finding,) = [f for f in check(intent, plan) if f.rule.startswith("NET-SIZE")]
    assert finding.rule == "NET-SIZE-003" and "a /25 or larger" in finding.fix


def test_catalog_entries():
    """NET-SIZE is split by sub-area: subnets (sizing) and pod IPs (podips), each in ID order."""
    modules = (sizing, podips)
    for module in modules:
        ids = [r.id for r in module.RULES]
        assert ids == sorted(ids, key=lambda i: int(i.rsplit("-", 1)[1])), module.__name__
    rules = [r for module in modules for r in module.RULES]
    assert sorted(r.id for r in rules) == [f"NET-SIZE-{n:03d}" for n in range(1, 14)]
    assert {r.id: r.kind for r in rules if r.kind != "check"} == {"NET-SIZE-011": "live"}
