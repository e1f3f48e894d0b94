"""Read everything, decide, then write in dependency order with independent resources in
parallel. Dry-run is simply stopping after `assess`.

Idempotence: every write is a create-or-update PUT of the same body, and each attempt first reads
the resource again: a PUT that went through before its answer was lost (reset, kill, timeout) is
seen as done and not repeated. Role assignments have stable names; one that exists under another
name (RoleAssignmentExists) counts as done. Nothing is ever deleted.

Retries live here only (the SDK's own are off): throttling, 5xx, dropped connections and AKS
"another operation is in progress" wait for Retry-After when given, else back off exponentially,
a bounded number of times; PrincipalNotFound (a new identity not replicated yet) backs off on its
own, longer budget. A resource that still fails is reported and its dependents are skipped; the
rest goes on.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any

from generator.plan import Plan, Resource
from generator.provision import immutable
from generator.provision.backend import Backend, BackendError
from generator.provision.caseless import dig, lookup, same_id
from generator.provision.diff import (
    CREATE,
    NO_OP,
    Change,
    adopt,
    classify,
    differences,
    in_progress,
    merged_body,
    same,
    settled,
    state_of,
)
from generator.provision.refs import Resolver, has_unknown, name_of, scope_of
from generator.resources import ROLE_ASSIGNMENT

WORKERS = 8


@dataclass(frozen=True)
class Retry:
    attempts: int = 6  # tries for throttling and transient errors
    base: float = 1.0  # first backoff without Retry-After; doubles each time
    cap: float = 30.0
    max_retry_after: float = 120.0
    principal_attempts: int = 12  # tries while a new principal replicates
    principal_base: float = 1.0
    principal_cap: float = 16.0
    settle_interval: float = 10.0  # polling a resource another operation is still changing
    settle_timeout: float = 3600.0
    sleep: Callable[[float], None] = time.sleep

    @classmethod
    def from_env(cls) -> Retry:
        """AKSNET_RETRY_BASE_SECONDS scales both backoffs (tests and impatient pipelines)."""
        base = os.environ.get("AKSNET_RETRY_BASE_SECONDS")
        if not base:
            return cls()
        value = max(float(base), 0.0)
        return cls(base=value, principal_base=value, cap=max(value * 8, value),
                   principal_cap=max(value * 16, value), settle_interval=value * 5)

    def delay(self, error: BackendError, attempt: int) -> float | None:
        """Seconds to wait before the next try, or None when giving up."""
        if error.replication:
            if attempt >= self.principal_attempts:
                return None
            return min(self.principal_base * 2 ** (attempt - 1), self.principal_cap)
        if not error.transient or attempt >= self.attempts:
            return None
        if error.retry_after is not None:
            return min(error.retry_after, self.max_retry_after)
        return min(self.base * 2 ** (attempt - 1), self.cap)


def guarded(fn: Callable[[], Any], retry: Retry,
            notify: Callable[[int, float, BackendError], None] | None = None) -> Any:
    attempt = 0
    while True:
        try:
            return fn()
        except BackendError as error:
            attempt += 1
            pause = retry.delay(error, attempt)
            if pause is None:
                raise
            if notify:
                notify(attempt, pause, error)
            retry.sleep(pause)


@dataclass(frozen=True)
class Event:
    ref: str
    state: str  # waiting | creating | updating | retrying | done | failed | skipped
    elapsed: float = 0.0
    detail: str = ""


@dataclass(frozen=True)
class Outcome:
    change: Change
    status: str  # done | failed | skipped | no-op | read | refused
    elapsed: float = 0.0
    attempts: int = 0
    error: str = ""
    code: str = ""

    @property
    def exists(self) -> bool:
        if self.status in ("done", "no-op", "read"):
            return True
        return self.change.live is not None


# --- reading and deciding -----------------------------------------------------------------------


def read_all(plan: Plan, backend: Backend, resolver: Resolver, retry: Retry) -> None:
    """GET every plan resource (in parallel) into the resolver's cache."""

    def one(resource: Resource) -> None:
        prepared = resolver.prepared(resource)
        resolver.remember(resource.ref, guarded(lambda: backend.get(prepared), retry))

    with ThreadPoolExecutor(WORKERS) as pool:
        for future in [pool.submit(one, r) for r in plan.resources]:
            future.result()


def assess(plan: Plan, backend: Backend, resolver: Resolver, retry: Retry) -> list[Change]:
    """One Change per resource, in dependency order (reads must be done: see read_all)."""
    out = []
    for resource in plan.ordered():
        live = resolver.live(resource.ref)
        desired = adopt(resolver.body(resource), live)
        if live is None and resource.type == ROLE_ASSIGNMENT:
            twin = guarded(lambda r=resource, d=desired: equivalent(backend, resolver, r, d), retry)
            if twin is not None:
                resolver.remember(resource.ref, twin)
                out.append(Change(resource, NO_OP, live=twin))
                continue
        out.append(immutable.check(classify(resource, desired, live), desired, plan))
    return out


def equivalent(backend: Backend, resolver: Resolver, resource: Resource,
               desired: dict) -> dict | None:
    """An assignment of the same principal and role at the same scope, under any name."""
    props = desired.get("properties") or {}
    who, role = props.get("principalId"), props.get("roleDefinitionId")
    if not who or has_unknown(who) or not role:
        return None
    scope = scope_of(resolver.address(resource))
    for found in backend.role_assignments(scope, who):
        at = str(dig(found, "properties", "scope") or scope_of(str(lookup(found, "id") or "")))
        theirs = str(dig(found, "properties", "roleDefinitionId") or "")
        # The role by its name alone: one definition is named at more than one scope.
        if same(name_of(role), name_of(theirs)) and same_id(at, scope):
            return found
    return None


# --- writing ------------------------------------------------------------------------------------


class Executor:
    def __init__(self, backend: Backend, resolver: Resolver, retry: Retry,
                 emit: Callable[[Event], None], workers: int = WORKERS):
        self.backend, self.resolver, self.retry = backend, resolver, retry
        self.emit, self.workers = emit, workers

    def run(self, changes: list[Change]) -> list[Outcome]:
        """Start each write once its dependencies are done; skip it once one failed."""
        outcomes = {c.ref: Outcome(c, c.action) for c in changes if not c.writes}
        state = {ref: "done" for ref in outcomes}
        pending = [c for c in changes if c.writes]
        for c in pending:
            state[c.ref] = "pending"
            self.emit(Event(c.ref, "waiting"))
        with ThreadPoolExecutor(self.workers) as pool:
            running: dict[Future, Change] = {}
            while pending or running:
                for change in list(pending):
                    ready = self._ready(change, state)
                    if ready is None:
                        continue
                    pending.remove(change)
                    if ready:
                        state[change.ref] = "running"
                        running[pool.submit(self.write, change)] = change
                    else:
                        outcomes[change.ref] = Outcome(change, "skipped",
                                                       error="a dependency failed")
                        state[change.ref] = "skipped"
                        self.emit(Event(change.ref, "skipped", detail="a dependency failed"))
                if not running:
                    break  # nothing left that can start (cannot happen in a DAG; be safe)
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    outcome = future.result()
                    outcomes[running.pop(future).ref] = outcome
                    state[outcome.change.ref] = "done" if outcome.status == "done" else "failed"
        for change in pending:
            outcomes[change.ref] = Outcome(change, "skipped", error="never became ready")
        return [outcomes[c.ref] for c in changes]

    @staticmethod
    def _ready(change: Change, state: dict[str, str]) -> bool | None:
        """True: may start; False: a dependency failed (skip it); None: not yet."""
        deps = [state.get(d, "done") for d in change.resource.depends_on]
        if any(s in ("failed", "skipped") for s in deps):
            return False
        return True if all(s == "done" for s in deps) else None

    def write(self, change: Change) -> Outcome:
        resource = self.resolver.prepared(change.resource)
        start = time.monotonic()
        tries = [0]
        self.emit(Event(change.ref, "creating" if change.action == CREATE else "updating"))

        def once() -> dict:
            tries[0] += 1
            return self.attempt(change, resource, start, first=tries[0] == 1)

        def notify(attempt: int, pause: float, error: BackendError) -> None:
            self.emit(Event(change.ref, "retrying", time.monotonic() - start,
                            f"{error.code or error.status or 'connection'}; retry {attempt} in "
                            f"{pause:.1f}s"))

        try:
            live = guarded(once, self.retry, notify)
        except BackendError as error:
            return self._failed(change, start, tries[0], str(error), error.code)
        except Exception as error:  # noqa: BLE001 - a bug or an SDK surprise: report, go on
            return self._failed(change, start, tries[0], f"{type(error).__name__}: {error}", "")
        self.resolver.remember(change.ref, live)
        elapsed = time.monotonic() - start
        self.emit(Event(change.ref, "done", elapsed))
        return Outcome(change, "done", elapsed, tries[0])

    def attempt(self, change: Change, resource: Resource, start: float, first: bool) -> dict:
        """One try: read again (except for a first create), write only what is still needed."""
        desired = self.resolver.body(resource)
        if has_unknown(desired):
            raise BackendError("a referenced value is not known (its resource is missing)",
                               code="UnresolvedReference")
        live = None if first and change.action == CREATE else self.backend.get(resource)
        if in_progress(live):  # another operation (or our interrupted one) still runs
            live = self.settle(resource, live, start)
        desired = adopt(desired, live)
        if live is not None and not differences(desired, live) and settled(live):
            return live  # already as wanted (an earlier attempt went through)
        body = desired if live is None else merged_body(live, desired)
        try:
            return self.backend.put(resource, body)
        except BackendError as error:
            if error.code.lower() == "roleassignmentexists":
                twin = equivalent(self.backend, self.resolver, resource, desired)
                if twin is not None:
                    return twin
            raise

    def settle(self, resource: Resource, live: dict | None, start: float) -> dict | None:
        """Wait (reading only) until no operation is running on the resource."""
        deadline = time.monotonic() + self.retry.settle_timeout
        while in_progress(live):
            if time.monotonic() > deadline:
                raise BackendError(f"still {state_of(live)} after "
                                   f"{self.retry.settle_timeout:.0f}s", code="Timeout")
            self.emit(Event(resource.ref, "retrying", time.monotonic() - start,
                            f"{state_of(live)} by an earlier operation; waiting"))
            self.retry.sleep(self.retry.settle_interval)
            live = self.backend.get(resource)
        return live

    def _failed(self, change: Change, start: float, tries: int, message: str,
                code: str) -> Outcome:
        elapsed = time.monotonic() - start
        self.emit(Event(change.ref, "failed", elapsed, message))
        return Outcome(change, "failed", elapsed, tries, message, code)

