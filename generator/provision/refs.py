"""Where each plan resource lives in Azure, and the real values behind its `Ref`s.

Ids are computed, never looked up: `/subscriptions/{sub}/resourceGroups/{rg}/providers/{ns}/
{type}/{name}[/{child type}/{child name}]`, an extension resource (role assignment) hangs under its
scope's id, and a resource given by id keeps that id. A role definition is written at its resource
group's scope but referenced by its subscription-level id (the form ARM stores in assignments).
Principal ids exist only once the identity (or the cluster, for a system-assigned identity) does:
they are read from the live resource, and stay `Unknown` until then.

`parse` is the one reader of ids (the Azure backend's adapters, scopes, resource groups); ids
compare case-insensitively (caseless.py).
"""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass
from typing import Any

from generator.plan import SUBSCRIPTION, Ref, Resource
from generator.provision.caseless import dig, fold, id_key
from generator.resources import RG, ROLE_DEFINITION

PROVIDERS = "/providers/"

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


# --- reading ids ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Parsed:
    """An id split the way ARM reads it: the last provider segment and what it hangs off."""

    scope: str  # what the last provider segment hangs off ("" for a tenant-level id)
    subscription: str | None
    rg: str | None
    namespace: str  # as written, e.g. Microsoft.Network
    types: tuple[str, ...]  # as written, e.g. ("virtualNetworks", "subnets")
    names: tuple[str, ...]

    @property
    def type(self) -> str:
        """Lower case, e.g. microsoft.network/virtualnetworks/subnets (the adapters' key)."""
        return fold("/".join([self.namespace, *self.types]))


def _split(resource_id: str) -> tuple[str, list[str] | None]:
    """(scope, segments after the last /providers/), or (id, None) when there is none."""
    cut = fold(resource_id).rfind(PROVIDERS)
    if cut < 0:
        return resource_id, None
    return resource_id[:cut], resource_id[cut + len(PROVIDERS):].split("/")


def _scope_parts(scope: str) -> tuple[str | None, str | None]:
    """(subscription, resource group) of a scope, where it names them."""
    parts = scope.strip("/").split("/")
    sub = parts[1] if len(parts) > 1 and fold(parts[0]) == "subscriptions" else None
    rg = parts[3] if len(parts) > 3 and fold(parts[2]) == "resourcegroups" else None
    return sub, rg


def parse(resource_id: str) -> Parsed:
    scope, tail = _split(resource_id)
    sub, rg = _scope_parts(scope)
    if tail is not None:
        return Parsed(scope, sub, rg, tail[0], tuple(tail[1::2]), tuple(tail[2::2]))
    # Without /providers/ only a resource group is addressable (written at its subscription).
    if sub and rg and resource_id.strip("/").count("/") == 3:
        return Parsed(f"/subscriptions/{sub}", sub, rg, "Microsoft.Resources",
                      ("resourceGroups",), (rg,))
    # imported here: backend.py builds on this module
    from generator.provision.backend import BackendError

    raise BackendError(f"cannot address {resource_id}", code="InvalidResourceId")


def scope_of(address_: str) -> str:
    """The scope an extension resource or role definition is written at (before /providers/)."""
    return _split(address_)[0]


def name_of(resource_id: str) -> str:
    """A resource's own name: the last segment of its id (also of a malformed one)."""
    return resource_id.rstrip("/").rsplit("/", 1)[-1]


def within(scope: str, parent: str) -> bool:
    """Whether `scope` is `parent` or lies under it (what a role assignment at `parent` covers);
    ids compare case-insensitively."""
    scope, parent = id_key(scope), id_key(parent)
    return scope == parent or scope.startswith(parent + "/")


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
        found = dig(self.live(ref.ref), *path)
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
