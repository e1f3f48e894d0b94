"""Intent -> Plan: choose the model, fill defaults as Azure applies them, size and place every
range, work out capacity, and list the resources.

Total: never raises on user input. When something cannot be resolved (no room for a subnet), the
plan records it and a rule reports it, so `plan` and `validate` always show the whole picture.
"""

from __future__ import annotations

import ipaddress
import math

from generator import ipam
from generator.intent import Intent, Model, NodePool, OsType, Policy
from generator.plan import (
    Capacity,
    IdentityPlan,
    Outbound,
    Plan,
    PoolPlan,
    ResolvedNetwork,
    SubnetPlan,
    VNetPlan,
)
from generator.resources import MANAGED_VNET, build_resources

DEFAULT_SERVICE_CIDR = "10.0.0.0/16"
DEFAULT_POD_CIDR = "10.244.0.0/16"
DEFAULT_POD_CIDR_V6 = "fd12:3456:789a::/64"
DEFAULT_SERVICE_CIDR_V6 = "fd12:3456:789a:1::/108"
MANAGED_VNET_SPACE = "10.224.0.0/12"  # what AKS creates when it owns the VNet
MANAGED_NODE_SUBNET = "10.224.0.0/16"
WINDOWS_MAX_PODS = 110  # recommended operating value for Windows pools (NET-PLUGIN-006)
API_SERVER_SUBNET_PREFIX = 28  # at least /28; AKS uses at least 9 addresses (NET-SIZE-012)

# maxPods when omitted, as AKS picks it per network configuration (NET-PODS-003).
DEFAULT_MAX_PODS = {
    "overlay": 250,
    "pod-subnet": 250,
    "node-subnet": 30,
    "kubenet": 110,
    "byo-cni": 250,
}
PLUGINS = {
    "overlay": ("azure", "overlay"),
    "pod-subnet": ("azure", None),
    "node-subnet": ("azure", None),
    "kubenet": ("kubenet", None),
    "byo-cni": ("none", None),
}
PLATFORM_MAX_NODES = 5000
KUBENET_MAX_NODES = 400
VNET_MAX_IPS = 65536
SUBNET_ROLE_JOIN = (
    "Microsoft.Network/virtualNetworks/subnets/join/action",
    "Microsoft.Network/virtualNetworks/subnets/read",
)
ROUTE_TABLE_ACTIONS = (
    "Microsoft.Network/routeTables/read",
    "Microsoft.Network/routeTables/write",
    "Microsoft.Network/routeTables/join/action",
    "Microsoft.Network/routeTables/routes/read",
    "Microsoft.Network/routeTables/routes/write",
    "Microsoft.Network/routeTables/routes/delete",
)
NETWORK_CONTRIBUTOR_ACTIONS = ("Microsoft.Network/*",)


def build_plan(intent: Intent) -> Plan:
    defaulted: set[str] = set()
    model, reasons = choose_model(intent)
    dataplane, policy, more = choose_dataplane(intent, model)
    reasons += more
    pools = tuple(plan_pool(intent, p, i, model, defaulted)
                  for i, p in enumerate(intent.node_pools))
    network, unallocated = resolve_network(intent, model, dataplane, policy, reasons, pools,
                                           defaulted)
    identity = plan_identity(intent, network)
    resource_group = intent.resource_group or f"rg-{intent.name}"
    if intent.resource_group is None:
        defaulted.add("resourceGroup")
    draft = Plan(
        name=intent.name,
        location=intent.location,
        resource_group=resource_group,
        kubernetes_version=intent.kubernetes_version,
        tier=str(intent.tier),
        tags=dict(intent.tags),
        network=network,
        node_pools=pools,
        identity=identity,
        features=intent.features.model_dump(by_alias=True),
        capacity=capacity(network, pools),
        resources=(),
        defaulted=frozenset(defaulted),
        unallocated=tuple(unallocated),
    )
    return _with_resources(draft)


def _with_resources(plan: Plan) -> Plan:
    from dataclasses import replace

    return replace(plan, resources=build_resources(plan))


# --- model choice -------------------------------------------------------------------------------


def choose_model(intent: Intent) -> tuple[str, tuple[str, ...]]:
    chosen = intent.network.model
    if chosen != Model.AUTO:
        return str(chosen), (f"model {chosen} was given in the intent",)
    needs = intent.network.requirements
    if needs.pods_reachable_from_network:
        return "pod-subnet", (
            "pods must be reachable from the network, so pods take VNet addresses: pod-subnet "
            "keeps them in their own subnet, apart from the nodes' (dynamic allocation)",
            "kubenet is never chosen: it retires on 2028-03-31",
        )
    return "overlay", (
        "overlay is Microsoft's recommended default: pods take addresses from a private pod CIDR, "
        "so the VNet spends one address per node",
        "pods need not be reachable from the network (requirements.podsReachableFromNetwork)",
        "kubenet is never chosen: it retires on 2028-03-31",
    )


def choose_dataplane(intent: Intent, model: str) -> tuple[str, str, tuple[str, ...]]:
    net = intent.network
    has_windows = any(p.os == OsType.WINDOWS for p in intent.node_pools)
    dataplane = str(net.dataplane)
    reasons: tuple[str, ...] = ()
    if net.model == Model.AUTO and net.requirements.network_policy and "dataplane" not in _set(net):
        if net.policy in (Policy.AZURE, Policy.CALICO):
            # An engine named in the intent runs on the Azure data plane; Cilium would refuse it.
            reasons = (f"network policy is needed and policy {net.policy} was given: it runs on "
                       "the Azure data plane",)
            return dataplane, str(net.policy), reasons
        if has_windows:
            reasons = ("network policy is needed but a Windows pool exists: Cilium is Linux only, "
                       "so Calico enforces policy",)
            return dataplane, str(net.policy or "calico"), reasons
        dataplane = "cilium"
        reasons = ("network policy is needed and every pool is Linux: the Cilium data plane "
                   "enforces it (Microsoft's recommended engine)",)
    policy = str(net.policy) if net.policy else ("cilium" if dataplane == "cilium" else "none")
    return dataplane, policy, reasons


def _set(model) -> set[str]:
    return set(model.model_fields_set)


# --- node pools ---------------------------------------------------------------------------------


def surge_nodes(max_surge: int | str, nodes: int) -> int:
    """Surge nodes during an upgrade: an integer, or a percentage of the pool rounded up. A value
    AKS would not read counts as its documented default of 1 node (a rule reports the value)."""
    text = str(max_surge).strip()
    if text.endswith("%"):
        try:
            percent = float(text[:-1])
        except ValueError:
            return 1
        if not math.isfinite(percent):
            return 1
        return max(math.ceil(percent * nodes / 100), 0)
    try:
        return max(int(text), 0)
    except ValueError:
        return 1


def plan_pool(intent: Intent, pool: NodePool, index: int, model: str,
              defaulted: set[str]) -> PoolPlan:
    path = f"nodePools[{index}]"
    sizing = pool.max_count if pool.max_count is not None else pool.count
    max_pods = pool.max_pods
    if max_pods is None:
        max_pods = DEFAULT_MAX_PODS[model]
        if pool.os == OsType.WINDOWS:
            max_pods = min(max_pods, WINDOWS_MAX_PODS)
        defaulted.add(f"{path}.maxPods")
    if "max_surge" not in pool.model_fields_set:
        defaulted.add(f"{path}.maxSurge")
    os_sku = pool.os_sku or ("Windows2022" if pool.os == OsType.WINDOWS else "Ubuntu")
    return PoolPlan(
        name=pool.name,
        mode=str(pool.mode),
        os=str(pool.os),
        os_sku=str(os_sku),
        vm_size=pool.vm_size,
        vm_set_type=str(pool.vm_set_type),
        count=_initial_count(pool),
        min_count=pool.min_count,
        max_count=pool.max_count,
        max_pods=max_pods,
        max_surge=str(pool.max_surge),
        surge_nodes=surge_nodes(pool.max_surge, sizing),
        sizing_nodes=sizing,
        disable_outbound_nat=pool.disable_outbound_nat,
    )


def _initial_count(pool: NodePool) -> int:
    # An autoscaling pool starts at minCount unless a count was given.
    if pool.max_count is not None and "count" not in pool.model_fields_set:
        return pool.min_count if pool.min_count is not None else 1
    return pool.count


# --- network ------------------------------------------------------------------------------------


def resolve_network(intent, model, dataplane, policy, reasons, pools, defaulted):
    net = intent.network
    plugin, mode = PLUGINS[model]
    families = tuple(str(f) for f in net.ip_families) or ("IPv4",)
    dual = "IPv6" in families
    service_cidr, service_cidrs = _service_ranges(net, dual, defaulted)
    dns = net.dns_service_ip or _tenth_address(service_cidr, defaulted)
    pod_cidr, pod_cidrs = _pod_ranges(net, model, dual, defaulted)
    vnet = _vnet(intent)
    subnets, unallocated = allocate_subnets(intent, model, pools, vnet, pod_cidrs or (pod_cidr,),
                                            service_cidrs or (service_cidr,))
    outbound = net.outbound
    return ResolvedNetwork(
        model=model, plugin=plugin, plugin_mode=mode, dataplane=dataplane, policy=policy,
        model_reasons=tuple(reasons), vnet=vnet,
        node_subnet=subnets["node"], pod_subnet=subnets.get("pod"),
        api_server_subnet=subnets.get("apiServer"),
        pod_cidr=pod_cidr, pod_cidrs=pod_cidrs if dual else (),
        service_cidr=service_cidr, service_cidrs=service_cidrs if dual else (),
        dns_service_ip=dns, ip_families=families,
        outbound=Outbound(str(outbound.type), outbound.next_hop_ip,
                          outbound.managed_outbound_ip_count, outbound.idle_timeout_minutes,
                          str(outbound.nat_gateway_sku)),
        load_balancer_sku=str(net.load_balancer_sku),
        connected_networks=tuple(net.connected_networks),
        route_table_id=net.route_table.id,
        route_table_name=_route_table_name(intent, model, subnets["node"]),
        nat_gateway_name=_nat_gateway_name(intent, subnets["node"]),
    ), unallocated


def _service_ranges(net, dual, defaulted) -> tuple[str, tuple[str, ...]]:
    given = (net.service_cidr, net.service_cidrs)
    defaults = (DEFAULT_SERVICE_CIDR, DEFAULT_SERVICE_CIDR_V6)
    return _ranges(given, defaults, "network.serviceCidr", dual, defaulted)


def _pod_ranges(net, model, dual, defaulted) -> tuple[str | None, tuple[str, ...]]:
    if model not in ("overlay", "kubenet", "byo-cni"):
        # Pods take subnet addresses; a pod CIDR given anyway is kept so a rule can report it.
        return net.pod_cidr, ()
    given = (net.pod_cidr, net.pod_cidrs)
    return _ranges(given, (DEFAULT_POD_CIDR, DEFAULT_POD_CIDR_V6), "network.podCidr", dual,
                   defaulted)


def _ranges(given, defaults, path: str, dual: bool, defaulted: set[str]):
    """(the IPv4 range, the dual-stack list) from `xCidr` / `xCidrs`, filling Azure's defaults."""
    single, listed = given
    if listed:
        v4 = next((c for c in listed if ":" not in c), listed[0])
        return single or v4, tuple(listed)
    if single is None:
        defaulted.add(path)
    v4 = single or defaults[0]
    if dual:
        defaulted.add(path + "s")
        return v4, (v4, defaults[1])
    return v4, ()


def _tenth_address(cidr: str, defaulted: set[str]) -> str:
    defaulted.add("network.dnsServiceIp")
    return str(ipam.tenth_address(ipam.net(cidr)))


def _vnet(intent: Intent) -> VNetPlan:
    spec = intent.network.vnet
    if spec.managed:
        return VNetPlan(MANAGED_VNET, "(node resource group)", (MANAGED_VNET_SPACE,))
    subnet_id = intent.network.node_subnet.id
    vnet_id = spec.id or (subnet_id.rsplit("/subnets/", 1)[0] if subnet_id else None)
    if vnet_id:
        # An existing VNet's address space is known only when the user states it.
        space = tuple(spec.address_space) if "address_space" in spec.model_fields_set else ()
        parts = vnet_id.split("/")
        return VNetPlan(parts[-1], parts[4], space, vnet_id)
    rg = intent.resource_group or f"rg-{intent.name}"
    return VNetPlan(spec.name or f"vnet-{intent.name}", rg, tuple(spec.address_space))


def _route_table_name(intent: Intent, model: str, node: SubnetPlan) -> str | None:
    net = intent.network
    wants = model == "kubenet" or net.outbound.type == "userDefinedRouting"
    if not wants or net.route_table.id or node.existing or net.vnet.managed:
        return None
    return net.route_table.name or f"rt-{intent.name}"


def _nat_gateway_name(intent: Intent, node: SubnetPlan) -> str | None:
    net = intent.network
    if net.outbound.type != "userAssignedNATGateway" or node.existing or net.vnet.managed:
        return None
    return f"ng-{intent.name}"


# --- subnet sizing and allocation ---------------------------------------------------------------


def node_subnet_need(model: str, pools: tuple[PoolPlan, ...]) -> int:
    if model == "node-subnet":
        return sum(p.peak_nodes * (p.max_pods + 1) for p in pools)
    return sum(p.peak_nodes for p in pools)


def pod_subnet_need(allocation: str, pools: tuple[PoolPlan, ...]) -> int:
    """Addresses (dynamic) or /28 blocks (static block) the pod subnet must hold."""
    if allocation == "static-block":
        return sum(p.peak_nodes * math.ceil((p.max_pods + 1) / ipam.BLOCK_SIZE) for p in pools)
    return sum(p.peak_nodes * ipam.BLOCK_SIZE * math.ceil(p.max_pods / ipam.BLOCK_SIZE)
               for p in pools)


def allocate_subnets(intent, model, pools, vnet, pod_ranges, service_ranges):
    net = intent.network
    wanted = [("node", net.node_subnet, node_subnet_need(model, pools), "snet-nodes")]
    if model == "pod-subnet":
        need = pod_subnet_need(str(net.pod_subnet.allocation), pools)
        wanted.append(("pod", net.pod_subnet, need, "snet-pods"))
    if intent.features.api_server_vnet_integration:
        wanted.append(("apiServer", net.api_server_subnet, 9, "snet-apiserver"))
    spaces = ipam.nets(vnet.address_space)
    pool = ipam.AddressPool(spaces, 4)
    reserved = [*ipam.AKS_RESERVED, *ipam.AZURE_REFUSED, *net.connected_networks, *service_ranges]
    if model in ("overlay", "kubenet", "byo-cni"):
        reserved += [c for c in pod_ranges if c]
    pool.take_all(ipam.nets(reserved))
    for _, spec, _, _ in wanted:
        if spec.prefix:
            pool.take(ipam.net(spec.prefix))
    if net.vnet.managed:
        pool.take(ipam.net(MANAGED_NODE_SUBNET))  # AKS places the nodes there itself
    v6 = ipam.AddressPool(spaces, 6)
    v6.take_all(ipam.nets(c for c in [*reserved, *net.connected_networks] if ":" in c))
    out, unallocated = {}, []
    # Largest first packs tightest; ties keep the role order, so the result is deterministic.
    order = sorted(wanted, key=lambda w: -_size_bits(w[0], w[2], net))
    for role, spec, need, default_name in order:
        subnet = _one_subnet(role, spec, need, default_name, pool, v6, intent)
        if subnet.prefix is None and not subnet.existing:
            unallocated.append(role)
        out[role] = subnet
    return out, unallocated


def _size_bits(role: str, need: int, net) -> int:
    prefix = _prefix_for(role, need, net)
    return 32 - prefix if prefix is not None else 33


def _prefix_for(role: str, need: int, net) -> int | None:
    if role == "apiServer":
        return API_SERVER_SUBNET_PREFIX
    if role == "pod" and net.pod_subnet.allocation == "static-block":
        return ipam.prefix_for_blocks(need)
    return ipam.prefix_for(need)


def _one_subnet(role, spec, need, default_name, pool, v6, intent) -> SubnetPlan:
    net = intent.network
    allocation = str(net.pod_subnet.allocation) if role == "pod" else None
    static = allocation == "static-block"
    delegations = ("Microsoft.ContainerService/managedClusters",) if role == "apiServer" else ()
    name = spec.name or (spec.id.rsplit("/", 1)[-1] if spec.id else default_name)
    if role == "node" and net.vnet.managed:
        spec_prefix, given = MANAGED_NODE_SUBNET, True
    else:
        spec_prefix, given = spec.prefix, spec.prefix is not None
    prefix = spec_prefix
    if prefix is None and spec.id is None:
        wanted = _prefix_for(role, need, net)
        block = pool.allocate(wanted) if wanted is not None else None
        prefix = str(block) if block else None
    ipv6 = None
    if "IPv6" in net.ip_families and role == "node" and not spec.id and not net.vnet.managed:
        block6 = v6.allocate(ipam.IPV6_SUBNET)
        ipv6 = str(block6) if block6 else None
    network = ipaddress.ip_network(prefix) if prefix else None
    plen = network.prefixlen if network else None
    usable = None
    if network is not None:
        # An IPv6 range where an IPv4 subnet belongs holds no node addresses (a rule says so).
        usable = ipam.usable(plen) if network.version == 4 else 0
    return SubnetPlan(
        role=role, name=name, prefix=prefix, required_ips=need * (16 if static else 1),
        usable_ips=usable, id=spec.id,
        prefix_given=given, ipv6_prefix=ipv6, delegations=delegations, allocation=allocation,
        required_blocks=need if static else None,
        available_blocks=ipam.blocks_in(plen) if static and plen is not None else None,
    )


# --- identity and capacity ----------------------------------------------------------------------


def plan_identity(intent: Intent, network: ResolvedNetwork) -> IdentityPlan:
    spec = intent.identity
    if spec.subnet_role == "network-contributor":
        actions = NETWORK_CONTRIBUTOR_ACTIONS
    else:
        has_rt = bool(network.route_table_name or network.route_table_id)
        actions = SUBNET_ROLE_JOIN + (ROUTE_TABLE_ACTIONS if has_rt else ())
    name = None
    if spec.type == "userAssigned":
        name = spec.id.rsplit("/", 1)[-1] if spec.id else (spec.name or f"id-{intent.name}")
    return IdentityPlan(str(spec.type), name, spec.id, str(spec.subnet_role), actions)


def capacity(network: ResolvedNetwork, pools: tuple[PoolPlan, ...]) -> Capacity:
    max_pods = max((p.max_pods for p in pools), default=0)
    ips_per_node = max(max_pods, 0) + 1  # the node's own address plus its pods'; at least 1
    limits: dict[str, int] = {}
    node = network.node_subnet
    if node.usable_ips is not None:
        per_node = ips_per_node if network.model == "node-subnet" else 1
        limits["nodeSubnet"] = node.usable_ips // per_node
    if network.model in ("overlay", "kubenet") and network.pod_cidr:
        plen = ipaddress.ip_network(network.pod_cidr).prefixlen
        limits["podCidr"] = 2 ** (24 - plen) if plen <= 24 else 0
    pod = network.pod_subnet
    if pod and pod.usable_ips is not None:
        if pod.allocation == "static-block":
            blocks_per_node = max(math.ceil(ips_per_node / ipam.BLOCK_SIZE), 1)
            limits["podSubnet"] = (pod.available_blocks or 0) // blocks_per_node
        else:
            limits["podSubnet"] = pod.usable_ips // (16 * max(math.ceil(max_pods / 16), 1))
    if network.model == "node-subnet" or network.pod_allocation == "dynamic":
        limits["vnetIps"] = VNET_MAX_IPS // ips_per_node
    limits["platform"] = KUBENET_MAX_NODES if network.model == "kubenet" else PLATFORM_MAX_NODES
    limited_by = min(limits, key=lambda k: limits[k])
    nodes = limits[limited_by]
    return Capacity(nodes, max_pods, nodes * max_pods, limited_by, limits)
