"""Who may do what: the cluster identity on existing subnets (NET-IAM-001, NET-IAM-002) and the
caller on everything apply will write (NET-IAM-007).

The identity's rights come from its role assignments at the subnet and every scope above it
(read from Azure), plus the assignments this apply is about to make. The caller's come from the
Microsoft.Authorization permissions API at each scope apply writes to. Actions match ARM's way:
`*` is a wildcard, case is ignored, and a permission block grants its actions minus notActions.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from generator.plan import Ref, Resource
from generator.provision.caseless import dig, lookup
from generator.provision.live import err
from generator.provision.refs import Unknown, parse, scope_of, within
from generator.resources import (
    CLUSTER,
    NAT_GATEWAY,
    RG,
    ROLE_ASSIGNMENT,
    ROLE_DEFINITION,
    SUBNET,
    UAMI,
)
from generator.rules.common import SUBNET_PATHS
from generator.rules.identity import JOIN, READ

ASSIGN_IDENTITY = "Microsoft.ManagedIdentity/userAssignedIdentities/assign/action"
# What writing a resource that links another one needs besides `<type>/write` (ARM checks the
# link's join or assign action on the linked resource).
LINK_ACTIONS = {
    (SUBNET, "routeTable"): "Microsoft.Network/routeTables/join/action",
    (SUBNET, "natGateway"): "Microsoft.Network/natGateways/join/action",
    (NAT_GATEWAY, "publicIpAddresses"): "Microsoft.Network/publicIPAddresses/join/action",
}
WRITE_ACTIONS = {
    RG: "Microsoft.Resources/subscriptions/resourceGroups/write",
    ROLE_ASSIGNMENT: "Microsoft.Authorization/roleAssignments/write",
    ROLE_DEFINITION: "Microsoft.Authorization/roleDefinitions/write",
}


@cache
def _pattern(action: str) -> re.Pattern:
    return re.compile(".*".join(re.escape(p) for p in action.split("*")), re.IGNORECASE)


def allowed(permissions: list[dict], action: str) -> bool:
    for perm in permissions:
        grants = lookup(perm, "actions") or []
        denies = lookup(perm, "notActions") or []
        if any(_pattern(a).fullmatch(action) for a in grants) and not any(
                _pattern(n).fullmatch(action) for n in denies):
            return True
    return False


# --- the cluster identity -----------------------------------------------------------------------


def principal(ctx) -> str | None:
    identity = ctx.resource("identity")
    if identity is not None:
        found = dig(ctx.live(identity), "properties", "principalId")
    else:
        found = dig(ctx.live(ctx.resource("cluster")), "identity", "principalId")
    return found if found and not isinstance(found, Unknown) else None


def identity_can_join(ctx) -> Iterator[tuple]:
    who = principal(ctx)
    if who is None:
        return
    for subnet in ctx.plan.network.subnets:
        resource = ctx.resource(f"{subnet.role}Subnet")
        if not subnet.existing or resource is None or ctx.live(resource) is None:
            continue
        scope = ctx.resolver.address(resource)
        perms = _granted(ctx, scope, who) + _pending(ctx, scope)
        path = f"{SUBNET_PATHS[subnet.role]}.id"
        if not allowed(perms, JOIN):
            yield err("NET-IAM-001", path, f"the cluster identity ({who}) has no role granting "
                      f"{JOIN} on subnet {subnet.name} or a scope above it")
        elif not allowed(perms, READ):
            yield err("NET-IAM-002", path, f"the cluster identity's role on subnet "
                      f"{subnet.name} grants join but not {READ}")


def _granted(ctx, scope: str, who: str) -> list[dict]:
    out: list[dict] = []
    for assignment in ctx.guard(lambda: ctx.backend.role_assignments(scope, who)):
        role_id = str(dig(assignment, "properties", "roleDefinitionId") or "")
        role = ctx.role_definition(role_id) if role_id else None
        out += dig(role, "properties", "permissions") or []
    return out


def _pending(ctx, scope: str) -> list[dict]:
    """Permissions the role assignments this apply writes will grant at (or above) scope."""
    out: list[dict] = []
    for resource in ctx.plan.of_type(ROLE_ASSIGNMENT):
        change = ctx.changes.get(resource.ref)
        at = scope_of(ctx.resolver.address(resource))
        if change is None or not change.writes or not within(scope, at):
            continue
        role_ref = resource.properties.get("roleDefinitionId")
        role = ctx.plan.resource(role_ref.ref) if isinstance(role_ref, Ref) else None
        if role is None:
            continue
        if role.existing:
            live = ctx.role_definition(ctx.resolver.value(role_ref))
            out += dig(live, "properties", "permissions") or []
        else:
            out += role.properties.get("permissions") or []
    return out


# --- the caller ---------------------------------------------------------------------------------


def caller_can_apply(ctx) -> Iterator[tuple]:
    """NET-IAM-007: the caller may write every resource apply writes, join existing subnets and
    assign an existing identity."""
    needs: dict[str, tuple[str, set[str]]] = {}

    def need(scope: str, action: str, path: str) -> None:
        needs.setdefault(scope, (path, set()))[1].add(action)

    sub = f"/subscriptions/{ctx.resolver.subscription}"
    identity = ctx.resource("identity")
    for change in ctx.changes.values():
        resource = change.resource
        if not change.writes:
            continue
        rg = _resource_group(ctx, resource)
        if not rg:
            continue
        scope = f"{sub}/resourceGroups/{rg}"
        need(scope, WRITE_ACTIONS.get(resource.type, f"{resource.type}/write"), "resourceGroup")
        for (rtype, key), action in LINK_ACTIONS.items():
            if resource.type == rtype and resource.properties.get(key):
                need(scope, action, "resourceGroup")
        if resource.type == CLUSTER:
            for subnet in ctx.plan.of_type(SUBNET):  # existing ones: at the subnet, below
                if not subnet.existing:
                    need(f"{sub}/resourceGroups/{subnet.resource_group}", JOIN, "resourceGroup")
            if identity is not None and not identity.existing:
                need(f"{sub}/resourceGroups/{identity.resource_group}", ASSIGN_IDENTITY,
                     "resourceGroup")
    for subnet in ctx.plan.network.subnets:
        resource = ctx.resource(f"{subnet.role}Subnet")
        if subnet.existing and resource is not None and ctx.live(resource) is not None:
            need(ctx.resolver.address(resource), JOIN, f"{SUBNET_PATHS[subnet.role]}.id")
    if identity is not None and identity.existing and ctx.live(identity) is not None:
        need(ctx.resolver.address(identity), ASSIGN_IDENTITY, "identity.id")
    for scope, (path, actions) in needs.items():
        perms = ctx.guard(lambda s=scope: ctx.backend.permissions(s))
        if perms is None:
            continue  # the scope does not exist yet: nothing to read there
        missing = sorted(a for a in actions if not allowed(perms, a))
        if missing:
            yield err("NET-IAM-007", path, f"you lack {', '.join(missing)} at {scope}")


def _resource_group(ctx, resource: Resource) -> str | None:
    if resource.type == RG:
        return None  # created at subscription scope: no permissions API to ask there
    if resource.type == ROLE_ASSIGNMENT:
        return parse(ctx.resolver.address(resource)).rg
    if resource.type in (SUBNET, UAMI) or resource.resource_group:
        return resource.resource_group
    return None
