"""HTTP plumbing of the fake ARM: the threading server, the request handler and the request log
record. Faults that act on the connection (latency, throttling, injected errors, resets, hangs)
are applied here, before and outside the store lock, so concurrent requests really overlap.
"""

from __future__ import annotations

import io
import json
import socket
import struct
import sys
import time
import traceback
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, unquote, urlsplit

from .api import Request, Response
from .faults import FaultRule

if TYPE_CHECKING:
    from .server import FakeArm


@dataclass(frozen=True)
class RequestRecord:
    """One request as the server saw it; faulted requests are logged too."""

    method: str
    path: str  # URL-decoded, without the query string
    query: dict[str, str]
    api_version: str | None
    status: int | None  # None: no response was sent (reset, hang)
    started: float  # time.monotonic() when the request was read
    ended: float  # time.monotonic() when the response was ready (just before it is sent)
    body: object  # parsed JSON request body, or None
    has_auth: bool  # an Authorization header was present
    fault: str | None = None  # kind of the fault rule that fired, if any

    def overlaps(self, other: RequestRecord) -> bool:
        return self.started < other.ended and other.started < self.ended


class ArmServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # parallel provisioning opens many connections at once

    def handle_error(self, request: object, client_address: object) -> None:
        """Keep stderr quiet for clients that go away (resets, timeouts, closed pools); any
        other exception is a bug in the fake and goes to arm.server_errors."""
        if isinstance(sys.exc_info()[1], OSError):
            return
        self.RequestHandlerClass.arm.server_errors.append(traceback.format_exc())


class ArmHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the SDK's connection pool expects
    arm: FakeArm

    def log_message(self, format: str, *args: object) -> None:  # quiet: the log is arm.requests
        pass

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes; without NODELAY, Nagle plus delayed ACKs
        # add ~40 ms to every keep-alive round trip.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.arm._track(self.connection, True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.arm._track(self.connection, False)

    def do_GET(self) -> None:
        self._serve()

    do_PUT = do_PATCH = do_POST = do_DELETE = do_HEAD = do_GET

    def _serve(self) -> None:
        started = time.monotonic()
        # A leading "//" (an SDK scope with a leading slash) would parse as a host name.
        split = urlsplit("/" + self.path.lstrip("/"))
        path = unquote(split.path)
        query = {k: v[-1] for k, v in parse_qs(split.query, keep_blank_values=True).items()}
        body = self._read_body()

        def record(status: int | None, rule: FaultRule | None) -> None:
            # Logged before the response goes out, so a client never sees a response whose
            # request is not in arm.requests yet.
            self.arm._record(
                RequestRecord(
                    method=self.command,
                    path=path,
                    query=query,
                    api_version=query.get("api-version"),
                    status=status,
                    started=started,
                    ended=time.monotonic(),
                    body=body,
                    has_auth="Authorization" in self.headers,
                    fault=rule.kind if rule else None,
                )
            )

        if self.arm.faults.latency > 0:
            self.arm.stopping.wait(self.arm.faults.latency)
        rule = self.arm.faults.take(self.command, path)
        if rule and rule.kind in ("reset", "hang"):
            if rule.kind == "hang":
                self.arm.stopping.wait(rule.hang_seconds)
            record(None, rule)
            self._drop(abort=rule.kind == "reset")
            return
        if rule and rule.kind != "lro_fail":
            response = self._fault_response(rule)
        else:
            headers = {k.lower(): v for k, v in self.headers.items()}
            request = Request(self.command, path, query, body, headers, rule)
            response = self.arm.api.handle(request)
        record(response.status, rule)
        self._send(response)

    def _read_body(self) -> object:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if not raw:
            return None
        try:
            return json.loads(raw)
        except ValueError:
            return raw.decode("utf-8", "replace")  # the API answers 400 for a non-object body

    def _fault_response(self, rule: FaultRule) -> Response:
        if rule.kind == "throttle":
            message = rule.message or (
                f"Number of 'write' requests for subscription '{self.arm.subscription_id}' "
                f"exceeded. Please try again after '{_seconds(rule.retry_after)}' seconds after "
                "additional tips available at https://aka.ms/armthrottling"
            )
            body = {
                "error": {"code": rule.code or "SubscriptionRequestsThrottled", "message": message}
            }
            return Response(429, body, {"Retry-After": _seconds(rule.retry_after)})
        return Response(rule.status, {"error": rule.error_body()})

    def _send(self, response: Response) -> None:
        data = b"" if response.body is None else json.dumps(response.body).encode()
        self.send_response(response.status)
        if data:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-ms-request-id", str(uuid.uuid4()))
        if self.headers.get("x-ms-client-request-id"):
            self.send_header("x-ms-client-request-id", self.headers["x-ms-client-request-id"])
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _drop(self, *, abort: bool) -> None:
        """Close the connection without a response; with a TCP reset when `abort`."""
        if abort:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        # Close the file objects first: the socket is only really closed (and, with linger 0,
        # reset) once nothing refers to it. The BytesIO keeps http.server's final flush harmless.
        self.wfile.close()
        self.rfile.close()
        self.wfile = io.BytesIO()
        self.connection.close()


def _seconds(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
