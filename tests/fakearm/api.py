"""Request dispatch: one ARM request in, one response out (no HTTP here).

Everything runs under the store lock, so requests are applied one at a time, but latency and
faults are applied by the HTTP handler outside the lock, so concurrent requests still overlap
in time as seen by the client.
"""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import authz, ids, resources
from . import catalog as c
from .errors import ArmError, resource_not_found, rg_not_found, subscription_not_found
from .render import render
from .store import Operation

if TYPE_CHECKING:
    from .faults import FaultRule
    from .server import FakeArm

OPS_TYPE = "microsoft.fake/locations/operations"
OP_RESULTS_TYPE = "microsoft.fake/locations/operationresults"
POLL_HOLD = 0.05  # hold an in-progress status poll this long so polling_interval=0 cannot spin


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    body: object
    headers: dict[str, str]  # lower-case names
    lro_fail: FaultRule | None = None

    @property
    def api_version(self) -> str | None:
        return self.query.get("api-version")


@dataclass
class Response:
    status: int
    body: object = None
    headers: dict[str, str] = field(default_factory=dict)


class Api:
    def __init__(self, arm: FakeArm) -> None:
        self.arm = arm
        self.store = arm.store

    def handle(self, req: Request) -> Response:
        try:
            ref = ids.parse(req.path)
            if ref.type_key == OPS_TYPE:
                self._hold_while_running(ref.name)
            with self.store.lock:
                self.store.settle()
                return self._dispatch(req, ref)
        except ArmError as e:
            return Response(e.status, e.body(), dict(e.headers))
        except Exception as e:  # a bug in the fake: answer 500 and keep it for the test to see
            self.arm.server_errors.append(traceback.format_exc())
            body = {"error": {"code": "FakeArmBug", "message": f"{type(e).__name__}: {e}"}}
            return Response(500, body)

    def _hold_while_running(self, op_id: str) -> None:
        with self.store.lock:
            op = self.store.ops.get(op_id)
            remaining = op.deadline - time.monotonic() if op and op.status == "InProgress" else 0
        if remaining > 0:
            self.arm.stopping.wait(min(remaining, POLL_HOLD))

    def _dispatch(self, req: Request, ref: ids.Ref) -> Response:
        if ref.sub.lower() != self.arm.subscription_id.lower():
            raise subscription_not_found(ref.sub)
        self._check_request(req)
        if ref.type_key in (OPS_TYPE, OP_RESULTS_TYPE):
            return self._operation(req, ref)
        if ref.type_key == "microsoft.authorization/permissions":
            return Response(
                200, {"value": authz.normalise_permissions(self.arm.caller_permissions)}
            )
        authz.check_caller(
            self.arm.caller_permissions, authz.action_for(req.method, ref), ref.scope
        )
        if ref.type_key == ids.SUBSCRIPTION_TYPE.lower():
            return Response(200, self._subscription_body())
        if ref.is_collection:
            return self._list(req, ref)
        handler = getattr(self, f"_{req.method.lower()}", None)
        if handler is None:
            raise ArmError(501, "NotImplemented", f"The fake ARM does not implement {req.method}.")
        return handler(req, ref)

    def _check_request(self, req: Request) -> None:
        if self.arm.require_auth and not req.headers.get("authorization", "").startswith("Bearer "):
            raise ArmError(
                401,
                "AuthenticationFailed",
                "Authentication failed. The 'Authorization' header is missing.",
            )
        if not req.api_version:
            raise ArmError(
                400,
                "MissingApiVersionParameter",
                "The api-version query parameter (?api-version=) is required for all requests.",
            )

    # -- reads ----------------------------------------------------------------------------------

    def _get(self, req: Request, ref: ids.Ref) -> Response:
        if ref.type_key == c.ROLE_DEFINITION:
            role = authz.find_role(self.store, ref.sub, ref.name)
            if role is None:
                raise ArmError(
                    404,
                    "RoleDefinitionDoesNotExist",
                    f"The role definition '{ref.name}' could not be found.",
                )
            return Response(200, role)
        return Response(200, render(self.store, self._existing(ref)))

    def _head(self, req: Request, ref: ids.Ref) -> Response:
        return Response(204 if self.store.get(ref.key) else 404)

    def _existing(self, ref: ids.Ref):
        entry = self.store.get(ref.key)
        if entry is not None:
            return entry
        if ref.rg and self.store.get(ref.rg_path) is None:
            raise rg_not_found(ref.rg)
        if ref.type_key == c.ROLE_ASSIGNMENT:
            raise ArmError(
                404, "RoleAssignmentNotFound", f"The role assignment '{ref.name}' is not found."
            )
        raise resource_not_found(ref.type, ref.name, ref.rg)

    def _list(self, req: Request, ref: ids.Ref) -> Response:
        if req.method != "GET":
            raise ArmError(405, "MethodNotAllowed", f"{req.method} is not allowed on a collection.")
        filter_ = req.query.get("$filter")
        if ref.type_key == c.ROLE_DEFINITION:
            return Response(
                200, {"value": authz.list_role_definitions(self.store, ref.sub, filter_)}
            )
        if ref.type_key == c.ROLE_ASSIGNMENT:
            found = authz.list_role_assignments(self.store, ref.scope, filter_)
        else:
            if ref.rg and self.store.get(ref.rg_path) is None:
                raise rg_not_found(ref.rg)
            # The type fixes the nesting depth, so "of this type under the parent" is exact.
            found = self.store.of_type(ref.type_key, ref.parent)
        return Response(200, {"value": [render(self.store, e) for e in found]})

    def _subscription_body(self) -> dict:
        sub = self.arm.subscription_id
        return {
            "id": f"/subscriptions/{sub}",
            "subscriptionId": sub,
            "tenantId": c.FAKE_TENANT_ID,
            "displayName": "fake subscription",
            "state": "Enabled",
        }

    # -- writes ---------------------------------------------------------------------------------

    def _put(self, req: Request, ref: ids.Ref) -> Response:
        if not isinstance(req.body, dict):
            raise ArmError(
                400, "InvalidRequestContent", "The request content was invalid or missing."
            )
        resources.check_parents(self.store, ref)
        self._check_preconditions(req, ref)
        if ref.type_key == c.ROLE_ASSIGNMENT:
            seconds = self.arm.faults.principal_replication_seconds
            entry, created = authz.put_role_assignment(self.store, ref, req.body, seconds)
            return Response(201 if created else 200, render(self.store, entry))
        result = resources.put_resource(self.store, ref, req.body)
        response = Response(201 if result.created else 200, render(self.store, result.entry))
        if c.kind_of(ref.type_key).lro:
            error = req.lro_fail.error_body() if req.lro_fail else None
            op = self.store.start_op("put", result.touched, self.arm.faults.lro_seconds, error)
            response.headers.update(self._op_headers(op, req, location=False))
        return response

    def _check_preconditions(self, req: Request, ref: ids.Ref) -> None:
        entry = self.store.get(ref.key)
        if_match, if_none = req.headers.get("if-match"), req.headers.get("if-none-match")
        failed = (if_match and if_match != "*" and (entry is None or entry.etag != if_match)) or (
            if_match == "*" and entry is None
        )
        if failed or (if_none == "*" and entry is not None):
            raise ArmError(
                412,
                "PreconditionFailed",
                "The condition specified using HTTP conditional header(s) is not met.",
            )

    def _patch(self, req: Request, ref: ids.Ref) -> Response:
        entry = self._existing(ref)
        resources.patch_resource(self.store, entry, req.body if isinstance(req.body, dict) else {})
        return Response(200, render(self.store, entry))

    def _delete(self, req: Request, ref: ids.Ref) -> Response:
        if ref.rg and ref.type_key != c.RG and self.store.get(ref.rg_path) is None:
            raise rg_not_found(ref.rg)
        entry = self.store.get(ref.key)
        if entry is None:
            return Response(204)
        resources.check_delete(self.store, entry)
        if not (c.kind_of(ref.type_key).lro or ref.type_key == c.RG):
            body = render(self.store, entry)
            self.store.remove_tree(entry.key)
            return Response(200, body)
        entry.state = "Deleting"
        op = self.store.start_op("delete", [entry], self.arm.faults.lro_seconds)
        return Response(202, headers=self._op_headers(op, req, location=True))

    # -- long-running operations ------------------------------------------------------------

    def _op_headers(self, op: Operation, req: Request, *, location: bool) -> dict[str, str]:
        base = (
            f"{self.arm.endpoint}/subscriptions/{self.arm.subscription_id}/providers/Microsoft.Fake"
        )
        region = "global"
        entry = self.store.get(op.keys[0])
        if entry and entry.body.get("location"):
            region = str(entry.body["location"]).replace(" ", "").lower()
        query = f"?api-version={req.api_version}"
        headers = {
            "Azure-AsyncOperation": f"{base}/locations/{region}/operations/{op.id}{query}",
            "Retry-After": "0",
        }
        if location:
            headers["Location"] = f"{base}/locations/{region}/operationResults/{op.id}{query}"
        return headers

    def _operation(self, req: Request, ref: ids.Ref) -> Response:
        op = self.store.ops.get(ref.name)
        if op is None:
            raise ArmError(404, "OperationNotFound", f"The operation '{ref.name}' was not found.")
        if ref.type_key == OP_RESULTS_TYPE:
            return self._op_result(op, req, ref)
        body = {"id": ref.path, "name": op.id, "status": op.status, "startTime": op.start_time}
        if op.end_time:
            body.update(endTime=op.end_time, percentComplete=100)
        if op.status == "Failed":
            body["error"] = op.error
        return Response(200, body)

    def _op_result(self, op: Operation, req: Request, ref: ids.Ref) -> Response:
        """The Location URL: 202 while running, then what the operation produced."""
        if op.status == "InProgress":
            url = f"{self.arm.endpoint}{ref.path}?api-version={req.api_version}"
            return Response(202, headers={"Location": url, "Retry-After": "0"})
        if op.status == "Failed":
            return Response(500, {"error": op.error})
        entry = self.store.get(op.keys[0])
        if op.action == "delete" or entry is None:
            return Response(204)
        return Response(200, render(self.store, entry))
