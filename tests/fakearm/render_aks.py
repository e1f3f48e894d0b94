"""Computed fields of AKS managed clusters and agent pools, shaped after the published
ManagedClustersGet / ManagedClustersCreate_* / AgentPoolsGet examples."""

from __future__ import annotations

from . import catalog as c
from . import ids
from .store import Entry, Store

DEFAULT_K8S_VERSION = "1.33.5"
NODE_IMAGE = "AKSUbuntu-2204gen2containerd-202511.01.0"


def decorate_cluster(store: Store, entry: Entry, out: dict, props: dict) -> None:
    ref = ids.parse(entry.id)
    location = str(out.get("location", ""))
    version = props.get("kubernetesVersion") or DEFAULT_K8S_VERSION
    props["kubernetesVersion"] = version
    props["currentKubernetesVersion"] = version
    props.setdefault("nodeResourceGroup", f"MC_{ref.rg}_{entry.name}_{location}")
    props.setdefault("enableRBAC", True)
    props["maxAgentPools"] = 100
    props["powerState"] = {"code": "Running"}
    out.setdefault("sku", {"name": "Base", "tier": "Free"})
    # Secrets are write-only: AKS never returns them.
    (props.get("servicePrincipalProfile") or {}).pop("secret", None)
    (props.get("windowsProfile") or {}).pop("adminPassword", None)
    _fqdns(props, entry.seed, location)
    _network_defaults(props, ref.sub, entry.seed)
    _identities(store, entry, out, props, ref.sub)


def _fqdns(props: dict, seed: dict, location: str) -> None:
    api = props.get("apiServerAccessProfile") or {}
    prefix, subdomain = props.get("dnsPrefix"), props.get("fqdnSubdomain")
    base = f"{prefix}-{seed['hash']}" if prefix else None
    zone = f"privatelink.{location}.azmk8s.io"
    if api.get("enablePrivateCluster"):
        props["apiServerAccessProfile"].setdefault("privateDNSZone", "system")
        props["privateFQDN"] = (
            f"{subdomain}.{zone}" if subdomain else f"{base}.{seed['privateGuid']}.{zone}"
        )
        if api.get("enablePrivateClusterPublicFQDN") and base:
            props["fqdn"] = f"{base}.hcp.{location}.azmk8s.io"
    elif base:
        props["fqdn"] = f"{base}.hcp.{location}.azmk8s.io"
    if base:
        props["azurePortalFQDN"] = f"{base}.portal.hcp.{location}.azmk8s.io"


def _network_defaults(props: dict, sub: str, seed: dict) -> None:
    net = props.setdefault("networkProfile", {})
    plugin = net.setdefault("networkPlugin", "kubenet")
    if plugin == "kubenet" or net.get("networkPluginMode") == "overlay":
        net.setdefault("podCidr", "10.244.0.0/16")
        net.setdefault("podCidrs", [net["podCidr"]])
    net.setdefault("serviceCidr", "10.0.0.0/16")
    net.setdefault("serviceCidrs", [net["serviceCidr"]])
    net.setdefault("dnsServiceIP", "10.0.0.10")
    net.setdefault("outboundType", "loadBalancer")
    net.setdefault("loadBalancerSku", "standard")
    net.setdefault("ipFamilies", ["IPv4"])
    if net["outboundType"] == "loadBalancer":
        lb = net.setdefault("loadBalancerProfile", {})
        if not lb.get("outboundIPs") and not lb.get("outboundIPPrefixes"):
            lb.setdefault("managedOutboundIPs", {"count": 1})
        lb.setdefault("allocatedOutboundPorts", 0)  # 0: Azure assigns ports per VM size
        lb.setdefault("idleTimeoutInMinutes", 30)
        pip = f"/subscriptions/{sub}/resourceGroups/{props['nodeResourceGroup']}"
        pip += f"/providers/Microsoft.Network/publicIPAddresses/{seed['hash']}-outbound"
        lb["effectiveOutboundIPs"] = [{"id": pip}]


def _identities(store: Store, entry: Entry, out: dict, props: dict, sub: str) -> None:
    identity = out.get("identity")
    if isinstance(identity, dict):
        if "systemassigned" in str(identity.get("type", "")).lower():
            identity["principalId"] = entry.seed["principalId"]
            identity["tenantId"] = c.FAKE_TENANT_ID
        assigned = identity.get("userAssignedIdentities") or {}
        for rid in assigned:
            uami = store.get(rid)
            if uami:
                ids_ = {k: uami.seed[k] for k in ("principalId", "clientId")}
                assigned[rid] = {**(assigned[rid] or {}), **ids_}
    profile = props.setdefault("identityProfile", {})
    kubelet = profile.get("kubeletidentity") or {}
    uami = store.get(kubelet["resourceId"]) if kubelet.get("resourceId") else None
    if uami:
        kubelet.setdefault("clientId", uami.seed["clientId"])
        kubelet.setdefault("objectId", uami.seed["principalId"])
    elif not kubelet:
        rid = f"/subscriptions/{sub}/resourcegroups/{props['nodeResourceGroup']}/providers"
        rid += f"/Microsoft.ManagedIdentity/userAssignedIdentities/{entry.name}-agentpool"
        kubelet = {
            "resourceId": rid,
            "clientId": entry.seed["kubeletClientId"],
            "objectId": entry.seed["kubeletObjectId"],
        }
    profile["kubeletidentity"] = kubelet


def decorate_pool(store: Store, entry: Entry, out: dict, props: dict) -> None:
    cluster = store.get(entry.parent_key)
    cluster_props = cluster.props() if cluster else {}
    version = (
        props.get("orchestratorVersion")
        or cluster_props.get("kubernetesVersion")
        or DEFAULT_K8S_VERSION
    )
    props["orchestratorVersion"] = version
    props["currentOrchestratorVersion"] = version
    props["nodeImageVersion"] = NODE_IMAGE
    props.setdefault("type", "VirtualMachineScaleSets")
    props.setdefault("osType", "Linux")
    props.setdefault("maxPods", default_max_pods(cluster_props.get("networkProfile") or {}))
    props.setdefault("powerState", {"code": "Running"})
    props["eTag"] = entry.etag.removeprefix('W/"').removesuffix('"')


def default_max_pods(network_profile: dict) -> int:
    """AKS defaults: 250 with Azure CNI Overlay, 30 with Azure CNI on the node subnet, else 110."""
    if network_profile.get("networkPluginMode") == "overlay":
        return 250
    return 30 if network_profile.get("networkPlugin") == "azure" else 110
