"""Microsoft.Authorization: built-in role definitions, role assignments at any scope, the
caller's permissions, and the caller's authorization check on every request.

Role assignment semantics follow ARM: the name must be a GUID; the same principal + role +
scope under another name is 409 `RoleAssignmentExists`; a principal this fake created less than
`faults.principal_replication_seconds` ago is 400 `PrincipalNotFound` (Entra replication delay);
listing at a scope includes assignments inherited from parent scopes, and also those below it
unless `$filter=atScope()` is given.
"""

from __future__ import annotations

import re
import uuid

from . import catalog as c
from . import ids
from .errors import ArmError, bad_request
from .store import Entry, Store, now_iso

NETWORK_CONTRIBUTOR = "4d97b98b-1d4f-4787-a291-c67834d212e7"
READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7"
CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c"
OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
MANAGED_IDENTITY_OPERATOR = "f1a07417-d97a-45cb-824c-7a7467783830"
PRIVATE_DNS_ZONE_CONTRIBUTOR = "b12aa53e-6015-4669-85d0-8515ebb3ae7f"
CALLER_OBJECT_ID = "99999999-0000-0000-0000-000000000001"

_AUTH_WRITES = ["Microsoft.Authorization/*/Delete", "Microsoft.Authorization/*/Write"]
# guid -> (roleName, description, actions, notActions)
BUILTIN_ROLES = {
    OWNER: ("Owner", "Grants full access to manage all resources.", ["*"], []),
    CONTRIBUTOR: (
        "Contributor",
        "Grants full access to manage all resources, but does not allow you to assign roles.",
        ["*"],
        [*_AUTH_WRITES, "Microsoft.Authorization/elevateAccess/Action"],
    ),
    READER: (
        "Reader",
        "View all resources, but does not allow you to make any changes.",
        ["*/read"],
        [],
    ),
    NETWORK_CONTRIBUTOR: (
        "Network Contributor",
        "Lets you manage networks, but not access to them.",
        [
            "Microsoft.Authorization/*/read",
            "Microsoft.Insights/alertRules/*",
            "Microsoft.Network/*",
            "Microsoft.ResourceHealth/availabilityStatuses/read",
            "Microsoft.Resources/deployments/*",
            "Microsoft.Resources/subscriptions/resourceGroups/read",
            "Microsoft.Support/*",
        ],
        [],
    ),
    MANAGED_IDENTITY_OPERATOR: (
        "Managed Identity Operator",
        "Read and Assign User Assigned Identity",
        [
            "Microsoft.ManagedIdentity/userAssignedIdentities/*/read",
            "Microsoft.ManagedIdentity/userAssignedIdentities/*/assign/action",
            "Microsoft.Authorization/*/read",
            "Microsoft.Resources/subscriptions/resourceGroups/read",
        ],
        [],
    ),
    PRIVATE_DNS_ZONE_CONTRIBUTOR: (
        "Private DNS Zone Contributor",
        "Lets you manage private DNS zone resources, "
        "but not the virtual networks they are linked to.",
        ["Microsoft.Network/privateDnsZones/*", "Microsoft.Network/virtualNetworks/join/action"],
        [],
    ),
}


def role_definition_body(sub: str, guid: str) -> dict:
    name, description, actions, not_actions = BUILTIN_ROLES[guid]
    return {
        "id": f"/subscriptions/{sub}/providers/Microsoft.Authorization/roleDefinitions/{guid}",
        "name": guid,
        "type": "Microsoft.Authorization/roleDefinitions",
        "properties": {
            "roleName": name,
            "type": "BuiltInRole",
            "description": description,
            "assignableScopes": ["/"],
            "permissions": [
                {
                    "actions": actions,
                    "notActions": not_actions,
                    "dataActions": [],
                    "notDataActions": [],
                }
            ],
        },
    }


def find_role(store: Store, sub: str, guid: str) -> dict | None:
    guid = guid.lower()
    if guid in BUILTIN_ROLES:
        return role_definition_body(sub, guid)
    for entry in store.of_type(c.ROLE_DEFINITION):
        if entry.name.lower() == guid:
            return {"id": entry.id, "name": entry.name, "type": entry.type, **entry.body}
    return None


def list_role_definitions(store: Store, sub: str, filter_: str | None) -> list[dict]:
    roles = [role_definition_body(sub, g) for g in BUILTIN_ROLES]
    roles += [find_role(store, sub, e.name) for e in store.of_type(c.ROLE_DEFINITION)]
    match = re.search(r"roleName\s+eq\s+'([^']*)'", filter_ or "", re.IGNORECASE)
    if match:
        roles = [
            r for r in roles if r["properties"].get("roleName", "").lower() == match[1].lower()
        ]
    return roles


# -- role assignments -------------------------------------------------------------------------


def put_role_assignment(
    store: Store, ref: ids.Ref, body: dict, replication_seconds: float, *, validate: bool = True
) -> tuple[Entry, bool]:
    props = dict((body or {}).get("properties") or {})
    _check_name(ref.name)
    role_guid = str(props.get("roleDefinitionId", "")).rstrip("/").rsplit("/", 1)[-1]
    principal = str(props.get("principalId") or "")
    if validate:
        _check_role_and_principal(store, ref.sub, role_guid, principal, replication_seconds)
    scope_entry = store.get(ref.scope)
    scope = scope_entry.id if scope_entry else ref.scope
    props.update(
        roleDefinitionId=f"/subscriptions/{ref.sub}/providers/Microsoft.Authorization/roleDefinitions/{role_guid}",
        principalId=principal,
        principalType=props.get("principalType") or "User",
        scope=scope,
    )
    existing = store.get(ref.key)
    _check_unique(store, ref, props, existing)
    if existing:
        return existing, False
    stamp = now_iso()
    props.update(
        createdOn=stamp, updatedOn=stamp, createdBy=CALLER_OBJECT_ID, updatedBy=CALLER_OBJECT_ID
    )
    entry = Entry(id=ref.path, type=ref.type, body={"properties": props})
    store.put(entry)
    return entry, True


def _check_name(name: str | None) -> None:
    try:
        uuid.UUID(str(name))
    except ValueError:
        raise bad_request(
            "InvalidRoleAssignmentId",
            f"The role assignment ID '{name}' is not valid. The role assignment ID must be a GUID.",
        ) from None


def _check_role_and_principal(
    store: Store, sub: str, role: str, principal: str, delay: float
) -> None:
    if find_role(store, sub, role) is None:
        raise bad_request(
            "RoleDefinitionDoesNotExist",
            f"The specified role definition with ID '{role}' does not exist.",
        )
    age = store.principal_age(principal)
    if not principal or (age is not None and age < delay):
        raise bad_request(
            "PrincipalNotFound",
            f"Principal {principal.replace('-', '')} does not exist in the directory "
            f"{c.FAKE_TENANT_ID}. Check that you have the correct principal ID. If you are "
            "creating this principal and then immediately assigning a role, this error might be "
            "related to a replication delay. In this case, set the role assignment principalType "
            "property to a value, such as ServicePrincipal, User, or Group.  "
            "See https://aka.ms/docs-principaltype",
        )


def _identity(props: dict) -> tuple[str, str, str]:
    role = props["roleDefinitionId"].rsplit("/", 1)[-1]
    return props["scope"].lower(), props["principalId"].lower(), role.lower()


def _check_unique(store: Store, ref: ids.Ref, props: dict, existing: Entry | None) -> None:
    wanted = _identity(props)
    if existing and _identity(existing.props()) != wanted:
        raise ArmError(
            409,
            "RoleAssignmentUpdateNotPermitted",
            "Tenant ID, application ID, principal ID, and scope are not allowed to be updated.",
        )
    for other in store.of_type(c.ROLE_ASSIGNMENT):
        if other.key != ref.key and _identity(other.props()) == wanted:
            raise ArmError(409, "RoleAssignmentExists", "The role assignment already exists.")


def list_role_assignments(store: Store, scope: str, filter_: str | None) -> list[Entry]:
    at_scope = "atscope()" in (filter_ or "").lower().replace(" ", "")
    match = re.search(
        r"(?:principalId\s+eq\s+'([^']+)')|(?:assignedTo\('([^']+)'\))",
        filter_ or "",
        re.IGNORECASE,
    )
    principal = (match[1] or match[2]).lower() if match else None
    query = scope.lower()
    found = []
    for entry in store.of_type(c.ROLE_ASSIGNMENT):
        ra_scope, ra_principal, _ = _identity(entry.props())
        above = query == ra_scope or query.startswith(ra_scope + "/")
        below = ra_scope.startswith(query + "/")
        if (above or (below and not at_scope)) and principal in (None, ra_principal):
            found.append(entry)
    return found


# -- the caller ---------------------------------------------------------------------------------


def normalise_permissions(perms: list[dict]) -> list[dict]:
    keys = ("actions", "notActions", "dataActions", "notDataActions")
    return [{k: list(p.get(k) or []) for k in keys} for p in perms]


def _matches(patterns: list[str], action: str) -> bool:
    for pattern in patterns:
        regex = ".*".join(re.escape(part) for part in pattern.split("*"))
        if re.fullmatch(regex, action, re.IGNORECASE):
            return True
    return False


def check_caller(perms: list[dict], action: str, scope: str) -> None:
    """403 `AuthorizationFailed` unless some permission grants the action and none excludes it."""
    for perm in normalise_permissions(perms):
        if _matches(perm["actions"], action) and not _matches(perm["notActions"], action):
            return
    raise ArmError(
        403,
        "AuthorizationFailed",
        f"The client '{CALLER_OBJECT_ID}' with object id '{CALLER_OBJECT_ID}' does not have "
        f"authorization to perform action '{action}' over scope '{scope}' or the scope is invalid. "
        "If access was recently granted, please refresh your credentials.",
    )


def action_for(method: str, ref: ids.Ref) -> str:
    verb = {"GET": "read", "HEAD": "read", "PUT": "write", "PATCH": "write", "DELETE": "delete"}
    type_ = ref.type
    if ref.type_key in (c.RG, "microsoft.resources/subscriptions"):
        type_ = "Microsoft.Resources/subscriptions" + (
            "/resourceGroups" if ref.type_key == c.RG else ""
        )
    return f"{type_}/{verb.get(method, 'action')}"
