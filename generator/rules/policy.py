"""NET-POL-*: which network policy engine fits which plugin, data plane, scale and OS.

NET-POL-001 and -002 report an engine the plugin cannot run; the other rules judge only an engine
the plugin accepts, so one wrong choice gives one finding.
"""

from __future__ import annotations

from generator.rules.common import LEARN, version_below, windows_pools
from generator.rules.core import ERROR, INFO, WARNING, Violation, rule

NPM_MAX_NODES = 250
NPM_MAX_PODS = 20_000


def allowed_policies(plugin: str, dataplane: str) -> tuple[str, ...]:
    """The engines AKS accepts for a plugin and data plane (NET-POL-001)."""
    if plugin == "kubenet":
        return ("none", "calico")
    if plugin == "none":
        return ("none",)
    if dataplane == "cilium":
        return ("cilium",)
    return ("none", "azure", "calico")


def engine(plan) -> str | None:
    """The plan's policy engine when its plugin and data plane accept it, else None."""
    net = plan.network
    return net.policy if net.policy in allowed_policies(net.plugin, net.dataplane) else None


def cilium_pairing_broken(dataplane: str, policy: str) -> bool:
    """NET-POL-002's case: Cilium policy without the Cilium data plane, or another engine on it."""
    if policy == "cilium":
        return dataplane != "cilium"
    return dataplane == "cilium" and policy in ("azure", "calico")


@rule(
    id="NET-POL-001",
    severity=ERROR,
    title="The network policy engine must fit the plugin",
    fix="use policy {allowed} with model {model}",
    docs=LEARN + "use-network-policies",
)
def policy_engine_fits_plugin(intent, plan):
    """What: kubenet supports policy none or calico (Linux only); Azure CNI with the Azure data
    plane none, azure (NPM) or calico; the Cilium data plane cilium; byo-cni none (install your
    own engine with your CNI).

    Why: AKS rejects other combinations. A Cilium policy on the wrong data plane is reported by
    NET-POL-002 instead.
    """
    net = plan.network
    allowed = allowed_policies(net.plugin, net.dataplane)
    if net.policy in allowed or (
        net.plugin == "azure" and cilium_pairing_broken(net.dataplane, net.policy)
    ):
        return
    where = f"model {net.model}" + (" with dataplane cilium" if net.dataplane == "cilium" else "")
    yield Violation(
        "network.policy",
        f"policy {net.policy} is not supported on {where}",
        {"allowed": " or ".join(allowed), "model": net.model},
    )


@rule(
    id="NET-POL-002",
    severity=ERROR,
    title="Cilium policy and the Cilium data plane go together",
    fix="set dataplane cilium with policy cilium, or dataplane azure with policy none, azure or "
    "calico",
    docs=LEARN + "azure-cni-powered-by-cilium",
)
def cilium_policy_matches_dataplane(intent, plan):
    """What: `networkPolicy: cilium` requires `networkDataplane: cilium`, and a Cilium data plane
    cannot run Azure NPM or Calico.

    Why: the Cilium data plane enforces policy itself; the API refuses Cilium policy elsewhere
    (on an update the old engine is uninstalled and replaced). Checked for Azure CNI; kubenet and
    byo-cni engines are NET-POL-001's.
    """
    net = plan.network
    if net.plugin != "azure" or not cilium_pairing_broken(net.dataplane, net.policy):
        return
    if net.policy == "cilium":
        message = f"policy cilium needs dataplane cilium, not {net.dataplane}"
    else:
        message = f"dataplane cilium enforces policy itself: policy {net.policy} cannot run on it"
    yield Violation("network.policy", message)


@rule(
    id="NET-POL-003",
    severity=ERROR,
    title="Azure NPM is unsupported above 250 nodes or 20,000 pods",
    fix="use the Cilium data plane with policy cilium (dataplane: cilium), or keep the cluster "
    "within 250 nodes and 20,000 pods",
    docs=LEARN + "use-network-policies",
)
def azure_npm_within_scale(intent, plan):
    """What: Azure Network Policy Manager on Linux is unsupported above 250 nodes or 20,000 pods.
    Nodes count each pool's maxCount when it autoscales; pods are nodes x maxPods.

    Why: NPM's iptables and ipsets grow with the cluster until its pods run out of memory.
    """
    if engine(plan) != "azure":
        return
    nodes = plan.total_nodes
    pods = plan.total_pods
    if nodes > NPM_MAX_NODES or pods > NPM_MAX_PODS:
        yield Violation(
            "network.policy",
            f"policy azure (NPM) with up to {nodes} nodes and {pods} pods exceeds "
            f"its {NPM_MAX_NODES} nodes / {NPM_MAX_PODS} pods",
        )


@rule(
    id="NET-POL-004",
    severity=ERROR,
    title="Azure NPM and Calico do not support dual-stack",
    fix="use dataplane cilium with policy cilium on dual-stack clusters",
    docs=LEARN + "use-network-policies",
)
def policy_engine_supports_ipv6(intent, plan):
    """What: neither Azure NPM nor Calico is supported on dual-stack (IPv4 + IPv6) clusters; Azure
    NPM has no IPv6 support at all.

    Why: documented as unsupported; Cilium enforces policy on dual-stack clusters.
    """
    net = plan.network
    if "IPv6" in net.ip_families and engine(plan) in ("azure", "calico"):
        yield Violation(
            "network.policy", f"policy {net.policy} is not supported on a dual-stack cluster"
        )


@rule(
    id="NET-POL-005",
    severity=ERROR,
    title="Azure NPM is retiring: none on Windows, migrate Linux to Cilium",
    fix="use Cilium network policy (dataplane: cilium, policy: cilium) on Linux-only clusters, "
    "or calico with Windows pools",
    docs=LEARN + "migrate-from-npm-to-cilium-network-policy",
)
def azure_npm_not_retired(intent, plan):
    """What: Azure NPM on Windows nodes is unsupported from 2026-09-30 and cannot be enabled by
    subscriptions not already onboarded (error). Azure NPM on Linux is unsupported from 2028-09-30
    (warning for a new cluster).

    Why: a new cluster should not start on an engine that is being retired.
    """
    if engine(plan) != "azure":
        return
    pools = windows_pools(plan)
    if pools:
        names = ", ".join(p.name for _, p in pools)
        yield Violation(
            "network.policy",
            f"policy azure (NPM) on Windows pools ({names}) is unsupported since 2026-09-30",
        )
    else:
        yield Violation(
            "network.policy",
            "policy azure (NPM) on Linux is unsupported from 2028-09-30",
            severity=WARNING,
        )


@rule(
    id="NET-POL-006",
    severity=ERROR,
    title="Calico and Azure NPM constraints (Windows, Kubernetes 1.30)",
    fix='pin kubernetesVersion 1.30 or later (e.g. "1.33")',
    docs=LEARN + "use-network-policies",
)
def calico_constraints_met(intent, plan):
    """What: Calico on Windows needs Azure CNI: on kubenet it is Linux only. Since the 2026-05-29
    release AKS refuses to install (or uninstall) Calico or Azure NPM below Kubernetes 1.30. This
    rule checks the 1.30 gate: a Windows pool on kubenet is rejected whatever the policy, and
    NET-PLUGIN-003 reports it, so Calico there adds no second finding.

    Why: Calico's Windows support rides on Azure CNI; the 1.30 gate is enforced by the resource
    provider at create and update.
    """
    net = plan.network
    if engine(plan) in ("calico", "azure") and version_below(intent, 1, 30):
        yield Violation(
            "kubernetesVersion",
            f"policy {net.policy} cannot be installed below Kubernetes 1.30 "
            f"(kubernetesVersion {intent.kubernetes_version})",
        )


@rule(
    id="NET-POL-007",
    severity=INFO,
    title="Cilium network policy caveats",
    fix="select pods and nodes by label, not ipBlock; keep churny labels out of identities",
    docs=LEARN + "azure-cni-powered-by-cilium",
)
def cilium_policy_caveats_known(intent, plan):
    """What: with Cilium policy, `ipBlock` cannot select pod or node addresses; policies do not
    apply to `hostNetwork` pods; Cilium identities are capped at 65,535 (exclude labels that
    change often); only label exclusion may be changed in the `cilium-config` ConfigMap.

    Why: Cilium behaves differently from Calico and NPM here, so policies written for them may
    not do the same.
    """
    if engine(plan) == "cilium":
        yield Violation(
            "network.policy",
            "policy cilium: ipBlock cannot select pod or node IPs, hostNetwork pods "
            "are not policed, identities are capped at 65,535",
        )


RULES = (
    policy_engine_fits_plugin,
    cilium_policy_matches_dataplane,
    azure_npm_within_scale,
    policy_engine_supports_ipv6,
    azure_npm_not_retired,
    calico_constraints_met,
    cilium_policy_caveats_known,
)
