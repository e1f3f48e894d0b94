"""Server-side checks that Azure makes on PUT, with Azure's error codes.

Codes and message wording come from what the services return (seen in public issue threads):
  NetcfgInvalidIPAddressPrefix, InvalidCIDRNotation, NetcfgInvalidSubnet,
  NetcfgSubnetRangeOutsideVnet, NetcfgSubnetRangesOverlap, InUseSubnetCannotBeDeleted,
  InUsePrefixCannotBeDeleted (changing the prefix of a used subnet), InvalidResourceReference,
  LinkedInvalidPropertyId, SubnetNotFound, ServiceCidrOverlapExistingSubnetsCidr,
  NetworkProfileCIDROverlapVNET, CidrStringParseError.
All are HTTP 400. The functions raise ArmError and never change the store.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from . import ids
from .errors import bad_request
from .store import Entry, Store

SUBNET_TYPE = "microsoft.network/virtualnetworks/subnets"
POOL_TYPE = "microsoft.containerservice/managedclusters/agentpools"
SUBNET_LINKS = ("routeTable", "natGateway", "networkSecurityGroup")
POOL_SUBNET_FIELDS = ("vnetSubnetID", "podSubnetID")

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_prefix(value: object, owner_id: str) -> Network:
    try:
        net = ipaddress.ip_network(str(value), strict=False)
    except ValueError:
        raise bad_request(
            "NetcfgInvalidIPAddressPrefix", f"Value '{value}' is not a valid IP address prefix."
        ) from None
    if str(net) != str(value).strip():
        raise bad_request(
            "InvalidCIDRNotation",
            f"The address prefix {value} in resource {owner_id} has an invalid CIDR notation. "
            f"For the given prefix length, the address prefix should be {net}.",
        )
    return net


def subnet_prefixes(props: dict) -> list[str]:
    if props.get("addressPrefixes"):
        return list(props["addressPrefixes"])
    return [props["addressPrefix"]] if props.get("addressPrefix") else []


def _overlaps(a: Network, b: Network) -> bool:
    return a.version == b.version and a.overlaps(b)


# -- virtual networks and subnets --------------------------------------------------------------


def check_vnet(store: Store, vnet_id: str, space: list[str], desired: dict[str, dict]) -> None:
    """Check the whole desired subnet set of a VNet (a VNet PUT, or one subnet PUT merged in)."""
    vnet_name = vnet_id.rsplit("/", 1)[-1]
    nets = [parse_prefix(p, vnet_id) for p in space]
    seen: list[tuple[str, Network]] = []
    for name, props in desired.items():
        prefixes = subnet_prefixes(props)
        if not prefixes:
            raise bad_request(
                "NetcfgInvalidSubnet",
                f"Subnet '{name}' is not valid in virtual network '{vnet_name}'.",
            )
        for prefix in prefixes:
            net = parse_prefix(prefix, f"{vnet_id}/subnets/{name}")
            if not any(net.version == v.version and net.subnet_of(v) for v in nets):
                raise bad_request(
                    "NetcfgSubnetRangeOutsideVnet",
                    f"Subnet '{name}' is not valid because its IP address range is outside "
                    f"the IP address range of virtual network '{vnet_name}'.",
                )
            if any(other != name and _overlaps(net, n) for other, n in seen):
                raise bad_request(
                    "NetcfgSubnetRangesOverlap",
                    f"Subnet '{name}' is not valid because its IP address range overlaps with "
                    f"that of an existing subnet in virtual network '{vnet_name}'.",
                )
            seen.append((name, net))
        check_subnet_links(store, f"{vnet_id}/subnets/{name}", props)
    _check_used_subnets_kept(store, vnet_id, desired)


def _check_used_subnets_kept(store: Store, vnet_id: str, desired: dict[str, dict]) -> None:
    wanted = {name.lower(): props for name, props in desired.items()}
    for subnet in store.children(vnet_id, SUBNET_TYPE):
        user = subnet_user(store, subnet)
        if user is None:
            continue
        if subnet.name.lower() not in wanted:
            raise in_use_subnet(subnet.name, user)
        new = {_norm(p) for p in subnet_prefixes(wanted[subnet.name.lower()])}
        for prefix in subnet_prefixes(subnet.props()):
            if _norm(prefix) not in new:
                raise bad_request(
                    "InUsePrefixCannotBeDeleted",
                    f"IpPrefix {prefix} on Subnet {subnet.name} has active allocations "
                    "and cannot be deleted.",
                )


def _norm(prefix: str) -> str:
    return str(ipaddress.ip_network(prefix, strict=False))


def in_use_subnet(name: str, user: str):
    return bad_request(
        "InUseSubnetCannotBeDeleted",
        f"Subnet {name} is in use by {user} and cannot be deleted. In order to delete the "
        "subnet, delete all the resources within the subnet. See aka.ms/deletesubnet.",
    )


def subnet_user(store: Store, subnet: Entry) -> str | None:
    """Who uses a subnet: a planted ipConfiguration, or an AKS agent pool / API server."""
    for config in subnet.seed.get("ipConfigurations") or []:
        return config.get("id", "an ipConfiguration")
    key = subnet.key
    for pool in store.of_type(POOL_TYPE):
        if any(str(pool.props().get(f, "")).lower() == key for f in POOL_SUBNET_FIELDS):
            return pool.id
    for cluster in store.of_type(POOL_TYPE.rsplit("/", 1)[0]):
        api = cluster.props().get("apiServerAccessProfile") or {}
        if str(api.get("subnetId", "")).lower() == key:
            return cluster.id
    return None


def check_subnet_links(store: Store, subnet_id: str, props: dict) -> None:
    for field in SUBNET_LINKS:
        link = (props.get(field) or {}).get("id")
        if link is not None:
            check_link(store, link, subnet_id, f"properties.{field}.id")


def check_link(store: Store, link: object, owner_id: str, path: str) -> None:
    if not ids.looks_like_id(link):
        raise bad_request(
            "LinkedInvalidPropertyId",
            f"Property id '{link}' at path '{path}' is invalid. Expect fully qualified resource "
            "Id that start with '/subscriptions/{subscriptionId}' or "
            "'/providers/{resourceProviderNamespace}/'.",
        )
    if store.get(str(link)) is None:
        raise bad_request(
            "InvalidResourceReference",
            f"Resource {link} referenced by resource {owner_id} was not found. Please make sure "
            "that the referenced resource exists, and that both resources are in the same region.",
        )


# -- managed clusters --------------------------------------------------------------------------


def check_cluster(store: Store, network_profile: dict, pools: Iterable[tuple[str, dict]]) -> None:
    """Check agent pool subnets exist, and the cluster CIDRs against the VNets they sit in."""
    vnets: dict[str, Entry] = {}
    for index, (_name, props) in enumerate(pools):
        for field in POOL_SUBNET_FIELDS:
            link = props.get(field)
            if not link:
                continue
            target = f"properties.agentPoolProfiles[{index}].{field}"
            subnet = _find_subnet(store, link, target)
            vnet = store.get(subnet.parent_key)
            vnets[vnet.key] = vnet
    for vnet in vnets.values():
        _check_cluster_cidrs(store, network_profile, vnet)


def _find_subnet(store: Store, link: object, target: str) -> Entry:
    if not ids.looks_like_id(link):
        check_link(store, link, "", target)  # raises LinkedInvalidPropertyId
    subnet = store.get(str(link))
    if subnet is None or subnet.type_key != SUBNET_TYPE:
        ref = ids.parse(str(link))
        vnet = ref.parent.rsplit("/", 1)[-1]
        raise bad_request(
            "SubnetNotFound",
            f"Could not find subnet {ref.name} in vnet {vnet} from resource group {ref.rg} "
            f"of subscription {ref.sub}.",
            target=target,
        )
    return subnet


def _cidr(value: object, target: str) -> Network:
    try:
        return ipaddress.ip_network(str(value), strict=False)
    except ValueError:
        raise bad_request("CidrStringParseError", "Cidr is invalid", target=target) from None


def _check_cluster_cidrs(store: Store, profile: dict, vnet: Entry) -> None:
    # AKS applies its default service CIDR when none is given, so check that one too.
    services = profile.get("serviceCidrs") or [profile.get("serviceCidr") or "10.0.0.0/16"]
    for subnet in store.children(vnet.key, SUBNET_TYPE):
        for prefix in subnet_prefixes(subnet.props()):
            for service in services:
                svc = _cidr(service, "networkProfile.serviceCIDR")
                if _overlaps(svc, ipaddress.ip_network(prefix, strict=False)):
                    raise bad_request(
                        "ServiceCidrOverlapExistingSubnetsCidr",
                        f"The specified service CIDR {service} is conflicted with an existing "
                        f"subnet CIDR {prefix}",
                        target="networkProfile.serviceCIDR",
                    )
    pods = profile.get("podCidrs") or ([profile["podCidr"]] if profile.get("podCidr") else [])
    space = (vnet.props().get("addressSpace") or {}).get("addressPrefixes") or []
    for pod in pods:
        for prefix in space:
            if _overlaps(_cidr(pod, "networkProfile.podCIDR"), _cidr(prefix, "addressSpace")):
                raise bad_request(
                    "NetworkProfileCIDROverlapVNET",
                    f"NetworkProfile CIDR {pod} overlaps with reserved VNET CIDR {prefix}",
                    target="networkProfile.podCIDR",
                )
