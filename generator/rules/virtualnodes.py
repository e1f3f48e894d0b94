"""NET-VN-*: virtual nodes (the ACI connector add-on)."""

from __future__ import annotations

from generator.rules.common import LEARN
from generator.rules.core import ERROR, entry

RULES = (
    entry(
        id="NET-VN-001",
        severity=ERROR,
        title="Virtual nodes need flat Azure CNI",
        kind="doc",
        docs=LEARN + "virtual-nodes",
        reason="aksnet does not configure the virtual-node (ACI connector) add-on and an intent "
        "cannot ask for it; whoever enables it later needs node-subnet Azure CNI, Linux "
        "and IPv4 only (not kubenet, overlay or dual-stack)",
        fix="enable virtual nodes only on a node-subnet, IPv4-only cluster",
    ),
)
