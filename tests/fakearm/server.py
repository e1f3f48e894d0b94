"""The fake Azure Resource Manager: a real HTTP server on 127.0.0.1 in a background thread.

    with FakeArm() as arm:
        kwargs = arm.client_kwargs(retry_total=0)
        client = NetworkManagementClient(arm.credential(), arm.subscription_id, **kwargs)

FakeArm owns the state (store, faults, caller permissions), the request log and the server
thread, and offers helpers to plant existing resources and to build SDK clients. The HTTP side
is in handler.py, the ARM semantics in api.py and below.
"""

from __future__ import annotations

import contextlib
import copy
import socket
import threading

from . import authz, ids, resources
from . import catalog as c
from .api import Api
from .faults import Faults
from .handler import ArmHandler, ArmServer, RequestRecord
from .render import render
from .sdk import FakeCredential, StaticBearerPolicy
from .store import Store

DEFAULT_SUBSCRIPTION = "00000000-0000-0000-0000-000000000000"
WRITE_METHODS = ("PUT", "PATCH", "POST", "DELETE")


class FakeArm:
    """A fake Azure Resource Manager on 127.0.0.1 (ephemeral port). One-shot: start, stop.

    endpoint, subscription_id, faults, caller_permissions, requests, writes(), reset_log(),
    plant(id, body), plant_resource_group(name, location), get(id), remove(id),
    resource_id(rg, type, name, *children), credential(), client_kwargs(**overrides),
    server_errors (tracebacks of bugs in the fake itself; a test should assert it is empty).
    """

    def __init__(self, subscription_id: str = DEFAULT_SUBSCRIPTION, *, require_auth: bool = True):
        self.subscription_id = subscription_id
        self.require_auth = require_auth
        self.faults = Faults()
        self.store = Store()
        # What GET .../providers/Microsoft.Authorization/permissions returns, and what every
        # request is checked against (403 AuthorizationFailed when no permission grants it).
        self.caller_permissions: list[dict] = [{"actions": ["*"], "notActions": []}]
        self.server_errors: list[str] = []  # tracebacks of bugs in the fake (answered with 500)
        self.stopping = threading.Event()
        self.api = Api(self)
        self._log: list[RequestRecord] = []
        self._log_lock = threading.Lock()
        self._connections: set[socket.socket] = set()
        self._server: ArmServer | None = None
        self._address: tuple[str, int] | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self) -> FakeArm:
        handler = type("BoundHandler", (ArmHandler,), {"arm": self})
        self._server = ArmServer(("127.0.0.1", 0), handler)
        # A short poll interval makes shutdown() (and so every test teardown) return quickly.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self._thread.start()
        self._address = self._server.server_address[:2]
        return self

    def stop(self) -> None:
        """Release hanging requests, drop open connections and join the server thread."""
        if self._server is None:
            return
        self.stopping.set()
        self._server.shutdown()
        with self._log_lock:
            connections = list(self._connections)
        for conn in connections:
            with contextlib.suppress(OSError):  # already closed by the client
                conn.shutdown(socket.SHUT_RDWR)  # wakes handler threads blocked on a read
        self._server.server_close()
        self._thread.join(timeout=5)
        self._server = None

    def __enter__(self) -> FakeArm:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def endpoint(self) -> str:
        host, port = self._address
        return f"http://{host}:{port}"

    # -- SDK helpers --------------------------------------------------------------------------

    def credential(self) -> FakeCredential:
        return FakeCredential()

    def client_kwargs(self, **overrides: object) -> dict:
        """Keyword arguments for any azure-mgmt client: base_url, a static bearer policy and
        polling_interval=0. Pass retry settings (retry_total=0, ...) as overrides."""
        return {
            "base_url": self.endpoint,
            "authentication_policy": StaticBearerPolicy(),
            "polling_interval": 0,
            **overrides,
        }

    # -- state ----------------------------------------------------------------------------------

    def resource_id(self, rg: str, type_: str, name: str, *children: str) -> str:
        """e.g. resource_id("rg", "Microsoft.Network/virtualNetworks", "v", "subnets", "a")."""
        rid = f"/subscriptions/{self.subscription_id}/resourceGroups/{rg}/providers/{type_}/{name}"
        return "/".join([rid, *children])

    def plant(self, resource_id: str, body: dict) -> dict:
        """Create an existing resource directly (no validation, no LRO, not logged).

        Parents must exist (plant them first). A subnet may carry
        `properties.ipConfigurations` (also inline in a VNet body) to simulate used addresses."""
        ref = ids.parse(resource_id)
        body = copy.deepcopy(body)  # the store must not share dicts with the caller
        with self.store.lock:
            try:
                resources.check_parents(self.store, ref)
            except Exception as e:
                raise LookupError(f"plant {resource_id}: {e}") from None
            if ref.type_key == c.ROLE_ASSIGNMENT:
                entry, _ = authz.put_role_assignment(self.store, ref, body, 0, validate=False)
                return render(self.store, entry)
            configs = _ip_configurations(ref, body)
            result = resources.put_resource(self.store, ref, body, validate=False)
            for entry in result.touched:
                entry.state, entry.op = "Succeeded", None
                if entry.name.lower() in configs and entry.type_key == c.SUBNET:
                    entry.seed["ipConfigurations"] = configs[entry.name.lower()]
            return render(self.store, result.entry)

    def plant_resource_group(self, name: str, location: str = "eastus", tags: dict | None = None):
        body = {"location": location, **({"tags": tags} if tags else {})}
        return self.plant(f"/subscriptions/{self.subscription_id}/resourceGroups/{name}", body)

    def get(self, resource_id: str) -> dict | None:
        """The resource as a GET would return it, or None (ids are case-insensitive)."""
        with self.store.lock:
            self.store.settle()
            entry = self.store.get(ids.parse(resource_id).key)
            return render(self.store, entry) if entry else None

    def remove(self, resource_id: str) -> None:
        """Delete a resource and everything under it, as if someone did it out of band."""
        with self.store.lock:
            self.store.remove_tree(ids.parse(resource_id).key)

    # -- request log ------------------------------------------------------------------------------

    @property
    def requests(self) -> list[RequestRecord]:
        with self._log_lock:
            return list(self._log)

    def writes(self) -> list[RequestRecord]:
        return [r for r in self.requests if r.method in WRITE_METHODS]

    def reset_log(self) -> None:
        with self._log_lock:
            self._log.clear()

    def _record(self, record: RequestRecord) -> None:
        with self._log_lock:
            self._log.append(record)

    def _track(self, conn: socket.socket, add: bool) -> None:
        with self._log_lock:
            (self._connections.add if add else self._connections.discard)(conn)


def _ip_configurations(ref: ids.Ref, body: dict) -> dict[str, list]:
    """Planted ipConfigurations by lower-case subnet name (they are read-only on a PUT)."""
    props = body.get("properties") or {}
    if ref.type_key == c.SUBNET:
        return (
            {ref.name.lower(): props.get("ipConfigurations")}
            if props.get("ipConfigurations")
            else {}
        )
    if ref.type_key != c.VNET:
        return {}
    return {
        s["name"].lower(): s["properties"]["ipConfigurations"]
        for s in props.get("subnets") or []
        if (s.get("properties") or {}).get("ipConfigurations")
    }
