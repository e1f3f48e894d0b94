"""Changes AKS cannot make in place: found by comparing the live cluster with the plan, reported
with the catalog's IDs, and refused (never attempted).

Refused (error): a new service CIDR or DNS IP (NET-SVC-006), a pod CIDR that is not a contiguous
superset of an overlay one (NET-SIZE-011; kubenet: NET-SIZE-006), a network model change other
than kubenet or node-subnet -> overlay (NET-MIG-002), a data plane change other than
azure -> cilium (NET-MIG-003), a new pod IP allocation mode or subnet for an existing pool
(NET-MIG-004), a new maxPods (NET-PODS-004), an outbound type transition AKS does not support
(NET-EGRESS-010), and a role assignment that exists for another principal or role (NET-IAM-001:
ARM cannot change one). Supported migrations pass with a warning: every pool is reimaged.
"""

from __future__ import annotations

import dataclasses
import ipaddress

from generator.plan import Plan
from generator.provision.caseless import fold, lookup, props
from generator.provision.diff import REFUSED, UPDATE, Change, same
from generator.provision.refs import Unknown
from generator.resources import CLUSTER, ROLE_ASSIGNMENT
from generator.rules.core import ERROR, WARNING, Violation

Found = tuple[str, Violation]
MANAGED_VNET_OUTBOUND = {
    "loadbalancer": {"managednatgateway", "managednatgatewayv2", "none", "block"},
    "managednatgateway": {"managednatgatewayv2", "none", "block"},
    "managednatgatewayv2": set(),
}
QUESTIONABLE = {("managednatgateway", "loadbalancer"), ("managednatgateway", "userdefinedrouting")}
BYO_OUTBOUND = {"loadbalancer", "userassignednatgateway", "userdefinedrouting", "none"}


def check(change: Change, desired: dict, plan: Plan) -> Change:
    """The change, refused when it holds an error; warnings are attached either way."""
    if change.action != UPDATE or change.live is None:
        return change
    if change.resource.type == CLUSTER:
        found = cluster_changes(props(desired), props(change.live), plan)
    elif change.resource.type == ROLE_ASSIGNMENT:
        found = assignment_changes(change.resource.name, props(desired), props(change.live))
    else:
        return change
    if not found:
        return change
    errors = [v.path for _, v in found if v.severity == ERROR]
    if errors:
        return dataclasses.replace(change, action=REFUSED, properties=tuple(errors),
                                   findings=tuple(found))
    return dataclasses.replace(change, findings=tuple(found))


def _err(rule: str, path: str, message: str) -> Found:
    return rule, Violation(path, message, severity=ERROR)


def _warn(rule: str, path: str, message: str) -> Found:
    return rule, Violation(path, message, severity=WARNING)


# --- role assignments ---------------------------------------------------------------------------


def assignment_changes(name: str, desired: dict, live: dict) -> list[Found]:
    out = []
    for key in ("principalId", "roleDefinitionId"):
        want, have = desired.get(key), lookup(live, key)
        if have and not same(want, have):
            wanted = "a principal not created yet" if isinstance(want, Unknown) else want
            out.append(_err("NET-IAM-001", "identity", f"role assignment {name} exists with "
                            f"{key} {have}, the plan needs {wanted}; ARM cannot change an "
                            "assignment: delete it, then apply again"))
    return out


# --- the cluster --------------------------------------------------------------------------------


def cluster_changes(desired: dict, live: dict, plan: Plan) -> list[Found]:
    want, have = lookup(desired, "networkProfile") or {}, lookup(live, "networkProfile") or {}
    live_pools = lookup(live, "agentPoolProfiles") or []
    out = _services(want, have)
    old_model, new_model = live_model(have, live_pools), plan.network.model
    out += _model(old_model, new_model, want, have, live, plan)
    if old_model == new_model:
        out += _dataplane(old_model, want, have, live_pools, plan)
        out += _pod_cidr(new_model, want, have, live_pools)
    out += _outbound(want, have, live_pools)
    out += _pools(lookup(desired, "agentPoolProfiles") or [], live_pools, plan)
    return out


def live_model(profile: dict, pools: list[dict]) -> str:
    plugin = str(lookup(profile, "networkPlugin") or "kubenet").lower()
    if plugin == "kubenet":
        return "kubenet"
    if plugin == "none":
        return "byo-cni"
    if str(lookup(profile, "networkPluginMode") or "").lower() == "overlay":
        return "overlay"
    if any(lookup(p, "podSubnetID") for p in pools):
        return "pod-subnet"
    return "node-subnet"


def _services(want: dict, have: dict) -> list[Found]:
    out = []
    for key, path in (("serviceCidr", "network.serviceCidr"), ("dnsServiceIP",
                                                                "network.dnsServiceIp")):
        new, old = lookup(want, key), lookup(have, key)
        if new and old and not same(new, old):
            out.append(_err("NET-SVC-006", path, f"the cluster's {key} is {old}; AKS cannot "
                            f"change it to {new} in place"))
    return out


def _model(old: str, new: str, want: dict, have: dict, live: dict, plan: Plan) -> list[Found]:
    if old == new:
        return []
    path = "network.model"
    if new != "overlay" or old not in ("kubenet", "node-subnet"):
        why = ("a dynamic pod subnet cannot be migrated to overlay" if old == "pod-subnet"
               else "only kubenet and node-subnet clusters migrate in place, to overlay")
        return [_err("NET-MIG-002", path, f"the cluster uses {old}; AKS cannot change it to "
                     f"{new} in place ({why})")]
    problems = []
    version = str(lookup(live, "currentKubernetesVersion") or lookup(live, "kubernetesVersion")
                  or "")
    if version and _version(version) < (1, 27):
        problems.append(f"Kubernetes {version} is below 1.27")
    if str(lookup(have, "networkPolicy") or "none").lower() not in ("none", ""):
        problems.append(f"network policy {lookup(have, 'networkPolicy')} is installed")
    if old == "kubenet" and plan.identity.type != "userAssigned":
        problems.append("migrating from kubenet needs a user-assigned identity")
    if old == "node-subnet" and not lookup(want, "podCidr"):
        problems.append("migrating from node-subnet needs a pod CIDR")
    old_plane = str(lookup(have, "networkDataplane") or "azure").lower()
    if str(lookup(want, "networkDataplane") or "azure").lower() != old_plane:
        problems.append("IPAM and data plane cannot change in one operation")
    if problems:
        return [_err("NET-MIG-002", path, f"{old} -> overlay is blocked: " + "; ".join(problems))]
    return [_warn("NET-MIG-002", path, f"{old} -> overlay migrates in place and reimages every "
                  "pool at once; it cannot be undone")]


def _dataplane(model: str, want: dict, have: dict, pools: list[dict], plan: Plan) -> list[Found]:
    new = str(lookup(want, "networkDataplane") or "").lower()
    old = str(lookup(have, "networkDataplane") or "azure").lower()
    if not new or new == old:
        return []
    path = "network.dataplane"
    if (old, new) != ("azure", "cilium"):
        return [_err("NET-MIG-003", path, f"data plane {old} cannot change to {new} in place")]
    problems = []
    if model == "kubenet":
        problems.append("migrate kubenet to overlay first")
    if any(str(lookup(p, "osType") or "").lower() == "windows" for p in pools) or any(
            p.os == "Windows" for p in plan.node_pools):
        problems.append("the cluster has Windows pools")
    if plan.features.get("nodeAutoProvisioning"):
        problems.append("disable node auto-provisioning first")
    if problems:
        return [_err("NET-MIG-003", path, "azure -> cilium is blocked: " + "; ".join(problems))]
    return [_warn("NET-MIG-003", path, "moving to the cilium data plane reimages every pool; "
                  "policy is enforced by Cilium only once all nodes are reimaged")]


def _pod_cidr(model: str, want: dict, have: dict, pools: list[dict]) -> list[Found]:
    new, old = lookup(want, "podCidr"), lookup(have, "podCidr")
    if not new or not old or same(new, old):
        return []
    if model == "kubenet":
        return [_err("NET-SIZE-006", "network.podCidr", f"a kubenet pod CIDR cannot change "
                     f"({old} -> {new}) except when migrating to overlay")]
    grows = _contains(new, old)
    windows = any(str(lookup(p, "osType") or "").lower() == "windows" for p in pools)
    if model == "overlay" and grows and not windows:
        return []
    why = "clusters with Windows nodes cannot expand it" if windows and grows else (
        "only a contiguous superset of the current range is allowed")
    return [_err("NET-SIZE-011", "network.podCidr", f"pod CIDR {old} cannot change to {new} "
                 f"in place: {why}")]


def _contains(new: str, old: str) -> bool:
    try:
        a, b = ipaddress.ip_network(new, strict=False), ipaddress.ip_network(old, strict=False)
    except ValueError:
        return False
    return a.version == b.version and b.subnet_of(a) and a != b


def _outbound(want: dict, have: dict, pools: list[dict]) -> list[Found]:
    new = str(lookup(want, "outboundType") or "").lower()
    old = str(lookup(have, "outboundType") or "loadBalancer").lower()
    if not new or new == old:
        return []
    path = "network.outbound.type"
    byo = any(lookup(p, "vnetSubnetID") for p in pools)
    if (old, new) in QUESTIONABLE and not byo:
        return [_warn("NET-EGRESS-010", path, f"outbound {old} -> {new}: the docs' table marks "
                      "it unsupported while the same page shows the command; egress IPs change")]
    if byo:
        ok = old in BYO_OUTBOUND and new in BYO_OUTBOUND
    else:
        ok = old in ("none", "block") or new in MANAGED_VNET_OUTBOUND.get(old, set())
    if not ok:
        where = "a bring-your-own VNet" if byo else "the AKS-managed VNet"
        return [_err("NET-EGRESS-010", path, f"outbound type {old} cannot change to {new} on "
                     f"{where}")]
    return [_warn("NET-EGRESS-010", path, f"outbound {old} -> {new} changes the egress IPs: "
                  "update authorized IP ranges and firewalls")]


def _pools(desired: list[dict], live: list[dict], plan: Plan) -> list[Found]:
    by_name = {fold(lookup(p, "name") or ""): p for p in live if isinstance(p, dict)}
    index = {fold(p.name): i for i, p in enumerate(plan.node_pools)}
    out = []
    for pool in desired:
        name = str(pool.get("name", ""))
        old = by_name.get(fold(name))
        if old is None:
            continue
        base = f"nodePools[{index.get(fold(name), 0)}]"
        new_pods, old_pods = pool.get("maxPods"), lookup(old, "maxPods")
        if new_pods and old_pods and new_pods != old_pods:
            out.append(_err("NET-PODS-004", f"{base}.maxPods", f"pool {name} has maxPods "
                            f"{old_pods}; it cannot change to {new_pods} in place"))
        for key, label in (("vnetSubnetID", "network.nodeSubnet"),
                           ("podSubnetID", "network.podSubnet"),
                           ("podIPAllocationMode", "network.podSubnet.allocation")):
            new, current = pool.get(key), lookup(old, key)
            if new and current and not same(new, current):
                out.append(_err("NET-MIG-004", label, f"pool {name} has {key} {current}; an "
                                f"existing pool cannot move to {new}"))
            elif (key == "podIPAllocationMode" and new and not current
                  and lookup(old, "podSubnetID")):
                out.append(_err("NET-MIG-004", label, f"pool {name} cannot switch to {new} in "
                                "place"))
    return out


def _version(text: str) -> tuple[int, int]:
    try:
        major, minor = text.split(".")[:2]
        return int(major), int(minor)
    except ValueError:
        return (99, 99)
