"""NET-PLUGIN-*: which plugin, mode and data plane combinations AKS accepts, and what each
model asks of the rest of the intent (pod addressing, bring-your-own names and CNI, static
block prerequisites, Cilium versions).

The rest of the area has its own modules: nodepools.py (which node pools, by OS and VM, a
model and data plane accept) and features.py (cluster features that rule out a model).
"""

from __future__ import annotations

from generator.rules.common import LEARN, byo_network, version_below, version_tuple
from generator.rules.core import ERROR, INFO, WARNING, Violation, entry, rule

NAME_LABEL_MAX = 63
# Minimum Cilium per Kubernetes minor (azure-cni-powered-by-cilium, August 2026).
CILIUM_MINIMUM = {
    (1, 31): "1.16.16",
    (1, 32): "1.17.9",
    (1, 33): "1.17.9",
    (1, 34): "1.18.6",
    (1, 35): "1.18.6",
    (1, 36): "1.18.9",
}
# Cilium features gated by Kubernetes version: (minimum minor, feature).
CILIUM_GATES = (
    ((1, 29), "Local Redirect Policy and ACNS FQDN/L7 policies"),
    ((1, 32), "Cilium Endpoint Slices"),
    ((1, 33), "eBPF host routing"),
    ((1, 34), "mTLS (preview)"),
)


@rule(
    id="NET-PLUGIN-001",
    severity=ERROR,
    title="Plugin, mode, data plane and pod addressing must be a legal combination",
    fix="remove the setting the model does not use, or change the model, e.g. {example}",
    docs=LEARN + "azure-cni-overlay",
)
def plugin_settings_fit_model(intent, plan):
    """What: a pod subnet (`podSubnet.id`, `podSubnet.prefix`, `allocation: static-block`) belongs
    to model pod-subnet only; a pod CIDR (`podCidr`, `podCidrs`) to overlay, kubenet and byo-cni
    only; the Cilium data plane needs Azure CNI (not kubenet, not byo-cni); and an AKS-managed VNet
    has no pod subnet.

    Why: the API refuses `podSubnetID` with overlay, `podIPAllocationMode` without `podSubnetID`
    and `networkDataplane: cilium` with any plugin but `azure`. The Azure CLI has refused a pod
    CIDR for Azure CNI without overlay since 2.48 (April 2023): pods would take node-subnet
    addresses and the range would be silently ignored.
    """
    net, model = intent.network, plan.network.model
    if model != "pod-subnet":
        example = "network.model: pod-subnet"
        for key in ("id", "prefix"):
            if getattr(net.pod_subnet, key):
                yield Violation(
                    f"network.podSubnet.{key}",
                    f"podSubnet.{key} is given but model {model} has no pod subnet",
                    {"example": example},
                )
        if net.pod_subnet.allocation == "static-block":
            yield Violation(
                "network.podSubnet.allocation",
                f"podSubnet.allocation static-block needs model pod-subnet, not {model}",
                {"example": example},
            )
    if model in ("pod-subnet", "node-subnet"):
        example = "network.model: overlay"
        if net.pod_cidr:
            yield Violation(
                "network.podCidr",
                f"podCidr {net.pod_cidr} is given but model {model} takes pod "
                "addresses from a subnet",
                {"example": example},
            )
        if net.pod_cidrs:
            yield Violation(
                "network.podCidrs",
                f"podCidrs {', '.join(net.pod_cidrs)} are given but model {model} "
                "takes pod addresses from a subnet",
                {"example": example},
            )
    if plan.network.dataplane == "cilium" and model in ("kubenet", "byo-cni"):
        yield Violation(
            "network.dataplane",
            f"dataplane cilium needs Azure CNI, not model {model}",
            {"example": "network.model: overlay"},
        )
    if model == "pod-subnet" and net.vnet.managed:
        yield Violation(
            "network.vnet.managed",
            "model pod-subnet needs a pod subnet, which an AKS-managed VNet does not have",
            {"example": "network.vnet.managed: false"},
        )


def _name_from_id(resource_id: str) -> str:
    return resource_id.rstrip("/").rsplit("/", 1)[-1]


def _byo_names(intent, plan):
    """(path, what, name) of every name that becomes a node label on a bring-your-own network."""
    net = intent.network
    vnet_id = net.vnet.id or (
        net.node_subnet.id.rsplit("/subnets/", 1)[0] if net.node_subnet.id else None
    )
    if vnet_id:
        path = "network.vnet.id" if net.vnet.id else "network.nodeSubnet.id"
        yield path, "VNet name", _name_from_id(vnet_id)
        yield path, "VNet resource group", (vnet_id.split("/") + [""] * 5)[4]
    else:
        yield "network.vnet.name", "VNet name", plan.network.vnet.name
        yield "resourceGroup", "VNet resource group", plan.network.vnet.resource_group
    for key, spec, subnet in (
        ("nodeSubnet", net.node_subnet, plan.network.node_subnet),
        ("podSubnet", net.pod_subnet, plan.network.pod_subnet),
    ):
        if spec.id:
            yield f"network.{key}.id", "subnet name", _name_from_id(spec.id)
        elif subnet is not None:
            yield f"network.{key}.name", "subnet name", subnet.name


@rule(
    id="NET-PLUGIN-008",
    severity=ERROR,
    title="VNet, subnet and VNet resource group names must fit a node label (63 characters)",
    fix="shorten the {what} to at most 63 characters, e.g. {example}",
    docs=LEARN + "concepts-network-azure-cni-overlay",
)
def byo_network_names_fit_labels(intent, plan):
    """What: with a network the cluster does not own (a created or existing VNet, not an
    AKS-managed one), the names of the node and pod subnets, of the VNet and of the VNet's resource
    group must each be at most 63 characters.

    Why: they become Kubernetes node label values, which are limited to 63 characters.
    Documented for overlay and pod-subnet (release 2023-11-28); applied to every model to be safe.
    """
    if not byo_network(intent):
        return
    for path, what, name in _byo_names(intent, plan):
        if len(name) > NAME_LABEL_MAX:
            example = name[:NAME_LABEL_MAX].rstrip("-_.")
            yield Violation(
                path,
                f"{what} {name} has {len(name)} characters, more than {NAME_LABEL_MAX}",
                {"what": what, "example": example},
            )


@rule(
    id="NET-PLUGIN-009",
    severity=ERROR,
    title="Static block allocation needs Kubernetes 1.28 and no Private Link Service",
    fix='pin kubernetesVersion 1.28 or later (e.g. "1.33"), and expose services without '
    "Private Link Service, or use dynamic allocation",
    docs=LEARN + "configure-azure-cni-static-block-allocation",
)
def static_block_prerequisites_met(intent, plan):
    """What: pod-subnet static block allocation needs Kubernetes 1.28 or later, and does not
    support exposing a Kubernetes LoadBalancer service through Private Link Service (warning). It
    is set only on new clusters or on new pools on another subnet (NET-MIG-004).

    Why: older versions reject `podIPAllocationMode: StaticBlock`; Private Link Service is
    documented as unsupported with it.
    """
    if plan.network.pod_allocation != "static-block":
        return
    if version_below(intent, 1, 28):
        yield Violation(
            "kubernetesVersion",
            f"static block allocation needs Kubernetes 1.28 or later, not "
            f"{intent.kubernetes_version}",
        )
    if intent.features.private_link_service:
        yield Violation(
            "features.privateLinkService",
            "Private Link Service through a LoadBalancer service is not supported "
            "with static block allocation",
            severity=WARNING,
        )


@rule(
    id="NET-PLUGIN-011",
    severity=ERROR,
    title="Bring-your-own CNI still needs a pod CIDR, and its support is yours",
    fix="set network.podCidr to the range your CNI assigns, e.g. 192.168.0.0/16, and plan to "
    "support the CNI yourself",
    docs=LEARN + "use-byo-cni",
)
def byo_cni_obligations_met(intent, plan):
    """What: with `networkPlugin: none` the cluster still needs a node subnet, a service CIDR and
    a pod CIDR; the pod CIDR tells the control plane where pods live. AKS creates no route table
    and assigns no pod addresses, and Microsoft support excludes CNI problems (info).

    Why: without a pod CIDR, control-plane-to-pod traffic (webhooks, `kubectl exec`, metrics) can
    fail. In 2023 the provider team said the pod CIDR had no effect for `none`; the current docs
    require it, and API 2026-01-01 and later return it.
    """
    net = plan.network
    if net.model != "byo-cni":
        return
    if not (net.pod_cidr or net.pod_cidrs):
        yield Violation("network.podCidr", "model byo-cni has no pod CIDR")
        return
    cidr = ", ".join(net.pod_cidrs) or net.pod_cidr
    yield Violation(
        "network.model",
        f"model byo-cni: you install and operate the CNI for pod CIDR {cidr}; AKS "
        "assigns no pod addresses and Microsoft support excludes CNI issues",
        severity=INFO,
    )


@rule(
    id="NET-PLUGIN-012",
    severity=ERROR,
    title="Cilium features are gated by the Kubernetes version",
    fix="match Cilium tooling and features to the Cilium version your Kubernetes version brings; "
    'dual-stack with Cilium needs kubernetesVersion "1.29" or later (e.g. "1.33")',
    docs=LEARN + "azure-cni-powered-by-cilium",
)
def cilium_version_gates_met(intent, plan):
    """What: dual-stack with the Cilium data plane needs Kubernetes 1.29 or later (error).
    Otherwise the pinned Kubernetes version sets the minimum Cilium version AKS runs
    (1.31: 1.16.16; 1.32-1.33: 1.17.9; 1.34-1.35: 1.18.6; 1.36: 1.18.9) and which Cilium features
    exist: Local Redirect Policy and ACNS FQDN/L7 policies 1.29, Cilium Endpoint Slices 1.32, eBPF
    host routing 1.33, mTLS (preview) 1.34 (info).

    Why: AKS refuses dual-stack Cilium below 1.29; which Cilium version and features a cluster
    gets follows from its Kubernetes version.
    """
    net = plan.network
    if net.dataplane != "cilium" or net.plugin != "azure":
        return  # Cilium without Azure CNI is NET-PLUGIN-001's
    if "IPv6" in net.ip_families and version_below(intent, 1, 29):
        yield Violation(
            "kubernetesVersion",
            f"dual-stack with the Cilium data plane needs Kubernetes 1.29 or later, "
            f"not {intent.kubernetes_version}",
        )
        return
    version = version_tuple(intent.kubernetes_version)
    if version not in CILIUM_MINIMUM:
        return
    missing = [name for gate, name in CILIUM_GATES if version < gate]
    tail = f"; not yet available: {', '.join(missing)}" if missing else ""
    yield Violation(
        "network.dataplane",
        f"Kubernetes {intent.kubernetes_version} runs Cilium "
        f"{CILIUM_MINIMUM[version]} or later{tail}",
        severity=INFO,
    )


RULES = (
    plugin_settings_fit_model,
    entry(
        id="NET-PLUGIN-002",
        severity=WARNING,
        title="Never rely on plugin defaults: they differ by client and Kubernetes version",
        kind="render",
        docs=LEARN + "azure-cni-overlay",
        reason="the planner resolves every network setting and the resources builder and "
        "renderers write each network key explicitly (networkPlugin, networkPluginMode, "
        "networkDataplane, networkPolicy, CIDRs, outboundType), so no client or version "
        "default is relied on",
        fix="write every network key explicitly",
    ),
    byo_network_names_fit_labels,
    static_block_prerequisites_met,
    entry(
        id="NET-PLUGIN-010",
        severity=ERROR,
        title="One CNI type per cluster",
        kind="doc",
        docs=LEARN + "configure-azure-cni-dynamic-ip-allocation",
        reason="an intent has one network model and one podSubnet for the whole cluster, and the "
        "planner gives every pool the same node and pod subnet: pools with and without a "
        "pod subnet cannot be mixed in an intent",
        fix="use one pod-subnet setting for every pool",
    ),
    byo_cni_obligations_met,
    cilium_version_gates_met,
)
