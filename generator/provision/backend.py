"""The one narrow seam between the provisioner and Azure, and an in-memory stand-in for tests.

A backend reads and writes ARM-shaped JSON (`{"id", "name", "location", "properties", ...}`);
it knows addresses (see refs.py), not plans. Every failure is a `BackendError` that says whether
trying again can help, so retries live in one place (apply.py) whatever the backend.

    BackendError                the request failed; status/code/message as ARM gave them
      .transient                throttled (429), 5xx, a dropped connection, an operation in progress
      .replication              PrincipalNotFound: a new identity not replicated yet
"""

from __future__ import annotations

import copy
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from generator.plan import Resource
from generator.provision import refs
from generator.provision.caseless import dig, fold, id_key
from generator.resources import CLUSTER, NETWORK_CONTRIBUTOR, ROLE_ASSIGNMENT, ROLE_DEFINITION, UAMI

TRANSIENT_STATUS = frozenset({408, 429, 500, 502, 503, 504})
TRANSIENT_CODES = frozenset({"anotheroperationinprogress", "retryableerror",
                             "referencedresourcenotprovisioned", "toomanyrequests"})


class BackendError(Exception):
    def __init__(self, message: str, *, status: int | None = None, code: str = "",
                 retry_after: float | None = None):
        super().__init__(message)
        self.message = message
        self.status = status  # None: no response at all (connection refused, reset, timeout)
        self.code = code
        self.retry_after = retry_after

    @property
    def replication(self) -> bool:
        return self.code.lower() == "principalnotfound"

    @property
    def transient(self) -> bool:
        if self.status is None or self.status in TRANSIENT_STATUS:
            return True
        if self.code.lower() in TRANSIENT_CODES:
            return True
        # AKS: 409 OperationNotAllowed "Another operation (...) is in progress"
        return self.status == 409 and "in progress" in self.message.lower()

    def __str__(self) -> str:
        head = " ".join(str(p) for p in (self.status, self.code) if p)
        return f"{head}: {self.message}" if head else self.message


class Backend(Protocol):
    subscription: str

    def get(self, resource: Resource) -> dict | None:
        """The live resource (scope resolved), or None when it does not exist."""

    def put(self, resource: Resource, body: dict) -> dict:
        """Create or update; wait for the long-running operation; return the live resource."""

    def read(self, resource_id: str) -> dict | None:
        """Any resource by id (existing subnets, NSGs, route tables, ...), or None."""

    def role_assignments(self, scope: str, principal_id: str) -> list[dict]:
        """Assignments of a principal that apply at a scope (at it and inherited from above)."""

    def role_definition(self, role_definition_id: str) -> dict | None: ...

    def clusters(self) -> list[dict]:
        """Every managed cluster of the subscription (who else uses a subnet or route table)."""

    def permissions(self, scope: str) -> list[dict] | None:
        """The caller's permissions at a scope, or None when they cannot be read there."""

    def close(self) -> None: ...


# --- in memory ------------------------------------------------------------------------------


@dataclass
class Call:
    method: str  # GET | PUT | LIST
    target: str  # resource id (caseless.id_key)
    started: float
    ended: float = 0.0
    body: Any = None


Fault = BackendError | Callable[[Resource, dict], None]


@dataclass
class InMemoryBackend:
    """A Backend over a dict, for unit tests: records every call, injects faults per ref."""

    subscription: str = "00000000-0000-0000-0000-000000000000"
    latency: float = 0.0  # seconds each put takes (concurrency tests)
    caller_permissions: list[dict] = field(
        default_factory=lambda: [{"actions": ["*"], "notActions": []}])
    faults: dict[str, list[Fault]] = field(default_factory=dict)  # ref -> faults, in order
    store: dict[str, dict] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    # -- planting and inspection --------------------------------------------------------------

    def plant(self, resource_id: str, body: dict) -> dict:
        live = self._live(resource_id, copy.deepcopy(body), None)
        self.store[id_key(resource_id)] = live
        return copy.deepcopy(live)

    def fail(self, ref: str, *faults: Fault) -> None:
        self.faults.setdefault(ref, []).extend(faults)

    @property
    def puts(self) -> list[Call]:
        return [c for c in self.calls if c.method == "PUT"]

    # -- the protocol -------------------------------------------------------------------------

    def get(self, resource: Resource) -> dict | None:
        return self._read("GET", refs.address(resource, self.subscription))

    def read(self, resource_id: str) -> dict | None:
        return self._read("GET", resource_id)

    def put(self, resource: Resource, body: dict) -> dict:
        rid = refs.address(resource, self.subscription)
        call = self._record("PUT", rid, copy.deepcopy(body))
        try:
            faults = self.faults.get(resource.ref)
            if faults:
                fault = faults.pop(0)
                if isinstance(fault, BackendError):
                    raise fault
                fault(resource, body)
            if self.latency:
                time.sleep(self.latency)
            with self._lock:
                old = self.store.get(id_key(rid))
                live = self._live(rid, copy.deepcopy(body), old)
                self.store[id_key(rid)] = live
                return copy.deepcopy(live)
        finally:
            call.ended = time.monotonic()

    def role_assignments(self, scope: str, principal_id: str) -> list[dict]:
        self._record("LIST", scope).ended = time.monotonic()
        with self._lock:
            out = []
            for key, live in self.store.items():
                at = str(dig(live, "properties", "scope") or refs.scope_of(key))
                if (f"/providers/{fold(ROLE_ASSIGNMENT)}/" in key
                        and refs.within(scope, at)
                        and fold(dig(live, "properties", "principalId") or "")
                        == fold(principal_id)):
                    out.append(copy.deepcopy(live))
            return out

    def role_definition(self, role_definition_id: str) -> dict | None:
        guid = fold(refs.name_of(role_definition_id))
        if guid == NETWORK_CONTRIBUTOR:
            return {"id": role_definition_id, "name": guid, "properties": {
                "roleName": "Network Contributor", "type": "BuiltInRole",
                "permissions": [{"actions": ["Microsoft.Network/*"], "notActions": []}]}}
        with self._lock:
            for key, live in self.store.items():
                if f"/{fold(ROLE_DEFINITION)}/{guid}" in key:
                    return copy.deepcopy(live)
        return None

    def clusters(self) -> list[dict]:
        with self._lock:
            return [copy.deepcopy(v) for k, v in self.store.items()
                    if f"/providers/{fold(CLUSTER)}/" in k and k.count("/") == 8]

    def permissions(self, scope: str) -> list[dict] | None:
        return copy.deepcopy(self.caller_permissions)

    def close(self) -> None:
        pass

    # -- internals ----------------------------------------------------------------------------

    def _record(self, method: str, target: str, body: Any = None) -> Call:
        call = Call(method, id_key(target), time.monotonic(), body=body)
        with self._lock:
            self.calls.append(call)
        return call

    def _read(self, method: str, rid: str) -> dict | None:
        call = self._record(method, rid)
        with self._lock:
            found = self.store.get(id_key(rid))
            call.ended = time.monotonic()
            return copy.deepcopy(found) if found else None

    def _live(self, rid: str, body: dict, old: dict | None) -> dict:
        """What ARM would answer: the body plus id, name, state and server-made principals."""
        live = {"id": rid, "name": refs.name_of(rid), **body}
        props = live.setdefault("properties", {})
        if "/providers/" in rid:
            props.setdefault("provisioningState", "Succeeded")
        if f"/providers/{fold(UAMI)}/" in fold(rid):
            props.setdefault("principalId", _stable(old, ("properties", "principalId")))
        identity = live.get("identity")
        if isinstance(identity, dict) and "SystemAssigned" in str(identity.get("type")):
            identity.setdefault("principalId", _stable(old, ("identity", "principalId")))
        return live


def _stable(old: dict | None, path: tuple[str, ...]) -> str:
    return dig(old, *path) or str(uuid.uuid4())
