"""Plan parts -> the Azure resources, ARM-shaped, in a stable order.

The properties are exactly what the SDK puts and what Bicep/ARM declare. Every network setting of
the cluster is written explicitly: defaults differ by client and Kubernetes version
(NET-PLUGIN-002, NET-MAP-006). Existing resources given by id are listed with `existing=True` so
that references to them resolve the same way as references to created ones.
"""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING, Any

from generator.apiversions import BY_TYPE
from generator.plan import ManagedIdentity, Ref, Resource

if TYPE_CHECKING:
    from generator.plan import Plan, PoolPlan, SubnetPlan

RG = "Microsoft.Resources/resourceGroups"
VNET = "Microsoft.Network/virtualNetworks"
SUBNET = "Microsoft.Network/virtualNetworks/subnets"
ROUTE_TABLE = "Microsoft.Network/routeTables"
ROUTE = "Microsoft.Network/routeTables/routes"
NAT_GATEWAY = "Microsoft.Network/natGateways"
PUBLIC_IP = "Microsoft.Network/publicIPAddresses"
UAMI = "Microsoft.ManagedIdentity/userAssignedIdentities"
ROLE_DEFINITION = "Microsoft.Authorization/roleDefinitions"
ROLE_ASSIGNMENT = "Microsoft.Authorization/roleAssignments"
CLUSTER = "Microsoft.ContainerService/managedClusters"

NETWORK_CONTRIBUTOR = "4d97b98b-1d4f-4787-a291-c67834d212e7"
# A fixed namespace makes role names stable across runs and identical in every target.
NAMESPACE = uuid.UUID("5b0d4d55-7a1e-4c52-9d4f-6f2a0c2e8b11")
MANAGED_VNET = "(managed by AKS)"
ALLOCATION_MODES = {"dynamic": "DynamicIndividual", "static-block": "StaticBlock"}


def stable_guid(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(p.lower() for p in parts)))


def dns_prefix(name: str) -> str:
    # dnsPrefix: letters, digits and hyphens, 1-54 characters, starting and ending alphanumeric.
    cleaned = re.sub(r"[^A-Za-z0-9-]", "-", name)[:54].strip("-")
    return cleaned or "aks"


def _res(rtype: str, name: str, rg: str | None, symbol: str, **kw: Any) -> Resource:
    return Resource(
        type=rtype, name=name, api_version=BY_TYPE[rtype], resource_group=rg, symbol=symbol, **kw
    )


def build_resources(plan: Plan) -> tuple[Resource, ...]:
    rg = _res(
        RG, plan.resource_group, None, "resourceGroup", location=plan.location, tags=plan.tags
    )
    out: list[Resource] = [rg]
    network = _network(plan, rg) if plan.network.vnet.name != MANAGED_VNET else []
    out += network
    identity = _identity(plan, rg)
    if identity:
        out.append(identity)
    cluster_ref = f"{CLUSTER}/{plan.name}"
    principal = Ref(
        identity.ref if identity else cluster_ref,
        "principalId" if identity else "identity.principalId",
    )
    scopes = [r for r in network if r.type in (SUBNET, ROUTE_TABLE)]
    role = _role_definition(plan, rg, scopes) if scopes else None
    assignments = [_assignment(plan, s, role, principal) for s in scopes]
    if role:
        out.append(role)
    if identity:
        # A user-assigned identity gets its rights before the cluster exists (NET-IAM-001/004).
        out += assignments
    out.append(_cluster(plan, identity, [r.ref for r in out if not r.existing], out))
    if not identity:
        out += assignments  # a system-assigned identity exists only once the cluster does
    return tuple(out)


# --- network ------------------------------------------------------------------------------------


def _network(plan: Plan, rg: Resource) -> list[Resource]:
    net, out = plan.network, []
    vnet = net.vnet
    if vnet.existing:
        vnet_res = _res(
            VNET, vnet.name, vnet.resource_group, "vnet", existing=True, existing_id=vnet.id
        )
    else:
        vnet_res = _res(
            VNET,
            vnet.name,
            vnet.resource_group,
            "vnet",
            location=plan.location,
            tags=plan.tags,
            depends_on=(rg.ref,),
            properties={"addressSpace": {"addressPrefixes": list(vnet.address_space)}},
        )
    out.append(vnet_res)
    rt = _route_table(plan, rg, out)
    nat = _nat_gateway(plan, rg, out)
    for subnet in net.subnets:
        out.append(_subnet(plan, subnet, vnet_res, rt, nat))
    return out


def _route_table(plan: Plan, rg: Resource, out: list[Resource]) -> Resource | None:
    net = plan.network
    if net.route_table_id:
        parts = net.route_table_id.split("/")
        rt = _res(
            ROUTE_TABLE,
            parts[-1],
            parts[4],
            "routeTable",
            existing=True,
            existing_id=net.route_table_id,
        )
        out.append(rt)
        return rt
    if not net.route_table_name:
        return None
    rt = _res(
        ROUTE_TABLE,
        net.route_table_name,
        plan.resource_group,
        "routeTable",
        location=plan.location,
        tags=plan.tags,
        depends_on=(rg.ref,),
        properties={"disableBgpRoutePropagation": False},
    )
    out.append(rt)
    if net.outbound.type == "userDefinedRouting":
        route = {"addressPrefix": "0.0.0.0/0", "nextHopType": "VirtualAppliance"}
        if net.outbound.next_hop_ip:
            route["nextHopIpAddress"] = net.outbound.next_hop_ip
        out.append(
            _res(
                ROUTE,
                f"{rt.name}/default-egress",
                plan.resource_group,
                "defaultRoute",
                depends_on=(rt.ref,),
                properties=route,
            )
        )
    return rt


def _nat_gateway(plan: Plan, rg: Resource, out: list[Resource]) -> Resource | None:
    net = plan.network
    if not net.nat_gateway_name:
        return None
    sku = net.outbound.nat_gateway_sku
    pip = _res(
        PUBLIC_IP,
        f"pip-{net.nat_gateway_name}",
        plan.resource_group,
        "natGatewayIp",
        location=plan.location,
        tags=plan.tags,
        depends_on=(rg.ref,),
        sku={"name": sku, "tier": "Regional"},
        properties={"publicIPAllocationMethod": "Static", "publicIPAddressVersion": "IPv4"},
    )
    nat = _res(
        NAT_GATEWAY,
        net.nat_gateway_name,
        plan.resource_group,
        "natGateway",
        location=plan.location,
        tags=plan.tags,
        depends_on=(rg.ref, pip.ref),
        sku={"name": sku},
        properties={
            "idleTimeoutInMinutes": net.outbound.idle_timeout_minutes,
            "publicIpAddresses": [{"id": Ref(pip.ref)}],
        },
    )
    out += [pip, nat]
    return nat


def _subnet(
    plan: Plan, subnet: SubnetPlan, vnet: Resource, rt: Resource | None, nat: Resource | None
) -> Resource:
    name = f"{vnet.name}/{subnet.name}"
    symbol = f"{subnet.role}Subnet"
    if subnet.existing:
        parts = subnet.id.split("/")
        return _res(
            SUBNET,
            f"{parts[-3]}/{parts[-1]}",
            parts[4],
            symbol,
            existing=True,
            existing_id=subnet.id,
        )
    props: dict[str, Any] = {}
    if subnet.ipv6_prefix:
        props["addressPrefixes"] = [subnet.prefix, subnet.ipv6_prefix]
    else:
        props["addressPrefix"] = subnet.prefix
    if subnet.delegations:
        props["delegations"] = [
            {"name": "aks-delegation", "properties": {"serviceName": service}}
            for service in subnet.delegations
        ]
    deps = [vnet.ref]
    # Kubenet and UDR need the route table on the node (and pod) subnet before the cluster exists.
    if rt and subnet.role in ("node", "pod"):
        props["routeTable"] = {"id": Ref(rt.ref)}
        deps.append(rt.ref)
    if nat and subnet.role in ("node", "pod"):
        props["natGateway"] = {"id": Ref(nat.ref)}
        deps.append(nat.ref)
    return _res(SUBNET, name, vnet.resource_group, symbol, properties=props, depends_on=tuple(deps))


# --- identity and roles -------------------------------------------------------------------------


def _identity(plan: Plan, rg: Resource) -> Resource | None:
    ident = plan.identity
    if ident.type != "userAssigned":
        return None
    if ident.id:
        parts = ident.id.split("/")
        return _res(UAMI, parts[-1], parts[4], "identity", existing=True, existing_id=ident.id)
    return _res(
        UAMI,
        ident.name,
        plan.resource_group,
        "identity",
        location=plan.location,
        tags=plan.tags,
        depends_on=(rg.ref,),
        properties={},
    )


def _assignment(plan: Plan, scope: Resource, role: Resource, principal: Ref) -> Resource:
    name = stable_guid("aksnet", plan.resource_group, plan.name, scope.ref, role.name)
    deps = (scope.ref, role.ref, principal.ref)
    return _res(
        ROLE_ASSIGNMENT,
        name,
        scope.resource_group,
        f"{scope.symbol}Role",
        scope=Ref(scope.ref),
        depends_on=tuple(dict.fromkeys(deps)),
        properties={
            "roleDefinitionId": Ref(role.ref),
            "principalId": principal,
            "principalType": "ServicePrincipal",
        },
    )


def _group_scope(plan: Plan, rg: Resource, scope: Resource) -> Ref | str:
    if scope.existing:
        return "/".join(scope.existing_id.split("/")[:5])
    if scope.resource_group == plan.resource_group:
        return Ref(rg.ref)
    return f"/subscriptions/{{subscriptionId}}/resourceGroups/{scope.resource_group}"


def _role_definition(plan: Plan, rg: Resource, scopes: list[Resource]) -> Resource:
    if plan.identity.subnet_role == "network-contributor":
        return _res(
            ROLE_DEFINITION,
            NETWORK_CONTRIBUTOR,
            None,
            "networkContributor",
            existing=True,
            existing_id="/subscriptions/{subscriptionId}/providers/"
            f"Microsoft.Authorization/roleDefinitions/{NETWORK_CONTRIBUTOR}",
        )
    # Assignable wherever it is assigned: the resource group of every subnet and route table,
    # in that resource's own subscription (an existing VNet may live in another one).
    assignable = list(dict.fromkeys(_group_scope(plan, rg, s) for s in scopes))
    net_rg = plan.network.vnet.resource_group
    name = stable_guid("aksnet-role", plan.resource_group, plan.name)
    return _res(
        ROLE_DEFINITION,
        name,
        net_rg,
        "subnetRole",
        depends_on=(rg.ref,),
        properties={
            "roleName": f"aksnet network join ({plan.resource_group}/{plan.name})",
            "description": "Least privilege for the AKS cluster identity on its subnets "
            "(written by aksnet)",
            "type": "CustomRole",
            "permissions": [{"actions": list(plan.identity.role_actions), "notActions": []}],
            "assignableScopes": assignable,
        },
    )


# --- cluster ------------------------------------------------------------------------------------


def _cluster(plan: Plan, identity: Resource | None, deps: list[str], res: list[Resource]):
    by_symbol = {r.symbol: r for r in res}
    props: dict[str, Any] = {}
    if plan.kubernetes_version:
        props["kubernetesVersion"] = plan.kubernetes_version
    props["dnsPrefix"] = dns_prefix(plan.name)
    props["enableRBAC"] = True
    props["agentPoolProfiles"] = [_pool(plan, p, by_symbol) for p in plan.node_pools]
    props["networkProfile"] = _network_profile(plan)
    if plan.features.get("networkIsolated"):
        props["bootstrapProfile"] = {"artifactSource": "Cache"}
    if plan.features.get("nodeAutoProvisioning"):
        props["nodeProvisioningProfile"] = {"mode": "Auto"}
    if "apiServerSubnet" in by_symbol:
        props["apiServerAccessProfile"] = {
            "enableVnetIntegration": True,
            "subnetId": Ref(by_symbol["apiServerSubnet"].ref),
        }
    ident = (
        ManagedIdentity("UserAssigned", (Ref(identity.ref),))
        if identity
        else ManagedIdentity("SystemAssigned")
    )
    return _res(
        CLUSTER,
        plan.name,
        plan.resource_group,
        "cluster",
        location=plan.location,
        tags=plan.tags,
        sku={"name": "Base", "tier": plan.tier},
        identity=ident,
        depends_on=tuple(dict.fromkeys(deps)),
        properties=props,
    )


def _pool(plan: Plan, pool: PoolPlan, by_symbol: dict[str, Resource]) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": pool.name,
        "mode": pool.mode,
        "count": pool.count,
        "vmSize": pool.vm_size,
        "osType": pool.os,
        "osSKU": pool.os_sku,
        "type": pool.vm_set_type,
        "maxPods": pool.max_pods,
        "enableAutoScaling": pool.autoscale,
    }
    if pool.autoscale:
        body["minCount"] = pool.min_count if pool.min_count is not None else pool.count
        body["maxCount"] = pool.max_count
    if "nodeSubnet" in by_symbol:
        body["vnetSubnetID"] = Ref(by_symbol["nodeSubnet"].ref)
    if "podSubnet" in by_symbol:
        body["podSubnetID"] = Ref(by_symbol["podSubnet"].ref)
        body["podIPAllocationMode"] = ALLOCATION_MODES[plan.network.pod_allocation or "dynamic"]
    body["upgradeSettings"] = {"maxSurge": pool.max_surge}
    if pool.os == "Windows":
        body["windowsProfile"] = {"disableOutboundNat": pool.disable_outbound_nat}
    return body


def _network_profile(plan: Plan) -> dict[str, Any]:
    net = plan.network
    profile: dict[str, Any] = {"networkPlugin": net.plugin}
    if net.plugin_mode:
        profile["networkPluginMode"] = net.plugin_mode
    if net.plugin == "azure":
        profile["networkDataplane"] = net.dataplane
    profile["networkPolicy"] = net.policy
    if net.pod_cidr and net.model in ("overlay", "kubenet", "byo-cni"):
        profile["podCidr"] = net.pod_cidr
    profile["serviceCidr"] = net.service_cidr
    profile["dnsServiceIP"] = net.dns_service_ip
    profile["ipFamilies"] = list(net.ip_families)
    if net.dual_stack:
        if net.pod_cidrs:
            profile["podCidrs"] = list(net.pod_cidrs)
        profile["serviceCidrs"] = list(net.service_cidrs)
    profile["outboundType"] = net.outbound.type
    profile["loadBalancerSku"] = net.load_balancer_sku
    if net.outbound.type == "managedNATGateway":
        profile["natGatewayProfile"] = {
            "managedOutboundIPProfile": {"count": net.outbound.managed_outbound_ip_count},
            "idleTimeoutInMinutes": net.outbound.idle_timeout_minutes,
        }
    return profile
