"""NET-IAM-*: the cluster identity's rights on the network resources it uses.

The role definition and assignments are resources of the plan (generator/resources.py); these
rules read them, so a change there that drops a grant is caught before anything is deployed.
"""

from __future__ import annotations

from fnmatch import fnmatchcase

from generator.plan import Ref
from generator.planner import SUBNET_ROLE_JOIN
from generator.resources import NETWORK_CONTRIBUTOR, ROLE_ASSIGNMENT
from generator.rules.common import LEARN, SUBNET_PATHS
from generator.rules.core import ERROR, INFO, WARNING, Violation, entry, rule

JOIN, READ = SUBNET_ROLE_JOIN
ROUTE_TABLE_NEEDS = (
    "Microsoft.Network/routeTables/read",
    "Microsoft.Network/routeTables/write",
    "Microsoft.Network/routeTables/routes/read",
    "Microsoft.Network/routeTables/routes/write",
    "Microsoft.Network/routeTables/routes/delete",
)
BUILTIN_ACTIONS = {NETWORK_CONTRIBUTOR: (("Microsoft.Network/*",), ())}


def cluster_principal(plan) -> Ref:
    """What role assignments must name: the user-assigned identity, else the cluster's own."""
    identity = plan.by_symbol("identity")
    if identity is not None:
        return Ref(identity.ref, "principalId")
    return Ref(f"Microsoft.ContainerService/managedClusters/{plan.name}", "identity.principalId")


def _scope_ref(assignment) -> str | None:
    scope = assignment.scope
    return scope.ref if isinstance(scope, Ref) else scope


def grants_on(plan, resource) -> list:
    """Role assignments for the cluster identity on `resource` or its VNet / resource group."""
    scopes = {resource.ref.lower()}
    vnet = plan.by_symbol("vnet")
    if vnet is not None and resource.type.endswith("/subnets"):
        scopes.add(vnet.ref.lower())
    if resource.resource_group:
        scopes.add(f"microsoft.resources/resourcegroups/{resource.resource_group}".lower())
    if resource.existing_id:
        scopes.add(resource.existing_id.lower())
    principal = cluster_principal(plan)
    out = []
    for assignment in plan.of_type(ROLE_ASSIGNMENT):
        scope = (_scope_ref(assignment) or "").lower()
        if assignment.properties.get("principalId") != principal:
            continue
        if scope in scopes or any(s.startswith(scope + "/") for s in scopes if s.startswith("/")):
            out.append(assignment)
    return out


def role_actions(plan, assignment) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """(actions, notActions) of the role an assignment grants; None when unknown offline."""
    role_id = assignment.properties.get("roleDefinitionId")
    role = plan.resource(role_id.ref) if isinstance(role_id, Ref) else None
    if role is None:
        name = str(role_id or "").rsplit("/", 1)[-1]
        return BUILTIN_ACTIONS.get(name)
    if role.existing:
        return BUILTIN_ACTIONS.get(role.name)
    actions, not_actions = [], []
    for permission in role.properties.get("permissions", []):
        actions += permission.get("actions", [])
        not_actions += permission.get("notActions", [])
    return tuple(actions), tuple(not_actions)


def covers(granted: tuple[tuple[str, ...], tuple[str, ...]], action: str) -> bool:
    actions, not_actions = granted
    wanted = action.lower()
    return any(fnmatchcase(wanted, a.lower()) for a in actions) and not any(
        fnmatchcase(wanted, n.lower()) for n in not_actions
    )


def missing_actions(plan, assignments, needed) -> list[str] | None:
    """Actions no assignment grants (None when no role could be read offline)."""
    known = [g for g in (role_actions(plan, a) for a in assignments) if g is not None]
    if not known:
        return None
    return [a for a in needed if not any(covers(g, a) for g in known)]


def _who(plan) -> str:
    return plan.identity.name or "the cluster's system-assigned identity"


@rule(
    id="NET-IAM-001",
    severity=ERROR,
    title="The cluster identity has a role on every subnet it uses",
    fix="grant {who} Network Contributor (or the least-privilege role) on {subnet}; a "
    "user-assigned identity (identity.type: userAssigned) gets it before the cluster exists",
    docs=LEARN + "concepts-network-cni-overview",
)
def cluster_identity_granted_on_subnets(intent, plan):
    """What: the cluster (control-plane) identity needs at least Network Contributor, or a role
    with subnets/join/action and subnets/read (NET-IAM-002), on every subnet it uses that AKS
    does not manage: node, pod and API server subnets, granted on the subnet or an enclosing
    scope (VNet, resource group). The Azure CLI creates this assignment itself; ARM, Bicep,
    Terraform and SDK callers, and so aksnet, must create it.

    Why: without it AKS cannot join nodes to the subnet and creation fails (propagation can take
    up to 60 minutes). A system-assigned identity exists only once the cluster does, so its grant
    can only follow cluster creation (warning): Microsoft recommends a user-assigned identity for
    networks AKS does not manage.
    """
    if intent.network.vnet.managed:
        return
    for subnet in plan.network.subnets:
        resource = plan.by_symbol(f"{subnet.role}Subnet")
        if resource is None or not grants_on(plan, resource):
            yield Violation(
                SUBNET_PATHS[subnet.role],
                f"no role assignment gives {_who(plan)} rights on the {subnet.role} "
                f"subnet {subnet.name}",
                {"who": _who(plan), "subnet": subnet.name},
            )
    if plan.identity.type == "systemAssigned":
        yield Violation(
            "identity.type",
            "a system-assigned identity exists only after the "
            "cluster: its subnet roles can only be granted after "
            "creation",
            {"who": "a user-assigned identity", "subnet": "the subnets"},
            WARNING,
        )


@rule(
    id="NET-IAM-002",
    severity=ERROR,
    title="A custom subnet role includes subnets/join/action and subnets/read",
    fix="add {missing} to the role, or use identity.subnetRole: network-contributor",
    docs=LEARN + "aks-service-permissions",
)
def subnet_role_allows_join_and_read(intent, plan):
    """What: a custom role used instead of Network Contributor needs
    `Microsoft.Network/virtualNetworks/subnets/join/action` and
    `Microsoft.Network/virtualNetworks/subnets/read`. The CNI overview also lists
    `Microsoft.Authorization/roleAssignments/write` "always when using a custom role" (and limits
    subnets/read to "when defining your own subnets"), while the kubenet and BYO-CNI pages list
    only join and read. aksnet's least-privilege role grants join and read; roleAssignments/write
    is a documented extra that aksnet does not grant and does not warn about.

    Why: without join AKS cannot place nodes (or pods) in the subnet; without read it cannot
    inspect it.
    """
    if intent.network.vnet.managed:
        return
    for subnet in plan.network.subnets:
        resource = plan.by_symbol(f"{subnet.role}Subnet")
        grants = grants_on(plan, resource) if resource is not None else []
        missing = missing_actions(plan, grants, (JOIN, READ)) if grants else None
        if missing:
            yield Violation(
                "identity.subnetRole",
                f"the role on the {subnet.role} subnet {subnet.name} lacks {', '.join(missing)}",
                {"missing": " and ".join(missing)},
            )


@rule(
    id="NET-IAM-003",
    severity=ERROR,
    title="The cluster identity may read and write the route table",
    fix="grant {who} Network Contributor on the route table, or a role with {needs}",
    docs=LEARN + "aks-service-permissions",
)
def cluster_identity_granted_on_route_table(intent, plan):
    """What: a route table the cluster uses (kubenet, userDefinedRouting; created by aksnet or
    given as routeTable.id) needs `routeTables/read`, `routeTables/write` and
    `routeTables/routes/read|write|delete` for the cluster identity; Network Contributor
    (`Microsoft.Network/*`) covers them. (An NSG in another resource group would need
    `networkSecurityGroups/read|write`; aksnet does not manage NSGs.)

    Why: kubenet writes one route per node; without these rights nodes get no pod routes.
    """
    net = plan.network
    if intent.network.vnet.managed or not (net.route_table_name or net.route_table_id):
        return
    path = "network.routeTable.id" if net.route_table_id else "network.routeTable"
    details = {
        "who": _who(plan),
        "needs": ", ".join(
            a.rsplit("/", 2)[-2] + "/" + a.rsplit("/", 1)[-1] for a in ROUTE_TABLE_NEEDS
        ),
    }
    table = plan.by_symbol("routeTable")
    grants = grants_on(plan, table) if table is not None else []
    if not grants:
        yield Violation(
            path, f"no role assignment gives {_who(plan)} rights on the route table", details
        )
        return
    missing = missing_actions(plan, grants, ROUTE_TABLE_NEEDS)
    if missing:
        yield Violation(
            path, f"the role on route table {table.short_name} lacks {', '.join(missing)}", details
        )


@rule(
    id="NET-IAM-004",
    severity=ERROR,
    title="Kubenet with your own subnet or route table needs a user-assigned identity",
    fix="use identity.type: userAssigned",
    docs=LEARN + "configure-kubenet",
)
def kubenet_byo_uses_user_identity(intent, plan):
    """What: with kubenet on your own subnet or route table, a system-assigned identity works
    only through the Azure CLI, which assigns the role after creation. Every other client, aksnet
    included, needs a user-assigned control-plane identity whose rights on the subnet and route
    table are granted before the cluster is created.

    Why: the cluster writes routes during creation; a system-assigned identity has no rights yet.
    """
    net = plan.network
    if net.model != "kubenet" or plan.identity.type != "systemAssigned":
        return
    if net.route_table_id or net.node_subnet.existing:
        what = "routeTable.id" if net.route_table_id else "an existing node subnet"
        yield Violation("identity.type", f"kubenet with {what} and a system-assigned identity")


@rule(
    id="NET-IAM-005",
    severity=ERROR,
    title="Kubenet with userDefinedRouting needs a user-assigned identity",
    fix="use identity.type: userAssigned",
    docs=LEARN + "limit-egress-traffic",
)
def kubenet_udr_uses_user_identity(intent, plan):
    """What: with `outboundType: userDefinedRouting`, a system-assigned identity is supported only
    with Azure CNI; kubenet with UDR needs a user-assigned identity.

    Why: the route table must be writable by the cluster identity before the cluster exists.
    """
    net = plan.network
    if (
        net.model == "kubenet"
        and net.outbound.type == "userDefinedRouting"
        and plan.identity.type == "systemAssigned"
    ):
        yield Violation(
            "identity.type", "kubenet with userDefinedRouting and a system-assigned identity"
        )


RULES = (
    cluster_identity_granted_on_subnets,
    subnet_role_allows_join_and_read,
    cluster_identity_granted_on_route_table,
    kubenet_byo_uses_user_identity,
    kubenet_udr_uses_user_identity,
    entry(
        id="NET-IAM-006",
        severity=ERROR,
        title="The virtual node identity may use its subnet",
        kind="doc",
        docs=LEARN + "virtual-nodes-cli",
        reason="the virtual-node (ACI) add-on is not part of the intent and aksnet never enables "
        "it; when it is added, its identity (aciconnectorlinux-<cluster>) needs Network "
        "Contributor on the virtual node subnet",
        fix="grant aciconnectorlinux-<cluster> Network Contributor on the virtual node subnet",
    ),
    entry(
        id="NET-IAM-007",
        severity=INFO,
        title="The deploying principal's permissions",
        kind="live",
        docs=LEARN + "aks-service-permissions",
        reason="the rights of whoever runs `apply` are known only from Azure: `apply` checks "
        "subnets/join/action on a custom VNet, publicIPAddresses/join/action and "
        "publicIPPrefixes/join/action for your own outbound IPs, and the right to create "
        "role assignments (Owner or User Access Administrator) before writing anything",
        fix="run apply as a principal with Network Contributor on the VNet and User Access "
        "Administrator (or Owner) where aksnet assigns roles",
    ),
)
