"""NET-RT-*: route tables (kubenet routes pods through one; userDefinedRouting sends egress
through one)."""

from __future__ import annotations

from generator.planner import KUBENET_MAX_NODES
from generator.resources import ROUTE
from generator.rules.common import LEARN
from generator.rules.core import ERROR, INFO, WARNING, Violation, entry, rule

ROUTE_TABLE_MAX_ROUTES = 400


@rule(
    id="NET-RT-001",
    severity=ERROR,
    title="A kubenet node subnet carries its route table before the cluster exists",
    fix="associate the route table with the node subnet before creating the cluster{hint}",
    docs=LEARN + "configure-kubenet",
)
def kubenet_subnet_has_route_table(intent, plan):
    """What: kubenet subnets carry a route table: AKS writes one route per node into it. If none
    is attached, AKS creates and attaches its own; a route table you bring must be associated
    with the subnet before the cluster is created, and the association cannot be swapped later
    (routes inside it can change). aksnet creates the association on subnets it creates (error
    if the plan lacks it). On an existing subnet without routeTable.id it says that AKS will
    attach its own unless one is attached (info); whether an existing subnet already carries the
    table given as routeTable.id is checked by `plan --live` and `apply`.

    Why: a route table attached after creation is not used, and pods on different nodes cannot
    reach each other.
    """
    net = plan.network
    if net.model != "kubenet" or intent.network.vnet.managed:
        return
    node = net.node_subnet
    if node.existing:
        if not net.route_table_id:
            yield Violation(
                "network.nodeSubnet.id",
                f"kubenet on existing subnet {node.name} without routeTable.id: AKS "
                f"creates and attaches a route table unless one is already attached",
                {"hint": " (or let AKS attach its own)"},
                INFO,
            )
        return
    subnet = plan.by_symbol("nodeSubnet")
    if subnet is None or "routeTable" not in subnet.properties:
        yield Violation(
            "network.nodeSubnet",
            f"the node subnet {node.name} aksnet creates has no route table association",
            {"hint": ""},
        )


def _custom_routes_overflow(node_routes: int, custom: int) -> bool:
    """The node routes alone pass NET-SCALE-002's limit, but the custom routes push the table
    past 400. When the node routes alone are over, NET-SCALE-002 reports that at the same
    severity, and removing custom routes would not fix it: one cause, one finding."""
    return node_routes <= KUBENET_MAX_NODES and node_routes + custom > ROUTE_TABLE_MAX_ROUTES


@rule(
    id="NET-RT-003",
    severity=ERROR,
    title="Kubenet nodes and your own routes fit 400 routes",
    fix="keep nodes + surge + your routes ({routes}) within 400, or use overlay",
    docs=LEARN + "configure-kubenet",
)
def kubenet_route_budget(intent, plan):
    """What: a route table holds 400 routes. Kubenet adds one per node, surge nodes included, and
    the same table holds your own routes (e.g. `0.0.0.0/0` to a firewall with
    userDefinedRouting). So `N + custom routes <= 400` to create the cluster (error) and
    `N + S + custom routes <= 400` to upgrade it (warning; derived: the doc states only the
    400-node consequence). Custom routes are the routes aksnet writes. Only an overflow the custom
    routes cause is this rule's: when the nodes alone are too many (`N > 400`, or `N + S > 400`
    for the warning) NET-SCALE-002 reports it, so without custom routes this rule never fires.
    The routes of a route table given as routeTable.id are counted by `plan --live`.

    Why: once the table is full, new nodes get no pod route.
    """
    if plan.network.model != "kubenet":
        return
    custom = len(plan.of_type(ROUTE))
    nodes, peak = plan.total_nodes, plan.total_peak_nodes
    details = {"routes": custom}
    if _custom_routes_overflow(nodes, custom):
        yield Violation(
            "nodePools",
            f"{nodes} node routes + {custom} custom route(s) = "
            f"{nodes + custom}; a route table holds 400",
            details,
        )
    elif _custom_routes_overflow(peak, custom):
        yield Violation(
            "nodePools",
            f"{peak} node routes during an upgrade + {custom} custom "
            f"route(s) = {peak + custom}; a route table holds 400",
            details,
            WARNING,
        )


@rule(
    id="NET-RT-004",
    severity=INFO,
    title="Never edit the routes AKS writes",
    fix="add your own routes beside the AKS routes; leave the per-node routes alone",
    docs=LEARN + "configure-kubenet",
)
def aks_routes_left_alone(intent, plan):
    """What: the routes the Kubernetes cloud provider writes for kubenet (one per node) cannot be
    updated or removed by you; a `0.0.0.0/0` route is normally present unless outbound is none.

    Why: editing or deleting them breaks pod traffic to that node, and AKS rewrites them.
    """
    if plan.network.model == "kubenet":
        yield Violation(
            "network.routeTable",
            "kubenet: AKS writes one route per node into the "
            "route table; leave those routes unchanged",
        )


RULES = (
    kubenet_subnet_has_route_table,
    entry(
        id="NET-RT-002",
        severity=ERROR,
        title="One route table per kubenet cluster",
        kind="live",
        docs=LEARN + "configure-kubenet",
        reason="whether a route table given as routeTable.id already serves another cluster, or "
        "the existing subnets carry different tables, is known only from Azure: "
        "`plan --live` and `apply` read it; a table aksnet creates serves this cluster alone",
        fix="give each kubenet cluster its own route table, the same for all its subnets",
    ),
    kubenet_route_budget,
    aks_routes_left_alone,
)
