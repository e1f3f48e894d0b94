"""Where each plan resource lives in Azure, and the real values behind its `Ref`s.

Ids are computed, never looked up: `/subscriptions/{sub}/resourceGroups/{rg}/providers/{ns}/
{type}/{name}[/{child type}/{child name}]`, an extension resource (role assignment) hangs under its
scope's id, and a resource given by id keeps that id. A role definition is written at its resource
group's scope but referenced by its subscription-level id (the form ARM stores in assignments).
Principal ids exist only once the identity (or the cluster, for a system-assigned identity) does:
they are read from the live resource, and stay `Unknown` until then.
"""

from __future__ import annotations

import dataclasses
import threading
from typing import Any

from generator.plan import SUBSCRIPTION, Ref, Resource
from generator.resources import RG, ROLE_DEFINITION

# Where each Ref attribute sits in the live resource body.
ATTR_PATHS = {
    "principalId": ("properties", "principalId"),
    "clientId": ("properties", "clientId"),
    "identity.principalId": ("identity", "principalId"),
}


class Unknown(str):
    """A value known only after apply (a principalId of an identity not created yet)."""


def provider_path(rtype: str, name: str) -> str:
    namespace, *types = rtype.split("/")
    names = name.split("/")
    pairs = zip(types, names, strict=True)
    return f"providers/{namespace}/" + "/".join(f"{t}/{n}" for t, n in pairs)


def address(resource: Resource, subscription: str) -> str:
    """The id to GET and PUT. A role assignment's `scope` must already be resolved (a string)."""
    if resource.existing_id:
        return resource.existing_id.replace(SUBSCRIPTION, subscription)
    sub = f"/subscriptions/{subscription}"
    if resource.type == RG:
        return f"{sub}/resourceGroups/{resource.name}"
    if resource.scope is not None:
        if isinstance(resource.scope, Ref):
            raise ValueError(f"{resource.ref}: scope {resource.scope} is not resolved")
        base = resource.scope.replace(SUBSCRIPTION, subscription).rstrip("/")
    elif resource.resource_group:
        base = f"{sub}/resourceGroups/{resource.resource_group}"
    else:
        base = sub
    return f"{base}/{provider_path(resource.type, resource.name)}"


def reference_id(resource: Resource, subscription: str) -> str:
    """The id other resources refer to (`Ref(..., "id")`)."""
    if resource.type == ROLE_DEFINITION and not resource.existing_id:
        return (f"/subscriptions/{subscription}/providers/Microsoft.Authorization/"
                f"roleDefinitions/{resource.name}")
    return address(resource, subscription)


def scope_of(address_: str) -> str:
    """The scope an extension resource or role definition is written at (before /providers/)."""
    return address_.rsplit("/providers/", 1)[0]


def within(scope: str, parent: str) -> bool:
    """Whether `scope` is `parent` or lies under it (what a role assignment at `parent` covers);
    ids compare case-insensitively."""
    scope, parent = scope.lower().rstrip("/"), parent.lower().rstrip("/")
    return scope == parent or scope.startswith(parent + "/")


def dig(body: dict | None, path: tuple[str, ...]) -> Any:
    node: Any = body
    for key in path:
        if not isinstance(node, dict):
            return None
        node = next((v for k, v in node.items() if k.lower() == key.lower()), None)
    return node


class Resolver:
    """Resolves the Refs of one plan for one subscription; thread-safe live cache by ref."""

    def __init__(self, resources: tuple[Resource, ...] | list[Resource], subscription: str):
        self.subscription = subscription
        self.by_ref = {r.ref: r for r in resources}
        self._live: dict[str, dict | None] = {}
        self._lock = threading.Lock()

    # -- the live cache ------------------------------------------------------------------------

    def remember(self, ref: str, live: dict | None) -> None:
        with self._lock:
            self._live[ref] = live

    def live(self, ref: str) -> dict | None:
        with self._lock:
            return self._live.get(ref)

    # -- resolution ---------------------------------------------------------------------------

    def prepared(self, resource: Resource) -> Resource:
        """The resource with its scope resolved to an id (what a backend addresses)."""
        if isinstance(resource.scope, Ref):
            return dataclasses.replace(resource, scope=self.value(resource.scope))
        return resource

    def address(self, resource: Resource) -> str:
        return address(self.prepared(resource), self.subscription)

    def value(self, ref: Ref) -> Any:
        target = self.by_ref.get(ref.ref)
        if target is None:
            raise KeyError(f"reference to {ref.ref}, which is not in the plan")
        if ref.attr == "id":
            return reference_id(self.prepared(target), self.subscription)
        path = ATTR_PATHS.get(ref.attr, tuple(ref.attr.split(".")))
        found = dig(self.live(ref.ref), path)
        return found if found else Unknown(f"(known after {ref.ref} exists)")

    def resolve(self, value: Any) -> Any:
        if isinstance(value, Ref):
            return self.value(value)
        if isinstance(value, str):
            return value.replace(SUBSCRIPTION, self.subscription)
        if isinstance(value, dict):
            return {self.resolve(k): self.resolve(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.resolve(v) for v in value]
        return value

    def body(self, resource: Resource) -> dict[str, Any]:
        """The resource's ARM body with every Ref resolved (Unknown where not yet known)."""
        return self.resolve(resource.body())


def has_unknown(value: Any) -> bool:
    if isinstance(value, Unknown):
        return True
    if isinstance(value, dict):
        return any(has_unknown(k) or has_unknown(v) for k, v in value.items())
    if isinstance(value, list):
        return any(has_unknown(v) for v in value)
    return False
