"""Capacity arithmetic shared by the NET-SIZE rules: what each range must hold (nodes plus surge,
pods where the model takes them from it), what it can hold, and the wording of a shortfall.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from generator import ipam
from generator.plan import PoolPlan
from generator.record import record
from generator.rules.common import SUBNET_PATHS, pod_ranges
from generator.rules.core import Violation

STATIC_MAX_PREFIX = 12
UNITS = {"addresses": "usable addresses", "nodes": "/24 node ranges", "blocks": "/28 blocks"}


@record
class Budget:
    """One range's capacity and what each node of a pool takes from it."""

    rule: str
    path: str
    label: str
    network: ipam.Network
    capacity: int
    unit: str  # a key of UNITS
    cost: Callable[[PoolPlan], int]
    given: bool  # sized by the user (or AKS's default), not by aksnet


@record
class Demand:
    total: int
    nodes: int
    surge: int

    def text(self) -> str:
        return f"{self.nodes} nodes + {self.surge} surge node{'' if self.surge == 1 else 's'}"


def surge_omitted(plan, index: int) -> bool:
    return f"nodePools[{index}].maxSurge" in plan.defaulted


def surge_of(plan, index: int, pool: PoolPlan, mode: str) -> int:
    """A pool's surge nodes. mode: given (0 when omitted), one (1 when omitted), ten (10%)."""
    if not surge_omitted(plan, index) or mode == "ten":
        return pool.surge_nodes
    return min(1, pool.sizing_nodes) if mode == "one" else 0


def demand(plan, cost: Callable[[PoolPlan], int], mode: str = "given") -> Demand:
    total = nodes = surge = 0
    for i, pool in enumerate(plan.node_pools):
        s = surge_of(plan, i, pool, mode)
        total += (pool.sizing_nodes + s) * cost(pool)
        nodes += pool.sizing_nodes
        surge += s
    return Demand(total, nodes, surge)


def full_density(pool: PoolPlan) -> int:
    """Dynamic allocation at maxPods: whole batches of 16."""
    return ipam.BLOCK_SIZE * math.ceil(pool.max_pods / ipam.BLOCK_SIZE)


def blocks_per_node(pool: PoolPlan) -> int:
    return math.ceil((pool.max_pods + 1) / ipam.BLOCK_SIZE)


def _valid(prefix: str | None) -> bool:
    """An IPv4 subnet prefix Azure accepts (NET-SIZE-001 reports the others)."""
    if not prefix:
        return False
    network = ipam.net(prefix)
    return network.version == 4 and ipam.LARGEST_SUBNET <= network.prefixlen <= ipam.SMALLEST_SUBNET


# The last plan's budgets: five rules ask for them in turn. Holding the plan itself (not its id)
# keeps the identity test sound; a plan checked on another thread meanwhile only recomputes.
_last: tuple = (None, None, ())


def budgets(intent, plan) -> tuple[Budget, ...]:
    """Every IPv4 range whose size is known and that nodes draw from."""
    global _last
    seen_intent, seen_plan, found = _last
    if seen_intent is intent and seen_plan is plan:
        return found
    found = tuple(_budgets(intent, plan))
    _last = (intent, plan, found)
    return found


def _budgets(intent, plan) -> list[Budget]:
    net, out = plan.network, []
    node, pod = net.node_subnet, net.pod_subnet
    if _valid(node.prefix) and node.usable_ips is not None:
        flat = net.model == "node-subnet"
        network = ipam.net(node.prefix)
        out.append(
            Budget(
                rule="NET-SIZE-004" if flat else "NET-SIZE-003",
                path="network.nodeSubnet.prefix",
                label=f"node subnet {network}",
                network=network,
                capacity=node.usable_ips,
                unit="addresses",
                cost=(lambda p: p.max_pods + 1) if flat else (lambda p: 1),
                given=node.prefix_given and not intent.network.vnet.managed,
            )
        )
    if net.model in ("overlay", "kubenet"):
        for r in pod_ranges(plan):
            if r.network.version != 4:
                continue
            plen = r.network.prefixlen
            out.append(
                Budget(
                    rule="NET-SIZE-005" if net.model == "overlay" else "NET-SIZE-006",
                    path=r.path,
                    label=f"pod CIDR {r.network}",
                    network=r.network,
                    capacity=2 ** (24 - plen) if plen <= 24 else 0,
                    unit="nodes",
                    cost=lambda p: 1,
                    given=True,
                )
            )
    if pod and _valid(pod.prefix):
        network = ipam.net(pod.prefix)
        common = {
            "path": "network.podSubnet.prefix",
            "label": f"pod subnet {network}",
            "network": network,
            "given": pod.prefix_given,
        }
        if pod.allocation == "static-block":
            plen = network.prefixlen
            out.append(
                Budget(
                    rule="NET-SIZE-008",
                    unit="blocks",
                    cost=blocks_per_node,
                    capacity=2 ** (ipam.BLOCK_PREFIX - plen) if plen <= ipam.BLOCK_PREFIX else 0,
                    **common,
                )
            )
        else:
            out.append(
                Budget(
                    rule="NET-SIZE-007",
                    unit="addresses",
                    cost=lambda p: ipam.BLOCK_SIZE,
                    capacity=ipam.usable(network.prefixlen),
                    **common,
                )
            )
    return out


def prefix_fitting(budget: Budget, need: int) -> int | None:
    if budget.unit == "nodes":
        return ipam.per_node_slash24_prefix(need)
    if budget.unit == "blocks":
        return ipam.prefix_for_blocks(need)
    return ipam.prefix_for(need)


def suggestion(budget: Budget, need: int) -> str:
    """'a /21 or larger, e.g. 10.1.0.0/21' for a range that must hold `need` units."""
    plen = prefix_fitting(budget, need)
    if plen is None or plen < 0:
        return f"split the pools: no single range holds {need} {UNITS[budget.unit]}"
    try:
        example = (
            budget.network.supernet(new_prefix=plen)
            if plen < budget.network.prefixlen
            else budget.network
        )
    except ValueError:
        example = None
    return f"a /{plen} or larger" + (f", e.g. {example}" if example else "")


def over(plan, budget: Budget, need: Demand, what: str, cost=None) -> Violation:
    """The range is short. The suggested size also holds the surge aksnet assumes (10%) for
    pools that omit maxSurge, so that following it does not trip NET-SIZE-002."""
    target = max(need.total, demand(plan, cost or budget.cost, "ten").total)
    return Violation(
        budget.path,
        f"{budget.label} holds {budget.capacity} {UNITS[budget.unit]}; {need.text()} {what} "
        f"need {need.total}",
        {"need": target, "unit": UNITS[budget.unit], "suggestion": suggestion(budget, target)},
    )


def unplaced(plan, role: str, need: int, plen: int | None, what: str) -> Violation:
    space = ", ".join(plan.network.vnet.address_space)
    size = f"/{plen}" if plen is not None else "subnet"
    if space:
        where = f"no free {size} is left in the VNet address space {space}"
        remedy = f"a {size} in a wider network.vnet.addressSpace, or give its prefix (or id)"
    else:
        where = "the VNet address space is unknown (an existing VNet is not read offline)"
        remedy = f"state network.vnet.addressSpace, or give its prefix (a {size}) or id"
    return Violation(
        f"{SUBNET_PATHS[role]}.prefix",
        f"no room for the {role} subnet: it needs {need} {what} (a {size}), and {where}",
        {"need": need, "unit": what, "suggestion": remedy},
    )


def capacity_check(intent, plan, rule_id: str, what: str):
    for budget in budgets(intent, plan):
        if budget.rule == rule_id:
            need = demand(plan, budget.cost)
            if need.total > budget.capacity:
                yield over(plan, budget, need, what)
