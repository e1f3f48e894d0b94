"""AzureBackend: the Backend protocol over the typed Azure management clients.

One small adapter per resource type names the client, its operation group, the model the body is
built into (the typed models strip read-only fields and carry the SDK's long-running-operation
pollers) and how an id maps to the operation's arguments. Responses come back as ARM's JSON
as it was sent (`cls=` hook), so the diff sees what Azure stored.

The SDK's own retries are off (retry_total=0): apply.py retries, in one place. Credentials:
AKSNET_ACCESS_TOKEN used as it is, else DefaultAzureCredential. A bearer token goes over https,
or over plain http to a loopback address only (the local test server): runner.AzureOptions
refuses other http endpoints, and the policy below re-checks every request, LRO polls included.

Only runner.py imports this module, inside the functions that talk to Azure.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from azure.core.credentials import AccessToken
from azure.core.exceptions import (
    ClientAuthenticationError,
    HttpResponseError,
    ResourceNotFoundError,
    ServiceRequestError,
    ServiceResponseError,
)

from generator.plan import Resource
from generator.provision import refs
from generator.provision.backend import BackendError
from generator.provision.caseless import dig, lookup
from generator.provision.refs import Parsed, parse


def _raw(response: Any, _deserialized: Any, _headers: Any) -> Any:
    text = response.http_response.text()
    return json.loads(text) if text else None


RAW = {"cls": _raw}


@dataclass(frozen=True)
class Adapter:
    client: str  # network | aks | msi | auth | resource
    operations: str  # operation group attribute
    model: str  # model class the body is built into
    args: Callable[[Parsed], tuple]
    lro: bool = True
    create: str = "create_or_update"


def _rg_args(p: Parsed) -> tuple:
    return (p.rg, *p.names)


ADAPTERS: dict[str, Adapter] = {
    "microsoft.resources/resourcegroups": Adapter(
        "resource", "resource_groups", "ResourceGroup", lambda p: p.names, lro=False),
    "microsoft.network/virtualnetworks": Adapter(
        "network", "virtual_networks", "VirtualNetwork", _rg_args),
    "microsoft.network/virtualnetworks/subnets": Adapter(
        "network", "subnets", "Subnet", _rg_args),
    "microsoft.network/routetables": Adapter("network", "route_tables", "RouteTable", _rg_args),
    "microsoft.network/routetables/routes": Adapter("network", "routes", "Route", _rg_args),
    "microsoft.network/natgateways": Adapter("network", "nat_gateways", "NatGateway", _rg_args),
    "microsoft.network/publicipaddresses": Adapter(
        "network", "public_ip_addresses", "PublicIPAddress", _rg_args),
    "microsoft.network/networksecuritygroups": Adapter(
        "network", "network_security_groups", "NetworkSecurityGroup", _rg_args),
    "microsoft.managedidentity/userassignedidentities": Adapter(
        "msi", "user_assigned_identities", "Identity", _rg_args, lro=False),
    "microsoft.authorization/roledefinitions": Adapter(
        "auth", "role_definitions", "RoleDefinition", lambda p: (p.scope, *p.names), lro=False),
    "microsoft.authorization/roleassignments": Adapter(
        "auth", "role_assignments", "RoleAssignmentCreateParameters",
        lambda p: (p.scope, *p.names), lro=False, create="create"),
    "microsoft.containerservice/managedclusters": Adapter(
        "aks", "managed_clusters", "ManagedCluster", _rg_args),
}


class StaticToken:
    """AKSNET_ACCESS_TOKEN as a credential: the bearer token exactly as given."""

    def __init__(self, token: str):
        self._token = token

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        return AccessToken(self._token, int(time.time()) + 3600)

    def close(self) -> None:
        pass


def credential(options) -> Any:
    token = os.environ.get("AKSNET_ACCESS_TOKEN")
    if token:
        return StaticToken(token)
    from azure.identity import DefaultAzureCredential

    return DefaultAzureCredential(authority=options.authority)


def loopback_policy(cred: Any, scope: str):
    """The ARM bearer policy, allowed over http only for loopback hosts (checked per request)."""
    from azure.mgmt.core.policies import ARMChallengeAuthenticationPolicy

    from generator.provision.runner import is_loopback

    class LoopbackBearerPolicy(ARMChallengeAuthenticationPolicy):
        def on_request(self, request):
            url = request.http_request.url
            if url.lower().startswith("http://"):
                if not is_loopback(url):
                    raise ClientAuthenticationError(
                        message=f"refusing to send a bearer token over plain http to {url}")
                request.context.options["enforce_https"] = False
            return super().on_request(request)

    return LoopbackBearerPolicy(cred, scope)


class AzureBackend:
    def __init__(self, options, cred: Any = None):
        self.options = options
        self.subscription = options.subscription
        self._credential = cred or credential(options)
        self._clients: dict[str, Any] = {}
        self._models: dict[str, Any] = {}
        self._lock = threading.Lock()  # guards the per-client locks below
        self._building: dict[str, threading.Lock] = {}

    # -- clients ----------------------------------------------------------------------------

    def _kwargs(self) -> dict[str, Any]:
        opts = self.options
        kwargs: dict[str, Any] = {"base_url": opts.endpoint, "retry_total": 0,
                                  "credential_scopes": [opts.scope]}
        if opts.poll_interval is not None:
            kwargs["polling_interval"] = opts.poll_interval
        if opts.endpoint.lower().startswith("http://"):
            kwargs["authentication_policy"] = loopback_policy(self._credential, opts.scope)
        return kwargs

    def client(self, name: str) -> Any:
        # One lock per client: building one imports its SDK package (a few hundred ms for
        # network), and reads that need another client should not queue behind it.
        with self._lock:
            building = self._building.setdefault(name, threading.Lock())
        with building:
            if name not in self._clients:
                self._clients[name], self._models[name] = _build(name, self._credential,
                                                                 self.subscription, self._kwargs())
            return self._clients[name]

    def model(self, adapter: Adapter, body: dict) -> Any:
        self.client(adapter.client)
        cls = getattr(self._models[adapter.client], adapter.model)
        return cls.deserialize(body) if hasattr(cls, "_attribute_map") else cls(body)

    # -- the protocol -----------------------------------------------------------------------

    def get(self, resource: Resource) -> dict | None:
        return self.read(refs.address(resource, self.subscription))

    def read(self, resource_id: str) -> dict | None:
        parsed = parse(resource_id)
        adapter = _adapter(parsed)
        ops = getattr(self.client(adapter.client), adapter.operations)
        return _call(lambda: ops.get(*adapter.args(parsed), **RAW), missing=True)

    def put(self, resource: Resource, body: dict) -> dict:
        parsed = parse(refs.address(resource, self.subscription))
        adapter = _adapter(parsed)
        ops = getattr(self.client(adapter.client), adapter.operations)
        model = self.model(adapter, body)
        if adapter.lro:
            begin = getattr(ops, f"begin_{adapter.create}")
            return _call(lambda: begin(*adapter.args(parsed), model, **RAW).result())
        return _call(lambda: getattr(ops, adapter.create)(*adapter.args(parsed), model, **RAW))

    def role_assignments(self, scope: str, principal_id: str) -> list[dict]:
        ops = self.client("auth").role_assignments
        found = _call(lambda: [to_json(a) for a in ops.list_for_scope(
            scope, filter=f"principalId eq '{principal_id}'")])
        return [a for a in found if refs.within(scope, _scope(a))]

    def role_definition(self, role_definition_id: str) -> dict | None:
        ops = self.client("auth").role_definitions
        return _call(lambda: ops.get_by_id(role_definition_id, **RAW), missing=True)

    def clusters(self) -> list[dict]:
        ops = self.client("aks").managed_clusters
        return _call(lambda: [to_json(c) for c in ops.list()])

    def permissions(self, scope: str) -> list[dict] | None:
        ops = self.client("auth").permissions
        p = parse(scope)
        if p.type == "microsoft.resources/resourcegroups":
            return _call(lambda: [to_json(x) for x in ops.list_for_resource_group(p.rg)],
                         missing=True)
        parent = "/".join(f"{t}/{n}" for t, n in zip(p.types[:-1], p.names[:-1], strict=True))
        return _call(lambda: [to_json(x) for x in ops.list_for_resource(
            p.rg, p.namespace, parent, p.types[-1], p.names[-1])], missing=True)

    def close(self) -> None:
        for client in self._clients.values():
            client.close()
        close = getattr(self._credential, "close", None)
        if close:
            close()


def _scope(assignment: dict) -> str:
    return str(dig(assignment, "properties", "scope")
               or refs.scope_of(str(lookup(assignment, "id") or "")))


def _adapter(parsed: Parsed) -> Adapter:
    adapter = ADAPTERS.get(parsed.type)
    if adapter is None:
        raise BackendError(f"aksnet has no adapter for {parsed.type}", code="UnsupportedType")
    return adapter


def _build(name: str, cred: Any, subscription: str, kwargs: dict) -> tuple[Any, Any]:
    if name == "network":
        from azure.mgmt.network import NetworkManagementClient, models
        return NetworkManagementClient(cred, subscription, **kwargs), models
    if name == "aks":
        from azure.mgmt.containerservice import ContainerServiceClient, models
        return ContainerServiceClient(cred, subscription, **kwargs), models
    if name == "msi":
        from azure.mgmt.msi import ManagedServiceIdentityClient, models
        return ManagedServiceIdentityClient(cred, subscription, **kwargs), models
    if name == "auth":
        from azure.mgmt.authorization import AuthorizationManagementClient
        from azure.mgmt.authorization.v2022_04_01 import models
        return AuthorizationManagementClient(cred, subscription, **kwargs), models
    from azure.mgmt.resource.resources import ResourceManagementClient, models
    return ResourceManagementClient(cred, subscription, **kwargs), models


def to_json(model: Any) -> dict:
    if model is None or isinstance(model, dict):
        return model
    if hasattr(model, "_attribute_map"):
        return model.serialize(keep_readonly=True)
    return model.as_dict()


def _call(fn: Callable[[], Any], missing: bool = False) -> Any:
    """Run one SDK call; Azure's exceptions become BackendErrors (404 -> None when `missing`)."""
    try:
        return fn()
    except ResourceNotFoundError:
        if missing:
            return None
        raise
    except ClientAuthenticationError as error:
        raise BackendError(f"authentication failed: {error.message}", status=401,
                           code="AuthenticationFailed") from None
    except HttpResponseError as error:
        raise translate(error) from None
    except (ServiceRequestError, ServiceResponseError) as error:
        raise BackendError(f"no answer from Resource Manager: {error.message}") from None


def translate(error: HttpResponseError) -> BackendError:
    code = getattr(error.error, "code", None) or ""
    message = getattr(error.error, "message", None) or error.message
    retry_after = None
    response = error.response
    if response is not None:
        header = response.headers.get("Retry-After")
        try:
            retry_after = float(header) if header is not None else None
        except ValueError:
            retry_after = None
    return BackendError(str(message).splitlines()[0] if message else str(error),
                        status=error.status_code, code=code, retry_after=retry_after)
