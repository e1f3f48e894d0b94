"""NET-NSG-*: network security groups on cluster subnets."""

from __future__ import annotations

from generator.rules.common import LEARN
from generator.rules.core import ERROR, WARNING, entry

RULES = (
    entry(
        id="NET-NSG-001",
        severity=ERROR,
        title="NSGs must allow intra-cluster traffic",
        kind="live",
        docs=LEARN + "concepts-network-azure-cni-overlay",
        reason="aksnet creates subnets without NSGs; an NSG on an existing subnet is known only "
        "from Azure, so `plan --live` and `apply` read it and report deny rules that block "
        "node <-> node, node -> pod or pod <-> pod traffic",
        fix="allow all ports and protocols between the node subnet and the pod CIDR or subnet",
    ),
    entry(
        id="NET-NSG-002",
        severity=ERROR,
        title="API server subnet NSG rules",
        kind="live",
        docs=LEARN + "api-server-vnet-integration",
        reason="aksnet creates the API server subnet without an NSG; an NSG on an existing one is "
        "read by `plan --live` and `apply`, which report rules that block TCP 443 and 4443 "
        "from the cluster subnet or TCP 9988 from AzureLoadBalancer",
        fix="allow TCP 443 and 4443 from the cluster subnet and TCP 9988 from AzureLoadBalancer",
    ),
    entry(
        id="NET-NSG-003",
        severity=ERROR,
        title="Do not block traffic inside the cluster subnet",
        kind="doc",
        docs=LEARN + "outbound-rules-control-egress",
        reason="aksnet writes no NSG or firewall rule inside the cluster subnet; blocking "
        "intra-subnet traffic can only be added outside aksnet, and network policies are "
        "the supported way",
        fix="use Kubernetes network policies instead of NSG rules inside the subnet",
    ),
    entry(
        id="NET-NSG-004",
        severity=WARNING,
        title="Cilium extras: WireGuard and Azure Monitor",
        kind="doc",
        docs=LEARN + "azure-cni-powered-by-cilium",
        reason="aksnet creates no NSG and does not enable ACNS WireGuard; a restrictive NSG added "
        "later must allow UDP 51871 between nodes and the AzureMonitor service tag outbound",
        fix="allow UDP 51871 between nodes and outbound to the AzureMonitor service tag",
    ),
)
