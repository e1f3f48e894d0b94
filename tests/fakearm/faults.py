"""Fault injection: latency, LRO duration, identity replication delay, and per-request rules.

Every attribute may be changed from the test thread while the server runs. The plain float
settings are read once per request (a single attribute read is atomic in CPython); the rule list
is guarded by a lock because a rule's remaining count is decremented by server threads.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

KINDS = ("throttle", "error500", "error", "reset", "hang", "lro_fail")


@dataclass
class FaultRule:
    """One rule. It matches a request by method and path substring, fires `times` times
    (None: for ever) and is then spent."""

    kind: str
    method: str | None = None
    path_contains: str | None = None
    times: int | None = 1
    retry_after: float = 1  # throttle: value of the Retry-After header, in seconds
    hang_seconds: float = 30.0  # hang: how long the request is held before the connection drops
    status: int = 500  # error / lro_fail: the status of the error
    code: str | None = None  # error / lro_fail: the ARM error code
    message: str | None = None
    fired: int = 0

    def matches(self, method: str, path: str) -> bool:
        if self.times is not None and self.fired >= self.times:
            return False
        if self.method and self.method.upper() != method.upper():
            return False
        return not self.path_contains or self.path_contains.lower() in path.lower()

    def error_body(self) -> dict:
        code = self.code or (
            "OperationFailed" if self.kind == "lro_fail" else "InternalServerError"
        )
        message = self.message or "Injected fault from the fake ARM server."
        return {"code": code, "message": message}


class Faults:
    def __init__(self) -> None:
        self.latency = 0.0  # seconds added to every request before it is handled
        self.lro_seconds = 0.0  # how long a long-running operation stays in progress
        # A principal created by this fake (managed identity, cluster identity) is unknown to
        # role assignments for this long, like Microsoft Entra replication after creation.
        self.principal_replication_seconds = 0.0
        self._rules: list[FaultRule] = []
        self._lock = threading.Lock()

    def add(
        self,
        *,
        kind: str,
        method: str | None = None,
        path_contains: str | None = None,
        times: int | None = 1,
        retry_after: float = 1,
        hang_seconds: float = 30.0,
        status: int | None = None,
        code: str | None = None,
        message: str | None = None,
    ) -> FaultRule:
        """Add a rule. Kinds: throttle (429 + Retry-After), error500, error (status + code of your
        choice), reset (connection dropped, no response), hang (held up to hang_seconds, then
        dropped; released at stop), lro_fail (accepted, but the operation ends Failed)."""
        if kind not in KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; expected one of {KINDS}")
        default_status = {"throttle": 429, "error": 400}.get(kind, 500)
        rule = FaultRule(
            kind=kind,
            method=method,
            path_contains=path_contains,
            times=times,
            retry_after=retry_after,
            hang_seconds=hang_seconds,
            status=status or default_status,
            code=code,
            message=message,
        )
        with self._lock:
            self._rules.append(rule)
        return rule

    def take(self, method: str, path: str) -> FaultRule | None:
        """The first live rule matching this request, counted as fired."""
        with self._lock:
            for rule in self._rules:
                if rule.matches(method, path):
                    rule.fired += 1
                    return rule
        return None

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    @property
    def rules(self) -> list[FaultRule]:
        with self._lock:
            return list(self._rules)
