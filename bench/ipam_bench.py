"""Figure 3: address allocation at scale.

2,000 clusters each get a node subnet and a pod subnet in one 10.0.0.0/8 that already holds 500
connected ranges (/18 to /24, deterministic). Two ways:

- direct: `generator.ipam.AddressPool` with prefix lengths drawn like real clusters';
- planner sizing: the sizes come from the planner's own functions (`plan_pool`,
  `node_subnet_need`, `pod_subnet_need`, then `ipam.prefix_for` / `prefix_for_blocks`) for 2,000
  generated pod-subnet intents, and every subnet is placed in the one shared pool.

The reference is the same allocations in an empty /8, so the ratio is the cost of the ranges to
avoid. A third figure plans and validates one intent whose VNet is the /8 with the 500 connected
ranges, beside the same intent with none: that is where a pairwise (quadratic) overlap check in a
rule would show. Results are checked after timing: every subnet allocated, pairwise disjoint and
clear of every connected range.
"""

from __future__ import annotations

import ipaddress
import random
import time

from bench.common import Figure, median

SPACE = "10.0.0.0/8"
CLUSTERS = 2000
CONNECTED = 500
TARGET = "< 1 s"


def connected_ranges(count: int = CONNECTED, seed: int = 3) -> list[str]:
    rng = random.Random(seed)
    base = int(ipaddress.ip_address("10.0.0.0"))
    out: set[str] = set()
    while len(out) < count:
        plen = rng.choice((18, 20, 22, 24, 24))
        size = 1 << (32 - plen)
        start = base + rng.randrange(0, 1 << 24, size)
        out.add(str(ipaddress.ip_network((start, plen))))
    return sorted(out, key=lambda c: ipaddress.ip_network(c))


def cluster_prefixes(count: int = CLUSTERS, seed: int = 4) -> list[tuple[int, int]]:
    """(node prefix, pod prefix) per cluster, like the fleet's: /22-/25 nodes, /18-/22 pods."""
    rng = random.Random(seed)
    return [(rng.choice((22, 23, 24, 24, 25)), rng.choice((18, 19, 20, 20, 21, 22)))
            for _ in range(count)]


def _pool(avoid: list[str]):
    from generator import ipam

    pool = ipam.AddressPool([ipam.net(SPACE)], 4)
    pool.take_all(ipam.nets(avoid))
    return pool


def run_direct(prefixes: list[tuple[int, int]], avoid: list[str]) -> tuple[float, list]:
    start = time.perf_counter()
    pool = _pool(avoid)
    got = []
    for node, pod in prefixes:
        # Largest first, as the planner places a cluster's subnets.
        got.append(pool.allocate(pod))
        got.append(pool.allocate(node))
    return time.perf_counter() - start, got


def sized_intents(count: int = CLUSTERS, seed: int = 5) -> list:
    """Intents for the planner-sizing run, built in memory (not timed)."""
    from bench import fleet
    from generator.intent import Intent

    models = (("pod-subnet", 2), ("pod-subnet-static", 1))
    return [Intent.model_validate(d) for d in fleet.intents(count, seed, models)]


def run_planner(intents: list, avoid: list[str]) -> tuple[float, list]:
    from generator import ipam, planner

    start = time.perf_counter()
    pool = _pool(avoid)
    got = []
    for intent in intents:
        model = "pod-subnet"
        pools = tuple(planner.plan_pool(intent, p, i, model, set())
                      for i, p in enumerate(intent.node_pools))
        allocation = str(intent.network.pod_subnet.allocation)
        pod_need = planner.pod_subnet_need(allocation, pools)
        pod = (ipam.prefix_for_blocks(pod_need) if allocation == "static-block"
               else ipam.prefix_for(pod_need))
        node = ipam.prefix_for(planner.node_subnet_need(model, pools))
        got.append(pool.allocate(pod))
        got.append(pool.allocate(node))
    return time.perf_counter() - start, got


def check(got: list, avoid: list[str]) -> str:
    """'' when every block was allocated, blocks are disjoint and clear of the avoid list."""
    if any(b is None for b in got):
        return f"{sum(b is None for b in got)} subnet(s) found no room"
    spans = sorted([(int(b.network_address), int(b.broadcast_address), "new") for b in got]
                   + [(int(n.network_address), int(n.broadcast_address), "avoid")
                      for n in map(ipaddress.ip_network, avoid)])
    last_end, last_kind = -1, ""
    for first, last, kind in spans:
        if first <= last_end and not (kind == last_kind == "avoid"):
            return f"overlap at {ipaddress.ip_address(first)}"
        if last > last_end:
            last_end, last_kind = last, kind
    return ""


def one_intent(connected: list[str]) -> dict:
    return {
        "name": "big-hub", "location": "eastus2", "kubernetesVersion": "1.33",
        "network": {"model": "pod-subnet", "vnet": {"addressSpace": [SPACE]},
                    "serviceCidr": "172.20.0.0/16", "connectedNetworks": connected},
        "nodePools": [{"name": "system", "mode": "System", "count": 3, "maxPods": 30},
                      {"name": "apps", "minCount": 3, "maxCount": 100, "maxPods": 64}],
    }


def run_one(data: dict) -> float:
    from generator.intent import Intent
    from generator.planner import build_plan
    from generator.validate import check as run_rules

    intent = Intent.model_validate(data)
    start = time.perf_counter()
    plan = build_plan(intent)
    run_rules(intent, plan)
    return time.perf_counter() - start


def measure(runs: int) -> list[Figure]:
    avoid = connected_ranges()
    prefixes = cluster_prefixes()
    intents = sized_intents()
    out = []
    for fid, label, fn, arg in (
        ("ipam.direct", "AddressPool", run_direct, prefixes),
        ("ipam.planner", "planner sizing + AddressPool", run_planner, intents),
    ):
        runs_ = [fn(arg, avoid) for _ in range(runs)]
        refs = [fn(arg, [])[0] for _ in range(runs)]
        problem = check(runs_[0][1], avoid)
        value = median([r[0] for r in runs_])
        fig = Figure(fid, f"allocate {2 * CLUSTERS:,} subnets in a /8, {CONNECTED} ranges to "
                     f"avoid ({label})", value, "s",
                     reference="same, nothing to avoid", reference_value=median(refs),
                     target=TARGET, passed=value < 1 and not problem,
                     samples=[r[0] for r in runs_], note=problem and f"wrong: {problem}")
        out.append(fig)
    big = [run_one(one_intent(avoid)) for _ in range(runs)]
    small = [run_one(one_intent([])) for _ in range(runs)]
    out.append(Figure("ipam.one-intent", f"plan + validate one intent: /8 VNet, "
                      f"{CONNECTED} connectedNetworks", median(big), "s",
                      reference="same intent, no connectedNetworks",
                      reference_value=median(small), target=TARGET,
                      passed=median(big) < 1, samples=big))
    return out
