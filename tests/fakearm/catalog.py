"""What the fake knows about each resource type: LRO or not, which envelope fields it carries,
which properties the server owns, and which child collection it shows inline.

Types not listed here are still stored and served with the defaults (an LRO with a location,
`etag` and `provisioningState`), so unusual resources (private DNS zones, ...) work too.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass

FAKE_TENANT_ID = "11111111-2222-3333-4444-555555555555"

RG = "microsoft.resources/resourcegroups"
VNET = "microsoft.network/virtualnetworks"
SUBNET = "microsoft.network/virtualnetworks/subnets"
ROUTE_TABLE = "microsoft.network/routetables"
NAT_GATEWAY = "microsoft.network/natgateways"
NSG = "microsoft.network/networksecuritygroups"
PUBLIC_IP = "microsoft.network/publicipaddresses"
UAMI = "microsoft.managedidentity/userassignedidentities"
CLUSTER = "microsoft.containerservice/managedclusters"
POOL = "microsoft.containerservice/managedclusters/agentpools"
ROLE_ASSIGNMENT = "microsoft.authorization/roleassignments"
ROLE_DEFINITION = "microsoft.authorization/roledefinitions"


@dataclass(frozen=True)
class Inline:
    """A child collection shown inside the parent body."""

    segment: str  # child type segment in the id, e.g. "subnets"
    prop: str  # property of the parent holding the list, e.g. "subnets"
    flat: bool = False  # AKS agentPoolProfiles are flat: {name, ...properties}
    # True: the parent PUT's list is the whole desired set (absent = empty), as for a VNet's
    # subnets. False: listed children are upserted and others kept, as for AKS agent pools.
    authoritative: bool = True


@dataclass(frozen=True)
class Kind:
    lro: bool = True
    state: bool = True  # carries properties.provisioningState
    etag: str | None = "etag"  # name of the top-level etag field; None: no etag
    location: bool = True
    readonly: frozenset[str] = frozenset()  # server-owned properties, ignored on PUT
    inline: Inline | None = None


KINDS: dict[str, Kind] = {
    # Resource groups, identities and role assignments are synchronous (200/201, no polling).
    RG: Kind(lro=False, etag=None),
    UAMI: Kind(
        lro=False,
        state=False,
        etag=None,
        readonly=frozenset({"principalId", "clientId", "tenantId"}),
    ),
    ROLE_ASSIGNMENT: Kind(lro=False, state=False, etag=None, location=False),
    ROLE_DEFINITION: Kind(lro=False, state=False, etag=None, location=False),
    VNET: Kind(readonly=frozenset({"resourceGuid"}), inline=Inline("subnets", "subnets")),
    SUBNET: Kind(location=False, readonly=frozenset({"ipConfigurations", "purpose"})),
    ROUTE_TABLE: Kind(readonly=frozenset({"subnets"}), inline=Inline("routes", "routes")),
    f"{ROUTE_TABLE}/routes": Kind(location=False),
    NAT_GATEWAY: Kind(readonly=frozenset({"subnets"})),
    NSG: Kind(
        readonly=frozenset(
            {"subnets", "defaultSecurityRules", "networkInterfaces", "resourceGuid"}
        ),
        inline=Inline("securityRules", "securityRules"),
    ),
    f"{NSG}/securityrules": Kind(location=False),
    PUBLIC_IP: Kind(readonly=frozenset({"ipConfiguration"})),
    CLUSTER: Kind(
        etag="eTag",
        readonly=frozenset(
            {"fqdn", "azurePortalFQDN", "privateFQDN", "currentKubernetesVersion", "maxAgentPools"}
            | {"powerState"}
        ),
        inline=Inline("agentPools", "agentPoolProfiles", flat=True, authoritative=False),
    ),
    POOL: Kind(
        location=False,
        etag=None,  # agent pools carry eTag inside properties (see AgentPoolsGet.json)
        readonly=frozenset({"currentOrchestratorVersion", "nodeImageVersion", "eTag"}),
    ),
}
# Unknown types: an LRO with etag and provisioningState; location not enforced (it may be an
# extension resource without one).
DEFAULT_KIND = Kind(location=False)


def kind_of(type_key: str) -> Kind:
    return KINDS.get(type_key.lower(), DEFAULT_KIND)


def inline_child_type(type_name: str, inline: Inline) -> str:
    return f"{type_name}/{inline.segment}"


def clean_body(type_key: str, body: dict) -> dict:
    """The part of a request body the fake stores: envelope and server-owned fields dropped."""
    kind = kind_of(type_key)
    out = {k: v for k, v in body.items() if k not in ("id", "name", "type", "etag", "eTag")}
    props = dict(out.get("properties") or {})
    for key in kind.readonly | {"provisioningState"}:
        props.pop(key, None)
    if isinstance(out.get("identity"), dict):
        # principalId/tenantId of a system-assigned identity are the server's.
        out["identity"] = {
            k: v for k, v in out["identity"].items() if k not in ("principalId", "tenantId")
        }
    if props or "properties" in out or kind.state:
        out["properties"] = props
    return out


def new_seed(type_key: str) -> dict:
    """Stable server-generated values for a new resource."""
    type_key = type_key.lower()
    if type_key == UAMI:
        return {"principalId": _guid(), "clientId": _guid(), "tenantId": FAKE_TENANT_ID}
    if type_key == CLUSTER:
        return {
            "hash": uuid.uuid4().hex[:8],
            "privateGuid": _guid(),
            "principalId": _guid(),
            "kubeletClientId": _guid(),
            "kubeletObjectId": _guid(),
        }
    if type_key in (VNET, NSG):
        return {"resourceGuid": _guid()}
    if type_key == PUBLIC_IP:
        return {"ipAddress": "20." + ".".join(str(random.randint(1, 254)) for _ in range(3))}
    return {}


def seed_principals(type_key: str, seed: dict) -> list[str]:
    """Principals (object ids) a new resource brings into the directory."""
    if type_key.lower() == UAMI:
        return [seed["principalId"]]
    if type_key.lower() == CLUSTER:
        return [seed["principalId"], seed["kubeletObjectId"]]
    return []


def _guid() -> str:
    return str(uuid.uuid4())
