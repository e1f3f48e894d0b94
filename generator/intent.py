"""The intent: what the user means, as frozen pydantic models.

Keys are camelCase in YAML (alias generator) and snake_case here. Pydantic answers only "could I
read it?" (types, enums, unknown keys, CIDR syntax). Whether AKS will accept the combination is the
rules' job, so there are no cross-field validators here. Values whose default depends on other
values (pod CIDR, max pods, DNS IP, ...) stay `None` and the planner fills them, recording that it
did.

Annotations here are evaluated as the classes are made (no `from __future__ import annotations`):
pydantic would otherwise compile every annotation string again to read it.
"""

import contextlib
import ipaddress
from enum import StrEnum
from functools import lru_cache
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic.alias_generators import to_camel


def _network(value: str) -> str:
    if isinstance(value, str) and "/" not in value:
        # ipaddress would read a bare address as a /32; Azure wants the prefix length written.
        raise ValueError(f"{value!r} is not a CIDR range (no prefix length), e.g. {value}/16")
    try:
        return _canonical(value)
    except ValueError as exc:
        hint = ""
        with contextlib.suppress(ValueError):
            hint = f"; did you mean {ipaddress.ip_network(value, strict=False)}?"
        raise ValueError(f"{value!r} is not a CIDR range ({exc}){hint}") from None


@lru_cache(maxsize=4096)
def _canonical(value: str) -> str:
    # A fleet's intents repeat the same service and pod CIDRs; a refusal raises and is not kept.
    return str(ipaddress.ip_network(value, strict=True))


def _address(value: str) -> str:
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        raise ValueError(f"{value!r} is not an IP address") from None


def _no_float(value: object) -> object:
    # YAML reads kubernetesVersion: 1.30 as the float 1.3: refuse it rather than guess.
    if isinstance(value, float):
        raise ValueError(f'write the version in quotes ("{value}"): YAML reads it as a number')
    return value


Cidr = Annotated[str, AfterValidator(_network)]
IpAddress = Annotated[str, AfterValidator(_address)]
ResourceId = Annotated[
    str, Field(pattern=r"(?i)^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/.+")
]
K8sVersion = Annotated[str, BeforeValidator(_no_float), Field(pattern=r"^\d+\.\d+(\.\d+)?$")]
Surge = Annotated[int | str, Field(union_mode="left_to_right")]


# Default factories are Python functions, not the builtins `list` and `dict`: pydantic inspects
# each factory's signature, and for a builtin that means tokenizing its text signature, which
# compiles the tokenizer's regular expressions (about 3% of a `validate` start).
def _no_items() -> list:
    return []


def _no_tags() -> dict:
    return {}


class Model(StrEnum):
    AUTO = "auto"
    OVERLAY = "overlay"
    POD_SUBNET = "pod-subnet"
    NODE_SUBNET = "node-subnet"
    KUBENET = "kubenet"
    BYO_CNI = "byo-cni"


class Dataplane(StrEnum):
    AZURE = "azure"
    CILIUM = "cilium"


class Policy(StrEnum):
    NONE = "none"
    AZURE = "azure"
    CALICO = "calico"
    CILIUM = "cilium"


class Allocation(StrEnum):
    DYNAMIC = "dynamic"
    STATIC_BLOCK = "static-block"


class OutboundType(StrEnum):
    LOAD_BALANCER = "loadBalancer"
    MANAGED_NAT_GATEWAY = "managedNATGateway"
    USER_ASSIGNED_NAT_GATEWAY = "userAssignedNATGateway"
    USER_DEFINED_ROUTING = "userDefinedRouting"
    NONE = "none"
    # Preview-only in the API: accepted here so the rules can say so (NET-EGRESS-001).
    BLOCK = "block"
    MANAGED_NAT_GATEWAY_V2 = "managedNATGatewayV2"


class IdentityType(StrEnum):
    USER_ASSIGNED = "userAssigned"
    SYSTEM_ASSIGNED = "systemAssigned"


class SubnetRole(StrEnum):
    LEAST_PRIVILEGE = "least-privilege"
    NETWORK_CONTRIBUTOR = "network-contributor"


class PoolMode(StrEnum):
    SYSTEM = "System"
    USER = "User"


class OsType(StrEnum):
    LINUX = "Linux"
    WINDOWS = "Windows"


class OsSku(StrEnum):
    UBUNTU = "Ubuntu"
    AZURE_LINUX = "AzureLinux"
    WINDOWS_2019 = "Windows2019"
    WINDOWS_2022 = "Windows2022"
    WINDOWS_2025 = "Windows2025"


class VmSetType(StrEnum):
    SCALE_SETS = "VirtualMachineScaleSets"
    AVAILABILITY_SET = "AvailabilitySet"
    VIRTUAL_MACHINES = "VirtualMachines"


class Tier(StrEnum):
    FREE = "Free"
    STANDARD = "Standard"
    PREMIUM = "Premium"


class IpFamily(StrEnum):
    IPV4 = "IPv4"
    IPV6 = "IPv6"


class LoadBalancerSku(StrEnum):
    STANDARD = "standard"
    BASIC = "basic"


class NatGatewaySku(StrEnum):
    STANDARD = "Standard"
    STANDARD_V2 = "StandardV2"


class _Base(BaseModel):
    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        alias_generator=to_camel,
        populate_by_name=True,
        use_enum_values=False,
    )


class Requirements(_Base):
    """Read when network.model is auto."""

    pods_reachable_from_network: bool = Field(
        False, description="pods need addresses routable in the VNet or on-premises"
    )
    network_policy: bool = Field(False, description="Kubernetes network policies are needed")


class VNetSpec(_Base):
    managed: bool = Field(
        False, description="let AKS create and own the VNet (needed for managedNATGateway)"
    )
    name: str | None = Field(None, description="created VNet name; default vnet-<name>")
    id: ResourceId | None = Field(None, description="an existing VNet's resource ID")
    address_space: list[Cidr] = Field(
        default_factory=lambda: ["10.224.0.0/12"], description="VNet address space"
    )


class SubnetSpec(_Base):
    name: str | None = None
    id: ResourceId | None = Field(None, description="an existing subnet's resource ID")
    prefix: Cidr | None = Field(None, description="sized and allocated when omitted")


class PodSubnetSpec(SubnetSpec):
    allocation: Allocation = Allocation.DYNAMIC


class Outbound(_Base):
    type: OutboundType = OutboundType.LOAD_BALANCER
    next_hop_ip: IpAddress | None = Field(
        None, description="userDefinedRouting: the firewall or appliance address for 0.0.0.0/0"
    )
    managed_outbound_ip_count: int = Field(1, description="NAT gateway outbound IPs (1-16)")
    idle_timeout_minutes: int = Field(4, description="NAT gateway idle timeout (4-120)")
    nat_gateway_sku: NatGatewaySku = NatGatewaySku.STANDARD


class RouteTableSpec(_Base):
    name: str | None = Field(None, description="created route table name; default rt-<name>")
    id: ResourceId | None = Field(None, description="an existing route table (bring your own)")


class Network(_Base):
    model: Model = Model.AUTO
    dataplane: Dataplane = Dataplane.AZURE
    policy: Policy | None = Field(None, description="default: cilium with the cilium dataplane")
    requirements: Requirements = Requirements()
    vnet: VNetSpec = VNetSpec()
    node_subnet: SubnetSpec = SubnetSpec()
    pod_subnet: PodSubnetSpec = PodSubnetSpec()
    api_server_subnet: SubnetSpec = Field(
        SubnetSpec(), description="used when features.apiServerVnetIntegration is true"
    )
    pod_cidr: Cidr | None = Field(
        None, description="overlay, kubenet, byo-cni; default 10.244.0.0/16"
    )
    service_cidr: Cidr | None = Field(None, description="default 10.0.0.0/16")
    dns_service_ip: IpAddress | None = Field(None, description="default: the 10th address")
    ip_families: list[IpFamily] = Field(default_factory=lambda: [IpFamily.IPV4])
    pod_cidrs: list[Cidr] = Field(default_factory=_no_items)
    service_cidrs: list[Cidr] = Field(default_factory=_no_items)
    outbound: Outbound = Outbound()
    route_table: RouteTableSpec = RouteTableSpec()
    connected_networks: list[Cidr] = Field(
        default_factory=_no_items, description="peered, VPN or ExpressRoute ranges to stay clear of"
    )
    load_balancer_sku: LoadBalancerSku = LoadBalancerSku.STANDARD
    docker_bridge_cidr: Cidr | None = Field(
        None, description="deprecated and ignored by AKS; accepted only to warn (NET-SIZE-013)"
    )


class Identity(_Base):
    type: IdentityType = IdentityType.USER_ASSIGNED
    id: ResourceId | None = Field(None, description="an existing user-assigned identity")
    name: str | None = Field(None, description="created identity name; default id-<name>")
    subnet_role: SubnetRole = SubnetRole.LEAST_PRIVILEGE


class NodePool(_Base):
    name: str = Field(pattern=r"^[a-z][a-z0-9]{0,11}$")
    mode: PoolMode = PoolMode.USER
    os: OsType = OsType.LINUX
    os_sku: OsSku | None = Field(None, description="default Ubuntu (Linux) or Windows2022")
    vm_size: str = "Standard_D4s_v5"
    vm_set_type: VmSetType = VmSetType.SCALE_SETS
    count: int = Field(3, ge=0)
    min_count: int | None = Field(None, ge=0)
    max_count: int | None = Field(None, ge=0)
    max_pods: int | None = Field(None, description="default per model, as Azure defaults it")
    max_surge: Surge = Field("10%", description="an integer or a percentage such as 33%")
    disable_outbound_nat: bool = Field(False, description="Windows only (NET-EGRESS-009)")


class Features(_Base):
    network_isolated: bool = Field(False, description="bootstrap artifacts from a private cache")
    node_auto_provisioning: bool = False
    api_server_vnet_integration: bool = False
    application_gateway_for_containers: bool = Field(
        False, description="declares that AGC will be installed; checked for compatibility"
    )
    private_link_service: bool = Field(
        False, description="declares LoadBalancer services exposed through Private Link"
    )
    preview: bool = Field(False, description="allow preview-only API values")


def _default_pools() -> list[NodePool]:
    return [NodePool(name="system", mode=PoolMode.SYSTEM)]


class Intent(_Base):
    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$", description="cluster name")
    location: str = Field(pattern=r"^[a-z0-9]+$", description="Azure region, e.g. eastus2")
    resource_group: str | None = Field(None, description="default rg-<name>")
    kubernetes_version: K8sVersion | None = Field(None, description="default: region default")
    tier: Tier = Tier.STANDARD
    tags: dict[str, str] = Field(default_factory=_no_tags)
    network: Network = Network()
    identity: Identity = Identity()
    node_pools: list[NodePool] = Field(default_factory=_default_pools, min_length=1)
    features: Features = Features()
