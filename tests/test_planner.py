"""The planner: model choice and reasons, defaults (and that they are recorded), capacity,
existing VNets and subnets, dual-stack placement, static-block sizing, and totality."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from generator import ipam
from generator.intent import Intent
from generator.planner import build_plan, surge_nodes
from generator.rules.core import ERROR, rule
from generator.validate import INTERNAL, check
from tests.conftest import intent_data, merge

SUB = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups"
VNET_ID = f"{SUB}/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-hub"
SUBNET_ID = f"{VNET_ID}/subnets/snet-aks"


def plan(**override):
    return build_plan(Intent.model_validate(intent_data(**override)))


def auto(requirements=None, pools=None, **network):
    net = {"model": "auto", "requirements": requirements or {}, "podCidr": None, **network}
    return plan(network=net, nodePools=pools or [{"name": "system", "mode": "System"}])


WINDOWS = [{"name": "system", "mode": "System"}, {"name": "win", "os": "Windows"}]


# --- model choice -------------------------------------------------------------------------------


def test_auto_defaults_to_overlay_with_reasons():
    net = auto().network
    assert (net.model, net.plugin, net.plugin_mode) == ("overlay", "azure", "overlay")
    assert (net.dataplane, net.policy) == ("azure", "none")
    assert any("overlay" in r for r in net.model_reasons)
    assert any("kubenet" in r for r in net.model_reasons)  # why not kubenet is said too


def test_auto_chooses_pod_subnet_when_pods_must_be_reachable():
    result = auto({"podsReachableFromNetwork": True})
    assert result.network.model == "pod-subnet"
    assert result.network.pod_subnet is not None
    assert result.network.pod_subnet.allocation == "dynamic"
    assert any("reachable" in r for r in result.network.model_reasons)
    assert result.network.pod_cidr is None


def test_auto_chooses_cilium_for_network_policy_on_linux():
    net = auto({"networkPolicy": True}).network
    assert (net.model, net.dataplane, net.policy) == ("overlay", "cilium", "cilium")
    assert any("Cilium" in r for r in net.model_reasons)


def test_auto_chooses_calico_for_network_policy_with_a_windows_pool():
    net = auto({"networkPolicy": True}, WINDOWS).network
    assert (net.dataplane, net.policy) == ("azure", "calico")
    assert any("Windows" in r for r in net.model_reasons)


def test_auto_keeps_a_given_dataplane_or_policy_engine():
    assert auto({"networkPolicy": True}, dataplane="azure").network.dataplane == "azure"
    net = auto({"networkPolicy": True}, policy="calico").network
    assert (net.dataplane, net.policy) == ("azure", "calico")  # never cilium + calico


def test_auto_without_policy_needs_stays_on_the_azure_dataplane():
    assert auto({"networkPolicy": False}).network.dataplane == "azure"


def test_a_given_model_is_kept_and_said():
    net = plan(network={"model": "kubenet"}).network
    assert (net.model, net.plugin) == ("kubenet", "kubenet")
    assert net.model_reasons == ("model kubenet was given in the intent",)


@settings(max_examples=60, deadline=None)
@given(st.booleans(), st.booleans(), st.sampled_from([[], WINDOWS]))
def test_auto_never_chooses_kubenet(reachable, policy, pools):
    result = auto({"podsReachableFromNetwork": reachable, "networkPolicy": policy}, pools or None)
    assert result.network.model in ("overlay", "pod-subnet")
    assert result.network.model == ("pod-subnet" if reachable else "overlay")


@pytest.mark.parametrize(("model", "plugin", "mode"), [
    ("overlay", "azure", "overlay"), ("pod-subnet", "azure", None), ("node-subnet", "azure", None),
    ("kubenet", "kubenet", None), ("byo-cni", "none", None),
])
def test_plugin_per_model(model, plugin, mode):
    net = plan(network={"model": model}).network
    assert (net.plugin, net.plugin_mode) == (plugin, mode)


# --- defaults -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("model", "linux", "windows"), [
    ("overlay", 250, 110), ("pod-subnet", 250, 110), ("node-subnet", 30, 30),
    ("kubenet", 110, 110), ("byo-cni", 250, 110),
])
def test_max_pods_default_per_model_is_recorded(model, linux, windows):
    pools = [{"name": "system", "mode": "System"}, {"name": "win", "os": "Windows"}]
    result = plan(network={"model": model}, nodePools=pools)
    assert [p.max_pods for p in result.node_pools] == [linux, windows]
    assert {"nodePools[0].maxPods", "nodePools[1].maxPods"} <= result.defaulted


def test_given_values_are_not_recorded_as_defaulted():
    result = plan()  # BASE gives maxPods, podCidr, serviceCidr, dnsServiceIp
    for path in ("nodePools[0].maxPods", "network.podCidr", "network.serviceCidr",
                 "network.dnsServiceIp"):
        assert path not in result.defaulted
    assert result.node_pools[0].max_pods == 110


def test_network_defaults_are_filled_and_recorded():
    result = plan(network={"podCidr": None, "serviceCidr": None, "dnsServiceIp": None})
    net = result.network
    assert (net.pod_cidr, net.service_cidr, net.dns_service_ip) == (
        "10.244.0.0/16", "10.0.0.0/16", "10.0.0.10")
    assert {"network.podCidr", "network.serviceCidr", "network.dnsServiceIp",
            "nodePools[0].maxSurge", "resourceGroup"} <= result.defaulted
    assert result.resource_group == "rg-base"


def test_pod_cidr_is_not_defaulted_where_pods_take_subnet_addresses():
    result = plan(network={"model": "pod-subnet", "podCidr": None})
    assert result.network.pod_cidr is None
    assert "network.podCidr" not in result.defaulted


def test_dual_stack_defaults_both_families():
    result = plan(network={"ipFamilies": ["IPv4", "IPv6"], "podCidr": None, "serviceCidr": None,
                           "vnet": {"addressSpace": ["10.224.0.0/16", "fd00:1::/48"]}})
    net = result.network
    assert net.pod_cidrs == ("10.244.0.0/16", "fd12:3456:789a::/64")
    assert net.service_cidrs == ("10.0.0.0/16", "fd12:3456:789a:1::/108")
    assert {"network.podCidrs", "network.serviceCidrs"} <= result.defaulted


@pytest.mark.parametrize(("surge", "nodes", "expected"), [
    ("10%", 3, 1), ("10%", 10, 1), ("10%", 11, 2), ("33%", 30, 10), ("100%", 7, 7), ("0%", 9, 0),
    (5, 3, 5), ("5", 3, 5), (0, 3, 0), (-2, 3, 0), ("-10%", 10, 0),
    ("abc", 3, 1), ("inf%", 3, 1), ("nan%", 3, 1), ("1e400%", 3, 1),  # unreadable -> 1 node
])
def test_surge_nodes(surge, nodes, expected):
    assert surge_nodes(surge, nodes) == expected


def test_surge_and_autoscale_max_size_the_subnet():
    pools = [{"name": "system", "mode": "System", "minCount": 1, "maxCount": 20, "maxSurge": "50%"}]
    pool = plan(nodePools=pools).node_pools[0]
    assert (pool.sizing_nodes, pool.surge_nodes, pool.peak_nodes, pool.count) == (20, 10, 30, 1)


# --- capacity -----------------------------------------------------------------------------------


def test_capacity_overlay_is_limited_by_the_minimal_node_subnet():
    result = plan()  # 3 nodes + 1 surge -> 4 addresses -> /28 (11 usable)
    assert result.network.node_subnet.prefix == "10.224.0.0/28"
    assert result.network.node_subnet.required_ips == 4
    cap = result.capacity
    assert (cap.max_nodes, cap.max_pods_per_node, cap.limited_by) == (11, 110, "nodeSubnet")
    assert cap.limits == {"nodeSubnet": 11, "podCidr": 256, "platform": 5000}
    assert cap.max_pods == 11 * 110


def test_capacity_overlay_limited_by_a_small_pod_cidr():
    cap = plan(network={"podCidr": "10.244.0.0/22", "nodeSubnet": {"prefix": "10.224.0.0/24"}}
               ).capacity
    assert (cap.max_nodes, cap.limited_by) == (4, "podCidr")  # NET-SIZE-005: /22 -> 4 nodes


def test_capacity_node_subnet_counts_pods_in_the_subnet():
    result = plan(network={"model": "node-subnet", "podCidr": None,
                           "nodeSubnet": {"prefix": "10.224.0.0/24"}},
                  nodePools=[{"name": "system", "mode": "System", "count": 3, "maxPods": 30}])
    cap = result.capacity
    assert (cap.max_nodes, cap.limited_by) == (8, "nodeSubnet")  # 8 x 31 = 248 <= 251
    assert cap.limits["vnetIps"] == 65536 // 31


def test_capacity_kubenet_is_capped_at_400_nodes():
    cap = plan(network={"model": "kubenet", "podCidr": "10.128.0.0/9",
                        "vnet": {"addressSpace": ["10.0.0.0/9"]}, "serviceCidr": "192.168.0.0/16",
                        "dnsServiceIp": "192.168.0.10", "nodeSubnet": {"prefix": "10.0.0.0/16"}}
               ).capacity
    assert (cap.max_nodes, cap.limited_by) == (400, "platform")


def test_capacity_dynamic_pod_subnet_takes_16_addresses_at_a_time():
    result = plan(network={"model": "pod-subnet", "podCidr": None,
                           "podSubnet": {"prefix": "10.224.1.0/24"}},
                  nodePools=[{"name": "system", "mode": "System", "count": 3, "maxPods": 30}])
    cap = result.capacity
    assert (cap.max_nodes, cap.limited_by) == (251 // 32, "podSubnet")  # 2 batches of 16
    assert cap.limits["vnetIps"] == 65536 // 31


def test_capacity_static_block_counts_blocks():
    result = plan(network={"model": "pod-subnet", "podCidr": None,
                           "podSubnet": {"prefix": "10.224.1.0/24", "allocation": "static-block"}},
                  nodePools=[{"name": "system", "mode": "System", "count": 3, "maxPods": 31}])
    pod = result.network.pod_subnet
    assert (pod.available_blocks, pod.required_blocks) == (14, 4 * 2)
    assert (result.capacity.max_nodes, result.capacity.limited_by) == (7, "podSubnet")
    assert "vnetIps" not in result.capacity.limits  # blocks are counted once, not per pod


@pytest.mark.parametrize("max_pods", [-1, 0])
def test_capacity_never_divides_by_zero(max_pods):
    for model, extra in (("node-subnet", {}),
                         ("pod-subnet", {"podSubnet": {"allocation": "static-block"}}),
                         ("pod-subnet", {})):
        result = plan(network={"model": model, "podCidr": None, **extra},
                      nodePools=[{"name": "system", "mode": "System", "maxPods": max_pods}])
        assert result.capacity.max_nodes >= 0


# --- static block sizing ------------------------------------------------------------------------


@pytest.mark.parametrize(("max_pods", "blocks"), [
    (15, 1), (30, 2), (31, 2), (32, 3), (47, 3), (250, 16),  # NET-SIZE-008's table
])
def test_static_block_sizing_in_28_blocks(max_pods, blocks):
    result = plan(network={"model": "pod-subnet", "podCidr": None,
                           "podSubnet": {"allocation": "static-block"}},
                  nodePools=[{"name": "system", "mode": "System", "count": 9, "maxSurge": 1,
                              "maxPods": max_pods}])
    pod = result.network.pod_subnet
    assert pod.required_blocks == 10 * blocks
    assert pod.required_ips == 10 * blocks * 16
    assert ipaddress.ip_network(pod.prefix).prefixlen == ipam.prefix_for_blocks(10 * blocks)
    assert pod.available_blocks >= pod.required_blocks


def test_dynamic_pod_subnet_sizing_in_batches_of_16():
    result = plan(network={"model": "pod-subnet", "podCidr": None},
                  nodePools=[{"name": "system", "mode": "System", "count": 9, "maxSurge": 1,
                              "maxPods": 30}])
    pod = result.network.pod_subnet
    assert pod.required_ips == 10 * 32
    assert ipaddress.ip_network(pod.prefix).prefixlen == ipam.prefix_for(320) == 23


def test_node_subnet_model_sizes_for_nodes_and_pods():
    # NET-SIZE-004's worked example: 50 nodes + 1 surge at 30 pods -> 1,581 -> /21
    result = plan(network={"model": "node-subnet", "podCidr": None},
                  nodePools=[{"name": "system", "mode": "System", "count": 50, "maxSurge": 1,
                              "maxPods": 30}])
    node = result.network.node_subnet
    assert node.required_ips == 1581
    assert ipaddress.ip_network(node.prefix).prefixlen == 21


# --- existing VNets and subnets, managed VNet ---------------------------------------------------


def test_existing_vnet_and_subnet_are_referenced_not_allocated():
    result = plan(network={"vnet": {"id": VNET_ID, "addressSpace": ["10.150.0.0/16"]},
                           "nodeSubnet": {"id": SUBNET_ID}})
    net = result.network
    assert net.vnet.existing and net.vnet.name == "vnet-hub" and net.vnet.resource_group == "rg-net"
    assert net.node_subnet.existing and net.node_subnet.name == "snet-aks"
    assert net.node_subnet.prefix is None and result.unallocated == ()
    vnets = result.of_type("Microsoft.Network/virtualNetworks")
    assert [(r.name, r.existing, r.existing_id) for r in vnets] == [("vnet-hub", True, VNET_ID)]
    subnets = result.of_type("Microsoft.Network/virtualNetworks/subnets")
    assert [r.existing for r in subnets] == [True]


def test_existing_subnet_implies_its_vnet():
    result = plan(network={"vnet": {"addressSpace": None}, "nodeSubnet": {"id": SUBNET_ID}})
    assert result.network.vnet.id == VNET_ID
    assert result.network.vnet.address_space == ()  # unknown unless the intent states it


def test_existing_vnet_without_address_space_cannot_place_new_subnets():
    result = plan(network={"vnet": {"id": VNET_ID, "addressSpace": None}})
    assert result.unallocated == ("node",)
    assert result.network.node_subnet.prefix is None
    assert result.capacity.limited_by != "nodeSubnet"


def test_new_subnets_in_an_existing_vnet_avoid_given_prefixes():
    result = plan(network={"model": "pod-subnet", "podCidr": None,
                           "vnet": {"id": VNET_ID, "addressSpace": ["10.150.0.0/22"]},
                           "nodeSubnet": {"id": SUBNET_ID, "prefix": "10.150.0.0/24"}})
    pod = ipaddress.ip_network(result.network.pod_subnet.prefix)
    assert pod.subnet_of(ipaddress.ip_network("10.150.0.0/22"))
    assert not pod.overlaps(ipaddress.ip_network("10.150.0.0/24"))


def test_managed_vnet_keeps_new_subnets_off_the_node_subnet():
    result = plan(network={"vnet": {"managed": True}},
                  features={"apiServerVnetIntegration": True})
    net = result.network
    assert net.node_subnet.prefix == "10.224.0.0/16" and net.node_subnet.prefix_given
    api = ipaddress.ip_network(net.api_server_subnet.prefix)
    assert api.subnet_of(ipaddress.ip_network("10.224.0.0/12"))
    assert not api.overlaps(ipaddress.ip_network("10.224.0.0/16"))


def test_no_room_is_recorded_not_raised():
    result = plan(network={"vnet": {"addressSpace": ["10.224.0.0/29"]}},
                  nodePools=[{"name": "system", "mode": "System", "count": 50}])
    assert result.unallocated == ("node",)
    assert result.network.node_subnet.prefix is None
    assert result.network.node_subnet.usable_ips is None


# --- dual-stack ---------------------------------------------------------------------------------


def test_dual_stack_places_a_64_in_the_ipv6_space():
    result = plan(network={"ipFamilies": ["IPv4", "IPv6"], "podCidr": None,
                           "vnet": {"addressSpace": ["10.224.0.0/16", "fd00:10:180::/48"]}})
    v6 = ipaddress.ip_network(result.network.node_subnet.ipv6_prefix)
    assert v6.prefixlen == 64
    assert v6.subnet_of(ipaddress.ip_network("fd00:10:180::/48"))
    for cidr in (*result.network.pod_cidrs, *result.network.service_cidrs):
        assert not ipam.overlaps(v6, ipam.net(cidr))


def test_dual_stack_ipv6_avoids_the_ipv6_pod_and_service_ranges():
    # the VNet's v6 space starts with the default v6 pod CIDR (first /64) and service CIDR
    # (inside the second /64): the node /64 must be the third
    def v6(space):
        data = intent_data(network={"ipFamilies": ["IPv4", "IPv6"], "podCidr": None,
                                    "vnet": {"addressSpace": ["10.224.0.0/16", space]}})
        intent = Intent.model_validate(data)
        return intent, build_plan(intent)

    _, roomy = v6("fd12:3456:789a::/62")
    assert roomy.network.node_subnet.ipv6_prefix == "fd12:3456:789a:2::/64"
    intent, full = v6("fd12:3456:789a::/63")
    assert full.network.node_subnet.ipv6_prefix is None  # no room: the plan says so, and a
    paths = {(f.rule, f.path) for f in check(intent, full)}  # rule reports it
    assert ("NET-DS-001", "network.vnet.addressSpace") in paths
    assert ("NET-DS-001", "network.vnet.addressSpace") not in {
        (f.rule, f.path) for f in check(*v6("fd12:3456:789a::/62"))}


def test_dual_stack_without_ipv6_space_has_no_ipv6_prefix():
    result = plan(network={"ipFamilies": ["IPv4", "IPv6"], "podCidr": None})
    assert result.network.node_subnet.ipv6_prefix is None
    assert result.network.node_subnet.prefix is not None


def test_single_stack_allocates_no_ipv6():
    result = plan(network={"vnet": {"addressSpace": ["10.224.0.0/16", "fd00:10:180::/48"]}})
    assert result.network.node_subnet.ipv6_prefix is None


# --- totality -----------------------------------------------------------------------------------


def cidrs(version=None):
    v4 = st.builds(lambda a, p: str(ipaddress.ip_network((a, p), strict=False)),
                   st.ip_addresses(v=4), st.integers(0, 32))
    v4_plausible = st.sampled_from(["10.0.0.0/16", "10.224.0.0/12", "10.224.0.0/24",
                                    "172.16.0.0/12", "192.168.0.0/16", "10.244.0.0/16",
                                    "100.64.0.0/10", "10.224.0.0/29", "0.0.0.0/0",
                                    "169.254.0.0/16"])
    v6 = st.builds(lambda a, p: str(ipaddress.ip_network((a, p), strict=False)),
                   st.ip_addresses(v=6), st.integers(0, 128))
    v6_plausible = st.sampled_from(["fd12:3456:789a::/64", "fd12:3456:789a:1::/108", "fd00::/48"])
    if version == 4:
        return st.one_of(v4_plausible, v4)
    return st.one_of(v4_plausible, v4, v6_plausible, v6)


def ids(kind):
    return st.sampled_from([
        f"{SUB}/rg-net/providers/Microsoft.Network/{kind}",
        f"{SUB}/rg-net/providers/x",
        f"{VNET_ID}/subnets/snet-{kind}",
    ])


surge = st.one_of(st.integers(-3, 2000), st.sampled_from(
    ["10%", "0%", "100%", "250%", "33.3%", "-5%", "abc", "inf%", "nan%", "1e400%", "", "%", "7"]))

pool = st.fixed_dictionaries({"name": st.sampled_from(["system", "user", "win", "np1"])}, optional={
    "mode": st.sampled_from(["System", "User"]),
    "os": st.sampled_from(["Linux", "Windows"]),
    "osSku": st.sampled_from(["Ubuntu", "AzureLinux", "Windows2019", "Windows2022",
                              "Windows2025"]),
    "vmSize": st.sampled_from(["Standard_D4s_v5", "Standard_DC2s_v2", ""]),
    "vmSetType": st.sampled_from(["VirtualMachineScaleSets", "AvailabilitySet",
                                  "VirtualMachines"]),
    "count": st.integers(0, 6000),
    "minCount": st.integers(0, 1200),
    "maxCount": st.integers(0, 6000),
    "maxPods": st.integers(-5, 400),
    "maxSurge": surge,
    "disableOutboundNat": st.booleans(),
})

subnet = st.fixed_dictionaries({}, optional={
    "name": st.sampled_from(["snet-a", "x" * 80]), "id": ids("subnets"), "prefix": cidrs()})

network = st.fixed_dictionaries({}, optional={
    "model": st.sampled_from(["auto", "overlay", "pod-subnet", "node-subnet", "kubenet",
                              "byo-cni"]),
    "dataplane": st.sampled_from(["azure", "cilium"]),
    "policy": st.sampled_from(["none", "azure", "calico", "cilium"]),
    "requirements": st.fixed_dictionaries({}, optional={
        "podsReachableFromNetwork": st.booleans(), "networkPolicy": st.booleans()}),
    "vnet": st.fixed_dictionaries({}, optional={
        "managed": st.booleans(), "name": st.just("vnet-x"), "id": ids("virtualNetworks"),
        "addressSpace": st.lists(cidrs(), max_size=3)}),
    "nodeSubnet": subnet,
    "podSubnet": st.fixed_dictionaries({}, optional={
        "id": ids("subnets"), "prefix": cidrs(), "allocation": st.sampled_from(
            ["dynamic", "static-block"])}),
    "apiServerSubnet": subnet,
    "podCidr": cidrs(),
    "serviceCidr": cidrs(),
    "dnsServiceIp": st.one_of(st.ip_addresses().map(str), st.sampled_from(["10.0.0.10",
                                                                            "10.0.0.0"])),
    "ipFamilies": st.lists(st.sampled_from(["IPv4", "IPv6"]), max_size=3),
    "podCidrs": st.lists(cidrs(), max_size=3),
    "serviceCidrs": st.lists(cidrs(), max_size=3),
    "outbound": st.fixed_dictionaries({}, optional={
        "type": st.sampled_from(["loadBalancer", "managedNATGateway", "userAssignedNATGateway",
                                 "userDefinedRouting", "none", "block", "managedNATGatewayV2"]),
        "nextHopIp": st.ip_addresses().map(str),
        "managedOutboundIpCount": st.integers(-1, 20),
        "idleTimeoutMinutes": st.integers(-1, 200),
        "natGatewaySku": st.sampled_from(["Standard", "StandardV2"])}),
    "routeTable": st.fixed_dictionaries({}, optional={"id": ids("routeTables"),
                                                      "name": st.just("rt-x")}),
    "connectedNetworks": st.lists(cidrs(), max_size=3),
    "loadBalancerSku": st.sampled_from(["standard", "basic"]),
    "dockerBridgeCidr": cidrs(4),
})

intents = st.fixed_dictionaries({
    "name": st.sampled_from(["a", "prod-eastus2", "x" * 63, "under_score"]),
    "location": st.sampled_from(["eastus2", "westeurope"]),
}, optional={
    "resourceGroup": st.sampled_from(["rg", "r" * 90]),
    "kubernetesVersion": st.sampled_from(["1.26", "1.28", "1.29", "1.30", "1.33", "1.37", "2.0",
                                          "1.33.2"]),
    "tier": st.sampled_from(["Free", "Standard", "Premium"]),
    "tags": st.dictionaries(st.sampled_from(["env", "owner"]), st.sampled_from(["prod", ""])),
    "network": network,
    "identity": st.fixed_dictionaries({}, optional={
        "type": st.sampled_from(["userAssigned", "systemAssigned"]),
        "id": ids("userAssignedIdentities"), "name": st.just("id-x"),
        "subnetRole": st.sampled_from(["least-privilege", "network-contributor"])}),
    "nodePools": st.lists(pool, min_size=1, max_size=4),
    "features": st.fixed_dictionaries({}, optional={
        k: st.booleans() for k in ("networkIsolated", "nodeAutoProvisioning",
                                   "apiServerVnetIntegration", "applicationGatewayForContainers",
                                   "privateLinkService", "preview")}),
})


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(intents)
def test_planner_and_rules_are_total(data):
    try:
        intent = Intent.model_validate(data)
    except ValidationError:
        assume(False)
    result = build_plan(intent)  # never raises
    findings = check(intent, result)  # nor does any rule
    assert all(f.rule and f.message for f in findings)
    crashed = [f.message for f in findings if f.message.startswith(INTERNAL)]
    assert crashed == []
    assert result.capacity.max_nodes >= 0
    assert build_plan(intent) == result


def test_totality_strategy_reaches_valid_intents():
    # the property above must not pass by rejecting everything
    example = merge({"name": "a", "location": "eastus2"}, {"nodePools": [{"name": "system"}]})
    assert build_plan(Intent.model_validate(example)).network.model == "overlay"


def test_a_rule_that_raises_becomes_a_finding_not_a_traceback():
    @rule(id="NET-TEST-001", severity=ERROR, title="t", fix="f", docs="https://example.invalid")
    def broken(intent, plan):
        """Raises on purpose."""
        yield from ()
        raise KeyError("boom")

    intent = Intent.model_validate(intent_data())
    (finding,) = check(intent, build_plan(intent), rules=(broken,))
    assert (finding.rule, str(finding.severity)) == ("NET-TEST-001", "error")
    assert finding.message.startswith(INTERNAL) and "KeyError" in finding.message
