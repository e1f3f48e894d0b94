"""IP arithmetic: worked examples from the rules document, then hypothesis properties of the
allocator (`AddressPool.allocate`) and of the planner's subnet allocation, each checked against an
exhaustive brute-force oracle on small address spaces."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import ipam
from generator.intent import Intent
from generator.planner import build_plan
from tests.conftest import intent_data

FAST = settings(max_examples=150, deadline=None)
V4 = ipaddress.IPv4Network


# --- worked examples ----------------------------------------------------------------------------


@pytest.mark.parametrize(("prefixlen", "expected"), [
    (29, 3), (28, 11), (27, 27), (26, 59), (25, 123), (24, 251), (23, 507), (22, 1019),
    (21, 2043), (20, 4091), (16, 65531),
])
def test_usable_matches_the_documented_table(prefixlen, expected):
    assert ipam.usable(prefixlen) == expected


@pytest.mark.parametrize("prefixlen", [30, 31, 32])
def test_usable_is_never_negative(prefixlen):
    assert ipam.usable(prefixlen) == 0


@pytest.mark.parametrize(("required", "prefixlen"), [
    (0, 29), (1, 29), (3, 29),          # /29 holds 3
    (4, 28), (11, 28), (12, 27),        # one address more than /28's 11 needs a /27
    (251, 24), (252, 23),               # exact fit in /24; one short moves to /23
    (1581, 21), (1019, 22), (1020, 21),  # NET-SIZE-004's worked example: 51 + 51 x 30 -> /21
    (65531, 16), (65532, 15),
])
def test_prefix_for_exact_fit_and_one_short(required, prefixlen):
    assert ipam.prefix_for(required) == prefixlen
    assert ipam.usable(prefixlen) >= required
    if prefixlen < ipam.SMALLEST_SUBNET:
        assert ipam.usable(prefixlen + 1) < required


def test_prefix_for_gives_up_beyond_the_largest_subnet():
    assert ipam.prefix_for(ipam.usable(ipam.LARGEST_SUBNET)) == ipam.LARGEST_SUBNET
    assert ipam.prefix_for(ipam.usable(ipam.LARGEST_SUBNET) + 1) is None


@pytest.mark.parametrize(("prefixlen", "blocks"), [
    (29, 0), (28, 0), (27, 0), (26, 2), (25, 6), (24, 14), (22, 62), (12, 65534),
])
def test_blocks_in_excludes_the_first_and_last_block(prefixlen, blocks):
    assert ipam.blocks_in(prefixlen) == blocks


@pytest.mark.parametrize(("blocks", "prefixlen"), [
    (0, 29), (1, 26), (2, 26), (3, 25), (14, 24), (15, 23), (65534, 12), (65535, 11),
])
def test_prefix_for_blocks(blocks, prefixlen):
    assert ipam.prefix_for_blocks(blocks) == prefixlen
    assert ipam.blocks_in(prefixlen) >= blocks
    if prefixlen < ipam.SMALLEST_SUBNET:
        assert ipam.blocks_in(prefixlen + 1) < blocks


@pytest.mark.parametrize(("nodes", "prefixlen"), [
    (0, 24), (1, 24), (2, 23), (3, 22), (4, 22), (5, 21), (256, 16), (257, 15), (512, 15),
    (4096, 12), (5000, 11),  # NET-SIZE-005: 5,000 nodes need /11 because /12 gives 4,096
])
def test_per_node_slash24(nodes, prefixlen):
    assert ipam.per_node_slash24_prefix(nodes) == prefixlen
    if nodes > 1:
        assert 2 ** (24 - prefixlen) >= nodes > 2 ** (24 - prefixlen - 1)


@FAST
@given(st.integers(-5, ipam.usable(ipam.LARGEST_SUBNET) + 5))
def test_prefix_for_is_large_enough_and_minimal(required):
    prefixlen = ipam.prefix_for(required)
    if prefixlen is None:
        assert required > ipam.usable(ipam.LARGEST_SUBNET)
        return
    assert ipam.LARGEST_SUBNET <= prefixlen <= ipam.SMALLEST_SUBNET
    assert ipam.usable(prefixlen) >= required
    if prefixlen < ipam.SMALLEST_SUBNET:
        assert ipam.usable(prefixlen + 1) < required


@FAST
@given(st.integers(0, 2 ** 26))
def test_prefix_for_blocks_is_large_enough_and_minimal(blocks):
    prefixlen = ipam.prefix_for_blocks(blocks)
    if prefixlen is None:
        assert blocks > ipam.blocks_in(ipam.LARGEST_SUBNET)
        return
    assert ipam.blocks_in(prefixlen) >= blocks
    if prefixlen < ipam.SMALLEST_SUBNET:
        assert ipam.blocks_in(prefixlen + 1) < blocks


@FAST
@given(st.integers(2, 2 ** 40))
def test_per_node_slash24_is_the_smallest_cidr_with_a_24_per_node(nodes):
    prefixlen = ipam.per_node_slash24_prefix(nodes)
    assert 2 ** (24 - prefixlen) >= nodes > 2 ** (23 - prefixlen)


def test_overlaps_ignores_other_ip_versions():
    assert ipam.overlaps(ipam.net("10.0.0.0/8"), ipam.net("10.1.0.0/16"))
    assert not ipam.overlaps(ipam.net("10.0.0.0/8"), ipam.net("11.0.0.0/8"))
    assert not ipam.overlaps(ipam.net("10.0.0.0/8"), ipam.net("fd00::/8"))


def test_allocate_refuses_impossible_prefix_lengths():
    pool = ipam.AddressPool([ipam.net("10.0.0.0/24")])
    assert pool.allocate(33) is None
    assert pool.allocate(-1) is None
    assert pool.allocate(23) is None  # larger than the space
    assert pool.allocate(24) == ipam.net("10.0.0.0/24")


def test_allocate_first_fit_skips_taken_ranges_and_realigns():
    pool = ipam.AddressPool([ipam.net("10.0.0.0/24")])
    pool.take(ipam.net("10.0.0.8/29"))
    assert pool.allocate(29) == ipam.net("10.0.0.0/29")
    assert pool.allocate(28) == ipam.net("10.0.0.16/28")  # 10.0.0.8/29 blocks 10.0.0.0/28
    assert pool.allocate(25) == ipam.net("10.0.0.128/25")
    assert pool.allocate(25) is None


# --- oracle -------------------------------------------------------------------------------------


def aligned_blocks(spaces, prefixlen):
    """Every aligned block of this size inside the spaces, lowest first (the brute force)."""
    out = []
    for space in spaces:
        if space.prefixlen <= prefixlen:
            out.extend(space.subnets(new_prefix=prefixlen))
    return sorted(set(out), key=lambda n: int(n.network_address))


def clear(block, taken) -> bool:
    return not any(block.overlaps(t) for t in taken if t.version == block.version)


# --- allocator properties -----------------------------------------------------------------------


# Where VNets are drawn from: anywhere in 10/8, and next to each range Azure or AKS keeps
# (172.30/16, 192.0.2.0/24, 168.63.129.16, 169.254/16), so that allocation must step around them.
REGIONS = [V4("10.0.0.0/8"), V4("172.28.0.0/14"), V4("192.0.0.0/20"), V4("168.63.128.0/20"),
           V4("169.254.0.0/15")]


@st.composite
def small_space(draw, low=24, high=20):
    """A /20 to /24 IPv4 network, aligned, in one of the regions."""
    region = draw(st.sampled_from(REGIONS))
    plen = draw(st.integers(high, low))
    base = draw(st.integers(0, 2 ** (plen - region.prefixlen) - 1)) << (32 - plen)
    return V4((int(region.network_address) + base, plen))


@st.composite
def taken_near(draw, spaces):
    """Ranges in, across and around the spaces, as reserved and connected ranges are."""
    out = []
    for _ in range(draw(st.integers(0, 6))):
        space = draw(st.sampled_from(spaces))
        plen = draw(st.integers(max(space.prefixlen - 2, 8), 32))
        offset = draw(st.integers(-(2 ** (32 - space.prefixlen)), 2 ** (33 - space.prefixlen)))
        address = max(int(space.network_address) + offset, 0)
        out.append(V4((address, plen), strict=False))
    return out


@st.composite
def pool_case(draw):
    spaces = draw(st.lists(small_space(), min_size=1, max_size=2))
    taken = draw(taken_near(spaces))
    requests = draw(st.lists(st.integers(20, 30), min_size=1, max_size=6))
    return spaces, taken, requests


def run_pool(spaces, taken, requests):
    pool = ipam.AddressPool(spaces)
    pool.take_all(taken)
    return [pool.allocate(r) for r in requests]


@FAST
@given(pool_case())
def test_allocator_properties(case):
    spaces, taken, requests = case
    results = run_pool(spaces, taken, requests)
    held = list(taken)
    for want, got in zip(requests, results, strict=True):
        candidates = [b for b in aligned_blocks(spaces, want) if clear(b, held)]
        if got is None:
            # "no room" only when the exhaustive search finds no aligned free block either
            assert candidates == []
            continue
        assert got.prefixlen == want
        assert any(got.subnet_of(s) for s in spaces)  # inside the address space
        assert clear(got, held)  # disjoint from taken ranges and earlier allocations
        assert got == candidates[0]  # first fit: the lowest free aligned block
        held.append(got)
    assert run_pool(spaces, taken, requests) == results  # deterministic


@FAST
@given(pool_case())
def test_allocator_never_returns_a_block_overlapping_a_later_take(case):
    spaces, taken, requests = case
    pool = ipam.AddressPool(spaces)
    got = [pool.allocate(r) for r in requests]
    pool.take_all(taken)
    for block in filter(None, got):
        assert not pool.is_free(int(block.network_address), int(block.broadcast_address))


@pytest.mark.parametrize(("vnet", "nodes", "expected"), [
    ("172.28.0.0/14", 300, "172.28.0.0/23"),  # /14 holds 172.30/16 and 172.31/16
    ("172.30.0.0/15", 3, None),  # entirely reserved by AKS
    ("168.63.129.0/24", 20, "168.63.129.32/27"),  # .0/27 would hold 168.63.129.16
    ("192.0.2.0/23", 200, "192.0.3.0/24"),  # 192.0.2.0/24 is AKS's
])
def test_the_planner_steps_around_reserved_ranges(vnet, nodes, expected):
    data = intent_data(network={"vnet": {"addressSpace": [vnet]}},
                       nodePools=[{"name": "system", "mode": "System", "count": nodes,
                                   "maxSurge": 0}])
    plan = plan_of(data)
    assert plan.network.node_subnet.prefix == expected
    assert plan.unallocated == (() if expected else ("node",))


def test_oracle_agrees_on_a_full_space():
    # a negative control: the oracle itself must be able to say "no room"
    spaces = [ipam.net("10.0.0.0/24")]
    taken = [ipam.net("10.0.0.0/25"), ipam.net("10.0.0.128/26"), ipam.net("10.0.0.224/27")]
    assert [str(b) for b in aligned_blocks(spaces, 27) if clear(b, taken)] == ["10.0.0.192/27"]
    assert run_pool(spaces, taken, [27, 27]) == [ipam.net("10.0.0.192/27"), None]


# --- the planner's allocation -------------------------------------------------------------------

RESERVED = [ipam.net(c) for c in (*ipam.AKS_RESERVED, *ipam.AZURE_REFUSED)]


@dataclass
class Layout:
    data: dict
    vnet: V4


@st.composite
def pool_specs(draw, max_pools=3):
    pools = []
    for i in range(draw(st.integers(1, max_pools))):
        pool = {"name": f"pool{i}", "mode": "System" if i == 0 else "User",
                "count": draw(st.integers(0, 40)), "maxPods": draw(st.integers(10, 250))}
        if draw(st.booleans()):
            pool["maxSurge"] = draw(st.one_of(st.integers(0, 10),
                                              st.integers(0, 100).map(lambda p: f"{p}%")))
        if draw(st.booleans()):
            pool["minCount"] = 0
            pool["maxCount"] = draw(st.integers(0, 60))
        pools.append(pool)
    return pools


@st.composite
def layouts(draw, low=24, high=20):
    vnet = draw(small_space(low, high))
    model = draw(st.sampled_from(["overlay", "node-subnet", "pod-subnet", "kubenet"]))
    network = {"model": model, "vnet": {"addressSpace": [str(vnet)]},
               "serviceCidr": "10.0.0.0/16", "dnsServiceIp": "10.0.0.10"}
    near = draw(taken_near([vnet]))
    if near and draw(st.booleans()):
        network["connectedNetworks"] = [str(n) for n in near[:3]]
    if model == "pod-subnet":
        network["podSubnet"] = {"allocation": draw(st.sampled_from(["dynamic", "static-block"]))}
        network["podCidr"] = None
    else:
        network["podCidr"] = "10.244.0.0/16"
    if draw(st.booleans()):  # a given node prefix somewhere in the VNet
        plen = draw(st.integers(vnet.prefixlen, 29))
        blocks = list(vnet.subnets(new_prefix=plen))
        network["nodeSubnet"] = {"prefix": str(draw(st.sampled_from(blocks)))}
    if draw(st.booleans()):  # a service range that may land inside the VNet
        plen = draw(st.integers(vnet.prefixlen, 28))
        network["serviceCidr"] = str(draw(st.sampled_from(list(vnet.subnets(new_prefix=plen)))))
        network["dnsServiceIp"] = None
    features = {"apiServerVnetIntegration": draw(st.booleans())}
    data = intent_data(network=network, nodePools=draw(pool_specs()), features=features)
    return Layout(data, vnet)


def plan_of(data):
    return build_plan(Intent.model_validate(data))


def fixed_ranges(plan):
    """Everything the allocator must keep clear of: reserved, connected, service/pod CIDRs, and
    subnets whose prefix the user gave."""
    net = plan.network
    out = [*RESERVED, *ipam.nets(net.connected_networks), *ipam.nets(net.service_cidrs
                                                                      or (net.service_cidr,))]
    if net.model in ("overlay", "kubenet", "byo-cni"):
        out += ipam.nets(c for c in (*net.pod_cidrs, net.pod_cidr) if c)
    out += [ipam.net(s.prefix) for s in net.subnets if s.prefix_given and s.prefix]
    return out


def wanted_prefix(subnet):
    if subnet.role == "apiServer":
        return 28
    if subnet.allocation == "static-block":
        return ipam.prefix_for_blocks(subnet.required_blocks)
    return ipam.prefix_for(subnet.required_ips)


@FAST
@given(layouts())
def test_planner_allocation_properties(layout):
    plan = plan_of(layout.data)
    fixed = fixed_ranges(plan)
    allocated = [s for s in plan.network.subnets if not s.prefix_given and s.prefix]
    for subnet in allocated:
        block = ipam.net(subnet.prefix)
        assert block.subnet_of(layout.vnet), subnet  # inside the VNet space
        assert clear(block, fixed), subnet  # clear of reserved, connected, CIDRs, given
        others = [ipam.net(o.prefix) for o in allocated if o is not subnet]
        assert clear(block, others), subnet  # pairwise disjoint
        # large enough and minimal: exactly the prefix the formula asks for
        assert block.prefixlen == wanted_prefix(subnet)
        if subnet.allocation == "static-block":
            assert subnet.available_blocks >= subnet.required_blocks
            if block.prefixlen < ipam.SMALLEST_SUBNET:
                assert ipam.blocks_in(block.prefixlen + 1) < subnet.required_blocks
        else:
            assert subnet.usable_ips >= subnet.required_ips
            if block.prefixlen < ipam.SMALLEST_SUBNET:
                assert ipam.usable(block.prefixlen + 1) < subnet.required_ips
    for role in plan.unallocated:
        subnet = next(s for s in plan.network.subnets if s.role == role)
        assert subnet.prefix is None and not subnet.prefix_given
        want = wanted_prefix(subnet)
        held = fixed + [ipam.net(s.prefix) for s in allocated]
        free = [] if want is None else [b for b in aligned_blocks([layout.vnet], want)
                                        if clear(b, held)]
        assert free == [], f"{role} reported without room, but {free[:1]} is free"
    assert plan_of(layout.data) == plan  # deterministic: the same input gives the same plan


def joint_placement_exists(vnet, fixed, wants) -> bool:
    """Exhaustive: can every wanted prefix length get its own aligned block at once?"""
    choices = [[b for b in aligned_blocks([vnet], w) if clear(b, fixed)] for w in wants]

    def place(i: int, chosen: list) -> bool:
        if i == len(choices):
            return True
        return any(place(i + 1, [*chosen, b]) for b in choices[i] if clear(b, chosen))

    return place(0, [])


def test_joint_oracle_has_teeth():
    vnet = ipam.net("10.0.0.0/24")
    assert joint_placement_exists(vnet, [], [25, 25])
    assert not joint_placement_exists(vnet, [], [25, 25, 29])
    assert not joint_placement_exists(vnet, [ipam.net("10.0.0.64/26")], [25, 25])


@settings(max_examples=100, deadline=None)
@given(layouts(low=24, high=23))
def test_planner_reports_no_room_only_when_no_joint_placement_exists(layout):
    plan = plan_of(layout.data)
    todo = [s for s in plan.network.subnets if not s.prefix_given and not s.existing]
    wants = [wanted_prefix(s) for s in todo]
    if plan.unallocated:
        assert None in wants or not joint_placement_exists(layout.vnet, fixed_ranges(plan), wants)
    else:
        assert all(s.prefix for s in todo)


@st.composite
def growth(draw):
    """A base pool and a pool that is at least as large in nodes, surge and maxPods."""
    count = draw(st.integers(0, 300))
    surge = draw(st.integers(0, 100))
    pods = draw(st.integers(10, 250))
    more = (count + draw(st.integers(0, 300)), surge + draw(st.integers(0, 100)),
            pods + draw(st.integers(0, 250 - pods)))
    model = draw(st.sampled_from(["overlay", "node-subnet", "pod-subnet", "kubenet"]))
    allocation = draw(st.sampled_from(["dynamic", "static-block"]))
    return model, allocation, (count, surge, pods), more


def sized(model, allocation, count, surge, pods):
    network = {"model": model, "vnet": {"addressSpace": ["10.0.0.0/8"]},
               "serviceCidr": "192.168.0.0/16", "dnsServiceIp": "192.168.0.10",
               "podCidr": "100.64.0.0/10" if model != "pod-subnet" else None}
    if model == "pod-subnet":
        network["podSubnet"] = {"allocation": allocation}
    pools = [{"name": "system", "mode": "System", "count": count, "maxPods": pods,
              "maxSurge": f"{surge}%"}]
    plan = plan_of(intent_data(network=network, nodePools=pools))
    return {s.role: ipam.net(s.prefix).prefixlen for s in plan.network.subnets}


@FAST
@given(growth())
def test_more_nodes_surge_or_pods_never_yield_a_smaller_subnet(case):
    model, allocation, base, more = case
    small, large = sized(model, allocation, *base), sized(model, allocation, *more)
    assert small.keys() == large.keys()
    for role in small:
        assert large[role] <= small[role], (role, base, more)


def test_monotone_has_teeth():
    # the comparison above must be able to see a difference
    assert sized("node-subnet", "dynamic", 3, 0, 30)["node"] > sized(
        "node-subnet", "dynamic", 50, 0, 30)["node"]


@FAST
@given(st.one_of(
    st.builds(lambda a, p: str(ipaddress.ip_network((a, p), strict=False)),
              st.ip_addresses(v=4), st.integers(8, 30)),
    st.builds(lambda a, p: str(ipaddress.ip_network((a, p), strict=False)),
              st.ip_addresses(v=6), st.integers(100, 126)),
))
def test_default_dns_ip_lies_inside_the_service_cidr_and_off_its_boundaries(cidr):
    plan = plan_of(intent_data(network={"serviceCidr": cidr, "dnsServiceIp": None}))
    service, dns = ipaddress.ip_network(cidr), ipaddress.ip_address(plan.network.dns_service_ip)
    assert dns in service
    assert dns != service.network_address
    assert dns != service.network_address + 1  # the kubernetes service (NET-SVC-003)
    assert dns != service.broadcast_address
    assert "network.dnsServiceIp" in plan.defaulted


@pytest.mark.parametrize("cidr", ["10.0.0.0/31", "10.0.0.0/32", "0.0.0.0/32", "fd00::/128"])
def test_default_dns_ip_on_a_range_too_small_for_one_does_not_raise(cidr):
    plan = plan_of(intent_data(network={"serviceCidr": cidr, "dnsServiceIp": None}))
    assert ipaddress.ip_address(plan.network.dns_service_ip) in ipaddress.ip_network(cidr)
